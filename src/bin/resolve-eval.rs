//! `resolve-eval [EVAL_DIR] [--verbose]`: ingests the labeled evaluation set (`eval/`) with the
//! real adapters into a temporary SQLite store, resolves, and prints pairwise precision, recall
//! and F1 of identity links, the number of false merges, and the successor relations found.

use mieru::app::Mieru;
use mieru::resolve::{self, eval};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(ok) => {
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("resolve-eval: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<bool> {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval");
    let mut verbose = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            other => dir = PathBuf::from(other),
        }
    }
    let (docs, gold) = eval::load(&dir)?;
    let tmp = tempfile::tempdir()?;
    let app = Mieru::open(tmp.path(), None)?;
    let n = eval::ingest(&app, &dir, &docs)?;
    let mut conn = app.pool.get()?;
    let started = std::time::Instant::now();
    let (report, _) = resolve::run(&mut conn)?;
    let took = started.elapsed();
    let m = eval::score(&mut conn, &gold)?;

    println!("documents:           {n}");
    println!("resolution:          {report} in {:.2?}", took);
    println!(
        "gold:                {} entities, {} subject keys, {} same-entity pairs",
        gold.entities.len(),
        m.gold_subjects,
        m.gold_pairs
    );
    println!("precision:           {:.4}", m.precision());
    println!("recall:              {:.4}", m.recall());
    println!("F1:                  {:.4}", m.f1());
    println!(
        "pairs:               {} true of {} predicted",
        m.true_pairs, m.predicted_pairs
    );
    println!("false merges:        {}", m.false_merges);
    println!(
        "relations:           {}/{} expected successor relations found, {} unexpected",
        m.relations_found, m.relations_expected, m.spurious_successors
    );
    println!(
        "possible links:      {} ({} without evidence)",
        m.possible_links, m.possible_without_evidence
    );
    if !m.missing_subjects.is_empty() {
        println!(
            "missing subjects:    {} (gold out of step with the adapters)",
            m.missing_subjects.len()
        );
    }
    if verbose {
        for s in &m.missing_subjects {
            println!("  missing {s}");
        }
        for e in &m.errors {
            println!("  {e}");
        }
    }
    Ok(m.false_merges == 0
        && m.precision() >= 1.0
        && m.recall() >= 0.97
        && m.missing_subjects.is_empty()
        && m.possible_without_evidence == 0)
}
