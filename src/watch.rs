//! Watch feeds (the domain side of `mieru_web::watch`): what happened to a facility, an
//! organization or every record of a prefecture, each entry with its trigger, its evidence,
//! a stable key and the time mieru first saw it.
//!
//! What happened comes from the projected records (names over time, actions, links); when
//! it was first seen and which facts state it come from the facts themselves, so entry keys
//! and times do not move when the read models are rebuilt. Source edits and removals come
//! from the documents and their snapshots, restricted to the facts about the entity: an edit
//! of a list row of another clinic is not news about this one.

use crate::store::models::{DocumentRow, FactRow, SnapshotRow};
use crate::store::{self, DbConnection, StoreError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use mieru_web::model::{
    ActionDetail, ActionSummary, DatedValue, EntityRef, FacilityDetail, Link, Lookup,
    OrganizationDetail, SourceRef,
};
use mieru_web::watch::{WatchEntry, WatchFeed, WatchScope, MAX_ENTRIES};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Successor links followed at most this deep (a chain of renamed-and-merged corporations).
const MAX_SUCCESSOR_DEPTH: usize = 4;

/// The parts of a facility or organization record a feed needs.
struct Watched {
    entity: EntityRef,
    names: Vec<DatedValue>,
    actions: Vec<ActionSummary>,
    links: Vec<Link>,
    /// Facilities an organization operates (their actions are news about it).
    facilities: Vec<EntityRef>,
}

fn corrupt(e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("stored record unreadable: {e}"))
}

/// The record of an entity (not merged away), from the read models.
fn watched(conn: &mut DbConnection, id: &str) -> Result<Option<Watched>, StoreError> {
    let Some(view) = store::read_models::entity_view(conn, id)? else {
        return Ok(None);
    };
    if view.kind == "organization" {
        let d: OrganizationDetail = serde_json::from_str(&view.detail).map_err(corrupt)?;
        Ok(Some(Watched {
            entity: EntityRef {
                id: d.id,
                entity: "organization".into(),
                name: d.name,
                role: None,
            },
            names: d.names,
            actions: d.actions,
            links: d.links,
            facilities: d.facilities,
        }))
    } else {
        let d: FacilityDetail = serde_json::from_str(&view.detail).map_err(corrupt)?;
        Ok(Some(Watched {
            entity: EntityRef {
                id: d.id,
                entity: d.kind,
                name: d.name,
                role: None,
            },
            names: d.names,
            actions: d.actions,
            links: d.links,
            facilities: Vec::new(),
        }))
    }
}

/// Where an ID lives now, following merges: (survivor, whether it was merged).
fn follow(conn: &mut DbConnection, id: &str) -> Result<Option<(String, bool)>, StoreError> {
    let mut current = id.to_owned();
    for _ in 0..8 {
        match store::entities::get(conn, &current)? {
            None => return Ok(None),
            Some(e) => match e.merged_into {
                Some(next) => current = next,
                None => return Ok(Some((current.clone(), current != id))),
            },
        }
    }
    Ok(None)
}

/// Facts, documents and snapshot times around a set of entities, loaded once per feed.
#[derive(Default)]
struct Evidence {
    facts_of: HashMap<String, Vec<FactRow>>,
    documents: HashMap<i64, DocumentRow>,
    snapshots: Vec<SnapshotRow>,
    fetched: HashMap<String, NaiveDateTime>,
}

impl Evidence {
    fn load(conn: &mut DbConnection, ids: &[String]) -> Result<Self, StoreError> {
        let mut ev = Evidence::default();
        let mut doc_ids = BTreeSet::new();
        for id in ids {
            if ev.facts_of.contains_key(id) {
                continue;
            }
            let members = store::entities::members_of(conn, id)?;
            let facts = store::facts::of_subjects(conn, &members)?;
            doc_ids.extend(facts.iter().map(|f| f.document_id));
            ev.facts_of.insert(id.clone(), facts);
        }
        let doc_ids: Vec<i64> = doc_ids.into_iter().collect();
        ev.documents = store::documents::by_ids(conn, &doc_ids)?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        ev.snapshots = store::documents::snapshots_of(conn, &doc_ids)?;
        for s in &ev.snapshots {
            ev.fetched.entry(s.sha256.clone()).or_insert(s.fetched_at);
        }
        Ok(ev)
    }

    fn facts(&self, id: &str) -> &[FactRow] {
        self.facts_of.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    fn first_seen(&self, id: &str) -> Option<NaiveDateTime> {
        self.facts(id).iter().map(|f| f.first_seen).min()
    }

    fn source_ref(&self, doc_id: i64, sha256: &str) -> Option<SourceRef> {
        let doc = self.documents.get(&doc_id)?;
        Some(SourceRef {
            source: doc.source.clone(),
            url: doc.url.clone(),
            sha256: sha256.to_owned(),
            fetched_at: self
                .fetched
                .get(sha256)
                .copied()
                .unwrap_or(doc.last_seen)
                .and_utc(),
        })
    }

    fn fact_ref(&self, f: &FactRow) -> Option<SourceRef> {
        self.source_ref(f.document_id, &f.last_sha256)
    }
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn min_id(facts: &[&FactRow]) -> String {
    facts
        .iter()
        .map(|f| f.id)
        .min()
        .map(|id| id.to_string())
        .unwrap_or_else(|| "0".into())
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "undated".into())
}

fn property_ja(p: &str) -> &str {
    match p {
        "name" => "名称",
        "former_name" => "旧名",
        "address" => "所在地",
        "prefecture" => "都道府県",
        "operator" => "開設者",
        "manager" => "管理者",
        "status" => "状況",
        "closed_on" => "廃止日",
        "facility_number" => "施設番号",
        "corporate_number" => "法人番号",
        "phone" => "電話番号",
        "action_type" => "処分の種類",
        "issued_on" => "処分日",
        "target" => "対象",
        "finding" => "違反・事案",
        "measure" => "措置",
        "headline" => "表題",
        "article" => "根拠条文",
        other => other,
    }
}

/// A fact value for a sentence: references (subject keys) are not meaningful to readers.
fn shown(f: &FactRow) -> String {
    if mieru_crawler::provenance::Property::parse(&f.property).is_some_and(|p| p.is_reference()) {
        "（参照）".into()
    } else {
        let v = mieru_text::normalize::display_clean(&f.value);
        if v.chars().count() > 60 {
            format!("{}…", v.chars().take(60).collect::<String>())
        } else {
            v
        }
    }
}

/// Entries of one entity (`via` says why it is in this feed).
fn entity_entries(
    conn: &mut DbConnection,
    w: &Watched,
    via: Option<&str>,
    ev: &Evidence,
    only_actions: bool,
) -> Result<Vec<WatchEntry>, StoreError> {
    let id = w.entity.id.as_str();
    let mut out = Vec::new();
    let entry = |key: String,
                 kind: &str,
                 date: Option<NaiveDate>,
                 seen: NaiveDateTime,
                 (title_ja, title_en): (String, String),
                 (summary_ja, summary_en): (String, String),
                 link: Option<EntityRef>,
                 evidence: Vec<SourceRef>| WatchEntry {
        key,
        kind: kind.to_owned(),
        date,
        seen_at: utc(seen),
        title_ja,
        title_en,
        summary_ja,
        summary_en,
        about: w.entity.clone(),
        via: via.map(str::to_owned),
        link,
        evidence,
    };

    // New actions: one entry per action, first seen when its first statement was.
    let action_ids: Vec<String> = w.actions.iter().map(|a| a.id.clone()).collect();
    let action_ev = Evidence::load(conn, &action_ids)?;
    for a in &w.actions {
        let facts: Vec<&FactRow> = action_ev.facts(&a.id).iter().collect();
        let Some(seen) = action_ev.first_seen(&a.id) else {
            continue;
        };
        let detail: Option<ActionDetail> = match store::read_models::action(conn, &a.id)? {
            Some(row) => serde_json::from_str(&row.detail).ok(),
            None => None,
        };
        let sources = detail.map(|d| d.sources).unwrap_or_default();
        let kind_ja = crate::project::entities::action_label_ja(&a.action_type);
        let kind_en = crate::project::entities::action_label_en(&a.action_type);
        let authority = a.authority.clone().unwrap_or_default();
        out.push(entry(
            format!(
                "{id}/new_action/{}/{}.{}",
                day(a.issued_on),
                a.id,
                min_id(&facts)
            ),
            "new_action",
            a.issued_on,
            seen,
            (
                format!("{}：{}（{}）", kind_ja, w.entity.name, day(a.issued_on)),
                format!("{}: {} ({})", kind_en, w.entity.name, day(a.issued_on)),
            ),
            (
                format!(
                    "{}が{}に{}（{}）を出しました",
                    if authority.is_empty() {
                        "処分庁"
                    } else {
                        &authority
                    },
                    day(a.issued_on),
                    kind_ja,
                    a.articles.join("・")
                ),
                format!(
                    "{} issued on {} by {} ({})",
                    kind_en,
                    day(a.issued_on),
                    if authority.is_empty() {
                        "the authority"
                    } else {
                        &authority
                    },
                    a.articles.join(", ")
                ),
            ),
            Some(EntityRef {
                id: a.id.clone(),
                entity: "action".into(),
                name: a.headline.clone().unwrap_or_default(),
                role: None,
            }),
            sources,
        ));
    }
    let facts = ev.facts(id);

    // Closure: the source's closure date, first seen when first stated.
    let mut closures: BTreeMap<String, Vec<&FactRow>> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.property == "closed_on") {
        closures.entry(f.value.clone()).or_default().push(f);
    }
    for (value, fs) in &closures {
        let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        let Some(seen) = fs.iter().map(|f| f.first_seen).min() else {
            continue;
        };
        out.push(entry(
            format!("{id}/closed/{}/{}", day(date), min_id(fs)),
            "closed",
            date,
            seen,
            (
                format!("廃止：{}（{}）", w.entity.name, day(date)),
                format!("Closed: {} ({})", w.entity.name, day(date)),
            ),
            (
                format!("{}の廃止（{}）が公表されました", w.entity.name, day(date)),
                format!(
                    "The closure of {} on {} was published",
                    w.entity.name,
                    day(date)
                ),
            ),
            None,
            fs.iter().filter_map(|f| ev.fact_ref(f)).collect(),
        ));
    }
    if only_actions {
        return Ok(out);
    }

    // Renames: each change of the current name, first seen when the new name was.
    for pair in w.names.windows(2) {
        let [old, new] = pair else { continue };
        let key = mieru_text::normalize::fold(&new.value);
        let stating: Vec<&FactRow> = facts
            .iter()
            .filter(|f| f.property == "name" && mieru_text::normalize::fold(&f.value) == key)
            .collect();
        let seen = stating
            .iter()
            .map(|f| f.first_seen)
            .min()
            .unwrap_or(new.first_seen.naive_utc());
        let date = new.since.or(old.until);
        out.push(entry(
            format!("{id}/renamed/{}/{}", day(date), min_id(&stating)),
            "renamed",
            date,
            seen,
            (
                format!("名称変更：{} → {}", old.value, new.value),
                format!("Renamed: {} → {}", old.value, new.value),
            ),
            (
                format!("名称が「{}」から「{}」に変わりました", old.value, new.value),
                format!("The name changed from “{}” to “{}”", old.value, new.value),
            ),
            None,
            new.sources.clone(),
        ));
    }

    // Successors, established or possible: found when the later of the two records appeared.
    let mine = ev.first_seen(id);
    for l in &w.links {
        let kind = match l.kind.as_str() {
            "successor" => "successor",
            "possible_successor" => "possible_successor",
            _ => continue,
        };
        if l.other.id.is_empty() {
            continue;
        }
        let other_ev = Evidence::load(conn, std::slice::from_ref(&l.other.id))?;
        let Some(seen) = mine.max(other_ev.first_seen(&l.other.id)) else {
            continue;
        };
        let (ja, en) = if kind == "successor" {
            ("後継", "Successor")
        } else {
            ("後継の可能性", "Possible successor")
        };
        let detail: Vec<String> = l.evidence.iter().map(|e| e.detail.clone()).collect();
        out.push(entry(
            format!("{id}/{kind}/{}", l.other.id),
            kind,
            Some(seen.date()),
            seen,
            (
                format!("{ja}：{}", l.other.name),
                format!("{en}: {}", l.other.name),
            ),
            (
                format!(
                    "{}の{ja}として「{}」が見つかりました（根拠：{}）",
                    w.entity.name,
                    l.other.name,
                    detail.join("、")
                ),
                format!(
                    "{en} of {} found: {} (evidence: {})",
                    w.entity.name,
                    l.other.name,
                    detail.join("; ")
                ),
            ),
            Some(l.other.clone()),
            l.evidence.iter().flat_map(|e| e.sources.clone()).collect(),
        ));
    }

    // Source documents: edits that changed what they state about this entity, removals.
    let mut by_doc: BTreeMap<i64, Vec<&FactRow>> = BTreeMap::new();
    for f in facts {
        by_doc.entry(f.document_id).or_default().push(f);
    }
    for (doc_id, doc_facts) in &by_doc {
        let Some(doc) = ev.documents.get(doc_id) else {
            continue;
        };
        let snaps: Vec<&SnapshotRow> = ev
            .snapshots
            .iter()
            .filter(|s| s.document_id == *doc_id)
            .collect();
        for pair in snaps.windows(2) {
            let [before, snap] = pair else { continue };
            let added: Vec<&&FactRow> = doc_facts
                .iter()
                .filter(|f| f.first_sha256 == snap.sha256)
                .collect();
            let dropped: Vec<&&FactRow> = doc_facts
                .iter()
                .filter(|f| f.retracted_at == Some(snap.fetched_at))
                .collect();
            if added.is_empty() && dropped.is_empty() {
                continue;
            }
            let list = |fs: &[&&FactRow], ja: bool| -> String {
                fs.iter()
                    .take(5)
                    .map(|f| {
                        let p = if ja {
                            property_ja(&f.property)
                        } else {
                            f.property.as_str()
                        };
                        format!("{p}「{}」", shown(f))
                    })
                    .collect::<Vec<_>>()
                    .join(if ja { "、" } else { ", " })
            };
            let mut ja = Vec::new();
            let mut en = Vec::new();
            if !added.is_empty() {
                ja.push(format!("追加：{}", list(&added, true)));
                en.push(format!("now states {}", list(&added, false)));
            }
            if !dropped.is_empty() {
                ja.push(format!("削除：{}", list(&dropped, true)));
                en.push(format!("no longer states {}", list(&dropped, false)));
            }
            let evidence = [
                ev.source_ref(*doc_id, &snap.sha256),
                ev.source_ref(*doc_id, &before.sha256),
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push(entry(
                format!(
                    "{id}/document_edited/{}/{}.{}",
                    snap.fetched_at.date(),
                    doc_id,
                    snap.id
                ),
                "document_edited",
                Some(snap.fetched_at.date()),
                snap.fetched_at,
                (
                    format!("出典の更新：{}", doc.url),
                    format!("Source edited: {}", doc.url),
                ),
                (
                    format!(
                        "{}に関する記載が変わりました（{}）。{}",
                        w.entity.name,
                        doc.url,
                        ja.join("。")
                    ),
                    format!(
                        "What {} says about {} changed: {}",
                        doc.url,
                        w.entity.name,
                        en.join("; ")
                    ),
                ),
                None,
                evidence,
            ));
        }
        if let Some(at) = doc.removed_at {
            let sha = doc
                .current_sha256
                .clone()
                .or_else(|| snaps.last().map(|s| s.sha256.clone()))
                .unwrap_or_default();
            out.push(entry(
                format!("{id}/document_removed/{}/{}", at.date(), doc_id),
                "document_removed",
                Some(at.date()),
                at,
                (
                    format!("出典の削除：{}", doc.url),
                    format!("Source removed: {}", doc.url),
                ),
                (
                    format!(
                        "{}について記載していた資料が公表元から削除されました（{}）。保存版は引き続き閲覧できます",
                        w.entity.name, doc.url
                    ),
                    format!(
                        "A document stating {} was taken down by its publisher ({}); the archived copy stays readable",
                        w.entity.name, doc.url
                    ),
                ),
                None,
                ev.source_ref(*doc_id, &sha).into_iter().collect(),
            ));
        }
    }
    Ok(out)
}

/// Newest first; one entry per key (an action on two facilities of a prefecture once).
fn finish(mut entries: Vec<WatchEntry>, dedupe_actions: bool) -> Vec<WatchEntry> {
    entries.sort_by(|a, b| b.seen_at.cmp(&a.seen_at).then(a.key.cmp(&b.key)));
    let mut keys = BTreeSet::new();
    let mut actions = BTreeSet::new();
    entries.retain(|e| {
        if dedupe_actions && e.kind == "new_action" {
            if let Some(l) = &e.link {
                if !actions.insert(l.id.clone()) {
                    return false;
                }
            }
        }
        keys.insert(e.key.clone())
    });
    entries.truncate(MAX_ENTRIES);
    entries
}

fn entity_feed(
    conn: &mut DbConnection,
    id: &str,
    organization: bool,
) -> Result<Lookup<WatchFeed>, StoreError> {
    let Some((survivor, merged)) = follow(conn, id)? else {
        return Ok(Lookup::NotFound);
    };
    let Some(w) = watched(conn, &survivor)? else {
        return Ok(Lookup::NotFound);
    };
    if (w.entity.entity == "organization") != organization {
        return Ok(Lookup::NotFound);
    }
    // The watched record, its successors (transitively), and an organization's facilities.
    let mut covered: Vec<(Watched, Option<&'static str>)> = Vec::new();
    let mut successors: Vec<EntityRef> = Vec::new();
    let mut seen_ids: BTreeSet<String> = BTreeSet::from([w.entity.id.clone()]);
    let mut frontier: Vec<String> = successor_ids(&w);
    covered.push((w, None));
    for _ in 0..MAX_SUCCESSOR_DEPTH {
        let mut next = Vec::new();
        for sid in frontier {
            let Some((sid, _)) = follow(conn, &sid)? else {
                continue;
            };
            if !seen_ids.insert(sid.clone()) {
                continue;
            }
            if let Some(s) = watched(conn, &sid)? {
                next.extend(successor_ids(&s));
                successors.push(s.entity.clone());
                covered.push((s, Some("successor")));
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    let facility_ids: Vec<String> = covered
        .first()
        .map(|(w, _)| {
            w.facilities
                .iter()
                .map(|f| f.id.clone())
                .filter(|f| !f.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for fid in facility_ids {
        if seen_ids.insert(fid.clone()) {
            if let Some(f) = watched(conn, &fid)? {
                covered.push((f, Some("facility")));
            }
        }
    }
    let ids: Vec<String> = covered.iter().map(|(w, _)| w.entity.id.clone()).collect();
    let ev = Evidence::load(conn, &ids)?;
    let mut entries = Vec::new();
    for (w, via) in &covered {
        // An organization's facilities contribute their actions and closures only.
        entries.extend(entity_entries(
            conn,
            w,
            *via,
            &ev,
            *via == Some("facility"),
        )?);
    }
    let Some((main, _)) = covered.first() else {
        return Ok(Lookup::NotFound);
    };
    Ok(Lookup::Found(WatchFeed {
        subject: Some(main.entity.clone()),
        title: main.entity.name.clone(),
        merged_from: merged.then(|| id.to_owned()),
        successors,
        entries: finish(entries, true),
    }))
}

fn successor_ids(w: &Watched) -> Vec<String> {
    w.links
        .iter()
        .filter(|l| l.kind == "successor" && !l.other.id.is_empty())
        .map(|l| l.other.id.clone())
        .collect()
}

fn prefecture_feed(conn: &mut DbConnection, name: &str) -> Result<Lookup<WatchFeed>, StoreError> {
    if !mieru_text::address::PREFECTURES.contains(&name) {
        return Ok(Lookup::NotFound);
    }
    let ids: Vec<String> = store::entities::all(conn)?
        .into_iter()
        .filter(|e| e.merged_into.is_none())
        .filter(|e| matches!(e.kind.as_str(), "facility" | "cpc" | "organization"))
        .filter(|e| e.prefecture.as_deref() == Some(name))
        .map(|e| e.id)
        .collect();
    let ev = Evidence::load(conn, &ids)?;
    let mut entries = Vec::new();
    for id in &ids {
        if let Some(w) = watched(conn, id)? {
            entries.extend(entity_entries(conn, &w, None, &ev, false)?);
        }
    }
    Ok(Lookup::Found(WatchFeed {
        subject: None,
        title: name.to_owned(),
        merged_from: None,
        successors: Vec::new(),
        entries: finish(entries, true),
    }))
}

/// The feed of a scope. A merged ID answers with its survivor's feed (`merged_from` set).
pub fn feed(conn: &mut DbConnection, scope: &WatchScope) -> Result<Lookup<WatchFeed>, StoreError> {
    match scope {
        WatchScope::Facility(id) => entity_feed(conn, id, false),
        WatchScope::Organization(id) => entity_feed(conn, id, true),
        WatchScope::Prefecture(name) => prefecture_feed(conn, name),
    }
}
