//! A small tantivy tokenizer over `jieba-rs`, and the text normalisation the
//! index and the query side share.
//!
//! The index cuts text in jieba's *search* mode: every word of the normal cut,
//! plus the 2- and 3-character dictionary words inside it, so `安全` and `生产`
//! are findable inside `安全生产`. Queries are cut in *normal* mode (see
//! `query.rs`). Tokens without a letter or digit (spaces, punctuation) are
//! dropped; full-width ASCII (`２００８`, `ＡＢＣ`) is folded to half-width and
//! Latin letters are lower-cased, on both sides.

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The one dictionary, loaded on first use (~0.2 s, a few MB) and shared by
/// every index, tokenizer and query in the process.
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Whether the index-side cut uses jieba's HMM to join characters the
/// dictionary does not know into new words (names, 打非治违). It must agree
/// with the query side (`QUERY_HMM`): measured on the law corpus, HMM on both
/// sides and off on both sides are close (on is slightly better on words the
/// dictionary lacks), while on for one side only loses ~5 points of top-3
/// recall on such words.
pub(crate) const INDEX_HMM: bool = true;

/// Folds one character whose UTF-8 length changes: full-width digits and
/// Latin letters to half-width lower case, the ideographic space to a space.
/// Full-width punctuation is left alone: it is no part of any word.
fn fold_wide(c: char) -> Option<char> {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            let half = char::from_u32(c as u32 - 0xFEE0)?;
            Some(half.to_ascii_lowercase())
        }
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

/// Text folded for cutting, with a map back to the caller's byte offsets
/// (needed for snippets) when folding changed lengths.
pub(crate) struct Folded<'a> {
    pub text: std::borrow::Cow<'a, str>,
    /// `map[i]` = byte offset in the original text of byte `i` of `text`;
    /// one extra entry for the end. Empty when offsets are unchanged.
    map: Vec<u32>,
}

impl Folded<'_> {
    /// The byte offset in the original text of byte `offset` of `text`.
    pub fn original(&self, offset: usize) -> usize {
        if self.map.is_empty() {
            offset
        } else {
            self.map[offset] as usize
        }
    }
}

/// Folds `text` for matching: full-width digits and letters to half-width,
/// Latin letters to lower case. Borrows when there is nothing to fold.
pub(crate) fn fold(text: &str) -> Folded<'_> {
    use std::borrow::Cow;
    let wide = text.chars().any(|c| fold_wide(c).is_some());
    if !wide {
        let text = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        };
        return Folded {
            text,
            map: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        let folded = fold_wide(c).unwrap_or(c.to_ascii_lowercase());
        for _ in 0..folded.len_utf8() {
            map.push(at as u32);
        }
        out.push(folded);
    }
    map.push(text.len() as u32);
    Folded {
        text: Cow::Owned(out),
        map,
    }
}

/// A token worth indexing or searching: it has a letter or a digit.
pub(crate) fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Which of jieba's search-mode tokens a [`JiebaTokenizer`] keeps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Cut {
    /// The words of the normal cut (`安全生产`).
    Words,
    /// Only the dictionary words inside them (`安全`, `生产`).
    Parts,
}

/// The tantivy tokenizers registered as [`crate::schema::JIEBA_TOKENIZER`]
/// and [`crate::schema::PARTS_TOKENIZER`].
#[derive(Clone)]
pub(crate) struct JiebaTokenizer(pub Cut);

pub(crate) struct JiebaTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

/// Marks each search-mode token as a part (`true`) or a word of the normal
/// cut. jieba emits a word's parts just before the word, inside its span, and
/// the words of the normal cut never overlap: walking back from the end, a
/// token inside the span of the last word seen is one of its parts.
fn parts_mask(cut: &[jieba_rs::Token<'_>]) -> Vec<bool> {
    let mut mask = vec![false; cut.len()];
    let mut word: Option<(usize, usize)> = None;
    for (i, t) in cut.iter().enumerate().rev() {
        match word {
            Some((s, e))
                if t.byte_start >= s && t.byte_end <= e && (t.byte_start, t.byte_end) != (s, e) =>
            {
                mask[i] = true;
            }
            _ => word = Some((t.byte_start, t.byte_end)),
        }
    }
    mask
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaTokenStream {
        let folded = fold(text);
        let cut = JIEBA.cut_for_search(&folded.text, INDEX_HMM);
        let mask = parts_mask(&cut);
        let want_parts = self.0 == Cut::Parts;
        let mut tokens = Vec::with_capacity(cut.len());
        // Positions count the words of the normal cut in both fields; a part
        // takes the position of the word holding it (the next word: jieba
        // emits the parts first), so word order reads the same in both.
        let mut words = 0;
        for (t, is_part) in cut.iter().zip(mask) {
            if !is_word(t.word) {
                continue;
            }
            if is_part == want_parts {
                tokens.push(Token {
                    offset_from: folded.original(t.byte_start),
                    offset_to: folded.original(t.byte_end),
                    position: words,
                    text: t.word.to_string(),
                    position_length: 1,
                });
            }
            words += usize::from(!is_part);
        }
        JiebaTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for JiebaTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(mode: Cut, text: &str) -> Vec<(String, String)> {
        let mut tok = JiebaTokenizer(mode);
        let mut stream = tok.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), text[t.offset_from..t.offset_to].to_string()));
        }
        out
    }

    fn tokens(text: &str) -> Vec<(String, String)> {
        let mut out = cut(Cut::Words, text);
        out.extend(cut(Cut::Parts, text));
        out
    }

    fn words(mode: Cut, text: &str) -> Vec<String> {
        cut(mode, text).into_iter().map(|(w, _)| w).collect()
    }

    #[test]
    fn words_and_parts_split_the_search_mode_cut() {
        let text = "中华人民共和国烟花爆竹管理条例";
        let w = words(Cut::Words, text);
        assert!(w.contains(&"中华人民共和国".to_string()), "{w:?}");
        assert!(w.contains(&"烟花爆竹".to_string()), "{w:?}");
        assert!(!w.contains(&"烟花".to_string()), "{w:?}");
        let p = words(Cut::Parts, text);
        for part in ["中华", "人民", "共和国", "烟花", "爆竹"] {
            assert!(p.contains(&part.to_string()), "{p:?}");
        }
        assert!(!p.iter().any(|x| w.contains(x)), "{p:?} {w:?}");
    }

    #[test]
    fn parts_take_the_position_of_the_word_holding_them() {
        let text = "加强烟花爆竹管理";
        let positions = |mode| {
            let mut tok = JiebaTokenizer(mode);
            let mut stream = tok.token_stream(text);
            let mut out = Vec::new();
            while let Some(t) = stream.next() {
                out.push((t.text.clone(), t.position));
            }
            out
        };
        let words = positions(Cut::Words);
        let at = |w: &str| words.iter().find(|(t, _)| t == w).map(|(_, p)| *p);
        assert_eq!(at("加强"), Some(0), "{words:?}");
        let compound = at("烟花爆竹").unwrap();
        for (part, p) in positions(Cut::Parts) {
            if part == "烟花" || part == "爆竹" {
                assert_eq!(p, compound, "{part}");
            }
        }
    }

    #[test]
    fn search_mode_indexes_the_parts_of_a_compound() {
        let words: Vec<String> = tokens("加强安全生产监督管理")
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert!(words.contains(&"安全".to_string()), "{words:?}");
        assert!(words.contains(&"生产".to_string()), "{words:?}");
    }

    #[test]
    fn full_width_ascii_is_folded_and_offsets_point_into_the_original() {
        let out = tokens("苏安监办〔２００８〕３８号 ＡＢＣ");
        assert!(
            out.contains(&("2008".to_string(), "２００８".to_string())),
            "{out:?}"
        );
        assert!(
            out.contains(&("abc".to_string(), "ＡＢＣ".to_string())),
            "{out:?}"
        );
    }

    #[test]
    fn punctuation_and_spaces_are_not_tokens() {
        assert!(tokens("，。！？ 、\n《》").is_empty());
    }
}
