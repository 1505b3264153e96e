//! Text measurement, wrapping and XML output helpers shared by the chart
//! and the layout (which sizes task boxes so that their names fit).
//!
//! Widths are estimated, not measured: a CJK (or other non-ASCII)
//! character counts as 1 em, an ASCII one as 0.55 em. That is close
//! enough for the common sans-serif fonts and needs no font data.

/// Horizontal and vertical padding inside a task box, px.
const PAD: f64 = 6.0;
/// Font sizes tried in order before a box grows taller.
const SIZES: [f64; 3] = [13.0, 12.0, 11.0];
const LINE: f64 = 1.2;

pub(crate) fn em(c: char) -> f64 {
    if c.is_ascii() { 0.55 } else { 1.0 }
}

pub(crate) fn width_em(s: &str) -> f64 {
    s.chars().map(em).sum()
}

/// Closing punctuation that may hang past the line end rather than start
/// a line (a light form of the Chinese line-breaking rule).
fn closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '》'
            | '」'
            | '』'
            | '”'
            | '’'
            | ')'
            | ','
            | '.'
    )
}

/// Greedy line breaking at `max_em` per line. Breaks between any two CJK
/// characters, keeps an ASCII word whole when it fits on a line, drops the
/// space a line is broken at. Every other character is kept, so the lines
/// joined give the text back.
pub(crate) fn wrap(s: &str, max_em: f64) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut w = 0.0;
    let mut word: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let cw = em(c);
        if c.is_ascii_alphanumeric() {
            word.get_or_insert(i);
        } else {
            word = None;
        }
        if c == ' ' && w + cw > max_em {
            lines.push(&s[start..i]);
            start = i + 1;
            w = 0.0;
            continue;
        }
        if w + cw > max_em && i > start && !(closing(c) && w + cw <= max_em + 1.0) {
            let at = match word {
                Some(ws) if ws > start => ws,
                _ => i,
            };
            lines.push(s[start..at].trim_end());
            start = at;
            w = width_em(&s[start..i]);
        }
        w += cw;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// Like [`wrap`], with the lines evened out: "补正后重新" / "审查" rather
/// than a lone last character.
pub(crate) fn wrap_even(s: &str, max_em: f64) -> Vec<&str> {
    let lines = wrap(s, max_em);
    if lines.len() < 2 {
        return lines;
    }
    let even = wrap(s, (width_em(s) / lines.len() as f64 + 0.6).min(max_em));
    if even.len() == lines.len() {
        even
    } else {
        lines
    }
}

/// A name fitted into a box: the font size, the lines, and the box
/// height needed (at least the given height).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit<'a> {
    pub size: f64,
    pub line: f64,
    pub lines: Vec<&'a str>,
    pub height: f64,
}

/// Fits `name` into a `w`×`h` box: the largest of 13/12/11 px at which
/// the lines fit; failing that 11 px and a taller box. Never elides.
pub(crate) fn fit(name: &str, w: f64, h: f64) -> Fit<'_> {
    let inner = (w - 2.0 * PAD).max(12.0);
    let mut last = None;
    for size in SIZES {
        let lines = wrap(name, inner / size);
        let line = size * LINE;
        let need = lines.len() as f64 * line + 2.0 * PAD;
        if need <= h {
            return Fit {
                size,
                line,
                lines,
                height: h,
            };
        }
        last = Some((size, line, lines, need));
    }
    match last {
        Some((size, line, lines, need)) => Fit {
            size,
            line,
            lines,
            height: need.ceil(),
        },
        None => Fit {
            size: SIZES[0],
            line: SIZES[0] * LINE,
            lines: Vec::new(),
            height: h,
        },
    }
}

fn unsafe_char(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{FFFE}' | '\u{FFFF}')
        || ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
}

/// Appends `s` escaped for XML text and attribute values; characters XML
/// 1.0 cannot carry at all (most controls) are dropped.
pub(crate) fn esc(out: &mut String, s: &str) {
    if !s.chars().any(unsafe_char) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if unsafe_char(c) => {}
            c => out.push(c),
        }
    }
}

/// Appends `v` rounded to one decimal, without a trailing ".0". Cheaper
/// than `write!` with float formatting, and keeps the output short.
pub(crate) fn num(out: &mut String, v: f64) {
    let t = (v * 10.0).round();
    let t = if t.is_finite() { t as i64 } else { 0 };
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    int(out, a / 10);
    let f = a % 10;
    if f != 0 {
        out.push('.');
        out.push(char::from(b'0' + f as u8));
    }
}

pub(crate) fn int(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character_and_the_line_width() {
        let name = "行政许可申请材料受理审查与一次性告知";
        let lines = wrap(name, 6.0);
        assert_eq!(lines.concat(), name);
        assert!(lines.iter().all(|l| width_em(l) <= 6.0));
        assert_eq!(lines[0], "行政许可申请");
    }

    #[test]
    fn wrap_keeps_an_ascii_word_whole_and_lets_a_comma_hang() {
        assert_eq!(wrap("审查BPMN文件", 4.0), vec!["审查", "BPMN文", "件"]);
        assert_eq!(wrap("受理，审查", 2.0), vec!["受理，", "审查"]);
        assert_eq!(wrap("Fire safety check", 7.0), vec!["Fire safety", "check"]);
        assert_eq!(
            wrap("Fire safety check", 5.0),
            vec!["Fire", "safety", "check"]
        );
    }

    #[test]
    fn wrap_even_avoids_a_lone_last_character() {
        assert_eq!(wrap("补正后重新审查", 6.0), vec!["补正后重新审", "查"]);
        assert_eq!(wrap_even("补正后重新审查", 6.0), vec!["补正后重", "新审查"]);
        assert_eq!(wrap_even("受理", 6.0), vec!["受理"]);
    }

    #[test]
    fn fit_shrinks_a_step_then_grows_the_box_never_elides() {
        let short = fit("受理", 100.0, 80.0);
        assert_eq!(
            (short.size, short.height, short.lines.len()),
            (13.0, 80.0, 1)
        );
        // 28 characters: 7 a line at 12 px fills four lines.
        let long = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八";
        let f = fit(long, 100.0, 80.0);
        assert_eq!(f.size, 12.0);
        assert_eq!(f.lines.concat(), long);
        let longer = long.repeat(2);
        let g = fit(&longer, 100.0, 80.0);
        assert_eq!(g.size, 11.0);
        assert!(g.height > 80.0);
        assert_eq!(g.lines.concat(), longer);
    }

    #[test]
    fn esc_escapes_markup_and_drops_controls() {
        let mut s = String::new();
        esc(&mut s, "a<b>&\"c'\u{1}");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;c&#39;");
    }

    #[test]
    fn num_rounds_to_one_decimal_without_trailing_zero() {
        let mut s = String::new();
        for v in [0.0, 12.0, -3.25, 100.04, 7.96] {
            num(&mut s, v);
            s.push(' ');
        }
        assert_eq!(s, "0 12 -3.3 100 8 ");
    }
}
