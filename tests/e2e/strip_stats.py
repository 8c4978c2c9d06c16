#!/usr/bin/env python3
"""strip_stats.py SRC DST [all|odd] - a copy of the Delta table SRC at DST
whose add actions have no stats, as older writers, tables converted from
Parquet or Hive and writers with statistics off leave them.

The copy is made fresh (DST must not exist; never point it into the repo).
Checkpoints, _last_checkpoint and .crc files are left out, since they carry
stats too: the copy is replayed from its JSON commits alone, so SRC must
still have every commit from version 0 (exit 3 otherwise: not strippable).
"all" strips every add; "odd" only those of odd versions (a table whose
count then comes partly from stats, partly from footers).
Exit 0 and print the number of adds stripped.
"""
import json
import os
import re
import shutil
import sys


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) == 4 else "all"
    log = os.path.join(src, "_delta_log")
    commits = sorted(n for n in os.listdir(log)
                     if re.fullmatch(r"\d{20}\.json", n))
    versions = [int(n[:20]) for n in commits]
    if not versions or versions != list(range(len(versions))):
        print(f"{src}: commits do not run from version 0", file=sys.stderr)
        return 3
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("_delta_log"))
    os.mkdir(os.path.join(dst, "_delta_log"))
    stripped = 0
    for name, v in zip(commits, versions):
        out = []
        with open(os.path.join(log, name), encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                a = json.loads(line)
                add = a.get("add")
                if isinstance(add, dict) and "stats" in add and \
                        (mode == "all" or v % 2 == 1):
                    del add["stats"]
                    stripped += 1
                out.append(json.dumps(a, separators=(",", ":")))
        with open(os.path.join(dst, "_delta_log", name), "w",
                  encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    print(stripped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
