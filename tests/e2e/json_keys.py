#!/usr/bin/env python3
"""json_keys.py DOC REPORT - hold a JSON report's keys to the documentation.

DOC is docs/report-json.md. Every Markdown table whose first header cell is
"field" lists keys (backticked, comma-separated in the first column); they
live under each backticked path in the parentheses that end the nearest
"##"/"###" heading above ("## Datasets (`datasets[]`)"; no parentheses: the
top level). REPORT is a real `lakewatch check --format json` report.

Paths are dotted, "[]" standing for "every element": datasets[].checks[].
The report is walked key by key; a documented key is descended into only
when the doc lists keys below it, so an open object such as `detail` is one
key. A row whose meaning says "present only when" documents a key that
may be absent (it is then not required in REPORT). Prints every report key
the doc lacks and every documented key no element of the report has, and exits 1 if there is any (2 on a DOC the
parser cannot read).
"""
import json
import re
import sys

HEADING = re.compile(r"^#{2,3}\s+(.*?)\s*$")
TICKS = re.compile(r"`([^`]+)`")
OPTIONAL = set()	# documented keys that may be absent (doc_paths fills it)


def doc_paths(text):
    """The set of documented key paths, or raises ValueError."""
    paths, prefixes, in_table, where = set(), [""], False, "the top"
    OPTIONAL.clear()
    for n, line in enumerate(text.splitlines(), 1):
        m = HEADING.match(line)
        if m:
            head = m.group(1)
            par = re.search(r"\(([^()]*)\)\s*$", head)
            prefixes = TICKS.findall(par.group(1)) if par else [""]
            where = f"line {n}: {head}"
            in_table = False
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "field":
            if not prefixes:
                raise ValueError(f"a key table under {where}, whose parentheses name no `path`")
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        keys = TICKS.findall(cells[0])
        if not keys:
            raise ValueError(f"line {n}: no `key` in the first column: {line}")
        for p in prefixes:
            for k in keys:
                paths.add(f"{p}.{k}" if p else k)
                if "present only when" in line:
                    OPTIONAL.add(f"{p}.{k}" if p else k)
    return paths


def report_paths(value, documented, path=""):
    """Key paths of value, descending only where the doc lists keys below."""
    out = set()
    if isinstance(value, list):
        for v in value:
            out |= report_paths(v, documented, path + "[]")
    elif isinstance(value, dict):
        for k, v in value.items():
            p = f"{path}.{k}" if path else k
            out.add(p)
            if any(d.startswith(p + ".") or d.startswith(p + "[]") for d in documented):
                out |= report_paths(v, documented, p)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            doc = doc_paths(f.read())
    except ValueError as e:
        print(f"{sys.argv[1]}: {e}")
        return 2
    if len(doc) < 10:
        print(f"{sys.argv[1]}: only {len(doc)} keys documented: tables not found?")
        return 2
    with open(sys.argv[2], encoding="utf-8") as f:
        got = report_paths(json.load(f), doc)
    undocumented = sorted(got - doc)
    missing = sorted(doc - got - OPTIONAL)
    for p in undocumented:
        print(f"in the report, not in {sys.argv[1]}: {p}")
    for p in missing:
        print(f"in {sys.argv[1]}, not in the report: {p}")
    if not undocumented and not missing:
        print(f"{len(doc)} keys, documented and reported")
    return 1 if undocumented or missing else 0


if __name__ == "__main__":
    sys.exit(main())
