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
//!
//! The parts: [`parties`] (who an order names), [`sections`] (its body cut at its heads),
//! [`issue`] (who issued it, when, for how long), and [`facts`] (the order as facts).

mod blocks;
mod facts;
mod issue;
mod lead;
mod parties;
mod sections;

use super::util::{self, clean, compact};
use chrono::NaiveDate;
use issue::{authority_in, issue_date, period};
use parties::Parties;
use sections::Sections;

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
}
