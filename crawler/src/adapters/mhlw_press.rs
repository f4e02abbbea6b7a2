//! `mhlw-press`: the Ministry's press releases on orders under the Act (old Shift_JIS template
//! of 2016–2017 and the current one), and the page that lists them.
//!
//! A release is read by its text, not its markup: date line, title, lead paragraph (targets in
//! 「」 with a parenthesis of prefecture / manager / 施設番号, the articles the order rests on),
//! then bracketed heads `【…】` with `・` items (findings, plans ordered suspended, measures).

use super::util::{self, clean, compact, split_operator, split_renamed, Facts};
use crate::adapter::{Adapter, ParseError, Parsed};
use crate::document::{Body, Document};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use chrono::NaiveDate;
use url::Url;

pub const NAME: &str = "mhlw-press";
const HOST: &str = "www.mhlw.go.jp";

pub struct MhlwPress;

impl Adapter for MhlwPress {
    fn name(&self) -> &'static str {
        NAME
    }

    fn hosts(&self) -> &'static [&'static str] {
        &[HOST]
    }

    fn start_urls(&self) -> Vec<Url> {
        super::fixed_urls(&[
            "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/saisei_iryou/meirei.html",
        ])
    }

    fn parse(&self, doc: &Document) -> Result<Parsed, ParseError> {
        let (lines, links) = match &doc.body {
            Body::Html(html) => (
                util::html_lines(html),
                release_links(util::html_links(html, &doc.meta.url, &[HOST])),
            ),
            Body::Text(text) => (util::text_lines(text), Vec::new()),
            _ => {
                return Err(ParseError::WrongKind(
                    "expected an HTML or PDF release".into(),
                ))
            }
        };
        let id = util::url_stem(&doc.meta.url).unwrap_or_else(|| doc.meta.sha256.clone());
        let facts = match Release::read(&lines) {
            Some(r) => r.facts(&id),
            None => Vec::new(),
        };
        if facts.is_empty() && links.is_empty() {
            return Err(ParseError::NoContent(
                "neither a release nor a list of releases".into(),
            ));
        }
        Ok(Parsed { facts, links })
    }
}

/// Only releases and their attachments: the index also links to other parts of the site.
fn release_links(links: Vec<Url>) -> Vec<Url> {
    links
        .into_iter()
        .filter(|u| {
            let p = u.path();
            (p.starts_with("/stf/houdou/") && p.ends_with(".html"))
                || p.starts_with("/stf/newpage_")
                || (p.starts_with("/content/") && p.ends_with(".pdf"))
        })
        .collect()
}

/// A release as sections of lines.
#[derive(Debug, Default)]
pub(crate) struct Release {
    pub date: Option<NaiveDate>,
    pub title: String,
    pub lead: String,
    /// (head without brackets, lines under it)
    pub sections: Vec<(String, Vec<String>)>,
}

fn is_title(line: &str) -> bool {
    let c = compact(line);
    !c.contains('>')
        && c.chars().count() < 90
        && c.contains("について")
        && ["命令", "取消", "取り消", "処分", "要請", "停止", "立入検査"]
            .iter()
            .any(|k| c.contains(k))
}

impl Release {
    pub(crate) fn read(lines: &[String]) -> Option<Self> {
        let title_at = lines.iter().position(|l| is_title(l))?;
        let title = lines.get(title_at)?.clone();
        // The date line precedes the title (after the breadcrumb); a short line with a date.
        let date = lines
            .iter()
            .take(title_at)
            .filter(|l| compact(l).chars().count() <= 24)
            .find_map(|l| util::first_date(l))
            .or_else(|| lines.iter().find_map(|l| util::first_date(l)));
        let mut r = Release {
            date,
            title,
            ..Default::default()
        };
        let mut current: Option<(String, Vec<String>)> = None;
        let mut lead: Vec<&str> = Vec::new();
        for line in lines.iter().skip(title_at + 1) {
            let t = line.trim_start_matches([' ', '\u{3000}']);
            if let Some(rest) = t.strip_prefix('【') {
                if let Some(s) = current.take() {
                    r.sections.push(s);
                }
                let head: String = rest.chars().take_while(|c| *c != '】').collect();
                let tail: String = rest.chars().skip_while(|c| *c != '】').skip(1).collect();
                let mut body = Vec::new();
                if !clean(&tail).is_empty() {
                    body.push(clean(&tail));
                }
                current = Some((clean(&head), body));
            } else if let Some((_, body)) = current.as_mut() {
                body.push(line.clone());
            } else {
                lead.push(line);
            }
        }
        if let Some(s) = current.take() {
            r.sections.push(s);
        }
        r.lead = lead.join("");
        Some(r)
    }

    /// Whether the text is an order at all: a list of releases also has a title-like line
    /// (a link text) but no lead issuing anything and no bracketed heads.
    fn has_substance(&self) -> bool {
        !util::basis_articles(&self.lead).is_empty()
            || !lead_targets(&self.lead).is_empty()
            || self.sections.iter().any(|(h, _)| !h.contains("照会先"))
    }

    pub(crate) fn facts(&self, id: &str) -> Vec<crate::provenance::Fact> {
        if !self.has_substance() {
            return Vec::new();
        }
        let on = self.date;
        let mut f = Facts::default();
        let action = SubjectKey::new(K::Action, NAME, id);
        f.add(&action, P::Headline, self.title.as_str(), on);
        f.add(
            &action,
            P::ActionType,
            util::action_type(&self.title).as_str(),
            on,
        );
        f.date(&action, P::IssuedOn, self.date, on);
        f.add(&action, P::Authority, "厚生労働大臣", on);
        for a in util::basis_articles(&self.lead) {
            f.add(&action, P::Article, a, on);
        }
        for (n, target) in lead_targets(&self.lead).into_iter().enumerate() {
            target.emit(&mut f, &action, id, n + 1, on);
        }
        let mut plan_no = 0;
        for (head, body) in &self.sections {
            let h = compact(head);
            if h.contains("照会先") || h.contains("今後") {
                continue;
            }
            let items = util::items(body);
            if h.contains("再生医療等")
                && (h.contains("命じた") || h.contains("停止"))
                && !h.contains("違反")
            {
                for item in items {
                    plan_no += 1;
                    let plan = SubjectKey::new(K::Plan, NAME, &format!("{id}#p{plan_no}"));
                    f.add(&plan, P::Title, plan_title(&item), on);
                    if let Some(no) = util::plan_number(&item) {
                        f.add(&plan, P::PlanNumber, no, on);
                    }
                    f.link(&action, P::ConcernsPlan, &plan, on);
                }
            } else if h.contains("違反")
                || h.contains("事案")
                || h.contains("確認")
                || h.contains("指摘")
            {
                for item in items {
                    f.add(&action, P::Finding, item, on);
                }
            } else if h.contains("内容")
                || h.contains("措置")
                || h.contains("命じた")
                || h.contains("求めた")
            {
                for item in items {
                    f.add(&action, P::Measure, item, on);
                }
            }
        }
        f.into_vec()
    }
}

/// The plan title inside 「」 (tolerating a missing 」), without a trailing 計画番号 note.
fn plan_title(item: &str) -> String {
    let chars: Vec<char> = item.chars().collect();
    let inner = util::bracketed(&chars, 0, '「', '」')
        .map(|(s, _)| s)
        .unwrap_or_else(|| item.to_string());
    let cut = ["（計画番号", "(計画番号"]
        .iter()
        .filter_map(|k| inner.find(k))
        .min();
    let t = match cut {
        Some(i) => inner.get(..i).unwrap_or(&inner).to_string(),
        None => inner,
    };
    clean(&t)
}

/// One party named in 「」 in the lead, with what its parenthesis says.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Target {
    pub name: String,
    pub former: Option<String>,
    pub operator: Option<String>,
    pub place: Option<String>,
    pub manager: Option<String>,
    pub facility_number: Option<String>,
}

/// Parties of the order: the 「」 quotes of the issuing sentence (not `以下「法」`).
pub(crate) fn lead_targets(lead: &str) -> Vec<Target> {
    let sentence = util::lead_sentences(lead)
        .into_iter()
        .find(|s| s.contains('「') && s.contains("対し"))
        .unwrap_or_default();
    let chars: Vec<char> = sentence.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((quoted, end)) = util::bracketed(&chars, i, '「', '」') {
        i = end;
        let q = clean(&quoted);
        // `以下「法」という` and other short aliases are not parties.
        if q.chars().count() <= 2 {
            continue;
        }
        let (current, mut former) = split_renamed(&q);
        // A parenthesis right after the quote: place, manager, 施設番号 — or `（現　新名）`.
        let mut paren = None;
        let mut next = end;
        while chars
            .get(next)
            .is_some_and(|c| *c == ' ' || *c == '\u{3000}')
        {
            next += 1;
        }
        if let Some(&open @ ('（' | '(')) = chars.get(next) {
            let close = if open == '（' { '）' } else { ')' };
            if let Some((p, after)) = util::bracketed(&chars, next, open, close) {
                paren = Some(p);
                i = after;
            }
        }
        let mut current = current;
        if let Some(p) = paren.as_ref() {
            if let Some(new) = p.trim_start_matches([' ', '\u{3000}']).strip_prefix('現') {
                former = Some(current.clone());
                current = clean(new.trim_start_matches([' ', '\u{3000}']));
                paren = None;
            }
        }
        let (op_now, fac_now) = split_operator(&current);
        let (op_old, fac_old) = former.as_deref().map(split_operator).unwrap_or_default();
        let mut t = Target {
            name: if fac_now.is_empty() {
                op_now.clone().unwrap_or_default()
            } else {
                fac_now.clone()
            },
            former: former.map(|_| fac_old).filter(|s| !s.is_empty()),
            operator: if fac_now.is_empty() {
                None
            } else {
                op_now.or(op_old)
            },
            ..Default::default()
        };
        if let Some(p) = paren {
            for part in p.split(['、', ',', '，']) {
                let part = clean(part);
                let c = compact(&part);
                if let Some(rest) = c.strip_prefix("管理者") {
                    let name: String = part.chars().skip(3).collect();
                    let name = clean(name.trim_start_matches([' ', '\u{3000}', ':', '：']));
                    t.manager = (!rest.is_empty()).then_some(name);
                } else if c.contains("施設番号") {
                    t.facility_number = util::facility_number(&c);
                } else if util::prefecture_of(&part).is_some() {
                    t.place = Some(part);
                }
            }
        }
        out.push(t);
    }
    out
}

impl Target {
    fn emit(&self, f: &mut Facts, action: &SubjectKey, id: &str, n: usize, on: Option<NaiveDate>) {
        let local = format!("{id}#{n}");
        let kind = if self.operator.is_none() && split_operator(&self.name).0.is_some() {
            K::Organization
        } else if util::looks_like_cpc(&self.name) || self.facility_number.is_some() {
            K::Cpc
        } else {
            K::Facility
        };
        let key = SubjectKey::new(kind, NAME, &local);
        f.add(&key, P::Name, self.name.as_str(), on);
        if let Some(old) = &self.former {
            f.add(&key, P::FormerName, old.as_str(), on);
        }
        if let Some(no) = &self.facility_number {
            f.add(&key, P::FacilityNumber, no.as_str(), on);
        }
        if let Some(place) = &self.place {
            if let Some(pref) = util::prefecture_of(place) {
                f.add(&key, P::Prefecture, pref, on);
            }
            f.add(&key, P::Address, place.as_str(), on);
        }
        if let Some(op) = &self.operator {
            let org = SubjectKey::new(K::Organization, NAME, &format!("{local}-operator"));
            f.add(&org, P::Name, op.as_str(), on);
            f.link(&key, P::Operator, &org, on);
        }
        if let Some(m) = &self.manager {
            let person = SubjectKey::new(K::Person, NAME, &format!("{local}-manager"));
            f.add(&person, P::Name, m.as_str(), on);
            f.link(&key, P::Manager, &person, on);
        }
        f.link(action, P::Target, &key, on);
    }
}
