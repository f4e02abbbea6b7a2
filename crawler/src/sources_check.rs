//! `mieru sources check`: fetch only each source's entry pages and say whether the structure
//! its adapter reads is still there (list classes, token fields, table columns). A user runs
//! it on a connected machine before a crawl; a site that changed its markup is named, instead
//! of a crawl that quietly reads nothing.

use crate::adapter::{Adapter, StartContext};
use crate::decode::decode_fetched;
use crate::document::Document;
use crate::fetch::{FetchOutcome, Fetcher};
use std::fmt;

/// What one entry page showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageState {
    /// Fetched, and every structure the adapter reads is there.
    Ok,
    /// Fetched, but these structures are missing.
    Drifted(Vec<String>),
    /// A computed page (this month's list) that does not exist yet: not a drift.
    NotYetPublished,
    /// Could not be fetched (404, network, robots): the source cannot be checked.
    Unreachable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCheck {
    pub url: String,
    pub state: PageState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCheck {
    pub source: String,
    pub pages: Vec<PageCheck>,
}

impl SourceCheck {
    /// Every page was reachable (or legitimately not yet published) and intact.
    pub fn passed(&self) -> bool {
        !self.pages.is_empty()
            && self
                .pages
                .iter()
                .all(|p| matches!(p.state, PageState::Ok | PageState::NotYetPublished))
    }
}

impl fmt::Display for SourceCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.passed() { "ok" } else { "DRIFTED" };
        writeln!(f, "{}: {verdict}", self.source)?;
        if self.pages.is_empty() {
            writeln!(f, "  (no entry pages: source disabled)")?;
        }
        for p in &self.pages {
            match &p.state {
                PageState::Ok => writeln!(f, "  ok        {}", p.url)?,
                PageState::NotYetPublished => writeln!(f, "  not yet   {}", p.url)?,
                PageState::Drifted(missing) => {
                    writeln!(f, "  missing   {}: {}", p.url, missing.join("; "))?
                }
                PageState::Unreachable(e) => writeln!(f, "  failed    {}: {e}", p.url)?,
            }
        }
        Ok(())
    }
}

/// Check every adapter's entry pages (only its GET start requests: a check never downloads
/// a file). An adapter without start requests (disabled) is reported with no pages.
pub async fn check_sources(
    adapters: &[&dyn Adapter],
    fetcher: &Fetcher,
    ctx: &StartContext,
) -> Vec<SourceCheck> {
    fetcher.begin_crawl();
    let mut out = Vec::new();
    for adapter in adapters {
        let mut pages = Vec::new();
        let limits = adapter.limits();
        for request in adapter.start_requests(ctx).iter().filter(|r| r.is_get()) {
            let url = request.url.to_string();
            let state = match fetcher.send(adapter.name(), request, None, &limits).await {
                Ok(FetchOutcome::Fetched { mut meta, raw }) => {
                    match decode_fetched(&mut meta, &raw, fetcher.config().decode_cap) {
                        Ok(body) => {
                            let doc = Document { meta, body };
                            let missing = adapter.check_structure(&doc);
                            if missing.is_empty() {
                                PageState::Ok
                            } else {
                                PageState::Drifted(missing)
                            }
                        }
                        Err(e) => PageState::Unreachable(e),
                    }
                }
                Ok(FetchOutcome::Gone(_)) if request.may_be_missing => PageState::NotYetPublished,
                Ok(FetchOutcome::Gone(s)) => PageState::Unreachable(format!("HTTP {s}")),
                Ok(FetchOutcome::NotModified) => {
                    PageState::Unreachable("unexpected 304 to an unconditional GET".into())
                }
                Err(e) => PageState::Unreachable(e.to_string()),
            };
            pages.push(PageCheck { url, state });
        }
        out.push(SourceCheck {
            source: adapter.name().to_string(),
            pages,
        });
    }
    out
}
