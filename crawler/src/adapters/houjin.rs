//! `houjin-bangou`: the National Tax Agency's corporate number files (full and diff CSV, 30
//! columns, no header, Shift_JIS inside a zip) and the download page that links them.
//!
//! Every row is kept, superseded ones (latest = 0) and corrections included: together they are
//! the rename, relocation, closure and merger history of a corporation. Web-API responses (XML,
//! or CSV whose first line is a 4-field header) and the older Web-API layouts (ver. 2: 28
//! columns, ver. 1: 23) read the same way. What each process code states is in [`Process`];
//! real rows for most codes are under `eval/real/houjin-bangou/`.

use super::util::{self, clean, Facts};
use crate::adapter::{Adapter, ParseError, Parsed};
use crate::document::{Body, Document};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use chrono::NaiveDate;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;
use url::Url;

pub const NAME: &str = "houjin-bangou";
const HOST: &str = "www.houjin-bangou.nta.go.jp";

pub struct HoujinBangou;

/// What a user chose for this source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Prefectures (JIS codes 1–47) whose monthly full files are fetched (`--houjin-full 13,27`).
    pub full_prefectures: Vec<u8>,
    /// Web-API application ID (`MIERU_HOUJIN_APP_ID`); the Web-API is used only when set.
    pub app_id: Option<String>,
    /// Corporate numbers mieru links, looked up through the Web-API.
    pub numbers: Vec<String>,
}

/// Column positions (0-based) of the 30-column format.
mod col {
    pub const CORPORATE_NUMBER: usize = 1;
    pub const PROCESS: usize = 2;
    pub const CORRECT: usize = 3;
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
    pub const CHANGE_CAUSE: usize = 21;
    pub const ASSIGNMENT_DATE: usize = 22;
    pub const EN_NAME: usize = 24;
    pub const FURIGANA: usize = 28;
}

/// What a row's process code (処理区分) says happened to the corporation.
///
/// | code | meaning | facts beyond the row's name, address, kind, readings |
/// |---|---|---|
/// | 01 | 新規 (number assigned) | `registered_on` from assignmentDate |
/// | 11 | 商号又は名称の変更 | `name_changed_on` |
/// | 12 | 国内所在地の変更 | `address_changed_on` |
/// | 13 | 国外所在地の変更 | `address_changed_on` |
/// | 21 | 登記記録の閉鎖等 | `closed_on` (closeDate, else changeDate), `close_cause`, `successor` |
/// | 22 | 登記記録の閉鎖等の取消し | `closure_revoked_on`; no closure facts from this row |
/// | 71 | 吸収合併 (on the survivor) | `successor` from each corporation the changeCause names → the row's |
/// | 72 | 吸収合併無効 (on the survivor) | `merger_annulled_on`; `successor_annulled` from each corporation the changeCause names |
/// | 81 | 商号の登記の抹消 | `deleted_on` (the record no longer stands) |
/// | 99 | 削除 | `deleted_on` (updateDate) only: the record is void, no other fact is stated |
///
/// A row with correct = 1 adds `corrected_on` (its updateDate, observed on the change date);
/// within one file the latest correction of a change replaces the other rows of that change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Process {
    New,
    NameChange,
    AddressChange,
    ForeignAddressChange,
    Closure,
    ClosureRevoked,
    Merger,
    MergerAnnulled,
    TradeNameDeleted,
    Deleted,
    /// A code this adapter does not know: the row's descriptive facts are kept.
    Other,
}

impl Process {
    pub fn parse(code: &str) -> Self {
        match code.trim() {
            "01" | "1" => Self::New,
            "11" => Self::NameChange,
            "12" => Self::AddressChange,
            "13" => Self::ForeignAddressChange,
            "21" => Self::Closure,
            "22" => Self::ClosureRevoked,
            "71" => Self::Merger,
            "72" => Self::MergerAnnulled,
            "81" => Self::TradeNameDeleted,
            "99" => Self::Deleted,
            _ => Self::Other,
        }
    }
}

/// Key of a corporation in this source: its 法人番号.
pub fn org_key(number: &str) -> SubjectKey {
    SubjectKey::new(K::Organization, NAME, number)
}

fn ymd(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

static NUMBER_IN_TEXT: LazyLock<Regex> =
    LazyLock::new(|| crate::adapters::util::static_regex(r"(?:^|[^0-9])([0-9]{13})(?:[^0-9]|$)"));

/// Valid corporate numbers written in free text (a changeCause such as
/// `…株式会社リンクスポーツエンターテインメント（5060001006465）を合併`), other than `own`.
fn numbers_in(text: &str, own: &str) -> Vec<String> {
    let text = util::nfkc(text);
    let mut out: Vec<String> = Vec::new();
    for c in NUMBER_IN_TEXT.captures_iter(&text) {
        let Some(m) = c.get(1) else { continue };
        let n = m.as_str();
        if n != own && util::valid_corporate_number(n) && !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    }
    out
}

/// The fields of one row, cleaned; `None` when the row is not a corporation record.
struct Row<'a> {
    raw: &'a [String],
    number: String,
    process: Process,
    correct: bool,
    updated: Option<NaiveDate>,
    changed: Option<NaiveDate>,
}

impl<'a> Row<'a> {
    fn read(raw: &'a [String]) -> Option<Self> {
        // A current record has 30 columns, Web-API ver. 2 rows 28, ver. 1 rows stop after
        // assignmentDate (23): all carry the fields read here.
        if raw.len() <= col::ASSIGNMENT_DATE {
            return None;
        }
        let get = |i: usize| raw.get(i).map(|s| clean(s)).unwrap_or_default();
        let number = get(col::CORPORATE_NUMBER);
        if !util::valid_corporate_number(&number) {
            return None;
        }
        let updated = ymd(&get(col::UPDATE_DATE));
        Some(Self {
            raw,
            process: Process::parse(&get(col::PROCESS)),
            correct: get(col::CORRECT) == "1",
            changed: ymd(&get(col::CHANGE_DATE)).or(updated),
            updated,
            number,
        })
    }

    fn get(&self, i: usize) -> String {
        self.raw.get(i).map(|s| clean(s)).unwrap_or_default()
    }

    /// The change a row states: corrections of the same change share this key.
    fn change_key(&self) -> (String, Process, Option<NaiveDate>) {
        (self.number.clone(), self.process, self.changed)
    }
}

/// Facts of one row.
fn read_row(row: &Row<'_>, f: &mut Facts) {
    let org = org_key(&row.number);
    let changed = row.changed;
    if row.process == Process::Deleted {
        // 削除: only the number and the update date are filled; the record is void, so not
        // even the number is restated (it must not link anything any more).
        f.date(&org, P::DeletedOn, row.updated, row.updated);
        return;
    }
    f.add(&org, P::CorporateNumber, row.number.as_str(), None);
    // The row states the name and address as of its change date.
    f.add(&org, P::Name, row.get(col::NAME), changed);
    let pref = row.get(col::PREFECTURE);
    let outside = row.get(col::ADDRESS_OUTSIDE);
    let address = if outside.is_empty() {
        format!("{}{}{}", pref, row.get(col::CITY), row.get(col::STREET))
    } else {
        outside
    };
    f.add(&org, P::Address, address, changed);
    f.add(&org, P::Prefecture, pref, changed);
    f.add(&org, P::OrgKind, row.get(col::KIND), None);
    f.add(&org, P::NameKana, row.get(col::FURIGANA), changed);
    f.add(&org, P::NameEn, row.get(col::EN_NAME), changed);
    f.date(
        &org,
        P::RegisteredOn,
        ymd(&row.get(col::ASSIGNMENT_DATE)),
        None,
    );
    if row.correct {
        f.date(&org, P::CorrectedOn, row.updated, changed);
    }
    let cause = row.get(col::CHANGE_CAUSE);
    match row.process {
        Process::NameChange => f.date(&org, P::NameChangedOn, changed, changed),
        Process::AddressChange | Process::ForeignAddressChange => {
            f.date(&org, P::AddressChangedOn, changed, changed)
        }
        Process::ClosureRevoked => {
            // The closure no longer stands: this row states no closure of its own.
            f.date(&org, P::ClosureRevokedOn, changed, changed);
            return;
        }
        Process::Merger => {
            // On the survivor: each corporation it absorbed now has it as successor.
            for absorbed in numbers_in(&cause, &row.number) {
                f.link(&org_key(&absorbed), P::Successor, &org, changed);
            }
        }
        Process::MergerAnnulled => {
            f.date(&org, P::MergerAnnulledOn, changed, changed);
            for absorbed in numbers_in(&cause, &row.number) {
                f.link(&org_key(&absorbed), P::SuccessorAnnulled, &org, changed);
            }
        }
        Process::TradeNameDeleted => f.date(&org, P::DeletedOn, changed, changed),
        _ => {}
    }
    let closed = ymd(&row.get(col::CLOSE_DATE))
        .or_else(|| changed.filter(|_| row.process == Process::Closure));
    if let Some(closed) = closed {
        f.date(&org, P::ClosedOn, Some(closed), changed);
        f.add(&org, P::CloseCause, row.get(col::CLOSE_CAUSE), changed);
    }
    let successor = row.get(col::SUCCESSOR);
    if successor != row.number && util::valid_corporate_number(&successor) {
        f.link(&org, P::Successor, &org_key(&successor), changed);
    }
}

/// Facts of a file's rows; the number of corporation rows read.
///
/// A correction (correct = 1) replaces the other rows of the same change (same number, process
/// and change date) in the same file: the latest update wins, the last row breaking ties.
fn read_rows(raw: &[Vec<String>], f: &mut Facts) -> usize {
    let rows: Vec<Row<'_>> = raw.iter().filter_map(|r| Row::read(r)).collect();
    let mut winner: HashMap<(String, Process, Option<NaiveDate>), usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| r.correct) {
        let key = row.change_key();
        let later = winner
            .get(&key)
            .and_then(|&w| rows.get(w))
            .is_some_and(|w| w.updated > row.updated);
        if !later {
            winner.insert(key, i);
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let superseded = winner.get(&row.change_key()).is_some_and(|&w| w != i);
        if !superseded {
            read_row(row, f);
        }
    }
    rows.len()
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
    LazyLock::new(|| crate::adapters::util::static_regex(r"(?s)<corporation>(.*?)</corporation>"));
static XML_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    crate::adapters::util::static_regex(r"(?s)<([A-Za-z]+)>([^<]*)</[A-Za-z]+>|<([A-Za-z]+)\s*/>")
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
        Body::Csv(rows) => read_rows(rows, f),
        Body::Text(text) if text.contains("<corporations") || text.contains("<corporation>") => {
            read_rows(&xml_rows(text), f)
        }
        Body::Html(text) if text.contains("<corporation>") => read_rows(&xml_rows(text), f),
        Body::Text(text) => {
            // A CSV the decoder left as text: parse it here (no header row).
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let rows: Vec<Vec<String>> = rdr
                .records()
                .filter_map(Result::ok)
                .map(|rec| rec.iter().map(str::to_string).collect())
                .collect();
            read_rows(&rows, f)
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

    fn start_requests(&self, _ctx: &crate::adapter::StartContext) -> Vec<crate::request::Request> {
        super::fixed_requests(&["https://www.houjin-bangou.nta.go.jp/download/"])
    }

    fn check_structure(&self, _doc: &Document) -> Vec<String> {
        vec!["structure check not written yet".to_string()]
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
                links: super::gets(links),
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

#[cfg(test)]
mod tests {
    //! Real rows (eval/real/houjin-bangou/, recorded Web-API responses) for every process code
    //! found in public material, and rows built from the published layout for 13, 72 and 81,
    //! of which no real row was found (each such test says so).
    use super::*;
    use crate::provenance::Fact;

    const V2_EXCERPT: &[u8] = include_bytes!(
        "../../../eval/real/houjin-bangou/webapi-v2-diff-20170101-20170110-excerpt.csv"
    );
    const V2_FULL: &[u8] =
        include_bytes!("../../../eval/real/houjin-bangou/webapi-v2-diff-20170101-20170110-p1.csv");
    const V1_EXCERPT: &[u8] = include_bytes!(
        "../../../eval/real/houjin-bangou/webapi-v1-diff-20170101-20170110-excerpt.csv"
    );
    const V4_XML: &str =
        include_str!("../../../eval/real/houjin-bangou/webapi-v4-diff-20220126-excerpt.xml");

    fn sjis(bytes: &[u8]) -> String {
        let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
        assert!(!bad, "real files decode as Shift_JIS");
        text.into_owned()
    }

    fn facts_of(body: Body) -> (usize, Vec<Fact>) {
        let mut f = Facts::default();
        let n = read_body(&body, &mut f);
        (n, f.into_vec())
    }

    fn key(n: &str) -> String {
        org_key(n).0
    }

    fn vals(facts: &[Fact], number: &str, p: P) -> Vec<String> {
        let k = key(number);
        facts
            .iter()
            .filter(|f| f.subject.0 == k && f.property == p)
            .map(|f| f.value.clone())
            .collect()
    }

    fn on(facts: &[Fact], number: &str, p: P) -> Vec<Option<NaiveDate>> {
        let k = key(number);
        facts
            .iter()
            .filter(|f| f.subject.0 == k && f.property == p)
            .map(|f| f.observed_on)
            .collect()
    }

    fn d(s: &str) -> Option<NaiveDate> {
        ymd(s)
    }

    fn subject_count(facts: &[Fact]) -> usize {
        let mut s: Vec<&str> = facts.iter().map(|f| f.subject.0.as_str()).collect();
        s.sort_unstable();
        s.dedup();
        s.len()
    }

    #[test]
    fn houjin_process_codes_parse() {
        for (code, p) in [
            ("01", Process::New),
            ("11", Process::NameChange),
            ("12", Process::AddressChange),
            ("13", Process::ForeignAddressChange),
            ("21", Process::Closure),
            ("22", Process::ClosureRevoked),
            ("71", Process::Merger),
            ("72", Process::MergerAnnulled),
            ("81", Process::TradeNameDeleted),
            ("99", Process::Deleted),
            ("42", Process::Other),
        ] {
            assert_eq!(Process::parse(code), p, "{code}");
        }
    }

    #[test]
    fn houjin_real_v2_excerpt_every_code_found() {
        let (rows, f) = facts_of(Body::Text(sjis(V2_EXCERPT)));
        // The response header line is not a corporation; 22 rows are.
        assert_eq!(rows, 22);
        assert_eq!(subject_count(&f), 26);

        // 01: a new 医療法人.
        assert_eq!(
            vals(&f, "3140005023319", P::Name),
            ["医療法人社団かすや矯正歯科"]
        );
        assert_eq!(vals(&f, "3140005023319", P::RegisteredOn), ["2016-12-26"]);
        assert_eq!(vals(&f, "3140005023319", P::OrgKind), ["399"]);

        // 11: rename effective 2016-12-19 (current) and a history row (latest = 0) kept too.
        assert_eq!(vals(&f, "7180005015589", P::NameChangedOn), ["2016-12-19"]);
        assert_eq!(on(&f, "7180005015589", P::Name), [d("2016-12-19")]);
        assert_eq!(vals(&f, "8120105008398", P::NameChangedOn), ["2016-12-14"]);
        assert_eq!(
            vals(&f, "8120105008398", P::Name),
            ["一般社団法人ＷＨＡＴ　ＷＯＲＫＳ"]
        );

        // 12: address change.
        assert_eq!(
            vals(&f, "1020002076630", P::AddressChangedOn),
            ["2016-12-26"]
        );
        assert_eq!(
            vals(&f, "1020002076630", P::Address),
            ["神奈川県横浜市神奈川区三ツ沢中町２３番１６号"]
        );

        // 21: 医療法人 closures with each close cause; the merger one names its successor.
        assert_eq!(vals(&f, "3040005003966", P::ClosedOn), ["2016-12-20"]);
        assert_eq!(vals(&f, "3040005003966", P::CloseCause), ["01"]);
        assert!(vals(&f, "3040005003966", P::Successor).is_empty());
        assert_eq!(vals(&f, "7430005006091", P::CloseCause), ["21"]);
        assert_eq!(vals(&f, "2180005002617", P::ClosedOn), ["2016-12-16"]);
        assert_eq!(vals(&f, "2180005002617", P::CloseCause), ["11"]);
        assert_eq!(
            vals(&f, "2180005002617", P::Successor),
            [key("9100005009497")]
        );

        // 22: closure revoked → active again; the row states no closure of its own.
        for (n, date) in [
            ("2110005006772", "2016-12-22"),
            ("4050005010969", "2016-12-16"),
            ("5010802002345", "2016-12-22"),
            ("8260001020014", "2016-12-19"),
        ] {
            assert_eq!(vals(&f, n, P::ClosureRevokedOn), [date], "{n}");
            assert_eq!(on(&f, n, P::ClosureRevokedOn), [d(date)], "{n}");
            assert!(vals(&f, n, P::ClosedOn).is_empty(), "{n}");
            assert!(vals(&f, n, P::CloseCause).is_empty(), "{n}");
        }
        assert_eq!(vals(&f, "2110005006772", P::Name), ["財団法人柏崎文教会館"]);

        // 71: on the survivor; the absorbed corporation (named in changeCause) gets the link.
        for (absorbed, survivor, date) in [
            ("1030005009066", "1060005003462", "2016-11-22"),
            ("5060001006465", "2060001028099", "2016-12-09"),
            ("9240001049707", "2140001103001", "2016-12-07"),
            ("2200001025908", "2200001025957", "2016-12-12"),
        ] {
            assert_eq!(vals(&f, absorbed, P::Successor), [key(survivor)]);
            assert_eq!(on(&f, absorbed, P::Successor), [d(date)]);
            assert!(vals(&f, survivor, P::Successor).is_empty());
            assert!(vals(&f, survivor, P::ClosedOn).is_empty());
        }

        // 99: the record is void: only the deletion, dated by updateDate; not even the number.
        for n in [
            "3100001008599",
            "3200003000156",
            "7100005003485",
            "8700150077132",
        ] {
            assert_eq!(vals(&f, n, P::DeletedOn), ["2017-01-04"], "{n}");
            let k = key(n);
            assert_eq!(f.iter().filter(|x| x.subject.0 == k).count(), 1, "{n}");
        }
        // No correction in this file.
        assert!(f.iter().all(|x| x.property != P::CorrectedOn));
    }

    #[test]
    fn houjin_real_v2_full_part_reads_every_row() {
        let (rows, f) = facts_of(Body::Text(sjis(V2_FULL)));
        assert_eq!(rows, 2000);
        let count = |p: P| f.iter().filter(|x| x.property == p).count();
        assert_eq!(count(P::DeletedOn), 4);
        assert_eq!(count(P::ClosureRevokedOn), 4);
        assert_eq!(count(P::NameChangedOn), 78);
        // 641 closure rows; a corporation closed twice in the window would share no fact.
        assert_eq!(count(P::ClosedOn), 641);
        // Every 71 row names its absorbed corporation.
        let merged: Vec<&Fact> = f
            .iter()
            .filter(|x| x.property == P::Successor && x.value == key("2060001028099"))
            .collect();
        assert_eq!(merged.len(), 1);
    }

    #[test]
    fn houjin_real_v1_rows_of_23_columns_are_read() {
        let (rows, f) = facts_of(Body::Text(sjis(V1_EXCERPT)));
        assert_eq!(rows, 5);
        assert_eq!(subject_count(&f), 6);
        assert_eq!(
            vals(&f, "2110005006772", P::ClosureRevokedOn),
            ["2016-12-22"]
        );
        assert_eq!(vals(&f, "3100001008599", P::DeletedOn), ["2017-01-04"]);
        assert_eq!(
            vals(&f, "1030005009066", P::Successor),
            [key("1060005003462")]
        );
        assert_eq!(vals(&f, "2180005002617", P::CloseCause), ["11"]);
        assert_eq!(vals(&f, "3040005003966", P::Name), ["医療法人社団　平生会"]);
    }

    #[test]
    fn houjin_real_v4_xml_correction_is_marked() {
        let (rows, f) = facts_of(Body::Text(V4_XML.to_string()));
        assert_eq!(rows, 2);
        // correct = 1: corrected 2022-01-26, of the change observed 2015-10-05.
        assert_eq!(vals(&f, "1010001040308", P::CorrectedOn), ["2022-01-26"]);
        assert_eq!(on(&f, "1010001040308", P::CorrectedOn), [d("2015-10-05")]);
        assert_eq!(vals(&f, "1010001040308", P::Name), ["株式会社カント不動産"]);
        assert!(vals(&f, "1010001012570", P::CorrectedOn).is_empty());
        assert_eq!(vals(&f, "1010001012570", P::ClosedOn), ["2022-01-19"]);
        assert_eq!(
            vals(&f, "1010001012570", P::NameKana),
            ["ミツイブッサングローバルトウシ"]
        );
    }

    /// A 30-column row from the published layout (not a real row).
    fn built(
        seq: &str,
        number: &str,
        process: &str,
        correct: &str,
        update: &str,
        change: &str,
    ) -> Vec<String> {
        let mut r = vec![String::new(); 30];
        let set = |r: &mut Vec<String>, i: usize, v: &str| {
            if let Some(slot) = r.get_mut(i) {
                *slot = v.to_string();
            }
        };
        set(&mut r, 0, seq);
        set(&mut r, col::CORPORATE_NUMBER, number);
        set(&mut r, col::PROCESS, process);
        set(&mut r, col::CORRECT, correct);
        set(&mut r, col::UPDATE_DATE, update);
        set(&mut r, col::CHANGE_DATE, change);
        set(&mut r, col::KIND, "301");
        set(&mut r, col::ASSIGNMENT_DATE, "2015-10-05");
        set(&mut r, 23, "1");
        r
    }

    fn with(mut r: Vec<String>, i: usize, v: &str) -> Vec<String> {
        if let Some(slot) = r.get_mut(i) {
            *slot = v.to_string();
        }
        r
    }

    #[test]
    fn houjin_codes_without_real_rows_13_72_81() {
        // No real 13, 72 or 81 row was found in public material: these rows are built from the
        // published column layout (numbers are real ones from the excerpt, reused).
        let survivor = "2060001028099";
        let absorbed = "5060001006465";
        let rows = vec![
            with(
                with(built("1", "7000012050002", "13", "0", "2024-05-02", "2024-05-01"), col::ADDRESS_OUTSIDE, "アメリカ合衆国ニューヨーク州"),
                col::NAME,
                "Example Inc.",
            ),
            with(
                with(built("2", survivor, "72", "0", "2024-06-03", "2024-06-01"), col::NAME, "株式会社栃木ブレックス"),
                col::CHANGE_CAUSE,
                "令和６年６月１日株式会社リンクスポーツエンターテインメント（5060001006465）との合併無効",
            ),
            with(built("3", "2110005006772", "81", "0", "2024-07-02", "2024-07-01"), col::NAME, "財団法人柏崎文教会館"),
        ];
        let (n, f) = facts_of(Body::Csv(rows));
        assert_eq!(n, 3);
        assert_eq!(
            vals(&f, "7000012050002", P::AddressChangedOn),
            ["2024-05-01"]
        );
        assert_eq!(
            vals(&f, "7000012050002", P::Address),
            ["アメリカ合衆国ニューヨーク州"]
        );
        assert_eq!(vals(&f, survivor, P::MergerAnnulledOn), ["2024-06-01"]);
        assert_eq!(vals(&f, absorbed, P::SuccessorAnnulled), [key(survivor)]);
        assert!(vals(&f, absorbed, P::Successor).is_empty());
        assert_eq!(vals(&f, "2110005006772", P::DeletedOn), ["2024-07-01"]);
        assert_eq!(vals(&f, "2110005006772", P::Name), ["財団法人柏崎文教会館"]);
    }

    #[test]
    fn houjin_correction_supersedes_the_same_change_in_one_file() {
        // Layout-built rows: an address change, then its correction, then a later change.
        let n = "5070001032626";
        let rows = vec![
            with(
                built("1", n, "12", "0", "2018-05-03", "2018-05-02"),
                col::STREET,
                "本町４７番地",
            ),
            with(
                built("2", n, "12", "1", "2018-05-08", "2018-05-02"),
                col::STREET,
                "本町４８番地",
            ),
            with(
                built("3", n, "12", "0", "2021-06-09", "2021-06-02"),
                col::STREET,
                "飯塚町１４７番地４",
            ),
        ];
        let (count, f) = facts_of(Body::Csv(rows));
        assert_eq!(count, 3);
        assert_eq!(
            vals(&f, n, P::Address),
            ["本町４８番地", "飯塚町１４７番地４"]
        );
        assert_eq!(vals(&f, n, P::CorrectedOn), ["2018-05-08"]);
        assert_eq!(on(&f, n, P::CorrectedOn), [d("2018-05-02")]);
        assert_eq!(
            vals(&f, n, P::AddressChangedOn),
            ["2018-05-02", "2021-06-02"]
        );
    }
}
