//! The adapter contract: one module per public source.
//!
//! An adapter knows where its source starts, which documents it links to, and how to turn one
//! decoded document into facts. It never fetches by itself and never touches storage: the
//! crawl driver fetches, and a [`crate::sink::Sink`] stores what the adapter returns.

use crate::document::Document;
use crate::provenance::Fact;
use crate::request::Request;
use chrono::{Datelike, NaiveDate};
use std::time::Duration;

/// What an adapter read from one document.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Parsed {
    pub facts: Vec<Fact>,
    /// Further documents of this source to fetch (absolute, real-host URLs or form requests).
    pub links: Vec<Request>,
}

/// Why a document could not be read. The document is still archived; the error is recorded
/// against it and shown on the source-health page.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("unexpected document kind: {0}")]
    WrongKind(String),
    #[error("no recognisable content: {0}")]
    NoContent(String),
    #[error("malformed document: {0}")]
    Malformed(String),
    /// Archived whole but too large to decode in memory; nothing is lost, nothing is read.
    #[error("archived but not read: {0}")]
    TooLarge(String),
}

/// The first month the Act was in force: `--since` never walks back further.
pub const FIRST_MONTH: (i32, u32) = (2014, 11);

/// What start requests may depend on: today's date and how far back a crawl walks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartContext {
    pub today: NaiveDate,
    /// First month to read (`mieru crawl --since YYYY-MM`); `None` reads the current and the
    /// previous month, since a month's list may not exist yet on its first day.
    pub since: Option<NaiveDate>,
}

impl StartContext {
    pub fn new(today: NaiveDate, since: Option<NaiveDate>) -> Self {
        Self { today, since }
    }

    /// Today (UTC+9 would change the month only for a few hours a month; the previous month
    /// is always read too).
    pub fn now() -> Self {
        Self::new(chrono::Utc::now().date_naive(), None)
    }

    /// The first day of each month to read, newest first.
    pub fn months(&self) -> Vec<NaiveDate> {
        let first_of = |d: NaiveDate| d.with_day(1).unwrap_or(d);
        let current = first_of(self.today);
        let floor = NaiveDate::from_ymd_opt(FIRST_MONTH.0, FIRST_MONTH.1, 1).unwrap_or(current);
        let oldest = match self.since {
            Some(s) => first_of(s).max(floor).min(current),
            None => current
                .checked_sub_months(chrono::Months::new(1))
                .unwrap_or(current),
        };
        let mut out = Vec::new();
        let mut m = current;
        while m >= oldest {
            out.push(m);
            match m.checked_sub_months(chrono::Months::new(1)) {
                Some(prev) => m = prev,
                None => break,
            }
        }
        out
    }
}

/// Limits a source sets for itself where the crawl-wide ones do not fit (a full corporate
/// file is larger than any page; jRCT asks for one request per 10 s).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceLimits {
    pub size_cap: Option<u64>,
    pub timeout: Option<Duration>,
    /// At least this long between two requests of this source to one host.
    pub min_interval: Option<Duration>,
}

pub trait Adapter: Send + Sync {
    /// The adapter's name on the command line and in the database (`mhlw-press`, …).
    fn name(&self) -> &'static str;

    /// Real hosts this source may fetch from; links to any other host are never followed.
    fn hosts(&self) -> &'static [&'static str];

    /// Where a crawl of this source begins (entry pages from `sources.md` §7, or month pages
    /// computed from them).
    fn start_requests(&self, ctx: &StartContext) -> Vec<Request>;

    /// This source's own size cap, timeout and pace; the crawl-wide ones where `None`.
    fn limits(&self) -> SourceLimits {
        SourceLimits::default()
    }

    /// Read one document. `doc.meta.url` is the real URL even when fetched from a mirror.
    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError>;

    /// For an entry page this adapter starts from: the structures it reads that are missing
    /// (a list class, a token field, a table's columns), each named; empty when all are
    /// there. `mieru sources check` runs it before a crawl to catch a site that changed.
    fn check_structure(&self, doc: &Document) -> Vec<String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_default_to_this_and_the_previous_one() {
        let ctx = StartContext::new(d(2026, 1, 1), None);
        assert_eq!(ctx.months(), [d(2026, 1, 1), d(2025, 12, 1)]);
    }

    #[test]
    fn since_walks_back_no_further_than_the_act() {
        let ctx = StartContext::new(d(2026, 12, 7), Some(d(2026, 10, 1)));
        assert_eq!(
            ctx.months(),
            [d(2026, 12, 1), d(2026, 11, 1), d(2026, 10, 1)]
        );
        let all = StartContext::new(d(2026, 12, 7), Some(d(2001, 1, 1))).months();
        assert_eq!(all.last(), Some(&d(2014, 11, 1)));
        assert_eq!(all.len(), 12 * 12 + 2);
        let future = StartContext::new(d(2026, 12, 7), Some(d(2030, 1, 1)));
        assert_eq!(future.months(), [d(2026, 12, 1)]);
    }
}
