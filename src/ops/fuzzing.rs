//! Fuzz entry points of the whole workspace: the crawler's parsers
//! ([`mieru_crawler::fuzzing`]) and the search query parser, which lives here. The cargo-fuzz
//! targets (`fuzz/fuzz_targets/*.rs`) and `tests/fuzz_regressions.rs` both call [`run`], so a
//! corpus file replays the same code on stable Rust.

use std::sync::OnceLock;

use mieru_web::model::SearchRequest;

use crate::ops::synth::Corpus;
use crate::search::{SearchError, SearchIndex, DEFAULT_LIMIT, MAX_LIMIT};

/// Every fuzz target: the crawler's, then `search_query`.
pub fn targets() -> Vec<&'static str> {
    let mut all = mieru_crawler::fuzzing::TARGETS.to_vec();
    all.push("search_query");
    all
}

/// Runs the target called `name` on `data`; `false` when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "search_query" => {
            search_query(data);
            true
        }
        other => mieru_crawler::fuzzing::run(other, data),
    }
}

/// A small fixed index (synthetic facilities with former names, addresses and identifiers),
/// built once per process: the parser needs a searcher for its pruning and fuzzy terms.
// A fuzz harness that cannot build its fixed index must stop at once, not fuzz nothing.
#[allow(clippy::expect_used)]
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().expect("in-memory index");
        index
            .rebuild(Corpus::generate(11, 300, 4).index_docs())
            .expect("index the synthetic corpus");
        index
    })
}

/// Filters the web layer may pass through (it validates their form, not their value).
const PREFECTURES: &[&str] = &["東京都", "大阪府", "北海道", "", "東京"];
const KINDS: &[&str] = &["facility", "cpc", "organization", "action", "plan", "x"];
const ACTION_TYPES: &[&str] = &["improvement_order", "emergency_order", "other", ""];

/// Input layout: one byte of filter flags, two bytes of offset, one byte of limit, then the
/// query string (lossy UTF-8). Any query must give results or a `BadQuery` (a 400), never an
/// index error (a 500), and the page must respect the limit.
fn search_query(data: &[u8]) {
    let (head, rest) = data.split_at(data.len().min(4));
    let byte = |i: usize| head.get(i).copied().unwrap_or(0);
    let flags = byte(0);
    let pick = |list: &[&str], shift: u8| -> Option<String> {
        (flags >> shift & 1 == 1)
            .then(|| list.get(usize::from(flags) % list.len()))
            .flatten()
            .map(|s| (*s).to_owned())
    };
    let req = SearchRequest {
        q: String::from_utf8_lossy(rest).into_owned(),
        prefecture: pick(PREFECTURES, 0),
        kind: pick(KINDS, 1),
        action_type: pick(ACTION_TYPES, 2),
        year: (flags >> 3 & 1 == 1).then_some(2015 + i32::from(flags % 16)),
        offset: usize::from(u16::from_le_bytes([byte(1), byte(2)])),
        limit: usize::from(byte(3)),
    };
    match index().search(&req) {
        Ok(results) => {
            let limit = if req.limit == 0 {
                DEFAULT_LIMIT
            } else {
                req.limit
            };
            assert!(results.hits.len() <= limit.min(MAX_LIMIT), "page too long");
            assert!(
                results.total >= (req.offset + results.hits.len()) as u64
                    || results.hits.is_empty(),
                "total {} below the page's end",
                results.total
            );
        }
        Err(SearchError::BadQuery(_)) => {}
        Err(e @ SearchError::Index(_)) => panic!("query {:?} broke the index: {e}", req.q),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_query_runs_on_plain_and_odd_input() {
        for q in [
            &b"\x00\x00\x00\x05\xE9\x8A\x80\xE5\xBA\xA7"[..],
            b"\xff\xff\xff\xff(",
            b"",
            b"\x0f\x10\x27\x00 a b c \" * ~ ^",
        ] {
            assert!(run("search_query", q));
        }
        assert!(targets().contains(&"search_query"));
        assert!(targets().contains(&"html_jrct"));
    }
}
