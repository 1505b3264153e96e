//! The pieces of the automatic layout: the layered graph's vertices and
//! edges, ordering, spacing, track assignment and clean-up of routes.

use std::collections::HashMap;

use super::{Bounds, Definition, LOOP_DY, NodeKind, Point};

/// A vertex of the layered graph: a node, or a placeholder where a long
/// flow crosses a layer.
pub(super) struct Vx {
    pub(super) node: Option<usize>,
    pub(super) layer: usize,
    pub(super) w: f64,
    pub(super) h: f64,
    /// Space kept above and below the shape for its labels, tag, date.
    pub(super) above: f64,
    pub(super) below: f64,
    pub(super) y: f64,
    /// Tie-break: the first flow (document order) that enters it.
    pub(super) tie: usize,
    /// Ends a loop: kept low among equals so the loop runs below freely.
    pub(super) looped: bool,
}

pub(super) struct Edge {
    pub(super) flow: usize,
    pub(super) s: usize,
    pub(super) t: usize,
    /// The boundary timer (node index) the flow leaves from.
    pub(super) timer: Option<usize>,
    pub(super) back: bool,
    /// Vertices from source to target through placeholders.
    pub(super) chain: Vec<usize>,
}

pub(super) enum Leg {
    P(f64, f64),
    /// Horizontal to the track's x in `gap`, then vertical from y1 to y2.
    J {
        gap: usize,
        key: usize,
        y1: f64,
        y2: f64,
    },
}

/// The point on a shape's right (`dir` 1) or left (-1) border, LOOP_DY
/// below its middle: for a loop's start and end.
pub(super) fn side(def: &Definition, v: &Vx, x: f64, dir: f64) -> (f64, f64) {
    let dy = LOOP_DY.min(v.h / 2.0 - 2.0).max(0.0);
    let (hw, hh) = (v.w / 2.0, v.h / 2.0);
    let inset = match v.node.map(|i| &def.nodes[i].kind) {
        Some(NodeKind::Exclusive { .. } | NodeKind::Parallel) => hw * dy / hh,
        Some(NodeKind::Start | NodeKind::End) => hw - (hw * hw - dy * dy).max(0.0).sqrt(),
        _ => 0.0,
    };
    (x - dir * inset, v.y + dy)
}

pub(super) fn set_pos(layer: &[usize], pos: &mut [f64]) {
    for (i, &v) in layer.iter().enumerate() {
        pos[v] = i as f64;
    }
}

/// Barycenter sort of one layer against its neighbours in `nb`; a vertex
/// without neighbours keeps its place. Ties: loops low, then flow order.
pub(super) fn sort_layer(layer: &mut [usize], nb: &[Vec<usize>], pos: &mut [f64], vx: &[Vx]) {
    let key = |v: usize| match nb[v].len() {
        0 => pos[v],
        k => nb[v].iter().map(|&u| pos[u]).sum::<f64>() / k as f64,
    };
    let mut keyed: Vec<(f64, bool, usize, usize)> = layer
        .iter()
        .map(|&v| (key(v), vx[v].looped, vx[v].tie, v))
        .collect();
    keyed.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    for (slot, k) in layer.iter_mut().zip(&keyed) {
        *slot = k.3;
    }
    set_pos(layer, pos);
}

pub(super) fn crossings(layers: &[Vec<usize>], succs: &[Vec<usize>], pos: &[f64]) -> usize {
    let mut total = 0;
    let mut segs: Vec<(f64, f64)> = Vec::new();
    for layer in layers {
        segs.clear();
        for &a in layer {
            segs.extend(succs[a].iter().map(|&b| (pos[a], pos[b])));
        }
        for (i, s) in segs.iter().enumerate() {
            total += segs[i + 1..]
                .iter()
                .filter(|t| (s.0 - t.0) * (s.1 - t.1) < 0.0)
                .count();
        }
    }
    total
}

/// Centre distance between two vertices stacked in a layer.
pub(super) fn sep(a: &Vx, b: &Vx) -> f64 {
    let base = if a.node.is_some() && b.node.is_some() {
        24.0
    } else {
        14.0
    };
    a.h / 2.0 + a.below + base + b.above + b.h / 2.0
}

/// Moves a layer's vertices as near `want` as order and spacing allow:
/// the mean of the tightest placement pushed down and the one pushed up.
pub(super) fn pull(layer: &[usize], want: &[f64], vx: &mut [Vx]) {
    let k = layer.len();
    let mut down = want.to_vec();
    for i in 1..k {
        down[i] = down[i].max(down[i - 1] + sep(&vx[layer[i - 1]], &vx[layer[i]]));
    }
    let mut up = want.to_vec();
    for i in (0..k.saturating_sub(1)).rev() {
        up[i] = up[i].min(up[i + 1] - sep(&vx[layer[i]], &vx[layer[i + 1]]));
    }
    for i in 0..k {
        vx[layer[i]].y = (down[i] + up[i]) / 2.0;
    }
}

/// Tracks in each gap: the vertical runs of one source share a track (a
/// fork), runs of different sources whose spans overlap get different
/// ones.
pub(super) fn assign_tracks(legs: &[(usize, Vec<Leg>)]) -> HashMap<(usize, usize), usize> {
    let mut span: HashMap<(usize, usize), (f64, f64)> = HashMap::new();
    for (_, l) in legs {
        for leg in l {
            if let Leg::J { gap, key, y1, y2 } = *leg {
                let s = span.entry((gap, key)).or_insert((f64::MAX, f64::MIN));
                s.0 = s.0.min(y1.min(y2));
                s.1 = s.1.max(y1.max(y2));
            }
        }
    }
    let mut groups: Vec<((usize, usize), (f64, f64))> = span.into_iter().collect();
    groups.sort_by(|a, b| {
        a.0.0
            .cmp(&b.0.0)
            .then(a.1.0.total_cmp(&b.1.0))
            .then(a.0.1.cmp(&b.0.1))
    });
    let mut out = HashMap::new();
    let mut used: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut gap = usize::MAX;
    for ((g, key), (lo, hi)) in groups {
        if g != gap {
            gap = g;
            used.clear();
        }
        let free = used
            .iter()
            .position(|t| t.iter().all(|&(a, b)| b + 2.0 < lo || hi + 2.0 < a));
        let t = match free {
            Some(t) => t,
            None => {
                used.push(Vec::new());
                used.len() - 1
            }
        };
        used[t].push((lo, hi));
        out.insert((g, key), t);
    }
    out
}

/// Drops repeated points and points in the middle of a straight run.
pub(super) fn simplify(p: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(p.len());
    for q in p {
        if out
            .last()
            .is_some_and(|l| (l.x - q.x).abs() < 0.5 && (l.y - q.y).abs() < 0.5)
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let straight = ((a.x - b.x).abs() < 0.5 && (b.x - q.x).abs() < 0.5)
                || ((a.y - b.y).abs() < 0.5 && (b.y - q.y).abs() < 0.5);
            if straight {
                out.pop();
            }
        }
        out.push(q);
    }
    out
}

/// Shifts everything so the drawing starts at (40, 50): positive DI
/// coordinates with room for the labels above and left.
pub(super) fn normalize(bounds: &mut [Option<Bounds>], routes: &mut [Vec<Point>]) {
    let (mut mx, mut my) = (f64::MAX, f64::MAX);
    for b in bounds.iter().flatten() {
        mx = mx.min(b.x);
        my = my.min(b.y);
    }
    for p in routes.iter().flatten() {
        mx = mx.min(p.x);
        my = my.min(p.y);
    }
    if mx == f64::MAX {
        return;
    }
    let (dx, dy) = ((40.0 - mx).round(), (50.0 - my).round());
    for b in bounds.iter_mut().flatten() {
        b.x += dx;
        b.y += dy;
    }
    for p in routes.iter_mut().flatten() {
        p.x += dx;
        p.y += dy;
    }
}
