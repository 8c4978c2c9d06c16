#!/usr/bin/env python3
"""metrics_vs_json.py REPORT.json EXPOSITION - the exposition's values are
the poll's, as the JSON report of the same poll states them.

For every dataset of REPORT: lakewatch_dataset_status (with its source and
layer), lakewatch_check_status of each check (the first result of a name),
and rows, bytes, files and schema columns: equal to the report's when the
report has the value, and absent when it does not (never 0 for unknown).
Source and consumer statuses likewise; no dataset, source or consumer the
report lacks. Prints each difference; exits 1 if any.
"""
import json
import re
import sys

STATUS = {"PASS": 0, "WARN": 1, "FAIL": 2, "ERROR": 3}
SAMPLE = re.compile(r"^([a-z_]+)\{(.*)\} (\S+)$")
LABEL = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')


def unescape(v):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n"
                  else m.group(1), v)


def series(text):
    """{(name, frozenset(labels.items())): value}"""
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            labels = {k: unescape(v) for k, v in LABEL.findall(m.group(2))}
            out[(m.group(1), frozenset(labels.items()))] = float(m.group(3))
    return out


def main():
    report = json.load(open(sys.argv[1], encoding="utf-8"))
    got = series(open(sys.argv[2], encoding="utf-8").read())
    want = {}
    for d in report["datasets"]:
        ds, o = d["name"], d["observation"]
        want[("lakewatch_dataset_status", frozenset({
            "dataset": ds, "source": d["source"] or "",
            "layer": d["layer"]}.items()))] = STATUS[d["status"]]
        seen = set()
        for c in d["checks"]:
            if c["check"] in seen:
                continue
            seen.add(c["check"])
            want[("lakewatch_check_status", frozenset({
                "dataset": ds, "check": c["check"]}.items()))] = \
                STATUS[c["status"]]
        pbi = "powerbi" in (o.get("detail") or {})
        facts = {
            "rows": o["rows"] if o["ok"] else None,
            "bytes": o["bytes"] if o["ok"] and not pbi else None,
            "files": o["files"] if o["ok"] and not pbi else None,
            "schema_columns": len(o["schema"]) if o["ok"] and
            o["schema"] is not None else None,
        }
        for k, v in facts.items():
            if v is not None:
                want[(f"lakewatch_dataset_{k}",
                      frozenset({"dataset": ds}.items()))] = v
    for kind in ("source", "consumer"):
        for g in report[kind + "s"]:
            want[(f"lakewatch_{kind}_status",
                  frozenset({kind: g["id"]}.items()))] = STATUS[g["status"]]
    compared = {k[0] for k in want} | {"lakewatch_dataset_rows",
                                      "lakewatch_dataset_bytes",
                                      "lakewatch_dataset_files",
                                      "lakewatch_dataset_schema_columns"}
    problems = []
    for k, v in want.items():
        if k not in got:
            problems.append(f"missing {k[0]}{dict(k[1])} (want {v})")
        elif got[k] != v:
            problems.append(f"{k[0]}{dict(k[1])} is {got[k]}, the report "
                            f"says {v}")
    for k, v in got.items():
        if k[0] in compared and k not in want:
            problems.append(f"{k[0]}{dict(k[1])} = {v}: the report has no "
                            "such value")
    for p in problems:
        print(p)
    print(f"{len(want)} values compared")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
