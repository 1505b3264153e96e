//! Snippets: about 120 characters of the body (or the summary) around the
//! words searched for, HTML-escaped, hits wrapped in `<em>…</em>`.
//!
//! One Aho-Corasick pass over the text finds every occurrence of a query word
//! or of one of its parts (longest first, so `烟花爆竹` is one match, and
//! `许可` is highlighted inside `许可证`, as a reader expects); the window of
//! the text holding the most distinct query words is the snippet, started
//! just after a sentence break when one is near, and the matches in it are
//! wrapped as they are. Nothing is cut by jieba here: tantivy's
//! `SnippetGenerator` over a jieba re-cut of the region cost about as much as
//! the search itself (0.13 ms of 0.37 ms at the median, see
//! docs/benchmarks.md), for the same highlights.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::query::Word;
use crate::tokenizer::fold;

/// Target snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 120;
/// Matches considered when locating the snippet.
const MAX_MATCHES: usize = 4096;

/// The query words and their parts, folded, and a matcher finding them
/// (longest first).
struct Words {
    /// For each pattern of `matcher`, the query word it belongs to.
    owner: Vec<usize>,
    /// Number of query words.
    words: usize,
    matcher: Option<AhoCorasick>,
}

impl Words {
    /// From groups of (whole word, its parts), one group a query word.
    fn new(groups: &[Vec<String>]) -> Words {
        let mut pairs: Vec<(String, usize)> = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            for w in g.iter().filter(|w| !w.is_empty()) {
                if !pairs.iter().any(|(p, _)| p == w) {
                    pairs.push((w.clone(), i));
                }
            }
        }
        let (list, owner): (Vec<String>, Vec<usize>) = pairs.into_iter().unzip();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&list)
            .ok();
        Words {
            owner,
            words: groups.len(),
            matcher,
        }
    }

    /// Non-overlapping matches in `text`: (start, end, query word).
    fn find<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, usize)> + 't {
        self.matcher
            .iter()
            .flat_map(move |m| m.find_iter(text))
            .map(|m| (m.start(), m.end(), self.owner[m.pattern().as_usize()]))
    }
}

/// Makes the snippets of one search's hits.
pub(crate) struct Snippets {
    words: Words,
}

impl Snippets {
    /// For the query's words (already folded, as `query::words` gives them).
    pub fn new(words: &[Word]) -> Snippets {
        let groups: Vec<Vec<String>> = words
            .iter()
            .map(|w| {
                let mut g = vec![w.whole.clone()];
                g.extend(w.parts.iter().cloned());
                g
            })
            .collect();
        Snippets {
            words: Words::new(&groups),
        }
    }

    /// The snippet of one hit: from the body, else the summary, where a
    /// query word is found; else the start of the summary (or body).
    pub fn make(&self, body: &str, summary: &str) -> String {
        for text in [body, summary] {
            if let Some(s) = self.highlighted(text) {
                return s;
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

    /// The window of `text` around the query words, escaped, with the words
    /// in `<em>`; `None` when no query word is in `text`.
    fn highlighted(&self, text: &str) -> Option<String> {
        if text.is_empty() {
            return None;
        }
        let window = region(text, &self.words);
        let folded = fold(window);
        let mut out = String::with_capacity(window.len() + 64);
        let (mut at, mut any) = (0, false);
        for (start, end, _) in self.words.find(&folded.text) {
            let (start, end) = (folded.original(start), folded.original(end));
            escape_into(&mut out, &window[at..start]);
            out.push_str("<em>");
            escape_into(&mut out, &window[start..end]);
            out.push_str("</em>");
            at = end;
            any = true;
        }
        if !any {
            return None;
        }
        escape_into(&mut out, &window[at..]);
        Some(out)
    }
}

/// The part of `text` most dense in distinct query `words`, at most
/// `SNIPPET_CHARS` long, starting a little before the first match in it
/// (the start of `text` when nothing matches).
fn region<'a>(text: &'a str, words: &Words) -> &'a str {
    let folded = fold(text);
    let t: &str = &folded.text;
    let matches: Vec<(usize, usize)> = words
        .find(t)
        .take(MAX_MATCHES)
        .map(|(start, _, w)| (start, w))
        .collect();
    // The matches counted must fit after a lead-in of up to a third of the
    // snippet; width in bytes, CJK text being three bytes a character.
    let width = 3 * (SNIPPET_CHARS - SNIPPET_CHARS / 3);
    let mut best = (0usize, 0usize); // (distinct words, start)
    let mut seen = vec![0u32; words.words];
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
            .nth(SNIPPET_CHARS)
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
        let groups: Vec<Vec<String>> = ws.iter().map(|w| vec![w.to_string()]).collect();
        Words::new(&groups)
    }

    #[test]
    fn region_centres_on_the_densest_matches() {
        let filler = "前言，".repeat(300);
        let text = format!("{filler}甲乙丙丁，{filler}应急预案和演练都在这里。{filler}");
        let r = region(&text, &words(&["应急预案", "演练"]));
        assert!(r.contains("应急预案和演练"), "{r}");
        assert!(r.chars().count() <= SNIPPET_CHARS);
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
    fn parts_of_one_word_count_once_when_choosing_the_region() {
        // Early: both parts of 烟花爆竹 apart; later: 烟花爆竹 with 仓库.
        let filler = "其他内容，".repeat(100);
        let text = format!("烟花和爆竹。{filler}烟花爆竹仓库。");
        let groups = vec![
            vec!["烟花爆竹".to_string(), "烟花".into(), "爆竹".into()],
            vec!["仓库".to_string()],
        ];
        let r = region(&text, &Words::new(&groups));
        assert!(r.contains("烟花爆竹仓库"), "{r}");
    }

    #[test]
    fn highlights_are_the_longest_match_and_markup_is_escaped() {
        let s = Snippets {
            words: Words::new(&[
                vec!["中华人民共和国".to_string(), "人民".into()],
                vec!["许可".to_string()],
            ]),
        };
        let out = s.make(
            "《中华人民共和国行政许可法》<b>人民</b>政府颁发许可证。",
            "",
        );
        assert_eq!(
            out,
            "《<em>中华人民共和国</em>行政<em>许可</em>法》&lt;b&gt;<em>人民</em>&lt;/b&gt;政府颁发<em>许可</em>证。"
        );
    }

    #[test]
    fn full_width_text_is_highlighted_where_the_folded_word_matches() {
        let s = Snippets {
            words: Words::new(&[vec!["gb30871".to_string()]]),
        };
        assert_eq!(
            s.make("依据ＧＢ30871执行", ""),
            "依据<em>ＧＢ30871</em>执行"
        );
    }
}
