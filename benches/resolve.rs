//! Scaling of entity resolution: a synthetic corpus of 10,000 and 100,000 facilities (each seen
//! by two or three sources, a fifth of them renamed, some relocated, each with an operator and
//! a manager), clustered with the real resolver (`resolve::cluster_facts`: features, blocking,
//! identifier, name, address and scored passes, relations). Prints the time of each size and
//! their ratio; blocking keeps it near-linear (the bound: 100k ≤ 15 × 10k).
//!
//! `cargo bench -p mieru --bench resolve` (add `-- 20000 200000` for other sizes).

use chrono::NaiveDate;
use mieru::resolve::{self, facts::FactSet};
use mieru::store::models::FactRow;
use mieru_crawler::provenance::Property;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const STEMS: &[&str] = &[
    "さくら",
    "あおば",
    "ひかり",
    "みらい",
    "わかば",
    "すこやか",
    "ひまわり",
    "つばさ",
    "セル",
    "ステム",
    "リジェネ",
    "ルミナス",
    "グレイス",
    "オーラ",
    "ヴィータ",
    "エール",
    "青葉",
    "若葉",
    "明星",
    "松風",
    "翠",
    "葵",
    "楓",
    "光明",
    "慈恵",
    "博愛",
    "仁心",
    "清和",
    "共生",
    "陽光",
];
const KINDS: &[&str] = &[
    "クリニック",
    "整形外科",
    "皮膚科",
    "内科",
    "美容クリニック",
    "ペインクリニック",
    "医院",
];
const CITIES: &[&str] = &[
    "青葉市",
    "若松市",
    "松原市",
    "桜井市",
    "高田市",
    "本庄市",
    "新田市",
    "北野市",
    "南原市",
    "東山市",
    "西川市",
    "大野市",
    "中野市",
    "小松市",
    "岩田市",
    "森山市",
];
const TOWNS: &[&str] = &[
    "本町", "中央", "栄町", "駅前", "旭町", "緑町", "寿町", "幸町",
];

struct Corpus {
    rows: Vec<FactRow>,
    at: chrono::NaiveDateTime,
}

impl Corpus {
    fn fact(&mut self, subject: &str, p: Property, value: String) {
        let id = i64::try_from(self.rows.len()).unwrap_or(i64::MAX);
        let kind = subject.split(':').next().unwrap_or_default().to_owned();
        self.rows.push(FactRow {
            id,
            fact_key: format!("k{id}"),
            document_id: 1,
            subject: subject.to_owned(),
            subject_kind: kind,
            property: p.as_str().to_owned(),
            value,
            observed_on: None,
            first_seen: self.at,
            last_seen: self.at,
            last_changed: self.at,
            first_sha256: String::new(),
            last_sha256: String::new(),
            retracted_at: None,
        });
    }
}

fn corpus(n: usize, seed: u64) -> Vec<FactRow> {
    let mut rng = StdRng::seed_from_u64(seed);
    let prefs = mieru_text::address::PREFECTURES;
    let at = NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let mut c = Corpus {
        rows: Vec::with_capacity(n * 24),
        at,
    };
    // A relocation stays in its prefecture (`pref` given); a new facility goes anywhere.
    let address = |rng: &mut StdRng, pref: Option<&str>| {
        let pref = pref.unwrap_or_else(|| prefs[rng.gen_range(0..prefs.len())]);
        format!(
            "{pref}{}{}{}丁目{}番{}号",
            CITIES[rng.gen_range(0..CITIES.len())],
            TOWNS[rng.gen_range(0..TOWNS.len())],
            rng.gen_range(1..10),
            rng.gen_range(1..40),
            rng.gen_range(1..30)
        )
    };
    for i in 0..n {
        let name = |rng: &mut StdRng, j: usize| {
            format!(
                "{}{}{}{}",
                STEMS[rng.gen_range(0..STEMS.len())],
                KINDS[rng.gen_range(0..KINDS.len())],
                ["第", "新", "中央", "駅前"][j % 4],
                i * 7 + j
            )
        };
        let name0 = name(&mut rng, 0);
        let pref = prefs[rng.gen_range(0..prefs.len())];
        let addr0 = address(&mut rng, Some(pref));
        let corp = format!("{:013}", 1_000_000_000_000u64 + i as u64);
        let org = format!("organization:houjin-bangou:{corp}");
        c.fact(&org, Property::CorporateNumber, corp.clone());
        c.fact(&org, Property::Name, format!("医療法人社団{name0}会"));
        let manager = format!("person:kouseikyoku:{i}-m");
        c.fact(&manager, Property::Name, format!("医師{i}"));
        // Opening row on a bureau list, with operator mention and manager.
        let f0 = format!("facility:kouseikyoku:list/{i}/0");
        c.fact(&f0, Property::Name, name0.clone());
        c.fact(&f0, Property::Address, addr0.clone());
        let op0 = format!("organization:kouseikyoku:{i}-op");
        c.fact(&op0, Property::Name, format!("医療法人社団{name0}会"));
        c.fact(&f0, Property::Operator, op0);
        c.fact(&f0, Property::Manager, manager.clone());
        // A plan row of e-saisei at the same place.
        let f1 = format!("facility:e-saisei:{i}");
        c.fact(&f1, Property::Name, name0.clone());
        c.fact(&f1, Property::Address, addr0.clone());
        // A fifth are renamed (a third of those relocated); a tenth closed.
        if i % 5 == 0 {
            let name1 = name(&mut rng, 1);
            let addr1 = if i % 15 == 0 {
                address(&mut rng, Some(pref))
            } else {
                addr0
            };
            let f2 = format!("facility:kouseikyoku:henkou/{i}");
            c.fact(&f2, Property::Name, name1);
            c.fact(&f2, Property::FormerName, name0);
            c.fact(&f2, Property::Address, addr1);
            c.fact(&f2, Property::Manager, manager);
        } else if i % 10 == 1 {
            let f2 = format!("facility:kouseikyoku:haishi/{i}");
            c.fact(&f2, Property::Name, name0);
            c.fact(&f2, Property::Address, addr0);
            c.fact(&f2, Property::ClosedOn, "2025-03-31".into());
        }
    }
    c.rows
}

fn time(n: usize) -> (Duration, usize) {
    let rows = corpus(n, 7);
    let facts = rows.len();
    let set = FactSet::new(rows, Vec::new(), Vec::new());
    let started = Instant::now();
    let out = resolve::cluster_facts(&set, &[]);
    let took = started.elapsed();
    let facilities = out
        .clusters
        .iter()
        .filter(|c| {
            c.first()
                .and_then(|i| out.features.get(*i))
                .is_some_and(|f| f.subject.starts_with("facility:"))
        })
        .count();
    println!(
        "resolve {n:>7} facilities ({facts} facts): {took:>10.2?}, {facilities} facility clusters, {} relations",
        out.relations.len()
    );
    (took, facilities)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` (unoptimised) a small
    // run only checks the benchmark works.
    let measuring = std::env::args().any(|a| a == "--bench");
    let (small, large) = match sizes.as_slice() {
        [a, b, ..] => (*a, *b),
        _ if measuring => (10_000, 100_000),
        _ => (1_000, 10_000),
    };
    let (t_small, c_small) = time(small);
    let (t_large, c_large) = time(large);
    // Every synthetic facility must come out as exactly one cluster.
    assert_eq!((c_small, c_large), (small, large), "clusters per facility");
    println!(
        "ratio {large}/{small}: {:.2}× time for {:.0}× facilities",
        t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-9),
        large as f64 / small as f64
    );
}
