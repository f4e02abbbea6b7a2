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
            id_counters: Vec::new(),
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
