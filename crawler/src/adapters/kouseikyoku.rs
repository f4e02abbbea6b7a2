//! `kouseikyoku`: the regional bureaus (地方厚生局), read from the bureau pages known to exist
//! (sources.md §7; [`ENTRY_PAGES`]). Four kinds of documents:
//! - entry and notice pages listing what a bureau published on regenerative medicine (links
//!   only); the leaves followed from them are notice pages `newpage_NNNNN.html` under
//!   `/{bureau}/iji/` and their PDF and Excel attachments;
//! - bureau orders, as HTML or as a PDF only (text), in the `記 / 第1 被処分者等` layout with
//!   spaced labels (`氏 名`, `所 在 地`, `計 画 名`) and plan aliases `(以下「線維芽」とする)`;
//! - the CPC list (Excel): 施設番号, name, address, holder, 許可/届出, date;
//! - lists of providers (HTML tables): closed ones (廃止年月日) and newly notified ones
//!   (開設年月日, with 開設者 and 管理者).
//!
//! A list is attributed to the bureau it names (its title), else to the bureau of its URL.

use super::order::{Order, OrderError};
use super::page;
use super::util::{self, clean, compact, Facts};
use crate::adapter::{Adapter, ParseError, Parsed};
use crate::document::{Body, Document, Sheet};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use scraper::Html;
use url::Url;

pub const NAME: &str = "kouseikyoku";
const HOST: &str = "kouseikyoku.mhlw.go.jp";

pub struct Kouseikyoku;

/// URL slug → bureau name.
const BUREAUS: &[(&str, &str)] = &[
    ("hokkaido", "北海道厚生局"),
    ("tohoku", "東北厚生局"),
    ("kantoshinetsu", "関東信越厚生局"),
    ("tokaihokuriku", "東海北陸厚生局"),
    ("kinki", "近畿厚生局"),
    ("chugokushikoku", "中国四国厚生局"),
    ("shikoku", "四国厚生支局"),
    ("kyushu", "九州厚生局"),
];

/// Bureaus (slug, name) with no known page on regenerative medicine: not crawled.
pub const UNCOVERED_BUREAUS: &[(&str, &str)] = &[
    ("tohoku", "東北厚生局"),
    ("kantoshinetsu", "関東信越厚生局"),
    ("chugokushikoku", "中国四国厚生局"),
    ("shikoku", "四国厚生支局"),
];

/// The body of a bureau page (the site's CMS; inferred from the stored copies' `ここから本文です`
/// and `更新日`): notice links are read inside it, or from the whole page if it is missing.
pub const PAGE_BODY: &str = "div#tmp_contents";

/// A bureau page a crawl starts from, and the heading of the notice list it carries (as seen
/// in stored copies of the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryPage {
    pub url: &'static str,
    pub heading: Option<&'static str>,
}

/// The real bureau pages on regenerative medicine (sources.md §7).
pub const ENTRY_PAGES: &[EntryPage] = &[
    EntryPage {
        url: "https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saiseiiryou.html",
        heading: None,
    },
    EntryPage {
        url: "https://kouseikyoku.mhlw.go.jp/kinki/iji/saisei/saisei_top.html",
        heading: Some("更新情報"),
    },
    EntryPage {
        url: "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/gaiyou.html",
        heading: Some("お知らせ"),
    },
    EntryPage {
        url: "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/newpage_00730.html",
        heading: None,
    },
    EntryPage {
        url: "https://kouseikyoku.mhlw.go.jp/hokkaido/iji/saiseiiryou.html",
        heading: None,
    },
];

fn entry_page(url: &str) -> Option<&'static EntryPage> {
    ENTRY_PAGES.iter().find(|e| e.url == url)
}

fn bureau_of(url: &str) -> Option<(&'static str, &'static str)> {
    let u = Url::parse(url).ok()?;
    let first = u.path_segments()?.next()?.to_string();
    BUREAUS.iter().copied().find(|(slug, _)| *slug == first)
}

/// The bureau a text names (a list's title: `…｜関東信越厚生局`, `関東信越厚生局管内 …`).
fn bureau_named_in(text: &str) -> Option<&'static str> {
    let t = compact(text);
    BUREAUS
        .iter()
        .map(|(_, name)| *name)
        .find(|name| t.contains(name))
}

/// `<bureau>/<file stem>`: stable within this source, distinct across bureaus.
fn doc_id(url: &str, sha: &str) -> String {
    let bureau = bureau_of(url).map(|(s, _)| s).unwrap_or("unknown");
    let stem = util::url_stem(url).unwrap_or_else(|| sha.to_string());
    format!("{bureau}/{stem}")
}

impl Adapter for Kouseikyoku {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }

    fn start_requests(&self, _ctx: &crate::adapter::StartContext) -> Vec<crate::request::Request> {
        let urls: Vec<&str> = ENTRY_PAGES.iter().map(|e| e.url).collect();
        super::fixed_requests(&urls)
    }

    /// An entry page: its body (where notice links are read) and the heading of its notice
    /// list, when the page has one. Other pages: nothing.
    fn check_structure(&self, doc: &Document) -> Vec<String> {
        let Some(entry) = entry_page(&doc.meta.url) else {
            return Vec::new();
        };
        let Body::Html(html) = &doc.body else {
            return vec![PAGE_BODY.to_string()];
        };
        let page = Html::parse_document(html);
        let mut missing = Vec::new();
        if page::count(&page, PAGE_BODY) == 0 {
            missing.push(PAGE_BODY.to_string());
        }
        // The heading is matched in the page's text lines, whatever element carries it.
        if let Some(heading) = entry.heading {
            if !util::html_lines(html)
                .iter()
                .any(|l| compact(l).contains(heading))
            {
                missing.push(format!("heading 「{heading}」"));
            }
        }
        missing
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let url = doc.meta.url.as_str();
        let id = doc_id(url, &doc.meta.sha256);
        let bureau = bureau_of(url).map(|(_, n)| n);
        let mut f = Facts::default();
        let mut links = Vec::new();
        match &doc.body {
            Body::Sheets(sheets) => {
                for s in sheets {
                    cpc_sheet(s, bureau, &mut f);
                }
            }
            Body::Text(text) => {
                notice(&util::text_lines(text), &id, bureau, &mut f)?;
            }
            Body::Html(html) => {
                let lines = util::html_lines(html);
                if !provider_list(html, &lines, &id, bureau, &mut f) {
                    notice(&lines, &id, bureau, &mut f)?;
                }
                if f.is_empty() {
                    links = notice_links(html, url);
                }
            }
            _ => {
                return Err(ParseError::WrongKind(
                    "expected HTML, PDF text or a spreadsheet".into(),
                ))
            }
        }
        // An entry page with no notice (yet) is no error: the bureau has published nothing.
        if f.is_empty() && links.is_empty() && entry_page(url).is_none() {
            return Err(ParseError::NoContent(
                "no order, list or notice links".into(),
            ));
        }
        Ok(Parsed {
            facts: f.into_vec(),
            links: super::gets(links),
        })
    }
}

/// A leaf of a bureau's regenerative-medicine pages: a notice page `newpage_NNNNN.html` under
/// `/{slug}/iji/`, or a PDF or Excel file there.
fn is_leaf(url: &Url, slug: &str) -> bool {
    let path = url.path();
    if !path.starts_with(&format!("/{slug}/iji/")) {
        return false;
    }
    let file = path.rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    let notice_page = file
        .strip_prefix("newpage_")
        .and_then(|r| r.strip_suffix(".html"))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    notice_page || [".pdf", ".xlsx", ".xls"].iter().any(|e| file.ends_with(e))
}

/// Links from a bureau page to its leaves ([`is_leaf`]), read in the page body ([`PAGE_BODY`])
/// or, when the body is not marked, in the whole page.
fn notice_links(html: &str, url: &str) -> Vec<Url> {
    let (Some((slug, _)), Ok(base)) = (bureau_of(url), Url::parse(url)) else {
        return Vec::new();
    };
    let page = Html::parse_document(html);
    let scope = if page::count(&page, PAGE_BODY) > 0 {
        format!("{PAGE_BODY} a[href]")
    } else {
        "a[href]".to_string()
    };
    page::links(&page, &scope, &base, &[HOST])
        .into_iter()
        .map(|l| l.url)
        .filter(|u| is_leaf(u, slug) && *u != base)
        .collect()
}

// ------------------------------------------------------------------------------ notices

/// A bureau order, in whatever template (see [`super::order`]); the bureau's chief issues it
/// unless the lead names another. `Ok(false)` when the lines are not an order.
fn notice(
    lines: &[String],
    id: &str,
    bureau: Option<&str>,
    f: &mut Facts,
) -> Result<bool, ParseError> {
    let chief = bureau.map(|b| format!("{b}長")).unwrap_or_default();
    match Order::read(lines, &chief) {
        Ok(order) => {
            for fact in order.facts(NAME, id) {
                f.add(&fact.subject, fact.property, fact.value, fact.observed_on);
            }
            Ok(true)
        }
        Err(OrderError::NotAnOrder) => Ok(false),
        Err(OrderError::NoTargets(why)) => Err(ParseError::Malformed(why)),
    }
}

// ------------------------------------------------------------------------------ lists

fn header_index(cells: &[String], keys: &[&str]) -> Option<usize> {
    cells
        .iter()
        .position(|c| keys.iter().any(|k| compact(c).contains(k)))
}

/// The CPC list: a header row with 施設番号 somewhere below title rows; data rows below it.
fn cpc_sheet(sheet: &Sheet, bureau: Option<&str>, f: &mut Facts) {
    let as_of = sheet
        .rows
        .iter()
        .take(5)
        .flat_map(|r| r.iter())
        .filter(|c| c.contains("現在"))
        .find_map(|c| util::first_date(c));
    let Some(header_at) = sheet
        .rows
        .iter()
        .position(|r| header_index(r, &["施設番号"]).is_some())
    else {
        return;
    };
    let Some(header) = sheet.rows.get(header_at) else {
        return;
    };
    let Some(i_no) = header_index(header, &["施設番号"]) else {
        return;
    };
    let i_name = header_index(header, &["施設の名称", "施設名"]);
    let i_addr = header_index(header, &["所在地", "住所"]);
    let i_holder = header_index(header, &["氏名又は名称", "事業者", "開設者", "申請者"]);
    let i_kind = header_index(header, &["の別", "区分", "種別"]);
    let i_date = header_index(header, &["年月日", "日付"]);
    let named = sheet
        .rows
        .iter()
        .take(5)
        .flat_map(|r| r.iter())
        .find_map(|c| bureau_named_in(c));
    let list = format!(
        "{} 細胞培養加工施設一覧",
        named.or(bureau).unwrap_or("地方厚生局")
    );
    for row in sheet.rows.iter().skip(header_at + 1) {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .map(|s| clean(s))
                .unwrap_or_default()
        };
        let Some(number) = util::facility_number(&cell(Some(i_no))) else {
            continue;
        };
        let cpc = SubjectKey::new(K::Cpc, NAME, &number);
        f.add(&cpc, P::FacilityNumber, number.as_str(), as_of);
        f.add(&cpc, P::Name, cell(i_name), as_of);
        let addr = cell(i_addr);
        if let Some(p) = util::prefecture_of(&addr) {
            f.add(&cpc, P::Prefecture, p, as_of);
        }
        f.add(&cpc, P::Address, addr, as_of);
        let kind = cell(i_kind);
        let kind = ["許可", "届出", "認定"]
            .into_iter()
            .find(|k| kind.contains(k))
            .or(match number.get(..2) {
                Some("FA") => Some("許可"),
                Some("FC") => Some("届出"),
                Some("FB") => Some("認定"),
                _ => None,
            });
        if let Some(k) = kind {
            f.add(&cpc, P::LicenceKind, k, as_of);
        }
        f.date(
            &cpc,
            P::RegisteredOn,
            util::first_date(&cell(i_date)),
            as_of,
        );
        let holder = cell(i_holder);
        if !holder.is_empty() {
            let org = SubjectKey::new(K::Organization, NAME, &format!("{number}-operator"));
            f.add(&org, P::Name, holder, as_of);
            f.link(&cpc, P::Operator, &org, as_of);
        }
        f.add(&cpc, P::ListedIn, list.as_str(), as_of);
    }
}

/// A list of providers in a table: closed ones (a `廃止` date column) or newly notified ones
/// (`開設年月日` / `届出年月日`), with 開設者 and, where given, 管理者. Returns whether the page
/// was such a list.
fn provider_list(
    html: &str,
    lines: &[String],
    id: &str,
    bureau: Option<&str>,
    f: &mut Facts,
) -> bool {
    let rows = util::table_rows(html);
    let date_keys = ["廃止", "開設年月日", "届出年月日", "開設日"];
    let Some(header_at) = rows
        .iter()
        .position(|r| r.header && header_index(&r.cells, &date_keys).is_some())
    else {
        return false;
    };
    let Some(header) = rows.get(header_at) else {
        return false;
    };
    let i_name = header_index(&header.cells, &["医療機関", "名称"]);
    let i_op = header_index(&header.cells, &["開設者"]);
    let i_manager = header_index(&header.cells, &["管理者"]);
    let i_addr = header_index(&header.cells, &["所在地", "住所"]);
    let i_date = header_index(&header.cells, &date_keys);
    let closing = i_date
        .and_then(|i| header.cells.get(i))
        .is_some_and(|h| h.contains("廃止"));
    let i_note = header_index(&header.cells, &["備考"]);
    // `令和8年3月31日更新` / `…現在`
    let as_of = lines
        .iter()
        .filter(|l| l.contains("更新") || l.contains("現在"))
        .find_map(|l| util::first_date(l));
    let full_title = util::html_title(html);
    let named = full_title.as_deref().and_then(bureau_named_in);
    let title = full_title
        .map(|t| t.split(['｜', '|']).next().unwrap_or("").trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            if closing {
                "再生医療等提供機関の廃止一覧".into()
            } else {
                "再生医療等提供機関一覧".into()
            }
        });
    let list = format!("{} {}", named.or(bureau).unwrap_or("地方厚生局"), title);
    for row in rows.iter().skip(header_at + 1) {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.cells.get(i))
                .map(|s| clean(s))
                .unwrap_or_default()
        };
        let name = cell(i_name);
        let Some(date) = util::first_date(&cell(i_date)) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let local = format!("{id}/{name}/{date}");
        let key = SubjectKey::new(K::Facility, NAME, &local);
        f.add(&key, P::Name, name.as_str(), as_of);
        f.date(
            &key,
            if closing {
                P::ClosedOn
            } else {
                P::RegisteredOn
            },
            Some(date),
            as_of,
        );
        let addr = cell(i_addr);
        if let Some(p) = util::prefecture_of(&addr) {
            f.add(&key, P::Prefecture, p, as_of);
        }
        f.add(&key, P::Address, addr, as_of);
        let op = cell(i_op);
        // `個人（開設者 川越 一郎）`: an individual opener, named in the parenthesis.
        let op_name = match op.find("開設者") {
            Some(i) if op.starts_with("個人") => op
                .get(i + "開設者".len()..)
                .unwrap_or("")
                .trim_matches([' ', '\u{3000}', '）', ')'])
                .to_string(),
            _ => op.clone(),
        };
        if !op_name.is_empty() {
            let org = SubjectKey::new(K::Organization, NAME, &format!("{local}-operator"));
            f.add(&org, P::Name, clean(&op_name), as_of);
            if op.starts_with("個人") {
                f.add(&org, P::OrgKind, "個人", as_of);
            }
            f.link(&key, P::Operator, &org, as_of);
        }
        let manager = cell(i_manager);
        if !manager.is_empty() {
            let person = SubjectKey::new(K::Person, NAME, &format!("{local}-manager"));
            f.add(&person, P::Name, manager, as_of);
            f.link(&key, P::Manager, &person, as_of);
        }
        let note = cell(i_note);
        if let Some(i) = note.find("旧名称") {
            let old = note
                .get(i + "旧名称".len()..)
                .unwrap_or("")
                .trim_start_matches([':', '：', ' ', '\u{3000}']);
            f.add(&key, P::FormerName, clean(old), as_of);
        }
        f.add(&key, P::ListedIn, list.as_str(), as_of);
    }
    true
}
