//! Parsing helpers shared by the source adapters: whitespace cleaning, NFKC keys, HTML to lines
//! and tables, link discovery, and the adapters' view (as written, first match) of rules that
//! live in `mieru-text`: 和暦 dates, legal articles, operator/facility splitting, identifiers.
//!
//! Everything here is total: malformed input yields `None` or an empty result, never a panic.

use crate::provenance::{Fact, Property, SubjectKey};
use chrono::NaiveDate;
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;
use url::Url;

/// Collapse runs of ASCII/control whitespace (CR LF inside cells, tabs, newlines) into one
/// space and trim. Full-width spaces are part of the spelling and are kept (only trimmed at the
/// ends), so names stay exactly as the source wrote them.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() || c.is_control() || c == '\u{a0}' {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out.trim_matches(|c: char| c == '\u{3000}' || c == ' ')
        .to_string()
}

/// NFKC, every kind of whitespace collapsed to one ASCII space, trimmed. For matching, not display.
pub fn nfkc(s: &str) -> String {
    let n: String = s.nfkc().collect();
    n.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// NFKC with all whitespace removed: the form labels and numbers are compared in
/// (`所 在 地` = `所在地`, `令和6年 10 月 24 日` = `令和6年10月24日`).
pub fn compact(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Every valid date in `s`, in order: 和暦 (`令和7年3月5日`, `令和元年`, `令和6年 10 月 24 日`,
/// kanji numerals), `R7.3.5`, `2025年3月5日`, `2025-03-05`, `2017/11/15`, full-width digits.
/// Impossible dates (`平成31年5月1日`, `令和7年2月30日`) are not dates.
pub fn find_dates(s: &str) -> Vec<NaiveDate> {
    mieru_text::find_dates(s)
        .into_iter()
        .map(|(d, _)| d)
        .collect()
}

/// The first valid date in `s`.
pub fn first_date(s: &str) -> Option<NaiveDate> {
    find_dates(s).into_iter().next()
}

/// Whether a 13-digit 法人番号 passes its check digit.
pub fn valid_corporate_number(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit()) && mieru_text::is_valid_corporate_number(s)
}

/// The prefecture an address starts with, if any.
pub fn prefecture_of(addr: &str) -> Option<&'static str> {
    let a = addr.trim_start_matches([' ', '\u{3000}']);
    mieru_text::address::PREFECTURES
        .iter()
        .copied()
        .find(|p| a.starts_with(p))
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}'
}

/// Split "医療法人社団X会 Yクリニック" into (operator, facility) as written, by
/// [`mieru_text::locate_operator_and_facility`]: the joint may be a space, a full-width space, a
/// line break or nothing, the corporation may follow in brackets. Returns `(None, s)` when no
/// operator is recognisable, and `(Some(org), "")` when the string names only a corporation
/// (a corporate form and a name after it).
pub fn split_operator(s: &str) -> (Option<String>, String) {
    let s = clean(s);
    let part = |r: std::ops::Range<usize>| clean(s.get(r).unwrap_or(""));
    if let Some(found) = mieru_text::locate_operator_and_facility(&s) {
        return (Some(part(found.corporation)), part(found.facility));
    }
    match mieru_text::split_corporate_form(&s) {
        (Some(_), name) if !name.is_empty() => (Some(s), String::new()),
        _ => (None, s),
    }
}

/// Whether a name denotes a cell culture processing facility rather than a clinic.
pub fn looks_like_cpc(name: &str) -> bool {
    let n = nfkc(name);
    [
        "細胞加工",
        "細胞培養",
        "加工施設",
        "培養センター",
        "培養室",
        "加工室",
        "CPC",
        "ラボ",
    ]
    .iter()
    .any(|k| n.contains(k))
}

// ------------------------------------------------------------------------------------ HTML

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "blockquote",
    "pre",
    "hr",
    "title",
    "td",
    "th",
];

fn walk(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(t) => {
            // Source line breaks inside a paragraph are layout, not structure.
            for c in t.chars() {
                out.push(if c == '\n' || c == '\r' { ' ' } else { c });
            }
        }
        Node::Element(e) => {
            let name = e.name();
            if matches!(name, "script" | "style" | "noscript" | "head") {
                return;
            }
            let block = BLOCKS.contains(&name);
            if block {
                out.push('\n');
            }
            for child in node.children() {
                walk(child, out);
            }
            if block {
                out.push('\n');
            }
        }
        _ => {
            for child in node.children() {
                walk(child, out);
            }
        }
    }
}

/// The visible text of an HTML page as lines: one per block element (and per `<br>`), each
/// cleaned of control whitespace; empty lines dropped. `<td>`s are lines of their own.
pub fn html_lines(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut text = String::new();
    walk(doc.tree.root(), &mut text);
    text_lines(&text)
}

/// Lines of a plain text (PDF-extracted) body, cleaned, empty lines dropped.
pub fn text_lines(text: &str) -> Vec<String> {
    text.lines().map(clean).filter(|l| !l.is_empty()).collect()
}

/// `<title>` of an HTML page, cleaned.
pub fn html_title(html: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("title").ok()?;
    let t = clean(&doc.select(&sel).next()?.text().collect::<String>());
    (!t.is_empty()).then_some(t)
}

/// Raw text of an element, with `<br>` turned into a line break and nothing else touched, so
/// that a caller sees CR LF and full-width spaces exactly as served.
pub fn raw_text(el: ElementRef<'_>) -> String {
    fn go(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
        match node.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.name() == "br" => out.push('\n'),
            _ => {
                for c in node.children() {
                    go(c, out);
                }
            }
        }
    }
    let mut s = String::new();
    go(*el, &mut s);
    s
}

/// One table row: cells' raw text and the hrefs found in each cell.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub cells: Vec<String>,
    pub header: bool,
    pub links: Vec<Vec<String>>,
}

/// Every `<tr>` of every table in document order.
pub fn table_rows(html: &str) -> Vec<Row> {
    let doc = Html::parse_document(html);
    let (Ok(tr), Ok(cell), Ok(a)) = (
        Selector::parse("tr"),
        Selector::parse("td, th"),
        Selector::parse("a[href]"),
    ) else {
        return Vec::new();
    };
    doc.select(&tr)
        .map(|row| {
            let mut r = Row::default();
            for c in row.select(&cell) {
                r.header |= c.value().name() == "th";
                r.cells.push(raw_text(c));
                r.links.push(
                    c.select(&a)
                        .filter_map(|l| l.value().attr("href").map(str::to_string))
                        .collect(),
                );
            }
            r
        })
        .collect()
}

/// Links of an HTML page, resolved against the document's real URL, restricted to `hosts`,
/// without fragments, deduplicated in document order.
pub fn html_links(html: &str, base: &str, hosts: &[&str]) -> Vec<Url> {
    let Ok(base) = Url::parse(base) else {
        return Vec::new();
    };
    super::page::link_urls(&Html::parse_document(html), "a[href]", &base, hosts)
}

/// The last path segment of a URL without its extension (`newpage_61234`, `0000158832`).
pub fn url_stem(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    let seg = u.path_segments()?.rfind(|s| !s.is_empty())?;
    let stem = seg.split('.').next().unwrap_or(seg);
    (!stem.is_empty()).then(|| stem.to_string())
}

/// Text inside the first bracket pair opened by `open` at char index `from` or later, tolerant
/// of nesting; returns (content, index after the closing bracket). An unmatched opening bracket
/// runs to the end of the text (the current template has stray `「`).
pub fn bracketed(chars: &[char], from: usize, open: char, close: char) -> Option<(String, usize)> {
    let start = (from..chars.len()).find(|i| chars.get(*i) == Some(&open))?;
    let mut depth = 0usize;
    let mut content = String::new();
    for (i, c) in chars.iter().enumerate().skip(start) {
        if *c == open {
            depth += 1;
            if depth == 1 {
                continue;
            }
        } else if *c == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some((content, i + 1));
            }
        }
        content.push(*c);
    }
    Some((content, chars.len()))
}

/// Collects facts for one document, dropping empty values and exact duplicates (a registry
/// file repeats a corporate number on every history row).
#[derive(Debug, Default)]
pub struct Facts {
    facts: Vec<Fact>,
    seen: HashSet<Fact>,
}

impl Facts {
    pub fn add(
        &mut self,
        subject: &SubjectKey,
        property: Property,
        value: impl Into<String>,
        on: Option<NaiveDate>,
    ) {
        let value: String = value.into();
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let fact = Fact::new(subject, property, value).on(on);
        if self.seen.insert(fact.clone()) {
            self.facts.push(fact);
        }
    }

    /// A reference fact (`Operator`, `Target` …) to another subject.
    pub fn link(
        &mut self,
        subject: &SubjectKey,
        property: Property,
        to: &SubjectKey,
        on: Option<NaiveDate>,
    ) {
        self.add(subject, property, to.as_str(), on);
    }

    pub fn date(
        &mut self,
        subject: &SubjectKey,
        property: Property,
        d: Option<NaiveDate>,
        on: Option<NaiveDate>,
    ) {
        if let Some(d) = d {
            self.add(subject, property, d.format("%Y-%m-%d").to_string(), on);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    pub fn into_vec(self) -> Vec<Fact> {
        self.facts
    }
}

/// First e-再生医療 plan number (`02C2406012`) in `s` (any width).
pub fn plan_number(s: &str) -> Option<String> {
    mieru_text::find_identifiers(s)
        .into_iter()
        .find(|(kind, _)| *kind == mieru_text::IdentifierKind::PlanNumber)
        .map(|(_, n)| n)
}

/// First CPC 施設番号 (`FC3150021`) in `s` (any width).
pub fn facility_number(s: &str) -> Option<String> {
    mieru_text::find_facility_numbers(s).into_iter().next()
}

/// Kind of action named by a title or lead.
pub fn action_type(title: &str) -> crate::provenance::ActionType {
    use crate::provenance::ActionType as A;
    let t = compact(title);
    if t.contains("解除") {
        A::Lifting
    } else if t.contains("出荷停止") && t.contains("要請") {
        A::ShippingHaltRequest
    } else if t.contains("緊急命令") {
        A::EmergencyOrder
    } else if t.contains("改善命令") {
        A::ImprovementOrder
    } else if t.contains("取消") || t.contains("取り消") {
        A::LicenceRevocation
    } else if t.contains("停止命令") || t.contains("禁止") {
        A::SuspensionOrder
    } else if t.contains("立入検査") {
        A::Inspection
    } else {
        A::Other
    }
}

/// Articles an order rests on, from its lead: the first sentence that issues it (本日…命じ /
/// 行いました / 取り消し), skipping articles that only authorised an inspection
/// (`法第24条第2項に基づく立入検査`) or are cited as violated.
pub fn basis_articles(lead: &str) -> Vec<String> {
    let sentences = lead_sentences(lead);
    let issuing = |s: &&String| {
        let c = compact(s);
        c.contains("命じ")
            || c.contains("行いました")
            || c.contains("取り消")
            || c.contains("要請し")
    };
    let sentence = sentences
        .iter()
        .find(issuing)
        .or_else(|| sentences.iter().find(|s| s.contains("本日")))
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for hit in mieru_text::find_article_mentions(&sentence) {
        let basis_at = ["に基づ", "の規定に", "により"]
            .iter()
            .filter_map(|k| hit.after.find(k).map(|i| (i, k.len())))
            .min();
        let what: String = match basis_at {
            Some((i, len)) => hit
                .after
                .get(i + len..)
                .unwrap_or("")
                .chars()
                .take(12)
                .collect(),
            None => String::new(),
        };
        if hit.after.starts_with("違反") || what.contains("立入検査") || what.contains("報告")
        {
            continue;
        }
        if !out.contains(&hit.article) {
            out.push(hit.article);
        }
    }
    out
}

/// Sentences of a lead paragraph. The statute's parenthesis
/// `（平成25年法律第85号。以下「法」という。）` is not a sentence end.
pub fn lead_sentences(lead: &str) -> Vec<String> {
    let joined = lead
        .replace("。以下", "、以下")
        .replace("という。）", "という）")
        .replace("という。)", "という)");
    joined
        .split('。')
        .map(str::to_string)
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// Strip a list marker (`・`, `1 `, `１　`, `(1)`, `①`) from an item line; `None` when the
/// line does not start with one (a continuation of the previous item).
pub fn strip_item_marker(line: &str) -> Option<String> {
    let t = line.trim_start_matches(is_space);
    let mut chars = t.chars();
    let first = chars.next()?;
    if matches!(first, '・' | '･' | '○' | '●' | '◯' | '-' | '－') || ('①'..='⑳').contains(&first)
    {
        return Some(clean(chars.as_str().trim_start_matches(is_space)));
    }
    // (1) / （１）
    let n = nfkc(t);
    if let Some(rest) = n.strip_prefix('(') {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && rest.chars().nth(digits.chars().count()) == Some(')') {
            let skip = 1 + digits.chars().count() + 1;
            let orig: String = t.chars().skip(skip).collect();
            return Some(clean(orig.trim_start_matches(is_space)));
        }
    }
    // "1 " / "１　" / "1." — a number followed by a separator, not a date or an amount.
    let digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    if digits > 0 && digits <= 2 {
        let next = t.chars().nth(digits);
        if matches!(
            next,
            Some(' ') | Some('\u{3000}') | Some('.') | Some('．') | Some('、')
        ) {
            let orig: String = t.chars().skip(digits + 1).collect();
            return Some(clean(orig.trim_start_matches(is_space)));
        }
    }
    None
}

/// Group lines into items: a marked line starts an item, unmarked lines continue it. Lines
/// before the first marker become items of their own (sections written without markers).
pub fn items(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for l in lines {
        // A copy's trailing source URL is not part of the last item.
        if l.trim_start().starts_with("http") {
            open = false;
            continue;
        }
        match strip_item_marker(l) {
            Some(item) => {
                out.push(item);
                open = true;
            }
            None if open => {
                if let Some(last) = out.last_mut() {
                    last.push_str(&clean(l));
                }
            }
            None => out.push(clean(l)),
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Compiles a pattern written in this crate. The patterns are constants, so one that does not
/// compile is a bug every test of its adapter shows at once, never a property of the input.
#[allow(clippy::expect_used)]
pub(crate) fn static_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("a pattern of this crate compiles")
}

#[cfg(test)]
mod tests;
