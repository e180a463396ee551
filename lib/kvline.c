#include "kvline.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Cut a comment: '#' after a blank, outside quotes. */
static void
cut_comment(char *s)
{
	char q = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (q) {
			if (s[i] == '\\' && s[i + 1])
				i++;
			else if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			q = s[i];
		else if (s[i] == '#' && i > 0 && (s[i - 1] == ' ' ||
		    s[i - 1] == '\t')) {
			s[i] = '\0';
			return;
		}
	}
}

int
mlw_kvline_next(const char **p, struct mlw_kvline *kv, int trailing)
{
	while (**p) {
		const char *eol = strchr(*p, '\n');
		size_t len = eol ? (size_t)(eol - *p) : strlen(*p);
		char *k, *v, *end;

		free(kv->buf);
		kv->buf = mlw_xstrndup(*p, len);
		kv->raw = *p;
		kv->rawlen = len;
		kv->line++;
		*p += len + (eol != NULL);
		k = kv->buf + strspn(kv->buf, " \t");
		if (*k == '#')
			continue;
		if (trailing)
			cut_comment(k);
		end = k + strlen(k);
		while (end > k && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			*--end = '\0';
		if (*k == '\0')
			continue;
		v = k + strcspn(k, " \t");
		if (*v) {
			*v++ = '\0';
			v += strspn(v, " \t");
		}
		if (k[1] && k[strlen(k) - 1] == ':')  /* "when: psi > 0.2" */
			k[strlen(k) - 1] = '\0';
		kv->key = k;
		kv->val = v;
		return 1;
	}
	return 0;
}

void
mlw_kvline_free(struct mlw_kvline *kv)
{
	free(kv->buf);
	kv->buf = NULL;
}
