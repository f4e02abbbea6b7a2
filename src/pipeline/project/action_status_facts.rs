//! What the action status rules (`action_status`) know of one action — its kind, date,
//! targets, texts and whether its documents are still published — and how two actions compare.
//! Kept apart from the rules so that each rule reads as a sentence over these predicates.

use super::Context;
use crate::store::models::FactRow;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use mieru_web::model::{ActionDetail, EntityRef, SourceRef};

/// Strength of an order kind; `None` for acts that have no state of being in force.
pub(super) fn rank(action_type: &str) -> Option<u8> {
    match action_type {
        "shipping_halt_request" => Some(1),
        "improvement_order" => Some(2),
        "emergency_order" | "suspension_order" => Some(3),
        "licence_revocation" => Some(4),
        _ => None,
    }
}

/// Words a lifting release uses when it names an order of this kind.
fn kind_words(action_type: &str) -> &'static [&'static str] {
    match action_type {
        "emergency_order" => &["緊急命令"],
        "improvement_order" => &["改善命令"],
        "suspension_order" => &["停止命令", "禁止命令"],
        "licence_revocation" => &["取消", "取り消"],
        "shipping_halt_request" => &["出荷停止"],
        _ => &[],
    }
}

fn compact(s: &str) -> String {
    mieru_text::normalize::display_clean(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// What the status rules need of one action.
pub(super) struct Facts<'a> {
    pub(super) id: &'a str,
    pub(super) action_type: &'a str,
    pub(super) issued_on: Option<NaiveDate>,
    pub(super) label_ja: String,
    pub(super) label_en: String,
    pub(super) targets: Vec<&'a EntityRef>,
    /// Headline, findings and measures as one compact text.
    pub(super) text: String,
    pub(super) texts: Vec<&'a str>,
    pub(super) publication: Publication,
}

/// Whether the documents behind some facts are still published, and since when known.
#[derive(Debug, Clone, Default)]
pub(super) struct Publication {
    pub(super) sources: Vec<SourceRef>,
    /// Latest `last_seen` of a document still published.
    pub(super) last_checked: Option<DateTime<Utc>>,
    /// Set when every document was taken down: the latest removal.
    pub(super) removed_at: Option<DateTime<Utc>>,
}

pub(super) fn publication<'a>(
    ctx: &Context<'_>,
    facts: impl IntoIterator<Item = &'a FactRow>,
) -> Publication {
    let facts: Vec<&FactRow> = facts.into_iter().collect();
    let mut live: Option<NaiveDateTime> = None;
    let mut removed: Option<NaiveDateTime> = None;
    let mut any_live = false;
    let mut doc_ids: Vec<i64> = facts.iter().map(|f| f.document_id).collect();
    doc_ids.sort_unstable();
    doc_ids.dedup();
    for id in doc_ids {
        let Some(doc) = ctx.set.documents.get(&id) else {
            continue;
        };
        match doc.removed_at {
            None => {
                any_live = true;
                live = live.max(Some(doc.last_seen));
            }
            Some(at) => removed = removed.max(Some(at)),
        }
    }
    Publication {
        sources: ctx.set.source_refs(facts.iter().copied()),
        last_checked: live.map(|t| t.and_utc()),
        removed_at: if any_live {
            None
        } else {
            removed.map(|t| t.and_utc())
        },
    }
}

fn label_pair(action_type: &str) -> (String, String) {
    (
        super::actions::action_label_ja(action_type).to_owned(),
        super::actions::action_label_en(action_type).to_owned(),
    )
}

pub(super) fn action_facts<'a>(ctx: &Context<'_>, d: &'a ActionDetail) -> Facts<'a> {
    let s = &d.summary;
    let mut texts: Vec<&str> = Vec::new();
    texts.extend(s.headline.as_deref());
    texts.extend(d.findings.iter().map(String::as_str));
    texts.extend(d.measures.iter().map(String::as_str));
    let (label_ja, label_en) = label_pair(&s.action_type);
    let members = ctx.members(&s.id);
    Facts {
        id: &s.id,
        action_type: &s.action_type,
        issued_on: s.issued_on,
        label_ja,
        label_en,
        targets: s.targets.iter().filter(|t| !t.id.is_empty()).collect(),
        text: texts
            .iter()
            .map(|t| compact(t))
            .collect::<Vec<_>>()
            .join("\n"),
        texts,
        publication: publication(ctx, members.iter().flat_map(|m| ctx.set.of(m))),
    }
}

pub(super) fn shares_target(a: &Facts<'_>, b: &Facts<'_>) -> bool {
    a.targets
        .iter()
        .any(|t| b.targets.iter().any(|u| u.id == t.id))
}

pub(super) fn covers_targets(later: &Facts<'_>, earlier: &Facts<'_>) -> bool {
    !earlier.targets.is_empty()
        && earlier
            .targets
            .iter()
            .all(|t| later.targets.iter().any(|u| u.id == t.id))
}

/// Strictly later: both dates known. Same-day acts are not ordered by anything published.
pub(super) fn later(a: &Facts<'_>, than: &Facts<'_>) -> bool {
    matches!((a.issued_on, than.issued_on), (Some(x), Some(y)) if x > y)
}

/// Whether a lifting release names `order`: its kind, or its date in any written form.
pub(super) fn names_order(lifting: &Facts<'_>, order: &Facts<'_>) -> bool {
    let by_kind = kind_words(order.action_type)
        .iter()
        .any(|w| lifting.text.contains(w));
    let by_date = order.issued_on.is_some_and(|d| {
        lifting.texts.iter().any(|t| {
            mieru_text::dates::find_dates(t)
                .iter()
                .any(|(x, _)| *x == d)
        })
    });
    by_kind || by_date
}

/// The last day of the period an order's text states for itself (`…まで`), if any.
pub(super) fn stated_period_end(texts: &[&str]) -> Option<NaiveDate> {
    texts
        .iter()
        .flat_map(|t| {
            mieru_text::dates::find_dates(t)
                .into_iter()
                .filter(move |(_, range)| {
                    t.get(range.end..)
                        .map(|rest| rest.trim_start_matches([' ', '\u{3000}']))
                        // `…までに` is a deadline (a report due), not the end of a period.
                        .is_some_and(|rest| rest.starts_with("まで") && !rest.starts_with("までに"))
                })
                .map(|(d, _)| d)
        })
        .max()
}
