//! Layout, flowchart SVG and the step list.

use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use yangguang_process::layout::layout;
use yangguang_process::parse::parse;
use yangguang_process::steps::steps;
use yangguang_process::svg::{View, render};
use yangguang_process::{Bounds, Candidate, Definition, Flow, Limit, Node, NodeKind, Point};

const LICENSING: &str = include_str!("../fixtures/licensing.bpmn");
const PENALTY: &str = include_str!("../fixtures/penalty.bpmn");

// ---- definitions by hand -------------------------------------------------

fn node(id: &str, name: &str, kind: NodeKind) -> Node {
    Node {
        id: id.into(),
        name: name.into(),
        kind,
        bounds: None,
    }
}
fn start(id: &str) -> Node {
    node(id, "申请", NodeKind::Start)
}
fn end(id: &str, name: &str) -> Node {
    node(id, name, NodeKind::End)
}
fn post(id: &str, name: &str, post: &str) -> Node {
    node(
        id,
        name,
        NodeKind::UserTask {
            candidate: Candidate::Post(post.into()),
        },
    )
}
fn role(id: &str, name: &str, role: &str) -> Node {
    node(
        id,
        name,
        NodeKind::UserTask {
            candidate: Candidate::Role(role.into()),
        },
    )
}
fn timer(id: &str, on: &str, days: u32, working: bool) -> Node {
    node(
        id,
        "",
        NodeKind::BoundaryTimer {
            attached_to: on.into(),
            limit: Limit { days, working },
            interrupting: true,
        },
    )
}
fn flow(id: &str, s: &str, t: &str, name: &str) -> Flow {
    Flow {
        id: id.into(),
        source: s.into(),
        target: t.into(),
        name: name.into(),
        condition: None,
        waypoints: vec![],
    }
}
fn def(id: &str, name: &str, nodes: Vec<Node>, flows: Vec<Flow>) -> Definition {
    Definition {
        id: id.into(),
        name: name.into(),
        nodes,
        flows,
    }
}

fn linear() -> Definition {
    def(
        "linear",
        "简易程序",
        vec![
            start("s"),
            post("a", "收件登记", "综合受理窗口岗"),
            role("b", "审核", "division_head"),
            end("e", "办结"),
        ],
        vec![
            flow("f1", "s", "a", ""),
            flow("f2", "a", "b", ""),
            flow("f3", "b", "e", ""),
        ],
    )
}

/// An exclusive gateway whose missing-materials branch loops back.
fn looping() -> Definition {
    let mut missing = flow("f_missing", "gw", "notify", "材料不齐");
    missing.condition = Some("${!complete}".into());
    def(
        "looping",
        "许可受理",
        vec![
            start("s"),
            post("check", "受理审查", "行政许可窗口岗"),
            node(
                "gw",
                "材料是否齐全",
                NodeKind::Exclusive {
                    default: Some("f_ok".into()),
                },
            ),
            post("accept", "受理", "行政许可窗口岗"),
            post("notify", "一次告知补正", "行政许可窗口岗"),
            role("decide", "作出决定", "deputy_leader"),
            end("e", "办结"),
        ],
        vec![
            flow("f1", "s", "check", ""),
            flow("f2", "check", "gw", ""),
            flow("f_ok", "gw", "accept", "材料齐全"),
            missing,
            flow("f_back", "notify", "check", "补正后"),
            flow("f3", "accept", "decide", ""),
            flow("f4", "decide", "e", ""),
        ],
    )
}

/// A parallel split whose branches differ in length (a long flow).
fn parallel() -> Definition {
    def(
        "parallel",
        "联合审查",
        vec![
            start("s"),
            post("t0", "受理", "行政许可窗口岗"),
            node("split", "", NodeKind::Parallel),
            role("a", "消防审查", "staff"),
            role("b", "现场核查", "staff"),
            role("b2", "专家评审", "office"),
            node("join", "", NodeKind::Parallel),
            role("d", "作出决定", "principal_leader"),
            end("e", "办结"),
        ],
        vec![
            flow("f1", "s", "t0", ""),
            flow("f2", "t0", "split", ""),
            flow("f3", "split", "a", ""),
            flow("f4", "split", "b", ""),
            flow("f5", "b", "b2", ""),
            flow("f6", "a", "join", ""),
            flow("f7", "b2", "join", ""),
            flow("f8", "join", "d", ""),
            flow("f9", "d", "e", ""),
        ],
    )
}

/// A boundary timer (90 calendar days) leading to an escalation, and a
/// call of the collective decision.
fn timed() -> Definition {
    def(
        "timed",
        "处罚立案",
        vec![
            start("s"),
            role("t", "立案审批", "staff"),
            node("meet", "集体讨论决定", NodeKind::CallDecision),
            end("e1", "结案"),
            role("esc", "超期督办", "supervisor"),
            end("e2", "督办结束"),
            timer("tm", "t", 90, false),
        ],
        vec![
            flow("f1", "s", "t", ""),
            flow("f2", "t", "meet", ""),
            flow("f3", "meet", "e1", ""),
            flow("f4", "tm", "esc", "超期"),
            flow("f5", "esc", "e2", ""),
        ],
    )
}

fn without_di(mut d: Definition) -> Definition {
    for n in &mut d.nodes {
        n.bounds = None;
    }
    for f in &mut d.flows {
        f.waypoints.clear();
    }
    d
}

fn fixture(xml: &str) -> Definition {
    match parse(xml) {
        Ok(d) => d,
        Err(e) => panic!("fixture does not parse: {e}"),
    }
}

/// Every hand-made definition and both fixtures stripped of their DI.
fn undrawn() -> Vec<Definition> {
    vec![
        linear(),
        looping(),
        parallel(),
        timed(),
        without_di(fixture(LICENSING)),
        without_di(fixture(PENALTY)),
    ]
}

// ---- geometry helpers ----------------------------------------------------

fn b(n: &Node) -> Bounds {
    n.bounds.unwrap_or_else(|| panic!("{} has no bounds", n.id))
}
fn by_id<'a>(d: &'a Definition, id: &str) -> &'a Node {
    d.node(id).unwrap_or_else(|| panic!("no node {id}"))
}
fn is_timer(n: &Node) -> bool {
    matches!(n.kind, NodeKind::BoundaryTimer { .. })
}
fn host(n: &Node) -> Option<&str> {
    match &n.kind {
        NodeKind::BoundaryTimer { attached_to, .. } => Some(attached_to),
        _ => None,
    }
}
fn overlap(a: Bounds, c: Bounds) -> bool {
    a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height && c.y < a.y + a.height
}
/// Whether an axis-parallel segment passes through the inside of `r`.
fn crosses(p: Point, q: Point, r: Bounds) -> bool {
    let (x0, x1, y0, y1) = (p.x.min(q.x), p.x.max(q.x), p.y.min(q.y), p.y.max(q.y));
    let (l, rt, t, bt) = (
        r.x + 1.0,
        r.x + r.width - 1.0,
        r.y + 1.0,
        r.y + r.height - 1.0,
    );
    x0 < rt && x1 > l && y0 < bt && y1 > t
}
fn on_border(p: Point, r: Bounds) -> bool {
    let inside = p.x >= r.x - 0.5
        && p.x <= r.x + r.width + 0.5
        && p.y >= r.y - 0.5
        && p.y <= r.y + r.height + 0.5;
    let (cx, cy) = (r.x + r.width / 2.0, r.y + r.height / 2.0);
    // A diamond's or circle's border lies inside its box: accept points
    // on the box edge or at most half the box from the centre.
    let edge = (p.x - r.x).abs() < 0.5
        || (p.x - r.x - r.width).abs() < 0.5
        || (p.y - r.y).abs() < 0.5
        || (p.y - r.y - r.height).abs() < 0.5;
    inside
        && (edge || ((p.x - cx).powi(2) + (p.y - cy).powi(2)).sqrt() >= r.width.min(r.height) * 0.3)
}

// ---- layout --------------------------------------------------------------

#[test]
fn layout_gives_every_node_bounds_and_every_flow_an_orthogonal_route_between_its_shapes() {
    for d in undrawn() {
        let l = layout(&d);
        assert_eq!(l.nodes.len(), d.nodes.len());
        for n in &l.nodes {
            assert!(n.bounds.is_some(), "{}: {} has no bounds", d.id, n.id);
        }
        for f in &l.flows {
            let w = &f.waypoints;
            assert!(
                w.len() >= 2,
                "{}: flow {} has {} waypoints",
                d.id,
                f.id,
                w.len()
            );
            for s in w.windows(2) {
                assert!(
                    s[0].x == s[1].x || s[0].y == s[1].y,
                    "{}: flow {} has a slanted segment",
                    d.id,
                    f.id
                );
            }
            let (src, dst) = (b(by_id(&l, &f.source)), b(by_id(&l, &f.target)));
            assert!(
                on_border(w[0], src),
                "{}: flow {} does not start on {}",
                d.id,
                f.id,
                f.source
            );
            assert!(
                on_border(w[w.len() - 1], dst),
                "{}: flow {} does not end on {}",
                d.id,
                f.id,
                f.target
            );
        }
    }
}

#[test]
fn layout_boxes_do_not_overlap_and_flows_do_not_pass_through_other_boxes() {
    for d in undrawn() {
        let l = layout(&d);
        for (i, a) in l.nodes.iter().enumerate() {
            for c in &l.nodes[i + 1..] {
                let attached = host(a) == Some(c.id.as_str()) || host(c) == Some(a.id.as_str());
                if !attached {
                    assert!(!overlap(b(a), b(c)), "{}: {} overlaps {}", d.id, a.id, c.id);
                }
            }
        }
        for f in &l.flows {
            let src = by_id(&l, &f.source);
            let ends = [
                f.source.as_str(),
                f.target.as_str(),
                host(src).unwrap_or(""),
            ];
            for n in l.nodes.iter().filter(|n| !ends.contains(&n.id.as_str())) {
                for s in f.waypoints.windows(2) {
                    assert!(
                        !crosses(s[0], s[1], b(n)),
                        "{}: flow {} passes through {}",
                        d.id,
                        f.id,
                        n.id
                    );
                }
            }
        }
    }
}

#[test]
fn layout_layers_run_left_to_right_from_start_to_end() {
    for d in [linear(), looping(), parallel()] {
        let l = layout(&d);
        let s = b(by_id(&l, "s"));
        let e = b(by_id(&l, "e"));
        for n in l
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::UserTask { .. }))
        {
            assert!(
                s.x + s.width < b(n).x,
                "{}: start not left of {}",
                d.id,
                n.id
            );
            assert!(
                b(n).x + b(n).width < e.x,
                "{}: end not right of {}",
                d.id,
                n.id
            );
        }
    }
    // Along a path each step is further right than the one before.
    let l = layout(&parallel());
    let x = |id: &str| b(by_id(&l, id)).x;
    assert!(x("t0") < x("split") && x("split") < x("b") && x("b") < x("b2") && x("b2") < x("join"));
    assert_eq!(x("a"), x("b"), "the branches' first tasks share a layer");
}

#[test]
fn layout_stacks_gateway_branches_and_keeps_a_straight_main_line() {
    let l = layout(&linear());
    let cy = |id: &str| {
        let r = b(by_id(&l, id));
        r.y + r.height / 2.0
    };
    assert_eq!((cy("s"), cy("a"), cy("b")), (cy("e"), cy("e"), cy("e")));
    let l = layout(&looping());
    let (acc, note) = (b(by_id(&l, "accept")), b(by_id(&l, "notify")));
    assert_eq!(
        acc.x, note.x,
        "both branches in the layer after the gateway"
    );
    assert!(
        acc.y + acc.height < note.y,
        "the looping branch goes below the main one"
    );
}

#[test]
fn layout_routes_a_loop_back_below_every_node() {
    let l = layout(&looping());
    let back = l
        .flows
        .iter()
        .find(|f| f.id == "f_back")
        .map(|f| f.waypoints.clone())
        .unwrap_or_default();
    let lowest = back.iter().map(|p| p.y).fold(f64::MIN, f64::max);
    let bottom = l
        .nodes
        .iter()
        .map(|n| b(n).y + b(n).height)
        .fold(f64::MIN, f64::max);
    assert!(lowest > bottom, "loop at {lowest}, nodes reach {bottom}");
    let check = b(by_id(&l, "check"));
    let last = back[back.len() - 1];
    assert_eq!(last.x, check.x, "the loop enters the check from the left");
}

#[test]
fn layout_puts_a_boundary_timer_on_its_tasks_bottom_border() {
    let l = layout(&timed());
    let (t, tm) = (b(by_id(&l, "t")), b(by_id(&l, "tm")));
    assert_eq!((tm.width, tm.height), (36.0, 36.0));
    assert_eq!(
        tm.y + tm.height / 2.0,
        t.y + t.height,
        "centred on the bottom border"
    );
    assert!(tm.x >= t.x && tm.x + tm.width <= t.x + t.width);
    let esc = b(by_id(&l, "esc"));
    assert!(
        esc.x > t.x + t.width,
        "the escalation comes after the timed task"
    );
}

#[test]
fn layout_keeps_an_existing_diagram_as_drawn() {
    let d = fixture(LICENSING);
    assert_eq!(layout(&d), d);
    // A drawn definition missing a timer's shape and one flow's route:
    // only those are filled in.
    let mut drawn = layout(&timed());
    for n in &mut drawn.nodes {
        if let Some(r) = &mut n.bounds {
            r.x += 1000.0; // unlike anything the layout would choose
        }
    }
    for f in &mut drawn.flows {
        for p in &mut f.waypoints {
            p.x += 1000.0;
        }
    }
    let mut partial = drawn.clone();
    partial
        .nodes
        .iter_mut()
        .filter(|n| n.id == "tm")
        .for_each(|n| n.bounds = None);
    partial
        .flows
        .iter_mut()
        .filter(|f| f.id == "f2")
        .for_each(|f| f.waypoints.clear());
    let l = layout(&partial);
    for (n, m) in l.nodes.iter().zip(&drawn.nodes) {
        if n.id != "tm" {
            assert_eq!(n.bounds, m.bounds, "{} moved", n.id);
        }
    }
    let t = b(by_id(&l, "t"));
    let tm = b(by_id(&l, "tm"));
    assert_eq!(tm.y + tm.height / 2.0, t.y + t.height);
    for (f, g) in l.flows.iter().zip(&drawn.flows) {
        if f.id == "f2" {
            assert!(f.waypoints.len() >= 2);
        } else {
            assert_eq!(f.waypoints, g.waypoints, "{} rerouted", f.id);
        }
    }
}

#[test]
fn layout_is_deterministic() {
    for d in undrawn() {
        assert_eq!(layout(&d), layout(&d.clone()), "{}", d.id);
        assert_eq!(render(&d, &View::default()), render(&d, &View::default()));
    }
}

// ---- SVG -----------------------------------------------------------------

/// An element of the parsed SVG with the text of all its descendants.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }
    fn all(&self) -> Vec<&El> {
        let mut v = vec![self];
        for c in &self.children {
            v.extend(c.all());
        }
        v
    }
    fn find(&self, id: &str) -> &El {
        match self.all().into_iter().find(|e| e.attr("id") == Some(id)) {
            Some(e) => e,
            None => panic!("no element #{id}"),
        }
    }
    fn first(&self, name: &str) -> Option<&El> {
        self.all().into_iter().find(|e| e.name == name)
    }
}

/// Parses the whole document with quick-xml, to the end: panics on any
/// well-formedness error.
fn xml(svg: &str) -> El {
    let mut r = Reader::from_str(svg);
    let mut stack: Vec<El> = vec![El::default()];
    loop {
        let ev = match r.read_event() {
            Ok(ev) => ev,
            Err(e) => panic!("not well-formed at {}: {e}", r.error_position()),
        };
        let text = |stack: &mut Vec<El>, t: &str| {
            for e in stack.iter_mut().skip(1) {
                e.text.push_str(t);
            }
        };
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let mut el = El {
                    name: s.name().into_inner().to_string(),
                    ..El::default()
                };
                for a in s.attributes() {
                    let a = a.unwrap_or_else(|e| panic!("bad attribute: {e}"));
                    let v = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .unwrap_or_else(|e| panic!("{e}"));
                    el.attrs
                        .push((a.key.into_inner().to_string(), v.into_owned()));
                }
                if matches!(ev, Event::Start(_)) {
                    stack.push(el);
                } else if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(top) => top.children.push(el),
                    None => panic!("unbalanced end tag"),
                }
            }
            Event::Text(t) => text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => resolve_predefined_entity(&g.into_inner())
                        .unwrap_or_else(|| panic!("unknown entity"))
                        .into(),
                };
                text(&mut stack, &c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut doc = stack.pop().unwrap_or_default();
    assert_eq!(doc.children.len(), 1, "exactly one root element");
    doc.children.pop().unwrap_or_default()
}

fn step_names(d: &Definition) -> Vec<String> {
    steps(d).into_iter().map(|s| s.name).collect()
}

#[test]
fn svg_is_well_formed_with_role_title_and_a_desc_naming_every_step() {
    let mut all = undrawn();
    all.push(fixture(LICENSING));
    all.push(fixture(PENALTY));
    for d in all {
        let svg = render(&d, &View::default());
        let root = xml(&svg);
        assert_eq!(root.name, "svg");
        assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
        assert_eq!(root.attr("role"), Some("img"));
        let labelled = root.attr("aria-labelledby").unwrap_or_default();
        let ids: Vec<&str> = labelled.split(' ').collect();
        assert_eq!(ids.len(), 2, "labelled by the title and the desc");
        assert_eq!(root.find(ids[0]).name, "title");
        assert_eq!(root.find(ids[0]).text, d.name);
        let desc = root.find(ids[1]);
        assert_eq!(desc.name, "desc");
        for name in step_names(&d) {
            assert!(desc.text.contains(&name), "{}: desc lacks {name}", d.id);
        }
        assert!(!svg.contains("<script") && !svg.contains("<style") && !svg.contains("@import"));
    }
}

#[test]
fn svg_shows_every_task_name_in_its_box_wrapped_not_elided() {
    let mut d = linear();
    let long = "对申请人提交的全部申请材料进行实质审查并形成书面审查意见";
    d.nodes[2].name = long.into();
    for d in [
        d,
        fixture(LICENSING),
        fixture(PENALTY),
        without_di(fixture(PENALTY)),
    ] {
        let svg = render(
            &d,
            &View {
                prefix: Some("c".into()),
                ..View::default()
            },
        );
        assert!(!svg.contains('…') && !svg.contains("..."));
        let root = xml(&svg);
        for n in d
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::UserTask { .. } | NodeKind::CallDecision))
        {
            let g = root.find(&format!("c-n-{}", n.id));
            let text = g.first("text").map(|t| t.text.clone()).unwrap_or_default();
            assert_eq!(text, n.name, "{}: name of {} not drawn whole", d.id, n.id);
        }
    }
    let svg = render(&linear_with(long), &View::default());
    let root = xml(&svg);
    let t = root
        .find("yg-linear-n-b")
        .first("text")
        .map(|t| t.children.len())
        .unwrap_or(0);
    assert!(t >= 4, "the long name is wrapped onto {t} lines");
}

fn linear_with(name: &str) -> Definition {
    let mut d = linear();
    d.nodes[2].name = name.into();
    d
}

#[test]
fn svg_highlights_the_current_step_in_words_and_dates_the_done_one() {
    let view = View {
        current: vec!["accept".into()],
        done: vec![("check".into(), "2026-03-02".into())],
        ..View::default()
    };
    let svg = render(&looping(), &view);
    let root = xml(&svg);
    let cur = root.find("yg-looping-n-accept");
    assert_eq!(cur.attr("class"), Some("current"));
    assert!(cur.text.contains("当前"), "the word, not colour alone");
    let rect = cur
        .first("rect")
        .map(|r| (r.attr("stroke"), r.attr("stroke-width")));
    assert_eq!(rect, Some((Some("#b34d00"), Some("4"))));
    let done = root.find("yg-looping-n-check");
    assert_eq!(done.attr("class"), Some("done"));
    assert!(done.text.contains("2026-03-02"));
    assert!(!done.text.contains("当前"));
    assert_ne!(
        done.first("rect").and_then(|r| r.attr("fill")),
        Some("#fff")
    );
    let plain = root.find("yg-looping-n-decide");
    assert_eq!(plain.attr("class"), None);
    assert_eq!(
        plain.first("rect").and_then(|r| r.attr("fill")),
        Some("#fff")
    );
    let desc = root
        .first("desc")
        .map(|d| d.text.clone())
        .unwrap_or_default();
    assert!(
        desc.contains("受理（岗位：行政许可窗口岗），当前步骤"),
        "{desc}"
    );
    assert!(
        desc.contains("受理审查（岗位：行政许可窗口岗），已办（2026-03-02）"),
        "{desc}"
    );
    // Nothing marked without a view.
    let plain_svg = render(&looping(), &View::default());
    assert!(!plain_svg.contains("当前"));
}

#[test]
fn svg_ids_are_unique_prefixed_and_resolve() {
    let d = fixture(PENALTY);
    let one = render(
        &d,
        &View {
            prefix: Some("case1".into()),
            ..View::default()
        },
    );
    let two = render(
        &d,
        &View {
            prefix: Some("case2".into()),
            ..View::default()
        },
    );
    let ids = |svg: &str| -> Vec<String> {
        xml(svg)
            .all()
            .iter()
            .filter_map(|e| e.attr("id").map(String::from))
            .collect()
    };
    let (a, c) = (ids(&one), ids(&two));
    let set: HashSet<&String> = a.iter().collect();
    assert_eq!(set.len(), a.len(), "ids repeat within one chart");
    assert!(a.iter().all(|i| i.starts_with("case1-")), "{a:?}");
    assert!(
        a.iter().all(|i| !c.contains(i)),
        "two charts on one page share an id"
    );
    // Every url(#…) reference points at an element of the same chart.
    for part in one.split("url(#").skip(1) {
        let id = part.split(')').next().unwrap_or_default();
        assert!(set.contains(&id.to_string()), "dangling reference #{id}");
    }
    // Without a prefix the process id is used.
    assert!(render(&d, &View::default()).contains(r#"id="yg-penalty-t""#));
}

#[test]
fn svg_escapes_all_text() {
    let mut d = linear();
    d.name = "A&B <流程>".into();
    d.nodes[1].name = "审查<&>材料".into();
    d.flows[1].name = "\"同意\" & 'ok'".into();
    let view = View {
        done: vec![("a".into(), "2026-03-02<".into())],
        ..View::default()
    };
    let svg = render(&d, &view);
    assert!(svg.contains("审查&lt;&amp;&gt;材料"));
    assert!(!svg.contains("<&>") && !svg.contains("<流程>"));
    let root = xml(&svg);
    assert_eq!(
        root.first("title").map(|t| t.text.as_str()),
        Some("A&B <流程>")
    );
    let a = root.find("yg-linear-n-a");
    assert_eq!(
        a.first("text").map(|t| t.text.as_str()),
        Some("审查<&>材料")
    );
    assert!(a.text.contains("2026-03-02<"));
    assert!(root.text.contains("\"同意\" & 'ok'"));
}

#[test]
fn svg_draws_bpmn_shapes_and_flow_labels() {
    let root = xml(&render(&looping(), &View::default()));
    let g = |id: &str| root.find(&format!("yg-looping-n-{id}"));
    let sw = |e: &El, tag: &str| {
        e.first(tag)
            .and_then(|c| c.attr("stroke-width"))
            .map(String::from)
    };
    assert_eq!(sw(g("s"), "circle").as_deref(), Some("1.5"), "thin start");
    assert_eq!(sw(g("e"), "circle").as_deref(), Some("4"), "thick end");
    assert_eq!(
        g("check").first("rect").and_then(|r| r.attr("rx")),
        Some("10"),
        "rounded task"
    );
    assert!(g("gw").text.contains("材料是否齐全"));
    assert!(g("gw").children.len() >= 3, "diamond, ×, name");
    assert!(
        root.text.contains("材料齐全")
            && root.text.contains("材料不齐")
            && root.text.contains("补正后")
    );
    let timed = xml(&render(&timed(), &View::default()));
    let meet = timed.find("yg-timed-n-meet");
    assert_eq!(
        sw(meet, "rect").as_deref(),
        Some("3.5"),
        "thick border for the call"
    );
    let tm = timed.find("yg-timed-n-tm");
    assert!(
        tm.all().iter().filter(|e| e.name == "circle").count() >= 3,
        "double circle and clock"
    );
    assert!(tm.text.contains("90日"));
}

#[test]
fn svg_of_the_penalty_fixture_is_small() {
    let d = fixture(PENALTY);
    let view = View {
        current: vec!["inform".into()],
        done: vec![("register".into(), "2026-03-02".into())],
        ..View::default()
    };
    let svg = render(&d, &view);
    assert!(svg.len() < 24_000, "{} bytes", svg.len());
}

// ---- steps ---------------------------------------------------------------

#[test]
fn steps_say_who_by_post_role_or_collective_decision() {
    let s = steps(&timed());
    let who: Vec<(&str, &str)> = s.iter().map(|s| (s.id.as_str(), s.who.as_str())).collect();
    assert_eq!(
        who,
        vec![
            ("t", "角色：工作人员"),
            ("meet", "集体决策（三重一大会议）"),
            ("esc", "角色：监察室"),
            ("e1", ""),
            ("e2", ""),
        ]
    );
    let l = steps(&looping());
    assert_eq!(l[0].who, "岗位：行政许可窗口岗");
    let roles: Vec<String> = steps(&parallel()).into_iter().map(|s| s.who).collect();
    assert!(
        roles.contains(&"角色：办公室".to_string())
            && roles.contains(&"角色：主要领导".to_string())
    );
}

#[test]
fn steps_take_limits_from_boundary_timers() {
    let s = steps(&timed());
    assert_eq!(s[0].limit.as_deref(), Some("90日"));
    assert!(s[1..].iter().all(|s| s.limit.is_none()));
    let lic = steps(&fixture(LICENSING));
    let check = lic
        .iter()
        .find(|s| s.id == "check")
        .map(|s| s.limit.clone());
    assert_eq!(check, Some(Some("5个工作日".into())));
}

#[test]
fn steps_read_breadth_first_with_gateway_branches_as_labelled_next() {
    let s = steps(&looping());
    let ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["check", "accept", "notify", "decide", "e"]);
    assert_eq!(
        s[0].next,
        vec!["材料齐全 → 受理", "材料不齐 → 一次告知补正"]
    );
    assert_eq!(s[2].next, vec!["补正后 → 受理审查"]);
    assert_eq!(s[3].next, vec!["办结"]);
    assert!(s[4].next.is_empty());
    // A timer's flow comes after the task's own, labelled.
    let t = steps(&timed());
    assert_eq!(t[0].next, vec!["集体讨论决定", "超期 → 超期督办"]);
    // Parallel branches are listed in document order.
    let p = steps(&parallel());
    assert_eq!(p[0].next, vec!["消防审查", "现场核查"]);
}

#[test]
fn steps_of_the_licensing_fixture_follow_its_tiers() {
    let s = steps(&fixture(LICENSING));
    let ids: Vec<&str> = s.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids[..3], ["check", "accept", "notify"]);
    assert_eq!(
        s[0].next,
        vec![
            "材料齐全 → 受理",
            "材料不齐 → 一次告知补正",
            "视为受理 → 受理"
        ]
    );
    let accept = &s[1];
    assert_eq!(
        accept.next,
        vec![
            "一般事项 → 窗口审查决定",
            "重要事项 → 许可工作小组集体审查",
            "重大事项 → 局务会议集体决定"
        ]
    );
    let meeting = s
        .iter()
        .find(|s| s.id == "review_meeting")
        .map(|s| s.who.as_str());
    assert_eq!(meeting, Some("集体决策（三重一大会议）"));
    let every: HashSet<&str> = ids.iter().copied().collect();
    for n in fixture(LICENSING).nodes.iter().filter(|n| {
        matches!(
            n.kind,
            NodeKind::UserTask { .. } | NodeKind::CallDecision | NodeKind::End
        )
    }) {
        assert!(
            every.contains(n.id.as_str()),
            "{} missing from the steps",
            n.id
        );
    }
    assert!(
        !ids.iter().any(|i| i.starts_with("gw_")),
        "gateways are not steps"
    );
    assert!(
        !fixture(LICENSING)
            .nodes
            .iter()
            .filter(|n| is_timer(n))
            .any(|n| every.contains(n.id.as_str()))
    );
}
