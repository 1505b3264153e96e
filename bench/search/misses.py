#!/usr/bin/env python3
"""Shows the misses of a run (YANGGUANG_BENCH_MISSES files) with the kind
and title of the target and of the top 3 hits.

    misses.py CORPUS.jsonl MISSES_FILE"""

import json
import sys


def main():
    corpus, path = sys.argv[1:3]
    lines = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip()]
    want = set()
    for f in lines:
        want.add(int(f[0]))
        want.update(int(i) for i in (f[3].split(",") if len(f) > 3 and f[3] else []))
    items = {}
    for l in open(corpus, encoding="utf-8"):
        it = json.loads(l)
        if it["id"] in want:
            items[it["id"]] = it
    for f in lines:
        t = items[int(f[0])]
        print(f"{f[1]!r} ({f[2]}) → want [{t['kind']} {len(t['body'])} chars] {t['title']}")
        for i in f[3].split(",") if len(f) > 3 and f[3] else []:
            h = items[int(i)]
            print(f"    got [{h['kind']} {len(h['body'])} chars] {h['title']}")


if __name__ == "__main__":
    main()
