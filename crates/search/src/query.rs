//! From what a reader typed to a tantivy query.
//!
//! A reader searches by the two or three words they remember. The text is cut
//! in jieba's normal mode; spaces, punctuation and one-character function
//! words (的 了 和 …) are dropped. Each word is looked up as a word of the
//! item (field `text`) or, weighing half as much, inside a longer word of it
//! (field `text_parts`: `原产` inside `原产地`, `许可` inside `许可证`), in
//! the item as a whole (title, 文号, keywords, summary, body, attachments:
//! one BM25 over all, so a word in the title does not count twice). Then the
//! search goes through stages until one finds something:
//!
//! 1. `Exact`: every word required (AND);
//! 2. `Split`: as 1, but a compound word (`烟花爆竹`) may also match by all of
//!    its parts (`烟花` `爆竹`): the document's own context may have cut it
//!    differently (`烟花、爆竹`);
//! 3. `Any`: any word (OR), best first, so a reader always gets something.
//!
//! In stages 1 and 2 the best hits by BM25 are then re-ranked by word order
//! (`order.rs`).
//!
//! Parts are a later stage, not an alternative inside stage 1, because on the
//! law corpus (see the benchmark) `word OR all-its-parts` lets documents
//! holding the parts far apart outrank the one holding the word: top-3 recall
//! fell from 100% to 96.5% and the median latency doubled. A word found only
//! inside longer words weighs less for the same reason: with both fields at
//! the same weight, or with one field of search-mode tokens, items about
//! `原产地` outranked the one that says `原产` (top-3 recall on the benchmark's
//! 200 queries: 97.5% at half weight, 97.0% at equal weight, 96.0% with one
//! field). A typed 文号 (text holding a digit) is also matched exactly
//! (`doc_no_exact`), boosted above any text match.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::schema::{Fields, exact_doc_no};
use crate::tokenizer::{JIEBA, fold, is_word};

/// Longest query text looked at, in characters; the rest is ignored.
const MAX_QUERY_CHARS: usize = 200;
/// Most words a query keeps.
const MAX_WORDS: usize = 16;
/// Weight of a query word found only inside a longer word of an item
/// (`原产` in `原产地`) against found as a word (`原产`).
const PART_BOOST: f32 = 0.5;
/// Boost of an exact 文号 match over the text match.
const DOC_NO_BOOST: f32 = 20.0;

/// Whether the query-side cut uses jieba's HMM (see `INDEX_HMM`).
pub(crate) const QUERY_HMM: bool = crate::tokenizer::INDEX_HMM;

/// One-character function words dropped from queries.
const STOP_CHARS: &str =
    "的了和与及在是对等或把被将为以于由之其而并也从向按给着过吗呢吧啊呀么这那该此各";

/// The words of a query: what `search` requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word as cut from the query.
    pub whole: String,
    /// Its parts when the index may hold it only split (empty if none).
    pub parts: Vec<String>,
}

/// Cuts the query text into the words to look for. Empty when nothing
/// searchable is left.
pub(crate) fn words(text: &str) -> Vec<Word> {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let folded = fold(&text);
    let cut = JIEBA.cut(&folded.text, QUERY_HMM);
    let candidates: Vec<&str> = cut.iter().map(|t| t.word).filter(|w| is_word(w)).collect();
    let is_stop = |w: &str| {
        let mut chars = w.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if STOP_CHARS.contains(c))
    };
    let kept: Vec<&str> = candidates.iter().copied().filter(|w| !is_stop(w)).collect();
    // A query made only of function words still searches for them.
    let kept = if kept.is_empty() { candidates } else { kept };
    let mut out: Vec<Word> = Vec::new();
    for w in kept {
        if out.len() == MAX_WORDS {
            break;
        }
        if out.iter().any(|o| o.whole == w) {
            continue;
        }
        out.push(Word {
            whole: w.to_string(),
            parts: parts(w),
        });
    }
    out
}

/// Covers `word` left to right with the longest dictionary words inside it
/// (what search-mode indexing adds), single characters where none fits.
/// Empty when the word has no smaller parts.
fn parts(word: &str) -> Vec<String> {
    if word.chars().count() < 2 || word.is_ascii() {
        return Vec::new();
    }
    let grams: Vec<(usize, usize)> = JIEBA
        .cut_for_search(word, false)
        .iter()
        .filter(|t| t.word != word)
        .map(|t| (t.byte_start, t.byte_end))
        .collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < word.len() {
        let end = grams
            .iter()
            .filter(|(s, _)| *s == at)
            .map(|(_, e)| *e)
            .max()
            .unwrap_or_else(|| at + word[at..].chars().next().map_or(1, char::len_utf8));
        let part = &word[at..end];
        if is_word(part) && !out.iter().any(|p: &String| p == part) {
            out.push(part.to_string());
        }
        at = end;
    }
    if out.len() < 2 { Vec::new() } else { out }
}

fn term(field: Field, text: &str) -> Box<dyn TQuery> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// One text as a word of the item, or (weighing less) inside a longer
/// word of it.
fn word_or_part(fields: &Fields, text: &str) -> Box<dyn TQuery> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, term(fields.text, text)),
        (
            Occur::Should,
            Box::new(BoostQuery::new(term(fields.text_parts, text), PART_BOOST)),
        ),
    ]))
}

/// One query word: the whole word, or (if `split`) all of its parts.
fn word_query(fields: &Fields, word: &Word, split: bool) -> Box<dyn TQuery> {
    let whole = word_or_part(fields, &word.whole);
    if !split || word.parts.is_empty() {
        return whole;
    }
    let all_parts = word
        .parts
        .iter()
        .map(|p| (Occur::Must, word_or_part(fields, p)))
        .collect();
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, whole),
        (Occur::Should, Box::new(BooleanQuery::new(all_parts))),
    ]))
}

/// The stages a search goes through until one finds something.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Stage {
    /// Every word, as typed.
    Exact,
    /// Every word, as typed or split into its parts.
    Split,
    /// Any word, as typed or split.
    Any,
}

/// The stages worth trying for these words, in order.
pub(crate) fn stages(words: &[Word]) -> Vec<Stage> {
    let mut out = vec![Stage::Exact];
    if words.iter().any(|w| !w.parts.is_empty()) {
        out.push(Stage::Split);
    }
    if words.len() > 1 {
        out.push(Stage::Any);
    }
    out
}

/// The text part of a search: the words combined, or the exact 文号.
pub(crate) fn text_query(
    fields: &Fields,
    raw: &str,
    words: &[Word],
    stage: Stage,
) -> Box<dyn TQuery> {
    let occur = match stage {
        Stage::Exact | Stage::Split => Occur::Must,
        Stage::Any => Occur::Should,
    };
    let split = stage != Stage::Exact;
    let word_clauses: Vec<(Occur, Box<dyn TQuery>)> = words
        .iter()
        .map(|w| (occur, word_query(fields, w, split)))
        .collect();
    let words_query: Box<dyn TQuery> = if word_clauses.is_empty() {
        Box::new(EmptyQuery)
    } else {
        Box::new(BooleanQuery::new(word_clauses))
    };
    let raw: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    let exact = exact_doc_no(&raw);
    // Every 文号 has a number (year, sequence): text without one is no 文号.
    if !exact.chars().any(|c| c.is_ascii_digit()) {
        return words_query;
    }
    let doc_no: Box<dyn TQuery> = Box::new(BoostQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(fields.doc_no_exact, &exact),
            IndexRecordOption::Basic,
        )),
        DOC_NO_BOOST,
    ));
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, doc_no),
        (Occur::Should, words_query),
    ]))
}

/// A filter clause: exact value, no influence on the score.
pub(crate) fn filter_text(field: Field, value: &str) -> Box<dyn TQuery> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

pub(crate) fn filter_i64(field: Field, value: i64) -> Box<dyn TQuery> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_i64(field, value),
            IndexRecordOption::Basic,
        )),
        0.0,
    ))
}

/// A filter clause: the field holds at least one of `values` (a Should
/// of term queries), no influence on the score. No values: nothing
/// matches.
pub(crate) fn filter_any_i64(field: Field, values: &[i64]) -> Box<dyn TQuery> {
    if values.is_empty() {
        return Box::new(EmptyQuery);
    }
    let any = values
        .iter()
        .map(|v| {
            let term: Box<dyn TQuery> = Box::new(TermQuery::new(
                Term::from_field_i64(field, *v),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, term)
        })
        .collect();
    Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wholes(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.whole).collect()
    }

    #[test]
    fn punctuation_spaces_and_function_words_are_dropped() {
        assert!(wholes("").is_empty());
        assert!(wholes("  ！！！ 。，").is_empty());
        let w = wholes("安全生产的 监督 和 管理");
        assert!(!w.iter().any(|w| w == "的" || w == "和"), "{w:?}");
        assert!(w.iter().any(|w| w == "监督"), "{w:?}");
    }

    #[test]
    fn a_compound_word_also_matches_by_its_parts() {
        let w = words("烟花爆竹");
        assert_eq!(w[0].whole, "烟花爆竹");
        assert_eq!(w[0].parts, vec!["烟花", "爆竹"]);
        let w = words("法定期限");
        assert_eq!(w[0].parts, vec!["法定", "期限"]);
    }

    #[test]
    fn doc_no_brackets_are_unified() {
        assert_eq!(exact_doc_no("苏安监办[2008] 38号"), "苏安监办〔2008〕38号");
        assert_eq!(
            exact_doc_no("苏安监办（２００８）３８号"),
            "苏安监办〔2008〕38号"
        );
    }
}
