//! Ranking stories on a generated registry of look-alike clinics (all names and numbers are
//! invented): whatever a patient or a journalist types — the exact name, the name in hiragana, a
//! former name, a plan or corporate number — the clinic they mean comes first, even among
//! thousands of `〇〇セルクリニック` that differ by one character.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use std::sync::Arc;
use std::time::{Duration, Instant};

use mieru::ops::synth::{to_hiragana, Corpus, Spec};
use mieru::search::{IndexDoc, SearchIndex};
use mieru_web::model::SearchRequest;

/// The synthetic registry (`mieru::ops::synth`) with every facility renamed once and every name,
/// current or former, distinct once folded — yet thousands of them look alike
/// (`表参道セルクリニック`, `表参道セルズクリニック`, `銀座セルクリニック分院` …).
fn corpus(n: usize) -> Vec<IndexDoc> {
    let spec = Spec {
        renamed_percent: 100,
        unique_names: true,
        ..Spec::new(20_261_125, n, 0)
    };
    Corpus::from_spec(&spec).index_docs().collect()
}

fn top(index: &SearchIndex, q: &str) -> Option<String> {
    let req = SearchRequest {
        q: q.into(),
        limit: 5,
        ..SearchRequest::default()
    };
    let results = index.search(&req).unwrap_or_else(|e| panic!("{q}: {e}"));
    results.hits.into_iter().next().map(|h| h.id)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let i = (sorted.len().saturating_sub(1)) * p / 100;
    sorted.get(i).copied().unwrap_or_default()
}

#[test]
fn the_meant_clinic_comes_first_among_look_alikes() {
    let docs = corpus(3_000);
    let index = SearchIndex::in_memory().expect("index");
    assert_eq!(index.rebuild(docs.clone()).expect("rebuild"), 3_000);

    let mut timings = Vec::new();
    for doc in docs.iter().step_by(7) {
        let started = Instant::now();
        let got = top(&index, &doc.name);
        timings.push(started.elapsed());
        assert_eq!(got.as_deref(), Some(doc.id.as_str()), "name {}", doc.name);

        let hiragana = to_hiragana(&doc.name);
        assert_eq!(
            top(&index, &hiragana).as_deref(),
            Some(doc.id.as_str()),
            "{hiragana}"
        );

        let former = doc.former_names.first().expect("former name");
        assert_eq!(
            top(&index, former).as_deref(),
            Some(doc.id.as_str()),
            "{former}"
        );

        for identifier in &doc.identifiers {
            assert_eq!(
                top(&index, identifier).as_deref(),
                Some(doc.id.as_str()),
                "{identifier}"
            );
        }
    }
    timings.sort_unstable();
    eprintln!(
        "exact-name queries over 3,000 look-alikes: p50 {:?}, p99 {:?}",
        percentile(&timings, 50),
        percentile(&timings, 99)
    );
}

#[test]
fn a_partial_name_never_returns_every_clinic() {
    let docs = corpus(3_000);
    let index = SearchIndex::in_memory().expect("index");
    index.rebuild(docs.clone()).expect("rebuild");
    let clinics = docs
        .iter()
        .filter(|d| d.name.contains("クリニック"))
        .count() as u64;
    let mut offset = 0;
    let mut seen = 0u64;
    loop {
        let req = SearchRequest {
            q: "表参道セルクリニック".into(),
            limit: 200,
            offset,
            ..SearchRequest::default()
        };
        let results = index.search(&req).expect("search");
        assert!(results.total > 0);
        // Look-alikes (表参道セルズクリニック, 表参道セル第3クリニック) match; the thousands of
        // clinics elsewhere that share only クリニック do not.
        assert!(
            results.total * 4 < clinics,
            "{} of {clinics} clinics matched",
            results.total
        );
        // (表参道 may also be in the address or a former name: a query can spread over fields.)
        for hit in &results.hits {
            let in_address = hit.address.as_deref().is_some_and(|a| a.contains("表参道"));
            let in_former = hit.former_names.iter().any(|n| n.contains("表参道"));
            assert!(
                hit.name.contains("表参道") || in_address || in_former,
                "{}",
                hit.name
            );
        }
        seen += results.hits.len() as u64;
        offset += 200;
        if results.hits.is_empty() || seen >= results.total {
            break;
        }
    }
}

#[test]
fn searches_run_while_the_index_is_updated() {
    let docs = corpus(1_000);
    let index = Arc::new(SearchIndex::in_memory().expect("index"));
    index.rebuild(docs.clone()).expect("rebuild");

    let readers: Vec<_> = (0..3)
        .map(|t| {
            let index = Arc::clone(&index);
            let docs = docs.clone();
            std::thread::spawn(move || {
                for doc in docs.iter().skip(t).step_by(50) {
                    let req = SearchRequest {
                        q: doc.identifiers.first().cloned().unwrap_or_default(),
                        limit: 3,
                        ..SearchRequest::default()
                    };
                    let results = index.search(&req).expect("search during updates");
                    assert_eq!(
                        results.hits.first().map(|h| h.id.as_str()),
                        Some(doc.id.as_str())
                    );
                }
            })
        })
        .collect();

    // Meanwhile every tenth clinic is renamed, keeping its old name as a former one.
    let renamed: Vec<IndexDoc> = docs
        .iter()
        .step_by(10)
        .map(|d| {
            let mut d = d.clone();
            d.former_names.push(d.name.clone());
            d.name = format!("改名後{}クリニック", d.id);
            d
        })
        .collect();
    for batch in renamed.chunks(20) {
        index.upsert(batch.to_vec()).expect("upsert");
    }
    for reader in readers {
        reader.join().expect("reader thread");
    }

    assert_eq!(index.doc_count(), 1_000);
    for d in renamed.iter().step_by(9) {
        assert_eq!(top(&index, &d.name).as_deref(), Some(d.id.as_str()));
        let old = d.former_names.last().expect("old name");
        assert_eq!(top(&index, old).as_deref(), Some(d.id.as_str()), "{old}");
    }
}
