#!/usr/bin/env python3
"""End-to-end side of the known-item benchmark: the same queries through
`GET /api/v1/search?q=…&limit=10` of a running `yangguang serve`.

    http_client.py QUERIES.jsonl HOST:PORT [PASSES]

One keep-alive connection, requests one after another (no concurrency):
each timing is the full round trip on loopback, client included (Python's
http.client: its own share is some tens of microseconds). One pass scores
recall from the returned ids, then PASSES passes are timed."""

import http.client
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    queries, addr = sys.argv[1:3]
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def search(text):
        conn.request("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": text, "limit": 10}))
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"http_client: {r.status} for {text!r}: {body[:200]!r}")
        return [h["id"] for h in json.loads(body)["items"]]

    misses = os.environ.get("YANGGUANG_BENCH_MISSES")
    common.measure("yangguang-http", search, common.queries(queries), passes, {}, f"{misses}.http" if misses else None)


if __name__ == "__main__":
    main()
