//! Scaling of entity resolution: the synthetic registry (`mieru::ops::synth`) at 10,000 and 100,000
//! facilities (each seen by three or four sources, a fifth of them renamed, some relocated, a
//! tenth of the others closed, each with an operator and a manager), clustered with the real
//! resolver (`resolve::cluster_facts`: features, blocking,
//! identifier, name, address and scored passes, relations). Prints the time of each size and
//! their ratio; blocking keeps it near-linear (the bound: 100k ≤ 15 × 10k).
//!
//! `cargo bench -p mieru --bench resolve` (add `-- 20000 200000` for other sizes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use mieru::ops::synth::{Corpus, Spec};
use mieru::pipeline::resolve::{self, facts::FactSet};
use mieru::store::models::FactRow;
use std::time::{Duration, Instant};

/// The identity facts of the synthetic registry (`mieru::ops::synth::facts`): what clustering reads.
/// A fifth of the facilities renamed, as this benchmark has always had; plans and actions are
/// left out (they are one entity per number or subject and never clustered).
fn corpus(n: usize, seed: u64) -> Vec<FactRow> {
    let spec = Spec {
        renamed_percent: 20,
        ..Spec::new(seed, n, 10)
    };
    let mut rows = Corpus::from_spec(&spec).fact_rows(1_000);
    rows.retain(|r| !matches!(r.subject_kind.as_str(), "plan" | "action"));
    rows
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
                .is_some_and(|f| {
                    f.subject.starts_with("facility:") || f.subject.starts_with("cpc:")
                })
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
