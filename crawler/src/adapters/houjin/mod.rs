//! `houjin-bangou`: the National Tax Agency's corporate number files (full and diff CSV, 30
//! columns, no header, inside a zip) and the download pages that offer them.
//!
//! **Where files come from.** `/download/sabun/` lists the daily diffs (kept about 40 days),
//! `/download/zenken/` the monthly full files per prefecture, 全国 and 国外. A file arrives
//! only by a form POST of the page's token and the file's number, read fresh from the page
//! on every crawl ([`download`]): the diffs always, the full files of the prefectures chosen
//! in [`Options::full_prefectures`] only (the nationwide file is about 255 MB). The CSV in
//! Unicode is read (see [`download::SECTION`] for why not Shift_JIS). Each zip holds the CSV
//! and its `.asc` signature (`13_tokyo_all_20261031.csv.asc`): the zip is archived whole, so
//! the signature is kept beside the CSV and nothing else is requested for it.
//!
//! With a Web-API application ID ([`Options::app_id`]), each corporate number mieru links
//! ([`Options::numbers`]) is also read from `api.houjin-bangou.nta.go.jp/4/num` with its
//! history. The ID is sent but never part of a document's name.
//!
//! **Rows.** Every row is kept, superseded ones (latest = 0) and corrections included:
//! together they are the rename, relocation, closure and merger history of a corporation.
//! Web-API responses (XML, or CSV whose first line is a 4-field header) and the older Web-API
//! layouts (ver. 2: 28 columns, ver. 1: 23) read the same way. What each process code states
//! is in [`Process`]; real rows for most codes are under `eval/real/houjin-bangou/`.
//!
//! Whatever is shown from these files must say 「出典：国税庁法人番号公表サイト（国税庁）」
//! ([`ATTRIBUTION`]).

pub mod download;
mod rows;
#[cfg(test)]
mod tests;

pub use download::PageKind;
pub use rows::{org_key, Process};

use crate::adapter::{Adapter, ParseError, Parsed, SourceLimits, StartContext};
use crate::adapters::util::{self, Facts};
use crate::document::{Body, Document};
use crate::request::Request;
use std::time::Duration;
use url::Url;

pub const NAME: &str = "houjin-bangou";
/// The download site.
pub const HOST: &str = "www.houjin-bangou.nta.go.jp";
/// The Web-API (used only with an application ID).
pub const API_HOST: &str = "api.houjin-bangou.nta.go.jp";
/// The daily diffs.
pub const DIFF_PAGE: &str = "https://www.houjin-bangou.nta.go.jp/download/sabun/";
/// The monthly full files.
pub const FULL_PAGE: &str = "https://www.houjin-bangou.nta.go.jp/download/zenken/";
/// The Web-API's lookup by number (ver. 4).
pub const API_NUM: &str = "https://api.houjin-bangou.nta.go.jp/4/num";
/// The credit the site's terms require wherever its data is shown.
pub const ATTRIBUTION: &str = "出典：国税庁法人番号公表サイト（国税庁）";

/// What a user chose for this source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Prefectures (JIS codes 1–47; 0 = 全国, 99 = 国外) whose monthly full files are fetched
    /// (`--houjin-full 13,27`).
    pub full_prefectures: Vec<u8>,
    /// Web-API application ID (`MIERU_HOUJIN_APP_ID`); the Web-API is used only when set.
    pub app_id: Option<String>,
    /// Corporate numbers mieru links, looked up through the Web-API.
    pub numbers: Vec<String>,
}

/// The adapter, with the user's choices.
#[derive(Debug, Clone, Default)]
pub struct HoujinBangou {
    options: Options,
}

impl HoujinBangou {
    pub fn new(options: Options) -> Self {
        Self { options }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// One Web-API lookup per valid corporate number (XML, `type=12`, with history). The
    /// document is named by the URL without `id=`: the application ID is a credential.
    fn api_requests(&self) -> Vec<Request> {
        let Some(app_id) = self.options.app_id.as_deref().filter(|a| !a.is_empty()) else {
            return Vec::new();
        };
        let mut numbers: Vec<&str> = Vec::new();
        for n in &self.options.numbers {
            let n = n.trim();
            if util::valid_corporate_number(n) && !numbers.contains(&n) {
                numbers.push(n);
            }
        }
        numbers
            .into_iter()
            .filter_map(|n| {
                let query = [("number", n), ("type", "12"), ("history", "1")];
                let document = Url::parse_with_params(API_NUM, query).ok()?;
                let mut url = Url::parse_with_params(API_NUM, [("id", app_id)]).ok()?;
                url.query_pairs_mut().extend_pairs(query);
                let mut request = Request::get(document);
                request.url = url;
                Some(request)
            })
            .collect()
    }
}

/// A download page as HTML (an XML file served as HTML is data, not a page).
fn download_page(doc: &Document) -> Option<&str> {
    match &doc.body {
        Body::Html(html) if !html.contains("<corporation>") => Some(html),
        _ => None,
    }
}

impl Adapter for HoujinBangou {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST, API_HOST]
    }

    fn limits(&self) -> SourceLimits {
        // A prefecture's full file is tens of megabytes, the nationwide one about 255 MB.
        SourceLimits {
            size_cap: Some(512 * 1024 * 1024),
            timeout: Some(Duration::from_secs(600)),
            min_interval: None,
        }
    }

    fn start_requests(&self, _ctx: &StartContext) -> Vec<Request> {
        let mut pages = vec![DIFF_PAGE];
        if !self.options.full_prefectures.is_empty() {
            pages.push(FULL_PAGE);
        }
        let mut out = super::fixed_requests(&pages);
        out.extend(self.api_requests());
        out
    }

    fn check_structure(&self, doc: &Document) -> Vec<String> {
        let Ok(url) = Url::parse(&doc.meta.url) else {
            return vec![format!("unreadable URL {}", doc.meta.url)];
        };
        if url.host_str() == Some(API_HOST) {
            let mut f = Facts::default();
            return match rows::read_body(&doc.body, &mut f) {
                0 => vec!["Web-API corporation records (<corporation> or CSV rows)".into()],
                _ => Vec::new(),
            };
        }
        match download_page(doc) {
            Some(html) => download::missing(&url, html),
            None => vec!["download page as HTML".into()],
        }
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let url = Url::parse(&doc.meta.url).ok();
        if let Some(html) = download_page(doc) {
            let kind = url.as_ref().and_then(PageKind::of);
            return match (url, kind) {
                // A form download answered by a page: the site refused the token or session.
                (Some(url), _) if url.fragment().is_some() => Err(ParseError::WrongKind(
                    "a page where a file was expected (token or session refused?)".into(),
                )),
                (Some(url), Some(kind)) => Ok(Parsed {
                    facts: Vec::new(),
                    links: download::requests(&url, html, kind, &self.options)?,
                }),
                _ => Err(ParseError::WrongKind(
                    "not a download page (/download/sabun/ or /download/zenken/)".into(),
                )),
            };
        }
        let mut f = Facts::default();
        let rows = rows::read_body(&doc.body, &mut f);
        if rows == 0 {
            return Err(ParseError::NoContent("no corporate number rows".into()));
        }
        Ok(Parsed {
            facts: f.into_vec(),
            links: Vec::new(),
        })
    }
}
