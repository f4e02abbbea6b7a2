//! Actions: one record per regulatory action, with its targets resolved to entities.

use super::Context;
use crate::search::IndexDoc;
use crate::store::models::{ActionRow, FactRow};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use mieru_crawler::provenance::Property;
use mieru_web::model::{ActionDetail, ActionSummary, EntityRef, SourceRef, StatusEvidence};
use std::collections::{BTreeMap, HashMap};

fn texts(ctx: &Context<'_>, members: &[String], p: Property) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in members {
        for f in ctx.set.values(s, p) {
            let v = mieru_text::normalize::display_clean(&f.value);
            if !v.is_empty() && !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

fn first_date(ctx: &Context<'_>, members: &[String], p: Property) -> Option<NaiveDate> {
    members
        .iter()
        .flat_map(|s| ctx.set.values(s, p))
        .filter_map(|f| NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").ok())
        .min()
}

pub fn detail(ctx: &Context<'_>, id: &str, members: &[String]) -> ActionDetail {
    let mut targets = Vec::new();
    for s in members {
        for f in ctx.set.values(s, Property::Target) {
            if let Some(r) = ctx.entity_ref(&f.value, Some("target")) {
                if !targets.contains(&r) {
                    targets.push(r);
                }
            }
        }
    }
    let plans = members
        .iter()
        .flat_map(|s| ctx.set.values(s, Property::ConcernsPlan))
        .filter_map(|f| ctx.entity_ref(&f.value, Some("plan")))
        .fold(Vec::new(), |mut acc, r| {
            if !acc.contains(&r) {
                acc.push(r);
            }
            acc
        });
    let lifted = first_date(ctx, members, Property::LiftedOn);
    let summary = ActionSummary {
        id: id.to_owned(),
        action_type: texts(ctx, members, Property::ActionType)
            .into_iter()
            .next()
            .unwrap_or_else(|| "other".into()),
        issued_on: first_date(ctx, members, Property::IssuedOn),
        authority: texts(ctx, members, Property::Authority).into_iter().next(),
        articles: texts(ctx, members, Property::Article),
        headline: texts(ctx, members, Property::Headline).into_iter().next(),
        targets,
        // Provisional: [`apply_statuses`] decides with the other actions on the same targets.
        status: if lifted.is_some() {
            "lifted"
        } else {
            "unknown"
        }
        .to_owned(),
        status_evidence: None,
    };
    let all_facts = members.iter().flat_map(|s| ctx.set.of(s));
    ActionDetail {
        summary,
        findings: texts(ctx, members, Property::Finding),
        measures: texts(ctx, members, Property::Measure),
        plans,
        sources: ctx.set.source_refs(all_facts),
    }
}

// ---------------------------------------------------------------------------------------------
// Status with its evidence. The rules (also in docs/data-dictionary.md, "Action status"):
// - `lifted`: a source states the lifting date of this action, or a later lifting release
//   (解除) on one of its targets names its kind (緊急命令 …) or its date;
// - `superseded`: a later order on every one of its targets, of the same or a stronger kind,
//   or any later order after an emergency order (a temporary measure by nature);
// - `in_force`: none of the above, and the order is still published at its source (for an
//   emergency order whose text states its period: only while that period runs);
// - `unknown`: not an order (inspection, lifting, unrecognised kind), its documents were taken
//   down, its stated period ended, or a lifting release on the same target does not say which
//   order it lifts. Weak signals never make a status.

/// Strength of an order kind; `None` for acts that have no state of being in force.
fn rank(action_type: &str) -> Option<u8> {
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
struct Facts<'a> {
    id: &'a str,
    action_type: &'a str,
    issued_on: Option<NaiveDate>,
    label_ja: String,
    label_en: String,
    targets: Vec<&'a EntityRef>,
    /// Headline, findings and measures as one compact text.
    text: String,
    texts: Vec<&'a str>,
    publication: Publication,
}

/// Whether the documents behind some facts are still published, and since when known.
#[derive(Debug, Clone, Default)]
struct Publication {
    sources: Vec<SourceRef>,
    /// Latest `last_seen` of a document still published.
    last_checked: Option<DateTime<Utc>>,
    /// Set when every document was taken down: the latest removal.
    removed_at: Option<DateTime<Utc>>,
}

fn publication<'a>(ctx: &Context<'_>, facts: impl IntoIterator<Item = &'a FactRow>) -> Publication {
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
        super::entities::action_label_ja(action_type).to_owned(),
        super::entities::action_label_en(action_type).to_owned(),
    )
}

fn action_facts<'a>(ctx: &Context<'_>, d: &'a ActionDetail) -> Facts<'a> {
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

fn shares_target(a: &Facts<'_>, b: &Facts<'_>) -> bool {
    a.targets
        .iter()
        .any(|t| b.targets.iter().any(|u| u.id == t.id))
}

fn covers_targets(later: &Facts<'_>, earlier: &Facts<'_>) -> bool {
    !earlier.targets.is_empty()
        && earlier
            .targets
            .iter()
            .all(|t| later.targets.iter().any(|u| u.id == t.id))
}

/// Strictly later: both dates known. Same-day acts are not ordered by anything published.
fn later(a: &Facts<'_>, than: &Facts<'_>) -> bool {
    matches!((a.issued_on, than.issued_on), (Some(x), Some(y)) if x > y)
}

/// Whether a lifting release names `order`: its kind, or its date in any written form.
fn names_order(lifting: &Facts<'_>, order: &Facts<'_>) -> bool {
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
fn stated_period_end(texts: &[&str]) -> Option<NaiveDate> {
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
) -> (&'static str, StatusEvidence) {
    // 1. A source states the lifting date of this very action.
    let lifted_facts: Vec<&FactRow> = members
        .iter()
        .flat_map(|s| ctx.set.values(s, Property::LiftedOn))
        .collect();
    if let Some(on) = first_date(ctx, members, Property::LiftedOn) {
        let p = publication(ctx, lifted_facts);
        return (
            "lifted",
            evidence(
                format!("公表資料に解除日（{on}）が記載されています"),
                format!("A source states it was lifted on {on}"),
                &p,
                None,
                None,
            ),
        );
    }
    // 2. Acts that are not orders have no state of being in force.
    if rank(me.action_type).is_none() {
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
        return (
            "unknown",
            evidence(ja.into(), en.into(), &me.publication, None, None),
        );
    }
    // 3. A later lifting release on one of its targets that names it.
    let liftings: Vec<&Facts<'_>> = all
        .iter()
        .copied()
        .filter(|l| l.action_type == "lifting" && l.id != me.id)
        .filter(|l| shares_target(l, me))
        .filter(|l| matches!((l.issued_on, me.issued_on), (Some(x), Some(y)) if x >= y))
        .collect();
    if let Some(l) = liftings
        .iter()
        .filter(|l| names_order(l, me))
        .min_by_key(|l| (l.issued_on, l.id))
    {
        return (
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
        );
    }
    // 4. A later order of the same or a stronger kind on all of its targets.
    let my_rank = rank(me.action_type).unwrap_or(0);
    let replaces = |b: &&Facts<'_>| {
        b.id != me.id
            && later(b, me)
            && rank(b.action_type)
                .is_some_and(|r| r >= my_rank || me.action_type == "emergency_order")
    };
    if let Some(b) = all
        .iter()
        .copied()
        .filter(replaces)
        .filter(|b| covers_targets(b, me))
        .min_by_key(|b| (b.issued_on, b.id))
    {
        return (
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
        );
    }
    // 5. No longer published: nothing current says it is in force.
    if let Some(at) = me.publication.removed_at {
        return (
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
        );
    }
    // 6. A lifting on the same target that does not say what it lifts: do not guess.
    if let Some(l) = liftings.iter().min_by_key(|l| (l.issued_on, l.id)) {
        return (
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
        );
    }
    // 7. An emergency order that states its own period is in force only while it runs.
    let period = (me.action_type == "emergency_order")
        .then(|| stated_period_end(&me.texts))
        .flatten();
    if let Some(end) = period {
        if today > end {
            return (
                "unknown",
                evidence(
                    format!("命令に記載の期間（{end}まで）は終了しています。延長・解除の公表は確認されていません"),
                    format!("The period the order states ended on {end}; no extension or lifting was found"),
                    &me.publication,
                    None,
                    Some(end),
                ),
            );
        }
    }
    // 8. Published, not lifted, not replaced.
    let mut ja = String::from("公表元に掲載が続いており、解除・後続の処分は確認されていません");
    let mut en = String::from("Still published at its source; no lifting or later order found");
    if let Some(end) = period {
        ja.push_str(&format!("（命令に記載の期間：{end}まで）"));
        en.push_str(&format!(" (the order states a period until {end})"));
    }
    if let Some(b) = all
        .iter()
        .copied()
        .filter(replaces)
        .filter(|b| shares_target(b, me))
        .min_by_key(|b| (b.issued_on, b.id))
    {
        let covered: Vec<&str> = me
            .targets
            .iter()
            .filter(|t| b.targets.iter().any(|u| u.id == t.id))
            .map(|t| t.name.as_str())
            .collect();
        ja.push_str(&format!(
            "。対象の一部（{}）には後続の{}（{}、{}）があります",
            covered.join("、"),
            b.label_ja,
            day(b.issued_on),
            b.id
        ));
        en.push_str(&format!(
            "; a later {} ({}, {}) covers part of its targets ({})",
            b.label_en.to_lowercase(),
            day(b.issued_on),
            b.id,
            covered.join(", ")
        ));
    }
    ("in_force", evidence(ja, en, &me.publication, None, period))
}

/// Sets the status of every action, with its evidence, from all the actions given (orders
/// are compared with the later acts on their targets). `today` decides whether a period an
/// emergency order states has ended.
pub fn apply_statuses(
    ctx: &Context<'_>,
    details: &mut BTreeMap<String, ActionDetail>,
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
        if let Some(d) = details.get_mut(&id) {
            d.summary.status = status.to_owned();
            d.summary.status_evidence = Some(ev);
        }
    }
}

/// The prefecture of an action: that of its first target that has one.
fn prefecture(ctx: &Context<'_>, d: &ActionDetail) -> Option<String> {
    d.summary
        .targets
        .iter()
        .filter_map(|t| ctx.summaries.get(&t.id))
        .find_map(|s| s.prefecture.clone())
}

pub fn row(ctx: &Context<'_>, d: &ActionDetail, now: NaiveDateTime) -> ActionRow {
    ActionRow {
        id: d.summary.id.clone(),
        action_type: d.summary.action_type.clone(),
        issued_on: d.summary.issued_on,
        authority: d.summary.authority.clone(),
        prefecture: prefecture(ctx, d),
        status: d.summary.status.clone(),
        articles: serde_json::to_string(&d.summary.articles).unwrap_or_else(|_| "[]".into()),
        detail: serde_json::to_string(d).unwrap_or_else(|_| "{}".into()),
        updated_at: now,
    }
}

pub fn search_doc(d: &ActionDetail) -> IndexDoc {
    let s = &d.summary;
    IndexDoc {
        id: s.id.clone(),
        entity: "action".into(),
        name: s.headline.clone().unwrap_or_else(|| {
            s.targets
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
                .join("・")
        }),
        former_names: Vec::new(),
        addresses: Vec::new(),
        prefecture: None,
        identifiers: d
            .plans
            .iter()
            .map(|p| p.id.clone())
            .filter(|p| !p.is_empty())
            .collect(),
        related_names: s.targets.iter().map(|t| t.name.clone()).collect(),
        text: d
            .findings
            .iter()
            .chain(d.measures.iter())
            .cloned()
            .collect(),
        action_count: 1,
        action_types: vec![s.action_type.clone()],
        years: s.issued_on.map(|d| vec![d.year()]).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    //! Each status from replica-like facts: the 2025-09-12 emergency order to the 銀座 clinic
    //! and its CPC, the 2026-01-23 improvement order to the CPC, and invented liftings.
    use super::*;
    use crate::resolve::facts::FactSet;
    use crate::resolve::Resolution;
    use crate::store::models::DocumentRow;
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
                let id = format!("A{:06}", n + 1);
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
                members.insert(id.to_owned(), vec![subject.to_owned()]);
                entity_of.insert(subject.to_owned(), id.to_owned());
                entity_kind.insert(id.to_owned(), kind);
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
            let mut details: BTreeMap<String, ActionDetail> = res
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
                    (id, (d.summary.status, ev))
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
            releases: vec![
                emergency(&[]),
                Release {
                    doc: 2,
                    url: "https://www.mhlw.go.jp/stf/newpage_66789.html",
                    subject: "action:mhlw-press:newpage_66789",
                    action_type: "improvement_order",
                    issued_on: "2026-01-23",
                    targets: &[CPC],
                    texts: &[],
                    removed_at: None,
                },
            ],
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
            releases: vec![
                emergency(&[]),
                Release {
                    doc: 2,
                    url: "https://www.mhlw.go.jp/stf/newpage_66789.html",
                    subject: "action:mhlw-press:newpage_66789",
                    action_type: "improvement_order",
                    issued_on: "2026-01-23",
                    targets: &[CLINIC, CPC],
                    texts: &[],
                    removed_at: None,
                },
            ],
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
                Release {
                    doc: 2,
                    url: "https://www.mhlw.go.jp/stf/newpage_66789.html",
                    subject: "action:mhlw-press:newpage_66789",
                    action_type: "improvement_order",
                    issued_on: "2026-01-23",
                    targets: &[CLINIC, CPC],
                    texts: &[],
                    removed_at: None,
                },
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
