//! One node of the chart: its BPMN shape, name, state marks (the
//! "当前" tag, the done date) and, for a timer, its limit.

use super::text::{self, esc, num};
use super::{
    Anchor, CURRENT, CURRENT_FILL, DONE, DONE_FILL, DONE_TEXT, HALO, INK, OUTSIDE_EM, View, attrs,
    lines_at, path_d,
};
use crate::model::{Bounds, Definition, Node, NodeKind, Point};
use crate::steps;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum State {
    Plain,
    Current,
    Done,
}

pub(super) fn node(s: &mut String, def: &Definition, n: &Node, view: &View, p: &str) {
    let Some(b) = n.bounds else { return };
    let current = view.current.contains(&n.id);
    let done = view
        .done
        .iter()
        .find(|(id, _)| *id == n.id)
        .map(|(_, d)| d.as_str());
    let state = match (current, done) {
        (true, _) => State::Current,
        (false, Some(_)) => State::Done,
        _ => State::Plain,
    };
    s.push_str(r#"<g id=""#);
    s.push_str(p);
    s.push_str("-n-");
    esc(s, &n.id);
    s.push('"');
    match (current, done.is_some()) {
        (true, true) => s.push_str(r#" class="current done""#),
        (true, false) => s.push_str(r#" class="current""#),
        (false, true) => s.push_str(r#" class="done""#),
        _ => {}
    }
    s.push('>');
    let (cx, cy) = (b.x + b.width / 2.0, b.y + b.height / 2.0);
    let r = b.width.min(b.height) / 2.0;
    let mut bottom = b.y + b.height;
    let mut below = 0.0;
    match &n.kind {
        NodeKind::Start | NodeKind::End => {
            let end = matches!(n.kind, NodeKind::End);
            let w = if end { 4.0 } else { 1.5 };
            s.push_str("<circle");
            attrs(
                s,
                &[("cx", cx), ("cy", cy), ("r", if end { r - 2.0 } else { r })],
            );
            paint(s, state, w);
            s.push_str("/>");
            let lines = text::wrap_even(&n.name, OUTSIDE_EM);
            if !lines.is_empty() {
                lines_at(s, &lines, cx, bottom + 15.0, 14.0, Anchor::Middle, HALO);
                below = 14.0 * lines.len() as f64;
            }
        }
        NodeKind::UserTask { .. } | NodeKind::CallDecision => {
            let call = matches!(n.kind, NodeKind::CallDecision);
            let fit = text::fit(&n.name, b.width, b.height);
            bottom = b.y + fit.height;
            s.push_str("<rect");
            attrs(
                s,
                &[
                    ("x", b.x),
                    ("y", b.y),
                    ("width", b.width),
                    ("height", fit.height),
                    ("rx", 10.0),
                ],
            );
            let w = match state {
                State::Current => 4.0,
                _ if call => 3.5,
                State::Done => 2.0,
                State::Plain => 1.5,
            };
            paint(s, state, w);
            s.push_str("/>");
            let first = b.y + fit.height / 2.0 - fit.line * (fit.lines.len() as f64 - 1.0) / 2.0
                + fit.size * 0.35;
            let mut extra = String::with_capacity(40);
            extra.push_str(r#" font-size=""#);
            num(&mut extra, fit.size);
            extra.push_str(r#"" fill=""#);
            extra.push_str(INK);
            extra.push('"');
            lines_at(s, &fit.lines, cx, first, fit.line, Anchor::Middle, &extra);
        }
        NodeKind::Exclusive { .. } | NodeKind::Parallel => {
            s.push_str(r#"<path d=""#);
            let hw = b.width / 2.0;
            path_d(
                s,
                &[
                    Point { x: cx, y: b.y },
                    Point { x: cx + hw, y: cy },
                    Point {
                        x: cx,
                        y: b.y + b.height,
                    },
                    Point { x: cx - hw, y: cy },
                ],
            );
            s.push_str("Z\"");
            paint(s, state, if state == State::Current { 4.0 } else { 1.5 });
            s.push_str(r#"/><path d=""#);
            let k = if matches!(n.kind, NodeKind::Parallel) {
                hw * 0.44
            } else {
                hw * 0.32
            };
            let marks = if matches!(n.kind, NodeKind::Parallel) {
                [(cx, cy - k), (cx, cy + k), (cx - k, cy), (cx + k, cy)]
            } else {
                [
                    (cx - k, cy - k),
                    (cx + k, cy + k),
                    (cx + k, cy - k),
                    (cx - k, cy + k),
                ]
            };
            for (i, (x, y)) in marks.into_iter().enumerate() {
                s.push(if i % 2 == 0 { 'M' } else { 'L' });
                num(s, x);
                s.push(' ');
                num(s, y);
            }
            s.push_str(r#"" stroke=""#);
            s.push_str(INK);
            s.push_str(r#"" stroke-width="3"/>"#);
            let lines = text::wrap_even(&n.name, OUTSIDE_EM);
            if !lines.is_empty() {
                // Above, unless a flow uses the top corner (as drawn
                // diagrams often do); then below, else upper left.
                let up = 14.0 * (lines.len() as f64 - 1.0);
                let tag = if state == State::Current { 16.0 } else { 0.0 };
                let (top, low) = (touches(def, n, cx, b.y), touches(def, n, cx, bottom));
                if !top {
                    lines_at(
                        s,
                        &lines,
                        cx,
                        b.y - 7.0 - up - tag,
                        14.0,
                        Anchor::Middle,
                        HALO,
                    );
                } else if !low {
                    lines_at(s, &lines, cx, bottom + 15.0, 14.0, Anchor::Middle, HALO);
                    below = 14.0 * lines.len() as f64;
                } else {
                    let (x, y) = (cx - hw / 2.0 - 4.0, b.y + b.height / 4.0 - 2.0 - up);
                    lines_at(s, &lines, x, y, 14.0, Anchor::End, HALO);
                }
            }
        }
        NodeKind::BoundaryTimer { limit, .. } => {
            s.push_str(r##"<g fill="#fff" stroke=""##);
            s.push_str(INK);
            s.push_str(r#"" stroke-width="1.5"><circle"#);
            attrs(s, &[("cx", cx), ("cy", cy), ("r", r)]);
            s.push_str("/><circle");
            attrs(s, &[("cx", cx), ("cy", cy), ("r", r - 3.0)]);
            s.push_str("/><circle");
            attrs(s, &[("cx", cx), ("cy", cy), ("r", r * 0.55)]);
            s.push_str(r#"/><path d=""#);
            path_d(
                s,
                &[
                    Point {
                        x: cx,
                        y: cy - r * 0.42,
                    },
                    Point { x: cx, y: cy },
                    Point {
                        x: cx + r * 0.3,
                        y: cy,
                    },
                ],
            );
            s.push_str(r#"" fill="none"/></g>"#);
            let l = steps::limit_text(limit);
            let extra = concat!(
                r#" font-size="11""#,
                r##" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke""##
            );
            // Outside the task: below a timer on the lower border, above one on the upper.
            let host = match &n.kind {
                NodeKind::BoundaryTimer { attached_to, .. } => {
                    def.node(attached_to).and_then(|h| h.bounds)
                }
                _ => None,
            };
            // Beside the circle when its flow leaves through that side.
            let upper = host.is_some_and(|h| cy < h.y + h.height / 2.0);
            let (x, y, anchor) =
                match (upper, touches(def, n, cx, if upper { b.y } else { bottom })) {
                    (true, false) => (cx, b.y - 4.0, Anchor::Middle),
                    (true, true) => (cx + r + 2.0, b.y + 8.0, Anchor::Start),
                    (false, false) => (cx, bottom + 12.0, Anchor::Middle),
                    (false, true) => (cx + r + 2.0, bottom - 2.0, Anchor::Start),
                };
            lines_at(s, &[l.as_str()], x, y, 14.0, anchor, extra);
        }
    }
    if current {
        tag(s, cx, b.y);
    }
    if let Some(d) = done {
        let (x, y, anchor) = date_at(def, n, b, bottom + below + 13.0, d);
        let mut extra = String::with_capacity(120);
        extra.push_str(r#" font-size="11" fill=""#);
        extra.push_str(DONE_TEXT);
        extra.push('"');
        extra.push_str(HALO);
        lines_at(s, &[d], x, y, 14.0, anchor, &extra);
    }
    s.push_str("</g>");
}

/// Whether a flow of `n` starts or ends at (x, y).
fn touches(def: &Definition, n: &Node, x: f64, y: f64) -> bool {
    let near =
        |q: Option<&Point>| q.is_some_and(|q| (q.x - x).abs() < 2.0 && (q.y - y).abs() < 2.0);
    def.flows.iter().any(|f| {
        (f.source == n.id && near(f.waypoints.first()))
            || (f.target == n.id && near(f.waypoints.last()))
    })
}

/// Where the done date goes under a box: centred; beside the timers on
/// its lower border where there is room; else below their labels.
fn date_at(def: &Definition, n: &Node, b: Bounds, y: f64, date: &str) -> (f64, f64, Anchor) {
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for t in def.timers_on(&n.id).filter_map(|t| t.bounds) {
        if t.y + t.height / 2.0 > b.y + b.height / 2.0 {
            lo = lo.min(t.x);
            hi = hi.max(t.x + t.width);
        }
    }
    if lo > hi {
        return (b.x + b.width / 2.0, y, Anchor::Middle);
    }
    let need = text::width_em(date) * 11.0 + 1.0;
    if lo - b.x >= need {
        (b.x, y, Anchor::Start)
    } else if b.x + b.width - hi >= need {
        (b.x + b.width, y, Anchor::End)
    } else {
        (b.x + b.width / 2.0, y + 32.0, Anchor::Middle)
    }
}

pub(super) fn paint(s: &mut String, state: State, width: f64) {
    let (fill, stroke) = match state {
        State::Plain => ("#fff", INK),
        State::Current => (CURRENT_FILL, CURRENT),
        State::Done => (DONE_FILL, DONE),
    };
    s.push_str(r#" fill=""#);
    s.push_str(fill);
    s.push_str(r#"" stroke=""#);
    s.push_str(stroke);
    s.push_str(r#"" stroke-width=""#);
    num(s, width);
    s.push('"');
}

/// The "当前" tag on the top border: the state in words, not colour.
fn tag(s: &mut String, cx: f64, top: f64) {
    s.push_str("<rect");
    attrs(
        s,
        &[
            ("x", cx - 17.0),
            ("y", top - 9.0),
            ("width", 34.0),
            ("height", 17.0),
            ("rx", 3.0),
        ],
    );
    s.push_str(r#" fill=""#);
    s.push_str(CURRENT);
    s.push_str(r#""/><text"#);
    attrs(s, &[("x", cx), ("y", top + 4.0)]);
    s.push_str(
        r##" text-anchor="middle" font-size="11" font-weight="bold" fill="#fff">当前</text>"##,
    );
}
