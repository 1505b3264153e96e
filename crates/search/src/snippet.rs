//! Snippets: about 120 characters of the body (or the summary) around the
//! words searched for, HTML-escaped, hits wrapped in `<em>…</em>`.
//!
//! tantivy's `SnippetGenerator` re-tokenizes the text it is given. A law can be
//! 75,000 characters long, and cutting that with jieba for each hit would cost
//! milliseconds, so the densest region of the text is first located by plain
//! substring search, and only that region is handed to the generator.

use tantivy::snippet::SnippetGenerator;

/// Target snippet length in characters.
pub(crate) const SNIPPET_CHARS: usize = 120;
/// Region handed to the snippet generator, in characters.
const REGION_CHARS: usize = 3 * SNIPPET_CHARS;
/// Matches of one word considered when locating the region.
const MAX_MATCHES_PER_WORD: usize = 256;

/// The snippet of one hit. `words` are the query words (whole and parts) as
/// they occur in text; `generator` is built for the body field of the query.
pub(crate) fn snippet(
    generator: &SnippetGenerator,
    body: &str,
    summary: &str,
    words: &[String],
) -> String {
    for text in [body, summary] {
        if text.is_empty() {
            continue;
        }
        let region = region(text, words);
        let mut s = generator.snippet(region);
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

/// The part of `text` most dense in distinct `words`, about `REGION_CHARS`
/// long, starting a little before the first match in it.
fn region<'a>(text: &'a str, words: &[String]) -> &'a str {
    let mut matches: Vec<(usize, usize)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if w.is_empty() {
            continue;
        }
        matches.extend(
            text.match_indices(w.as_str())
                .take(MAX_MATCHES_PER_WORD)
                .map(|(at, _)| (at, i)),
        );
    }
    matches.sort_unstable();
    // Window width in bytes: CJK text is three bytes a character.
    let width = 3 * SNIPPET_CHARS;
    let mut best = (0usize, usize::MAX); // (distinct words, start)
    let mut seen = vec![0u32; words.len()];
    let (mut lo, mut distinct) = (0usize, 0usize);
    for hi in 0..matches.len() {
        let (at, w) = matches[hi];
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
    let start = if best.0 == 0 {
        0
    } else {
        lead_in(text, best.1)
    };
    let rest = &text[start..];
    let end = rest
        .char_indices()
        .nth(REGION_CHARS)
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
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
pub(crate) fn escape_into(out: &mut String, text: &str) {
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

    #[test]
    fn region_centres_on_the_densest_matches() {
        let filler = "前言。".repeat(300);
        let text = format!("{filler}甲乙丙丁。{filler}应急预案和演练都在这里。{filler}");
        let words = vec!["应急预案".to_string(), "演练".to_string()];
        let r = region(&text, &words);
        assert!(r.contains("应急预案和演练"), "{r}");
        assert!(r.chars().count() <= REGION_CHARS);
    }

    #[test]
    fn region_without_matches_is_the_start() {
        let r = region("一二三四五", &["七".to_string()]);
        assert_eq!(r, "一二三四五");
    }
}
