//! Search latency on the synthetic registry (`mieru::ops::synth`) of 100,000 fictional facilities
//! (override the size with `MIERU_BENCH_DOCS`). Prints p50/p99 per query kind over a fixed
//! query set, then lets criterion measure each kind. Run: `cargo bench --bench search`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mieru::ops::synth::{Corpus, DISTRICTS, PREFECTURES, STEMS, TOWNS};
use mieru::search::{IndexDoc, SearchIndex};
use mieru_web::model::SearchRequest;

/// The synthetic registry's facilities (`mieru::ops::synth`), without events: names, former names,
/// addresses, identifiers and corporations, so the benchmark measures name search.
fn corpus(n: usize) -> Vec<IndexDoc> {
    Corpus::generate(100_000, n, 0).index_docs().collect()
}

fn request(q: &str) -> SearchRequest {
    SearchRequest {
        q: q.into(),
        limit: 20,
        ..SearchRequest::default()
    }
}

/// Query sets by kind, drawn from the corpus.
fn queries(docs: &[IndexDoc]) -> Vec<(&'static str, Vec<String>)> {
    let sample: Vec<&IndexDoc> = docs.iter().step_by((docs.len() / 200).max(1)).collect();
    vec![
        (
            "exact_name",
            sample.iter().map(|d| d.name.clone()).collect(),
        ),
        (
            "identifier",
            sample
                .iter()
                .filter_map(|d| d.identifiers.first().cloned())
                .collect(),
        ),
        (
            "partial_name",
            DISTRICTS
                .iter()
                .take(20)
                .flat_map(|p| {
                    STEMS
                        .iter()
                        .take(13)
                        .map(move |m| format!("{p}{m}クリニック"))
                })
                .collect(),
        ),
        (
            "address",
            PREFECTURES
                .iter()
                .flat_map(|(_, cities)| cities.iter())
                .zip(TOWNS.iter().cycle())
                .take(20)
                .map(|(city, town)| format!("{city}{town}3丁目"))
                .collect(),
        ),
        (
            "one_char",
            ["桜", "梅", "院", "栄", "科", "町"]
                .map(String::from)
                .to_vec(),
        ),
        (
            // 100 CJK characters pasted in one go, and the same with a space between each:
            // the query-term cap keeps both bounded.
            "cjk_100",
            cjk_100(&sample, ""),
        ),
        ("cjk_100_spaced", cjk_100(&sample, " ")),
        (
            "latin_typo",
            ["CLINIK", "regenerativ", "medicl", "ginza cell"]
                .map(String::from)
                .to_vec(),
        ),
    ]
}

/// 100 characters of a facility's name and addresses (repeated as needed), each followed by
/// `separator`, for 20 of the sampled facilities.
fn cjk_100(sample: &[&IndexDoc], separator: &str) -> Vec<String> {
    sample
        .iter()
        .take(20)
        .map(|d| {
            d.name
                .chars()
                .chain(d.addresses.concat().chars())
                .cycle()
                .take(100)
                .map(|c| format!("{c}{separator}"))
                .collect()
        })
        .collect()
}

fn percentiles(index: &SearchIndex, kind: &str, queries: &[String]) {
    let mut timings: Vec<Duration> = Vec::with_capacity(queries.len() * 3);
    for _ in 0..3 {
        for q in queries {
            let started = Instant::now();
            let results = index.search(&request(q));
            timings.push(started.elapsed());
            black_box(results.ok());
        }
    }
    timings.sort_unstable();
    let at = |p: usize| {
        timings
            .get(timings.len().saturating_sub(1) * p / 100)
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{kind:>13}: p50 {:>10.3?}  p99 {:>10.3?}  ({} queries)",
        at(50),
        at(99),
        timings.len()
    );
}

fn bench(c: &mut Criterion) {
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` (unoptimised) a smaller
    // corpus only checks the benchmark works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let n = std::env::var("MIERU_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if measuring { 100_000 } else { 10_000 });
    let docs = corpus(n);
    let index = SearchIndex::in_memory().expect("index");
    let started = Instant::now();
    index.rebuild(docs.clone()).expect("rebuild");
    println!("indexed {n} facilities in {:.2?}", started.elapsed());

    let sets = queries(&docs);
    for (kind, qs) in &sets {
        percentiles(&index, kind, qs);
    }
    let mut group = c.benchmark_group("search");
    for (kind, qs) in &sets {
        let mut i = 0usize;
        group.bench_function(*kind, |b| {
            b.iter(|| {
                i = i.wrapping_add(1);
                let q = qs.get(i % qs.len().max(1)).map_or("", String::as_str);
                black_box(index.search(&request(q)).ok())
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
