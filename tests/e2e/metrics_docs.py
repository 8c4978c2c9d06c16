#!/usr/bin/env python3
"""metrics_docs.py DOC EXPOSITION... - hold the exposition to docs/metrics.md.

DOC's family table (the Markdown table whose first header cell is "family")
lists each family: its name (backticked, as the Prometheus text format
writes the sample: counters with _total), type, unit, labels (backticked,
comma-separated; the histogram's own "le" is not listed) and meaning; a
meaning saying "present only when" marks a family a run may lack.

Each EXPOSITION is a real `lakewatch check --format openmetrics` or
`--format prometheus` output (told apart by its "# EOF"). Checked both ways:
every family rendered is documented, with the documented type, unit (the
OpenMetrics # UNIT line; in either format the name's suffix) and exactly the
documented label names on every sample; every documented family not marked
"present only when" is rendered by every EXPOSITION. Every lakewatch_ name
elsewhere on the page (the example scrape, the PromQL) must be a documented
series too. Prints each mismatch; exits 1 if any, 2 on a DOC the parser
cannot read.
"""
import re
import sys

TICKS = re.compile(r"`([^`]+)`")
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$")
LABEL_NAME = re.compile(r'(?:^|,)([a-zA-Z_][a-zA-Z0-9_]*)="')


def doc_families(text):
    """{name: (type, unit, labels, optional)} from the family table."""
    fams, in_table = {}, False
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "family":
            if cells[:5] != ["family", "type", "unit", "labels", "meaning"]:
                raise ValueError(f"line {n}: the family table's columns "
                                 "are family, type, unit, labels, meaning")
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        names = TICKS.findall(cells[0])
        if len(names) != 1 or len(cells) < 5:
            raise ValueError(f"line {n}: one `family` per row: {line}")
        labels = frozenset(TICKS.findall(cells[3]))
        fams[names[0]] = (cells[1], cells[2] or None, labels,
                          "present only when" in cells[4])
    if not fams:
        raise ValueError("no family table (first header cell \"family\")")
    return fams


def mentions(text, doc):
    """Names on the page (examples, PromQL) that are no documented series."""
    allowed = set(doc)
    for name, (t, _, _, _) in doc.items():
        if t == "histogram":
            allowed |= {name + s for s in ("_bucket", "_sum", "_count")}
        if t == "counter":
            allowed.add(name[:-len("_total")])  # the OpenMetrics family
    return sorted({m for m in re.findall(r"\blakewatch_[a-z_]+\b", text)
                   if m not in allowed})


def rendered(text):
    """{documented name: (type, unit, {frozenset of label names})}."""
    om = text.rstrip("\n").endswith("# EOF")
    types, units, out = {}, {}, {}
    for line in text.splitlines():
        m = re.match(r"^# (TYPE|UNIT) (\S+) (\S+)$", line)
        if m:
            (types if m.group(1) == "TYPE" else units)[m.group(2)] = \
                m.group(3)
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if not m:
            continue
        name, labels = m.group(1), m.group(2) or ""
        fam = name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and types.get(base) == "histogram":
                fam = base
        if om and name.endswith("_total") and \
                types.get(name[:-6]) == "counter":
            t, u = "counter", units.get(name[:-6])
        else:
            t, u = types.get(fam), units.get(fam)
        keys = frozenset(LABEL_NAME.findall(labels)) - {"le"}
        entry = out.setdefault(fam, (t, u, set()))
        entry[2].add(keys)
    return out, om


def compare(doc, text, where):
    problems = []
    got, om = rendered(text)
    for name, (t, u, labelsets) in got.items():
        if name not in doc:
            problems.append(f"{where}: {name} is rendered but not documented")
            continue
        dt, du, dl, _ = doc[name]
        if t != dt:
            problems.append(f"{where}: {name} is a {t}, documented {dt}")
        if om and u != du:
            problems.append(f"{where}: {name} has unit {u}, documented {du}")
        if du and not name.removesuffix("_total").endswith("_" + du):
            problems.append(f"{where}: {name} does not end in its unit {du}")
        for ls in labelsets:
            if ls != dl:
                problems.append(f"{where}: {name} has labels {sorted(ls)}, "
                                f"documented {sorted(dl)}")
    for name, (_, _, _, optional) in doc.items():
        if name not in got and not optional:
            problems.append(f"{where}: {name} is documented but not rendered")
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__.splitlines()[0])
        sys.exit(2)
    try:
        with open(sys.argv[1], encoding="utf-8") as fh:
            doc = doc_families(fh.read())
    except ValueError as e:
        print(f"{sys.argv[1]}: {e}")
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as fh:
        problems = [f"{sys.argv[1]}: {m} is named but is no documented "
                    "series" for m in mentions(fh.read(), doc)]
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as fh:
            problems += compare(doc, fh.read(), path)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
