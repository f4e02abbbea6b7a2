//! `jrct`: jRCT detail pages of regenerative-medicine research plans (`jRCTb…`). Values are
//! bilingual; the Japanese part is kept. The `変更内容` table and the dates embedded in
//! attachment names are dated change events.
//!
//! jRCT's terms ask automated crawlers to refrain and require a permission request for
//! comprehensive collection ([`TERMS_URL`]). So this source is **off** unless a user enables
//! it, and even then it fetches only the detail pages of jRCT IDs mieru already knows from
//! other sources, one request per [`Options::interval`] (10 s by default); it never reads a
//! list or search page and never follows a link.

use super::util::{self, clean, compact, split_operator, Facts};
use crate::adapter::{Adapter, ParseError, Parsed, SourceLimits, StartContext};
use crate::document::{Body, Document};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use crate::request::Request;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;
use std::time::Duration;
use url::Url;

pub const NAME: &str = "jrct";
/// The host since 2025.
const HOST: &str = "jrct.mhlw.go.jp";
/// The former host: accepted only as the source of a redirect, never started from.
const OLD_HOST: &str = "jrct.niph.go.jp";

/// jRCT's terms of use.
pub const TERMS_URL: &str = "https://jrct.mhlw.go.jp/agreement";
/// What the terms ask of automated access, for the sources page.
pub const TERMS_SUMMARY_JA: &str = "jRCTの利用規約は、機械的な手段による自動的な収集（クローリング）を控えるよう求め、\
網羅的な収集にはヘルプデスクへの許可申請を求めています（掲載内容は公共データ利用規約 PDL1.0）。\
mieru は既定では jRCT を読みません。有効にした場合も、他の情報源で既に知られている jRCT ID の詳細ページだけを、\
10秒に1件の間隔で取得します。";
/// The same in English.
pub const TERMS_SUMMARY_EN: &str = "jRCT's terms ask that automated crawling be refrained from \
and require a permission request to the help desk for comprehensive collection (content is \
under PDL 1.0). mieru does not read jRCT by default; when enabled, it fetches only the detail \
pages of jRCT IDs already known from other sources, one request every 10 seconds.";

/// One request per this long by default, whatever the crawl-wide rate.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(10);

/// jRCT's terms ask automated crawlers to refrain: it is off unless a user enables it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub enabled: bool,
    /// jRCT IDs known from other sources: the only detail pages fetched.
    pub ids: Vec<String>,
    /// At least this long between two requests to jRCT.
    pub interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            enabled: false,
            ids: Vec::new(),
            interval: DEFAULT_INTERVAL,
        }
    }
}

/// The adapter; [`Default`] is disabled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jrct {
    options: Options,
}

impl Jrct {
    pub fn new(options: Options) -> Self {
        Self { options }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }
}

static JRCT_ID: LazyLock<Regex> =
    LazyLock::new(|| crate::adapters::util::static_regex(r"jRCT[bs12]?\d{9}"));
static COMMITTEE_NO: LazyLock<Regex> =
    LazyLock::new(|| crate::adapters::util::static_regex(r"N[AB]\d{7}"));
static NAME_DATE: LazyLock<Regex> =
    LazyLock::new(|| crate::adapters::util::static_regex(r"_(\d{8})_"));

/// The Japanese half of a bilingual value: `渡辺 雅彦 Watanabe Masahiko` → `渡辺 雅彦`,
/// `第二種再生医療等 / Class II` → `第二種再生医療等`.
fn ja_part(s: &str) -> String {
    let s = clean(s);
    let s = s.split(" / ").next().unwrap_or(&s).to_string();
    let chars: Vec<char> = s.chars().collect();
    let is_cjk = |c: &char| !c.is_ascii() && !matches!(c, '\u{ff01}'..='\u{ff5e}');
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()) {
            let rest = chars.get(i + 1..).unwrap_or(&[]);
            if !rest.iter().any(is_cjk) {
                return chars.get(..i).unwrap_or(&[]).iter().collect();
            }
        }
    }
    s
}

/// `大阪府大阪府大阪市…` → `大阪府大阪市…` (jRCT repeats the prefecture).
fn dedupe_prefecture(addr: &str) -> String {
    if let Some(p) = util::prefecture_of(addr) {
        let twice = format!("{p}{p}");
        if let Some(rest) = addr.strip_prefix(&twice) {
            return format!("{p}{rest}");
        }
    }
    addr.to_string()
}

fn ymd8(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

/// The first jRCT ID in `s` (`jRCTb050200112`, `jRCTs…`, `jRCT1…`, `jRCT2…`).
pub fn find_id(s: &str) -> Option<String> {
    JRCT_ID.find(s).map(|m| m.as_str().to_string())
}

/// The distinct jRCT IDs among `values` (plan numbers other sources stated), in first-seen
/// order: what [`Options::ids`] is built from.
pub fn known_ids<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in values.into_iter().filter_map(find_id) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The detail page of a jRCT ID.
pub fn detail_url(id: &str) -> Option<Url> {
    let id = find_id(id).filter(|found| found == id.trim())?;
    Url::parse(&format!("https://{HOST}/latest-detail/{id}")).ok()
}

/// Labels of the first table a detail page must have (`mieru sources check`).
const REQUIRED_LABELS: [(&[&str], &str); 4] = [
    (&["実施計画番号", "ResearchID"], "臨床研究実施計画番号"),
    (&["研究名称", "ScientificTitle"], "研究名称"),
    (
        &["所属機関", "Affiliation"],
        "研究責任（代表）医師の所属機関",
    ),
    (&["認定番号", "Committeenumber"], "認定委員会の認定番号"),
];

/// The label / value rows of a detail page's first table.
fn label_pairs(rows: &[util::Row]) -> Vec<(String, String)> {
    rows.iter()
        .filter(|r| r.header && r.cells.len() == 2)
        .filter_map(|r| Some((compact(r.cells.first()?), r.cells.get(1)?.clone())))
        .collect()
}

impl Adapter for Jrct {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        // The old host stays allowed so that a redirect from it is followed.
        &[HOST, OLD_HOST]
    }

    fn start_requests(&self, _ctx: &StartContext) -> Vec<Request> {
        if !self.options.enabled {
            return Vec::new();
        }
        let mut out: Vec<Request> = Vec::new();
        for url in self.options.ids.iter().filter_map(|id| detail_url(id)) {
            // A study withdrawn from jRCT answers 404: that is news, not a failed crawl.
            let request = Request::get(url).may_be_missing();
            if !out.iter().any(|r| r.key() == request.key()) {
                out.push(request);
            }
        }
        out
    }

    fn limits(&self) -> SourceLimits {
        SourceLimits {
            min_interval: Some(self.options.interval),
            ..SourceLimits::default()
        }
    }

    fn check_structure(&self, doc: &Document) -> Vec<String> {
        let Body::Html(html) = &doc.body else {
            return vec!["an HTML detail page (got another kind of document)".to_string()];
        };
        let pairs = label_pairs(&util::table_rows(html));
        if pairs.is_empty() {
            return vec!["detail table of th | td rows".to_string()];
        }
        REQUIRED_LABELS
            .iter()
            .filter(|(keys, _)| {
                !pairs
                    .iter()
                    .any(|(l, _)| keys.iter().any(|k| l.contains(k)))
            })
            .map(|(_, label)| format!("detail row {label}"))
            .collect()
    }

    /// Facts of one detail page. Never links: only known IDs are fetched.
    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let Body::Html(html) = &doc.body else {
            return Err(ParseError::WrongKind("jRCT pages are HTML".into()));
        };
        let rows = util::table_rows(html);
        let pairs = label_pairs(&rows);
        let value = |keys: &[&str]| field(&pairs, keys);
        let id = value(&["実施計画番号", "ResearchID"])
            .and_then(|v| find_id(&v))
            .or_else(|| find_id(&doc.meta.url));
        let Some(id) = id.filter(|_| !pairs.is_empty()) else {
            return Err(ParseError::NoContent("not a jRCT detail page".into()));
        };

        let mut f = Facts::default();
        let last = value(&["最終公表日"]).and_then(|v| util::first_date(&v));
        let plan = SubjectKey::new(K::Plan, NAME, &id);
        plan_facts(&mut f, &plan, &id, &pairs, last);
        committee_facts(&mut f, &plan, &pairs, last);
        let provider = provider_facts(&mut f, &plan, &pairs, &id, last);

        change_facts(&mut f, &plan, &rows, provider.as_ref());
        dated_attachments(&mut f, &plan, html, &doc.meta.url);
        Ok(Parsed {
            facts: f.into_vec(),
            links: Vec::new(),
        })
    }
}

/// The plan itself: number, purpose, title, class, dates and status.
fn plan_facts(
    f: &mut Facts,
    plan: &SubjectKey,
    id: &str,
    pairs: &[(String, String)],
    last: Option<NaiveDate>,
) {
    let value = |keys: &[&str]| field(pairs, keys);
    f.add(plan, P::PlanNumber, id, None);
    f.add(plan, P::Purpose, "research", None);
    if let Some(t) = value(&["研究名称", "ScientificTitle"]) {
        f.add(plan, P::Title, t, last);
    }
    if let Some(kind) = value(&["研究の種別", "Typeofstudy"]) {
        let k = compact(&kind);
        let class = if k.contains("第一種") {
            "1"
        } else if k.contains("第二種") {
            "2"
        } else if k.contains("第三種") {
            "3"
        } else {
            ""
        };
        f.add(plan, P::RiskClass, class, last);
    }
    f.date(
        plan,
        P::SubmittedOn,
        value(&["初回公表日"]).and_then(|v| util::first_date(&v)),
        None,
    );
    f.date(plan, P::ChangedOn, last, last);
    if let Some(s) = value(&["進捗状況", "Recruitmentstatus"]) {
        f.add(plan, P::Status, s, last);
    }
}

/// The value of the first label/value row whose label holds one of `keys` (its Japanese part).
fn field(pairs: &[(String, String)], keys: &[&str]) -> Option<String> {
    pairs
        .iter()
        .find(|(l, _)| keys.iter().any(|k| l.contains(k)))
        .map(|(_, v)| ja_part(v))
        .filter(|v| !v.is_empty())
}

/// The certified committee that reviewed the plan, by its number or name.
fn committee_facts(
    f: &mut Facts,
    plan: &SubjectKey,
    pairs: &[(String, String)],
    last: Option<NaiveDate>,
) {
    let committee_no = field(pairs, &["認定番号", "Committeenumber"]).and_then(|v| {
        COMMITTEE_NO
            .find(&compact(&v))
            .map(|m| m.as_str().to_string())
    });
    let committee_name = field(pairs, &["認定委員会の名称", "Nameofcommittee"]);
    if committee_no.is_some() || committee_name.is_some() {
        let local = committee_no
            .clone()
            .or(committee_name.clone())
            .unwrap_or_default();
        let c = SubjectKey::new(K::Committee, NAME, &local);
        f.add(&c, P::Name, committee_name.unwrap_or_default(), last);
        f.add(
            &c,
            P::CommitteeNumber,
            committee_no.unwrap_or_default(),
            None,
        );
        f.link(plan, P::Committee, &c, last);
    }
}

/// The investigator's institution as the provider, with its operator and address.
fn provider_facts(
    f: &mut Facts,
    plan: &SubjectKey,
    pairs: &[(String, String)],
    id: &str,
    last: Option<NaiveDate>,
) -> Option<SubjectKey> {
    let inst = field(pairs, &["所属機関", "Affiliation"])?;
    let facility = SubjectKey::new(K::Facility, NAME, id);
    let (op, name) = split_operator(&inst);
    let name = if name.is_empty() { inst.clone() } else { name };
    f.add(&facility, P::Name, name, last);
    if let Some(op) = op {
        let org = SubjectKey::new(K::Organization, NAME, id);
        f.add(&org, P::Name, op, last);
        f.link(&facility, P::Operator, &org, last);
    }
    if let Some(addr) = field(pairs, &["所在地", "Address"]) {
        let addr = dedupe_prefecture(&addr);
        if let Some(p) = util::prefecture_of(&addr) {
            f.add(&facility, P::Prefecture, p, last);
        }
        f.add(&facility, P::Address, addr, last);
    }
    f.link(plan, P::Provider, &facility, last);
    Some(facility)
}

/// 変更内容: 変更日 | 変更項目 | 変更前 | 変更後.
fn change_facts(
    f: &mut Facts,
    plan: &SubjectKey,
    rows: &[util::Row],
    provider: Option<&SubjectKey>,
) {
    // 変更内容: 変更日 | 変更項目 | 変更前 | 変更後
    let mut in_changes = false;
    for r in rows {
        if r.header {
            let joined = compact(&r.cells.concat());
            in_changes = joined.contains("変更前") && joined.contains("変更後");
            continue;
        }
        if !in_changes || r.cells.len() < 4 {
            continue;
        }
        let cell = |i: usize| r.cells.get(i).map(|s| clean(s)).unwrap_or_default();
        let Some(date) = util::first_date(&cell(0)) else {
            continue;
        };
        f.add(
            plan,
            P::Change,
            format!("{}: {} → {}", cell(1), cell(2), cell(3)),
            Some(date),
        );
        f.date(plan, P::ChangedOn, Some(date), Some(date));
        // The investigator's institution renamed (旧 → 新): the old name is a former name
        // of the provider, as of the change date; the resolver links records by it.
        if let Some(facility) = provider.filter(|_| cell(1).contains("所属機関")) {
            let (_, old) = split_operator(&cell(2));
            let old = if old.is_empty() { cell(2) } else { old };
            if !old.is_empty() {
                f.add(facility, P::FormerName, old, Some(date));
            }
            // … and the new name has been its name since that date.
            let (_, new) = split_operator(&cell(3));
            let new = if new.is_empty() { cell(3) } else { new };
            if !new.is_empty() {
                f.add(facility, P::Name, new, Some(date));
            }
        }
    }
}

/// Attachments whose names embed a date (委員会意見書_20220916_jRCTb….pdf).
fn dated_attachments(f: &mut Facts, plan: &SubjectKey, html: &str, url: &str) {
    // Attachments whose names embed a date (委員会意見書_20220916_jRCTb….pdf).
    let base = Url::parse(url).ok();
    if let (Ok(a), Some(base)) = (scraper::Selector::parse("a[href]"), base) {
        let page = scraper::Html::parse_document(html);
        for el in page.select(&a) {
            let text = clean(&el.text().collect::<String>());
            let Some(date) = NAME_DATE
                .captures(&text)
                .and_then(|c| c.get(1))
                .and_then(|m| ymd8(m.as_str()))
            else {
                continue;
            };
            let Some(url) = el.value().attr("href").and_then(|h| base.join(h).ok()) else {
                continue;
            };
            f.add(plan, P::Attachment, url.as_str(), Some(date));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_values() {
        assert_eq!(ja_part("渡辺 雅彦 Watanabe Masahiko"), "渡辺 雅彦");
        assert_eq!(ja_part("第二種再生医療等 / Class II"), "第二種再生医療等");
        assert_eq!(
            ja_part("大阪府大阪市北区梅田2-5-8 Umeda 2-5-8, Kita-ku"),
            "大阪府大阪市北区梅田2-5-8"
        );
        assert_eq!(
            ja_part("多血小板血漿 PRP を用いた治療"),
            "多血小板血漿 PRP を用いた治療"
        );
        assert_eq!(
            dedupe_prefecture("神奈川県神奈川県伊勢原市"),
            "神奈川県伊勢原市"
        );
    }
}
