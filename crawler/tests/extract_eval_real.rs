//! The real record is the spec: every real release under `eval/real/releases/` must be
//! extracted field for field as its hand-written `expected.json` says (`cargo run --bin
//! extract-eval` prints the same comparison in full).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use mieru_crawler::extract_eval::{self, Totals};
use std::path::Path;

#[test]
fn every_real_release_is_extracted_in_full() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/real/releases");
    let cases = extract_eval::load_cases(&dir).expect("real corpus");
    assert!(cases.len() >= 5, "the real corpus shrank: {}", cases.len());
    let results: Vec<_> = cases
        .iter()
        .map(|c| extract_eval::evaluate(c).expect("evaluate"))
        .collect();
    let misses: Vec<String> = results
        .iter()
        .flat_map(|r| {
            let parse = r
                .parse_error
                .iter()
                .map(move |e| format!("{}: parse error {e}", r.slug));
            let fields = r.fields.iter().filter(|f| !f.ok).map(move |f| {
                format!(
                    "{} {}: expected [{}] extracted [{}]",
                    r.slug, f.field, f.expected, f.extracted
                )
            });
            parse.chain(fields).collect::<Vec<_>>()
        })
        .collect();
    assert!(misses.is_empty(), "{}", misses.join("\n"));
    let t = Totals::of(&results);
    assert!(t.all_ok());
    // Both publishers and both templates seen so far stay covered.
    assert!(t.by_template.contains_key("prose_lead") && t.by_template.contains_key("hishobunsha"));
    assert!(t.by_publisher.keys().any(|p| p.ends_with("厚生局")));
}
