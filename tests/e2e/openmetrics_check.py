#!/usr/bin/env python3
"""openmetrics_check.py FORMAT FILE - the exposition rules promtool cannot
check (its parser is the 0.0.4 one), for FORMAT openmetrics or prometheus.

Both: metadata (# HELP, # TYPE, and for OpenMetrics # UNIT) before the
family's samples and at most once each; a family's samples together, never
interleaved with another's; sample names that belong to their family
(gauge: the name; counter: the name ending in _total, the family without it
in OpenMetrics; histogram: _bucket/_sum/_count); label names and quoted
values with only the \\\\ \\" \\n escapes; numeric values; no two samples
with the same name and labels; histogram buckets with le, cumulative,
ending in +Inf, which equals _count; valid UTF-8; a final newline.
OpenMetrics only: # UNIT is the family name's last word; no other comment;
"# EOF" once, last. Prometheus only: no # UNIT and no # EOF.
Prints every problem with its line number; exits 1 if any.
"""
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SAMPLE = re.compile(r"^(" + NAME + r")(\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')
META = re.compile(r"^# (HELP|TYPE|UNIT) (" + NAME + r")(?: (.*))?$")
TYPES = {"gauge", "counter", "histogram", "summary", "info", "stateset",
         "unknown", "gaugehistogram", "untyped"}


def labels_of(text, problem):
    """The label list of a sample's {...}, or None after a problem."""
    out, pos = [], 0
    while pos < len(text):
        m = LABEL.match(text, pos)
        if not m:
            problem(f"bad label at {text[pos:pos + 30]!r}")
            return None
        out.append((m.group(1), m.group(2)))
        pos = m.end()
        if pos < len(text):
            if text[pos] != ",":
                problem(f"expected ',' in labels at {text[pos:pos + 20]!r}")
                return None
            pos += 1
    names = [k for k, _ in out]
    if len(set(names)) != len(names):
        problem("a label name twice")
    return out


def number(s):
    if s in ("+Inf", "-Inf", "NaN"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        raise ValueError(s)
    return float(s)


class Family:
    def __init__(self, name):
        self.name, self.type, self.unit, self.help = name, None, None, None
        self.samples = 0
        self.buckets = {}   # labels without le -> [(le, value)]
        self.counts = {}


def family_of(fams, name, om):
    """The family a sample name belongs to, by the suffix rules."""
    for suffix in ("_total", "_bucket", "_sum", "_count", "_created", ""):
        if suffix and not name.endswith(suffix):
            continue
        base = name[:-len(suffix)] if suffix else name
        f = fams.get(base)
        if f is None:
            continue
        t = f.type or "unknown"
        if t == "histogram" and suffix in ("_bucket", "_sum", "_count"):
            return f, suffix
        if t == "counter":
            if om and suffix in ("_total", "_created"):
                return f, suffix
            if not om and suffix == "" and name.endswith("_total"):
                return f, suffix
        if t in ("gauge", "unknown", "untyped") and suffix == "":
            return f, suffix
    return None, None


def check(fmt, data):
    problems = []
    om = fmt == "openmetrics"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"not UTF-8: {e}"]
    if not text.endswith("\n"):
        problems.append("no newline at the end")
    lines = text.split("\n")[:-1]
    fams, done, cur, seen, eof = {}, set(), None, set(), None
    for n, line in enumerate(lines, 1):
        def problem(msg, n=n, line=line):
            problems.append(f"line {n}: {msg}: {line[:120]}")
        if eof is not None:
            problem("after # EOF")
            continue
        if line == "# EOF":
            if not om:
                problem("# EOF in the Prometheus text format")
            eof = n
            continue
        if line.startswith("#"):
            m = META.match(line)
            if not m:
                if om:
                    problem("a comment OpenMetrics does not allow")
                continue
            kind, name, rest = m.group(1), m.group(2), m.group(3) or ""
            if kind == "UNIT" and not om:
                problem("# UNIT in the Prometheus text format")
            if name in done or (name in fams and fams[name].samples):
                problem(f"metadata for {name} after its samples")
            if cur is not None and cur.name != name:
                done.add(cur.name)
            f = fams.setdefault(name, Family(name))
            cur = f
            attr = kind.lower()
            if getattr(f, attr) is not None:
                problem(f"# {kind} twice")
            setattr(f, attr, rest)
            if kind == "TYPE" and rest not in TYPES:
                problem(f"unknown type {rest}")
            if kind == "TYPE" and om and rest == "counter" and \
                    name.endswith("_total"):
                problem("an OpenMetrics counter family named _total")
            if kind == "UNIT" and rest and not name.endswith("_" + rest):
                problem(f"unit {rest} is not the name's suffix")
            continue
        m = SAMPLE.match(line)
        if not m:
            problem("not a sample")
            continue
        name, labels_text, value = m.group(1), m.group(3) or "", m.group(4)
        labels = labels_of(labels_text, problem)
        if labels is None:
            continue
        try:
            v = number(value)
        except ValueError:
            problem(f"value {value!r} is not a number")
            continue
        f, suffix = family_of(fams, name, om)
        if f is None:
            problem(f"sample {name} of no family declared before it")
            continue
        if f.name in done:
            problem(f"family {f.name} continues after another")
        if cur is not None and cur is not f:
            done.add(cur.name)
        cur = f
        f.samples += 1
        key = (name, tuple(sorted(labels)))
        if key in seen:
            problem("the same series twice")
        seen.add(key)
        if f.type == "counter" and (v < 0 or math.isnan(v)):
            problem("a counter below 0")
        if f.type == "histogram":
            rest = tuple(sorted((k, x) for k, x in labels if k != "le"))
            if suffix == "_bucket":
                le = [x for k, x in labels if k == "le"]
                if not le:
                    problem("a bucket without le")
                    continue
                f.buckets.setdefault(rest, []).append((number(le[0]), v, n))
            elif suffix == "_count":
                f.counts[rest] = v
    if om and eof is None:
        problems.append("no # EOF at the end")
    for f in fams.values():
        if f.type is None:
            problems.append(f"family {f.name} has no # TYPE")
        if f.help is None:
            problems.append(f"family {f.name} has no # HELP")
        for rest, bs in f.buckets.items():
            les = [b[0] for b in bs]
            if les != sorted(les) or not les or les[-1] != math.inf:
                problems.append(f"{f.name}: buckets not ascending to +Inf")
            vals = [b[1] for b in bs]
            if vals != sorted(vals):
                problems.append(f"{f.name}: buckets not cumulative")
            if f.counts.get(rest) != vals[-1]:
                problems.append(f"{f.name}: +Inf bucket {vals[-1]} is not "
                                f"_count {f.counts.get(rest)}")
    return problems


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("openmetrics", "prometheus"):
        print(__doc__.splitlines()[0])
        sys.exit(2)
    with open(sys.argv[2], "rb") as fh:
        problems = check(sys.argv[1], fh.read())
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
