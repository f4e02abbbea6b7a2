//! `mhlw-press`: the Ministry's press releases on orders under the Act (old Shift_JIS template
//! of 2016–2017 and the current one), found the way the site publishes them (sources.md §7):
//! the index of 報道発表資料 → one list per month → the release → its PDF attachments.
//!
//! A month list mixes every topic of the Ministry (wages, pensions, infections …): a release is
//! fetched only when its link text concerns the Act ([`concerns_the_act`]); the others are never
//! requested. A release is read by its text, not its markup, through [`super::order`], which
//! knows every template the Ministry has used (prose lead, 記 blocks, target lists); its date is
//! the page's own `<time datetime>` when it has one. A release whose parties cannot be read is a
//! parse error, never an action without targets.

use super::order::{Order, OrderError};
use super::{page, util};
use crate::adapter::{Adapter, ParseError, Parsed, StartContext};
use crate::document::{Body, Document};
use crate::request::{Link, Request};
use chrono::{Datelike, NaiveDate};
use scraper::Html;
use url::Url;

pub const NAME: &str = "mhlw-press";
const HOST: &str = "www.mhlw.go.jp";

/// The index of 報道発表資料: the newest releases and a link to each month's list.
pub const INDEX_URL: &str = "https://www.mhlw.go.jp/stf/houdou/index.html";
/// Month lists are `houdou_list_YYYYMM.html` beside the index.
const MONTH_LIST_PATH: &str = "/stf/houdou/houdou_list_";

/// The index's links to month lists.
pub const MONTH_LINKS: &str = "ul.m-listLinkMonth > li > a";
/// A list's links to releases (date and title in the link text).
pub const NEWS_LINKS: &str = "ul.m-listNews > li > a";
/// A release's own date.
const RELEASE_DATE: &str = "p.m-boxInfo__date > time";
/// Structures that make a page a release page (not an error page answered with 200).
const RELEASE_MARKS: &[&str] = &["p.m-boxInfo__date", "div.m-grid__col1"];
/// A release's attachments (`/content/NNNNNNNN/NNNNNNNNN.pdf`).
const PDF_LINKS: &str = r#"a[data-icon="pdf"]"#;

/// Month lists followed from the index: its newest two, the current and the previous month as
/// the site itself shows them (the page may not list the current month on its first day).
/// Older months are read only when `--since` computes them as start pages.
const INDEX_MONTHS: usize = 2;

/// Words that tie a release's title to the Act. A title concerns the Act when, once the
/// phrases of [`OTHER_ACTS`] are removed, it contains one of these (after NFKC, spaces removed):
/// - `再生医療` — the Act's name (再生医療等の安全性の確保等に関する法律, 再生医療等安全性確保法)
///   and its subject (再生医療等, 再生医療等提供計画);
/// - `細胞加工物` — 特定細胞加工物(等) and their manufacture (製造の一時停止, 許可の取消し);
/// - `細胞培養加工` — 細胞培養加工施設, the Act's CPCs;
/// - `幹細胞`, `臍帯血` — the treatments the 2017 and 2025 orders were about, when a title names
///   the treatment instead of the Act.
///
/// An order word alone (緊急命令, 改善命令, 停止命令) is not enough: the Ministry issues those
/// under other laws every month (労働者派遣事業停止命令及び労働者派遣事業改善命令, 医薬品の
/// 緊急命令). It counts only beside a word for whom the Act orders ([`PROVIDER_WORDS`]).
pub const ACT_TERMS: &[&str] = &["再生医療", "細胞加工物", "細胞培養加工", "幹細胞", "臍帯血"];

/// Phrases of other Acts that contain an Act term: 再生医療等製品 are products approved under
/// the 医薬品医療機器等法, not this Act.
pub const OTHER_ACTS: &[&str] = &["再生医療等製品"];

/// Orders the Act provides for (法第22条, 第23条, 第47条, 第48条, 第49条).
pub const ORDER_WORDS: &[&str] = &["緊急命令", "改善命令", "停止命令", "一時停止", "許可の取消"];

/// Whom the Act orders, as titles name them when they do not name the Act.
pub const PROVIDER_WORDS: &[&str] = &["クリニック", "診療所", "医療機関", "医療法人"];

/// Whether a release titled `title` (a list's link text, date included or not) concerns the
/// Act; see [`ACT_TERMS`].
pub fn concerns_the_act(title: &str) -> bool {
    let mut t = util::compact(title);
    for other in OTHER_ACTS {
        t = t.replace(other, "");
    }
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    has(ACT_TERMS) || (has(ORDER_WORDS) && has(PROVIDER_WORDS))
}

/// The list of the releases of `month` (any day of it).
pub fn month_list_url(month: NaiveDate) -> String {
    format!(
        "https://{HOST}{MONTH_LIST_PATH}{:04}{:02}.html",
        month.year(),
        month.month()
    )
}

/// `(year, month)` of a month list's path `/stf/houdou/houdou_list_YYYYMM.html`.
fn month_of_list_path(path: &str) -> Option<(i32, u32)> {
    let digits = path.strip_prefix(MONTH_LIST_PATH)?.strip_suffix(".html")?;
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let year = digits.get(..4)?.parse().ok()?;
    let month = digits.get(4..)?.parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}

/// The month a link of the index stands for: from its URL, else from its text (`2026年11月`).
fn month_of_link(link: &Link) -> Option<(i32, u32)> {
    month_of_list_path(link.url.path()).or_else(|| {
        let t = util::compact(&link.text);
        let (y, rest) = t.split_once('年')?;
        // The digits just before 年.
        let year: i32 = y
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?;
        let month: u32 = rest.split_once('月')?.0.parse().ok()?;
        (1..=12).contains(&month).then_some((year, month))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Index,
    MonthList,
    Release,
}

fn kind_of(url: &str) -> Kind {
    let path = Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    if path == "/stf/houdou/index.html" || path == "/stf/houdou/" {
        Kind::Index
    } else if month_of_list_path(&path).is_some() {
        Kind::MonthList
    } else {
        Kind::Release
    }
}

pub struct MhlwPress;

impl Adapter for MhlwPress {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }

    /// The index, and the list of every month of the window (this month's may not exist yet).
    fn start_requests(&self, ctx: &StartContext) -> Vec<Request> {
        let index = Url::parse(INDEX_URL).into_iter().map(Request::get);
        let months = ctx
            .months()
            .into_iter()
            .filter_map(|m| Url::parse(&month_list_url(m)).ok())
            .map(|u| Request::get(u).may_be_missing());
        index.chain(months).collect()
    }

    fn check_structure(&self, doc: &Document) -> Vec<String> {
        let needed = match kind_of(&doc.meta.url) {
            Kind::Index => MONTH_LINKS,
            Kind::MonthList => NEWS_LINKS,
            Kind::Release => return Vec::new(),
        };
        let found = match &doc.body {
            Body::Html(html) => page::count(&Html::parse_document(html), needed),
            _ => 0,
        };
        if found == 0 {
            vec![needed.to_string()]
        } else {
            Vec::new()
        }
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let url = doc.meta.url.as_str();
        match (&doc.body, kind_of(url)) {
            (Body::Html(html), Kind::Index) => list(html, url, true),
            (Body::Html(html), Kind::MonthList) => list(html, url, false),
            (Body::Html(html), Kind::Release) => release_page(html, url, &doc.meta.sha256),
            (Body::Text(text), _) => release_text(&util::text_lines(text), url, &doc.meta.sha256),
            _ => Err(ParseError::WrongKind(
                "expected an HTML page or a PDF release".into(),
            )),
        }
    }
}

/// The index or a month list: the releases that concern the Act (and, from the index, its two
/// newest month lists). A list without its list structure has changed: an error, not silence.
fn list(html: &str, url: &str, index: bool) -> Result<Parsed, ParseError> {
    let Ok(base) = Url::parse(url) else {
        return Err(ParseError::Malformed(format!("not a URL: {url}")));
    };
    let page = Html::parse_document(html);
    let news = page::links(&page, NEWS_LINKS, &base, &[HOST]);
    let mut links: Vec<Url> = Vec::new();
    if index {
        let mut months: Vec<((i32, u32), Url)> = page::links(&page, MONTH_LINKS, &base, &[HOST])
            .into_iter()
            .filter_map(|l| Some((month_of_link(&l)?, l.url)))
            .collect();
        if months.is_empty() && news.is_empty() {
            return Err(ParseError::NoContent(format!(
                "the index has no `{MONTH_LINKS}` and no `{NEWS_LINKS}`"
            )));
        }
        months.sort_by_key(|m| std::cmp::Reverse(m.0));
        months.dedup_by(|a, b| a.0 == b.0);
        links.extend(months.into_iter().take(INDEX_MONTHS).map(|(_, u)| u));
    } else if news.is_empty() {
        return Err(ParseError::NoContent(format!(
            "the month list has no `{NEWS_LINKS}`"
        )));
    }
    for l in news {
        if concerns_the_act(&l.text) && kind_of(l.url.as_str()) == Kind::Release {
            links.push(l.url);
        }
    }
    Ok(Parsed {
        facts: Vec::new(),
        links: super::gets(links),
    })
}

/// A release page: the order it announces (dated by the page's `<time datetime>`), and its PDF
/// attachments. A release on another subject that passed the title filter yields nothing.
fn release_page(html: &str, url: &str, sha: &str) -> Result<Parsed, ParseError> {
    let page = Html::parse_document(html);
    let date = page::time_datetime(&page, RELEASE_DATE).and_then(|d| iso_date(&d));
    let pdfs: Vec<Url> = Url::parse(url)
        .map(|base| {
            page::links(&page, PDF_LINKS, &base, &[HOST])
                .into_iter()
                .map(|l| l.url)
                .filter(|u| u.path().starts_with("/content/") && u.path().ends_with(".pdf"))
                .collect()
        })
        .unwrap_or_default();
    let facts = order_facts(&util::html_lines(html), url, sha, date)?;
    let is_release = RELEASE_MARKS.iter().any(|s| page::count(&page, s) > 0);
    if facts.is_empty() && pdfs.is_empty() && !is_release {
        return Err(ParseError::NoContent(
            "neither a release nor a list of releases".into(),
        ));
    }
    Ok(Parsed {
        facts,
        links: super::gets(pdfs),
    })
}

/// A release as text (a PDF attachment, or a copy). An attachment that is not an order
/// (別紙, 参考資料) yields nothing; other text that is no order is an error.
fn release_text(lines: &[String], url: &str, sha: &str) -> Result<Parsed, ParseError> {
    let facts = order_facts(lines, url, sha, None)?;
    let attachment = Url::parse(url).is_ok_and(|u| u.path().starts_with("/content/"));
    if facts.is_empty() && !attachment {
        return Err(ParseError::NoContent("no order in the text".into()));
    }
    Ok(Parsed {
        facts,
        links: Vec::new(),
    })
}

/// The order in `lines` as facts (none when the text is no order). `date`, the page's own,
/// comes before any date in the text.
fn order_facts(
    lines: &[String],
    url: &str,
    sha: &str,
    date: Option<NaiveDate>,
) -> Result<Vec<crate::provenance::Fact>, ParseError> {
    let id = util::url_stem(url).unwrap_or_else(|| sha.to_string());
    match Order::read(lines, "厚生労働大臣") {
        Ok(mut order) => {
            order.date = date.or(order.date);
            Ok(order.facts(NAME, &id))
        }
        Err(OrderError::NotAnOrder) => Ok(Vec::new()),
        Err(OrderError::NoTargets(why)) => Err(ParseError::Malformed(why)),
    }
}

/// `2025-09-12` or `2025-09-12T10:00:00+09:00` → the date.
fn iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim().get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_that_concern_the_act() {
        for t in [
            "2026年1月23日 再生医療等の安全性の確保等に関する法律に基づく改善命令について",
            "再生医療等の安全性の確保等に関する法律に基づく緊急命令について",
            "再生医療等安全性確保法に基づく緊急命令及び改善命令について",
            "特定細胞加工物の製造の一時停止命令について",
            "特定細胞加工物等の製造の許可の取消しについて",
            "細胞培養加工施設に対する改善命令について",
            "臍帯血を用いた治療を提供していた医療機関に対する緊急命令について",
            "医療法人社団架空会 架空ｸﾘﾆｯｸに対する緊急命令について",
            "再生 医療等提供機関に対する 改善命令について",
        ] {
            assert!(concerns_the_act(t), "{t}");
        }
    }

    #[test]
    fn titles_that_do_not() {
        for t in [
            "2026年11月18日 労働者派遣事業者に対する労働者派遣事業停止命令及び労働者派遣事業改善命令について",
            "医薬品の販売業者に対する緊急命令について",
            "再生医療等製品の条件及び期限付承認について",
            "毎月勤労統計調査 令和8年9月分結果速報",
            "第12回医師の働き方改革に関する検討会の開催について",
            "令和8年度の年金額改定について",
            "職業紹介事業者に対する業務停止命令について",
            "",
        ] {
            assert!(!concerns_the_act(t), "{t}");
        }
    }

    #[test]
    fn month_pages_and_page_kinds() {
        let m = NaiveDate::from_ymd_opt(2026, 1, 23).unwrap();
        assert_eq!(
            month_list_url(m),
            "https://www.mhlw.go.jp/stf/houdou/houdou_list_202601.html"
        );
        assert_eq!(kind_of(INDEX_URL), Kind::Index);
        assert_eq!(kind_of(&month_list_url(m)), Kind::MonthList);
        assert_eq!(
            kind_of("https://www.mhlw.go.jp/stf/houdou/houdou_list_202613.html"),
            Kind::Release
        );
        assert_eq!(
            kind_of("https://www.mhlw.go.jp/stf/newpage_61234.html"),
            Kind::Release
        );
        let link = |u: &str, t: &str| Link {
            url: Url::parse(u).unwrap(),
            text: t.into(),
        };
        assert_eq!(
            month_of_link(&link(
                "https://www.mhlw.go.jp/stf/houdou/houdou_list_202611.html",
                ""
            )),
            Some((2026, 11))
        );
        assert_eq!(
            month_of_link(&link(
                "https://www.mhlw.go.jp/stf/houdou/list.html?m=x",
                "２０２５年９月"
            )),
            Some((2025, 9))
        );
        assert_eq!(
            iso_date("2025-09-12T10:00:00+09:00"),
            NaiveDate::from_ymd_opt(2025, 9, 12)
        );
        assert_eq!(iso_date("令和7年"), None);
    }
}
