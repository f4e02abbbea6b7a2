//! Search latency on a synthetic registry of 100,000 fictional facilities (override the size with
//! `MIERU_BENCH_DOCS`). Prints p50/p99 per query kind over a fixed query set, then lets criterion
//! measure each kind. Run: `cargo bench --bench search`.

use std::time::{Duration, Instant};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mieru::search::{IndexDoc, SearchIndex};
use mieru_web::model::SearchRequest;

const PLACES: &[&str] = &[
    "表参道",
    "新宿",
    "銀座",
    "梅田",
    "天神",
    "栄",
    "札幌",
    "仙台",
    "横浜",
    "神戸",
    "博多",
    "京都",
    "恵比寿",
    "青山",
    "六本木",
    "心斎橋",
    "那覇",
    "金沢",
    "広島",
    "岡山",
];
const MIDDLES: &[&str] = &[
    "セル",
    "セルズ",
    "再生",
    "幹細胞",
    "メディカル",
    "スキン",
    "ビューティー",
    "エイジング",
    "リジェネ",
    "ステム",
    "さくら",
    "みどり",
    "",
];
const SUFFIXES: &[&str] = &[
    "クリニック",
    "医院",
    "診療所",
    "クリニック本院",
    "内科",
    "美容外科",
];
const PREFECTURES: &[&str] = &[
    "東京都",
    "大阪府",
    "福岡県",
    "北海道",
    "愛知県",
    "沖縄県",
    "広島県",
];
const ACTION_TYPES: &[&str] = &["emergency_order", "improvement_order", "inspection"];

/// Deterministic, so every run measures the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from.get(self.next(from.len())).copied().unwrap_or_default()
    }
}

fn corpus(n: usize) -> Vec<IndexDoc> {
    let mut rng = Lcg(100_000);
    (0..n)
        .map(|k| {
            let prefecture = rng.pick(PREFECTURES);
            let sanctioned = k % 50 == 0;
            IndexDoc {
                id: format!("F{k:07}"),
                entity: if k % 20 == 0 { "cpc" } else { "facility" }.into(),
                name: format!(
                    "{}{}第{}{}",
                    rng.pick(PLACES),
                    rng.pick(MIDDLES),
                    k,
                    rng.pick(SUFFIXES)
                ),
                former_names: if k % 3 == 0 {
                    vec![format!(
                        "{}{}旧{k}{}",
                        rng.pick(PLACES),
                        rng.pick(MIDDLES),
                        rng.pick(SUFFIXES)
                    )]
                } else {
                    Vec::new()
                },
                addresses: vec![format!(
                    "{prefecture}架空市{}町{}丁目{}番{}号",
                    rng.pick(PLACES),
                    rng.next(9) + 1,
                    rng.next(30) + 1,
                    rng.next(20) + 1
                )],
                prefecture: Some(prefecture.into()),
                identifiers: vec![format!("PB9{k:06}"), format!("99{k:011}")],
                related_names: vec![format!("医療法人社団架空会{}", k / 3)],
                text: if sanctioned {
                    vec!["再生医療等提供計画を提出せずに再生医療等を提供した".into()]
                } else {
                    Vec::new()
                },
                action_count: u32::from(sanctioned),
                action_types: if sanctioned {
                    vec![rng.pick(ACTION_TYPES).into()]
                } else {
                    Vec::new()
                },
                years: if sanctioned {
                    vec![2016 + (k % 10) as i32]
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
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
            PLACES
                .iter()
                .flat_map(|p| MIDDLES.iter().map(move |m| format!("{p}{m}クリニック")))
                .collect(),
        ),
        (
            "address",
            PLACES.iter().map(|p| format!("架空市{p}町3丁目")).collect(),
        ),
        (
            "one_char",
            ["桜", "梅", "院", "栄", "科", "町"]
                .map(String::from)
                .to_vec(),
        ),
        (
            "latin_typo",
            ["CLINIK", "regenerativ", "medicl", "ginza cell"]
                .map(String::from)
                .to_vec(),
        ),
    ]
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
    let n = std::env::var("MIERU_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
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
