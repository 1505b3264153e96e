#!/usr/bin/env python3
"""Builds the search benchmark's corpus: one JSON object a line.

    corpus.py LAWS_DIR SEED_DIR OUT.jsonl [--items 100000]

Items, in this order (ids from 1, stable for a given corpus):

  seed       the 5 seed documents (SEED_DIR/index.json + .txt files);
  law        every law of LAWS_DIR/index.csv, whole (header lines included,
             Markdown heading marks and comments dropped), each followed by
  article    one item per article (条): a line starting `第…条 ` (or
             `第…条之一 `) up to the next article or heading, as on a site that
             publishes laws article by article;
  paragraph  ...or one item per paragraph (款, or 项 line) of the article,
             as on a site that publishes them paragraph by paragraph.

Articles, whole laws and seed documents make only ~66,000 items. To reach
--items without nesting one item in another (which would make the "right"
answer ambiguous: a paragraph outranks the article it is part of), the
articles of some laws, taken in a fixed hash order of their paths, are
published paragraph by paragraph instead, never both ways; the last laws so
cut only as far as the count allows. Only the whole laws hold text that is
also in other items (their articles or paragraphs), as the issue's example
corpus has it; and different versions of a law share much of their text.

Each object: id, kind, title, summary (the first 100 characters of the
plain text, as the platform derives it), body (plain text, one paragraph a
line), doc_no, date (YYYY-MM-DD), publisher, genre, category. Every engine
indexes title, doc_no, summary and body.
"""

import argparse
import csv
import hashlib
import json
import os
import re
import sys

NUM = "一二三四五六七八九十百千零〇0123456789"
ARTICLE = re.compile(rf"^(第[{NUM}]+条(?:之[{NUM}]+)?)[ \u3000]")
HEADING = re.compile(r"^(#+)\s*(.*)$")
LAW_PUBLISHER = "法律法规汇编（演示）"


def plain(body):
    """The platform's plain text: whitespace runs become one space."""
    return " ".join(body.split())


def clip(s, n):
    return s if len(s) <= n else s[:n] + "…"


def item(kind, title, body, **meta):
    text = plain(body)
    out = {
        "kind": kind,
        "title": title,
        "summary": clip(text, 100),
        "body": body,
        "doc_no": "",
        "date": "2000-01-01",
        "publisher": LAW_PUBLISHER,
        "genre": "其他",
        "category": "zcwj_flfg",
    }
    out.update({k: v for k, v in meta.items() if v})
    return out


def parse_law(text):
    """(whole-law lines, articles) of one Markdown law; an article is
    (number, [lines])."""
    lines = []
    structured = []  # (level or 0, text) after the INFO END marker
    after_info = "<!-- INFO END -->" not in text
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("<!--"):
            if "INFO END" in line:
                after_info = True
            continue
        if not line:
            continue
        m = HEADING.match(line)
        level, content = (len(m.group(1)), m.group(2).strip()) if m else (0, line)
        if not content:
            continue
        lines.append(content)
        if after_info:
            structured.append((level, content))

    articles = []
    current = None
    for level, content in structured:
        if level:
            current = None
            continue
        m = ARTICLE.match(content)
        if m:
            current = (m.group(1), [content])
            articles.append(current)
        elif current is not None:
            current[1].append(content)

    return lines, articles


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("laws")
    ap.add_argument("seeds")
    ap.add_argument("out")
    ap.add_argument("--items", type=int, default=100_000)
    a = ap.parse_args()

    items = []
    with open(os.path.join(a.seeds, "index.json"), encoding="utf-8") as f:
        for s in json.load(f):
            with open(os.path.join(a.seeds, s["file"]), encoding="utf-8") as g:
                body = "\n".join(l.strip() for l in g if l.strip())
            items.append(
                item(
                    "seed",
                    s["title"],
                    body,
                    doc_no=s.get("doc_no") or "",
                    date=s.get("date") or "",
                    publisher=s.get("issuer") or "",
                    category="zcwj_bmwj",
                )
            )

    laws = []  # per law: (hash key, law item, [(article item, [paragraph items])])
    with open(os.path.join(a.laws, "index.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            path = os.path.join(a.laws, row["path"])
            try:
                with open(path, encoding="utf-8") as g:
                    text = g.read()
            except OSError:
                continue
            title = row["title"].strip()
            meta = {"date": row.get("date", ""), "genre": row.get("category", "")}
            lines, articles = parse_law(text)
            if not lines:
                continue
            law = item("law", title, "\n".join(lines), **meta)
            arts = []
            for no, ls in articles:
                art = item("article", f"{title} {no}", "\n".join(ls), **meta)
                paras = []
                if len(ls) > 1:
                    paras = [item("paragraph", f"{title} {no}第{k}款", l, **meta) for k, l in enumerate(ls, 1)]
                arts.append((art, paras))
            key = hashlib.sha1(row["path"].encode()).hexdigest()
            laws.append((key, law, arts))

    # Laws cut paragraph by paragraph, in a fixed hash order, until the
    # total reaches --items (the last one only as far as needed).
    total = len(items) + sum(1 + len(arts) for _, _, arts in laws)
    split = set()  # id() of the articles published paragraph by paragraph
    for _, _, arts in sorted(laws, key=lambda l: l[0]):
        for art, paras in arts:
            if paras and total + len(paras) - 1 <= a.items:
                split.add(id(art))
                total += len(paras) - 1
    for _, law, arts in laws:
        items.append(law)
        for art, paras in arts:
            items.extend(paras if id(art) in split else [art])

    counts = {}
    with open(a.out, "w", encoding="utf-8") as out:
        for n, it in enumerate(items, 1):
            it = {"id": n, **it}
            counts[it["kind"]] = counts.get(it["kind"], 0) + 1
            out.write(json.dumps(it, ensure_ascii=False) + "\n")
    size = os.path.getsize(a.out)
    parts = ", ".join(f"{v} {k}" for k, v in counts.items())
    print(f"corpus: {len(items)} items ({parts}), {size / 1e6:.1f} MB → {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
