//! Positions for the chart: every node gets bounds, every flow waypoints.
//!
//! A definition imported with its diagram (DI) keeps it as drawn; only
//! what is missing is filled in (a boundary timer goes on its task's
//! bottom border, a flow without waypoints gets a plain orthogonal
//! route). When any node other than a timer has no bounds, the whole
//! graph is laid out afresh — mixing drawn and computed coordinates
//! would only produce overlaps — in the usual layered way:
//!
//! 1. back edges (loops such as 补正 back to the check) are found by a
//!    depth-first search from the start and left out of the layering;
//! 2. layers are the longest path from the start, left to right; a flow
//!    spanning several layers passes through one placeholder per layer;
//! 3. nodes in a layer are ordered by barycenter sweeps, keeping the
//!    order with the fewest crossings;
//! 4. each node is pulled towards its neighbours' height, keeping order
//!    and spacing, so a main path stays straight;
//! 5. flows are routed orthogonally: the vertical runs sit in the gaps
//!    between layers on separate tracks, loops run below everything.
//!
//! Everything is deterministic: document order breaks every tie.

use std::collections::HashMap;

use crate::model::{Bounds, Definition, NodeKind, Point};
use crate::svg::text;

mod graph;
use graph::{
    Edge, Leg, Vx, assign_tracks, crossings, normalize, pull, sep, set_pos, side, simplify,
    sort_layer,
};

pub const EVENT_SIZE: f64 = 36.0;
pub const TASK_WIDTH: f64 = 100.0;
pub const TASK_HEIGHT: f64 = 80.0;
pub const GATEWAY_SIZE: f64 = 50.0;
/// Horizontal space between layers: a flow label and the vertical runs
/// of the flows crossing it (tracks 12 px apart from 14 px in).
const GAP: f64 = 90.0;
const TRACKS: usize = 5;
/// Narrowest column: the name of an event or gateway (7 em at 12 px,
/// drawn above or below the shape) stays out of the gaps.
pub const LABEL_WIDTH: f64 = 84.0;
/// A loop leaves and enters a shape's side this far below its middle, so
/// it does not share the arrow of the forward flows.
const LOOP_DY: f64 = 15.0;

/// A copy of `def` where every node has bounds and every flow has at
/// least two waypoints (flows naming unknown nodes excepted).
pub fn layout(def: &Definition) -> Definition {
    let mut out = def.clone();
    if out
        .nodes
        .iter()
        .any(|n| n.bounds.is_none() && !is_timer(&n.kind))
    {
        let (bounds, routes) = auto(&out);
        for (n, b) in out.nodes.iter_mut().zip(bounds) {
            n.bounds = b;
        }
        for (f, r) in out.flows.iter_mut().zip(routes) {
            f.waypoints = r;
        }
    } else {
        place_timers(&mut out);
        route_missing(&mut out);
    }
    out
}

/// Whether `def` can be drawn as it is (no layout needed).
pub fn is_complete(def: &Definition) -> bool {
    def.nodes.iter().all(|n| n.bounds.is_some()) && def.flows.iter().all(|f| f.waypoints.len() >= 2)
}

/// The size a node is drawn at: standard BPMN sizes, a task taller when
/// its name needs more lines than 80 px hold even at the smallest font.
pub fn size(kind: &NodeKind, name: &str) -> (f64, f64) {
    match kind {
        NodeKind::Start | NodeKind::End | NodeKind::BoundaryTimer { .. } => {
            (EVENT_SIZE, EVENT_SIZE)
        }
        NodeKind::Exclusive { .. } | NodeKind::Parallel => (GATEWAY_SIZE, GATEWAY_SIZE),
        NodeKind::UserTask { .. } | NodeKind::CallDecision => {
            (TASK_WIDTH, text::fit(name, TASK_WIDTH, TASK_HEIGHT).height)
        }
    }
}

fn is_timer(kind: &NodeKind) -> bool {
    matches!(kind, NodeKind::BoundaryTimer { .. })
}

/// The `slot`-th timer on a task: a circle centred on its bottom border,
/// from the right (the left part stays free for the done date).
fn timer_bounds(host: Bounds, slot: usize) -> Bounds {
    let cx = host.x + host.width - 19.0 - 40.0 * slot as f64;
    Bounds {
        x: cx - EVENT_SIZE / 2.0,
        y: host.y + host.height - EVENT_SIZE / 2.0,
        width: EVENT_SIZE,
        height: EVENT_SIZE,
    }
}

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
}

fn place_timers(def: &mut Definition) {
    let mut slots: HashMap<&str, usize> = HashMap::new();
    let mut place = Vec::new();
    for (i, n) in def.nodes.iter().enumerate() {
        if let NodeKind::BoundaryTimer { attached_to, .. } = &n.kind {
            let slot = slots.entry(attached_to.as_str()).or_insert(0);
            if n.bounds.is_none() {
                let host = def.node(attached_to).and_then(|h| h.bounds);
                let origin = Bounds {
                    x: 0.0,
                    y: 0.0,
                    width: 0.0,
                    height: 0.0,
                };
                place.push((i, timer_bounds(host.unwrap_or(origin), *slot)));
            }
            *slot += 1;
        }
    }
    for (i, b) in place {
        def.nodes[i].bounds = Some(b);
    }
}

/// Routes for the flows a drawn diagram has no waypoints for: right side
/// to left side with one vertical run midway, or below both when the
/// target is not to the right.
fn route_missing(def: &mut Definition) {
    let mut routes = Vec::new();
    for (i, f) in def.flows.iter().enumerate() {
        if f.waypoints.len() >= 2 {
            continue;
        }
        let s = def.node(&f.source).and_then(|n| n.bounds);
        let t = def.node(&f.target).and_then(|n| n.bounds);
        if let (Some(s), Some(t)) = (s, t) {
            routes.push((i, plain_route(s, t)));
        }
    }
    for (i, r) in routes {
        def.flows[i].waypoints = r;
    }
}

fn plain_route(s: Bounds, t: Bounds) -> Vec<Point> {
    let (sx, sy) = (s.x + s.width, s.y + s.height / 2.0);
    let (tx, ty) = (t.x, t.y + t.height / 2.0);
    if tx >= sx + 10.0 {
        if (ty - sy).abs() < 0.5 {
            return vec![pt(sx, sy), pt(tx, sy)];
        }
        let xm = ((sx + tx) / 2.0).round();
        return vec![pt(sx, sy), pt(xm, sy), pt(xm, ty), pt(tx, ty)];
    }
    let yb = (s.y + s.height).max(t.y + t.height) + 30.0;
    let (scx, tcx) = (s.x + s.width / 2.0, t.x + t.width / 2.0);
    vec![
        pt(scx, s.y + s.height),
        pt(scx, yb),
        pt(tcx, yb),
        pt(tcx, t.y + t.height),
    ]
}

fn auto(def: &Definition) -> (Vec<Option<Bounds>>, Vec<Vec<Point>>) {
    let mut timers: HashMap<&str, usize> = HashMap::new();
    for n in &def.nodes {
        if let NodeKind::BoundaryTimer { attached_to, .. } = &n.kind {
            *timers.entry(attached_to.as_str()).or_insert(0) += 1;
        }
    }
    let mut vx: Vec<Vx> = Vec::new();
    let mut of: HashMap<&str, usize> = HashMap::new();
    for (i, n) in def.nodes.iter().enumerate() {
        if is_timer(&n.kind) {
            continue;
        }
        let (w, h) = size(&n.kind, &n.name);
        let (above, below) = match n.kind {
            NodeKind::Exclusive { .. } | NodeKind::Parallel if !n.name.is_empty() => (30.0, 16.0),
            NodeKind::Start | NodeKind::End => (10.0, 30.0),
            _ if timers.contains_key(n.id.as_str()) => (10.0, 34.0),
            _ => (10.0, 16.0),
        };
        of.insert(n.id.as_str(), vx.len());
        vx.push(Vx {
            node: Some(i),
            layer: 0,
            w,
            h,
            above,
            below,
            y: 0.0,
            tie: usize::MAX,
            looped: false,
        });
    }
    let host = |id: &str| -> Option<(usize, Option<usize>)> {
        if let Some(&v) = of.get(id) {
            return Some((v, None));
        }
        let i = def.nodes.iter().position(|n| n.id == id)?;
        match &def.nodes[i].kind {
            NodeKind::BoundaryTimer { attached_to, .. } => {
                of.get(attached_to.as_str()).map(|&v| (v, Some(i)))
            }
            _ => None,
        }
    };
    let mut edges: Vec<Edge> = Vec::new();
    for (fi, f) in def.flows.iter().enumerate() {
        if let (Some((s, timer)), Some((t, _))) = (host(&f.source), host(&f.target)) {
            edges.push(Edge {
                flow: fi,
                s,
                t,
                timer,
                back: false,
                chain: Vec::new(),
            });
        }
    }
    let n = vx.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for (e, ed) in edges.iter().enumerate() {
        out[ed.s].push(e);
        indeg[ed.t] += 1;
    }

    // 1. Back edges: depth-first from the starts, then from any node left.
    let is_start = |v: usize| {
        vx[v]
            .node
            .is_some_and(|i| matches!(def.nodes[i].kind, NodeKind::Start))
    };
    let mut roots: Vec<usize> = (0..n).filter(|&v| is_start(v)).collect();
    roots.extend((0..n).filter(|&v| indeg[v] == 0));
    roots.extend(0..n);
    let mut state = vec![0u8; n];
    let mut disc = vec![0usize; n];
    let mut d = 0;
    for r in roots {
        if state[r] != 0 {
            continue;
        }
        state[r] = 1;
        disc[r] = d;
        d += 1;
        let mut stack = vec![(r, 0usize)];
        while let Some(&(v, k)) = stack.last() {
            if let Some(&e) = out[v].get(k) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let t = edges[e].t;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        disc[t] = d;
                        d += 1;
                        stack.push((t, 0));
                    }
                    1 => edges[e].back = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }

    // 2. Longest-path layers over the forward edges (Kahn's order).
    let mut indeg = vec![0usize; n];
    for ed in edges.iter().filter(|e| !e.back) {
        indeg[ed.t] += 1;
    }
    let mut queue: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    queue.sort_by_key(|&v| disc[v]);
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        for &e in &out[v] {
            if edges[e].back {
                continue;
            }
            let t = edges[e].t;
            vx[t].layer = vx[t].layer.max(vx[v].layer + 1);
            indeg[t] -= 1;
            if indeg[t] == 0 {
                queue.push(t);
            }
        }
    }
    let nflows = def.flows.len();
    for v in 0..n {
        vx[v].tie = nflows + disc[v];
    }
    for ed in &mut edges {
        if ed.back {
            vx[ed.s].looped = true;
            vx[ed.t].looped = true;
            continue;
        }
        ed.chain.push(ed.s);
        for l in vx[ed.s].layer + 1..vx[ed.t].layer {
            ed.chain.push(vx.len());
            vx.push(Vx {
                node: None,
                layer: l,
                w: 0.0,
                h: 0.0,
                above: 0.0,
                below: 0.0,
                y: 0.0,
                tie: ed.flow,
                looped: false,
            });
        }
        ed.chain.push(ed.t);
        let first = ed.chain[1];
        vx[first].tie = vx[first].tie.min(ed.flow);
    }
    let nv = vx.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); nv];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for ed in &edges {
        for w in ed.chain.windows(2) {
            succs[w[0]].push(w[1]);
            preds[w[1]].push(w[0]);
        }
    }

    // 3. Order within layers.
    let maxl = vx.iter().map(|v| v.layer).max().unwrap_or(0);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); maxl + 1];
    for (v, x) in vx.iter().enumerate() {
        layers[x.layer].push(v);
    }
    layers[0].sort_by_key(|&v| (vx[v].looped, disc[v]));
    let mut pos = vec![0.0f64; nv];
    set_pos(&layers[0], &mut pos);
    for layer in layers.iter_mut().skip(1) {
        sort_layer(layer, &preds, &mut pos, &vx);
    }
    let mut best = layers.clone();
    let mut fewest = crossings(&layers, &succs, &pos);
    for _ in 0..3 {
        for down in [false, true] {
            if down {
                for layer in layers.iter_mut().skip(1) {
                    sort_layer(layer, &preds, &mut pos, &vx);
                }
            } else {
                for layer in layers[..maxl].iter_mut().rev() {
                    sort_layer(layer, &succs, &mut pos, &vx);
                }
            }
            let c = crossings(&layers, &succs, &pos);
            if c < fewest {
                fewest = c;
                best = layers.clone();
            }
        }
    }
    let layers = best;

    // 4. Heights: stacked and centred, then pulled towards the neighbours.
    for layer in &layers {
        let mut y = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                y += sep(&vx[layer[i - 1]], &vx[v]);
            }
            vx[v].y = y;
        }
        let mid = y / 2.0;
        for &v in layer {
            vx[v].y -= mid;
        }
    }
    for round in 0..6 {
        let down = round % 2 == 0;
        let order: Vec<usize> = if down {
            (1..=maxl).collect()
        } else {
            (0..maxl).rev().collect()
        };
        for l in order {
            let nb = if down { &preds } else { &succs };
            let want: Vec<f64> = layers[l]
                .iter()
                .map(|&v| match nb[v].len() {
                    0 => vx[v].y,
                    k => nb[v].iter().map(|&u| vx[u].y).sum::<f64>() / k as f64,
                })
                .collect();
            pull(&layers[l], &want, &mut vx);
        }
    }
    for v in &mut vx {
        v.y = v.y.round();
    }

    // Columns.
    let colw: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&v| vx[v].w).fold(LABEL_WIDTH, f64::max))
        .collect();
    let mut colx = Vec::with_capacity(colw.len());
    let mut x = 0.0;
    for w in &colw {
        colx.push(x);
        x += w + GAP;
    }
    let left = |v: usize| colx[vx[v].layer] + (colw[vx[v].layer] - vx[v].w) / 2.0;
    let right = |v: usize| left(v) + vx[v].w;
    let gap_x = |k: usize| {
        if k == 0 {
            colx[0] - GAP
        } else {
            colx[k - 1] + colw[k - 1]
        }
    };

    let mut bounds: Vec<Option<Bounds>> = vec![None; def.nodes.len()];
    for (v, x) in vx.iter().enumerate() {
        if let Some(i) = x.node {
            bounds[i] = Some(Bounds {
                x: left(v),
                y: x.y - x.h / 2.0,
                width: x.w,
                height: x.h,
            });
        }
    }
    let mut slots: HashMap<&str, usize> = HashMap::new();
    for (i, n) in def.nodes.iter().enumerate() {
        if let NodeKind::BoundaryTimer { attached_to, .. } = &n.kind {
            let slot = slots.entry(attached_to.as_str()).or_insert(0);
            let hb = of
                .get(attached_to.as_str())
                .and_then(|&v| vx[v].node)
                .and_then(|h| bounds[h]);
            let origin = Bounds {
                x: 0.0,
                y: 0.0,
                width: 0.0,
                height: 0.0,
            };
            bounds[i] = Some(timer_bounds(hb.unwrap_or(origin), *slot));
            *slot += 1;
        }
    }

    // 5. Routes. Loops get lanes below everything, the shortest highest.
    let bottom = vx
        .iter()
        .map(|v| v.y + v.h / 2.0 + v.below)
        .fold(f64::MIN, f64::max);
    let mut loops: Vec<usize> = (0..edges.len()).filter(|&e| edges[e].back).collect();
    loops.sort_by_key(|&e| (vx[edges[e].s].layer - vx[edges[e].t].layer, edges[e].flow));
    let mut lane = vec![0.0; edges.len()];
    for (k, &e) in loops.iter().enumerate() {
        lane[e] = bottom + 24.0 + 14.0 * k as f64;
    }
    let mut legs: Vec<(usize, Vec<Leg>)> = Vec::with_capacity(edges.len());
    for (e, ed) in edges.iter().enumerate() {
        let (start, mut key) = match ed.timer.and_then(|t| bounds[t]) {
            Some(b) => (
                (b.x + b.width, b.y + b.height / 2.0),
                3 * ed.timer.unwrap_or(0) + 1,
            ),
            None if ed.back => (side(def, &vx[ed.s], right(ed.s), 1.0), 3 * ed.s),
            None => ((right(ed.s), vx[ed.s].y), 3 * ed.s),
        };
        let mut l = vec![Leg::P(start.0, start.1)];
        let mut y = start.1;
        if ed.back {
            let key = 3 * e + 2;
            let end = side(def, &vx[ed.t], left(ed.t), -1.0);
            l.push(Leg::J {
                gap: vx[ed.s].layer + 1,
                key,
                y1: y,
                y2: lane[e],
            });
            l.push(Leg::J {
                gap: vx[ed.t].layer,
                key,
                y1: lane[e],
                y2: end.1,
            });
            l.push(Leg::P(end.0, end.1));
        } else {
            for w in ed.chain.windows(2) {
                let (a, b) = (w[0], w[1]);
                if vx[a].node.is_none() {
                    l.push(Leg::P(right(a), vx[a].y));
                }
                if vx[b].y != y {
                    l.push(Leg::J {
                        gap: vx[a].layer + 1,
                        key,
                        y1: y,
                        y2: vx[b].y,
                    });
                }
                l.push(Leg::P(left(b), vx[b].y));
                y = vx[b].y;
                key = 3 * b;
            }
        }
        legs.push((ed.flow, l));
    }
    let tracks = assign_tracks(&legs);
    let mut routes: Vec<Vec<Point>> = vec![Vec::new(); def.flows.len()];
    for (flow, l) in legs {
        let mut p = Vec::with_capacity(l.len() * 2);
        for leg in l {
            match leg {
                Leg::P(x, y) => p.push(pt(x, y)),
                Leg::J { gap, key, y1, y2 } => {
                    let t = tracks.get(&(gap, key)).copied().unwrap_or(0) % TRACKS;
                    let xm = gap_x(gap) + 14.0 + 12.0 * t as f64;
                    p.push(pt(xm, y1));
                    p.push(pt(xm, y2));
                }
            }
        }
        routes[flow] = simplify(p);
    }
    normalize(&mut bounds, &mut routes);
    (bounds, routes)
}
