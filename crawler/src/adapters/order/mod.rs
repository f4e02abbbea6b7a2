//! An order document — a Ministry press release or a bureau notice — read whatever template it
//! is written in, and turned into facts. Both `mhlw-press` and `kouseikyoku` read orders through
//! here, because the Ministry and the bureaus use each other's templates.
//!
//! Templates seen in the real record (`eval/real/releases/`):
//! - a prose lead naming the parties in 「」 (or without quotes) with a parenthesis of place,
//!   manager or 施設番号 ([`lead`]);
//! - labelled blocks after 「記」: `第１　被処分者等` with `氏　名 / 名　称 / 所在地 / 計画名`, or
//!   numbered `医療機関の名称 / 開設者 / 所在地 / 再生医療等の名称` blocks ([`blocks`]);
//! - a `【改善命令の対象】` list of `「facility」(prefecture) 管理者 name` lines ([`blocks`]).
//!
//! An order whose parties cannot be read is an error: it is never an action without targets.

mod blocks;
mod lead;

use super::util::{self, clean, compact, Facts};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};
use chrono::{Datelike, NaiveDate};

/// The part a party plays in an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The clinic or hospital providing regenerative medicine.
    Provider,
    /// Its 管理者 (a person).
    Manager,
    /// Its 開設者 (a corporation or a person).
    Operator,
    /// A 特定細胞加工物製造事業者: whoever makes the cells.
    Manufacturer,
    /// A 細胞培養加工施設.
    Cpc,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Manager => "manager",
            Role::Operator => "operator",
            Role::Manufacturer => "manufacturer",
            Role::Cpc => "cpc",
        }
    }

    fn kind(self) -> K {
        match self {
            Role::Provider => K::Facility,
            Role::Cpc => K::Cpc,
            Role::Manager => K::Person,
            Role::Operator | Role::Manufacturer => K::Organization,
        }
    }
}

/// One party named by an order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Party {
    pub role: Role,
    pub name: String,
    /// The name it had before, when the order writes `旧（現　新）`.
    pub former: Option<String>,
    pub place: Option<String>,
    pub facility_number: Option<String>,
    /// Index of the party this one belongs to (a manager's clinic, an operator's clinic, a
    /// manufacturer's CPC).
    pub of: Option<usize>,
}

impl Party {
    pub(crate) fn new(role: Role, name: impl Into<String>) -> Self {
        Self {
            role,
            name: clean(&name.into()),
            former: None,
            place: None,
            facility_number: None,
            of: None,
        }
    }
}

/// The parties of an order and the plans it names.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Parties {
    pub parties: Vec<Party>,
    pub plans: Vec<String>,
}

impl Parties {
    pub(crate) fn push(&mut self, p: Party) -> usize {
        self.parties.push(p);
        self.parties.len() - 1
    }

    /// A facility-or-CPC string as written (`医療法人○○会　ＸＸクリニック`, maybe with
    /// `旧（現　新）` on either part): the facility, and its corporation as its operator (or
    /// as the manufacturer when the facility is a CPC). Returns the facility's index.
    pub(crate) fn push_facility(&mut self, text: &str, place: Option<String>) -> Option<usize> {
        let parts = renamed_parts(text);
        let (op, op_former, fac, fac_former) = match parts.as_slice() {
            [(org, org_old), (fac, fac_old)] if util::split_operator(org).1.is_empty() => (
                Some(org.clone()),
                org_old.clone(),
                fac.clone(),
                fac_old.clone(),
            ),
            [(current, former)] => {
                let (op, fac) = util::split_operator(current);
                // `医療法人Ａ会　旧名（現　新名）`: the corporation is written with the old name.
                let (op_old, fac_old) = former
                    .as_deref()
                    .map(util::split_operator)
                    .unwrap_or_default();
                let op = op.or(op_old);
                if fac.is_empty() {
                    // Only a corporation.
                    let name = op.unwrap_or_default();
                    if name.is_empty() {
                        return None;
                    }
                    let mut p = Party::new(Role::Operator, name);
                    p.former = former.clone();
                    p.place = place;
                    return Some(self.push(p));
                }
                (op, None, fac, Some(fac_old).filter(|s| !s.is_empty()))
            }
            _ => {
                let all: String = parts.iter().map(|(c, _)| c.as_str()).collect();
                let (op, fac) = util::split_operator(&all);
                (op, None, fac, None)
            }
        };
        if fac.is_empty() {
            return None;
        }
        let cpc = util::looks_like_cpc(&fac);
        let mut facility = Party::new(if cpc { Role::Cpc } else { Role::Provider }, fac);
        facility.former = fac_former;
        facility.place = place;
        let at = self.push(facility);
        if let Some(op) = op {
            let mut org = Party::new(
                if cpc {
                    Role::Manufacturer
                } else {
                    Role::Operator
                },
                op,
            );
            org.former = op_former;
            org.of = Some(at);
            self.push(org);
        }
        Some(at)
    }

    /// Whether the order names anyone at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.parties.is_empty()
    }
}

/// `旧（現　新）` splitting of a string that may rename several parts
/// (`一般社団法人Ａ（現　一般社団法人Ｂ）Ｃクリニック（現　Ｄクリニック）`): each part as
/// (current, former). A part without a rename has no former name.
pub(crate) fn renamed_parts(text: &str) -> Vec<(String, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c == '（' || c == '(' {
            let close = if c == '（' { '）' } else { ')' };
            if let Some((inner, after)) = util::bracketed(&chars, i, c, close) {
                let t = inner.trim_start_matches([' ', '\u{3000}']);
                let new = t
                    .strip_prefix("現在")
                    .or_else(|| t.strip_prefix('現'))
                    .map(|s| s.trim_start_matches([' ', '\u{3000}', '・', '：', ':']));
                if let Some(new) = new {
                    let old: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                    let old = clean(&old);
                    let new = clean(new);
                    if !old.is_empty() && !new.is_empty() {
                        out.push((new, Some(old)));
                    }
                    start = after;
                    i = after;
                    continue;
                }
            }
        }
        i += 1;
    }
    let rest: String = chars.get(start..).unwrap_or(&[]).iter().collect();
    let rest = clean(&rest);
    if !rest.is_empty() {
        out.push((rest, None));
    }
    out
}

/// An order read from its text lines.
#[derive(Debug, Default)]
pub(crate) struct Order {
    pub title: String,
    pub date: Option<NaiveDate>,
    pub authority: Option<String>,
    pub articles: Vec<String>,
    pub parties: Parties,
    pub findings: Vec<String>,
    pub measures: Vec<String>,
    pub period: (Option<NaiveDate>, Option<NaiveDate>),
}

/// Why an order could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OrderError {
    /// Not an order at all (a list page, a notice index).
    NotAnOrder,
    /// An order whose parties could not be read.
    NoTargets(String),
}

/// Words that make a line the title of an order.
const TITLE_WORDS: &[&str] = &["命令", "取消", "取り消", "処分", "要請", "停止", "立入検査"];

fn is_title(line: &str) -> bool {
    let c = compact(line);
    !c.contains('>')
        && c.chars().count() < 90
        && c.contains("について")
        && TITLE_WORDS.iter().any(|k| c.contains(k))
}

/// A title quoted in a copy's first sentence (`…「…法律に基づく緊急命令」を発表しました`).
fn quoted_title(lines: &[String]) -> Option<(usize, String)> {
    lines.iter().enumerate().take(5).find_map(|(i, l)| {
        let chars: Vec<char> = l.chars().collect();
        let (q, _) = util::bracketed(&chars, 0, '「', '」')?;
        let c = compact(&q);
        (c.contains("法律") && TITLE_WORDS.iter().any(|k| c.contains(k))).then(|| (i, clean(&q)))
    })
}

/// `M月D日` (no year) in `s`, resolved to the year of `anchor` (the last full date before it).
fn month_day(s: &str, anchor: Option<NaiveDate>) -> Option<NaiveDate> {
    static MD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(\d{1,2})月(\d{1,2})日付").expect("static regex")
    });
    let c = util::kanji_to_digits(&compact(s));
    let cap = MD.captures(&c)?;
    let m: u32 = cap.get(1)?.as_str().parse().ok()?;
    let d: u32 = cap.get(2)?.as_str().parse().ok()?;
    let anchor = anchor?;
    let date = NaiveDate::from_ymd_opt(anchor.year(), m, d)?;
    // A date before its anchor belongs to the next year (an inspection in December, an
    // order in January).
    if date < anchor {
        NaiveDate::from_ymd_opt(anchor.year() + 1, m, d)
    } else {
        Some(date)
    }
}

impl Order {
    /// Read an order from the text lines of a release or notice. `default_authority` is who
    /// issues when the text does not say (the Minister for a release, the bureau's chief).
    pub(crate) fn read(lines: &[String], default_authority: &str) -> Result<Self, OrderError> {
        // A copy may repeat the title above its header (`…について(令和6年10月25日)`): the
        // title is the last one before the sentence that issues the order.
        let issuing_at = lines.iter().position(|l| {
            let c = compact(l);
            c.contains("命じ") || c.contains("行いました") || c.contains("要請し")
        });
        let titles: Vec<usize> = (0..lines.len())
            .filter(|&i| lines.get(i).is_some_and(|l| is_title(l)))
            .collect();
        let chosen = titles
            .iter()
            .rev()
            .find(|&&i| issuing_at.is_some_and(|at| i < at))
            .or(titles.first())
            .copied();
        let (title_at, title) = match chosen {
            Some(i) => (i, clean(lines.get(i).map(String::as_str).unwrap_or(""))),
            None => quoted_title(lines).ok_or(OrderError::NotAnOrder)?,
        };
        let header_date = lines
            .iter()
            .take(title_at + 1)
            .filter(|l| compact(l).chars().count() <= 24)
            .find_map(|l| util::first_date(l));
        let body: Vec<String> = lines.iter().skip(title_at + 1).cloned().collect();
        let sections = Sections::of(&body);
        let lead = sections.lead.join("");
        let articles = util::basis_articles(&lead);
        let is_order = !articles.is_empty()
            || sections.heads.iter().any(|(h, _)| {
                let c = compact(h);
                c.contains("被処分者") || c.contains("対象") || c.contains("違反")
            });
        if !is_order {
            return Err(OrderError::NotAnOrder);
        }
        let date = header_date.or_else(|| issue_date(&sections.lead));
        let authority = authority_in(&lead).unwrap_or_else(|| default_authority.to_string());
        let manufacture = articles.iter().any(|a| {
            ["法第47条", "法第48条", "法第49条", "法第52条"]
                .iter()
                .any(|m| a.starts_with(m))
        });

        let mut parties = blocks::read(&sections);
        if parties.is_empty() {
            parties = lead::read(&sections.lead, manufacture);
        }
        if parties.is_empty() {
            return Err(OrderError::NoTargets(format!(
                "「{title}」: no party could be read from the lead, a 被処分者 block or a target list"
            )));
        }
        if parties.plans.is_empty() {
            parties.plans = sections.ordered_plans();
        }
        let mut order = Order {
            title,
            date,
            authority: Some(authority),
            articles,
            parties,
            ..Default::default()
        };
        order.findings = sections.items_under(&["違反", "事案", "確認", "指摘", "理由", "事実"]);
        order.measures = sections.items_under(&["内容", "措置", "求めた", "命じた事項"]);
        order.period = period(&sections.lead);
        Ok(order)
    }

    /// The facts of this order; `source` names the adapter, `id` the document.
    pub(crate) fn facts(&self, source: &str, id: &str) -> Vec<crate::provenance::Fact> {
        let on = self.date;
        let mut f = Facts::default();
        let action = SubjectKey::new(K::Action, source, id);
        f.add(&action, P::Headline, self.title.as_str(), on);
        f.add(
            &action,
            P::ActionType,
            util::action_type(&self.title).as_str(),
            on,
        );
        f.date(&action, P::IssuedOn, self.date, on);
        if let Some(a) = &self.authority {
            f.add(&action, P::Authority, a.as_str(), on);
        }
        for a in &self.articles {
            f.add(&action, P::Article, a.as_str(), on);
        }
        f.date(&action, P::EffectiveFrom, self.period.0, on);
        f.date(&action, P::EffectiveUntil, self.period.1, on);
        let keys = self.party_keys(source, id);
        for (p, key) in self.parties.parties.iter().zip(&keys) {
            f.add(key, P::Name, p.name.as_str(), on);
            f.add(key, P::Role, p.role.as_str(), on);
            if let Some(old) = &p.former {
                f.add(key, P::FormerName, old.as_str(), on);
            }
            if let Some(no) = &p.facility_number {
                f.add(key, P::FacilityNumber, no.as_str(), on);
            }
            if let Some(place) = &p.place {
                if let Some(pref) = util::prefecture_of(place) {
                    f.add(key, P::Prefecture, pref, on);
                }
                f.add(key, P::Address, place.as_str(), on);
            }
            f.link(&action, P::Target, key, on);
            if let Some(owner) = p.of.and_then(|i| keys.get(i)) {
                let via = if p.role == Role::Manager {
                    P::Manager
                } else {
                    P::Operator
                };
                f.link(owner, via, key, on);
            }
        }
        for (n, title) in self.parties.plans.iter().enumerate() {
            let plan = SubjectKey::new(K::Plan, source, &format!("{id}#p{}", n + 1));
            let (title, number, alias) = plan_parts(title);
            f.add(&plan, P::Title, title, on);
            if let Some(no) = number {
                f.add(&plan, P::PlanNumber, no, on);
            }
            if let Some(alias) = alias {
                // How the findings refer to the plan; kept as a name of the plan.
                f.add(&plan, P::Name, alias, on);
            }
            f.link(&action, P::ConcernsPlan, &plan, on);
        }
        for item in &self.findings {
            f.add(&action, P::Finding, item.as_str(), on);
        }
        for item in &self.measures {
            f.add(&action, P::Measure, item.as_str(), on);
        }
        f.into_vec()
    }

    /// Subject keys: main parties `#n`; a party that belongs to another is keyed under it
    /// (`#n-operator`, `#n-manager`), as the mentions of one document are.
    fn party_keys(&self, source: &str, id: &str) -> Vec<SubjectKey> {
        let mut main_no = vec![0usize; self.parties.parties.len()];
        let mut n = 0;
        for (i, p) in self.parties.parties.iter().enumerate() {
            if p.of.is_none()
                || !matches!(p.role, Role::Manager | Role::Operator | Role::Manufacturer)
            {
                n += 1;
                if let Some(slot) = main_no.get_mut(i) {
                    *slot = n;
                }
            }
        }
        self.parties
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let own = main_no.get(i).copied().unwrap_or(0);
                // A CPC's 施設番号 names it across documents.
                if let (Role::Cpc, Some(no)) = (p.role, &p.facility_number) {
                    return SubjectKey::new(K::Cpc, source, no);
                }
                let local = if own > 0 {
                    format!("{id}#{own}")
                } else {
                    let owner = p.of.and_then(|o| main_no.get(o)).copied().unwrap_or(0);
                    let suffix = if p.role == Role::Manager {
                        "manager"
                    } else {
                        "operator"
                    };
                    format!("{id}#{owner}-{suffix}")
                };
                SubjectKey::new(p.role.kind(), source, &local)
            })
            .collect()
    }
}

/// A plan as an order writes it: title, 計画番号 if given, alias `(以下「膝治療」とする)`.
fn plan_parts(text: &str) -> (String, Option<String>, Option<String>) {
    let chars: Vec<char> = text.chars().collect();
    // The title in 「」 when quoted (tolerating a missing 」).
    let inner = if text.trim_start().starts_with('「') {
        util::bracketed(&chars, 0, '「', '」')
            .map(|(s, _)| s)
            .unwrap_or_else(|| text.to_string())
    } else {
        text.to_string()
    };
    let cut = ["（計画番号", "(計画番号", "（以下", "(以下"]
        .iter()
        .filter_map(|k| inner.find(k))
        .min();
    let title = match cut {
        Some(i) => inner.get(..i).unwrap_or(&inner).to_string(),
        None => inner.clone(),
    };
    let alias = blocks::alias_of(text);
    (clean(&title), util::plan_number(text), alias)
}

/// `九州厚生局長は` in the lead; else none (the caller's default applies).
fn authority_in(lead: &str) -> Option<String> {
    let c = compact(lead);
    let head = c.split("長は").next().filter(|h| h.len() < c.len())?;
    let tail: String = head
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    for bureau in [
        "北海道厚生局",
        "東北厚生局",
        "関東信越厚生局",
        "東海北陸厚生局",
        "近畿厚生局",
        "中国四国厚生局",
        "四国厚生支局",
        "九州厚生局",
    ] {
        if tail.ends_with(bureau) {
            return Some(format!("{bureau}長"));
        }
    }
    None
}

/// The date of issue from the lead when no header date is given: `令和7年3月5日付け`, or a
/// copy's `10月31日付で` resolved against the last full date before it.
fn issue_date(lead: &[String]) -> Option<NaiveDate> {
    let text = lead.join("");
    for sentence in util::lead_sentences(&text) {
        let c = compact(&sentence);
        if !(c.contains("命じ") || c.contains("行いました") || c.contains("要請")) {
            continue;
        }
        if let Some(d) = util::first_date(&sentence) {
            return Some(d);
        }
        let anchor = util::find_dates(&text).into_iter().last();
        if let Some(d) = month_day(&sentence, anchor) {
            return Some(d);
        }
    }
    None
}

/// A stated period: `令和7年9月1日から令和7年11月30日まで`.
fn period(lead: &[String]) -> (Option<NaiveDate>, Option<NaiveDate>) {
    for line in lead {
        let c = compact(line);
        if let (Some(from_at), Some(until_at)) = (c.find("から"), c.find("まで")) {
            if from_at < until_at && (c.contains("期間") || c.contains("停止")) {
                let before = c.get(..from_at).unwrap_or("");
                let between = c.get(from_at..until_at).unwrap_or("");
                let from = util::find_dates(before).into_iter().last();
                let until = util::find_dates(between).into_iter().last();
                if from.is_some() && until.is_some() {
                    return (from, until);
                }
            }
        }
    }
    (None, None)
}

/// A document's body after its title: the lead, then heads (`【…】`, `第N …`, `記`) with the
/// lines under each.
#[derive(Debug, Default)]
pub(crate) struct Sections {
    pub lead: Vec<String>,
    pub heads: Vec<(String, Vec<String>)>,
}

impl Sections {
    fn of(body: &[String]) -> Self {
        let mut s = Sections::default();
        let mut in_ki = false;
        for line in body {
            let t = line.trim_start_matches([' ', '\u{3000}']);
            let c = compact(t);
            // The page's footer ends the release.
            if FOOTER.iter().any(|f| c.starts_with(f)) {
                break;
            }
            if c == "記" {
                in_ki = true;
                s.heads.push(("記".into(), Vec::new()));
                continue;
            }
            if let Some(rest) = t.strip_prefix('【') {
                let head: String = rest.chars().take_while(|c| *c != '】').collect();
                let tail: String = rest.chars().skip_while(|c| *c != '】').skip(1).collect();
                let mut lines = Vec::new();
                if !clean(&tail).is_empty() {
                    lines.push(clean(&tail));
                }
                s.heads.push((clean(&head), lines));
                continue;
            }
            // Heads a copy wrote without brackets (`報告された事案`).
            if c.chars().count() <= 12
                && (c.ends_with("された事案") || c.ends_with("された法律違反"))
            {
                s.heads.push((c.clone(), Vec::new()));
                continue;
            }
            if in_ki {
                if let Some(head) = section_head(&c) {
                    s.heads.push((head, Vec::new()));
                    continue;
                }
            }
            match s.heads.last_mut() {
                Some((_, lines)) => lines.push(line.clone()),
                None => s.lead.push(line.clone()),
            }
        }
        s
    }

    /// Items under heads containing any of `words` (the 照会先 block never counts).
    fn items_under(&self, words: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for (head, lines) in &self.heads {
            let h = compact(head);
            if h.contains("照会先") || h.contains("被処分者") || h == "記" {
                continue;
            }
            let is_plans = h.contains("再生医療等") && (h.contains("命じた") || h.contains("停止"));
            if is_plans && !h.contains("違反") {
                continue;
            }
            if words.iter().any(|w| h.contains(w)) {
                out.extend(util::items(lines));
            }
        }
        out
    }

    /// Plans listed under `【提供の一時停止を命じた再生医療等】`-like heads.
    fn ordered_plans(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (head, lines) in &self.heads {
            let h = compact(head);
            if h.contains("再生医療等")
                && (h.contains("命じた") || h.contains("停止"))
                && !h.contains("違反")
            {
                out.extend(util::items(lines));
            }
        }
        out
    }
}

/// Lines that start the page chrome after a release's body.
const FOOTER: &[&str] = &[
    "ページの先頭へ戻る",
    "PDFファイルを見るためには",
    "公開日:",
    "ホーム>報道・広報",
];

/// `第1 被処分者等` → `被処分者等`; not `第4条…` inside a sentence.
fn section_head(compacted: &str) -> Option<String> {
    let rest = compacted.strip_prefix('第')?;
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let head: String = rest.chars().skip(digits).collect();
    (!head.starts_with('条') && !head.is_empty() && head.chars().count() <= 20).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_parts_reads_a_corporation_and_a_clinic_renamed_together() {
        let p = renamed_parts(
            "一般社団法人北星会（現　一般社団法人南天会）北星クリニック（現　南天メディカルクリニック）",
        );
        assert_eq!(
            p,
            [
                (
                    "一般社団法人南天会".to_string(),
                    Some("一般社団法人北星会".to_string())
                ),
                (
                    "南天メディカルクリニック".to_string(),
                    Some("北星クリニック".to_string())
                )
            ]
        );
        let mut parties = Parties::default();
        let at = parties.push_facility(
            "一般社団法人北星会（現　一般社団法人南天会）北星クリニック（現　南天メディカルクリニック）",
            Some("東京都中央区".into()),
        );
        assert_eq!(at, Some(0));
        let [clinic, corp] = parties.parties.as_slice() else {
            panic!("{parties:?}")
        };
        assert_eq!(clinic.role, Role::Provider);
        assert_eq!(clinic.name, "南天メディカルクリニック");
        assert_eq!(clinic.former.as_deref(), Some("北星クリニック"));
        assert_eq!(corp.role, Role::Operator);
        assert_eq!(corp.name, "一般社団法人南天会");
        assert_eq!(corp.former.as_deref(), Some("一般社団法人北星会"));
        assert_eq!(corp.of, Some(0));
    }

    #[test]
    fn a_copy_without_year_takes_it_from_the_inspection_date() {
        let lead = vec![
            "平成28年10月28日、「Ａクリニック」に対し立入検査を行ったところ、違反が確認されました。"
                .to_string(),
            "10月31日付で、法第22条に基づき、再生医療等の提供の一時停止を命じました。".to_string(),
        ];
        assert_eq!(issue_date(&lead), NaiveDate::from_ymd_opt(2016, 10, 31));
    }

    #[test]
    fn authority_is_the_bureau_chief_named_in_the_lead() {
        assert_eq!(
            authority_in("九州厚生局長は、本日、下記のとおり").as_deref(),
            Some("九州厚生局長")
        );
        assert_eq!(authority_in("本日付けで、法第22条に基づき"), None);
    }
}
