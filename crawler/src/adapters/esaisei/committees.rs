//! The certified committees (認定再生医療等委員会): the two lists (`/disclosed_committee/index/1`
//! 特定認定, `/index/2` 認定 — which is which is inferred; the numbers say it too), paged by
//! `…/index/{n}/page:{N}`; each committee's history page (`/disclosed_committee/history/{id}`:
//! number, name, operator and the reviews it held, with plan numbers when the page lists them)
//! and its disclosure (`/disclosed_committee/preview/{code}`: label | value tables with ■/□
//! boxes).
//!
//! A committee is keyed by its number (`committee:e-saisei:NA8150016`), or where a page shows
//! none by its preview code; its operator (設置者) and the operator's representative by the same
//! local key (`organization:e-saisei:NA8150016`, `person:e-saisei:NA8150016`).

use super::{HOST, NAME};
use crate::adapter::{ParseError, Parsed};
use crate::adapters::page;
use crate::adapters::util::{self, clean, compact, first_date, Facts};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use crate::request::Request;
use chrono::NaiveDate;
use regex::Regex;
use scraper::{Html, Selector};
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};
use url::Url;

/// Links from a list page to the committees' history pages.
pub(super) const HISTORY_LINKS: &str = "a[href*=\"/disclosed_committee/history/\"]";
const PREVIEW_LINKS: &str = "a[href*=\"/disclosed_committee/preview/\"]";
const LIST_LINKS: &str = "a[href*=\"/disclosed_committee/index/\"]";
/// No list is followed past this page, whatever the pages say.
const MAX_PAGES: u32 = 200;

static COMMITTEE_NO: LazyLock<Regex> = LazyLock::new(|| util::static_regex(r"N[AB]\d{7}"));
static LIST_URL: LazyLock<Regex> =
    LazyLock::new(|| util::static_regex(r"^/disclosed_committee/index/(\d+)(?:/page:(\d+))?/?$"));
static PREVIEW_CODE: LazyLock<Regex> =
    LazyLock::new(|| util::static_regex(r"/disclosed_committee/preview/([0-9A-Za-z]+)"));

/// The history links the list pages of one crawl have shown: a page that adds none is the
/// end of its list (a server may answer a page past the end with the last one again).
#[derive(Debug, Default)]
pub(super) struct Paging {
    seen: Mutex<HashSet<String>>,
}

impl Paging {
    /// Forget the links of an earlier crawl.
    pub(super) fn reset(&self) {
        self.lock().clear();
    }

    /// Remember `links`; how many were not seen before.
    fn record<'a>(&self, links: impl IntoIterator<Item = &'a str>) -> usize {
        let mut seen = self.lock();
        links
            .into_iter()
            .filter(|l| seen.insert((*l).to_string()))
            .count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // A plain set stays consistent even if a holder panicked.
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Whether a URL is a committee list page, and which: (list, page number).
pub(super) fn list_position(url: &Url) -> Option<(String, u32)> {
    let c = LIST_URL.captures(url.path())?;
    let list = c.get(1)?.as_str().to_string();
    let n = c.get(2).map_or(Some(1), |m| m.as_str().parse().ok())?;
    Some((list, n))
}

/// What a page says about one committee.
#[derive(Debug, Default)]
struct About {
    number: Option<String>,
    name: Option<String>,
    operator: Option<String>,
    address: Option<String>,
    registered: Option<NaiveDate>,
    /// 特定認定 or 認定 (stated as [`P::LicenceKind`]).
    kind: Option<&'static str>,
    listed_in: Option<&'static str>,
}

fn number_in(s: &str) -> Option<String> {
    COMMITTEE_NO
        .find(&compact(s))
        .map(|m| m.as_str().to_string())
}

/// NA… is a 特定認定 committee, NB… a 認定 one (`sources.md` §3, inferred).
fn kind_of_number(number: &str) -> Option<&'static str> {
    if number.starts_with("NA") {
        Some("特定認定")
    } else if number.starts_with("NB") {
        Some("認定")
    } else {
        None
    }
}

/// The committee's facts; returns its key.
fn committee_facts(f: &mut Facts, local: &str, about: &About) -> SubjectKey {
    let c = SubjectKey::new(K::Committee, NAME, local);
    if let Some(name) = &about.name {
        f.add(&c, P::Name, name.as_str(), None);
    }
    if let Some(number) = &about.number {
        f.add(&c, P::CommitteeNumber, number.as_str(), None);
    }
    let kind = about
        .number
        .as_deref()
        .and_then(kind_of_number)
        .or(about.kind);
    if let Some(kind) = kind {
        f.add(&c, P::LicenceKind, kind, None);
    }
    if let Some(addr) = about.address.as_deref().filter(|a| !a.is_empty()) {
        if let Some(p) = util::prefecture_of(addr) {
            f.add(&c, P::Prefecture, p, None);
        }
        f.add(&c, P::Address, addr, None);
    }
    f.date(&c, P::RegisteredOn, about.registered, None);
    if let Some(op) = about.operator.as_deref().filter(|o| !o.is_empty()) {
        let org = SubjectKey::new(K::Organization, NAME, local);
        f.add(&org, P::Name, op, None);
        f.link(&c, P::Operator, &org, None);
    }
    if let Some(list) = about.listed_in {
        f.add(&c, P::ListedIn, list, None);
    }
    c
}

// ------------------------------------------------------------------------------------ lists

/// Columns of a committee list, by label; positions when there is no header.
#[derive(Debug, Clone, Copy)]
struct ListColumns {
    number: usize,
    name: usize,
    operator: Option<usize>,
    address: Option<usize>,
    registered: Option<usize>,
}

const LIST_POSITIONS: ListColumns = ListColumns {
    number: 0,
    name: 1,
    operator: Some(2),
    address: Some(3),
    registered: Some(4),
};

fn list_columns(labels: &[String]) -> Option<ListColumns> {
    let mut c = LIST_POSITIONS;
    let (mut number, mut name) = (false, false);
    for (i, raw) in labels.iter().enumerate() {
        let l = compact(raw);
        if l.contains("認定番号") {
            c.number = i;
            number = true;
        } else if l.contains("名称") {
            c.name = i;
            name = true;
        } else if l.contains("設置者") {
            c.operator = Some(i);
        } else if l.contains("所在地") || l.contains("住所") {
            c.address = Some(i);
        } else if l.contains("認定年月日") || l.contains("認定日") {
            c.registered = Some(i);
        }
    }
    (number && name).then_some(c)
}

fn list_name(list: Option<&str>) -> &'static str {
    match list {
        Some("1") => "e-再生医療 特定認定再生医療等委員会 一覧",
        Some("2") => "e-再生医療 認定再生医療等委員会 一覧",
        _ => "e-再生医療 認定再生医療等委員会 一覧",
    }
}

/// Which list a page is: its URL, or its title.
fn list_of(base: Option<&Url>, html: &str) -> Option<String> {
    base.and_then(list_position).map(|(l, _)| l).or_else(|| {
        let t = compact(&util::html_title(html).unwrap_or_default());
        if t.contains("特定認定") {
            Some("1".into())
        } else if t.contains("認定再生医療等委員会") {
            Some("2".into())
        } else {
            None
        }
    })
}

/// One page of a committee list: a committee per row, and links to each one's history and
/// disclosure pages and to the next page.
pub(super) fn parse_list(
    html: &str,
    base: Option<&Url>,
    paging: &Paging,
) -> Result<Parsed, ParseError> {
    let doc = Html::parse_document(html);
    let links_of = |sel: &str| base.map(|b| page::links(&doc, sel, b, &[HOST]));
    let history = links_of(HISTORY_LINKS).unwrap_or_default();
    let previews = links_of(PREVIEW_LINKS).unwrap_or_default();
    let list = list_of(base, html);
    let list_kind = match list.as_deref() {
        Some("1") => Some("特定認定"),
        Some("2") => Some("認定"),
        _ => None,
    };

    let mut f = Facts::default();
    let mut cols: Option<ListColumns> = None;
    for row in util::table_rows(html) {
        if let Some(c) = list_columns(&row.cells) {
            cols = Some(c);
            continue;
        }
        let c = cols.unwrap_or(LIST_POSITIONS);
        let cell = |i: usize| row.cells.get(i).map(|s| clean(s)).unwrap_or_default();
        let number = number_in(&cell(c.number));
        let name = Some(cell(c.name)).filter(|n| !n.is_empty());
        // A data row names a committee by its number (or, without a header, not at all).
        if row.header || number.is_none() && (cols.is_none() || name.is_none()) {
            continue;
        }
        let Some(local) = number.clone().or(name.clone()) else {
            continue;
        };
        let about = About {
            number,
            name,
            operator: c.operator.map(cell),
            address: c.address.map(cell),
            registered: c.registered.and_then(|i| first_date(&cell(i))),
            kind: list_kind,
            listed_in: Some(list_name(list.as_deref())),
        };
        committee_facts(&mut f, &local, &about);
    }
    // A page past the end of a list may have its table and no row: that is not an error.
    if f.is_empty() && history.is_empty() && cols.is_none() {
        return Err(ParseError::NoContent(
            "no committee table and no history links".into(),
        ));
    }
    let next = next_page(&doc, base, &history, paging);
    let links = history
        .into_iter()
        .chain(previews)
        .map(|l| l.url)
        .chain(next)
        .map(Request::get)
        .collect();
    Ok(Parsed {
        facts: f.into_vec(),
        links,
    })
}

/// The next page of a list, unless this page added no history link the crawl had not seen,
/// or its paginator links no later page.
fn next_page(
    doc: &Html,
    base: Option<&Url>,
    history: &[crate::request::Link],
    paging: &Paging,
) -> Option<Url> {
    let base = base?;
    let (list, n) = list_position(base)?;
    let added = paging.record(history.iter().map(|l| l.url.as_str()));
    if added == 0 || n >= MAX_PAGES {
        return None;
    }
    let pages: Vec<u32> = page::links(doc, LIST_LINKS, base, &[HOST])
        .iter()
        .filter_map(|l| list_position(&l.url))
        .filter(|(l, _)| *l == list)
        .map(|(_, m)| m)
        .collect();
    if !pages.is_empty() && !pages.iter().any(|m| *m > n) {
        return None;
    }
    Url::parse(&format!(
        "https://{HOST}/disclosed_committee/index/{list}/page:{}",
        n + 1
    ))
    .ok()
}

/// What a committee list needs: its table's number and name columns and the history links.
pub(super) fn check_list(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut missing = Vec::new();
    let labels: Vec<String> = util::table_rows(html)
        .into_iter()
        .filter(|r| r.header)
        .flat_map(|r| r.cells)
        .map(|c| compact(&c))
        .collect();
    for (key, label) in [("認定番号", "認定番号"), ("名称", "再生医療等委員会の名称")]
    {
        if !labels.iter().any(|l| l.contains(key)) {
            missing.push(format!("committee list header column {label}"));
        }
    }
    if page::count(&doc, HISTORY_LINKS) == 0 {
        missing.push(format!("committee history links ({HISTORY_LINKS})"));
    }
    missing
}

// ------------------------------------------------------------------- history and disclosure

/// `th` label | `td` value rows: the label (compact) and the values' raw text.
fn label_rows(doc: &Html) -> Vec<(String, Vec<String>)> {
    let (Ok(tr), Ok(cell)) = (Selector::parse("tr"), Selector::parse("th, td")) else {
        return Vec::new();
    };
    doc.select(&tr)
        .filter_map(|row| {
            let mut cells = row.select(&cell);
            let first = cells.next().filter(|c| c.value().name() == "th")?;
            let values: Vec<String> = cells
                .filter(|c| c.value().name() == "td")
                .map(util::raw_text)
                .collect();
            (!values.is_empty()).then(|| (compact(&util::raw_text(first)), values))
        })
        .collect()
}

/// The first value of the first row whose label holds one of `keys`, cleaned.
fn value(pairs: &[(String, Vec<String>)], keys: &[&str]) -> Option<String> {
    pairs
        .iter()
        .find(|(l, _)| keys.iter().any(|k| l.contains(k)))
        .map(|(_, v)| clean(&v.join(" ")))
        .filter(|v| !v.is_empty())
}

/// A history page: the committee, and each review whose plan number the page lists.
pub(super) fn parse_history(html: &str, base: Option<&Url>) -> Result<Parsed, ParseError> {
    let doc = Html::parse_document(html);
    let pairs = label_rows(&doc);
    let number = value(&pairs, &["認定番号"]).and_then(|v| number_in(&v));
    let name = value(&pairs, &["委員会の名称", "名称"]);
    let Some(local) = number.clone().or(name.clone()) else {
        return Err(ParseError::NoContent(
            "no committee number or name on a history page".into(),
        ));
    };
    let about = About {
        number,
        name,
        operator: value(&pairs, &["設置者"]),
        registered: value(&pairs, &["認定年月日", "認定日"]).and_then(|v| first_date(&v)),
        ..About::default()
    };
    let mut f = Facts::default();
    let committee = committee_facts(&mut f, &local, &about);
    review_facts(&mut f, &committee, &util::table_rows(html));
    let links = base
        .map(|b| page::links(&doc, PREVIEW_LINKS, b, &[HOST]))
        .unwrap_or_default()
        .into_iter()
        .map(|l| Request::get(l.url))
        .collect();
    Ok(Parsed {
        facts: f.into_vec(),
        links,
    })
}

/// A plan number as a review row writes it: an e-再生医療 code or a jRCT ID.
fn plan_id(s: &str) -> Option<String> {
    util::plan_number(s).or_else(|| crate::adapters::jrct::find_id(s))
}

/// Reviews (開催日 | 区分 | 提供機関 | 名称 | 計画番号 | 結論): each plan numbered is linked to
/// the committee, dated by the meeting. Rows without a number are not read.
fn review_facts(f: &mut Facts, committee: &SubjectKey, rows: &[util::Row]) {
    let mut cols: Option<(usize, Option<usize>)> = None;
    for r in rows {
        let labels: Vec<String> = r.cells.iter().map(|c| compact(c)).collect();
        if r.header {
            cols = labels
                .iter()
                .position(|l| l.contains("計画番号"))
                .map(|plan| {
                    let date = labels
                        .iter()
                        .position(|l| l.contains("開催日") || l.contains("年月日"));
                    (plan, date)
                });
            continue;
        }
        let Some((plan_i, date_i)) = cols else {
            continue;
        };
        let Some(id) = r.cells.get(plan_i).and_then(|c| plan_id(c)) else {
            continue;
        };
        let date = date_i
            .and_then(|i| r.cells.get(i))
            .and_then(|c| first_date(c));
        let plan = SubjectKey::new(K::Plan, NAME, &id);
        f.add(&plan, P::PlanNumber, id.as_str(), None);
        f.link(&plan, P::Committee, committee, date);
    }
}

/// The box checked for 審査等業務の対象: only class-3 plans (認定) or more (特定認定).
fn checked_kind(text: &str) -> Option<&'static str> {
    let after = text.split('■').nth(1)?;
    let choice = compact(after.split(['□', '■']).next().unwrap_or(""));
    if choice.contains("第三種") {
        Some("認定")
    } else if choice.contains("以外") {
        Some("特定認定")
    } else {
        None
    }
}

/// Titles a representative's name follows (`代表理事　三島 隆之`).
const TITLES: [&str; 9] = [
    "代表理事",
    "理事長",
    "代表取締役",
    "代表者",
    "学長",
    "総長",
    "会長",
    "院長",
    "理事",
];

/// The operator's 氏名 value: the corporation, then the representative after a title.
fn holder(raw: &str) -> (Option<String>, Option<String>) {
    let lines: Vec<String> = raw.lines().map(clean).filter(|l| !l.is_empty()).collect();
    let joined = lines.join(" ");
    let title = TITLES
        .iter()
        .filter_map(|t| joined.find(t).map(|i| (i, *t)))
        .min_by_key(|(i, _)| *i);
    if let Some((i, t)) = title {
        let org = clean(joined.get(..i).unwrap_or(""));
        let person = clean(joined.get(i + t.len()..).unwrap_or(""));
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        return (some(org), some(person));
    }
    (lines.first().cloned(), lines.get(1).cloned())
}

/// A disclosure page: name, address, kind, number when shown, operator and representative.
pub(super) fn parse_preview(html: &str, base: Option<&Url>) -> Result<Parsed, ParseError> {
    let doc = Html::parse_document(html);
    let pairs = label_rows(&doc);
    let name = value(&pairs, &["委員会の名称"]);
    let number = value(&pairs, &["認定番号"]).and_then(|v| number_in(&v));
    let code = base
        .and_then(|u| PREVIEW_CODE.captures(u.path()))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string());
    if name.is_none() && number.is_none() {
        return Err(ParseError::NoContent(
            "no committee name or number on a disclosure page".into(),
        ));
    }
    let Some(local) = number.clone().or(code).or(name.clone()) else {
        return Err(ParseError::NoContent("no committee key".into()));
    };
    let (operator, representative) = pairs
        .iter()
        .find(|(l, _)| l == "氏名")
        .map(|(_, v)| holder(&v.join("\n")))
        .unwrap_or_default();
    let about = About {
        number,
        name,
        operator,
        address: value(&pairs, &["委員会の所在地"]),
        registered: value(&pairs, &["認定年月日"]).and_then(|v| first_date(&v)),
        kind: pairs
            .iter()
            .find(|(l, _)| l.contains("審査等業務の対象"))
            .and_then(|(_, v)| checked_kind(&v.join(" "))),
        listed_in: None,
    };
    let mut f = Facts::default();
    committee_facts(&mut f, &local, &about);
    let org = SubjectKey::new(K::Organization, NAME, &local);
    if about.operator.is_some() {
        let op_addr = pairs
            .iter()
            .find(|(l, _)| l == "住所")
            .map(|(_, v)| clean(&v.join(" ")));
        if let Some(addr) = op_addr.filter(|a| !a.is_empty()) {
            f.add(&org, P::Address, addr, None);
        }
        if let Some(rep) = representative {
            let person = SubjectKey::new(K::Person, NAME, &local);
            f.add(&person, P::Name, rep, None);
            f.link(&org, P::Representative, &person, None);
        }
    }
    Ok(Parsed {
        facts: f.into_vec(),
        links: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_holders_and_list_positions() {
        assert_eq!(
            checked_kind("□ 第三種再生医療等 提供計画のみに係る 審査等業務を実施 ■ 左記以外"),
            Some("特定認定")
        );
        assert_eq!(
            checked_kind("■ 第三種再生医療等\n提供計画のみに係る 審査等業務を実施 □ 左記以外"),
            Some("認定")
        );
        assert_eq!(checked_kind("□ 第三種 □ 左記以外"), None);
        assert_eq!(
            holder("一般社団法人東京セル医療協会\n代表理事　三島 隆之"),
            (
                Some("一般社団法人東京セル医療協会".into()),
                Some("三島 隆之".into())
            )
        );
        assert_eq!(
            holder("医療法人社団 活寿会\n理事長 尾辻正樹"),
            (Some("医療法人社団 活寿会".into()), Some("尾辻正樹".into()))
        );
        assert_eq!(holder("株式会社X"), (Some("株式会社X".into()), None));
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            list_position(&u(
                "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/2"
            )),
            Some(("2".into(), 1))
        );
        assert_eq!(
            list_position(&u(
                "https://saiseiiryo.mhlw.go.jp/disclosed_committee/index/1/page:3"
            )),
            Some(("1".into(), 3))
        );
        assert_eq!(
            list_position(&u(
                "https://saiseiiryo.mhlw.go.jp/disclosed_committee/history/1"
            )),
            None
        );
    }
}
