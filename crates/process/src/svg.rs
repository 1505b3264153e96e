//! The public flowchart: a standalone SVG drawn from the definition the
//! engine runs, with the case's current and done steps marked.
//!
//! No script, no style sheet, no web font: presentation attributes only,
//! so the same string works inline in a page and as a file. Shapes follow
//! BPMN: thin circle start, thick circle end, rounded task, diamond with ×
//! (exclusive) or + (parallel), thick-bordered call of the collective
//! decision, double circle with a clock for a timer. State is never shown
//! by colour alone (WCAG 1.4.1): the current step carries a "当前" tag and
//! a thick border, a done step its date. The `<desc>` is the step list.

mod shapes;
pub(crate) mod text;

use crate::layout;
use crate::model::{Definition, NodeKind, Point};
use crate::steps::{self, Step};
use shapes::{State, node, paint};
use text::{esc, num};

/// What to mark on the chart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Node ids of the current steps.
    pub current: Vec<String>,
    /// Done steps: (node id, date text such as "2026-03-02").
    pub done: Vec<(String, String)>,
    /// Title and accessible name; the process name when `None`.
    pub title: Option<String>,
    /// Prefix of every id in the SVG, for two charts of the same process
    /// on one page; derived from the process id when `None`.
    pub prefix: Option<String>,
}

// Palette; contrast on white (or the pale fills) is at least 4.5:1 for
// every text colour, checked in the tests below.
pub(crate) const INK: &str = "#222222";
pub(crate) const LINE: &str = "#555555";
pub(crate) const CURRENT: &str = "#b34d00";
pub(crate) const CURRENT_FILL: &str = "#fff3e0";
pub(crate) const DONE: &str = "#2e7d32";
pub(crate) const DONE_TEXT: &str = "#1b5e20";
pub(crate) const DONE_FILL: &str = "#e3f1e4";
/// Line length of a name drawn outside its shape (events, gateways).
const OUTSIDE_EM: f64 = layout::LABEL_WIDTH / 12.0;
const FONT: &str = "Microsoft YaHei,PingFang SC,Noto Sans CJK SC,sans-serif";
/// A white outline behind text that may cross a line.
const HALO: &str =
    r##" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##;

/// The flowchart of `def` as an SVG document; lays `def` out first when
/// it lacks positions.
pub fn render(def: &Definition, view: &View) -> String {
    let owned;
    let def = if layout::is_complete(def) {
        def
    } else {
        owned = layout::layout(def);
        &owned
    };
    let p = prefix(def, view);
    let title = match view.title.as_deref() {
        Some(t) if !t.trim().is_empty() => t,
        _ if !def.name.trim().is_empty() => def.name.as_str(),
        _ => "流程图",
    };
    let marked =
        |id: &str| view.current.iter().any(|c| c == id) || view.done.iter().any(|(d, _)| d == id);
    let legend = def.nodes.iter().any(|n| marked(&n.id));
    let (x0, y0, x1, y1) = extent(def);
    let left = x0 - 40.0;
    let top = y0 - 68.0;
    let width = (x1 + 50.0 - left)
        .max(text::width_em(title) * 16.0 + 32.0)
        .max(if legend { 330.0 } else { 0.0 });
    let height = y1 + 44.0 + if legend { 26.0 } else { 0.0 } - top;

    let mut s = String::with_capacity(1600 + 480 * def.nodes.len() + 220 * def.flows.len());
    s.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby=""#);
    s.push_str(&p);
    s.push_str("-t ");
    s.push_str(&p);
    s.push_str(r#"-d" viewBox=""#);
    for (i, v) in [left, top, width, height].into_iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        num(&mut s, v);
    }
    s.push_str(r#"" width=""#);
    num(&mut s, width);
    s.push_str(r#"" height=""#);
    num(&mut s, height);
    s.push_str(r#"" font-family=""#);
    s.push_str(FONT);
    s.push_str(r#"" font-size="13"><title id=""#);
    s.push_str(&p);
    s.push_str(r#"-t">"#);
    esc(&mut s, title);
    s.push_str(r#"</title><desc id=""#);
    s.push_str(&p);
    s.push_str(r#"-d">"#);
    desc(&mut s, title, &steps::steps(def), view);
    s.push_str(r#"</desc><defs><marker id=""#);
    s.push_str(&p);
    s.push_str(r#"-a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill=""#);
    s.push_str(LINE);
    s.push_str(r#""/></marker></defs><rect"#);
    attrs(
        &mut s,
        &[
            ("x", left),
            ("y", top),
            ("width", width),
            ("height", height),
        ],
    );
    s.push_str(r##" fill="#fff"/><text"##);
    attrs(&mut s, &[("x", left + 16.0), ("y", top + 26.0)]);
    s.push_str(r#" font-size="16" font-weight="bold" fill=""#);
    s.push_str(INK);
    s.push_str(r#"">"#);
    esc(&mut s, title);
    s.push_str("</text>");

    flows(&mut s, def, &p);
    for n in def
        .nodes
        .iter()
        .filter(|n| !matches!(n.kind, NodeKind::BoundaryTimer { .. }))
    {
        node(&mut s, def, n, view, &p);
    }
    for n in def
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::BoundaryTimer { .. }))
    {
        node(&mut s, def, n, view, &p);
    }
    flow_labels(&mut s, def);
    if legend {
        legend_row(&mut s, left + 16.0, y1 + 44.0);
    }
    s.push_str("</svg>");
    s
}

/// The id prefix: letters, digits, '-' and '_' only, starting "yg-"
/// unless given with a letter first; a hash of the original is added
/// when anything had to be replaced, so different ids stay apart.
fn prefix(def: &Definition, view: &View) -> String {
    let (raw, given) = match &view.prefix {
        Some(p) if !p.is_empty() => (p.as_str(), true),
        _ => (def.id.as_str(), false),
    };
    let mut out = String::with_capacity(raw.len() + 12);
    if !given || !raw.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.push_str("yg-");
    }
    let mut replaced = raw.is_empty();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            out.push('_');
            replaced = true;
        }
    }
    if replaced {
        let mut h: u32 = 0x811c_9dc5;
        for b in raw.bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
        out.push('-');
        for k in (0..8).rev() {
            let d = (h >> (4 * k)) & 0xf;
            out.push(char::from_digit(d, 16).unwrap_or('0'));
        }
    }
    out
}

fn attrs(s: &mut String, list: &[(&str, f64)]) {
    for (k, v) in list {
        s.push(' ');
        s.push_str(k);
        s.push_str("=\"");
        num(s, *v);
        s.push('"');
    }
}

fn extent(def: &Definition) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for b in def.nodes.iter().filter_map(|n| n.bounds) {
        x0 = x0.min(b.x);
        y0 = y0.min(b.y);
        x1 = x1.max(b.x + b.width);
        y1 = y1.max(b.y + b.height);
    }
    for q in def.flows.iter().flat_map(|f| f.waypoints.iter()) {
        x0 = x0.min(q.x);
        y0 = y0.min(q.y);
        x1 = x1.max(q.x);
        y1 = y1.max(q.y);
    }
    if x0 > x1 {
        (0.0, 0.0, 0.0, 0.0)
    } else {
        (x0, y0, x1, y1)
    }
}

/// The text alternative: every step in reading order, who does it, its
/// limit, whether it is current or done (with the date), what follows.
fn desc(s: &mut String, title: &str, steps: &[Step], view: &View) {
    esc(s, title);
    s.push_str("，共");
    text::int(s, steps.len() as u64);
    s.push_str("个步骤。");
    for (i, st) in steps.iter().enumerate() {
        text::int(s, i as u64 + 1);
        s.push_str(". ");
        esc(s, &st.name);
        if !st.who.is_empty() || st.limit.is_some() {
            s.push('（');
            esc(s, &st.who);
            if let Some(l) = &st.limit {
                if !st.who.is_empty() {
                    s.push('，');
                }
                s.push_str("时限");
                esc(s, l);
            }
            s.push('）');
        }
        if view.current.contains(&st.id) {
            s.push_str("，当前步骤");
        }
        let mut dates = view.done.iter().filter(|(id, _)| *id == st.id);
        if let Some((_, d)) = dates.next() {
            s.push_str("，已办（");
            esc(s, d);
            for (_, d) in dates {
                s.push('、');
                esc(s, d);
            }
            s.push('）');
        }
        for (k, n) in st.next.iter().enumerate() {
            s.push_str(if k == 0 { "，下一步：" } else { "；" });
            esc(s, n);
        }
        s.push('。');
    }
}

fn path_d(s: &mut String, pts: &[Point]) {
    for (i, q) in pts.iter().enumerate() {
        s.push(if i == 0 { 'M' } else { 'L' });
        num(s, q.x);
        s.push(' ');
        num(s, q.y);
    }
}

fn flows(s: &mut String, def: &Definition, p: &str) {
    s.push_str(r#"<g fill="none" stroke=""#);
    s.push_str(LINE);
    s.push_str(r#"" stroke-width="1.5" marker-end="url(#"#);
    s.push_str(p);
    s.push_str(r#"-a)">"#);
    let mut marks = String::new();
    for f in def.flows.iter().filter(|f| f.waypoints.len() >= 2) {
        s.push_str(r#"<path d=""#);
        path_d(s, &f.waypoints);
        s.push_str(r#""/>"#);
        let default = def.node(&f.source).is_some_and(
            |n| matches!(&n.kind, NodeKind::Exclusive { default: Some(d) } if *d == f.id),
        );
        if default {
            // BPMN's default-flow mark: a slash across the start.
            let (a, b) = (f.waypoints[0], f.waypoints[1]);
            let len = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt().max(1.0);
            let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
            let (cx, cy) = (a.x + 10.0 * ux, a.y + 10.0 * uy);
            marks.push_str(r#"<path d=""#);
            path_d(
                &mut marks,
                &[
                    Point {
                        x: cx + 5.0 * uy - 3.0 * ux,
                        y: cy - 5.0 * ux - 3.0 * uy,
                    },
                    Point {
                        x: cx - 5.0 * uy + 3.0 * ux,
                        y: cy + 5.0 * ux + 3.0 * uy,
                    },
                ],
            );
            marks.push_str(r#""/>"#);
        }
    }
    s.push_str("</g>");
    if !marks.is_empty() {
        s.push_str(r#"<g stroke=""#);
        s.push_str(LINE);
        s.push_str(r#"" stroke-width="1.5">"#);
        s.push_str(&marks);
        s.push_str("</g>");
    }
}

/// Where a flow's label goes: on the first horizontal run after a turn
/// (past the fork a gateway's flows share), else on the first horizontal
/// run, else beside the first segment. Returns (x, y, anchor, room in px).
fn label_at(pts: &[Point]) -> Option<(f64, f64, Anchor, f64)> {
    let horizontal =
        |i: usize| (pts[i].y - pts[i + 1].y).abs() < 0.5 && (pts[i].x - pts[i + 1].x).abs() >= 20.0;
    let n = pts.len().checked_sub(1)?;
    let pick = (1..n)
        .find(|&i| horizontal(i) && (pts[i - 1].x - pts[i].x).abs() < 0.5)
        .or_else(|| (0..n).find(|&i| horizontal(i)));
    match pick {
        Some(i) => {
            let room = (pts[i].x - pts[i + 1].x).abs();
            Some((
                (pts[i].x + pts[i + 1].x) / 2.0,
                pts[i].y - 5.0,
                Anchor::Middle,
                room,
            ))
        }
        None if n > 0 => Some((
            pts[0].x + 6.0,
            (pts[0].y + pts[1].y) / 2.0,
            Anchor::Start,
            96.0,
        )),
        None => None,
    }
}

fn flow_labels(s: &mut String, def: &Definition) {
    s.push_str(r#"<g font-size="12" fill=""#);
    s.push_str(INK);
    s.push('"');
    s.push_str(HALO);
    s.push('>');
    for f in &def.flows {
        let label = steps::flow_label(f);
        if label.is_empty() {
            continue;
        }
        if let Some((x, y, anchor, room)) = label_at(&f.waypoints) {
            // As wide as the run allows (4 to 8 em), more lines upwards.
            let lines = text::wrap_even(label, ((room - 8.0) / 12.0).clamp(4.0, 8.0));
            let up = (lines.len() as f64 - 1.0) * 14.0;
            lines_at(s, &lines, x, y - up, 14.0, anchor, "");
        }
    }
    s.push_str("</g>");
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// A text element with one `tspan` a line (one line: no tspan).
fn lines_at(
    s: &mut String,
    lines: &[&str],
    x: f64,
    y: f64,
    step: f64,
    anchor: Anchor,
    extra: &str,
) {
    s.push_str("<text");
    attrs(s, &[("x", x), ("y", y)]);
    match anchor {
        Anchor::Start => {}
        Anchor::Middle => s.push_str(r#" text-anchor="middle""#),
        Anchor::End => s.push_str(r#" text-anchor="end""#),
    }
    s.push_str(extra);
    s.push('>');
    if let [one] = lines {
        esc(s, one);
    } else {
        for (i, l) in lines.iter().enumerate() {
            s.push_str("<tspan");
            attrs(s, &[("x", x), ("y", y + step * i as f64)]);
            s.push('>');
            esc(s, l);
            s.push_str("</tspan>");
        }
    }
    s.push_str("</text>");
}

fn legend_row(s: &mut String, x: f64, y: f64) {
    s.push_str(r#"<g font-size="12" fill=""#);
    s.push_str(INK);
    s.push_str(r#""><rect"#);
    attrs(
        s,
        &[
            ("x", x),
            ("y", y),
            ("width", 18.0),
            ("height", 12.0),
            ("rx", 2.0),
        ],
    );
    paint(s, State::Current, 2.5);
    s.push_str("/><text");
    attrs(s, &[("x", x + 24.0), ("y", y + 11.0)]);
    s.push_str(">当前步骤</text><rect");
    attrs(
        s,
        &[
            ("x", x + 100.0),
            ("y", y),
            ("width", 18.0),
            ("height", 12.0),
            ("rx", 2.0),
        ],
    );
    paint(s, State::Done, 2.0);
    s.push_str("/><text");
    attrs(s, &[("x", x + 124.0), ("y", y + 11.0)]);
    s.push_str(">已办步骤（框下为办结日期）</text></g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
        let ch = |shift: u32| {
            let c = f64::from((v >> shift) & 0xff) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn text_colours_meet_wcag_aa_on_their_backgrounds() {
        for (fg, bg) in [
            (INK, "#ffffff"),
            (INK, CURRENT_FILL),
            (INK, DONE_FILL),
            ("#ffffff", CURRENT),
            (DONE_TEXT, "#ffffff"),
            (LINE, "#ffffff"),
        ] {
            let c = contrast(fg, bg);
            assert!(c >= 4.5, "{fg} on {bg}: {c:.2}");
        }
        // Borders that mark state are non-text graphics: 3:1 (WCAG 1.4.11).
        assert!(contrast(CURRENT, CURRENT_FILL) >= 3.0);
        assert!(contrast(DONE, DONE_FILL) >= 3.0);
    }

    #[test]
    fn prefix_is_a_safe_id_and_keeps_different_ids_apart() {
        let def = |id: &str| Definition {
            id: id.into(),
            name: String::new(),
            nodes: vec![],
            flows: vec![],
        };
        let view = View::default();
        assert_eq!(prefix(&def("licensing"), &view), "yg-licensing");
        let a = prefix(&def("许可"), &view);
        let b = prefix(&def("处罚"), &view);
        assert!(a.starts_with("yg-") && b.starts_with("yg-") && a != b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        let given = View {
            prefix: Some("case7".into()),
            ..View::default()
        };
        assert_eq!(prefix(&def("x"), &given), "case7");
    }

    #[test]
    fn label_goes_past_the_fork_of_a_gateway() {
        let p = |x: f64, y: f64| Point { x, y };
        // Shared trunk (gateway → x 114), then down, then the own run.
        let pts = [
            p(75.0, 0.0),
            p(114.0, 0.0),
            p(114.0, 130.0),
            p(190.0, 130.0),
        ];
        assert_eq!(label_at(&pts), Some((152.0, 125.0, Anchor::Middle, 76.0)));
        assert_eq!(
            label_at(&[p(0.0, 0.0), p(90.0, 0.0)]),
            Some((45.0, -5.0, Anchor::Middle, 90.0))
        );
    }
}
