//! `kouseikyoku`: the regional bureaus (地方厚生局). Four kinds of documents:
//! - notice pages listing what a bureau published on regenerative medicine (links only);
//! - bureau orders, as HTML or as a PDF only (text), in the `記 / 第1 被処分者等` layout with
//!   spaced labels (`氏 名`, `所 在 地`, `計 画 名`) and plan aliases `(以下「線維芽」とする)`;
//! - the CPC list (Excel): 施設番号, name, address, holder, 許可/届出, date;
//! - lists of providers (HTML tables): closed ones (廃止年月日) and newly notified ones
//!   (開設年月日, with 開設者 and 管理者).

use super::util::{self, clean, compact, split_operator, Facts};
use crate::adapter::{Adapter, ParseError, Parsed};
use crate::document::{Body, Document, Sheet};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;
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

fn bureau_of(url: &str) -> Option<(&'static str, &'static str)> {
    let u = Url::parse(url).ok()?;
    let first = u.path_segments()?.next()?.to_string();
    BUREAUS.iter().copied().find(|(slug, _)| *slug == first)
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

    fn start_urls(&self) -> Vec<Url> {
        super::fixed_urls(&[
            "https://kouseikyoku.mhlw.go.jp/kantoshinetsu/iji/saiseiiryou/index.html",
            "https://kouseikyoku.mhlw.go.jp/tokaihokuriku/iji/saisei/index.html",
            "https://kouseikyoku.mhlw.go.jp/kinki/iji/saiseiiryou/index.html",
            "https://kouseikyoku.mhlw.go.jp/kyushu/iji/saiseiiryou/index.html",
        ])
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
                notice(&util::text_lines(text), &id, bureau, &mut f);
            }
            Body::Html(html) => {
                let lines = util::html_lines(html);
                if !provider_list(html, &lines, &id, bureau, &mut f) {
                    notice(&lines, &id, bureau, &mut f);
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
        if f.is_empty() && links.is_empty() {
            return Err(ParseError::NoContent(
                "no order, list or notice links".into(),
            ));
        }
        Ok(Parsed {
            facts: f.into_vec(),
            links,
        })
    }
}

/// Links from a bureau's notice page to its regenerative-medicine documents (same bureau, its
/// `iji` section): pages, PDFs and spreadsheets.
fn notice_links(html: &str, url: &str) -> Vec<Url> {
    let Some((slug, _)) = bureau_of(url) else {
        return Vec::new();
    };
    let prefix = format!("/{slug}/iji/");
    util::html_links(html, url, &[HOST])
        .into_iter()
        .filter(|u| u.path().starts_with(&prefix) && u.as_str() != url)
        .collect()
}

// ------------------------------------------------------------------------------ notices

/// Strip a spaced label (`所 在 地`) from the start of `line`; returns the value after it.
fn strip_label(line: &str, label: &str) -> Option<String> {
    let mut rest = line.chars().peekable();
    for want in label.chars() {
        while rest.peek().is_some_and(|c| c.is_whitespace()) {
            rest.next();
        }
        if rest.next()? != want {
            return None;
        }
    }
    let value: String = rest.collect();
    Some(clean(
        value.trim_start_matches([' ', '\u{3000}', ':', '：']),
    ))
}

const PARTY_LABELS: &[&str] = &[
    "氏名",
    "名称",
    "施設の名称",
    "所在地",
    "計画名",
    "法人名",
    "開設者",
    "施設番号",
];

static SECTION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^第(\d+)(.*)$").expect("static regex"));
static ALIAS_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"以下「([^」]+)」").expect("static regex"));

/// A bureau order in the `記 / 第1 被処分者等 / 第2 理由 / 第3 内容` layout.
fn notice(lines: &[String], id: &str, bureau: Option<&str>, f: &mut Facts) {
    let Some(title_at) = lines.iter().position(|l| {
        let c = compact(l);
        !c.contains('>')
            && c.chars().count() < 90
            && (c.ends_with("について") || c.contains("について"))
            && ["命令", "取消", "取り消", "処分", "停止"]
                .iter()
                .any(|k| c.contains(k))
    }) else {
        return;
    };
    let ki_at = lines
        .iter()
        .position(|l| compact(l) == "記")
        .or_else(|| lines.iter().position(|l| compact(l).starts_with("第1")));
    let Some(ki_at) = ki_at.filter(|k| *k > title_at) else {
        return;
    };
    let title = lines.get(title_at).cloned().unwrap_or_default();
    let date = lines
        .iter()
        .take(title_at)
        .filter(|l| compact(l).chars().count() <= 24)
        .find_map(|l| util::first_date(l));
    let on = date;
    let lead: String = lines.get(title_at + 1..ki_at).unwrap_or(&[]).concat();
    let authority = {
        let c = compact(&lead);
        // `九州厚生局長は` — else the bureau of the URL.
        c.find("長は")
            .and_then(|i| c.get(..i + "長".len()))
            .and_then(|head| {
                BUREAUS
                    .iter()
                    .map(|(_, b)| format!("{b}長"))
                    .find(|b| head.ends_with(b.as_str()))
            })
            .or_else(|| bureau.map(|b| format!("{b}長")))
    };

    // Sections by their 第N heads.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines.iter().skip(ki_at) {
        let c = compact(line);
        if let Some(cap) = SECTION_RE.captures(&c) {
            let head = cap.get(2).map_or("", |m| m.as_str()).to_string();
            // `第1 被処分者等`, not `第4条…` inside a sentence.
            if !head.starts_with('条') && head.chars().count() <= 20 {
                sections.push((head, Vec::new()));
                continue;
            }
        }
        if let Some((_, body)) = sections.last_mut() {
            body.push(line.clone());
        }
    }
    if sections.is_empty() {
        return;
    }

    let action = SubjectKey::new(K::Action, NAME, id);
    f.add(&action, P::Headline, title.as_str(), on);
    f.add(
        &action,
        P::ActionType,
        util::action_type(&title).as_str(),
        on,
    );
    f.date(&action, P::IssuedOn, date, on);
    if let Some(a) = &authority {
        f.add(&action, P::Authority, a.as_str(), on);
    }
    for a in util::basis_articles(&lead) {
        f.add(&action, P::Article, a, on);
    }
    for (head, body) in &sections {
        if head.contains("被処分者") || head.contains("対象") {
            parties(body, id, &action, on, f);
        } else if head.contains("理由") || head.contains("違反") || head.contains("事実") {
            for item in util::items(body) {
                f.add(&action, P::Finding, item, on);
            }
        } else if head.contains("内容") || head.contains("措置") {
            for item in util::items(body) {
                f.add(&action, P::Measure, item, on);
            }
        }
    }
}

/// The `第1 被処分者等` block: labelled values (the value may sit on the next line, as in a
/// two-column table), several plans under one `計画名` label.
fn parties(body: &[String], id: &str, action: &SubjectKey, on: Option<NaiveDate>, f: &mut Facts) {
    let mut fields: Vec<(&str, Vec<String>)> = Vec::new();
    for line in body {
        let label = PARTY_LABELS
            .iter()
            .filter_map(|l| strip_label(line, l).map(|v| (*l, v)))
            // `施設の名称` before `名称`? both can match only one line start; prefer the longest.
            .max_by_key(|(l, _)| l.chars().count());
        match label {
            Some((l, v)) => {
                let mut vals = Vec::new();
                if !v.is_empty() {
                    vals.push(v);
                }
                fields.push((l, vals));
            }
            None => {
                let Some((_, vals)) = fields.last_mut() else {
                    continue;
                };
                let t = clean(line);
                let c = compact(&t);
                // `（以下「膝治療」とする）` continues the previous plan; anything else is a
                // further value (a second plan, a wrapped address).
                match vals.last_mut() {
                    Some(last) if c.starts_with("(以下") => last.push_str(&t),
                    _ => vals.push(t),
                }
            }
        }
    }
    let get = |label: &str| -> Vec<String> {
        fields
            .iter()
            .filter(|(l, _)| *l == label)
            .flat_map(|(_, v)| v.clone())
            .collect()
    };

    let mut n = 0usize;
    let mut place_subject: Option<SubjectKey> = None;
    let mut organization: Option<SubjectKey> = None;

    // 名称 / 法人名 / 開設者: the corporation itself.
    for v in get("名称")
        .into_iter()
        .chain(get("法人名"))
        .chain(get("開設者"))
    {
        let name: String = v.chars().take_while(|c| !matches!(c, '（' | '(')).collect();
        let name = clean(&name);
        if name.is_empty() {
            continue;
        }
        let org = SubjectKey::new(K::Organization, NAME, &format!("{id}#org"));
        f.add(&org, P::Name, name, on);
        f.link(action, P::Target, &org, on);
        organization = Some(org);
        break;
    }

    // 氏名: `木下 悠真 （医療法人玄海会 博多リジェネクリニック管理者）`
    for v in get("氏名") {
        let chars: Vec<char> = v.chars().collect();
        let open = chars.iter().position(|c| matches!(c, '（' | '('));
        let person_name = clean(
            &chars
                .iter()
                .take(open.unwrap_or(chars.len()))
                .collect::<String>(),
        );
        let role_text = open.and_then(|o| {
            let open_char = chars.get(o).copied()?;
            let close = if open_char == '(' { ')' } else { '）' };
            util::bracketed(&chars, o, open_char, close).map(|(s, _)| clean(&s))
        });
        n += 1;
        let person = SubjectKey::new(K::Person, NAME, &format!("{id}#{n}-person"));
        f.add(&person, P::Name, person_name, on);
        f.link(action, P::Target, &person, on);
        let Some(role_text) = role_text else { continue };
        let roles = [
            "管理者",
            "開設者",
            "理事長",
            "代表取締役",
            "代表者",
            "院長",
            "施設長",
        ];
        let role = roles.iter().find(|r| role_text.ends_with(**r)).copied();
        let holder = match role {
            Some(r) => role_text.strip_suffix(r).unwrap_or(&role_text).to_string(),
            None => role_text.clone(),
        };
        let (op, fac) = split_operator(&holder);
        if fac.is_empty() {
            continue;
        }
        let kind = if util::looks_like_cpc(&fac) {
            K::Cpc
        } else {
            K::Facility
        };
        let facility = SubjectKey::new(kind, NAME, &format!("{id}#{n}"));
        f.add(&facility, P::Name, fac.as_str(), on);
        f.link(action, P::Target, &facility, on);
        if role == Some("管理者") || role == Some("院長") || role == Some("施設長") {
            f.link(&facility, P::Manager, &person, on);
        }
        if let Some(op) = op {
            let org = SubjectKey::new(K::Organization, NAME, &format!("{id}#{n}-operator"));
            f.add(&org, P::Name, op, on);
            f.link(&facility, P::Operator, &org, on);
            f.link(action, P::Target, &org, on);
        }
        place_subject.get_or_insert(facility);
    }

    // 施設の名称: a CPC, keyed by its 施設番号 when given.
    for v in get("施設の名称") {
        let number = util::facility_number(&v).or_else(|| {
            get("施設番号")
                .first()
                .and_then(|s| util::facility_number(s))
        });
        let name: String = v.chars().take_while(|c| !matches!(c, '（' | '(')).collect();
        let name = clean(&name);
        n += 1;
        let key = match &number {
            Some(no) => SubjectKey::new(K::Cpc, NAME, no),
            None => SubjectKey::new(K::Cpc, NAME, &format!("{id}#{n}")),
        };
        f.add(&key, P::Name, name, on);
        if let Some(no) = &number {
            f.add(&key, P::FacilityNumber, no.as_str(), on);
        }
        if let Some(org) = &organization {
            f.link(&key, P::Operator, org, on);
        }
        f.link(action, P::Target, &key, on);
        place_subject = Some(key);
    }

    if let Some(subject) = place_subject.as_ref().or(organization.as_ref()) {
        if let Some(addr) = get("所在地").into_iter().next() {
            if let Some(p) = util::prefecture_of(&addr) {
                f.add(subject, P::Prefecture, p, on);
            }
            f.add(subject, P::Address, addr, on);
        }
    }

    // 計画名: each plan, its number and the alias later sections use.
    for (i, v) in get("計画名").into_iter().enumerate() {
        let plan = SubjectKey::new(K::Plan, NAME, &format!("{id}#p{}", i + 1));
        let cut = ["（計画番号", "(計画番号", "（以下", "(以下"]
            .iter()
            .filter_map(|k| v.find(k))
            .min();
        let title = match cut {
            Some(c) => v.get(..c).unwrap_or(&v).to_string(),
            None => v.clone(),
        };
        f.add(&plan, P::Title, clean(&title), on);
        if let Some(no) = util::plan_number(&v) {
            f.add(&plan, P::PlanNumber, no, on);
        }
        if let Some(alias) = ALIAS_RE.captures(&v).and_then(|c| c.get(1)) {
            // The alias is how the findings refer to the plan; kept as a name of the plan.
            f.add(&plan, P::Name, alias.as_str(), on);
        }
        f.link(action, P::ConcernsPlan, &plan, on);
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
    let list = format!("{} 細胞培養加工施設一覧", bureau.unwrap_or("地方厚生局"));
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
    let title = util::html_title(html)
        .map(|t| t.split(['｜', '|']).next().unwrap_or("").trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            if closing {
                "再生医療等提供機関の廃止一覧".into()
            } else {
                "再生医療等提供機関一覧".into()
            }
        });
    let list = format!("{} {}", bureau.unwrap_or("地方厚生局"), title);
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
