//! mieru's search (tantivy, CJK bigrams) against SQLite FTS5 with the trigram tokenizer, on one
//! synthetic corpus (`mieru::ops::synth`: 100,000 facilities, 1,000,000 events) in one run.
//!
//! Both engines index the same fields (name, former names, addresses, identifiers, related
//! names, events' text) and get the same raw query strings, drawn from the corpus: exact names,
//! former names, partial names, addresses, plan numbers, corporate numbers, and hiragana and
//! half-width spellings of names (which only mieru folds; FTS5 gets them as typed). Every query
//! is at least 3 characters, since a trigram index cannot match anything shorter.
//!
//! mieru's search also counts all matches and computes facets; FTS5 only returns the top 20 by
//! bm25 — the comparison favours FTS5.
//!
//! Run: `cargo bench --bench search_vs_fts5`. Sizes: `MIERU_BENCH_FACILITIES` (100000),
//! `MIERU_BENCH_EVENTS_PER_FACILITY` (10), `MIERU_BENCH_QUERIES` per kind (100),
//! `MIERU_BENCH_ROUNDS` (3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;
use mieru::ops::synth::{to_halfwidth, to_hiragana, Corpus, Rng};
use mieru::search::{IndexDoc, SearchIndex};
use mieru_web::model::SearchRequest;

const LIMIT: usize = 20;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One query: its kind, the string typed, and the facility it was drawn from.
struct Query {
    kind: &'static str,
    text: String,
    target: usize,
}

fn queries(corpus: &Corpus, per_kind: usize) -> Vec<Query> {
    let mut rng = Rng::new(2026);
    let n = corpus.facilities.len();
    let mut out = Vec::new();
    let mut add = |kind: &'static str, make: &mut dyn FnMut(&mut Rng, usize) -> Option<String>| {
        let mut made = 0;
        let mut tries = 0;
        while made < per_kind && tries < per_kind * 100 {
            tries += 1;
            let target = rng.below(n);
            if let Some(text) = make(&mut rng, target).filter(|t| t.chars().count() >= 3) {
                out.push(Query { kind, text, target });
                made += 1;
            }
        }
    };
    let f = |k: usize| corpus.facilities.get(k);
    add("exact_name", &mut |_, k| f(k).map(|f| f.name.clone()));
    add("former_name", &mut |_, k| {
        f(k).and_then(|f| f.former_names.first().cloned())
    });
    add("partial_name", &mut |rng, k| {
        // A window of 3–6 characters of the name, as someone half-remembering it types.
        let chars: Vec<char> = f(k)?.name.chars().collect();
        let len = 3 + rng.below(4);
        let start = rng.below(chars.len().checked_sub(len)? + 1);
        Some(chars.get(start..start + len)?.iter().collect())
    });
    add("address", &mut |_, k| {
        // City, town and 丁目 (no prefecture), as people write an address they remember.
        let facility = f(k)?;
        let address = facility.addresses.first()?;
        let rest: String = address
            .chars()
            .skip(facility.prefecture.chars().count())
            .collect();
        let end = rest.find("丁目")? + "丁目".len();
        rest.get(..end).map(str::to_owned)
    });
    add("plan_number", &mut |_, k| {
        f(k).and_then(|f| f.plan_numbers.first().cloned())
    });
    add("corporate_number", &mut |_, k| {
        f(k).map(|f| f.corporate_number.clone())
    });
    add("hiragana", &mut |_, k| {
        let name = &f(k)?.name;
        let variant = to_hiragana(name);
        (variant != *name).then_some(variant)
    });
    add("half_width", &mut |_, k| {
        let name = &f(k)?.name;
        let variant = to_halfwidth(name);
        (variant != *name).then_some(variant)
    });
    out
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
}

/// FTS5 over the same fields, one row per facility (rowid = its position in the corpus).
fn build_fts5(path: &Path, docs: &[IndexDoc]) -> QueryResult<SqliteConnection> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?;
    conn.batch_execute(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
         CREATE VIRTUAL TABLE facility USING fts5(
             name, former_names, addresses, identifiers, related_names, text,
             tokenize = 'trigram');",
    )?;
    conn.transaction(|conn| {
        for (rowid, d) in docs.iter().enumerate() {
            diesel::sql_query(
                "INSERT INTO facility(rowid, name, former_names, addresses, identifiers,
                 related_names, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind::<BigInt, _>(i64::try_from(rowid).unwrap_or(i64::MAX))
            .bind::<Text, _>(&d.name)
            .bind::<Text, _>(d.former_names.join("\n"))
            .bind::<Text, _>(d.addresses.join("\n"))
            .bind::<Text, _>(d.identifiers.join("\n"))
            .bind::<Text, _>(d.related_names.join("\n"))
            .bind::<Text, _>(d.text.join("\n"))
            .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    // Merge the b-trees into one, the state a long-lived index settles in.
    conn.batch_execute("INSERT INTO facility(facility) VALUES ('optimize');")?;
    Ok(conn)
}

/// The user's string as one FTS5 phrase (quotes doubled), so it is never read as FTS5 syntax.
fn fts5_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

fn fts5_search(conn: &mut SqliteConnection, q: &str) -> QueryResult<Vec<i64>> {
    // Column weights follow mieru's boosts (name 5, former 3.5, address 2, related 1.5, text 1).
    diesel::sql_query(
        "SELECT rowid FROM facility WHERE facility MATCH ?
         ORDER BY bm25(facility, 5.0, 3.5, 2.0, 10.0, 1.5, 1.0) LIMIT 20",
    )
    .bind::<Text, _>(fts5_phrase(q))
    .load::<Row>(conn)
    .map(|rows| rows.into_iter().map(|r| r.rowid).collect())
}

#[derive(Default, Clone)]
struct Tally {
    timings: Vec<Duration>,
    /// Queries whose source facility was among the top 20.
    found: usize,
    /// Queries with at least one hit.
    answered: usize,
    queries: usize,
}

impl Tally {
    /// One timed answer; the query and whether it was answered and found count in the first
    /// counted round only.
    fn add(&mut self, took: Duration, first_round: bool, answered: bool, found: bool) {
        self.timings.push(took);
        if first_round {
            self.queries += 1;
            self.answered += usize::from(answered);
            self.found += usize::from(found);
        }
    }

    fn percentile(&mut self, p: usize) -> Duration {
        self.timings.sort_unstable();
        self.timings
            .get(self.timings.len().saturating_sub(1) * p / 100)
            .copied()
            .unwrap_or_default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored. Without it
    // (`cargo test --all-targets` runs benches unoptimised) a small corpus checks that the
    // benchmark still works, and its timings mean nothing.
    let measuring = std::env::args().any(|a| a == "--bench");
    let default_size = if measuring { 100_000 } else { 2_000 };
    let facilities = env_usize("MIERU_BENCH_FACILITIES", default_size);
    let per_facility = env_usize("MIERU_BENCH_EVENTS_PER_FACILITY", 10);
    let per_kind = env_usize("MIERU_BENCH_QUERIES", 100);
    let rounds = env_usize("MIERU_BENCH_ROUNDS", 3).max(1);

    let started = Instant::now();
    let corpus = Corpus::generate(20_261_125, facilities, per_facility);
    let docs: Vec<IndexDoc> = corpus.index_docs().collect();
    let text_bytes: usize = docs
        .iter()
        .map(|d| {
            d.name.len()
                + d.former_names.iter().map(String::len).sum::<usize>()
                + d.addresses.iter().map(String::len).sum::<usize>()
                + d.identifiers.iter().map(String::len).sum::<usize>()
                + d.related_names.iter().map(String::len).sum::<usize>()
                + d.text.iter().map(String::len).sum::<usize>()
        })
        .sum();
    println!(
        "corpus: {} facilities, {} events, {:.1} MiB of text, generated in {:.2?}",
        corpus.facilities.len(),
        corpus.events.len(),
        mib(text_bytes as u64),
        started.elapsed()
    );

    let work = tempfile::tempdir().expect("temporary directory");
    let index_dir = work.path().join("tantivy");
    let index = SearchIndex::open_or_create(&index_dir).expect("open tantivy index");
    let started = Instant::now();
    index.rebuild(docs.iter().cloned()).expect("tantivy build");
    let tantivy_build = started.elapsed();
    println!(
        "tantivy: built in {:.2?}, {:.1} MiB on disk ({} docs)",
        tantivy_build,
        mib(dir_size(&index_dir)),
        index.doc_count()
    );

    let fts_path = work.path().join("fts5.db");
    let started = Instant::now();
    let mut fts = build_fts5(&fts_path, &docs).expect("FTS5 build");
    let fts_build = started.elapsed();
    println!(
        "FTS5 trigram: built in {:.2?}, {:.1} MiB on disk",
        fts_build,
        mib(std::fs::metadata(&fts_path).map(|m| m.len()).unwrap_or(0))
    );
    drop(docs);

    let queries = queries(&corpus, per_kind);
    let ids: HashMap<&str, usize> = corpus
        .facilities
        .iter()
        .enumerate()
        .map(|(k, f)| (f.id.as_str(), k))
        .collect();
    let mut mieru_tally: HashMap<&str, Tally> = HashMap::new();
    let mut unpruned_tally: HashMap<&str, Tally> = HashMap::new();
    let mut fts_tally: HashMap<&str, Tally> = HashMap::new();
    // Round 0 warms caches and is not counted.
    for round in 0..=rounds {
        for q in &queries {
            let req = SearchRequest {
                q: q.text.clone(),
                limit: LIMIT,
                ..SearchRequest::default()
            };
            // mieru as it serves (near-universal tokens pruned from the gate), then with every
            // token: what the pruning costs in recall and buys in time, on the same queries.
            for (pruning, tally) in [(true, &mut mieru_tally), (false, &mut unpruned_tally)] {
                index.set_pruning(pruning);
                let t = Instant::now();
                let hits = index.search(&req).expect("mieru search");
                let took = t.elapsed();
                if round > 0 {
                    tally.entry(q.kind).or_default().add(
                        took,
                        round == 1,
                        !hits.hits.is_empty(),
                        hits.hits
                            .iter()
                            .any(|h| ids.get(h.id.as_str()) == Some(&q.target)),
                    );
                }
            }
            index.set_pruning(true);

            let t = Instant::now();
            let rows = fts5_search(&mut fts, &q.text).expect("FTS5 search");
            let took = t.elapsed();
            if round > 0 {
                fts_tally.entry(q.kind).or_default().add(
                    took,
                    round == 1,
                    !rows.is_empty(),
                    rows.iter()
                        .any(|r| usize::try_from(*r).ok() == Some(q.target)),
                );
            }
        }
    }

    println!(
        "\n{} queries x {rounds} rounds; latency in ms; found = source facility in the top {LIMIT}",
        queries.len()
    );
    let mut fts_unpruned = fts_tally.clone();
    println!("\nmieru as served (near-universal tokens pruned from the gate) against FTS5:");
    let (mut all_mieru, mut all_fts) =
        print_table(&kinds_of(&queries), &mut mieru_tally, &mut fts_tally);
    println!("\nmieru with every token (no pruning) against FTS5:");
    print_table(&kinds_of(&queries), &mut unpruned_tally, &mut fts_unpruned);
    let (m50, m99, f50, f99) = (
        all_mieru.percentile(50),
        all_mieru.percentile(99),
        all_fts.percentile(50),
        all_fts.percentile(99),
    );
    println!(
        "\nmieru p99 {:.3} ms (target < 10 ms: {}); FTS5/mieru at p99 {:.1}x, at p50 {:.1}x (target >= 3x: {})",
        ms(m99),
        if m99 < Duration::from_millis(10) { "met" } else { "MISSED" },
        ms(f99) / ms(m99).max(1e-9),
        ms(f50) / ms(m50).max(1e-9),
        if f99 >= m99 * 3 { "met" } else { "MISSED" }
    );
    println!(
        "index build: mieru {:.2?}, FTS5 {:.2?}",
        tantivy_build, fts_build
    );
}

/// The kinds of `queries`, in the order they first appear.
fn kinds_of(queries: &[Query]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = Vec::new();
    for q in queries {
        if !kinds.contains(&q.kind) {
            kinds.push(q.kind);
        }
    }
    kinds
}

/// Prints one engine's latency and recall per kind beside FTS5's; returns both over all kinds.
fn print_table(
    kinds: &[&str],
    mieru_tally: &mut HashMap<&str, Tally>,
    fts_tally: &mut HashMap<&str, Tally>,
) -> (Tally, Tally) {
    println!(
        "{:<17} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>7}   {:>9}",
        "kind", "mieru p50", "p99", "found", "FTS5 p50", "p99", "found", "p99 ratio"
    );
    let mut all_mieru = Tally::default();
    let mut all_fts = Tally::default();
    for kind in kinds {
        let (Some(m), Some(f)) = (mieru_tally.get_mut(*kind), fts_tally.get_mut(*kind)) else {
            continue;
        };
        let (m50, m99, f50, f99) = (
            m.percentile(50),
            m.percentile(99),
            f.percentile(50),
            f.percentile(99),
        );
        println!(
            "{kind:<17} {:>9.3} {:>9.3} {:>3}/{:<3}   {:>9.3} {:>9.3} {:>3}/{:<3}   {:>8.1}x",
            ms(m50),
            ms(m99),
            m.found,
            m.queries,
            ms(f50),
            ms(f99),
            f.found,
            f.queries,
            ms(f99) / ms(m99).max(1e-9)
        );
        all_mieru.timings.extend(&m.timings);
        all_fts.timings.extend(&f.timings);
        all_mieru.found += m.found;
        all_fts.found += f.found;
        all_mieru.queries += m.queries;
        all_fts.queries += f.queries;
    }
    let (m50, m99, f50, f99) = (
        all_mieru.percentile(50),
        all_mieru.percentile(99),
        all_fts.percentile(50),
        all_fts.percentile(99),
    );
    println!(
        "{:<17} {:>9.3} {:>9.3} {:>3}/{:<3}   {:>9.3} {:>9.3} {:>3}/{:<3}   {:>8.1}x",
        "ALL",
        ms(m50),
        ms(m99),
        all_mieru.found,
        all_mieru.queries,
        ms(f50),
        ms(f99),
        all_fts.found,
        all_fts.queries,
        ms(f99) / ms(m99).max(1e-9)
    );
    (all_mieru, all_fts)
}
