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
mod tests {
    //! Each status from replica-like facts: the 2025-09-12 emergency order to the 銀座 clinic
    //! and its CPC, the 2026-01-23 improvement order to the CPC, and invented liftings.
    use super::*;
    use crate::pipeline::project::actions::detail;
    use crate::pipeline::resolve::facts::FactSet;
    use crate::pipeline::resolve::Resolution;
    use crate::store::models::DocumentRow;
    use chrono::NaiveDateTime;
    use mieru_crawler::provenance::SubjectKind;
    use std::collections::HashMap;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(3, 0, 0))
            .unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// One release: its document and the facts it states about one action subject.
    struct Release {
        doc: i64,
        url: &'static str,
        subject: &'static str,
        action_type: &'static str,
        issued_on: &'static str,
        targets: &'static [&'static str],
        texts: &'static [&'static str],
        removed_at: Option<NaiveDateTime>,
    }

    struct World {
        releases: Vec<Release>,
    }

    impl World {
        fn resolution(&self) -> Resolution {
            let mut facts = Vec::new();
            let mut documents = Vec::new();
            let mut members = BTreeMap::new();
            let mut entity_of = HashMap::new();
            let mut entity_kind = HashMap::new();
            for (n, r) in self.releases.iter().enumerate() {
                documents.push(DocumentRow {
                    id: r.doc,
                    source: "mhlw-press".into(),
                    url: r.url.into(),
                    first_seen: at(2026, 1, 1),
                    last_seen: at(2026, 11, 20),
                    last_changed: at(2026, 1, 1),
                    removed_at: r.removed_at,
                    current_sha256: Some(format!("{:064x}", r.doc)),
                    etag: None,
                    last_modified: None,
                    last_error: None,
                    last_error_at: None,
                });
                let mut state = |property: &str, value: &str| {
                    let id = i64::try_from(facts.len()).unwrap_or(0) + 1;
                    facts.push(FactRow {
                        id,
                        fact_key: format!("k{id}"),
                        document_id: r.doc,
                        subject: r.subject.into(),
                        subject_kind: "action".into(),
                        property: property.into(),
                        value: value.into(),
                        observed_on: None,
                        first_seen: at(2026, 1, 1),
                        last_seen: at(2026, 11, 20),
                        last_changed: at(2026, 1, 1),
                        first_sha256: format!("{:064x}", r.doc),
                        last_sha256: format!("{:064x}", r.doc),
                        retracted_at: None,
                    });
                };
                state("action_type", r.action_type);
                state("issued_on", r.issued_on);
                for t in r.targets {
                    state("target", t);
                }
                for t in r.texts {
                    state("measure", t);
                }
                let id = EntityId::from(format!("A{:06}", n + 1));
                members.insert(id.clone(), vec![r.subject.to_owned()]);
                entity_of.insert(r.subject.to_owned(), id.clone());
                entity_kind.insert(id, SubjectKind::Action);
            }
            for (subject, id, name, kind) in [
                (
                    "facility:mhlw-press:ginza",
                    "F000001",
                    "銀座アオバ再生クリニック",
                    SubjectKind::Facility,
                ),
                (
                    "cpc:mhlw-press:FC3150021",
                    "C000001",
                    "銀座アオバ細胞加工センター",
                    SubjectKind::Cpc,
                ),
            ] {
                let fid = i64::try_from(facts.len()).unwrap_or(0) + 1;
                facts.push(FactRow {
                    id: fid,
                    fact_key: format!("k{fid}"),
                    document_id: 1,
                    subject: subject.into(),
                    subject_kind: kind.as_str().into(),
                    property: "name".into(),
                    value: name.into(),
                    observed_on: None,
                    first_seen: at(2026, 1, 1),
                    last_seen: at(2026, 11, 20),
                    last_changed: at(2026, 1, 1),
                    first_sha256: format!("{:064x}", 1),
                    last_sha256: format!("{:064x}", 1),
                    retracted_at: None,
                });
                members.insert(EntityId::from(id), vec![subject.to_owned()]);
                entity_of.insert(subject.to_owned(), EntityId::from(id));
                entity_kind.insert(EntityId::from(id), kind);
            }
            Resolution {
                set: FactSet::new(facts, documents, Vec::new()),
                members,
                entity_of,
                entity_kind,
                links: Vec::new(),
                merges: Vec::new(),
                redirects: BTreeMap::new(),
            }
        }

        /// Every action's (status, evidence), by action ID, as of `today`.
        fn statuses(&self, today: NaiveDate) -> BTreeMap<String, (String, StatusEvidence)> {
            let res = self.resolution();
            let ctx = Context::new(&res);
            let mut details: BTreeMap<EntityId, ActionDetail> = res
                .members
                .iter()
                .filter(|(id, _)| id.starts_with('A'))
                .map(|(id, m)| (id.clone(), detail(&ctx, id, m)))
                .collect();
            apply_statuses(&ctx, &mut details, today);
            details
                .into_iter()
                .map(|(id, d)| {
                    let ev = d
                        .summary
                        .status_evidence
                        .expect("every action has evidence");
                    (id.into_string(), (d.summary.status, ev))
                })
                .collect()
        }
    }

    const CLINIC: &str = "facility:mhlw-press:ginza";
    const CPC: &str = "cpc:mhlw-press:FC3150021";

    fn emergency(texts: &'static [&'static str]) -> Release {
        Release {
            doc: 1,
            url: "https://www.mhlw.go.jp/stf/newpage_61234.html",
            subject: "action:mhlw-press:newpage_61234",
            action_type: "emergency_order",
            issued_on: "2025-09-12",
            targets: &[CLINIC, CPC],
            texts,
            removed_at: None,
        }
    }

    /// The replica's 2026-01-23 improvement order, on `targets`.
    fn improvement(targets: &'static [&'static str]) -> Release {
        Release {
            doc: 2,
            url: "https://www.mhlw.go.jp/stf/newpage_66789.html",
            subject: "action:mhlw-press:newpage_66789",
            action_type: "improvement_order",
            issued_on: "2026-01-23",
            targets,
            texts: &[],
            removed_at: None,
        }
    }

    fn today() -> NaiveDate {
        date(2026, 11, 25)
    }

    #[test]
    fn published_and_unchallenged_is_in_force_with_its_document_and_check_date() {
        let w = World {
            releases: vec![emergency(&["再生医療等の提供の一時停止"])],
        };
        let s = w.statuses(today());
        let (status, ev) = &s["A000001"];
        assert_eq!(status, "in_force");
        assert_eq!(ev.last_checked, Some(at(2026, 11, 20).and_utc()));
        assert_eq!(ev.removed_at, None);
        assert_eq!(ev.sources.len(), 1);
        assert_eq!(
            ev.sources[0].url,
            "https://www.mhlw.go.jp/stf/newpage_61234.html"
        );
        assert_eq!(ev.sources[0].sha256, format!("{:064x}", 1));
        assert!(ev.reason_ja.contains("掲載が続いて"), "{}", ev.reason_ja);
    }

    #[test]
    fn an_order_on_part_of_the_targets_does_not_supersede_but_is_mentioned() {
        // The replica: the 2026-01-23 improvement order names only the CPC.
        let w = World {
            releases: vec![emergency(&[]), improvement(&[CPC])],
        };
        let s = w.statuses(today());
        let (status, ev) = &s["A000001"];
        assert_eq!(status, "in_force");
        assert!(
            ev.reason_ja
                .contains("対象の一部（銀座アオバ細胞加工センター）"),
            "{}",
            ev.reason_ja
        );
        assert!(ev.reason_en.contains("A000002"), "{}", ev.reason_en);
        assert_eq!(s["A000002"].0, "in_force");
    }

    #[test]
    fn a_later_order_on_every_target_supersedes_an_emergency_order() {
        let w = World {
            releases: vec![emergency(&[]), improvement(&[CLINIC, CPC])],
        };
        let s = w.statuses(today());
        let (status, ev) = &s["A000001"];
        assert_eq!(status, "superseded");
        assert_eq!(
            ev.decided_by.as_ref().map(|e| e.id.as_str()),
            Some("A000002")
        );
        assert_eq!(
            ev.sources[0].url,
            "https://www.mhlw.go.jp/stf/newpage_66789.html"
        );
        assert_eq!(ev.last_checked, Some(at(2026, 11, 20).and_utc()));
        // A weaker later order does not replace a stronger one (other than an emergency order).
        let w = World {
            releases: vec![
                Release {
                    action_type: "suspension_order",
                    ..emergency(&[])
                },
                improvement(&[CLINIC, CPC]),
            ],
        };
        assert_eq!(w.statuses(today())["A000001"].0, "in_force");
    }

    fn lifting(texts: &'static [&'static str]) -> Release {
        Release {
            doc: 3,
            url: "https://www.mhlw.go.jp/stf/newpage_70001.html",
            subject: "action:mhlw-press:newpage_70001",
            action_type: "lifting",
            issued_on: "2025-12-01",
            targets: &[CLINIC],
            texts,
            removed_at: None,
        }
    }

    #[test]
    fn a_lifting_release_naming_the_kind_or_the_date_lifts_it() {
        const BY_ERA_DATE: &[&str] = &["令和7年9月12日付けの命令を解除"];
        const BY_KIND: &[&str] = &["緊急命令を解除しました"];
        const BY_WIDE_DATE: &[&str] = &["2025年９月12日に命じた一時停止を解除"];
        for text in [BY_ERA_DATE, BY_KIND, BY_WIDE_DATE] {
            let w = World {
                releases: vec![emergency(&[]), lifting(text)],
            };
            let s = w.statuses(today());
            let (status, ev) = &s["A000001"];
            assert_eq!(status, "lifted", "{text:?}");
            assert_eq!(
                ev.decided_by.as_ref().map(|e| e.id.as_str()),
                Some("A000002")
            );
            assert_eq!(
                ev.sources[0].url,
                "https://www.mhlw.go.jp/stf/newpage_70001.html"
            );
            assert_eq!(
                s["A000002"].0, "unknown",
                "a lifting has no state of its own"
            );
        }
    }

    #[test]
    fn a_lifting_that_names_neither_kind_nor_date_leaves_the_status_unknown() {
        let w = World {
            releases: vec![emergency(&[]), lifting(&["改善が確認されたため解除"])],
        };
        let (status, ev) = &w.statuses(today())["A000001"];
        assert_eq!(status, "unknown");
        assert!(
            ev.reason_en.contains("does not say which order"),
            "{}",
            ev.reason_en
        );
    }

    #[test]
    fn a_taken_down_release_is_stated_as_removed() {
        let w = World {
            releases: vec![Release {
                removed_at: Some(at(2026, 6, 1)),
                ..emergency(&[])
            }],
        };
        let (status, ev) = &w.statuses(today())["A000001"];
        assert_eq!(status, "unknown");
        assert_eq!(ev.removed_at, Some(at(2026, 6, 1).and_utc()));
        assert_eq!(ev.last_checked, None);
        assert!(ev.reason_ja.contains("削除"), "{}", ev.reason_ja);
    }

    #[test]
    fn an_emergency_order_with_a_stated_period_is_in_force_only_while_it_runs() {
        let w = World {
            releases: vec![emergency(&[
                "令和7年9月12日から令和7年12月11日までの間、再生医療等の提供の一時停止",
                "報告書を令和8年1月30日までに提出すること",
            ])],
        };
        let (status, ev) = &w.statuses(date(2025, 10, 1))["A000001"];
        assert_eq!(status, "in_force");
        assert_eq!(ev.period_until, Some(date(2025, 12, 11)));
        let (status, ev) = &w.statuses(date(2025, 12, 12))["A000001"];
        assert_eq!(status, "unknown");
        assert_eq!(ev.period_until, Some(date(2025, 12, 11)));
        assert!(ev.reason_ja.contains("期間"), "{}", ev.reason_ja);
    }

    #[test]
    fn inspections_have_no_status() {
        let w = World {
            releases: vec![Release {
                action_type: "inspection",
                ..emergency(&[])
            }],
        };
        let (status, ev) = &w.statuses(today())["A000001"];
        assert_eq!(status, "unknown");
        assert!(ev.reason_en.contains("not an order"));
    }
}
