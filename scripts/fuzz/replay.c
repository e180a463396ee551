/* Replay a corpus through a fuzz target without libFuzzer: each argument
 * is a file, or a directory whose files are all run. Built with any
 * compiler (and the sanitizers) by make fuzz-replay. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		return 1;
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int
main(int argc, char *argv[])
{
	int i, bad = 0, count = 0;
	int out = dup(1);       /* a target may point fd 1 at /dev/null */

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((d = opendir(argv[i])) == NULL)
				continue;
			while ((e = readdir(d)) != NULL) {
				char p[4096];

				if (e->d_name[0] == '.')
					continue;
				snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
				bad |= run(p);
				count++;
			}
			closedir(d);
		} else {
			bad |= run(argv[i]);
			count++;
		}
	}
	if (out < 0)
		out = 1;
	dprintf(out, "%s: %d inputs replayed\n", argv[0], count);
	return bad;
}
