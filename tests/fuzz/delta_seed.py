#!/usr/bin/env python3
"""delta_seed.py TABLE_DIR OUT [CONTROL] - pack a Delta table directory into
one input of fuzz_delta_snapshot: a control byte (default 2: footers up to
1000, no read fails), then every file but .crc ones as "NAME\\nBYTES",
separated by 1e 'L' 'W' 'F' 1e; names under _delta_log/ relative to it,
the others with a leading '/'. Refuses a file holding the separator."""
import os
import sys

SEP = b"\x1eLWF\x1e"


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    root, out = sys.argv[1], sys.argv[2]
    ctl = int(sys.argv[3]) if len(sys.argv) == 4 else 2
    parts = []
    for d, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith(".crc"):
                continue
            full = os.path.join(d, f)
            rel = os.path.relpath(full, root)
            if rel.startswith("_delta_log" + os.sep):
                name = rel[len("_delta_log") + 1:]
            else:
                name = "/" + rel
            body = open(full, "rb").read()
            if SEP in body:
                print(f"{full}: holds the separator", file=sys.stderr)
                return 3
            parts.append(name.encode() + b"\n" + body)
    with open(out, "wb") as fh:
        fh.write(bytes([ctl]) + SEP.join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
