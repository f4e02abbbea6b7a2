//! The status of every action, with its evidence. The rules (also in docs/data-dictionary.md,
//! "Action status"):
//! - `lifted`: a source states the lifting date of this action, or a later lifting release
//!   (解除) on one of its targets names its kind (緊急命令 …) or its date;
//! - `superseded`: a later order on every one of its targets, of the same or a stronger kind,
//!   or any later order after an emergency order (a temporary measure by nature);
//! - `in_force`: none of the above, and the order is still published at its source (for an
//!   emergency order whose text states its period: only while that period runs);
//! - `unknown`: not an order (inspection, lifting, unrecognised kind), its documents were taken
//!   down, its stated period ended, or a lifting release on the same target does not say which
//!   order it lifts. Weak signals never make a status.
//!
//! Each rule below is one function that either decides (`Some`) or passes; [`status_of`]
//! tries them in the order above, which is what makes the first that applies win.

use super::action_status_facts::{
    action_facts, covers_targets, later, names_order, publication, rank, shares_target,
    stated_period_end, Facts, Publication,
};
use super::actions::first_date;
use super::Context;
use crate::pipeline::resolve::ids::EntityId;
use crate::store::models::FactRow;
use chrono::NaiveDate;
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, EntityRef, StatusEvidence};
use std::collections::{BTreeMap, HashMap};

/// A status and the evidence a reader sees for it.
type Decision = (&'static str, StatusEvidence);

/// The reference to the action that decided another's status.
fn entity_of(f: &Facts<'_>) -> EntityRef {
    EntityRef {
        id: f.id.to_owned(),
        entity: "action".into(),
        name: f.label_ja.clone(),
        role: None,
    }
}

fn evidence(
    reason_ja: String,
    reason_en: String,
    p: &Publication,
    decided_by: Option<EntityRef>,
    period_until: Option<NaiveDate>,
) -> StatusEvidence {
    StatusEvidence {
        reason_ja,
        reason_en,
        sources: p.sources.clone(),
        last_checked: p.last_checked,
        removed_at: p.removed_at,
        decided_by,
        period_until,
    }
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// The status of one action among the actions that share a target with it (`all`: every rule
/// compares it with later acts on its own targets only).
fn status_of(
    ctx: &Context<'_>,
    me: &Facts<'_>,
    members: &[String],
    all: &[&Facts<'_>],
    today: NaiveDate,
) -> Decision {
    if let Some(d) = lifting_date_stated(ctx, members) {
        return d;
    }
    if let Some(d) = not_an_order(me) {
        return d;
    }
    let liftings = later_liftings(me, all);
    if let Some(d) = lifted_by_release(me, &liftings) {
        return d;
    }
    if let Some(d) = superseded(me, all) {
        return d;
    }
    if let Some(d) = taken_down(me) {
        return d;
    }
    if let Some(d) = unnamed_lifting(&liftings) {
        return d;
    }
    let period = (me.action_type == "emergency_order")
        .then(|| stated_period_end(&me.texts))
        .flatten();
    if let Some(d) = period_ended(me, period, today) {
        return d;
    }
    in_force(me, all, period)
}

/// 1. A source states the lifting date of this very action.
fn lifting_date_stated(ctx: &Context<'_>, members: &[String]) -> Option<Decision> {
    let lifted_facts: Vec<&FactRow> = members
        .iter()
        .flat_map(|s| ctx.set.values(s, Property::LiftedOn))
        .collect();
    let on = first_date(ctx, members, Property::LiftedOn)?;
    let p = publication(ctx, lifted_facts);
    Some((
        "lifted",
        evidence(
            format!("公表資料に解除日（{on}）が記載されています"),
            format!("A source states it was lifted on {on}"),
            &p,
            None,
            None,
        ),
    ))
}

/// 2. Acts that are not orders have no state of being in force.
fn not_an_order(me: &Facts<'_>) -> Option<Decision> {
    if rank(me.action_type).is_some() {
        return None;
    }
    let (ja, en) = match me.action_type {
        "inspection" => (
            "立入検査は命令ではないため、効力の状態はありません",
            "An inspection is not an order; it has no state of being in force",
        ),
        "lifting" => (
            "命令を解除する公表であり、それ自体に効力の状態はありません",
            "This is the lifting of an order; it has no state of its own",
        ),
        _ => (
            "処分の種類を判別できないため、効力の状態を判定していません",
            "The kind of action could not be determined, so no status is claimed",
        ),
    };
    Some((
        "unknown",
        evidence(ja.into(), en.into(), &me.publication, None, None),
    ))
}

/// Lifting releases on one of its targets, issued on or after it (rules 3 and 6).
fn later_liftings<'a, 'b>(me: &Facts<'_>, all: &[&'a Facts<'b>]) -> Vec<&'a Facts<'b>> {
    all.iter()
        .copied()
        .filter(|l| l.action_type == "lifting" && l.id != me.id)
        .filter(|l| shares_target(l, me))
        .filter(|l| matches!((l.issued_on, me.issued_on), (Some(x), Some(y)) if x >= y))
        .collect()
}

/// 3. A later lifting release on one of its targets that names it.
fn lifted_by_release(me: &Facts<'_>, liftings: &[&Facts<'_>]) -> Option<Decision> {
    let l = liftings
        .iter()
        .filter(|l| names_order(l, me))
        .min_by_key(|l| (l.issued_on, l.id))?;
    Some((
        "lifted",
        evidence(
            format!(
                "{}付けの解除の公表（{}）がこの{}を解除しています",
                day(l.issued_on),
                l.id,
                me.label_ja
            ),
            format!("Lifted by the release of {} ({})", day(l.issued_on), l.id),
            &l.publication,
            Some(entity_of(l)),
            None,
        ),
    ))
}

/// Whether `b` is a later order that replaces `me` where their targets meet: of the same or a
/// stronger kind, or any order after an emergency order.
fn replaces(me: &Facts<'_>, b: &Facts<'_>) -> bool {
    let my_rank = rank(me.action_type).unwrap_or(0);
    b.id != me.id
        && later(b, me)
        && rank(b.action_type).is_some_and(|r| r >= my_rank || me.action_type == "emergency_order")
}

/// 4. A later order of the same or a stronger kind on all of its targets.
fn superseded(me: &Facts<'_>, all: &[&Facts<'_>]) -> Option<Decision> {
    let b = all
        .iter()
        .copied()
        .filter(|b| replaces(me, b))
        .filter(|b| covers_targets(b, me))
        .min_by_key(|b| (b.issued_on, b.id))?;
    Some((
        "superseded",
        evidence(
            format!(
                "同じ対象に対する後続の{}（{}、{}）に置き換えられています",
                b.label_ja,
                day(b.issued_on),
                b.id
            ),
            format!(
                "Replaced by a later {} on the same targets ({}, {})",
                b.label_en.to_lowercase(),
                day(b.issued_on),
                b.id
            ),
            &b.publication,
            Some(entity_of(b)),
            None,
        ),
    ))
}

/// 5. No longer published: nothing current says it is in force.
fn taken_down(me: &Facts<'_>) -> Option<Decision> {
    let at = me.publication.removed_at?;
    Some((
        "unknown",
        evidence(
            format!(
                "公表元から掲載が削除されました（{}）。現在の効力は確認できません",
                at.date_naive()
            ),
            format!(
                "Taken down by the publisher on {}; whether it is still in force cannot be confirmed",
                at.date_naive()
            ),
            &me.publication,
            None,
            None,
        ),
    ))
}

/// 6. A lifting on the same target that does not say what it lifts: do not guess.
fn unnamed_lifting(liftings: &[&Facts<'_>]) -> Option<Decision> {
    let l = liftings.iter().min_by_key(|l| (l.issued_on, l.id))?;
    Some((
        "unknown",
        evidence(
            format!(
                "同じ対象に対する解除の公表（{}、{}）がありますが、どの命令を解除したか記載がないため判定していません",
                day(l.issued_on),
                l.id
            ),
            format!(
                "A lifting on the same target ({}, {}) does not say which order it lifts; no status is claimed",
                day(l.issued_on),
                l.id
            ),
            &l.publication,
            Some(entity_of(l)),
            None,
        ),
    ))
}

/// 7. An emergency order that states its own period is in force only while it runs.
fn period_ended(me: &Facts<'_>, period: Option<NaiveDate>, today: NaiveDate) -> Option<Decision> {
    let end = period.filter(|end| today > *end)?;
    Some((
        "unknown",
        evidence(
            format!("命令に記載の期間（{end}まで）は終了しています。延長・解除の公表は確認されていません"),
            format!("The period the order states ended on {end}; no extension or lifting was found"),
            &me.publication,
            None,
            Some(end),
        ),
    ))
}

/// 8. Published, not lifted, not replaced.
fn in_force(me: &Facts<'_>, all: &[&Facts<'_>], period: Option<NaiveDate>) -> Decision {
    let mut ja = String::from("公表元に掲載が続いており、解除・後続の処分は確認されていません");
    let mut en = String::from("Still published at its source; no lifting or later order found");
    if let Some(end) = period {
        ja.push_str(&format!("（命令に記載の期間：{end}まで）"));
        en.push_str(&format!(" (the order states a period until {end})"));
    }
    if let Some((part_ja, part_en)) = partly_replaced(me, all) {
        ja.push_str(&part_ja);
        en.push_str(&part_en);
    }
    ("in_force", evidence(ja, en, &me.publication, None, period))
}

/// The mention of a later order that replaces this one on part of its targets only: not
/// enough to supersede it, but a reader should know.
fn partly_replaced(me: &Facts<'_>, all: &[&Facts<'_>]) -> Option<(String, String)> {
    let b = all
        .iter()
        .copied()
        .filter(|b| replaces(me, b))
        .filter(|b| shares_target(b, me))
        .min_by_key(|b| (b.issued_on, b.id))?;
    let covered: Vec<&str> = me
        .targets
        .iter()
        .filter(|t| b.targets.iter().any(|u| u.id == t.id))
        .map(|t| t.name.as_str())
        .collect();
    Some((
        format!(
            "。対象の一部（{}）には後続の{}（{}、{}）があります",
            covered.join("、"),
            b.label_ja,
            day(b.issued_on),
            b.id
        ),
        format!(
            "; a later {} ({}, {}) covers part of its targets ({})",
            b.label_en.to_lowercase(),
            day(b.issued_on),
            b.id,
            covered.join(", ")
        ),
    ))
}

/// Sets the status of every action, with its evidence, from all the actions given (orders
/// are compared with the later acts on their targets). `today` decides whether a period an
/// emergency order states has ended.
pub fn apply_statuses(
    ctx: &Context<'_>,
    details: &mut BTreeMap<EntityId, ActionDetail>,
    today: NaiveDate,
) {
    let decided: Vec<(String, &'static str, StatusEvidence)> = {
        let facts: Vec<Facts<'_>> = details.values().map(|d| action_facts(ctx, d)).collect();
        // Every rule compares an action with acts on its own targets: index them by target, so
        // 200,000 actions are not compared pairwise (that was quadratic at scale).
        let mut by_target: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            for t in &f.targets {
                by_target.entry(t.id.as_str()).or_default().push(i);
            }
        }
        facts
            .iter()
            .map(|me| {
                let mut near: Vec<usize> = me
                    .targets
                    .iter()
                    .flat_map(|t| by_target.get(t.id.as_str()).into_iter().flatten())
                    .copied()
                    .collect();
                near.sort_unstable();
                near.dedup();
                let near: Vec<&Facts<'_>> = near.iter().filter_map(|i| facts.get(*i)).collect();
                let (status, ev) = status_of(ctx, me, ctx.members(me.id), &near, today);
                (me.id.to_owned(), status, ev)
            })
            .collect()
    };
    for (id, status, ev) in decided {
        if let Some(d) = details.get_mut(id.as_str()) {
            d.summary.status = status.to_owned();
            d.summary.status_evidence = Some(ev);
        }
    }
}

#[cfg(test)]
mod tests;
