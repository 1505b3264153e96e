//! 网上会办 through the store, on SQLite and PostgreSQL: an incoming
//! document from receipt to 办结 and an outgoing one from draft to 核发,
//! with each refusal of RULES.md §6 writing nothing.

mod common;

use common::*;
use yangguang_docflow::acts::{self, Act, Registration};
use yangguang_docflow::inbox::Tab;
use yangguang_docflow::incoming::{self, NewIncoming};
use yangguang_docflow::model::{Status, TaskStep};
use yangguang_docflow::outgoing::{self, NewOutgoing};
use yangguang_docflow::rules::{DocType, Secrecy, Urgency};
use yangguang_docflow::{docacts, inbox, store};
use yangguang_kernel::audit;
use yangguang_kernel::db::{query, query_scalar};
use yangguang_kernel::{Error, Kernel};

fn registration() -> Registration {
    Registration {
        source_org: "江苏省安全生产监督管理局".into(),
        source_no: "苏安监〔2026〕101号".into(),
        secrecy: Secrecy::None,
        secrecy_years: None,
        urgency: Urgency::Normal,
        copies: 2,
        received_on: TODAY,
    }
}

async fn receive(k: &Kernel, title: &str) -> i64 {
    incoming::receive(
        k,
        NOW,
        &who(k, "liu").await,
        NewIncoming {
            title: title.into(),
            summary: "请各地开展隐患排查".into(),
            reg: registration(),
            paper: false,
            major: false,
            deputy: "li".into(),
            files: Vec::new(),
        },
    )
    .await
    .expect("receive")
}

/// Received, approved, registered: waiting for 初审 and routing.
async fn registered(k: &Kernel, title: &str) -> i64 {
    let id = receive(k, title).await;
    work(k, "li", id, TaskStep::Approve, Act::Approve(agree())).await;
    work(
        k,
        "zhou",
        id,
        TaskStep::Register,
        Act::Register(registration()),
    )
    .await;
    id
}

#[tokio::test]
async fn incoming_document_goes_from_receipt_to_closure_with_lead_and_co_divisions() {
    for (be, k) in setup("docflow-incoming").await {
        let id = receive(&k, "关于开展安全生产大检查的通知").await;
        assert_eq!(
            store::doc(&k, id).await.unwrap().status,
            Status::Requested,
            "{be}"
        );
        // The deputy in charge approves online handling.
        let t = task_of(&k, "li", id, TaskStep::Approve).await;
        let li = who(&k, "li").await;
        // A task must be confirmed (签收) before it is worked.
        let before = writes(&k).await;
        let e = acts::act(&k, NOW, &li, t.id, Act::Approve(agree()))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("请先签收"), "{be}: {e}");
        assert_eq!(writes(&k).await, before, "{be}");
        acts::claim(&k, NOW, &li, t.id).await.unwrap();
        acts::act(&k, NOW, &li, t.id, Act::Approve(agree()))
            .await
            .unwrap();
        // The office registers it: 收〔2026〕1号.
        work(
            &k,
            "zhou",
            id,
            TaskStep::Register,
            Act::Register(registration()),
        )
        .await;
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.reg_no().as_deref(), Some("收〔2026〕1号"), "{be}");
        assert_eq!(d.status, Status::Registered);
        // Routed to 政策法规处 (lead) and 监督检查处 (co), 10 working days.
        let (zc, jc) = (division(&k, "zcfgc").await, division(&k, "jcs").await);
        work(
            &k,
            "zhou",
            id,
            TaskStep::Route,
            Act::Route {
                lead: zc,
                co: vec![jc],
                limit: None,
            },
        )
        .await;
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.status, Status::Handling);
        // Ten working days after Monday 11-23: Monday 12-07.
        assert_eq!(d.due_on.as_deref(), Some("2026-12-07"), "{be}");
        // Each head gives an opinion and names a handler.
        work(
            &k,
            "chen",
            id,
            TaskStep::DivisionOpinion,
            Act::DivisionOpinion {
                opinion: say("instruct", "请刘科员牵头办理"),
                handler: "liu".into(),
            },
        )
        .await;
        // A head may only name a handler of their own division.
        let t = task_of(&k, "he", id, TaskStep::DivisionOpinion).await;
        let he = who(&k, "he").await;
        acts::claim(&k, NOW, &he, t.id).await.unwrap();
        let before = writes(&k).await;
        let e = acts::act(
            &k,
            NOW,
            &he,
            t.id,
            Act::DivisionOpinion {
                opinion: agree(),
                handler: "liu".into(),
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("本处室"), "{be}: {e}");
        assert_eq!(writes(&k).await, before, "{be}");
        acts::act(
            &k,
            NOW,
            &he,
            t.id,
            Act::DivisionOpinion {
                opinion: agree(),
                handler: "xu".into(),
            },
        )
        .await
        .unwrap();
        // The lead handler cannot close while the co-handler is not done.
        let t = task_of(&k, "liu", id, TaskStep::Handle).await;
        let liu = who(&k, "liu").await;
        acts::claim(&k, NOW, &liu, t.id).await.unwrap();
        let before = writes(&k).await;
        let e = acts::act(
            &k,
            NOW,
            &liu,
            t.id,
            Act::Handle {
                result: "已部署检查".into(),
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("协办"), "{be}: {e}");
        assert_eq!(writes(&k).await, before, "{be}");
        work(
            &k,
            "xu",
            id,
            TaskStep::Handle,
            Act::Handle {
                result: "监督检查处已安排三个检查组".into(),
            },
        )
        .await;
        acts::act(
            &k,
            NOW,
            &liu,
            t.id,
            Act::Handle {
                result: "已部署全市检查并上报".into(),
            },
        )
        .await
        .unwrap();
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.status, Status::Closed, "{be}");
        assert_eq!(d.result.as_deref(), Some("已部署全市检查并上报"));
        // The trail: every task with who and the opinion, in order.
        let trail = store::doc_tasks(&k, id).await.unwrap();
        let steps: Vec<_> = trail.iter().map(|t| t.step).collect();
        assert_eq!(
            steps,
            [
                TaskStep::Approve,
                TaskStep::Register,
                TaskStep::Route,
                TaskStep::DivisionOpinion,
                TaskStep::DivisionOpinion,
                TaskStep::Handle,
                TaskStep::Handle
            ],
            "{be}"
        );
        assert!(trail.iter().all(|t| t.acted_by.is_some()));
        assert_eq!(trail[3].opinion.as_deref(), Some("请刘科员牵头办理"));
        // One audit entry per act, all in the chain.
        let entries = audit::for_object(&k.db, &format!("docflow_doc:{id}"))
            .await
            .unwrap();
        assert!(
            entries.iter().any(|e| e.event_type == "docflow.register"),
            "{be}"
        );
        assert!(audit::verify(&k.db, &k.keys).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn registration_numbers_are_gap_free_per_year_and_given_once() {
    for (be, k) in setup("docflow-register").await {
        let a = registered(&k, "文一").await;
        let b = registered(&k, "文二").await;
        assert_eq!(
            store::doc(&k, a).await.unwrap().reg_no().as_deref(),
            Some("收〔2026〕1号")
        );
        assert_eq!(
            store::doc(&k, b).await.unwrap().reg_no().as_deref(),
            Some("收〔2026〕2号"),
            "{be}"
        );
        // 初审 returns it with a reason; the division completes it and it
        // comes back to 初审 keeping its number.
        work(
            &k,
            "zhou",
            a,
            TaskStep::Route,
            Act::Return {
                reason: "缺少附件清单".into(),
            },
        )
        .await;
        let d = store::doc(&k, a).await.unwrap();
        assert_eq!(d.status, Status::Returned);
        assert_eq!(d.return_reason.as_deref(), Some("缺少附件清单"));
        work(
            &k,
            "liu",
            a,
            TaskStep::Resubmit,
            Act::Resubmit {
                note: "已补附件".into(),
            },
        )
        .await;
        let d = store::doc(&k, a).await.unwrap();
        assert_eq!(d.status, Status::Registered, "{be}");
        assert_eq!(d.reg_no().as_deref(), Some("收〔2026〕1号"));
        // An empty reason is refused.
        let t = task_of(&k, "zhou", a, TaskStep::Route).await;
        let zhou = who(&k, "zhou").await;
        acts::claim(&k, NOW, &zhou, t.id).await.unwrap();
        let before = writes(&k).await;
        let e = acts::act(
            &k,
            NOW,
            &zhou,
            t.id,
            Act::Return {
                reason: "  ".into(),
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("退回理由"), "{be}: {e}");
        assert_eq!(writes(&k).await, before);
    }
}

#[tokio::test]
async fn an_act_on_another_posts_task_is_refused_and_b_acts_for_a_on_leave() {
    for (be, k) in setup("docflow-ab").await {
        let id = registered(&k, "关于报送统计数据的通知").await;
        let zc = division(&k, "zcfgc").await;
        work(
            &k,
            "zhou",
            id,
            TaskStep::Route,
            Act::Route {
                lead: zc,
                co: vec![],
                limit: Some(3),
            },
        )
        .await;
        let t = task_of(&k, "chen", id, TaskStep::DivisionOpinion).await;
        // Another division's staff may not touch it.
        let xu = who(&k, "xu").await;
        let before = writes(&k).await;
        let e = acts::claim(&k, NOW, &xu, t.id).await.unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)), "{be}: {e}");
        // liu is B of chen's post, but only stands in while chen is away.
        let liu = who(&k, "liu").await;
        assert!(matches!(
            acts::claim(&k, NOW, &liu, t.id).await,
            Err(Error::Forbidden(_))
        ));
        assert_eq!(writes(&k).await, before, "{be}");
        away(&k, "chen").await;
        let liu = who(&k, "liu").await;
        // chen's task now shows in liu's inbox.
        let rows = inbox::inbox(&k, &liu, inbox::Tab::Todo, 0).await.unwrap();
        assert!(rows.iter().any(|r| r.task.id == t.id), "{be}");
        acts::claim(&k, NOW, &liu, t.id).await.unwrap();
        acts::act(
            &k,
            NOW,
            &liu,
            t.id,
            Act::DivisionOpinion {
                opinion: agree(),
                handler: "sun".into(),
            },
        )
        .await
        .unwrap();
        let done = store::task(&k, t.id).await.unwrap();
        assert_eq!(done.acted_by.as_deref(), Some("liu"));
        assert_eq!(
            done.acted_for.as_deref(),
            Some("chen"),
            "{be}: recorded as B for A"
        );
        let entries = audit::for_object(&k.db, &format!("docflow_doc:{id}"))
            .await
            .unwrap();
        let e = entries
            .iter()
            .find(|e| e.event_type == "docflow.division_opinion")
            .expect("audit entry");
        assert_eq!(e.acting_for.as_deref(), Some("chen"), "{be}");
    }
}

#[tokio::test]
async fn two_people_acting_on_one_task_at_once_exactly_one_wins() {
    for (be, k) in setup("docflow-race").await {
        let id = registered(&k, "并发测试").await;
        let zc = division(&k, "zcfgc").await;
        work(
            &k,
            "zhou",
            id,
            TaskStep::Route,
            Act::Route {
                lead: zc,
                co: vec![],
                limit: None,
            },
        )
        .await;
        away(&k, "chen").await;
        let t = task_of(&k, "chen", id, TaskStep::DivisionOpinion).await;
        let (chen, liu) = (who(&k, "chen").await, who(&k, "liu").await);
        // Both sign for it at once: chen (back early) and liu as B.
        let (a, b) = tokio::join!(
            acts::claim(&k, NOW, &chen, t.id),
            acts::claim(&k, NOW, &liu, t.id)
        );
        assert_eq!(
            usize::from(a.is_ok()) + usize::from(b.is_ok()),
            1,
            "{be}: {a:?} {b:?}"
        );
        // Both act at once: one wins, the other is told it is done.
        let op = |h: &str| Act::DivisionOpinion {
            opinion: agree(),
            handler: h.into(),
        };
        let (a, b) = tokio::join!(
            acts::act(&k, NOW, &chen, t.id, op("liu")),
            acts::act(&k, NOW, &liu, t.id, op("sun"))
        );
        assert_eq!(
            usize::from(a.is_ok()) + usize::from(b.is_ok()),
            1,
            "{be}: {a:?} {b:?}"
        );
        assert_eq!(
            count(
                &k,
                "SELECT COUNT(*) FROM docflow_tasks WHERE step = 'handle'"
            )
            .await,
            1,
            "{be}: one handler named"
        );
    }
}

fn draft(t: DocType) -> NewOutgoing {
    NewOutgoing {
        title: "关于加强危险化学品安全管理的意见".into(),
        doc_type: t,
        urgency: Urgency::Normal,
        secrecy: Secrecy::None,
        secrecy_years: None,
        deputy: "li".into(),
        instructing_leader: None,
        main_to: "各市、县（区）安全生产监督管理局".into(),
        cc_to: "省安全生产监督管理局".into(),
        public_release: true,
        body: "一、总体要求\n二、主要任务".into(),
        docx: None,
    }
}

async fn sign(k: &Kernel, user: &str, id: i64) {
    work(
        k,
        user,
        id,
        TaskStep::Sign,
        Act::Sign {
            opinion: agree(),
            scan: None,
        },
    )
    .await;
}

#[tokio::test]
async fn outgoing_document_cosigned_reviewed_signed_by_the_path_numbered_and_issued() {
    for (be, k) in setup("docflow-outgoing").await {
        let liu = who(&k, "liu").await;
        let id = outgoing::create(&k, NOW, &liu, draft(DocType::ToCity))
            .await
            .unwrap();
        let jc = division(&k, "jcs").await;
        work(
            &k,
            "liu",
            id,
            TaskStep::Draft,
            Act::SubmitDraft { cosign: vec![jc] },
        )
        .await;
        assert_eq!(store::doc(&k, id).await.unwrap().status, Status::Cosigning);
        work(
            &k,
            "he",
            id,
            TaskStep::Cosign,
            Act::Cosign(say("instruct", "建议增加检查频次")),
        )
        .await;
        assert_eq!(
            store::doc(&k, id).await.unwrap().status,
            Status::Consolidating,
            "{be}"
        );
        // The drafter revises after 会签: version 2, version 1 kept.
        outgoing::new_version(
            &k,
            NOW,
            &liu,
            id,
            "一、总体要求\n二、主要任务\n三、检查频次",
            None,
        )
        .await
        .unwrap();
        work(
            &k,
            "liu",
            id,
            TaskStep::Consolidate,
            Act::Consolidate {
                escalate: false,
                note: String::new(),
            },
        )
        .await;
        // Path of 报市政府省厅: head, office 核稿, deputy, principal.
        sign(&k, "chen", id).await;
        sign(&k, "hegao", id).await;
        // The principal may not sign the deputy's step (403, nothing written).
        let t = task_of(&k, "li", id, TaskStep::Sign).await;
        let wang = who(&k, "wang").await;
        let before = writes(&k).await;
        let e = acts::claim(&k, NOW, &wang, t.id).await.unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)), "{be}: {e}");
        assert_eq!(writes(&k).await, before);
        sign(&k, "li", id).await;
        sign(&k, "wang", id).await;
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.status, Status::Signed, "{be}");
        assert_eq!(d.signed_by.as_deref(), Some("wang"));
        // The text is frozen, its SM3 in the audit chain.
        let vs = store::versions(&k, id).await.unwrap();
        assert_eq!(vs.len(), 2);
        assert!(vs[1].frozen && !vs[0].frozen);
        let sm3 = vs[1].sm3.clone().expect("sm3");
        assert_eq!(sm3, outgoing::version_sm3(&vs[1].body, None));
        let entries = audit::for_object(&k.db, &format!("docflow_doc:{id}"))
            .await
            .unwrap();
        assert!(entries.iter().any(|e| e.detail.contains(&sm3)), "{be}");
        let before = writes(&k).await;
        let e = outgoing::new_version(&k, NOW, &liu, id, "改一个字", None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("已定稿"), "{be}: {e}");
        assert_eq!(writes(&k).await, before);
        // 复核 → 登记: a typed number must be the next one.
        work(
            &k,
            "zhou",
            id,
            TaskStep::Recheck,
            Act::Recheck {
                note: String::new(),
            },
        )
        .await;
        let t = task_of(&k, "zhou", id, TaskStep::Number).await;
        let zhou = who(&k, "zhou").await;
        acts::claim(&k, NOW, &zhou, t.id).await.unwrap();
        let before = writes(&k).await;
        let e = acts::act(&k, NOW, &zhou, t.id, Act::Number { entered: Some(2) })
            .await
            .unwrap_err();
        assert!(e.to_string().contains("不能跳号"), "{be}: {e}");
        assert_eq!(
            writes(&k).await,
            before,
            "{be}: the sequence is not consumed"
        );
        acts::act(&k, NOW, &zhou, t.id, Act::Number { entered: Some(1) })
            .await
            .unwrap();
        assert_eq!(
            store::doc(&k, id).await.unwrap().doc_no.as_deref(),
            Some("苏安监〔2026〕1号"),
            "{be}"
        );
        work(
            &k,
            "zhou",
            id,
            TaskStep::Print,
            Act::Print {
                copies: 30,
                main_to: "苏州市人民政府".into(),
                cc_to: "省安全生产监督管理局".into(),
            },
        )
        .await;
        work(
            &k,
            "zhou",
            id,
            TaskStep::Issue,
            Act::Issue {
                archive_location: Some("档案室A柜3层".into()),
            },
        )
        .await;
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.status, Status::Issued, "{be}");
        // Marked for 主动公开: a disclosure draft with its metadata.
        let item = d.disclosure_item_id.expect("disclosure draft");
        let it = yangguang_disclosure::store::item(&k, item).await.unwrap();
        assert_eq!(it.draft.doc_no, "苏安监〔2026〕1号", "{be}");
        assert_eq!(it.draft.publisher, "苏州市安全生产监督管理局");
        assert_eq!(it.status, yangguang_disclosure::model::Status::Draft);
    }
}

#[tokio::test]
async fn after_signing_a_change_needs_the_issuing_leaders_approval_and_makes_a_new_version() {
    for (be, k) in setup("docflow-amend").await {
        let liu = who(&k, "liu").await;
        let id = outgoing::create(&k, NOW, &liu, draft(DocType::Routine))
            .await
            .unwrap();
        work(
            &k,
            "liu",
            id,
            TaskStep::Draft,
            Act::SubmitDraft { cosign: vec![] },
        )
        .await;
        sign(&k, "chen", id).await;
        sign(&k, "hegao", id).await;
        sign(&k, "li", id).await;
        assert_eq!(
            store::doc(&k, id).await.unwrap().signed_by.as_deref(),
            Some("li")
        );
        let zhou = who(&k, "zhou").await;
        let e = outgoing::request_amendment(&k, NOW, &zhou, id, " ", "新文本")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("修改理由"), "{be}: {e}");
        outgoing::request_amendment(
            &k,
            NOW,
            &zhou,
            id,
            "主送机关表述有误",
            "一、总体要求（修订）",
        )
        .await
        .unwrap();
        // Nothing goes out while the change waits for the signer.
        let t = task_of(&k, "zhou", id, TaskStep::Recheck).await;
        acts::claim(&k, NOW, &zhou, t.id).await.unwrap();
        let before = writes(&k).await;
        let recheck = || Act::Recheck {
            note: String::new(),
        };
        let e = acts::act(&k, NOW, &zhou, t.id, recheck())
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Conflict(_)) && e.to_string().contains("尚待签发领导批准"),
            "{be}: {e}"
        );
        assert_eq!(writes(&k).await, before, "{be}");
        // Only the issuing leader decides it.
        let t = task_of(&k, "li", id, TaskStep::ApproveAmendment).await;
        assert!(
            acts::claim(&k, NOW, &who(&k, "wang").await, t.id)
                .await
                .is_err()
        );
        work(
            &k,
            "li",
            id,
            TaskStep::ApproveAmendment,
            Act::ApproveAmendment(agree()),
        )
        .await;
        let vs = store::versions(&k, id).await.unwrap();
        assert_eq!(vs.len(), 2, "{be}");
        assert!(vs.iter().all(|v| v.frozen));
        assert_eq!(vs[1].reason.as_deref(), Some("主送机关表述有误"));
        assert_eq!(vs[1].approved_by.as_deref(), Some("li"));
        assert_eq!(
            vs[0].body, "一、总体要求\n二、主要任务",
            "{be}: the signed text is kept"
        );
        // Decided: 复核 goes on.
        let t = task_of(&k, "zhou", id, TaskStep::Recheck).await;
        acts::act(&k, NOW, &zhou, t.id, recheck()).await.unwrap();
    }
}

#[tokio::test]
async fn a_city_draft_follows_the_paper_path_with_the_scanned_signed_page() {
    for (be, k) in setup("docflow-paper").await {
        let liu = who(&k, "liu").await;
        let id = outgoing::create(&k, NOW, &liu, draft(DocType::CityDraft))
            .await
            .unwrap();
        work(
            &k,
            "liu",
            id,
            TaskStep::Draft,
            Act::SubmitDraft { cosign: vec![] },
        )
        .await;
        let t = task_of(&k, "liu", id, TaskStep::Sign).await;
        assert_eq!(t.note, "paper_deputy_review");
        acts::claim(&k, NOW, &liu, t.id).await.unwrap();
        let before = writes(&k).await;
        let e = acts::act(
            &k,
            NOW,
            &liu,
            t.id,
            Act::Sign {
                opinion: agree(),
                scan: None,
            },
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("扫描件"), "{be}: {e}");
        assert_eq!(writes(&k).await, before);
        let scan = || acts::Upload {
            name: "签批页.pdf".into(),
            mime: "application/pdf".into(),
            bytes: b"%PDF-1.4 signed".to_vec(),
        };
        acts::act(
            &k,
            NOW,
            &liu,
            t.id,
            Act::Sign {
                opinion: agree(),
                scan: Some(scan()),
            },
        )
        .await
        .unwrap();
        work(
            &k,
            "liu",
            id,
            TaskStep::Sign,
            Act::Sign {
                opinion: agree(),
                scan: Some(scan()),
            },
        )
        .await;
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.status, Status::Signed, "{be}");
        let files = store::files(&k, id).await.unwrap();
        assert_eq!(files.iter().filter(|f| f.kind == "signed_page").count(), 2);
    }
}

#[tokio::test]
async fn a_serious_disagreement_pauses_into_a_topic_and_resumes_when_decided() {
    for (be, k) in setup("docflow-pause").await {
        let liu = who(&k, "liu").await;
        let id = outgoing::create(&k, NOW, &liu, draft(DocType::Routine))
            .await
            .unwrap();
        let jc = division(&k, "jcs").await;
        work(
            &k,
            "liu",
            id,
            TaskStep::Draft,
            Act::SubmitDraft { cosign: vec![jc] },
        )
        .await;
        work(
            &k,
            "he",
            id,
            TaskStep::Cosign,
            Act::Cosign(say("disagree", "与现行检查办法冲突")),
        )
        .await;
        work(
            &k,
            "liu",
            id,
            TaskStep::Consolidate,
            Act::Consolidate {
                escalate: true,
                note: "分歧未能协商一致".into(),
            },
        )
        .await;
        // Only the office or the deputy in charge may pause it.
        let e = docacts::pause(&k, NOW, &liu, false, id, "重大分歧")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Forbidden(_)), "{be}");
        let li = who(&k, "li").await;
        let topic = docacts::pause(&k, NOW, &li, false, id, "涉及全市检查制度调整，需集体研究")
            .await
            .unwrap();
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(
            (d.status, d.topic_id),
            (Status::Paused, Some(topic)),
            "{be}"
        );
        let t = yangguang_decisions::topic::topic(&k, topic).await.unwrap();
        assert!(
            t.material
                .background
                .contains(&format!("/staff/docflow/docs/{id}"))
        );
        // While paused, nobody acts on it.
        let task = task_of(&k, "li", id, TaskStep::Coordinate).await;
        acts::claim(&k, NOW, &li, task.id).await.unwrap();
        let e = acts::act(&k, NOW, &li, task.id, Act::Coordinate(agree()))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("暂停"), "{be}: {e}");
        // Not decided yet: the sweep leaves it paused.
        assert_eq!(inbox::sweep(&k, NOW, TODAY).await.unwrap().resumed, 0);
        query(
            k.db.backend(),
            "UPDATE decision_topics SET status = 'adopted' WHERE id = ?",
        )
        .bind(topic)
        .execute(k.db.pool())
        .await
        .unwrap();
        assert_eq!(
            inbox::sweep(&k, NOW, TODAY).await.unwrap().resumed,
            1,
            "{be}"
        );
        assert_eq!(
            store::doc(&k, id).await.unwrap().status,
            Status::Coordinating
        );
        acts::act(
            &k,
            NOW,
            &li,
            task.id,
            Act::Coordinate(say("instruct", "按会议决定修改后报签")),
        )
        .await
        .unwrap();
        assert_eq!(
            store::doc(&k, id).await.unwrap().status,
            Status::Consolidating
        );
    }
}

#[tokio::test]
async fn sweep_reminds_before_the_limit_then_escalates_to_head_and_deputy() {
    for (be, k) in setup("docflow-sweep").await {
        let id = receive(&k, "催办测试").await;
        let first = task_of(&k, "li", id, TaskStep::Approve).await.id;
        // Approve task: move its due date to stand for each level.
        for (due, _) in [("2026-11-24", 1), ("2026-11-20", 2), ("2026-11-17", 3)] {
            query(
                k.db.backend(),
                "INSERT INTO docflow_tasks (doc_id, kind, step, note, assignee_user_id, state, created_by, created_at, due_on) \
                 SELECT doc_id, kind, step, note, assignee_user_id, 'new', created_by, created_at, ? FROM docflow_tasks WHERE id = ?",
            )
            .bind(due)
            .bind(first)
            .execute(k.db.pool())
            .await
            .unwrap();
        }
        // No 催办 on a rest day (Sunday 11-22).
        let sunday = inbox::sweep(&k, NOW, time::macros::date!(2026 - 11 - 22))
            .await
            .unwrap();
        assert_eq!(sunday, inbox::Sweep::default(), "{be}");
        let s = inbox::sweep(&k, NOW, TODAY).await.unwrap();
        // Due 11-24 (next working day) and the original (11-24): reminded;
        // 11-20 (Friday): overdue; 11-17: more than two working days.
        assert_eq!(
            (s.people, s.reminded, s.overdue, s.escalated),
            (1, 2, 1, 1),
            "{be}"
        );
        // One notice for 李副局长 with the counts by level.
        let notice: String = query_scalar(
            k.db.backend(),
            "SELECT payload FROM outbox WHERE topic = 'docflow.remind'",
        )
        .fetch_one(k.db.pool())
        .await
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&notice).unwrap();
        assert_eq!(
            (&v["due_soon"], &v["overdue"], &v["late"]),
            (
                &serde_json::json!(2),
                &serde_json::json!(1),
                &serde_json::json!(1)
            ),
            "{be}"
        );
        // Later passes that day send nothing again.
        let again = inbox::sweep(&k, NOW, TODAY).await.unwrap();
        assert_eq!(again, inbox::Sweep::default(), "{be}");
        assert_eq!(
            count(
                &k,
                "SELECT COUNT(*) FROM outbox WHERE topic = 'docflow.remind'"
            )
            .await,
            1
        );
        // The levels shown are the day's, whether or not a sweep ran.
        let rows = inbox::inbox(&k, &who(&k, "li").await, Tab::Todo, 0)
            .await
            .unwrap();
        let mut levels: Vec<u8> = rows.iter().map(|r| r.remind).collect();
        levels.sort();
        assert_eq!(levels, vec![1, 1, 2, 3], "{be}");
        let li = who(&k, "li").await;
        let esc = inbox::escalated_to(&k, &li).await.unwrap();
        assert!(
            esc.is_empty(),
            "{be}: li's own tasks are not escalated to li"
        );
        let office = who(&k, "zhou").await;
        let od = inbox::overdue(&k, &office, 100).await.unwrap();
        assert_eq!(od.len(), 2, "{be}");
    }
}

#[tokio::test]
async fn the_office_directors_post_signs_for_the_office_when_no_one_holds_the_head_role() {
    for (be, k) in setup("docflow-office-head").await {
        // 张主任 holds the 办公室主任 post but not the division_head role.
        query(
            k.db.backend(),
            "DELETE FROM user_roles WHERE role = 'division_head' \
             AND user_id = (SELECT id FROM users WHERE username = 'zhuren')",
        )
        .execute(k.db.pool())
        .await
        .unwrap();
        let zhou = who(&k, "zhou").await;
        let mut d = draft(DocType::OfficeInstructed);
        d.instructing_leader = Some("wang".into());
        let id = outgoing::create(&k, NOW, &zhou, d).await.unwrap();
        work(
            &k,
            "zhou",
            id,
            TaskStep::Draft,
            Act::SubmitDraft { cosign: vec![] },
        )
        .await;
        sign(&k, "zhuren", id).await;
        sign(&k, "hegao", id).await;
        sign(&k, "wang", id).await;
        let d = store::doc(&k, id).await.unwrap();
        assert_eq!(d.status, Status::Signed, "{be}");
        assert_eq!(d.signed_by.as_deref(), Some("wang"), "{be}");
    }
}
