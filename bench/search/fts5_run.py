#!/usr/bin/env python3
"""SQLite FTS5 side of the known-item benchmark (python3's sqlite3 module;
its SQLite must have FTS5 and the trigram tokenizer, 3.34+).

    fts5_run.py CORPUS.jsonl QUERIES.jsonl DBFILE [PASSES]

One table `fts5(title, doc_no, summary, body, tokenize='trigram')`, rowid =
item id, filled in one transaction, then merged ('optimize', counted in the
index time). The trigram tokenizer cannot match a term shorter than three
characters, and most Chinese words have two, so a query is built as an
integrator would have to: every word of 3+ characters is a quoted phrase in
the MATCH (all required, ranked by bm25); each shorter word is required
with LIKE '%word%' on title, 文号 or body. When every word is short there is
no MATCH, hence no bm25 and a scan of the whole table: such hits are
ordered shortest item first (the closest to what bm25 would prefer among
items holding all the words). Each search reads the top 10 ids and titles."""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def build_query(text):
    words = [w for w in text.split() if w]
    long_ = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    where, args = [], []
    if long_:
        where.append("fts MATCH ?")
        args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_))
    for w in short:
        like = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(title LIKE ? ESCAPE '\\' OR doc_no LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')"
        )
        args += [like, like, like]
    order = "rank" if long_ else "length(title) + length(body)"
    sql = f"SELECT rowid, title FROM fts WHERE {' AND '.join(where)} ORDER BY {order} LIMIT 10"
    return sql, args


def main():
    corpus, queries, dbfile = sys.argv[1:4]
    passes = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(dbfile + suffix):
            os.remove(dbfile + suffix)
    con = sqlite3.connect(dbfile)
    started = time.perf_counter()
    con.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, doc_no, summary, body, tokenize='trigram')"
    )
    n = 0
    with con:
        rows = ((it["id"], it["title"], it["doc_no"], it["summary"], it["body"]) for it in common.corpus(corpus))
        for batch in iter(lambda: [r for _, r in zip(range(5000), rows)], []):
            con.executemany(
                "INSERT INTO fts (rowid, title, doc_no, summary, body) VALUES (?, ?, ?, ?, ?)", batch
            )
            n += len(batch)
    with con:
        con.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    index_s = time.perf_counter() - started
    size = os.path.getsize(dbfile)
    common.log(f"sqlite {sqlite3.sqlite_version} fts5 trigram: {n} items indexed in {index_s:.1f} s, {size / 1e6:.0f} MB")
    qs = common.queries(queries)
    short_only = sum(all(len(w) < 3 for w in q["q"].split()) for q in qs)

    def search(text):
        sql, args = build_query(text)
        return [r[0] for r in con.execute(sql, args).fetchall()]

    misses = os.environ.get("YANGGUANG_BENCH_MISSES")
    common.measure(
        "fts5",
        search,
        qs,
        passes,
        {
            "items": n,
            "index_s": round(index_s, 3),
            "docs_per_s": round(n / index_s),
            "index_mb": round(size / 1e6, 1),
            "version": sqlite3.sqlite_version,
            "queries_without_match": short_only,
        },
        f"{misses}.fts5" if misses else None,
    )


if __name__ == "__main__":
    main()
