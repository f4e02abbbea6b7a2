//! `e-saisei`: e-再生医療, the Ministry's register of provision plans and certified committees.
//!
//! - the public plan lists of 第二種 / 第三種 plans (`/published_plan/index/2`, `/index/3`):
//!   one plan and one provider per row ([`plans`]);
//! - the certified committees (`/disclosed_committee/index/1`, `/index/2`, paged), each with
//!   a history page and a disclosure page ([`committees`]).
//!
//! A document is read by what its URL says it is; a user's file (no real URL) by its content.

mod committees;
mod plans;

use crate::adapter::{Adapter, ParseError, Parsed, StartContext};
use crate::document::{Body, Document};
use crate::request::Request;
use url::Url;

pub const NAME: &str = "e-saisei";
const HOST: &str = "saiseiiryo.mhlw.go.jp";

/// Entry pages (`sources.md` §7): the plan lists, then the committee lists.
const START_URLS: [&str; 4] = [
    "https://saiseiiryo.mhlw.go.jp/published_plan/index/2",
    "https://saiseiiryo.mhlw.go.jp/published_plan/index/3",
    "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/1",
    "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/2",
];

/// The adapter. For the length of one crawl it remembers the committee history links the list
/// pages showed, so that paging stops at the first page that adds none.
#[derive(Debug, Default)]
pub struct ESaisei {
    paging: committees::Paging,
}

impl ESaisei {
    pub fn new() -> Self {
        Self::default()
    }
}

/// The kinds of page this source serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    PlanList,
    CommitteeList,
    CommitteeHistory,
    CommitteePreview,
}

fn page_kind(url: Option<&Url>, html: &str) -> Page {
    if let Some(u) = url.filter(|u| u.host_str() == Some(HOST)) {
        let path = u.path();
        if committees::list_position(u).is_some() {
            return Page::CommitteeList;
        } else if path.starts_with("/disclosed_committee/history/") {
            return Page::CommitteeHistory;
        } else if path.starts_with("/disclosed_committee/preview/") {
            return Page::CommitteePreview;
        } else if plans::is_list(u) {
            return Page::PlanList;
        }
    }
    // A file without its real URL: what it holds says what it is.
    if html.contains("/disclosed_committee/history/") {
        Page::CommitteeList
    } else if html.contains("再生医療等委員会を設置する者") {
        Page::CommitteePreview
    } else if html.contains("審査等業務") && html.contains("認定番号") {
        Page::CommitteeHistory
    } else {
        Page::PlanList
    }
}

impl Adapter for ESaisei {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }

    fn start_requests(&self, _ctx: &StartContext) -> Vec<Request> {
        // A new crawl: the committee lists are paged afresh.
        self.paging.reset();
        super::fixed_requests(&START_URLS)
    }

    fn check_structure(&self, doc: &Document) -> Vec<String> {
        let Body::Html(html) = &doc.body else {
            return vec!["an HTML page (got another kind of document)".to_string()];
        };
        let url = Url::parse(&doc.meta.url).ok();
        match page_kind(url.as_ref(), html) {
            Page::PlanList => plans::check(html),
            Page::CommitteeList => committees::check_list(html),
            Page::CommitteeHistory | Page::CommitteePreview => Vec::new(),
        }
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let Body::Html(html) = &doc.body else {
            return Err(ParseError::WrongKind("e-saisei pages are HTML".into()));
        };
        let base = Url::parse(&doc.meta.url).ok();
        match page_kind(base.as_ref(), html) {
            Page::PlanList => plans::parse(html, base.as_ref()),
            Page::CommitteeList => committees::parse_list(html, base.as_ref(), &self.paging),
            Page::CommitteeHistory => committees::parse_history(html, base.as_ref()),
            Page::CommitteePreview => committees::parse_preview(html, base.as_ref()),
        }
    }
}
