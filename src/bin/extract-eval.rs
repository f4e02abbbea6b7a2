//! `extract-eval [RELEASES_DIR] [--verbose]`: reads every real release under
//! `eval/real/releases/` with its adapter, exactly as a crawl would, and compares the facts
//! field by field with the hand-written `expected.json` beside it. Prints each document's
//! misses, then totals per field, per template and per publisher. Exits 1 below 100%.

use mieru_crawler::extract_eval::{self, Totals};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval/real/releases");
    let mut verbose = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            other => dir = PathBuf::from(other),
        }
    }
    let cases = match extract_eval::load_cases(&dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("extract-eval: {e}");
            return ExitCode::from(2);
        }
    };
    let mut results = Vec::new();
    for case in &cases {
        match extract_eval::evaluate(case) {
            Ok(r) => results.push(r),
            Err(e) => {
                eprintln!("extract-eval: {e}");
                return ExitCode::from(2);
            }
        }
    }
    for r in &results {
        let ok = r.fields.iter().filter(|f| f.ok).count();
        println!(
            "{} {:<44} {:<12} {:<11} {}/{} fields",
            if r.ok() { "ok  " } else { "MISS" },
            r.slug,
            r.template,
            r.issued_on.as_deref().unwrap_or("?"),
            ok,
            r.fields.len()
        );
        if let Some(e) = &r.parse_error {
            println!("       parse error: {e}");
        }
        for f in r.fields.iter().filter(|f| verbose || !f.ok) {
            println!(
                "       {} {:<10} expected [{}] extracted [{}]",
                if f.ok { "=" } else { "≠" },
                f.field,
                f.expected,
                f.extracted
            );
        }
    }
    let t = Totals::of(&results);
    println!();
    println!(
        "real releases: {}/{} documents fully extracted, {}/{} fields ({:.1}%)",
        t.documents_ok,
        t.documents,
        t.fields_ok,
        t.fields,
        percent(t.fields_ok, t.fields)
    );
    println!("by field:");
    for (k, (ok, n)) in &t.by_field {
        println!("  {k:<10} {ok}/{n}");
    }
    println!("by template (documents):");
    for (k, (ok, n)) in &t.by_template {
        println!("  {k:<12} {ok}/{n}");
    }
    println!("by publisher (documents):");
    for (k, (ok, n)) in &t.by_publisher {
        println!("  {k:<12} {ok}/{n}");
    }
    if t.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn percent(ok: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * ok as f64 / n as f64
    }
}
