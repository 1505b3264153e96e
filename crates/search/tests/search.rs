//! The search rules a reader of the disclosure catalog relies on.

use time::macros::date;
use yangguang_search::{Doc, Hits, Order, Query, SearchIndex};

fn doc(id: i64, title: &str, body: &str) -> Doc {
    Doc {
        id,
        title: title.into(),
        body: body.into(),
        category: "zcwj".into(),
        year: 2008,
        publisher: "江苏省安全生产监督管理局".into(),
        validity: "有效".into(),
        published_on: date!(2008 - 06 - 01),
        url: format!("/xxgk/{id}"),
        ..Doc::default()
    }
}

fn index_with(docs: &[Doc]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.upsert(docs).unwrap();
    index.commit().unwrap();
    index
}

fn ids(hits: &Hits) -> Vec<i64> {
    hits.items.iter().map(|h| h.id).collect()
}

fn search(index: &SearchIndex, text: &str) -> Hits {
    index.search(&Query::new(text)).unwrap()
}

/// A few items written like the catalog's: the seed documents' style.
fn catalog() -> Vec<Doc> {
    vec![
        doc(
            1,
            "关于进一步加强危险化学品安全生产工作的通知",
            "各市安全生产监督管理局：为切实加强危险化学品生产、经营、储存环节的安全监管，\
             有效防范和遏制重特大事故，现就有关事项通知如下。一、严格安全生产许可证的审查和发放。\
             二、督促企业建立健全应急救援预案，定期组织演练。",
        ),
        doc(
            2,
            "江苏省生产安全事故应急预案管理办法",
            "第一条 为规范生产安全事故应急预案的编制、评审、备案和实施，提高应急处置能力，\
             制定本办法。第二条 本办法适用于本省行政区域内生产经营单位应急预案的管理工作。",
        ),
        doc(
            3,
            "关于开展烟花爆竹打非治违专项行动的通知",
            "各地要组织力量，对非法生产、经营烟花爆竹的行为开展集中整治，依法查处无证经营行为。",
        ),
        doc(
            4,
            "政府信息公开工作年度报告",
            "本年度共主动公开政府信息一千二百条，受理依申请公开四十五件，均在法定期限内答复。",
        ),
    ]
}

#[test]
fn a_document_is_found_by_two_or_three_words_of_its_body() {
    let index = index_with(&catalog());
    let hits = search(&index, "应急预案 备案 评审");
    assert_eq!(ids(&hits)[0], 2);
    let hits = search(&index, "依申请公开 法定期限");
    assert_eq!(ids(&hits), vec![4]);
    // Words typed together, without spaces, are cut the same way.
    let hits = search(&index, "烟花爆竹无证经营");
    assert_eq!(ids(&hits)[0], 3);
}

#[test]
fn a_word_inside_a_longer_compound_is_found() {
    let index = index_with(&catalog());
    // "许可证" and "许可" appear only inside "安全生产许可证".
    assert_eq!(ids(&search(&index, "许可证")), vec![1]);
    assert_eq!(ids(&search(&index, "许可")), vec![1]);
    // "化学品" inside "危险化学品".
    assert_eq!(ids(&search(&index, "化学品")), vec![1]);
}

#[test]
fn a_compound_typed_by_the_reader_is_found_when_the_document_cut_it_differently() {
    let index = index_with(&[
        doc(1, "通知", "禁止燃放烟花、爆竹。"),
        doc(2, "通知", "其他"),
    ]);
    assert_eq!(ids(&search(&index, "烟花爆竹")), vec![1]);
}

#[test]
fn every_word_is_required_so_the_document_with_all_words_comes_first() {
    let index = index_with(&[
        doc(
            1,
            "通知",
            "烟花爆竹 烟花爆竹 烟花爆竹 烟花爆竹 烟花爆竹 专项整治。",
        ),
        doc(2, "通知", "本次烟花爆竹检查发现隐患三处，已责令整改。"),
        doc(3, "通知", "隐患排查治理。"),
    ]);
    let hits = search(&index, "烟花爆竹 隐患");
    assert_eq!(ids(&hits), vec![2]);
    assert_eq!(hits.total, 1);
}

#[test]
fn when_no_document_has_every_word_any_word_is_enough() {
    let index = index_with(&catalog());
    // No item has both; each has one.
    let hits = search(&index, "烟花爆竹 依申请公开");
    let mut found = ids(&hits);
    found.sort();
    assert_eq!(found, vec![3, 4]);
    assert_eq!(hits.total, 2);
    // A word found nowhere does not hide the others.
    let hits = search(&index, "应急预案 火星探测器");
    assert!(ids(&hits).contains(&2));
}

#[test]
fn function_words_in_the_query_are_not_required() {
    let index = index_with(&catalog());
    let hits = search(&index, "烟花爆竹的整治");
    assert_eq!(ids(&hits), vec![3]);
}

#[test]
fn a_doc_no_typed_exactly_finds_its_item_first() {
    let mut item = doc(7, "关于做好安全生产应急管理工作的意见", "加强应急管理。");
    item.doc_no = "苏安监办〔2008〕38号".into();
    let mut other = doc(8, "关于做好汛期安全生产工作的通知", "汛期来临。");
    other.doc_no = "苏安监办〔2008〕39号".into();
    let citing = doc(
        9,
        "转发通知",
        "根据《苏安监办〔2008〕38号》文件精神，现转发如下。苏安监办〔2008〕38号要求各地落实。",
    );
    let index = index_with(&[citing, other, item]);
    for typed in [
        "苏安监办〔2008〕38号",
        "苏安监办[2008]38号",
        " 苏安监办（2008）38号 ",
        "苏安监办〔２００８〕３８号",
    ] {
        let hits = search(&index, typed);
        assert_eq!(hits.items[0].id, 7, "typed {typed}: {:?}", ids(&hits));
        assert!(!ids(&hits).contains(&8), "typed {typed}: {:?}", ids(&hits));
    }
}

#[test]
fn filters_by_category_year_publisher_and_validity_narrow_the_results() {
    let mut a = doc(1, "安全生产通知甲", "安全生产检查");
    let mut b = doc(2, "安全生产通知乙", "安全生产检查");
    let c = doc(3, "安全生产通知丙", "安全生产检查");
    a.category = "ghjh".into();
    a.year = 2010;
    b.publisher = "南京市安全生产监督管理局".into();
    b.validity = "废止".into();
    let index = index_with(&[a, b, c]);
    let base = Query::new("安全生产 检查");
    assert_eq!(index.search(&base).unwrap().total, 3);

    let q = Query {
        category: Some("ghjh".into()),
        ..base.clone()
    };
    assert_eq!(ids(&index.search(&q).unwrap()), vec![1]);
    let q = Query {
        year: Some(2008),
        ..base.clone()
    };
    let mut found = ids(&index.search(&q).unwrap());
    found.sort();
    assert_eq!(found, vec![2, 3]);
    let q = Query {
        publisher: Some("南京市安全生产监督管理局".into()),
        ..base.clone()
    };
    assert_eq!(ids(&index.search(&q).unwrap()), vec![2]);
    let q = Query {
        validity: Some("有效".into()),
        year: Some(2008),
        ..base.clone()
    };
    assert_eq!(ids(&index.search(&q).unwrap()), vec![3]);
    // A filter matching nothing gives nothing, even through the OR fallback.
    let q = Query {
        category: Some("nothing".into()),
        ..base
    };
    assert_eq!(index.search(&q).unwrap(), Hits::default());
}

#[test]
fn newest_order_puts_the_latest_publication_first() {
    let mut old = doc(1, "安全生产通知", "安全生产 安全生产 安全生产 检查");
    old.published_on = date!(2005 - 01 - 10);
    let mut new = doc(2, "通知", "安全生产检查");
    new.published_on = date!(2011 - 09 - 30);
    let mut mid = doc(3, "通知", "安全生产检查");
    mid.published_on = date!(2008 - 03 - 15);
    let index = index_with(&[old, new, mid]);
    let q = Query {
        order: Order::Newest,
        ..Query::new("安全生产")
    };
    let hits = index.search(&q).unwrap();
    assert_eq!(ids(&hits), vec![2, 3, 1]);
    assert_eq!(hits.items[0].published_on, date!(2011 - 09 - 30));
    // By relevance the one repeating the words comes first.
    assert_eq!(search(&index, "安全生产").items[0].id, 1);
}

#[test]
fn offset_and_limit_page_through_the_results() {
    let docs: Vec<Doc> = (1..=25)
        .map(|i| doc(i, &format!("第{i}号通知"), "安全生产检查"))
        .collect();
    let index = index_with(&docs);
    let page = |offset, limit| {
        index
            .search(&Query {
                offset,
                limit,
                ..Query::new("安全生产")
            })
            .unwrap()
    };
    let all = ids(&page(0, 25));
    assert_eq!(all.len(), 25);
    assert_eq!(ids(&page(10, 10)), all[10..20].to_vec());
    assert_eq!(page(20, 10).items.len(), 5);
    assert_eq!(page(100, 10).items.len(), 0);
    let counted = page(0, 0);
    assert_eq!((counted.total, counted.items.len()), (25, 0));
    assert_eq!(page(0, usize::MAX).items.len(), 25);
}

#[test]
fn upsert_replaces_the_item_with_the_same_id() {
    let index = index_with(&[doc(1, "旧标题", "烟花爆竹专项整治")]);
    index
        .upsert(&[doc(1, "新标题", "危险化学品专项检查")])
        .unwrap();
    index.commit().unwrap();
    assert_eq!(search(&index, "烟花爆竹").total, 0);
    let hits = search(&index, "危险化学品");
    assert_eq!(ids(&hits), vec![1]);
    assert_eq!(hits.items[0].title, "新标题");
    assert_eq!(index.len(), 1);
    // Twice in one batch: the last one wins.
    index
        .upsert(&[doc(5, "甲", "第一稿"), doc(5, "乙", "第二稿")])
        .unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), 2);
    assert_eq!(search(&index, "第二稿").items[0].title, "乙");
}

#[test]
fn delete_removes_the_item() {
    let index = index_with(&catalog());
    index.delete(&[3, 999]).unwrap();
    index.commit().unwrap();
    assert_eq!(search(&index, "烟花爆竹").total, 0);
    assert_eq!(index.len(), 3);
}

#[test]
fn changes_are_visible_right_after_commit_and_not_before() {
    let index = index_with(&[]);
    index.upsert(&[doc(1, "通知", "烟花爆竹专项整治")]).unwrap();
    assert_eq!(search(&index, "烟花爆竹").total, 0);
    index.commit().unwrap();
    assert_eq!(search(&index, "烟花爆竹").total, 1);
    // A clone shares the index.
    let other = index.clone();
    other.delete(&[1]).unwrap();
    other.commit().unwrap();
    assert_eq!(search(&index, "烟花爆竹").total, 0);
}

#[test]
fn clear_empties_the_index_at_the_next_commit() {
    let index = index_with(&catalog());
    index.clear().unwrap();
    assert_eq!(index.len(), 4, "searches see the old items until commit");
    index.upsert(&[doc(10, "新", "重新索引的内容")]).unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), 1);
    assert_eq!(ids(&search(&index, "重新索引")), vec![10]);
}

#[test]
fn odd_query_text_never_errors() {
    let index = index_with(&catalog());
    let long = "安全生产".repeat(2_500);
    let odd = [
        "",
        "   ",
        "！！！",
        "\"unbalanced",
        "AND OR NOT",
        "title:",
        "body:(",
        "*",
        "a~2 ^3 [1 TO 2]",
        long.as_str(),
        "😀🎉",
        "<script>alert(1)</script>",
        "'; DROP TABLE items; --",
        "\u{0}\u{7}\u{200b}",
        "\\",
    ];
    for text in odd {
        let hits = index.search(&Query::new(text));
        assert!(hits.is_ok(), "{text:?} gave {hits:?}");
    }
    for nothing in ["", "   ", "！！！", "，。、"] {
        assert_eq!(search(&index, nothing), Hits::default(), "{nothing:?}");
    }
    assert!(ids(&search(&index, &long)).contains(&1));
}

#[test]
fn snippets_highlight_hits_and_escape_markup() {
    let evil = doc(
        1,
        "<b>标题</b>",
        "前文。<script>alert(1)</script> 烟花爆竹 & 危险品 \"引号\" 后文。",
    );
    let index = index_with(&[evil]);
    let hit = &search(&index, "烟花爆竹").items[0];
    assert!(hit.snippet.contains("<em>烟花爆竹</em>"), "{}", hit.snippet);
    assert!(hit.snippet.contains("&lt;script&gt;"), "{}", hit.snippet);
    assert!(hit.snippet.contains("&amp;"), "{}", hit.snippet);
    let without_em = hit.snippet.replace("<em>", "").replace("</em>", "");
    assert!(
        !without_em.contains('<') && !without_em.contains('>'),
        "{}",
        hit.snippet
    );
    // The title is the plain title, as stored.
    assert_eq!(hit.title, "<b>标题</b>");

    let hit = &search(&index, "<script>alert(1)</script>").items;
    for h in hit {
        let without_em = h.snippet.replace("<em>", "").replace("</em>", "");
        assert!(!without_em.contains('<'), "{}", h.snippet);
    }
}

#[test]
fn snippet_is_about_120_characters_around_the_hit_in_a_long_body() {
    let filler = "本条款规定了一般性事项。".repeat(500);
    let body = format!("{filler}生产经营单位应当每年至少组织一次应急演练。{filler}");
    let index = index_with(&[doc(1, "条例", &body)]);
    let hit = &search(&index, "应急演练").items[0];
    assert!(hit.snippet.contains("<em>"), "{}", hit.snippet);
    let chars = hit
        .snippet
        .replace("<em>", "")
        .replace("</em>", "")
        .chars()
        .count();
    assert!((40..=130).contains(&chars), "{chars}: {}", hit.snippet);
}

#[test]
fn snippet_falls_back_to_the_summary_then_to_the_start() {
    let mut d = doc(1, "烟花爆竹安全管理", "正文没有标题里的词。");
    d.summary = "摘要说明烟花爆竹的管理要求。".into();
    let mut e = doc(2, "危险化学品目录", "正文开头。");
    e.keywords = "目录".into();
    let index = index_with(&[d, e]);
    let hit = &search(&index, "烟花爆竹").items[0];
    assert!(hit.snippet.contains("<em>烟花爆竹</em>"), "{}", hit.snippet);
    let hit = &search(&index, "危险化学品").items[0];
    assert_eq!(hit.snippet, "正文开头。");
}

#[test]
fn hits_carry_title_url_and_publication_date() {
    let index = index_with(&catalog());
    let hit = &search(&index, "年度报告").items[0];
    assert_eq!(hit.id, 4);
    assert_eq!(hit.title, "政府信息公开工作年度报告");
    assert_eq!(hit.url, "/xxgk/4");
    assert_eq!(hit.published_on, date!(2008 - 06 - 01));
}

#[test]
fn latin_letters_and_full_width_forms_match_either_way() {
    let index = index_with(&[doc(1, "ＧＢ ３０８７１ 标准", "依据GB30871执行")]);
    assert_eq!(ids(&search(&index, "gb")), vec![1]);
    assert_eq!(ids(&search(&index, "３０８７１")), vec![1]);
}

#[test]
fn open_or_create_persists_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = SearchIndex::open_or_create(&path).unwrap();
        assert!(index.was_recreated());
        index.upsert(&catalog()).unwrap();
        index.commit().unwrap();
    }
    let index = SearchIndex::open_or_create(&path).unwrap();
    assert!(!index.was_recreated());
    assert_eq!(index.len(), 4);
    assert_eq!(ids(&search(&index, "烟花爆竹")), vec![3]);
}

#[test]
fn another_schema_version_is_rebuilt_empty() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        index.upsert(&catalog()).unwrap();
        index.commit().unwrap();
    }
    std::fs::write(dir.path().join("yangguang-search.version"), "0\n").unwrap();
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert!(index.was_recreated());
    assert_eq!(index.len(), 0);
    index.upsert(&catalog()).unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), 4);
}

#[test]
fn a_directory_holding_other_files_is_not_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("important.db"), "keep me").unwrap();
    assert!(SearchIndex::open_or_create(dir.path()).is_err());
    assert!(dir.path().join("important.db").exists());
}

#[test]
fn the_index_is_shared_between_threads() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<SearchIndex>();
    let index = index_with(&catalog());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let index = index.clone();
            std::thread::spawn(move || {
                index
                    .upsert(&[doc(100 + i, "并发", "并发写入测试")])
                    .unwrap();
                search(&index, "烟花爆竹").total
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 1);
    }
    index.commit().unwrap();
    assert_eq!(search(&index, "并发写入").total, 4);
}

#[test]
fn snippets_of_long_texts_full_of_compound_words_never_fail() {
    // Search-mode tokens overlap (烟花, 爆竹, 烟花爆竹); snippets must cope
    // wherever a fragment boundary falls.
    let sentence = "中华人民共和国烟花爆竹安全管理条例规定，县级以上人民政府安全生产监督管理部门负责烟花爆竹的安全生产监督管理工作。";
    let docs: Vec<Doc> = (0..40)
        .map(|i| {
            let body = format!("{}{}", "第一条".repeat(i), sentence.repeat(30 + i));
            doc(i as i64 + 1, "条例", &body)
        })
        .collect();
    let index = index_with(&docs);
    for text in [
        "烟花爆竹 共和国",
        "人民政府 监督管理",
        "安全生产",
        "华人 民共",
    ] {
        let hits = index
            .search(&Query {
                limit: 40,
                ..Query::new(text)
            })
            .unwrap();
        for h in &hits.items {
            let plain = h.snippet.replace("<em>", "").replace("</em>", "");
            assert!(!plain.contains('<'), "{text}: {}", h.snippet);
            assert!(plain.chars().count() <= 130, "{text}: {}", h.snippet);
        }
    }
}

#[test]
fn the_feed_cursor_is_committed_with_the_index_and_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.cursor().unwrap(), None);
        index.upsert(&catalog()).unwrap();
        index.commit_at(42).unwrap();
        assert_eq!(index.cursor().unwrap(), Some(42));
        assert_eq!(index.len(), 4);
    }
    let index = SearchIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.cursor().unwrap(), Some(42));
}

#[test]
fn a_word_standing_alone_outranks_the_same_word_inside_a_longer_word() {
    // Both items hold 原产 and 出口国; the first only inside 原产地, and it
    // is the shorter one, which BM25 alone would put first.
    let index = index_with(&[
        doc(1, "条例", "出口国的原产地证书。"),
        doc(
            2,
            "条例",
            "货物在出口国原产的，按照出口国的规定办理有关手续。",
        ),
    ]);
    assert_eq!(ids(&search(&index, "出口国 原产")), vec![2, 1]);
    // Inside a longer word it is still found.
    assert_eq!(ids(&search(&index, "原产")), vec![2, 1]);
}

#[test]
fn a_word_in_the_title_counts_once_not_once_per_field() {
    // The item is scored as one text: a word in the title and the body of
    // the first weighs as two occurrences, not as two fields' matches that
    // would outweigh the second item's more frequent use.
    let index = index_with(&[
        doc(1, "应急演练通知", "组织应急演练。"),
        doc(2, "通知", "应急演练，应急演练，再次应急演练。"),
    ]);
    let found = ids(&search(&index, "应急演练"));
    assert_eq!(found, vec![2, 1]);
}

#[test]
fn find_gives_the_hits_of_search_without_snippets() {
    let index = index_with(&catalog());
    for text in ["安全生产", "应急预案 备案", "烟花爆竹 依申请公开", "！！"] {
        let q = Query::new(text);
        let found = index.find(&q).unwrap();
        let searched = index.search(&q).unwrap();
        assert_eq!(found.total, searched.total, "{text}");
        assert_eq!(ids(&found), ids(&searched), "{text}");
        for (f, s) in found.items.iter().zip(&searched.items) {
            assert_eq!(
                (&f.title, &f.url, f.published_on),
                (&s.title, &s.url, s.published_on)
            );
            assert!(f.snippet.is_empty());
            assert!(!s.snippet.is_empty());
        }
    }
}

#[test]
fn hits_show_the_current_title_after_many_commits_and_merges() {
    let index = SearchIndex::in_memory().unwrap();
    for round in 0..12 {
        let docs: Vec<Doc> = (0..20)
            .map(|i| doc(i, &format!("第{round}版 通知{i}"), "应急演练安排。"))
            .collect();
        index.upsert(&docs).unwrap();
        index.commit().unwrap();
        let hits = index
            .search(&Query {
                limit: 100,
                ..Query::new("应急演练")
            })
            .unwrap();
        assert_eq!(hits.total, 20);
        for h in &hits.items {
            assert_eq!(h.title, format!("第{round}版 通知{}", h.id));
            assert_eq!(h.url, format!("/xxgk/{}", h.id));
        }
    }
}

#[test]
fn a_long_title_is_shown_whole_and_found_by_its_words() {
    let title = format!("关于{}的通知", "安全生产检查".repeat(400));
    let index = index_with(&[doc(1, &title, "正文。")]);
    let hits = search(&index, "安全生产检查");
    assert_eq!(ids(&hits), vec![1]);
    assert_eq!(hits.items[0].title, title);
}

#[test]
fn an_item_mentioning_the_words_in_the_typed_order_comes_first() {
    // Same words, same length; only the order in which each item first
    // mentions them differs.
    let index = index_with(&[
        doc(1, "条例", "出口货物应当申报，查验后放行。"),
        doc(2, "条例", "查验后放行，出口货物应当申报。"),
    ]);
    assert_eq!(ids(&search(&index, "申报 查验")), vec![1, 2]);
    assert_eq!(ids(&search(&index, "查验 申报")), vec![2, 1]);
}

#[test]
fn pages_re_ranked_by_word_order_neither_repeat_nor_skip_an_item() {
    // More hits than the re-ranked window, in and out of the typed order.
    let docs: Vec<Doc> = (1..=45)
        .map(|i| {
            let body = if i % 2 == 0 {
                "出口货物应当申报，查验后放行。"
            } else {
                "查验后放行，出口货物应当申报。"
            };
            doc(i, &format!("第{i}号公告"), body)
        })
        .collect();
    let index = index_with(&docs);
    let page = |offset, limit| {
        ids(&index
            .search(&Query {
                offset,
                limit,
                ..Query::new("申报 查验")
            })
            .unwrap())
    };
    let all = page(0, 45);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(sorted, (1..=45).collect::<Vec<_>>());
    for offset in [0, 10, 20, 25, 30, 40] {
        let end = (offset + 10).min(45);
        assert_eq!(
            page(offset, 10),
            all[offset..end].to_vec(),
            "offset {offset}"
        );
    }
    // The items in the typed order lead.
    assert!(all[..10].iter().all(|id| id % 2 == 0), "{all:?}");
}

#[test]
fn a_viewer_filter_finds_an_item_only_for_the_keys_it_was_indexed_with() {
    let index = SearchIndex::in_memory().unwrap();
    let [a, b, c, d]: [Doc; 4] = catalog().try_into().unwrap();
    // Item 1 is seen by users 7 and 8, item 2 by user 9; items 3 and 4 are
    // the public catalog's, with no keys.
    index
        .upsert_with_viewers(&[(a, vec![7, 8]), (b, vec![9])])
        .unwrap();
    index.upsert(&[c, d]).unwrap();
    index.commit().unwrap();
    let q = Query::new("应急");
    let as_of = |keys: Option<&[i64]>| {
        let hits = index.search_as(&q, keys).unwrap();
        let found = index.find_as(&q, keys).unwrap();
        assert_eq!(ids(&hits), ids(&found));
        assert_eq!(hits.total, hits.items.len());
        let mut v = ids(&hits);
        v.sort();
        v
    };
    // Both items mention 应急; no filter (the catalog's search, and
    // the office's) finds both.
    assert_eq!(as_of(None), vec![1, 2]);
    assert_eq!(ids(&index.search(&q).unwrap()).len(), 2);
    // An allowed key finds its item and not the other's.
    assert_eq!(as_of(Some(&[7])), vec![1]);
    assert_eq!(as_of(Some(&[8])), vec![1]);
    assert_eq!(as_of(Some(&[9])), vec![2]);
    // Any one of several keys is enough.
    assert_eq!(as_of(Some(&[5, 9, 8])), vec![1, 2]);
    // Others, and nobody, find nothing: not even the keyless catalog items
    // that match the words, and no any-word fallback to a hidden item.
    assert_eq!(as_of(Some(&[5])), Vec::<i64>::new());
    assert_eq!(as_of(Some(&[])), Vec::<i64>::new());
    assert_eq!(
        ids(&index
            .search_as(&Query::new("烟花爆竹"), Some(&[7]))
            .unwrap()),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&index
            .search_as(&Query::new("烟花爆竹 危险化学品"), Some(&[9]))
            .unwrap()),
        Vec::<i64>::new()
    );
    // Re-indexing with other keys replaces the old ones.
    let a = catalog().swap_remove(0);
    index.upsert_with_viewers(&[(a, vec![9])]).unwrap();
    index.commit().unwrap();
    assert_eq!(as_of(Some(&[7])), Vec::<i64>::new());
    assert_eq!(as_of(Some(&[9])), vec![1, 2]);
}
