//! The synthetic corpus as the sources would state it: facts in documents, shaped like the
//! adapters' output, so resolution, projection and indexing run over it unchanged (the resolve
//! benchmark and `mieru synth` both use this).
//!
//! Per facility `k` (a CPC has `cpc:` subjects instead of `facility:`):
//! - `houjin-bangou`: its corporation with the 法人番号;
//! - a bureau list row (`kouseikyoku`, `list/k`) with the first name, first address, operator
//!   (a mention by name and 法人番号, resolved to the corporation) and manager;
//! - a plan-list row (`e-saisei`, `k`) with the same name and address — and the new address
//!   too, dated, when the facility moved;
//! - when renamed, a change notice (`henkou/k`): new name, former name, address, manager;
//! - one in ten unrenamed facilities closed (`haishi/k`);
//! - its events: plans submitted (e-saisei numbers, then jRCT IDs), a plan discontinued,
//!   inspections and improvement orders (`mhlw-press` actions), the rename, the move, the
//!   closure. Event kinds the projection shows no event for (a plan changed, a new manager, an
//!   improvement report) become further plan submissions, so a facility with `n` events has
//!   about `n + 1` events on its page (the `+ 1` is its first listing).

use std::ops::Range;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use mieru_crawler::provenance::{Fact, Property, SubjectKey};

use super::{Corpus, Event, Facility, Rng, BUREAUS, FINDINGS, GIVEN, MANAGERS, TREATMENTS};
use crate::store::models::FactRow;

/// Synthetic documents live on a reserved host, so they can never be mistaken for (or
/// overwritten by) a crawl of the real sources.
pub const HOST: &str = "synth.mieru.invalid";

/// One synthetic source document and what it states.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthDocument {
    pub source: &'static str,
    pub url: String,
    pub facts: Vec<Fact>,
}

impl SynthDocument {
    /// The document's bytes as archived: its facts as JSON lines (deterministic).
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for f in &self.facts {
            if let Ok(line) = serde_json::to_vec(f) {
                out.extend_from_slice(&line);
                out.push(b'\n');
            }
        }
        out
    }
}

/// Documents of facilities `range` (clamped to the corpus), one per source; every document
/// states the facts of this block of facilities only, so blocks can be generated and loaded
/// one at a time.
impl Corpus {
    pub fn documents(&self, range: Range<usize>) -> Vec<SynthDocument> {
        let range = range.start.min(self.facilities.len())..range.end.min(self.facilities.len());
        let block = range.start;
        let mut docs: Vec<SynthDocument> = [
            ("houjin-bangou", "houjin"),
            ("kouseikyoku", "list"),
            ("kouseikyoku", "henkou"),
            ("kouseikyoku", "haishi"),
            ("e-saisei", "plans"),
            ("mhlw-press", "actions"),
        ]
        .into_iter()
        .map(|(source, what)| SynthDocument {
            source,
            url: format!("https://{HOST}/{source}/{what}/{block:07}"),
            facts: Vec::new(),
        })
        .collect();
        for k in range {
            if let Some(f) = self.facilities.get(k) {
                let events = self.events.get(f.events.clone()).unwrap_or_default();
                FacilityFacts::new(k, f, events).emit(&mut docs);
            }
        }
        docs.retain(|d| !d.facts.is_empty());
        docs
    }

    /// Every document of the corpus, in blocks of `block` facilities.
    pub fn all_documents(&self, block: usize) -> Vec<SynthDocument> {
        let block = block.max(1);
        (0..self.facilities.len())
            .step_by(block)
            .flat_map(|start| self.documents(start..start + block))
            .collect()
    }

    /// The facts as stored rows (IDs in order, one document ID per synthetic document), for
    /// running resolution without a database.
    pub fn fact_rows(&self, block: usize) -> Vec<FactRow> {
        let at = NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default();
        let mut rows = Vec::new();
        for (doc_id, doc) in self.all_documents(block).iter().enumerate() {
            for fact in &doc.facts {
                let id = i64::try_from(rows.len()).unwrap_or(i64::MAX);
                rows.push(fact_row(id, doc_id as i64 + 1, fact, at));
            }
        }
        rows
    }
}

fn fact_row(id: i64, document_id: i64, fact: &Fact, at: NaiveDateTime) -> FactRow {
    FactRow {
        id,
        fact_key: format!("k{id}"),
        document_id,
        subject: fact.subject.as_str().to_owned(),
        subject_kind: fact
            .subject
            .kind()
            .map_or("unknown", |k| k.as_str())
            .to_owned(),
        property: fact.property.as_str().to_owned(),
        value: fact.value.clone(),
        observed_on: fact.observed_on,
        first_seen: at,
        last_seen: at,
        last_changed: at,
        first_sha256: String::new(),
        last_sha256: String::new(),
        retracted_at: None,
    }
}

/// Indexes into the document list of [`Corpus::documents`].
const HOUJIN: usize = 0;
const LIST: usize = 1;
const HENKOU: usize = 2;
const HAISHI: usize = 3;
const PLANS: usize = 4;
const ACTIONS: usize = 5;

struct FacilityFacts<'a> {
    k: usize,
    f: &'a Facility,
    events: &'a [Event],
    kind: &'static str,
    /// When it was first listed: before any of its events.
    listed: NaiveDate,
    list_row: SubjectKey,
    plan_row: SubjectKey,
    rng: Rng,
}

fn key(s: String) -> SubjectKey {
    SubjectKey(s)
}

impl<'a> FacilityFacts<'a> {
    fn new(k: usize, f: &'a Facility, events: &'a [Event]) -> Self {
        let first_event = events
            .iter()
            .map(|e| e.date)
            .min()
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(2020, 4, 1).unwrap_or_default());
        Self {
            k,
            f,
            events,
            kind: f.kind,
            listed: first_event - Duration::days(30),
            list_row: key(format!("{}:kouseikyoku:list/{k}", f.kind)),
            plan_row: key(format!("{}:e-saisei:{k}", f.kind)),
            // Its own stream: the facts never disturb the corpus' draws.
            rng: Rng::new(0x5EED_FAC7 ^ k as u64),
        }
    }

    fn add(docs: &mut [SynthDocument], doc: usize, fact: Fact) {
        if let Some(d) = docs.get_mut(doc) {
            d.facts.push(fact);
        }
    }

    fn emit(mut self, docs: &mut [SynthDocument]) {
        let f = self.f;
        let k = self.k;
        let on = Some(self.listed);
        let first_name = f.former_names.first().unwrap_or(&f.name).clone();
        // Addresses are listed current first: the first address is the last one.
        let first_address = f.addresses.last().cloned().unwrap_or_default();

        let org = key(format!("organization:houjin-bangou:{}", f.corporate_number));
        let fact =
            |s: &SubjectKey, p: Property, v: &str, d: Option<NaiveDate>| Fact::new(s, p, v).on(d);
        Self::add(
            docs,
            HOUJIN,
            fact(&org, Property::CorporateNumber, &f.corporate_number, on),
        );
        Self::add(docs, HOUJIN, fact(&org, Property::Name, &f.corporation, on));

        let operator = key(format!("organization:kouseikyoku:{k}-op"));
        let manager = key(format!("person:kouseikyoku:{k}-m"));
        let manager_name = format!("{} {}", self.rng.pick(MANAGERS), self.rng.pick(GIVEN));
        let list = self.list_row.clone();
        Self::add(docs, LIST, fact(&list, Property::Name, &first_name, on));
        Self::add(
            docs,
            LIST,
            fact(&list, Property::Address, &first_address, on),
        );
        Self::add(
            docs,
            LIST,
            fact(&list, Property::Operator, operator.as_str(), on),
        );
        Self::add(
            docs,
            LIST,
            fact(&list, Property::Manager, manager.as_str(), on),
        );
        if let Some(number) = &f.facility_number {
            Self::add(
                docs,
                LIST,
                fact(&list, Property::FacilityNumber, number, on),
            );
        }
        // The list prints the operator's 法人番号 too (as e-再生医療's lists do): corporation
        // names repeat across the country, so a name alone would not say which one it is.
        Self::add(
            docs,
            LIST,
            fact(&operator, Property::Name, &f.corporation, on),
        );
        Self::add(
            docs,
            LIST,
            fact(
                &operator,
                Property::CorporateNumber,
                &f.corporate_number,
                on,
            ),
        );
        Self::add(
            docs,
            LIST,
            fact(&manager, Property::Name, &manager_name, on),
        );

        let row = self.plan_row.clone();
        Self::add(docs, PLANS, fact(&row, Property::Name, &first_name, on));
        Self::add(
            docs,
            PLANS,
            fact(&row, Property::Address, &first_address, on),
        );

        self.emit_events(docs, &manager);
    }

    /// The facility's dated events: renames, moves, a closure, actions and plans.
    fn emit_events(&mut self, docs: &mut [SynthDocument], manager: &SubjectKey) {
        let f = self.f;
        let k = self.k;
        let first_name = f.former_names.first().unwrap_or(&f.name).clone();
        let current_address = f.addresses.first().cloned().unwrap_or_default();
        let row = self.plan_row.clone();
        let fact =
            |s: &SubjectKey, p: Property, v: &str, d: Option<NaiveDate>| Fact::new(s, p, v).on(d);
        let closes = k % 10 == 1 && f.former_names.is_empty();
        let mut plans_used = 0usize;
        let mut last_plan: Option<SubjectKey> = None;
        let mut renamed = false;
        let mut moved = false;
        let mut closed = false;
        for (e, event) in self.events.iter().enumerate() {
            let d = Some(event.date);
            match event.kind {
                "renamed" if !renamed && !f.former_names.is_empty() => {
                    renamed = true;
                    let h = key(format!("{}:kouseikyoku:henkou/{k}", self.kind));
                    Self::add(docs, HENKOU, fact(&h, Property::Name, &f.name, d));
                    Self::add(docs, HENKOU, fact(&h, Property::FormerName, &first_name, d));
                    Self::add(
                        docs,
                        HENKOU,
                        fact(&h, Property::Address, &current_address, d),
                    );
                    Self::add(
                        docs,
                        HENKOU,
                        fact(&h, Property::Manager, manager.as_str(), d),
                    );
                }
                "relocated" if !moved && f.addresses.len() > 1 => {
                    moved = true;
                    // The plan list states the new address from the day of the move.
                    let when = Some(event.date.max(self.listed + Duration::days(1)));
                    Self::add(
                        docs,
                        PLANS,
                        fact(&row, Property::Address, &current_address, when),
                    );
                }
                "closure_filed" if !closed && closes => {
                    closed = true;
                    let c = key(format!("{}:kouseikyoku:haishi/{k}", self.kind));
                    let date = event.date.format("%Y-%m-%d").to_string();
                    Self::add(docs, HAISHI, fact(&c, Property::Name, &f.name, d));
                    Self::add(
                        docs,
                        HAISHI,
                        fact(&c, Property::Address, &current_address, d),
                    );
                    Self::add(docs, HAISHI, fact(&c, Property::ClosedOn, &date, d));
                }
                "inspection" | "action_issued" => self.action(docs, e, event),
                "plan_discontinued" if last_plan.is_some() => {
                    if let Some(plan) = last_plan.take() {
                        let date = event.date.format("%Y-%m-%d").to_string();
                        Self::add(docs, PLANS, fact(&plan, Property::DiscontinuedOn, &date, d));
                    }
                }
                _ => {
                    let plan = self.plan(docs, e, plans_used, event);
                    plans_used += 1;
                    last_plan = Some(plan);
                }
            }
        }
    }

    /// A plan submitted on the event's date: the facility's own plan numbers first, then
    /// jRCT IDs (unique per event).
    fn plan(
        &mut self,
        docs: &mut [SynthDocument],
        e: usize,
        used: usize,
        event: &Event,
    ) -> SubjectKey {
        let number = match self.f.plan_numbers.get(used) {
            Some(n) => n.clone(),
            None => format!("jRCTb{:09}", self.f.events.start + e),
        };
        let plan = key(format!("plan:e-saisei:{number}"));
        let d = Some(event.date);
        let date = event.date.format("%Y-%m-%d").to_string();
        let title = self.rng.pick(TREATMENTS);
        let risk = ["1", "2", "3"]
            .get(self.rng.below(3))
            .copied()
            .unwrap_or("3");
        for (p, v) in [
            (Property::PlanNumber, number.as_str()),
            (Property::Title, title),
            (Property::RiskClass, risk),
            (Property::Purpose, "treatment"),
            (Property::Status, "提供中"),
            (Property::Provider, self.plan_row.as_str()),
            (Property::SubmittedOn, date.as_str()),
        ] {
            Self::add(docs, PLANS, Fact::new(&plan, p, v).on(d));
        }
        plan
    }

    /// An inspection or an improvement order naming the facility.
    fn action(&mut self, docs: &mut [SynthDocument], e: usize, event: &Event) {
        let action = key(format!("action:mhlw-press:synth-{}-{e}", self.k));
        let d = Some(event.date);
        let date = event.date.format("%Y-%m-%d").to_string();
        let (kind, article, headline) = if event.kind == "inspection" {
            ("inspection", "法第24条第1項", "立入検査の結果について")
        } else {
            (
                "improvement_order",
                "法第23条第1項",
                "再生医療等の安全性の確保等に関する法律に基づく改善命令について",
            )
        };
        let bureau = self.rng.pick(BUREAUS);
        let finding = self.rng.pick(FINDINGS);
        for (p, v) in [
            (Property::ActionType, kind),
            (Property::IssuedOn, date.as_str()),
            (Property::Authority, bureau),
            (Property::Article, article),
            (Property::Headline, headline),
            (Property::Target, self.list_row.as_str()),
            (Property::Finding, finding),
        ] {
            Self::add(docs, ACTIONS, Fact::new(&action, p, v).on(d));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mieru_crawler::provenance::SubjectKind;

    #[test]
    fn documents_are_deterministic_and_well_formed() {
        let c = Corpus::generate(4, 200, 10);
        let docs = c.all_documents(50);
        assert_eq!(docs, c.all_documents(50));
        assert!(docs.len() >= 4 * 5, "{}", docs.len());
        let mut urls = std::collections::HashSet::new();
        for d in &docs {
            assert!(urls.insert(d.url.clone()), "{} twice", d.url);
            assert!(d.url.starts_with(&format!("https://{HOST}/")));
            assert!(!d.bytes().is_empty());
            for f in &d.facts {
                assert!(f.subject.kind().is_some(), "{}", f.subject);
                if f.property.is_reference() {
                    assert!(SubjectKind::parse(f.value.split(':').next().unwrap()).is_some());
                }
                if f.property.as_str().ends_with("_on") {
                    assert!(NaiveDate::parse_from_str(&f.value, "%Y-%m-%d").is_ok());
                }
            }
        }
    }

    #[test]
    fn every_event_kind_is_stated() {
        let c = Corpus::generate(4, 300, 10);
        let facts: Vec<Fact> = c
            .all_documents(100)
            .into_iter()
            .flat_map(|d| d.facts)
            .collect();
        let count = |p: Property| facts.iter().filter(|f| f.property == p).count();
        // Ten events each: an inspection and an order per facility, plans for most of the rest.
        assert_eq!(count(Property::IssuedOn), 600);
        assert!(
            count(Property::SubmittedOn) >= 300 * 5,
            "{}",
            count(Property::SubmittedOn)
        );
        assert_eq!(count(Property::DiscontinuedOn), 300);
        let renamed = c
            .facilities
            .iter()
            .filter(|f| !f.former_names.is_empty())
            .count();
        assert_eq!(count(Property::FormerName), renamed);
        assert!(count(Property::ClosedOn) > 0);
        // Plan numbers are unique across the corpus.
        let mut numbers: Vec<&str> = facts
            .iter()
            .filter(|f| f.property == Property::PlanNumber)
            .map(|f| f.value.as_str())
            .collect();
        let n = numbers.len();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), n);
    }
}
