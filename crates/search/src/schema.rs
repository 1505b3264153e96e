//! The index schema. Bump [`SCHEMA_VERSION`] whenever a field, a tokenizer or
//! the normalisation changes: `open_or_create` then rebuilds the index empty
//! and reports it through `SearchIndex::was_recreated`.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Version of the on-disk layout (schema + tokenization).
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Name under which the jieba tokenizer is registered.
pub(crate) const JIEBA_TOKENIZER: &str = "yg_jieba";

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub doc_no: Field,
    pub doc_no_exact: Field,
    pub keywords: Field,
    pub summary: Field,
    pub body: Field,
    pub attachments_text: Field,
    pub category: Field,
    pub year: Field,
    pub publisher: Field,
    pub validity: Field,
    pub published_on: Field,
    pub url: Field,
}

impl Fields {
    /// The tokenized fields a query word is looked up in.
    pub fn text(&self) -> [Field; 6] {
        [
            self.title,
            self.doc_no,
            self.keywords,
            self.summary,
            self.body,
            self.attachments_text,
        ]
    }
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(JIEBA_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    let text = TextOptions::default().set_indexing_options(indexing);
    let stored_text = text.clone().set_stored();
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | FAST | STORED),
        title: b.add_text_field("title", stored_text.clone()),
        doc_no: b.add_text_field("doc_no", text.clone()),
        doc_no_exact: b.add_text_field("doc_no_exact", STRING),
        keywords: b.add_text_field("keywords", text.clone()),
        summary: b.add_text_field("summary", stored_text.clone()),
        body: b.add_text_field("body", stored_text),
        attachments_text: b.add_text_field("attachments_text", text),
        category: b.add_text_field("category", STRING),
        year: b.add_i64_field("year", INDEXED | FAST),
        publisher: b.add_text_field("publisher", STRING),
        validity: b.add_text_field("validity", STRING),
        // Julian day number of the publication date.
        published_on: b.add_i64_field("published_on", FAST | STORED),
        url: b.add_text_field("url", STORED),
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
