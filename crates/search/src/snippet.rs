//! Snippets: about 120 characters of the body (or the summary) around the
//! words searched for, HTML-escaped, hits wrapped in `<em>…</em>`.
//!
//! tantivy's `SnippetGenerator` chooses the fragment and escapes it, but it
//! needs a token stream whose offsets only move forward: with the index's
//! search-mode tokens (`烟花`, `爆竹`, then `烟花爆竹` over both) it computes
//! negative ranges and panics. So snippets are cut by a highlighting
//! tokenizer of their own: every occurrence of a query word (longest first) is
//! one token, and the text between is cut in jieba's normal mode. Substring
//! matching also highlights `许可` inside `许可证`, as a reader expects.
//!
//! A law can be 75,000 characters long; cutting all of it for each hit would
//! cost milliseconds, so the region densest in query words is located first
//! by one Aho-Corasick pass, and only that region is cut.

use std::collections::BTreeMap;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Searcher, Term};

use crate::tokenizer::{INDEX_HMM, JIEBA, fold, is_word};

/// Target snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 120;
/// Region handed to the snippet generator, in characters.
const REGION_CHARS: usize = 3 * SNIPPET_CHARS;
/// Matches considered when locating the region.
const MAX_MATCHES: usize = 4096;

/// The query words, folded, and a matcher finding them (longest first).
struct Words {
    list: Vec<String>,
    matcher: Option<AhoCorasick>,
}

impl Words {
    fn new(words: &[String]) -> Words {
        let mut list: Vec<String> = words.iter().filter(|w| !w.is_empty()).cloned().collect();
        list.sort();
        list.dedup();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&list)
            .ok();
        Words { list, matcher }
    }

    /// Non-overlapping matches in `text`: (start, end, word index).
    fn find<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, usize)> + 't {
        self.matcher
            .iter()
            .flat_map(move |m| m.find_iter(text))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
    }
}

/// Makes the snippets of one search's hits.
pub(crate) struct Snippets {
    generator: SnippetGenerator,
    words: Arc<Words>,
}

impl Snippets {
    /// For the query `words` (whole words and their parts, folded).
    pub fn new(searcher: &Searcher, body: Field, words: &[String]) -> tantivy::Result<Snippets> {
        let words = Words::new(words);
        // Rarer words weigh more when choosing the fragment, as in
        // `SnippetGenerator::create`.
        let mut weights = BTreeMap::new();
        for w in &words.list {
            let df = searcher.doc_freq(&Term::from_field_text(body, w))?;
            weights.insert(w.clone(), 1.0 / (1.0 + df as f32));
        }
        let words = Arc::new(words);
        let analyzer = TextAnalyzer::from(Highlighter {
            words: words.clone(),
        });
        // tantivy counts this limit in bytes; CJK text is three a character.
        let generator = SnippetGenerator::new(weights, analyzer, body, 3 * SNIPPET_CHARS);
        Ok(Snippets { generator, words })
    }

    /// The snippet of one hit.
    pub fn make(&self, body: &str, summary: &str) -> String {
        for text in [body, summary] {
            if text.is_empty() {
                continue;
            }
            let region = region(text, &self.words);
            let mut s = self.generator.snippet(region);
            if !s.is_empty() {
                s.set_snippet_prefix_postfix("<em>", "</em>");
                return s.to_html();
            }
        }
        let plain = if summary.trim().is_empty() {
            body
        } else {
            summary
        };
        let mut out = String::new();
        escape_into(&mut out, &take_chars(plain.trim(), SNIPPET_CHARS));
        out
    }
}

/// The highlighting tokenizer (see the module comment). Its offsets never
/// move backwards and its tokens never overlap.
#[derive(Clone)]
struct Highlighter {
    words: Arc<Words>,
}

struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for Highlighter {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        let folded = fold(text);
        let t: &str = &folded.text;
        let mut tokens = Vec::new();
        let mut push = |from: usize, to: usize, word: &str| {
            tokens.push(Token {
                offset_from: folded.original(from),
                offset_to: folded.original(to),
                position: tokens.len(),
                text: word.to_string(),
                position_length: 1,
            });
        };
        let gap = |from: usize, to: usize, push: &mut dyn FnMut(usize, usize, &str)| {
            if from < to {
                for w in JIEBA.cut(&t[from..to], INDEX_HMM) {
                    if is_word(w.word) {
                        push(from + w.byte_start, from + w.byte_end, w.word);
                    }
                }
            }
        };
        let mut gap_start = 0;
        for (start, end, w) in self.words.find(t) {
            gap(gap_start, start, &mut push);
            push(start, end, &self.words.list[w]);
            gap_start = end;
        }
        gap(gap_start, t.len(), &mut push);
        Tokens { tokens, next: 0 }
    }
}

/// The part of `text` most dense in distinct `words`, about `REGION_CHARS`
/// long, starting a little before the first match in it.
fn region<'a>(text: &'a str, words: &Words) -> &'a str {
    let folded = fold(text);
    let t: &str = &folded.text;
    let matches: Vec<(usize, usize)> = words
        .find(t)
        .take(MAX_MATCHES)
        .map(|(start, _, w)| (start, w))
        .collect();
    // Window width in bytes: CJK text is three bytes a character.
    let width = 3 * SNIPPET_CHARS;
    let mut best = (0usize, 0usize); // (distinct words, start)
    let mut seen = vec![0u32; words.list.len()];
    let (mut lo, mut distinct) = (0usize, 0usize);
    for &(at, w) in &matches {
        if seen[w] == 0 {
            distinct += 1;
        }
        seen[w] += 1;
        while matches[lo].0 + width < at {
            let lw = matches[lo].1;
            seen[lw] -= 1;
            if seen[lw] == 0 {
                distinct -= 1;
            }
            lo += 1;
        }
        if distinct > best.0 {
            best = (distinct, matches[lo].0);
        }
    }
    let start = if best.0 == 0 { 0 } else { lead_in(t, best.1) };
    let rest = &t[start..];
    let end = start
        + rest
            .char_indices()
            .nth(REGION_CHARS)
            .map_or(rest.len(), |(i, _)| i);
    &text[folded.original(start)..folded.original(end)]
}

/// Where a region showing the match at `at` starts: just after the last
/// sentence break within `SNIPPET_CHARS / 3` characters before it, at the
/// text's start if that is as near, else `SNIPPET_CHARS / 6` characters back.
fn lead_in(text: &str, at: usize) -> usize {
    let mut fallback = at;
    for (n, (i, c)) in text[..at].char_indices().rev().enumerate() {
        if n >= SNIPPET_CHARS / 3 {
            return fallback;
        }
        if matches!(c, '。' | '；' | '！' | '？' | '\n' | ';' | '!' | '?') {
            return i + c.len_utf8();
        }
        if n < SNIPPET_CHARS / 6 {
            fallback = i;
        }
    }
    0
}

fn take_chars(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// Minimal HTML escaping, as tantivy's snippets do it.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Words {
        Words::new(&ws.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn region_centres_on_the_densest_matches() {
        let filler = "前言，".repeat(300);
        let text = format!("{filler}甲乙丙丁，{filler}应急预案和演练都在这里。{filler}");
        let r = region(&text, &words(&["应急预案", "演练"]));
        assert!(r.contains("应急预案和演练"), "{r}");
        assert!(r.chars().count() <= REGION_CHARS);
    }

    #[test]
    fn region_starts_after_a_sentence_break() {
        let text = format!("{}。应急演练", "前言".repeat(100));
        assert_eq!(region(&text, &words(&["演练"])), "应急演练");
    }

    #[test]
    fn region_without_matches_is_the_start() {
        assert_eq!(region("一二三四五", &words(&["七"])), "一二三四五");
    }

    #[test]
    fn highlight_tokens_never_overlap_or_go_back() {
        let mut h = Highlighter {
            words: Arc::new(words(&["中华人民共和国", "共和国", "人民", "许可"])),
        };
        let text = "《中华人民共和国行政许可法》规定，人民政府颁发许可证。ＡＢＣ人民";
        let mut stream = h.token_stream(text);
        let (mut last_to, mut seen) = (0, Vec::new());
        while let Some(t) = stream.next() {
            assert!(t.offset_from >= last_to, "{t:?}");
            last_to = t.offset_to;
            seen.push(text[t.offset_from..t.offset_to].to_string());
        }
        assert!(seen.contains(&"中华人民共和国".to_string()), "{seen:?}");
        assert!(seen.contains(&"许可".to_string()), "{seen:?}");
        assert_eq!(seen.last().map(String::as_str), Some("人民"));
    }
}
