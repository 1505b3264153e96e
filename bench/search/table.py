#!/usr/bin/env python3
"""Prints the benchmark's table (Markdown) from the runners' JSON lines,
then how each target of the issue fared.

    table.py RESULTS.jsonl"""

import json
import sys


def main():
    rows = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                key = r["engine"]
                if key == "note":
                    key = f"note{len(rows)}"
                rows[key] = r
    names = {
        "yangguang": "Yangguang engine, in process: 10 hits, ids + titles (`find`)",
        "yangguang-snippets": "Yangguang engine, in process: 10 hits + snippets (`search`)",
        "xapian": "Xapian {version}, CJK n-grams, OP_AND (as acts_as_xapian)",
        "xapian-or": "Xapian {version}, CJK n-grams, OP_OR",
        "xapian-snippets": "Xapian {version}, OP_AND + MSet.snippet for each hit",
        "fts5": "SQLite {version} FTS5, trigram",
        "yangguang-http": "Yangguang over HTTP, /api/v1/search (sequential client)",
        "yangguang-wrk": "Yangguang over HTTP, /api/v1/search (wrk -t1 -c1)",
    }

    def ms(v):
        return "" if v is None else (f"{v:.3f} ms" if v < 10 else f"{v:.0f} ms")

    def pct(v):
        return "" if v is None else f"{100 * v:.1f}%"

    print("| engine | items | index time | docs/s | index size | p50 | p99 | top-3 | top-1 | top-10 | MRR |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    order = ["yangguang", "yangguang-snippets", "xapian", "xapian-or", "xapian-snippets", "fts5", "yangguang-http", "yangguang-wrk"]
    for key in order:
        r = rows.get(key)
        if not r:
            continue
        if key in ("yangguang-http", "yangguang-wrk") and "reindex" in rows:
            r.setdefault("items", rows["reindex"]["items"])
        idx = r.get("index_s")
        print(
            "| "
            + " | ".join(
                [
                    names[key].format(version=r.get("version", "")),
                    str(r.get("items", "")),
                    "" if idx is None else f"{idx:.1f} s",
                    str(r.get("docs_per_s", "")),
                    "" if r.get("index_mb") is None else f"{r['index_mb']:.0f} MB",
                    ms(r.get("p50_ms")),
                    ms(r.get("p99_ms")),
                    pct(r.get("top3")),
                    pct(r.get("top1")),
                    pct(r.get("top10")),
                    "" if r.get("mrr") is None else f"{r['mrr']:.3f}",
                ]
            )
            + " |"
        )
    re = rows.get("reindex")
    if re:
        print(
            f"| `yangguang reindex` from SQLite (whole command) | {re['items']} | {re['index_s']:.1f} s "
            f"| {re['docs_per_s']} | {re['index_mb']:.0f} MB | | | | | | |"
        )
    print()
    ours, x, fts, http = (rows.get(k) for k in ("yangguang", "xapian", "fts5", "yangguang-http"))
    checks = []
    if ours:
        checks.append(("top-3 recall ≥ 97%", ours["top3"] >= 0.97, pct(ours["top3"])))
    if ours and x and fts:
        best = max(x["top3"], rows.get("xapian-or", x)["top3"], fts["top3"])
        half = 1.96 * (ours["top3"] * (1 - ours["top3"]) / ours["queries"]) ** 0.5
        checks.append(
            (
                "recall ahead of Xapian and FTS5",
                ours["top3"] > best,
                f"{pct(ours['top3'])} vs best other {pct(best)}; a 95% interval at {ours['queries']} queries "
                f"is ±{100 * half:.1f} points",
            )
        )
    if ours and x:
        checks.append(
            (
                "engine p50 no slower than Xapian's (both: 10 ranked ids with their titles)",
                ours["p50_ms"] <= x["p50_ms"],
                f"{ms(ours['p50_ms'])} vs {ms(x['p50_ms'])}",
            )
        )
    if http:
        checks.append(("HTTP p50 < 2 ms", http["p50_ms"] < 2, ms(http["p50_ms"])))
    for what, ok, detail in checks:
        print(f"- {'met' if ok else 'MISSED'}: {what} ({detail})")
    xs, ys = rows.get("xapian-snippets"), rows.get("yangguang-snippets")
    if ys and xs:
        print(
            f"- with excerpts (10 hits + a ~120-character excerpt each): Yangguang {ms(ys['p50_ms'])} "
            f"vs Xapian + MSet.snippet {ms(xs['p50_ms'])} (p50; p99 {ms(ys['p99_ms'])} vs {ms(xs['p99_ms'])})"
        )
    if ours and ours.get("p50_count_ms") is not None:
        print(f"- Yangguang engine p50 of the count alone (limit=0): {ms(ours['p50_count_ms'])}")
    wrk = rows.get("yangguang-wrk")
    if wrk:
        bad = f", {wrk['non_2xx']} NOT 2xx" if wrk.get("non_2xx") else ""
        print(f"- wrk -t1 -c1: {wrk['rps']:.0f} requests/s, one at a time{bad}")
    for key, r in rows.items():
        if key.startswith("note"):
            print(f"- note: {r['text']}")
    if fts and fts.get("queries_without_match"):
        print(f"- FTS5: {fts['queries_without_match']} of {fts['queries']} queries had only 1–2-character words (no MATCH possible: LIKE scan, no bm25)")


if __name__ == "__main__":
    main()
