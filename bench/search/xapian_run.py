#!/usr/bin/env python3
"""Xapian side of the known-item benchmark (Debian's python3-xapian).

    xapian_run.py CORPUS.jsonl QUERIES.jsonl DBDIR [PASSES]

Indexed as Alaveteli's acts_as_xapian would with CJK n-grams: title, 文号,
summary and body through one TermGenerator with FLAG_CJK_NGRAM (no stemmer:
the text is Chinese), the item id as a boolean term and the docid, the title
as document data. Queries go through a QueryParser with FLAG_DEFAULT |
FLAG_CJK_NGRAM and default_op OP_AND (acts_as_xapian's setting); a second
line reports OP_OR over the same index. Each search fetches the top 10 and
reads their data (the titles). A third line times the AND search with an
excerpt of ~120 characters for each hit, as Yangguang's engine returns:
MSet.snippet, 360 bytes, SNIPPET_BACKGROUND_MODEL | SNIPPET_CJK_NGRAM, not
exhaustive (the exhaustive default took ~30 ms on whole laws), over the
body taken from memory as an application would from its own store (a fetch
that costs Xapian nothing here). Prints one JSON line per variant."""

import os
import sys
import time

import xapian

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def main():
    corpus, queries, dbdir = sys.argv[1:4]
    passes = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    started = time.perf_counter()
    db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_flags(xapian.TermGenerator.FLAG_CJK_NGRAM)
    n = 0
    bodies = {}
    for it in common.corpus(corpus):
        bodies[it["id"]] = it["body"] or it["summary"]
        doc = xapian.Document()
        tg.set_document(doc)
        for f in common.FIELDS:
            if it.get(f):
                tg.index_text(it[f])
                tg.increase_termpos()
        doc.set_data(it["title"])
        doc.add_boolean_term(f"Q{it['id']}")
        db.replace_document(it["id"], doc)
        n += 1
    db.commit()
    index_s = time.perf_counter() - started
    size = sum(e.stat().st_size for e in os.scandir(dbdir) if e.is_file())
    common.log(f"xapian {xapian.version_string()}: {n} items indexed in {index_s:.1f} s, {size / 1e6:.0f} MB")
    db.close()

    db = xapian.Database(dbdir)
    enquire = xapian.Enquire(db)
    qs = common.queries(queries)
    stem = xapian.Stem("none")
    snippet_flags = (
        xapian.MSet.SNIPPET_BACKGROUND_MODEL | xapian.MSet.SNIPPET_CJK_NGRAM
    )
    for name, op, snippets in (
        ("xapian", xapian.Query.OP_AND, False),
        ("xapian-or", xapian.Query.OP_OR, False),
        ("xapian-snippets", xapian.Query.OP_AND, True),
    ):
        qp = xapian.QueryParser()
        qp.set_database(db)
        qp.set_default_op(op)
        flags = xapian.QueryParser.FLAG_DEFAULT | xapian.QueryParser.FLAG_CJK_NGRAM

        def search(text):
            enquire.set_query(qp.parse_query(text, flags))
            ids = []
            mset = enquire.get_mset(0, 10)
            for m in mset:
                m.document.get_data()
                if snippets:
                    mset.snippet(bodies[m.docid], 360, stem, snippet_flags, "<em>", "</em>", "…")
                ids.append(m.docid)
            return ids

        misses = os.environ.get("YANGGUANG_BENCH_MISSES")
        common.measure(
            name,
            search,
            qs,
            passes,
            {
                "items": n,
                "index_s": round(index_s, 3),
                "docs_per_s": round(n / index_s),
                "index_mb": round(size / 1e6, 1),
                "version": xapian.version_string(),
            },
            f"{misses}.{name}" if misses else None,
        )


if __name__ == "__main__":
    main()
