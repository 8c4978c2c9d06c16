#!/usr/bin/env python3
"""shard_of.py K N < names: exit 0 when every name (one per line) falls in
shard K of N as lakewatch documents it: FNV-1a 64 of the name's UTF-8
bytes, modulo N, plus one. Written apart from the C code on purpose."""
import sys

def fnv1a64(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) & ((1 << 64) - 1)
    return h

k, n = int(sys.argv[1]), int(sys.argv[2])
wrong = [x for x in sys.stdin.read().split() if fnv1a64(x) % n + 1 != k]
for x in wrong:
    print(f"{x}: in shard {fnv1a64(x) % n + 1}/{n}, not {k}/{n}", file=sys.stderr)
sys.exit(1 if wrong else 0)
