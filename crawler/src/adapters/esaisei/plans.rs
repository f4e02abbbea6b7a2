//! The public plan lists (`/published_plan/index/2`, `/index/3`): one plan per data row.
//!
//! Each row yields one plan subject keyed by its plan code (found only in the download links)
//! and one facility subject for that row (`facility:e-saisei:<code>`); rows are never merged
//! here, the resolver clusters the many spellings of one clinic.

use super::NAME;
use crate::adapter::{ParseError, Parsed};
use crate::adapters::util::{self, clean, compact, first_date, split_operator, Facts};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use regex::Regex;
use std::sync::LazyLock;
use url::Url;

static CODE_IN_LINK: LazyLock<Regex> = LazyLock::new(|| {
    util::static_regex(r"/published_plan/(?:download|detail|preview)/(\d{2}[A-Z]\d{7})(?:/|$)")
});
static LIST_URL: LazyLock<Regex> =
    LazyLock::new(|| util::static_regex(r"/published_plan/index/([123])(?:/|$)"));

/// Where each field sits in a row; labels win over the positions public scrapers rely on.
#[derive(Debug, Clone, Copy)]
struct Columns {
    name: usize,
    prefecture: usize,
    address: usize,
    purpose: Option<usize>,
    title: usize,
    committee: Option<usize>,
    status: Option<usize>,
}

const POSITIONS: Columns = Columns {
    name: 0,
    prefecture: 1,
    address: 2,
    purpose: None,
    title: 4,
    committee: None,
    status: None,
};

/// The header labels the reader finds columns by, as `mieru sources check` names them.
const REQUIRED_LABELS: [(&str, &str); 4] = [
    ("医療機関", "医療機関名"),
    ("都道府県", "都道府県"),
    ("所在地", "所在地"),
    ("名称", "再生医療等の名称"),
];

fn columns_from_header(labels: &[String]) -> Option<Columns> {
    let mut c = POSITIONS;
    let mut found = 0;
    let mut has_name = false;
    for (i, raw) in labels.iter().enumerate() {
        let l = compact(raw);
        // Labels are short; a long cell is data (a title that mentions 治療 is not a label).
        if l.chars().count() > 15 {
            continue;
        }
        if l.contains("委員会") {
            c.committee = Some(i);
        } else if l.contains("医療機関") {
            c.name = i;
            has_name = true;
        } else if l.contains("都道府県") {
            c.prefecture = i;
        } else if l.contains("所在地") || l.contains("住所") {
            c.address = i;
        } else if l.contains("名称") || l.contains("計画名") {
            c.title = i;
        } else if l.contains("区分") || l.contains("治療") || l.contains("研究") {
            c.purpose = Some(i);
        } else if l.contains("状況") || l.contains("状態") || l.contains("ステータス") {
            c.status = Some(i);
        } else {
            continue;
        }
        found += 1;
    }
    (found >= 3 && has_name).then_some(c)
}

fn cell(cells: &[String], i: usize) -> String {
    cells.get(i).map(|s| clean(s)).unwrap_or_default()
}

/// The plan code of a row: only its links carry it (資料1 → /published_plan/download/{code}/5/0).
fn code_of(hrefs: &[&String]) -> Option<String> {
    hrefs.iter().find_map(|h| {
        CODE_IN_LINK
            .captures(h)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string())
    })
}

/// Whether a URL is one of the plan lists.
pub(super) fn is_list(url: &Url) -> bool {
    LIST_URL.is_match(url.path())
}

/// One plan list: a plan and a facility per data row.
pub(super) fn parse(html: &str, base: Option<&Url>) -> Result<Parsed, ParseError> {
    let rows = util::table_rows(html);
    let class = risk_class(base, html);
    let list = List {
        class: class.as_deref(),
        name: list_name(class.as_deref()),
        base,
    };

    let mut cols = POSITIONS;
    let mut f = Facts::default();
    let mut plans = 0usize;
    for row in &rows {
        let hrefs: Vec<&String> = row.links.iter().flatten().collect();
        // Header rows (th or td labels) say where the fields are; other rows without a
        // plan link (notes, short rows) are skipped.
        let Some(code) = code_of(&hrefs).filter(|_| !row.header && row.cells.len() >= 8) else {
            if let Some(c) = columns_from_header(&row.cells) {
                cols = c;
            }
            continue;
        };
        plans += 1;
        plan_facts(&mut f, &list, &row.cells, &hrefs, &code, &cols);
        provider_facts(&mut f, &row.cells, &code, &cols);
    }
    if plans == 0 {
        return Err(ParseError::NoContent(
            "no plan rows with a plan code".into(),
        ));
    }
    Ok(Parsed {
        facts: f.into_vec(),
        links: Vec::new(),
    })
}

/// What a plan list needs: a header naming the columns read, and rows with download links.
pub(super) fn check(html: &str) -> Vec<String> {
    let rows = util::table_rows(html);
    let header = rows
        .iter()
        .find(|r| columns_from_header(&r.cells).is_some())
        .or_else(|| rows.iter().find(|r| r.header));
    let labels: Vec<String> = header
        .map(|r| r.cells.iter().map(|c| compact(c)).collect())
        .unwrap_or_default();
    let mut missing: Vec<String> = REQUIRED_LABELS
        .iter()
        .filter(|(key, _)| !labels.iter().any(|l| l.contains(key)))
        .map(|(_, label)| format!("plan list header column {label}"))
        .collect();
    let rows_with_code = rows
        .iter()
        .filter(|r| code_of(&r.links.iter().flatten().collect::<Vec<_>>()).is_some())
        .count();
    if rows_with_code == 0 {
        missing.push("plan rows with download links (/published_plan/download/{code}/…)".into());
    }
    missing
}

/// The list a row was read from: its risk class (from the URL, or the page heading) and name.
struct List<'a> {
    class: Option<&'a str>,
    name: &'a str,
    base: Option<&'a Url>,
}

/// Risk class of a list: the list URL says it; the page heading is the fallback.
fn risk_class(base: Option<&Url>, html: &str) -> Option<String> {
    base.and_then(|u| LIST_URL.captures(u.path()))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .or_else(|| {
            let t = compact(&util::html_title(html).unwrap_or_default());
            if t.contains("第一種") {
                Some("1".into())
            } else if t.contains("第二種") {
                Some("2".into())
            } else if t.contains("第三種") {
                Some("3".into())
            } else {
                None
            }
        })
}

fn list_name(class: Option<&str>) -> &'static str {
    match class {
        Some("1") => "e-再生医療 第一種再生医療等提供計画 公開一覧",
        Some("2") => "e-再生医療 第二種再生医療等提供計画 公開一覧",
        Some("3") => "e-再生医療 第三種再生医療等提供計画 公開一覧",
        _ => "e-再生医療 再生医療等提供計画 公開一覧",
    }
}

/// The plan of one row: number, title, class, purpose, status, committee, attachments.
fn plan_facts(
    f: &mut Facts,
    list: &List<'_>,
    cells: &[String],
    hrefs: &[&String],
    code: &str,
    cols: &Columns,
) {
    let plan = SubjectKey::new(K::Plan, NAME, code);
    let facility = SubjectKey::new(K::Facility, NAME, code);

    f.add(&plan, P::PlanNumber, code, None);
    f.add(&plan, P::Title, cell(cells, cols.title), None);
    if let Some(class) = list.class {
        f.add(&plan, P::RiskClass, class, None);
    }
    if let Some(i) = cols.purpose {
        let p = compact(&cell(cells, i));
        if p.contains("研究") {
            f.add(&plan, P::Purpose, "research", None);
        } else if p.contains("治療") {
            f.add(&plan, P::Purpose, "treatment", None);
        }
    }
    if let Some(i) = cols.status {
        let s = cell(cells, i);
        let word: String = s
            .chars()
            .take_while(|c| !matches!(c, '（' | '(' | ' ' | '\u{3000}'))
            .collect();
        f.add(&plan, P::Status, word.as_str(), None);
        let date = first_date(&s);
        if word.contains("中止") || word.contains("廃止") {
            f.date(&plan, P::DiscontinuedOn, date, None);
        } else if word.contains("終了") {
            f.date(&plan, P::EndedOn, date, None);
        }
    }
    if let Some(i) = cols.committee {
        let name = cell(cells, i);
        if !name.is_empty() {
            let committee = SubjectKey::new(K::Committee, NAME, &name);
            f.add(&committee, P::Name, name.as_str(), None);
            f.link(&plan, P::Committee, &committee, None);
        }
    }
    for h in hrefs {
        let abs = list.base.and_then(|b| b.join(h).ok());
        if let Some(u) = abs {
            f.add(&plan, P::Attachment, u.as_str(), None);
        }
    }
    f.add(&plan, P::ListedIn, list.name, None);
    f.link(&plan, P::Provider, &facility, None);
}

/// The provider of one row as the row spells it, with its operator, prefecture and address.
fn provider_facts(f: &mut Facts, cells: &[String], code: &str, cols: &Columns) {
    let facility = SubjectKey::new(K::Facility, NAME, code);
    // The provider as this row spells it: corporation and clinic are often one string.
    let (operator, name) = split_operator(&cell(cells, cols.name));
    let name = if name.is_empty() {
        operator.clone().unwrap_or_default()
    } else {
        name
    };
    f.add(&facility, P::Name, name.as_str(), None);
    if let Some(org) = operator.filter(|o| *o != name) {
        let org_key = SubjectKey::new(K::Organization, NAME, code);
        f.add(&org_key, P::Name, org.as_str(), None);
        f.link(&facility, P::Operator, &org_key, None);
    }
    let pref = cell(cells, cols.prefecture);
    let addr = cell(cells, cols.address);
    let pref = util::prefecture_of(&pref)
        .or_else(|| util::prefecture_of(&addr))
        .map(str::to_string)
        .unwrap_or(pref);
    f.add(&facility, P::Prefecture, pref.as_str(), None);
    if !addr.is_empty() {
        let full = if util::prefecture_of(&addr).is_some() {
            addr
        } else {
            format!("{pref}{addr}")
        };
        f.add(&facility, P::Address, full, None);
    }
}
