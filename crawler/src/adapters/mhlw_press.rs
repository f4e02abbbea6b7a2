//! `mhlw-press`: the Ministry's press releases on orders under the Act (old Shift_JIS template
//! of 2016–2017 and the current one), and the page that lists them.
//!
//! A release is read by its text, not its markup, through [`super::order`], which knows every
//! template the Ministry has used (prose lead, 記 blocks, target lists). A release whose parties
//! cannot be read is a parse error, never an action without targets.

use super::order::{Order, OrderError};
use super::util;
use crate::adapter::{Adapter, ParseError, Parsed};
use crate::document::{Body, Document};
use url::Url;

pub const NAME: &str = "mhlw-press";
const HOST: &str = "www.mhlw.go.jp";

pub struct MhlwPress;

impl Adapter for MhlwPress {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }

    fn start_requests(&self, _ctx: &crate::adapter::StartContext) -> Vec<crate::request::Request> {
        super::fixed_requests(&[
            "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/saisei_iryou/meirei.html",
        ])
    }

    fn check_structure(&self, _doc: &Document) -> Vec<String> {
        vec!["structure check not written yet".to_string()]
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let (lines, links) = match &doc.body {
            Body::Html(html) => (
                util::html_lines(html),
                release_links(util::html_links(html, &doc.meta.url, &[HOST])),
            ),
            Body::Text(text) => (util::text_lines(text), Vec::new()),
            _ => {
                return Err(ParseError::WrongKind(
                    "expected an HTML or PDF release".into(),
                ))
            }
        };
        let id = util::url_stem(&doc.meta.url).unwrap_or_else(|| doc.meta.sha256.clone());
        let facts = match Order::read(&lines, "厚生労働大臣") {
            Ok(order) => order.facts(NAME, &id),
            Err(OrderError::NotAnOrder) => Vec::new(),
            Err(OrderError::NoTargets(why)) => return Err(ParseError::Malformed(why)),
        };
        if facts.is_empty() && links.is_empty() {
            return Err(ParseError::NoContent(
                "neither a release nor a list of releases".into(),
            ));
        }
        Ok(Parsed { facts, links: super::gets(links) })
    }
}

/// Only releases and their attachments: the index also links to other parts of the site.
fn release_links(links: Vec<Url>) -> Vec<Url> {
    links
        .into_iter()
        .filter(|u| {
            let p = u.path();
            (p.starts_with("/stf/houdou/") && p.ends_with(".html"))
                || p.starts_with("/stf/newpage_")
                || (p.starts_with("/content/") && p.ends_with(".pdf"))
        })
        .collect()
}
