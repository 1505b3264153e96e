"""What the Python runners share: reading the corpus and the queries,
timing the queries, scoring top-k recall and printing the result line."""

import json
import sys
import time

FIELDS = ("title", "doc_no", "summary", "body")


def corpus(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def queries(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def percentile(sorted_ms, p):
    return sorted_ms[round((len(sorted_ms) - 1) * p)]


def measure(engine, search, qs, passes, extra=None, misses_path=None):
    """search(text) -> list of up to 10 ids, best first. One pass scores
    recall (and warms up), then `passes` passes are timed."""
    top1 = top3 = top10 = 0
    rr = 0.0
    misses = []
    for q in qs:
        ids = search(q["q"])
        top = ",".join(str(i) for i in ids[:3])
        if q["target"] in ids:
            r = ids.index(q["target"])
            top1 += r < 1
            top3 += r < 3
            top10 += 1
            rr += 1 / (r + 1)
            if r >= 3:
                misses.append(f"{q['target']}\t{q['q']}\trank {r + 1}\t{top}")
        else:
            misses.append(f"{q['target']}\t{q['q']}\tnot in top 10\t{top}")
    if misses_path:
        with open(misses_path, "w", encoding="utf-8") as f:
            f.write("\n".join(misses) + "\n")
    took = []
    for _ in range(passes):
        for q in qs:
            t = time.perf_counter_ns()
            search(q["q"])
            took.append((time.perf_counter_ns() - t) / 1e6)
    took.sort()
    n = max(len(qs), 1)
    out = {
        "engine": engine,
        "queries": len(qs),
        "p50_ms": round(percentile(took, 0.5), 4),
        "p99_ms": round(percentile(took, 0.99), 4),
        "samples": len(took),
        "top1": round(top1 / n, 4),
        "top3": round(top3 / n, 4),
        "top10": round(top10 / n, 4),
        "mrr": round(rr / n, 4),
    }
    out.update(extra or {})
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def log(*a):
    print(*a, file=sys.stderr, flush=True)
