#!/usr/bin/python3
"""Independent witness for tests/mlw-csv.bats: Python's csv and json modules
applied to the fixtures, with the rules of man/mlw-csv.1 written out again
from the manual (not from the C code).  Run by hand:

    python3 tests/data/csv-witness.py

It prints (1) the JSON Lines of tests/data/csv-rfc4180.csv and (2) the CSV
of tests/data/csv-records.jsonl; the bats tests pin these outputs.
"""
import csv
import io
import json
import math
import re
import sys

HERE = sys.path[0]
NUM = re.compile(r'-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z')


def is_number(s):
    return bool(NUM.match(s)) and math.isfinite(float(s))


def split_path(name):
    segs, cur, i = [], '', 0
    while i < len(name):
        if name[i] == '\\' and i + 1 < len(name):
            cur += name[i + 1]
            i += 2
            continue
        if name[i] == '.':
            segs.append(cur)
            cur = ''
        else:
            cur += name[i]
        i += 1
    segs.append(cur)
    return segs


def to_json(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    numeric = []
    for j in range(len(header)):
        vals = [r[j] for r in data if r[j] != '']
        numeric.append(bool(vals) and all(is_number(v) for v in vals))
    out = []
    for r in data:
        tree = {}
        for j, name in enumerate(header):
            segs = split_path(name)
            node = tree
            for s in segs[:-1]:
                node = node.setdefault(s, {})
            v = r[j]
            if v == '':
                node[segs[-1]] = 'null'
            elif numeric[j]:
                node[segs[-1]] = v
            else:
                node[segs[-1]] = json.dumps(v, ensure_ascii=False)
        out.append(render(tree))
    return out


def render(tree):
    if isinstance(tree, dict):
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' +
                              render(v) for k, v in tree.items()) + '}'
    return tree


class Raw(str):
    pass


def compact(v):
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, list):
        return '[' + ','.join(compact(x) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' +
                              compact(x) for k, x in v.items()) + '}'
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    return json.dumps(v, ensure_ascii=False)


def leaves(obj, prefix, acc):
    for k, v in obj.items():
        name = prefix + k.replace('\\', '\\\\').replace('.', '\\.')
        if isinstance(v, dict) and v:
            leaves(v, name + '.', acc)
        else:
            acc[name] = v


def to_csv(path):
    recs = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            o = json.loads(line, parse_float=Raw, parse_int=Raw)
            acc = {}
            leaves(o, '', acc)
            recs.append(acc)
    cols = []
    for r in recs:
        for k in r:
            if k not in cols:
                cols.append(k)
    s = io.StringIO()
    w = csv.writer(s, quoting=csv.QUOTE_MINIMAL, lineterminator='\n')
    w.writerow(cols)
    for r in recs:
        row = []
        for c in cols:
            v = r.get(c)
            if v is None:
                row.append('')
            elif isinstance(v, str) and not isinstance(v, Raw):
                row.append(v)
            else:
                row.append(compact(v))
        w.writerow(row)
    return s.getvalue()


print('\n'.join(to_json(HERE + '/csv-rfc4180.csv')))
print('----')
sys.stdout.write(to_csv(HERE + '/csv-records.jsonl'))
