//! The rows of the corporate number files: the 30-column CSV of the download site (full and
//! diff files), the Web-API's CSV and XML, and the older Web-API layouts.

use super::NAME;
use crate::adapters::util::{self, clean, Facts};
use crate::document::Body;
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use chrono::NaiveDate;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Column positions (0-based) of the 30-column format.
pub(super) mod col {
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

pub(super) fn ymd(s: &str) -> Option<NaiveDate> {
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

/// Facts of a decoded file (CSV, Web-API XML, a zip of them); the number of corporation rows.
pub(super) fn read_body(body: &Body, f: &mut Facts) -> usize {
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
