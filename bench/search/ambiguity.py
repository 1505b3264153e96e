#!/usr/bin/env python3
"""How many queries are ambiguous whatever the engine, and each engine's
recall on the others.

    ambiguity.py CORPUS.jsonl QUERIES.jsonl MISSES_PREFIX

A query is called ambiguous here when at least 3 items other than the
target hold every one of its words (as substrings of title or body) and are
shorter than the target: a ranking that favours short matches, as BM25 does,
puts the target below them, and nothing in the query says they are wrong.
MISSES_PREFIX is the YANGGUANG_BENCH_MISSES path of the run: the file and
its .xapian, .fts5, .http... siblings are read."""

import glob
import json
import sys


def main():
    corpus, queries, prefix = sys.argv[1:4]
    texts = []
    for line in open(corpus, encoding="utf-8"):
        it = json.loads(line)
        texts.append((it["id"], it["title"] + "\n" + it["body"]))
    length = {i: len(t) for i, t in texts}
    qs = [json.loads(l) for l in open(queries, encoding="utf-8") if l.strip()]
    ambiguous = set()
    for q in qs:
        ws = q["words"]
        shorter = sum(
            1 for i, t in texts if i != q["target"] and len(t) < length[q["target"]] and all(w in t for w in ws)
        )
        if shorter >= 3:
            ambiguous.add(q["target"])
    rest = len(qs) - len(ambiguous)
    print(
        f"- ambiguous queries (≥ 3 shorter items hold all their words): {len(ambiguous)} of {len(qs)}; "
        f"top-3 recall on the other {rest}:"
    )
    for path in sorted(glob.glob(prefix) + glob.glob(prefix + ".*")):
        name = "yangguang" if path == prefix else path[len(prefix) + 1 :]
        missed = {int(l.split("\t")[0]) for l in open(path, encoding="utf-8") if l.strip()}
        clear_misses = len(missed - ambiguous)
        print(
            f"  - {name}: {100 * (rest - clear_misses) / max(rest, 1):.1f}% "
            f"({len(missed & ambiguous)} of its {len(missed)} misses are ambiguous queries)"
        )


if __name__ == "__main__":
    main()
