//! `houjin-bangou`: the National Tax Agency's corporate number files (full and diff CSV, 30
//! columns, no header, Shift_JIS inside a zip) and the download page that links them.
//!
//! Every row is kept, superseded ones (latest = 0) and corrections included: together they are
//! the rename, relocation, closure and merger history of a corporation.

use super::util::{self, clean, Facts};
use crate::adapter::{Adapter, ParseError, Parsed};
use crate::document::{Body, Document};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;
use url::Url;

pub const NAME: &str = "houjin-bangou";
const HOST: &str = "www.houjin-bangou.nta.go.jp";

pub struct HoujinBangou;

/// Column positions (0-based) of the 30-column format.
mod col {
    pub const CORPORATE_NUMBER: usize = 1;
    pub const PROCESS: usize = 2;
    pub const UPDATE_DATE: usize = 4;
    pub const CHANGE_DATE: usize = 5;
    pub const NAME: usize = 6;
    pub const KIND: usize = 8;
    pub const PREFECTURE: usize = 9;
    pub const CITY: usize = 10;
    pub const STREET: usize = 11;
    pub const ADDRESS_OUTSIDE: usize = 16;
    pub const CLOSE_DATE: usize = 18;
    pub const CLOSE_CAUSE: usize = 19;
    pub const SUCCESSOR: usize = 20;
    pub const ASSIGNMENT_DATE: usize = 22;
    pub const LATEST: usize = 23;
    pub const EN_NAME: usize = 24;
    pub const FURIGANA: usize = 28;
}

/// Key of a corporation in this source: its 法人番号.
pub fn org_key(number: &str) -> SubjectKey {
    SubjectKey::new(K::Organization, NAME, number)
}

fn ymd(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Facts of one CSV row; `false` when the row is not a corporation record.
fn read_row(row: &[String], f: &mut Facts) -> bool {
    let get = |i: usize| row.get(i).map(|s| clean(s)).unwrap_or_default();
    // A full record has 30 columns; older files stop after `latest` (24).
    if row.len() <= col::LATEST {
        return false;
    }
    let number = get(col::CORPORATE_NUMBER);
    if !util::valid_corporate_number(&number) {
        return false;
    }
    let process = get(col::PROCESS);
    let changed = ymd(&get(col::CHANGE_DATE)).or_else(|| ymd(&get(col::UPDATE_DATE)));
    let org = org_key(&number);
    f.add(&org, P::CorporateNumber, number.as_str(), None);
    // The row states the name and address as of its change date.
    f.add(&org, P::Name, get(col::NAME), changed);
    match process.as_str() {
        "11" => f.date(&org, P::NameChangedOn, changed, changed),
        "12" | "13" => f.date(&org, P::AddressChangedOn, changed, changed),
        _ => {}
    }
    let pref = get(col::PREFECTURE);
    let outside = get(col::ADDRESS_OUTSIDE);
    let address = if outside.is_empty() {
        format!("{}{}{}", pref, get(col::CITY), get(col::STREET))
    } else {
        outside
    };
    f.add(&org, P::Address, address, changed);
    f.add(&org, P::Prefecture, pref, changed);
    f.add(&org, P::OrgKind, get(col::KIND), None);
    f.add(&org, P::NameKana, get(col::FURIGANA), changed);
    f.add(&org, P::NameEn, get(col::EN_NAME), changed);
    f.date(&org, P::RegisteredOn, ymd(&get(col::ASSIGNMENT_DATE)), None);
    if let Some(closed) = ymd(&get(col::CLOSE_DATE)) {
        f.date(&org, P::ClosedOn, Some(closed), changed);
        f.add(&org, P::CloseCause, get(col::CLOSE_CAUSE), changed);
    }
    let successor = get(col::SUCCESSOR);
    if util::valid_corporate_number(&successor) {
        f.link(&org, P::Successor, &org_key(&successor), changed);
    }
    true
}

/// XML element names in column order (the XML files use the CSV's field names).
const XML_FIELDS: [&str; 30] = [
    "sequenceNumber",
    "corporateNumber",
    "process",
    "correct",
    "updateDate",
    "changeDate",
    "name",
    "nameImageId",
    "kind",
    "prefectureName",
    "cityName",
    "streetNumber",
    "addressImageId",
    "prefectureCode",
    "cityCode",
    "postCode",
    "addressOutside",
    "addressOutsideImageId",
    "closeDate",
    "closeCause",
    "successorCorporateNumber",
    "changeCause",
    "assignmentDate",
    "latest",
    "enName",
    "enPrefectureName",
    "enCityName",
    "enAddressOutside",
    "furigana",
    "hihyoji",
];

static XML_RECORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<corporation>(.*?)</corporation>").expect("static regex"));
static XML_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<([A-Za-z]+)>([^<]*)</[A-Za-z]+>|<([A-Za-z]+)\s*/>").expect("static regex")
});

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `<corporations><corporation><corporateNumber>…</corporateNumber>…</corporation>…`: each
/// record becomes a 30-column row, unknown elements ignored, missing ones empty.
fn xml_rows(text: &str) -> Vec<Vec<String>> {
    XML_RECORD
        .captures_iter(text)
        .filter_map(|rec| rec.get(1))
        .map(|rec| {
            let mut row = vec![String::new(); XML_FIELDS.len()];
            for c in XML_FIELD.captures_iter(rec.as_str()) {
                let (Some(name), Some(value)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                if let Some(i) = XML_FIELDS.iter().position(|f| *f == name.as_str()) {
                    if let Some(slot) = row.get_mut(i) {
                        *slot = unescape(value.as_str());
                    }
                }
            }
            row
        })
        .collect()
}

fn read_body(body: &Body, f: &mut Facts) -> usize {
    match body {
        Body::Csv(rows) => rows.iter().filter(|r| read_row(r, f)).count(),
        Body::Text(text) if text.contains("<corporations") || text.contains("<corporation>") => {
            xml_rows(text).iter().filter(|r| read_row(r, f)).count()
        }
        Body::Html(text) if text.contains("<corporation>") => {
            xml_rows(text).iter().filter(|r| read_row(r, f)).count()
        }
        Body::Text(text) => {
            // A CSV the decoder left as text: parse it here (no header row).
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            rdr.records()
                .filter_map(Result::ok)
                .filter(|rec| {
                    let row: Vec<String> = rec.iter().map(str::to_string).collect();
                    read_row(&row, f)
                })
                .count()
        }
        Body::Zip(members) => members.iter().map(|(_, b)| read_body(b, f)).sum(),
        _ => 0,
    }
}

impl Adapter for HoujinBangou {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }

    fn start_urls(&self) -> Vec<Url> {
        super::fixed_urls(&["https://www.houjin-bangou.nta.go.jp/download/"])
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        // An XML file served as HTML is data, not the download page.
        let page = match &doc.body {
            Body::Html(html) if !html.contains("<corporation>") => Some(html),
            _ => None,
        };
        if let Some(html) = page {
            // The download page: follow the zip files (GET links; the real site's POST forms
            // are out of reach of a crawler and are mirrored as links in the replica).
            let links: Vec<Url> = util::html_links(html, &doc.meta.url, &[HOST])
                .into_iter()
                .filter(|u| {
                    let p = u.path().to_ascii_lowercase();
                    p.ends_with(".zip") || p.ends_with(".csv")
                })
                .collect();
            if links.is_empty() {
                return Err(ParseError::NoContent("no download links".into()));
            }
            return Ok(Parsed {
                facts: Vec::new(),
                links,
            });
        }
        let mut f = Facts::default();
        let rows = read_body(&doc.body, &mut f);
        if rows == 0 {
            return Err(ParseError::NoContent("no corporate number rows".into()));
        }
        Ok(Parsed {
            facts: f.into_vec(),
            links: Vec::new(),
        })
    }
}
