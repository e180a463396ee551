#!/usr/bin/env python3
# Witness for mlw-runs --mlflow: run names as MLflow's file store writes
# them (PyYAML's safe dumper, as mlflow.utils.file_utils.write_yaml, with
# and without allow_unicode), and the names a YAML reader gets back.
# Made with Debian's python3-yaml 6.0:
#   python3 tests/data/mlflow-yaml-witness.py tests/data/mlflow-yaml
# writes tests/data/mlflow-yaml/0/... and tests/data/mlflow-yaml-names.jsonl,
# the expected {"run_id", "run_name"} per run, checked by tests/mlw-runs.bats.
import yaml, json, os, sys
names = [
    "bright-fox-1",
    "a long run name with many words in it that PyYAML folds onto continuation lines because it is longer than eighty characters",
    "tab\there",
    'quotes "double" and \'single\'',
    "café — naïve 😀",
    "ctl\x01char\x7f",
    "null",
    "123",
    "yes",
    " leading and trailing ",
    "colon: inside",
    "#hash",
    "line\nbreak",
    "two\n\nbreaks",
    "back\\slash",
    "- dash",
    "",
    "\u2028sep\u0085nel\u00a0nbsp",  # allow_unicode=False only (below)
    "x" * 100,
    "word " * 30,
]
out = sys.argv[1]
exp = os.path.join(out, "0")
os.makedirs(exp, exist_ok=True)
with open(os.path.join(exp, "meta.yaml"), "w") as f:
    yaml.dump({"artifact_location": "file:///x", "experiment_id": "0",
               "lifecycle_stage": "active", "name": "Default"}, f,
              default_flow_style=False, allow_unicode=True, Dumper=yaml.SafeDumper)
want = []
for i, n in enumerate(names):
    for uni in (True, False):
        if uni and any(c in n for c in "\u2028\u2029\x85"):
            continue    # written raw, they are YAML 1.1 line breaks
        rid = "%030x%02d" % (i, int(uni))
        d = os.path.join(exp, rid)
        os.makedirs(d, exist_ok=True)
        meta = {"run_id": rid, "run_uuid": rid, "run_name": n, "experiment_id": "0",
                "lifecycle_stage": "active", "start_time": 1700000000000 + i * 10 + int(uni),
                "end_time": None, "status": 3, "user_id": n, "tags": []}
        with open(os.path.join(d, "meta.yaml"), "w", encoding="utf-8") as f:
            yaml.dump(meta, f, default_flow_style=False, allow_unicode=uni, Dumper=yaml.SafeDumper)
        assert yaml.safe_load(open(os.path.join(d, "meta.yaml"), encoding="utf-8"))["run_name"] == n
        want.append('{"run_id":"%s","run_name":%s}' % (rid, json.dumps(n, ensure_ascii=False)))
with open(out.rstrip("/") + "-names.jsonl", "w", encoding="utf-8") as f:
    f.write("\n".join(want) + "\n")
