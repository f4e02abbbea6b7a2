//! What curation changes in the projected records: hidden facts are left out (they stay in
//! `facts`), and every accepted correction, annotation and human judgement becomes a dated
//! `correction` event in the affected records' histories, with the curator and the reason.
//! Loaded once per resolution; the projection only looks things up here.

use super::corrections::Outcome;
use crate::pipeline::resolve::facts::FactSet;
use crate::pipeline::resolve::ids::EntityId;
use crate::store::{self, curation as db, DbConnection, StoreError};
use chrono::NaiveDateTime;
use mieru_web::curation::CorrectionKind;
use mieru_web::model::{EntityRef, Event};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whom a note is about: an entity ID as recorded (it may redirect by now), or a subject key
/// (judgements are stored on subject keys, which survive every re-resolution).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Entity(String),
    Subject(String),
}

/// How a note reads on the page of `self` (the other side, if any, is `other`).
#[derive(Debug, Clone)]
enum Wording {
    Correction {
        id: String,
        kind: CorrectionKind,
        outcome: Outcome,
        /// Annotation text / fact, for annotation outcomes.
        text: String,
        fact_id: Option<i64>,
    },
    Annotation {
        id: i64,
        kind: String,
        text: String,
        fact_id: Option<i64>,
    },
    Withdrawal {
        id: i64,
        kind: String,
        fact_id: Option<i64>,
    },
    /// `verdict` as seen from the note's target (`successor`: the other succeeded it).
    Judgement { verdict: String },
}

#[derive(Debug, Clone)]
struct Note {
    target: Target,
    other: Option<Target>,
    at: NaiveDateTime,
    who: String,
    reason: String,
    wording: Wording,
}

#[derive(Debug, Default)]
pub struct CurationView {
    hidden: BTreeSet<i64>,
    notes: Vec<Note>,
    /// Old entity ID → the ID it was merged into.
    redirects: BTreeMap<String, String>,
}

/// The empty view: no curation at all.
pub static EMPTY: CurationView = CurationView {
    hidden: BTreeSet::new(),
    notes: Vec::new(),
    redirects: BTreeMap::new(),
};

/// The judgement verdict of (left, right) as seen from the right-hand side.
fn flip(verdict: &str) -> String {
    match verdict {
        "successor" => "predecessor",
        "predecessor" => "successor",
        v => v,
    }
    .to_owned()
}

impl CurationView {
    /// Everything curation has recorded. `redirects` adds the merges of the resolution being
    /// projected to those already stored (`entities.merged_into`).
    pub fn load(
        conn: &mut DbConnection,
        redirects: &BTreeMap<EntityId, EntityId>,
    ) -> Result<Self, StoreError> {
        let mut view = CurationView::default();
        view.redirects.extend(store::entities::merged(conn)?);
        view.redirects.extend(
            redirects
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string())),
        );

        let annotations = db::all_annotations(conn)?;
        view.add_corrections(conn, &annotations)?;
        view.add_annotations(&annotations);
        view.add_judgements(conn)?;
        Ok(view)
    }

    /// Accepted correction reports, told on the record they concern (and on the other one of
    /// a link correction).
    fn add_corrections(
        &mut self,
        conn: &mut DbConnection,
        annotations: &[db::AnnotationRow],
    ) -> Result<(), StoreError> {
        let by_id: HashMap<i64, &db::AnnotationRow> =
            annotations.iter().map(|a| (a.id, a)).collect();
        for c in db::accepted_corrections(conn)? {
            let Some(kind) = CorrectionKind::parse(&c.kind) else {
                continue;
            };
            let outcome = Outcome::decode(c.outcome.as_deref().unwrap_or(""));
            let (text, fact_id) = match &outcome {
                Outcome::Annotation(id, _) => by_id
                    .get(id)
                    .map(|a| (a.text.clone(), a.fact_id))
                    .unwrap_or_default(),
                _ => (String::new(), None),
            };
            let note = Note {
                target: Target::Entity(c.entity_id.clone()),
                other: c.other_id.clone().map(Target::Entity),
                at: c.decided_at.unwrap_or(c.submitted_at),
                who: c.decided_by.clone().unwrap_or_default(),
                reason: c.decision_reason.clone().unwrap_or_default(),
                wording: Wording::Correction {
                    id: c.id.clone(),
                    kind,
                    outcome,
                    text,
                    fact_id,
                },
            };
            // A link correction changes both records: both histories tell it, the other
            // from its own side (a successor of one is the other's predecessor).
            if let Some(other) = &c.other_id {
                let mut mirrored = Note {
                    target: Target::Entity(other.clone()),
                    other: Some(Target::Entity(c.entity_id.clone())),
                    ..note.clone()
                };
                if let Wording::Correction {
                    outcome: Outcome::Judgement(v),
                    ..
                } = &mut mirrored.wording
                {
                    *v = flip(v);
                }
                self.notes.push(mirrored);
            }
            self.notes.push(note);
        }
        Ok(())
    }

    /// Annotations curators made directly, hidden facts, and withdrawals.
    fn add_annotations(&mut self, annotations: &[db::AnnotationRow]) {
        for a in annotations {
            if a.withdrawn_at.is_none() && a.kind == "hide_fact" {
                if let Some(f) = a.fact_id {
                    self.hidden.insert(f);
                }
            }
            // Annotations made by accepting a report are told by the report's note.
            if a.correction_id.is_none() {
                self.notes.push(Note {
                    target: Target::Entity(a.entity_id.clone()),
                    other: None,
                    at: a.created_at,
                    who: a.author.clone(),
                    reason: a.reason.clone(),
                    wording: Wording::Annotation {
                        id: a.id,
                        kind: a.kind.clone(),
                        text: a.text.clone(),
                        fact_id: a.fact_id,
                    },
                });
            }
            if let Some(at) = a.withdrawn_at {
                self.notes.push(Note {
                    target: Target::Entity(a.entity_id.clone()),
                    other: None,
                    at,
                    who: a.withdrawn_by.clone().unwrap_or_default(),
                    reason: a.withdraw_reason.clone().unwrap_or_default(),
                    wording: Wording::Withdrawal {
                        id: a.id,
                        kind: a.kind.clone(),
                        fact_id: a.fact_id,
                    },
                });
            }
        }
    }

    /// Judgements recorded outside a correction report, told from both sides.
    fn add_judgements(&mut self, conn: &mut DbConnection) -> Result<(), StoreError> {
        for j in db::judgement_notes(conn)? {
            if j.correction_id.is_some() {
                continue;
            }
            let base = Note {
                target: Target::Subject(j.left_subject.clone()),
                other: Some(Target::Subject(j.right_subject.clone())),
                at: j.created_at,
                who: j.author.clone(),
                reason: j.reason.clone(),
                wording: Wording::Judgement {
                    verdict: j.verdict.clone(),
                },
            };
            self.notes.push(Note {
                target: Target::Subject(j.right_subject.clone()),
                other: Some(Target::Subject(j.left_subject.clone())),
                wording: Wording::Judgement {
                    verdict: flip(&j.verdict),
                },
                ..base.clone()
            });
            self.notes.push(base);
        }
        Ok(())
    }

    /// Keeps only the notes of what had happened by `at` (for a record as it stood then).
    /// Hidden facts stay hidden: they are hidden because they are in doubt, whatever the date.
    pub fn until(mut self, at: NaiveDateTime) -> Self {
        self.notes.retain(|n| n.at <= at);
        self
    }

    pub fn is_hidden(&self, fact_id: i64) -> bool {
        self.hidden.contains(&fact_id)
    }

    /// Removes hidden facts from a fact set about to be projected; returns how many.
    pub fn hide_facts(&self, set: &mut FactSet) -> usize {
        if self.hidden.is_empty() {
            return 0;
        }
        let before = set.facts.len();
        set.facts.retain(|f| !self.hidden.contains(&f.id));
        let mut by_subject: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, f) in set.facts.iter().enumerate() {
            by_subject.entry(f.subject.clone()).or_default().push(i);
        }
        set.by_subject = by_subject;
        before - set.facts.len()
    }

    fn resolve_id(&self, id: &str) -> String {
        let mut id = id;
        for _ in 0..16 {
            match self.redirects.get(id) {
                Some(next) => id = next,
                None => break,
            }
        }
        id.to_owned()
    }

    fn entity_of(&self, t: &Target, entity_of: &HashMap<String, EntityId>) -> Option<String> {
        match t {
            Target::Entity(id) => Some(self.resolve_id(id)),
            Target::Subject(s) => entity_of.get(s).map(EntityId::to_string),
        }
    }

    /// The `correction` events of entity `id`, oldest first. `entity_of` maps subject keys to
    /// entities; `name_of` names an entity for the other side of a link.
    pub fn events_for(
        &self,
        id: &str,
        entity_of: &HashMap<String, EntityId>,
        name_of: &dyn Fn(&str) -> Option<(String, String)>,
    ) -> Vec<Event> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for n in &self.notes {
            if self.entity_of(&n.target, entity_of).as_deref() != Some(id) {
                continue;
            }
            let other = n
                .other
                .as_ref()
                .and_then(|o| self.entity_of(o, entity_of))
                .map(|oid| {
                    let (entity, name) =
                        name_of(&oid).unwrap_or_else(|| (String::new(), oid.clone()));
                    EntityRef {
                        id: oid,
                        entity,
                        name,
                        role: None,
                    }
                });
            let (ja, en) = words(
                n,
                other.as_ref(),
                other.as_ref().is_some_and(|o| o.id == id),
            );
            // A judgement merging two records reaches the merged record from both sides.
            if !seen.insert((n.at, ja.clone())) {
                continue;
            }
            out.push(Event {
                date: Some(n.at.date()),
                kind: "correction".to_owned(),
                summary_ja: ja,
                summary_en: en,
                subject: other.filter(|o| o.id != id),
                sources: Vec::new(),
            });
        }
        out
    }
}

fn fact_ja(fact: Option<i64>) -> String {
    fact.map(|f| format!("（事実 #{f}）")).unwrap_or_default()
}

fn fact_en(fact: Option<i64>) -> String {
    fact.map(|f| format!(" (fact #{f})")).unwrap_or_default()
}

/// `other` is the other record's name as written in each language.
fn verdict_words(verdict: &str, other: &(String, String), merged: bool) -> (String, String) {
    let (oj, oe) = other;
    match verdict {
        "same" if merged => (
            "同一の施設・法人として統合".to_owned(),
            "records merged as one and the same".to_owned(),
        ),
        "same" => (
            format!("{oj}と同一と判断"),
            format!("judged the same as {oe}"),
        ),
        "different" => (
            format!("{oj}とは別と判断（関連付けを解除）"),
            format!("judged different from {oe} (link removed)"),
        ),
        "successor" => (
            format!("{oj}を後継と判断"),
            format!("{oe} judged to be its successor"),
        ),
        "predecessor" => (
            format!("{oj}を前身と判断"),
            format!("{oe} judged to be its predecessor"),
        ),
        "not_successor" => (
            format!("{oj}との承継関係はないと判断"),
            format!("judged not a successor relation with {oe}"),
        ),
        v => (format!("{oj}: {v}"), format!("{oe}: {v}")),
    }
}

fn annotation_words(kind: &str, text: &str, fact: Option<i64>) -> (String, String) {
    match kind {
        "hide_fact" => (
            format!(
                "公表資料の情報{}を審査のため非表示{}",
                fact_ja(fact),
                if text.is_empty() {
                    String::new()
                } else {
                    format!("「{text}」")
                }
            ),
            format!(
                "a stated value{} hidden pending review{}",
                fact_en(fact),
                if text.is_empty() {
                    String::new()
                } else {
                    format!(": “{text}”")
                }
            ),
        ),
        "outdated" => (
            format!("この記録は現状と異なる可能性があるとの注記「{text}」"),
            format!("marked as possibly outdated: “{text}”"),
        ),
        _ => (format!("注記「{text}」"), format!("note: “{text}”")),
    }
}

/// The sentence of a note in Japanese and English: what changed, the reason, and who.
fn words(n: &Note, other: Option<&EntityRef>, merged: bool) -> (String, String) {
    let other_name = other
        .map(|o| {
            if o.name.is_empty() || o.name == o.id {
                (o.id.clone(), o.id.clone())
            } else {
                (
                    format!("{}（{}）", o.name, o.id),
                    format!("{} ({})", o.name, o.id),
                )
            }
        })
        .unwrap_or_default();
    let (what_ja, what_en) = match &n.wording {
        Wording::Correction {
            id,
            kind,
            outcome,
            text,
            fact_id,
        } => {
            let (ja, en) = match outcome {
                Outcome::Judgement(v) => verdict_words(v, &other_name, merged),
                Outcome::Annotation(_, k) => annotation_words(k, text, *fact_id),
                Outcome::None => (String::new(), String::new()),
            };
            (
                format!("訂正 {id}（{}）: {ja}", kind.label_ja()),
                format!("Correction {id} ({}): {en}", kind.label_en()),
            )
        }
        Wording::Annotation {
            id,
            kind,
            text,
            fact_id,
        } => {
            let (ja, en) = annotation_words(kind, text, *fact_id);
            (
                format!("訂正（注記 #{id}）: {ja}"),
                format!("Correction (annotation #{id}): {en}"),
            )
        }
        Wording::Withdrawal { id, kind, fact_id } => {
            if kind == "hide_fact" {
                (
                    format!(
                        "訂正: 注記 #{id} を取り下げ、情報{}を再表示",
                        fact_ja(*fact_id)
                    ),
                    format!(
                        "Correction: annotation #{id} withdrawn; value{} shown again",
                        fact_en(*fact_id)
                    ),
                )
            } else {
                (
                    format!("訂正: 注記 #{id} を取り下げ"),
                    format!("Correction: annotation #{id} withdrawn"),
                )
            }
        }
        Wording::Judgement { verdict } => {
            let (ja, en) = verdict_words(verdict, &other_name, merged);
            (
                format!("訂正（人による判断）: {ja}"),
                format!("Correction (human judgement): {en}"),
            )
        }
    };
    let date = n.at.date();
    (
        format!("{what_ja} 理由: {}（{}、{date}）", n.reason, n.who),
        format!("{what_en}. Reason: {} ({}, {date})", n.reason, n.who),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, d)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn events_follow_redirects_subjects_and_dates() {
        let mut view = CurationView::default();
        view.redirects.insert("F000009".into(), "F000001".into());
        view.notes.push(Note {
            target: Target::Entity("F000009".into()),
            other: Some(Target::Entity("F000002".into())),
            at: at(5),
            who: "yamada".into(),
            reason: "別の診療所".into(),
            wording: Wording::Correction {
                id: "R-000001".into(),
                kind: CorrectionKind::WrongLink,
                outcome: Outcome::Judgement("different".into()),
                text: String::new(),
                fact_id: None,
            },
        });
        view.notes.push(Note {
            target: Target::Subject("facility:x".into()),
            other: Some(Target::Subject("facility:y".into())),
            at: at(9),
            who: "sato".into(),
            reason: "登記簿で確認".into(),
            wording: Wording::Judgement {
                verdict: "successor".into(),
            },
        });
        let entity_of: HashMap<String, EntityId> = [
            ("facility:x".to_owned(), EntityId::from("F000001")),
            ("facility:y".to_owned(), EntityId::from("F000003")),
        ]
        .into();
        let name_of = |id: &str| Some(("facility".to_owned(), format!("名{id}")));
        let events = view.events_for("F000001", &entity_of, &name_of);
        assert_eq!(events.len(), 2);
        let first = &events[0];
        assert_eq!(first.kind, "correction");
        assert!(first
            .summary_ja
            .starts_with("訂正 R-000001（誤った関連付け）"));
        assert!(first
            .summary_ja
            .contains("理由: 別の診療所（yamada、2026-01-05）"));
        assert!(first.summary_en.contains("Reason: 別の診療所"));
        assert_eq!(
            first.subject.as_ref().map(|s| s.id.as_str()),
            Some("F000002")
        );
        assert!(events[1]
            .summary_ja
            .contains("名F000003（F000003）を後継と判断"));
        // As of a date before the judgement, only the correction is told.
        let early = view.until(at(6));
        assert_eq!(early.events_for("F000001", &entity_of, &name_of).len(), 1);
    }

    #[test]
    fn hidden_facts_leave_the_set() {
        use crate::store::models::FactRow;
        let fact = |id: i64, subject: &str| FactRow {
            id,
            fact_key: format!("k{id}"),
            document_id: 1,
            subject: subject.into(),
            subject_kind: "facility".into(),
            property: "name".into(),
            value: format!("v{id}"),
            observed_on: None,
            first_seen: at(1),
            last_seen: at(1),
            last_changed: at(1),
            first_sha256: "s".into(),
            last_sha256: "s".into(),
            retracted_at: None,
        };
        let mut set = FactSet::new(
            vec![
                fact(1, "facility:a"),
                fact(2, "facility:a"),
                fact(3, "facility:b"),
            ],
            Vec::new(),
            Vec::new(),
        );
        let mut view = CurationView::default();
        view.hidden.insert(2);
        assert_eq!(view.hide_facts(&mut set), 1);
        assert_eq!(
            set.of("facility:a").map(|f| f.id).collect::<Vec<_>>(),
            vec![1]
        );
        assert_eq!(set.of("facility:b").count(), 1);
        assert!(view.is_hidden(2) && !view.is_hidden(1));
    }
}
