//! The index schema. Bump [`SCHEMA_VERSION`] whenever a field, a tokenizer or
//! the normalisation changes: `open_or_create` then rebuilds the index empty
//! and reports it through `SearchIndex::was_recreated`.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Version of the on-disk layout (schema + tokenization).
pub(crate) const SCHEMA_VERSION: u32 = 4;

/// Names under which the jieba tokenizers are registered: the words of
/// jieba's normal cut, and the dictionary words inside them.
pub(crate) const JIEBA_TOKENIZER: &str = "yg_jieba";
pub(crate) const PARTS_TOKENIZER: &str = "yg_jieba_parts";

/// The fields. Words are looked up in one field, `text`, holding every
/// searchable part of an item (title, 文号, keywords, summary, body,
/// attachment text): one posting list a word instead of six, and BM25 over
/// the item as a whole, so a word found in the title does not count twice
/// (see `query.rs`). What a hit shows comes from fast fields (`id`, `title`,
/// `url`, `published_on`), not from the doc store, which holds only the body
/// and summary that snippets are cut from. `viewers` holds the keys of
/// those who may see an item indexed with
/// `SearchIndex::upsert_with_viewers` (for 公文: user ids); public catalog
/// items carry none and are found only by searches without a viewer filter.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub text: Field,
    pub text_parts: Field,
    pub title: Field,
    pub doc_no_exact: Field,
    pub summary: Field,
    pub body: Field,
    pub category: Field,
    pub year: Field,
    pub publisher: Field,
    pub validity: Field,
    pub published_on: Field,
    pub url: Field,
    pub viewers: Field,
}

/// Field names read back as fast fields.
pub(crate) const ID: &str = "id";
pub(crate) const TITLE: &str = "title";
pub(crate) const URL: &str = "url";
pub(crate) const PUBLISHED_ON: &str = "published_on";

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Term frequencies are kept: BM25 with them found more targets than
    // with presence alone (97.5% against 95.0% top-3 on the benchmark).
    // Positions too, for word order (`order.rs`): +21 MB on 100,000 items.
    let indexing = |tokenizer| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    // Shown on a hit: one column each, the whole value as one term.
    let shown = TextOptions::default().set_fast("raw");
    let fields = Fields {
        id: b.add_i64_field(ID, INDEXED | FAST),
        text: b.add_text_field("text", indexing(JIEBA_TOKENIZER)),
        text_parts: b.add_text_field("text_parts", indexing(PARTS_TOKENIZER)),
        title: b.add_text_field(TITLE, shown.clone()),
        doc_no_exact: b.add_text_field("doc_no_exact", STRING),
        summary: b.add_text_field("summary", STORED),
        body: b.add_text_field("body", STORED),
        category: b.add_text_field("category", STRING),
        year: b.add_i64_field("year", INDEXED | FAST),
        publisher: b.add_text_field("publisher", STRING),
        validity: b.add_text_field("validity", STRING),
        // Julian day number of the publication date.
        published_on: b.add_i64_field(PUBLISHED_ON, FAST),
        url: b.add_text_field(URL, shown),
        // Multi-valued, indexed only: a filter, never shown nor scored.
        viewers: b.add_i64_field("viewers", INDEXED),
    };
    (b.build(), fields)
}

/// The exact form of a 文号 used for the `doc_no_exact` field and for
/// matching a typed query against it: full-width ASCII folded, spaces removed,
/// the usual bracket variants (`〔〕 [] ［］ 【】 () （）`) unified to `〔〕`.
pub(crate) fn exact_doc_no(s: &str) -> String {
    let folded = crate::tokenizer::fold(s);
    folded
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '[' | '［' | '【' | '(' | '（' | '〔' | '﹝' => '〔',
            ']' | '］' | '】' | ')' | '）' | '〕' | '﹞' => '〕',
            c => c,
        })
        .collect()
}
