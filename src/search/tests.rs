//! Search stories over a small fictional registry (every clinic, corporation and number here is
//! invented).

use mieru_web::model::{FacetCount, SearchRequest, SearchResults};

use super::*;

fn doc(id: &str, entity: &str, name: &str) -> IndexDoc {
    IndexDoc {
        id: id.into(),
        entity: entity.into(),
        name: name.into(),
        ..IndexDoc::default()
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

/// The fictional registry.
fn corpus() -> Vec<IndexDoc> {
    vec![
        IndexDoc {
            former_names: strings(&["ひかり美容クリニック", "ルミナス銀座クリニック"]),
            addresses: strings(&[
                "東京都中央区銀座4丁目8番10号 銀座ルミナスビル5階",
                "東京都港区赤坂2-3-4",
            ]),
            prefecture: Some("東京都".into()),
            identifiers: strings(&["PB3150001", "jRCTb030200001"]),
            related_names: strings(&["医療法人社団桜光会"]),
            action_count: 2,
            action_types: strings(&["emergency_order", "improvement_order"]),
            years: vec![2024, 2025],
            ..doc("F0001", "facility", "サクラメディカルクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都江東区有明3-1-1"]),
            prefecture: Some("東京都".into()),
            identifiers: strings(&["FA3150077"]),
            related_names: strings(&["株式会社トウトバイオ"]),
            ..doc("F0002", "cpc", "東都セルプロセッシングセンター")
        },
        IndexDoc {
            addresses: strings(&["東京都中央区銀座四丁目8番10号"]),
            prefecture: Some("東京都".into()),
            identifiers: strings(&["9010005099991"]),
            action_count: 1,
            action_types: strings(&["emergency_order"]),
            years: vec![2024],
            ..doc("O0001", "organization", "医療法人社団桜光会")
        },
        IndexDoc {
            addresses: strings(&["東京都渋谷区神宮前5-1-1"]),
            prefecture: Some("東京都".into()),
            identifiers: strings(&["PB3150002"]),
            ..doc("F0010", "facility", "表参道セルクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都渋谷区神宮前6-2-2"]),
            prefecture: Some("東京都".into()),
            ..doc("F0011", "facility", "表参道セルズクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都新宿区西新宿1-1-1"]),
            prefecture: Some("東京都".into()),
            ..doc("F0012", "facility", "新宿セルクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都新宿区新宿3-3-3"]),
            prefecture: Some("東京都".into()),
            ..doc("F0013", "facility", "新宿セルズクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都渋谷区道玄坂1-2-3"]),
            prefecture: Some("東京都".into()),
            ..doc("F0014", "facility", "渋谷スキンクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都渋谷区神宮前4-4-4"]),
            prefecture: Some("東京都".into()),
            ..doc("F0015", "facility", "表参道スキンクリニック")
        },
        IndexDoc {
            addresses: strings(&["東京都中央区銀座1-1-1"]),
            prefecture: Some("東京都".into()),
            ..doc("F0020", "facility", "GINZA REGENERATIVE CLINIC")
        },
        IndexDoc {
            addresses: strings(&["大阪府大阪市北区梅田1-2-3"]),
            prefecture: Some("大阪府".into()),
            action_count: 1,
            action_types: strings(&["improvement_order"]),
            years: vec![2025],
            ..doc("F0030", "facility", "なにわ幹細胞クリニック")
        },
        IndexDoc {
            prefecture: Some("東京都".into()),
            related_names: strings(&["サクラメディカルクリニック", "医療法人社団桜光会"]),
            text: strings(&[
                "再生医療等提供計画を提出せずに再生医療等を提供した(法第4条第1項違反)",
                "再生医療等の提供の一時停止",
            ]),
            action_types: strings(&["emergency_order"]),
            years: vec![2024],
            ..doc(
                "A0001",
                "action",
                "サクラメディカルクリニックに対する緊急命令",
            )
        },
        IndexDoc {
            prefecture: Some("大阪府".into()),
            related_names: strings(&["なにわ幹細胞クリニック"]),
            text: strings(&["細胞培養加工施設の記録が不備であった"]),
            action_types: strings(&["improvement_order"]),
            years: vec![2025],
            ..doc("A0002", "action", "なにわ幹細胞クリニックに対する改善命令")
        },
        IndexDoc {
            prefecture: Some("東京都".into()),
            related_names: strings(&["表参道セルクリニック"]),
            text: strings(&["自己脂肪由来幹細胞を用いた変形性膝関節症の治療"]),
            years: vec![2023],
            ..doc(
                "PB3150002",
                "plan",
                "自己脂肪由来幹細胞を用いた変形性膝関節症の治療",
            )
        },
    ]
}

fn index() -> SearchIndex {
    let index = SearchIndex::in_memory().expect("in-memory index");
    let n = index.rebuild(corpus()).expect("rebuild");
    assert_eq!(n, corpus().len() as u64);
    index
}

fn request(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.into(),
        limit: 20,
        ..SearchRequest::default()
    }
}

fn search(index: &SearchIndex, q: &str) -> SearchResults {
    index
        .search(&request(q))
        .unwrap_or_else(|e| panic!("search {q:?}: {e}"))
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.id.as_str()).collect()
}

fn first(index: &SearchIndex, q: &str) -> (String, Option<String>) {
    let results = search(index, q);
    let hit = results
        .hits
        .first()
        .unwrap_or_else(|| panic!("no hit for {q:?}"));
    (hit.id.clone(), hit.matched.clone())
}

fn position(results: &SearchResults, id: &str) -> Option<usize> {
    results.hits.iter().position(|h| h.id == id)
}

#[test]
fn index_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
}

#[test]
fn found_by_current_name() {
    let index = index();
    assert_eq!(
        first(&index, "サクラメディカルクリニック"),
        ("F0001".into(), Some("name".into()))
    );
}

#[test]
fn found_by_each_former_name() {
    let index = index();
    for former in ["ひかり美容クリニック", "ルミナス銀座クリニック"] {
        assert_eq!(
            first(&index, former),
            ("F0001".into(), Some("former_name".into())),
            "{former}"
        );
    }
    // A part of a former name is enough.
    let results = search(&index, "ひかり美容");
    assert_eq!(ids(&results).first(), Some(&"F0001"));
    assert_eq!(
        results.hits.first().and_then(|h| h.matched.as_deref()),
        Some("former_name")
    );
    assert_eq!(results.hits.first().map(|h| h.former_names.len()), Some(2));
}

#[test]
fn found_by_half_width_kana_and_by_hiragana() {
    let index = index();
    assert_eq!(first(&index, "ｻｸﾗ").0, "F0001");
    assert_eq!(first(&index, "ｻｸﾗﾒﾃﾞｨｶﾙｸﾘﾆｯｸ").0, "F0001");
    assert_eq!(
        first(&index, "さくらめでぃかるくりにっく"),
        ("F0001".into(), Some("name".into()))
    );
    assert_eq!(first(&index, "さくらめでぃかる").0, "F0001");
}

#[test]
fn identifiers_rank_first() {
    let index = index();
    for (q, expected) in [
        ("PB3150001", "F0001"),
        ("pb3150001", "F0001"),
        ("ＰＢ３１５０００１", "F0001"),
        ("jRCTb030200001", "F0001"),
        ("FA3150077", "F0002"),
        ("9010005099991", "O0001"),
        ("9010 0050 99991", "O0001"),
        ("F0013", "F0013"),
    ] {
        assert_eq!(
            first(&index, q),
            (expected.into(), Some("identifier".into())),
            "{q}"
        );
    }
}

#[test]
fn an_entitys_own_id_outranks_an_entity_listing_it() {
    let index = index();
    let results = search(&index, "PB3150002");
    assert_eq!(ids(&results), ["PB3150002", "F0010"]);
}

#[test]
fn found_by_partial_address_with_either_numeral() {
    let index = index();
    let results = search(&index, "中央区銀座4");
    let found = ids(&results);
    assert!(found.contains(&"F0001"), "{found:?}");
    // 銀座四丁目 is folded to 銀座4丁目.
    assert!(found.contains(&"O0001"), "{found:?}");
    let hit = results.hits.iter().find(|h| h.id == "F0001");
    assert_eq!(hit.and_then(|h| h.matched.as_deref()), Some("address"));
    assert_eq!(
        hit.and_then(|h| h.address.as_deref()),
        Some("東京都中央区銀座4丁目8番10号 銀座ルミナスビル5階")
    );
    // The same with a kanji numeral in the query.
    assert!(ids(&search(&index, "銀座四丁目")).contains(&"F0001"));
}

#[test]
fn full_name_never_ranks_a_look_alike_above_it() {
    let index = index();
    for (q, exact, look_alike) in [
        ("表参道セルクリニック", "F0010", "F0011"),
        ("表参道セルズクリニック", "F0011", "F0010"),
        ("新宿セルクリニック", "F0012", "F0013"),
        ("新宿セルズクリニック", "F0013", "F0012"),
        ("表参道 セル・クリニック", "F0010", "F0011"),
    ] {
        let results = search(&index, q);
        assert_eq!(
            ids(&results).first(),
            Some(&exact),
            "{q}: {:?}",
            ids(&results)
        );
        if let Some(p) = position(&results, look_alike) {
            assert!(p > 0, "{q}");
        }
    }
}

#[test]
fn a_name_query_does_not_return_every_clinic() {
    let index = index();
    let results = search(&index, "表参道セルクリニック");
    let found = ids(&results);
    for other in ["F0014", "F0015", "F0020", "F0030", "F0001"] {
        assert!(!found.contains(&other), "{other} in {found:?}");
    }
}

#[test]
fn a_query_may_spread_over_name_and_address() {
    let index = index();
    let results = search(&index, "梅田 なにわ幹細胞クリニック");
    assert_eq!(ids(&results).first(), Some(&"F0030"));
    // No part is a name here: the bigrams of both parts still find it.
    let results = search(&index, "梅田 なにわ幹細胞");
    assert_eq!(ids(&results).first(), Some(&"F0030"));
    let results = search(&index, "神宮前 表参道セル");
    assert!(ids(&results).contains(&"F0010"));
}

#[test]
fn corporation_and_facility_in_one_string() {
    // How releases name a target: the corporation, then the clinic, with or without a space.
    let index = index();
    for q in [
        "医療法人社団桜光会 サクラメディカルクリニック",
        "医療法人社団桜光会サクラメディカルクリニック",
        "(医社)桜光会 サクラメディカルクリニック",
    ] {
        let results = search(&index, q);
        let found = ids(&results);
        assert!(
            found.iter().take(2).any(|id| *id == "F0001"),
            "{q}: {found:?}"
        );
        assert!(!found.contains(&"F0010"), "{q}: {found:?}");
    }
    // The corporation alone, with or without its legal form, finds the corporation first.
    assert_eq!(first(&index, "医療法人社団桜光会").0, "O0001");
    assert_eq!(
        first(&index, "桜光会"),
        ("O0001".into(), Some("name".into()))
    );
}

#[test]
fn a_document_without_id_is_refused_and_the_index_kept() {
    let index = index();
    let before = index.doc_count();
    let result = index.upsert([doc("", "facility", "名無しクリニック")]);
    assert!(matches!(result, Err(SearchError::Index(_))));
    assert_eq!(index.doc_count(), before);
    assert!(matches!(
        index.rebuild([doc(" ", "facility", "名無しクリニック")]),
        Err(SearchError::Index(_))
    ));
    assert_eq!(index.doc_count(), before);
    // The writer is usable again after the rollback.
    index
        .upsert([doc("F0999", "facility", "名有りクリニック")])
        .expect("upsert");
    assert_eq!(index.doc_count(), before + 1);
}

#[test]
fn one_character_queries() {
    let index = index();
    // 桜 starts a bigram (桜光), 梅 too (梅田), 会 ends one (光会).
    let found = ids(&search(&index, "桜"))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    assert!(found.contains(&"O0001".to_owned()), "{found:?}");
    assert_eq!(ids(&search(&index, "梅")), ["F0030"]);
    let found = search(&index, "会");
    assert!(ids(&found).contains(&"O0001"));
    assert_eq!(
        found
            .hits
            .iter()
            .find(|h| h.id == "O0001")
            .and_then(|h| h.matched.as_deref()),
        Some("name")
    );
}

#[test]
fn latin_typo_is_tolerated() {
    let index = index();
    let (id, matched) = first(&index, "CLINIK");
    assert_eq!(id, "F0020");
    assert_eq!(matched.as_deref(), Some("name"));
    assert_eq!(first(&index, "ginza regenerativ clinik").0, "F0020");
    assert_eq!(first(&index, "ginzo").0, "F0020");
    // Short words stay exact: one letter off in a 4-letter word is another word.
    assert!(search(&index, "ginz").hits.is_empty());
}

#[test]
fn facets_count_every_match_not_just_the_page() {
    let index = index();
    let mut req = request("クリニック");
    req.limit = 1;
    let results = index.search(&req).expect("search");
    assert_eq!(results.hits.len(), 1);
    // Every doc mentioning クリニック: 8 facilities, 2 actions, 1 plan (via related name).
    let all = search(&index, "クリニック");
    assert_eq!(results.total, all.total);
    assert_eq!(results.total, 11, "{:?}", ids(&all));
    let count = |facets: &[FacetCount], value: &str| {
        facets.iter().find(|f| f.value == value).map(|f| f.count)
    };
    assert_eq!(count(&results.facets.kind, "facility"), Some(8));
    assert_eq!(count(&results.facets.kind, "action"), Some(2));
    assert_eq!(count(&results.facets.kind, "plan"), Some(1));
    assert_eq!(count(&results.facets.prefecture, "東京都"), Some(9));
    assert_eq!(count(&results.facets.prefecture, "大阪府"), Some(2));
    // F0001 has two action types; each counts once per document.
    assert_eq!(
        count(&results.facets.action_type, "emergency_order"),
        Some(2)
    );
    assert_eq!(
        count(&results.facets.action_type, "improvement_order"),
        Some(3)
    );
    let years: Vec<(&str, u64)> = results
        .facets
        .year
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(years, [("2025", 3), ("2024", 2), ("2023", 1)]);
    // Most frequent first.
    assert_eq!(
        results.facets.kind.first().map(|f| f.value.as_str()),
        Some("facility")
    );
}

#[test]
fn filters_restrict_hits_and_facets() {
    let index = index();
    let mut req = request("クリニック");
    req.prefecture = Some("大阪府".into());
    let results = index.search(&req).expect("search");
    let mut found = ids(&results);
    found.sort_unstable();
    assert_eq!(found, ["A0002", "F0030"]);
    assert_eq!(results.facets.prefecture.len(), 1);

    let mut req = request("クリニック");
    req.kind = Some("action".into());
    assert_eq!(index.search(&req).expect("search").total, 2);

    let mut req = request("クリニック");
    req.action_type = Some("emergency_order".into());
    let mut found: Vec<String> = index
        .search(&req)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    found.sort_unstable();
    assert_eq!(found, ["A0001", "F0001"]);

    let mut req = request("クリニック");
    req.year = Some(2025);
    req.kind = Some("facility".into());
    let mut found = ids(&index.search(&req).expect("search"))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    found.sort_unstable();
    assert_eq!(found, ["F0001", "F0030"]);

    let mut req = request("クリニック");
    req.prefecture = Some("北海道".into());
    let results = index.search(&req).expect("search");
    assert_eq!((results.total, results.hits.len()), (0, 0));
}

#[test]
fn paging() {
    let index = index();
    let all = search(&index, "クリニック");
    let mut req = request("クリニック");
    req.limit = 5;
    req.offset = 5;
    let page = index.search(&req).expect("search");
    assert_eq!(page.total, all.total);
    assert_eq!(ids(&page), ids(&all).get(5..10).unwrap_or_default());
    req.offset = 100;
    assert!(index.search(&req).expect("search").hits.is_empty());
    req.offset = MAX_OFFSET + 1;
    assert!(matches!(index.search(&req), Err(SearchError::BadQuery(_))));
    // limit 0 means the default page size, not an error.
    let mut req = request("クリニック");
    req.limit = 0;
    assert_eq!(index.search(&req).expect("search").hits.len(), 11);
}

#[test]
fn hostile_queries() {
    let index = index();
    for bad in ["", "   ", "\u{3000}", "a\u{7}b", "改行\nあり"] {
        assert!(
            matches!(index.search(&request(bad)), Err(SearchError::BadQuery(_))),
            "{bad:?}"
        );
    }
    let long = "あ".repeat(10_000);
    assert!(matches!(
        index.search(&request(&long)),
        Err(SearchError::BadQuery(_))
    ));
    for text in [
        "\"",
        "(",
        ")",
        "field:",
        "name:サクラ",
        "AND OR NOT",
        "*",
        "\\",
        "サクラ AND",
        "\"サクラメディカルクリニック",
        "(サクラ",
        "サクラ*",
        "id:F0001",
        "[1 TO 2]",
        "+-!^~{}",
        ".*",
        "桜.*|",
    ] {
        let results = index
            .search(&request(text))
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(results.total <= corpus().len() as u64);
    }
    // Syntax characters are just text around the words.
    assert_eq!(first(&index, "\"サクラメディカルクリニック\"").0, "F0001");
    assert_eq!(first(&index, "(サクラ").0, "F0001");
}

#[test]
fn upsert_replaces_and_remove_deletes() {
    let index = index();
    let before = index.doc_count();
    let mut renamed = corpus().into_iter().next().expect("first doc");
    renamed.former_names.push(renamed.name.clone());
    renamed.name = "みらい再生クリニック".into();
    index.upsert([renamed]).expect("upsert");
    assert_eq!(index.doc_count(), before);
    assert_eq!(
        first(&index, "みらい再生クリニック"),
        ("F0001".into(), Some("name".into()))
    );
    assert_eq!(
        first(&index, "サクラメディカルクリニック"),
        ("F0001".into(), Some("former_name".into()))
    );

    index
        .remove(&["F0001".to_owned(), "no-such-id".to_owned()])
        .expect("remove");
    assert_eq!(index.doc_count(), before - 1);
    assert!(!ids(&search(&index, "みらい再生クリニック")).contains(&"F0001"));

    assert_eq!(index.rebuild(Vec::new()).expect("rebuild"), 0);
    assert_eq!(index.doc_count(), 0);
}

#[test]
fn persisted_index_reopens_and_a_schema_change_recreates_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("index");
    {
        let index = SearchIndex::open_or_create(&path).expect("create");
        assert!(index.was_created());
        index.rebuild(corpus()).expect("rebuild");
    }
    {
        let index = SearchIndex::open_or_create(&path).expect("reopen");
        assert!(!index.was_created());
        assert_eq!(index.doc_count(), corpus().len() as u64);
        assert_eq!(first(&index, "ｻｸﾗ").0, "F0001");
    }
    std::fs::write(path.join(VERSION_FILE), "mieru-search-0").expect("write version");
    let index = SearchIndex::open_or_create(&path).expect("recreate");
    assert!(index.was_created());
    assert_eq!(index.doc_count(), 0);
    assert_eq!(
        std::fs::read_to_string(path.join(VERSION_FILE)).expect("version"),
        SCHEMA_VERSION
    );
}

/// On a large index the gate leaves out near-universal bigrams (`クリ`, `ニツ` …): exact
/// names, kana variants and partial names must find the same facilities as before, and a
/// query made only of common tokens must still match (the rarest tokens are always kept).
#[test]
fn large_index_gate_prunes_common_tokens_without_losing_matches() {
    let corpus = crate::ops::synth::Corpus::generate(11, 12_000, 0);
    let index = SearchIndex::in_memory().expect("index");
    index.rebuild(corpus.index_docs()).expect("rebuild");
    assert!(index.doc_count() >= super::query::PRUNE_MIN_DOCS);
    let search = |q: &str| {
        index
            .search(&SearchRequest {
                q: q.into(),
                limit: 20,
                ..SearchRequest::default()
            })
            .expect("search")
    };
    for f in corpus.facilities.iter().step_by(997) {
        let hits = search(&f.name);
        assert!(
            hits.hits
                .iter()
                .any(|h| h.id == f.id && h.matched.as_deref() == Some("name")),
            "{} not found by its name",
            f.name
        );
        let kana = crate::ops::synth::to_halfwidth(&f.name);
        assert!(
            search(&kana).hits.iter().any(|h| h.id == f.id),
            "{kana} not found"
        );
    }
    // Every hit of a common-only query still holds ¾ of its tokens somewhere.
    let common = search("クリニック");
    assert!(common.total > 1_000, "{}", common.total);
    assert!(common.hits.iter().all(|h| h.name.contains("クリニック")
        || h.former_names.iter().any(|n| n.contains("クリニック"))));
}

#[test]
fn a_latin_name_in_parts_finds_its_clinic_not_one_named_by_a_generic_word() {
    // Real lists write Latin names with spaces; a clinic whose whole name is a generic word
    // must not take the first place from the one the parts spell together.
    let index = SearchIndex::in_memory().expect("index");
    index
        .rebuild(vec![
            doc("F0901", "facility", "CLinic"),
            IndexDoc {
                related_names: strings(&["医療法人社団星風会"]),
                ..doc("F0902", "facility", "Aurora Field Clinic")
            },
        ])
        .expect("rebuild");
    for q in [
        "医療法人社団星風会 Aurora Field Clinic",
        "医療法人社団星風会\u{3000}Aurora Field Clinic",
    ] {
        let results = search(&index, q);
        assert_eq!(ids(&results).first(), Some(&"F0902"), "{q}");
    }
    // Alone, the generic word still finds the clinic of that name.
    assert_eq!(ids(&search(&index, "clinic")).first(), Some(&"F0901"));
}

#[test]
fn a_pasted_paragraph_searches_a_capped_number_of_tokens() {
    let index = index();
    // A name followed by 90 more characters of prose: only the first tokens are searched.
    let long: String = format!(
        "表参道セルクリニック{}",
        "再生医療等の安全性の確保等に関する法律に基づく緊急命令について".repeat(3)
    );
    let long: String = long.chars().take(100).collect();
    let plan = query::build(&index.fields, &request(&long), None).unwrap();
    assert_eq!(plan.token_count(), query::MAX_QUERY_TOKENS);
    // Prose is most of the tokens: the ¾ rule finds nothing rather than everything.
    assert_eq!(search(&index, &long).total, 0);
    // A name within the cap is still found in full.
    assert_eq!(
        first(&index, "東京都渋谷区神宮前5-1-1 表参道セルクリニック").0,
        "F0010"
    );
    // 100 single characters separated by spaces: identifiers and tokens both capped.
    let spaced: String = long.chars().map(|c| format!("{c} ")).collect();
    let plan = query::build(&index.fields, &request(&spaced), None).unwrap();
    // Lone characters are each a scan of the term dictionary: only the first few are searched.
    assert_eq!(plan.token_count(), query::MAX_UNIGRAM_TOKENS);
    assert!(search(&index, &spaced).total <= 100);
    // A lone character alone still finds what contains it.
    assert!(search(&index, "表").total > 0);
}

#[test]
fn an_address_with_its_block_ranks_the_clinic_there_above_look_alike_names() {
    let index = SearchIndex::in_memory().unwrap();
    let mut docs: Vec<IndexDoc> = (0..30)
        .map(|i| IndexDoc {
            addresses: strings(&[&format!("大阪府大阪市北区梅田{}丁目1番1号", i % 9 + 1)]),
            ..doc(
                &format!("F10{i:02}"),
                "facility",
                &format!("中央区銀座クリニック{i}"),
            )
        })
        .collect();
    docs.push(IndexDoc {
        addresses: strings(&["東京都中央区銀座4丁目5番6号"]),
        ..doc("F2000", "facility", "さくら医院")
    });
    docs.push(IndexDoc {
        addresses: strings(&["東京都中央区銀座7丁目4番1号"]),
        ..doc("F2001", "facility", "うめ医院")
    });
    index.rebuild(docs).unwrap();
    let results = search(&index, "中央区銀座4丁目");
    assert_eq!(ids(&results).first(), Some(&"F2000"), "{:?}", ids(&results));
    let results = search(&index, "中央区銀座7丁目");
    assert_eq!(ids(&results).first(), Some(&"F2001"), "{:?}", ids(&results));
}
