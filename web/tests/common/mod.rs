//! A fictional in-memory registry for the web tests. Every clinic, corporation and person here
//! is invented.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mieru_web::admin::{IngestRequest, IngestResult};
use mieru_web::curation::{
    Annotation, AuditEntry, AuditFilter, Correction, Curated, CuratorInfo, Decision, FactInfo,
    IssuedToken, JudgementRecorded, JudgementRequest, NewAnnotation, NewCorrection, NewCurator,
};
use mieru_web::model::*;
use mieru_web::registry::{AdminRegistry, CurationRegistry, Registry, RegistryError};
use mieru_web::{AppState, SiteConfig};
use sha2::{Digest, Sha256};

pub const MARKUP_NAME: &str = "<script>alert(1)</script>細胞加工センター";
pub const HTML_DOC: &[u8] = b"<html><body><script>alert(1)</script>archived</body></html>";
pub const PDF_DOC: &[u8] = b"%PDF-1.4\n% fictional order\n%%EOF\n";

pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(y: i32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, 3, 0, 0).unwrap()
}

fn src(url: &str, bytes: &[u8]) -> SourceRef {
    SourceRef {
        source: "mhlw-press".into(),
        url: url.into(),
        sha256: sha(bytes),
        fetched_at: t(2025, 3, 6),
    }
}

fn eref(id: &str, entity: &str, name: &str, role: Option<&str>) -> EntityRef {
    EntityRef {
        id: id.into(),
        entity: entity.into(),
        name: name.into(),
        role: role.map(Into::into),
    }
}

fn value(v: &str, since: Option<NaiveDate>, until: Option<NaiveDate>, current: bool) -> DatedValue {
    DatedValue {
        value: v.into(),
        since,
        until,
        first_seen: t(2024, 1, 10),
        last_seen: t(2025, 3, 6),
        current,
        sources: vec![src(
            "https://www.mhlw.go.jp/stf/newpage_99901.html",
            HTML_DOC,
        )],
    }
}

pub fn action_a1() -> ActionDetail {
    ActionDetail {
        summary: ActionSummary {
            id: "A001".into(),
            action_type: "emergency_order".into(),
            issued_on: Some(d(2025, 3, 5)),
            authority: Some("架空厚生局".into()),
            articles: vec!["法第22条".into(), "法第47条".into()],
            headline: None,
            targets: vec![eref(
                "F001",
                "facility",
                "みらい再生クリニック",
                Some("target"),
            )],
            status: "in_force".into(),
            status_evidence: Some(StatusEvidence {
                reason_ja: "公表が継続しており、解除・後続の処分は確認されていません".into(),
                reason_en: "Still published; no lifting or later order found".into(),
                sources: vec![src(
                    "https://www.mhlw.go.jp/stf/newpage_99901.html",
                    HTML_DOC,
                )],
                last_checked: Some(t(2025, 3, 6)),
                removed_at: None,
                decided_by: None,
                period_until: None,
            }),
        },
        findings: vec!["提供計画を提出せずに再生医療等を提供（法第4条第1項違反）".into()],
        measures: vec!["再生医療等の提供の一時停止".into()],
        plans: vec![eref("02C1910156", "plan", "架空脂肪由来幹細胞治療", None)],
        sources: vec![src(
            "https://www.mhlw.go.jp/stf/newpage_99901.html",
            HTML_DOC,
        )],
    }
}

pub fn action_a2() -> ActionDetail {
    ActionDetail {
        summary: ActionSummary {
            id: "A002".into(),
            action_type: "improvement_order".into(),
            issued_on: Some(d(2024, 10, 24)),
            authority: Some("厚生労働省".into()),
            articles: vec!["法第48条第2項".into()],
            headline: Some("架空細胞加工センターに対する改善命令 & <b>指導</b>".into()),
            targets: vec![eref("F003", "cpc", MARKUP_NAME, Some("target"))],
            status: "lifted".into(),
            status_evidence: None,
        },
        findings: vec!["製造記録の不備".into()],
        measures: vec!["手順書の改訂".into()],
        plans: vec![],
        sources: vec![src(
            "https://www.mhlw.go.jp/stf/newpage_99902.html",
            PDF_DOC,
        )],
    }
}

fn facility_f1() -> FacilityDetail {
    FacilityDetail {
        id: "F001".into(),
        kind: "facility".into(),
        name: "みらい再生クリニック".into(),
        names: vec![
            value(
                "さくら再生クリニック",
                Some(d(2019, 4, 1)),
                Some(d(2025, 3, 10)),
                false,
            ),
            value("みらい再生クリニック", Some(d(2025, 3, 10)), None, true),
        ],
        addresses: vec![value("東京都架空区星見町1-2-3", None, None, true)],
        prefecture: Some("東京都".into()),
        facility_numbers: vec![],
        status: "closed".into(),
        operators: vec![eref(
            "O001",
            "organization",
            "医療法人社団架空会",
            Some("operator"),
        )],
        managers: vec![value("山田 架空太郎", None, None, true)],
        plans: vec![PlanSummary {
            number: "02C1910156".into(),
            title: Some("架空脂肪由来幹細胞治療".into()),
            risk_class: Some("2".into()),
            purpose: Some("treatment".into()),
            status: Some("discontinued".into()),
            submitted_on: Some(d(2019, 10, 1)),
        }],
        actions: vec![action_a1().summary],
        events: vec![
            Event {
                date: Some(d(2025, 3, 10)),
                kind: "renamed".into(),
                summary_ja: "名称を「みらい再生クリニック」に変更".into(),
                summary_en: "Renamed to Mirai Regenerative Clinic".into(),
                subject: None,
                sources: vec![src(
                    "https://www.mhlw.go.jp/stf/newpage_99901.html",
                    HTML_DOC,
                )],
            },
            Event {
                date: Some(d(2019, 10, 1)),
                kind: "plan_submitted".into(),
                summary_ja: "第二種計画を提出".into(),
                summary_en: "Submitted a class II plan".into(),
                subject: None,
                sources: vec![],
            },
        ],
        links: vec![Link {
            other: eref("F002", "facility", "あおば幹細胞クリニック", None),
            kind: "possible_successor".into(),
            confidence: 0.62,
            origin: "score".into(),
            evidence: vec![Evidence {
                kind: "address".into(),
                detail: "東京都架空区星見町1-2-3".into(),
                sources: vec![],
            }],
        }],
        sources: vec![
            src("https://www.mhlw.go.jp/stf/newpage_99901.html", HTML_DOC),
            SourceRef {
                source: "mhlw-press".into(),
                url: "javascript:alert(2)".into(),
                sha256: "not-a-hash".into(),
                fetched_at: t(2025, 3, 6),
            },
        ],
        citation: None,
    }
}

fn facility_f2() -> FacilityDetail {
    FacilityDetail {
        id: "F002".into(),
        kind: "facility".into(),
        name: "あおば幹細胞クリニック".into(),
        names: vec![value(
            "あおば幹細胞クリニック",
            Some(d(2025, 4, 1)),
            None,
            true,
        )],
        addresses: vec![value("東京都架空区星見町1-2-3", None, None, true)],
        prefecture: Some("東京都".into()),
        facility_numbers: vec![],
        status: "open".into(),
        operators: vec![],
        managers: vec![],
        plans: vec![],
        actions: vec![],
        events: vec![],
        links: vec![Link {
            other: eref("F001", "facility", "みらい再生クリニック", None),
            kind: "possible_predecessor".into(),
            confidence: 0.62,
            origin: "score".into(),
            evidence: vec![],
        }],
        sources: vec![],
        citation: None,
    }
}

fn facility_f3() -> FacilityDetail {
    FacilityDetail {
        id: "F003".into(),
        kind: "cpc".into(),
        name: MARKUP_NAME.into(),
        names: vec![value(MARKUP_NAME, None, None, true)],
        addresses: vec![],
        prefecture: Some("大阪府".into()),
        facility_numbers: vec!["FC5990001".into()],
        status: "open".into(),
        operators: vec![],
        managers: vec![],
        plans: vec![],
        actions: vec![action_a2().summary],
        events: vec![],
        links: vec![],
        sources: vec![],
        citation: None,
    }
}

fn organization_o1() -> OrganizationDetail {
    OrganizationDetail {
        id: "O001".into(),
        corporate_number: Some("1234567890123".into()),
        name: "医療法人社団架空会".into(),
        names: vec![value("医療法人社団架空会", None, None, true)],
        addresses: vec![],
        status: "open".into(),
        facilities: vec![eref("F001", "facility", "みらい再生クリニック", None)],
        actions: vec![action_a1().summary],
        events: vec![],
        links: vec![],
        sources: vec![],
        citation: None,
    }
}

#[derive(Default)]
pub struct FakeRegistry {
    pub down: AtomicBool,
}

impl FakeRegistry {
    fn check(&self) -> Result<(), RegistryError> {
        if self.down.load(Ordering::SeqCst) {
            Err(RegistryError::Unavailable("fake storage is down".into()))
        } else {
            Ok(())
        }
    }

    fn facilities() -> Vec<FacilityDetail> {
        vec![facility_f1(), facility_f2(), facility_f3()]
    }
}

impl Registry for FakeRegistry {
    fn search(&self, request: &SearchRequest) -> Result<SearchResults, RegistryError> {
        self.check()?;
        let hits: Vec<SearchHit> = Self::facilities()
            .into_iter()
            .filter(|f| f.names.iter().any(|n| n.value.contains(&request.q)))
            .filter(|f| request.prefecture.is_none() || f.prefecture == request.prefecture)
            .filter(|f| request.kind.as_deref().is_none_or(|k| k == f.kind))
            .map(|f| SearchHit {
                former_names: f
                    .names
                    .iter()
                    .filter(|n| !n.current)
                    .map(|n| n.value.clone())
                    .collect(),
                id: f.id,
                entity: f.kind,
                name: f.name,
                prefecture: f.prefecture,
                address: f.addresses.first().map(|a| a.value.clone()),
                action_count: u32::try_from(f.actions.len()).unwrap(),
                matched: Some("name".into()),
                score: 1.0,
            })
            .collect();
        let mut pref: Vec<FacetCount> = Vec::new();
        for h in &hits {
            let p = h.prefecture.clone().unwrap_or_default();
            match pref.iter_mut().find(|f| f.value == p) {
                Some(f) => f.count += 1,
                None => pref.push(FacetCount { value: p, count: 1 }),
            }
        }
        let total = hits.len() as u64;
        Ok(SearchResults {
            query: request.q.clone(),
            total,
            hits: hits
                .into_iter()
                .skip(request.offset)
                .take(request.limit)
                .collect(),
            facets: Facets {
                prefecture: pref,
                kind: vec![FacetCount {
                    value: "facility".into(),
                    count: total,
                }],
                action_type: vec![],
                year: vec![FacetCount {
                    value: "2025".into(),
                    count: 1,
                }],
            },
        })
    }

    fn facility(
        &self,
        id: &str,
        _at: PointInTime,
    ) -> Result<Lookup<FacilityDetail>, RegistryError> {
        self.check()?;
        if id == "F900" {
            return Ok(Lookup::MovedTo("F001".into()));
        }
        Ok(Self::facilities()
            .into_iter()
            .find(|f| f.id == id)
            .map_or(Lookup::NotFound, Lookup::Found))
    }

    fn organization(
        &self,
        id: &str,
        _at: PointInTime,
    ) -> Result<Lookup<OrganizationDetail>, RegistryError> {
        self.check()?;
        Ok(match id {
            "O001" => Lookup::Found(organization_o1()),
            "O900" => Lookup::MovedTo("O001".into()),
            _ => Lookup::NotFound,
        })
    }

    fn actions(&self, filter: &ActionFilter) -> Result<Page<ActionSummary>, RegistryError> {
        self.check()?;
        let all = vec![action_a1().summary, action_a2().summary];
        let start = match filter.cursor.as_deref() {
            None => 0,
            Some("c1") => 1,
            Some(_) => return Err(RegistryError::BadRequest("unknown cursor".into())),
        };
        let items: Vec<ActionSummary> = all
            .into_iter()
            .filter(|a| {
                filter
                    .action_type
                    .as_deref()
                    .is_none_or(|t| t == a.action_type)
            })
            .skip(start)
            .take(filter.limit)
            .collect();
        let next_cursor = (start == 0 && filter.limit == 1).then(|| "c1".to_owned());
        Ok(Page { items, next_cursor })
    }

    fn action(&self, id: &str) -> Result<Option<ActionDetail>, RegistryError> {
        self.check()?;
        Ok([action_a1(), action_a2()]
            .into_iter()
            .find(|a| a.summary.id == id))
    }

    fn plan(&self, number: &str) -> Result<Option<PlanDetail>, RegistryError> {
        self.check()?;
        if number != "02C1910156" {
            return Ok(None);
        }
        Ok(Some(PlanDetail {
            summary: facility_f1().plans.remove(0),
            provider: Some(eref(
                "F001",
                "facility",
                "みらい再生クリニック",
                Some("provider"),
            )),
            committee: Some(eref("NA8990001", "committee", "架空再生医療等委員会", None)),
            cpcs: vec![eref("F003", "cpc", MARKUP_NAME, None)],
            actions: vec![action_a1().summary],
            events: vec![],
            sources: vec![],
        }))
    }

    fn document(&self, sha256: &str) -> Result<Option<ArchivedDocument>, RegistryError> {
        self.check()?;
        let docs = [
            (HTML_DOC, Some("text/html"), Some("Shift_JIS")),
            (PDF_DOC, Some("application/pdf"), None),
        ];
        Ok(docs
            .into_iter()
            .find(|(b, _, _)| sha(b) == sha256)
            .map(|(b, ct, enc)| ArchivedDocument {
                info: DocumentInfo {
                    sha256: sha(b),
                    source: "mhlw-press".into(),
                    url: "https://www.mhlw.go.jp/stf/newpage_99901.html".into(),
                    fetched_at: t(2025, 3, 6),
                    content_type: ct.map(Into::into),
                    encoding: enc.map(Into::into),
                    size: b.len() as u64,
                    removed_at: None,
                },
                bytes: b.to_vec(),
            }))
    }

    fn health(&self) -> Result<Health, RegistryError> {
        self.check()?;
        Ok(Health {
            status: "ok".into(),
            facilities: 3,
            actions: 2,
            documents: 2,
        })
    }

    fn versions(&self, limit: usize) -> Result<Vec<DataVersion>, RegistryError> {
        self.check()?;
        let all = [2_i64, 1].map(|id| DataVersion {
            id,
            created_at: Utc
                .with_ymd_and_hms(2026, 11, 24 + id as u32, 3, 0, 0)
                .unwrap(),
            facts: 100 * id as u64,
            entities: 10 * id as u64,
            note: format!("resolve {id}"),
        });
        Ok(all.into_iter().take(limit).collect())
    }

    fn facilities(&self, filter: &FacilityFilter) -> Result<Page<FacilitySummary>, RegistryError> {
        self.check()?;
        // The cursor is the last ID itself here; the real registry hex-encodes it.
        if let Some(c) = &filter.cursor {
            if !c.starts_with('F') {
                return Err(RegistryError::BadRequest("unknown cursor".into()));
            }
        }
        let matching: Vec<FacilitySummary> = Self::facilities()
            .into_iter()
            .filter(|f| filter.cursor.as_deref().is_none_or(|c| f.id.as_str() > c))
            .filter(|f| filter.kind.as_deref().is_none_or(|k| k == f.kind))
            .filter(|f| filter.prefecture.is_none() || f.prefecture == filter.prefecture)
            .filter(|f| filter.has_actions.is_none_or(|h| h != f.actions.is_empty()))
            .map(|f| FacilitySummary {
                former_names: f
                    .names
                    .iter()
                    .filter(|n| !n.current)
                    .map(|n| n.value.clone())
                    .collect(),
                address: f.addresses.first().map(|a| a.value.clone()),
                action_count: u32::try_from(f.actions.len()).unwrap(),
                plan_count: u32::try_from(f.plans.len()).unwrap(),
                latest_action_on: f.actions.iter().filter_map(|a| a.issued_on).max(),
                source_count: u32::try_from(f.sources.len()).unwrap(),
                id: f.id,
                kind: f.kind,
                name: f.name,
                prefecture: f.prefecture,
                status: f.status,
                operators: f.operators,
            })
            .collect();
        let more = matching.len() > filter.limit;
        let items: Vec<FacilitySummary> = matching.into_iter().take(filter.limit).collect();
        let next_cursor = if more {
            items.last().map(|f| f.id.clone())
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    fn changes(&self, request: &ChangesRequest) -> Result<ChangesPage, RegistryError> {
        self.check()?;
        let renamed = t(2025, 3, 10);
        let items = if request.since <= renamed && request.cursor.is_none() {
            vec![Change {
                entity: eref("F001", "facility", "みらい再生クリニック", None),
                change: "changed".into(),
                at: renamed,
                properties: vec![PropertyChange {
                    property: "name".into(),
                    added: 1,
                    changed: 0,
                    retracted: 1,
                }],
                documents_removed: vec![src(
                    "https://www.mhlw.go.jp/stf/newpage_99901.html",
                    HTML_DOC,
                )],
            }]
        } else {
            vec![]
        };
        Ok(ChangesPage {
            since: request.since,
            until: t(2026, 11, 25),
            items,
            next_cursor: None,
        })
    }

    fn export_file(&self, name: &str) -> Result<Option<ExportFile>, RegistryError> {
        self.check()?;
        let bytes = match name {
            "facilities.jsonl" => Self::facilities()
                .iter()
                .map(|f| serde_json::to_string(f).unwrap() + "\n")
                .collect::<String>()
                .into_bytes(),
            "actions.csv" => "id,action_type\nA001,emergency_order\nA002,improvement_order\n"
                .as_bytes()
                .to_vec(),
            _ => return Ok(None),
        };
        let content_type = if name.ends_with(".csv") {
            "text/csv; charset=utf-8"
        } else {
            "application/x-ndjson; charset=utf-8"
        };
        Ok(Some(ExportFile {
            name: name.to_owned(),
            content_type: content_type.into(),
            bytes,
        }))
    }

    fn watch_feed(
        &self,
        scope: &mieru_web::watch::WatchScope,
    ) -> Result<Lookup<mieru_web::watch::WatchFeed>, RegistryError> {
        use mieru_web::watch::{WatchEntry, WatchFeed, WatchScope};
        self.check()?;
        let entry = |about: EntityRef, title: &str| WatchEntry {
            key: format!("{}/new_action/2025-03-05/A001.1", about.id),
            kind: "new_action".into(),
            date: Some(d(2025, 3, 5)),
            seen_at: t(2025, 3, 6),
            title_ja: title.into(),
            title_en: title.into(),
            summary_ja: "緊急命令 & <b>指導</b>".into(),
            summary_en: "Emergency order".into(),
            about,
            via: None,
            link: Some(eref("A001", "action", "", None)),
            evidence: action_a1().sources,
        };
        let feed = |subject: EntityRef| WatchFeed {
            title: subject.name.clone(),
            entries: vec![entry(subject.clone(), &subject.name)],
            subject: Some(subject),
            merged_from: None,
            successors: vec![],
        };
        Ok(match scope {
            WatchScope::Facility(id) if id == "F900" => Lookup::MovedTo("F001".into()),
            WatchScope::Facility(id) => {
                match Self::facilities().into_iter().find(|f| &f.id == id) {
                    Some(f) => Lookup::Found(feed(eref(&f.id, &f.kind, &f.name, None))),
                    None => Lookup::NotFound,
                }
            }
            WatchScope::Organization(id) if id == "O900" => Lookup::MovedTo("O001".into()),
            WatchScope::Organization(id) if id == "O001" => {
                let o = organization_o1();
                Lookup::Found(feed(eref(&o.id, "organization", &o.name, None)))
            }
            WatchScope::Organization(_) => Lookup::NotFound,
            WatchScope::Prefecture(name) => Lookup::Found(WatchFeed {
                subject: None,
                title: name.clone(),
                merged_from: None,
                successors: vec![],
                entries: vec![],
            }),
        })
    }

    fn sources(&self) -> Result<SourcesReport, RegistryError> {
        self.check()?;
        Ok(SourcesReport {
            sources: vec![SourceHealth {
                source: "mhlw-press".into(),
                description_ja: "厚生労働省の報道発表資料".into(),
                description_en: "MHLW press releases".into(),
                hosts: vec!["www.mhlw.go.jp".into()],
                enabled_by_default: true,
                entry_points: vec![EntryPoint {
                    url: "https://www.mhlw.go.jp/stf/houdou/houdou_list_{YYYYMM}.html".into(),
                    verified: "seen".into(),
                    note_ja: "月別一覧".into(),
                    note_en: "Monthly lists".into(),
                }],
                terms: vec![SourceTerm {
                    url: Some("javascript:alert(2)".into()),
                    ja: "利用条件".into(),
                    en: "Terms".into(),
                }],
                status: "unavailable".into(),
                last_success: Some(t(2025, 3, 6)),
                last_attempt: Some(t(2025, 3, 7)),
                last_attempt_failed: true,
                last_note: Some("incomplete crawl: nothing marked removed".into()),
                documents_live: 2,
                documents_removed: 0,
                facts_live: 10,
                facts_retracted: 1,
                problems: vec![DocumentProblem {
                    url: "javascript:alert(1)".into(),
                    kind: "parse_error".into(),
                    detail: MARKUP_NAME.into(),
                    at: t(2025, 3, 6),
                    sha256: Some(sha(HTML_DOC)),
                }],
                known_gaps: vec![KnownGap {
                    ja: "添付資料は読みません".into(),
                    en: "Attachments are not read".into(),
                }],
            }],
            checked_at: t(2025, 3, 8),
        })
    }
}

/// Reports are listed and read, tokens authenticated; every curator's write is unavailable.
impl CurationRegistry for FakeRegistry {
    fn authenticate(
        &self,
        token: &str,
    ) -> Result<Option<mieru_web::curation::CuratorInfo>, RegistryError> {
        self.check()?;
        use mieru_web::curation::{CuratorInfo, Role};
        Ok(match token {
            CURATOR_TOKEN => Some(CuratorInfo {
                name: "fictional-curator".into(),
                role: Role::Curator,
            }),
            ADMIN_TOKEN => Some(CuratorInfo {
                name: "fictional-admin".into(),
                role: Role::Admin,
            }),
            _ => None,
        })
    }

    fn corrections(
        &self,
        filter: &mieru_web::curation::CorrectionFilter,
    ) -> Result<Page<mieru_web::curation::Correction>, RegistryError> {
        self.check()?;
        if filter.cursor.is_some() {
            return Err(RegistryError::BadRequest("invalid cursor".into()));
        }
        let items = vec![report_r1()]
            .into_iter()
            .filter(|c| filter.status.as_ref().is_none_or(|s| *s == c.status))
            .take(filter.limit)
            .collect();
        Ok(Page {
            items,
            next_cursor: None,
        })
    }

    fn correction(
        &self,
        id: &str,
    ) -> Result<Option<mieru_web::curation::Correction>, RegistryError> {
        self.check()?;
        Ok((id == "R-000001").then(report_r1))
    }

    fn submit_correction(&self, _: &NewCorrection) -> Result<Curated<Correction>, RegistryError> {
        Err(no_curation())
    }

    fn decide_correction(
        &self,
        _: &str,
        _: &Decision,
        _: &CuratorInfo,
    ) -> Result<Curated<Correction>, RegistryError> {
        Err(no_curation())
    }

    fn judge(
        &self,
        _: &JudgementRequest,
        _: &CuratorInfo,
    ) -> Result<Curated<JudgementRecorded>, RegistryError> {
        Err(no_curation())
    }

    fn annotate(
        &self,
        _: &NewAnnotation,
        _: &CuratorInfo,
    ) -> Result<Curated<Annotation>, RegistryError> {
        Err(no_curation())
    }

    fn withdraw_annotation(
        &self,
        _: i64,
        _: &str,
        _: &CuratorInfo,
    ) -> Result<Curated<Annotation>, RegistryError> {
        Err(no_curation())
    }

    fn entity_facts(&self, _: &str) -> Result<Option<Vec<FactInfo>>, RegistryError> {
        Err(no_curation())
    }

    fn audit_log(&self, _: &AuditFilter) -> Result<Page<AuditEntry>, RegistryError> {
        Err(no_curation())
    }
}

/// The fake cannot administer anything.
impl AdminRegistry for FakeRegistry {
    fn add_curator(
        &self,
        _: &NewCurator,
        _: &CuratorInfo,
    ) -> Result<Curated<IssuedToken>, RegistryError> {
        Err(no_curation())
    }

    fn revoke_curator(
        &self,
        _: &str,
        _: &str,
        _: &CuratorInfo,
    ) -> Result<Curated<()>, RegistryError> {
        Err(no_curation())
    }

    fn ingest_document(
        &self,
        _: &IngestRequest,
        _: &[u8],
        _: &CuratorInfo,
    ) -> Result<IngestResult, RegistryError> {
        Err(RegistryError::Unavailable(
            "this registry cannot ingest documents".into(),
        ))
    }
}

fn no_curation() -> RegistryError {
    RegistryError::Unavailable("this registry has no curation".into())
}

/// Bearer tokens the fake registry knows (fictional).
pub const CURATOR_TOKEN: &str = "mieru_fakecurator";
pub const ADMIN_TOKEN: &str = "mieru_fakeadmin";

/// A fictional open correction report.
pub fn report_r1() -> mieru_web::curation::Correction {
    mieru_web::curation::Correction {
        id: "R-000001".into(),
        kind: mieru_web::curation::CorrectionKind::WrongLink,
        entity: eref("F001", "facility", "みらい再生クリニック", None),
        other: Some(eref("F003", "cpc", MARKUP_NAME, None)),
        fact_id: None,
        message: "別の施設です <b>確認</b>".into(),
        status: "open".into(),
        submitted_at: t(2026, 11, 20),
        decided_at: None,
        decided_by: None,
        decision_reason: None,
        outcome: None,
    }
}

pub fn state(registry: Arc<FakeRegistry>) -> AppState {
    AppState {
        registry,
        site: SiteConfig {
            base_url: "https://mieru.example.jp/".into(),
            data_version: "test-2026-11-25".into(),
            contact: "errors@mieru.example.jp".into(),
        },
    }
}

/// The whole site over a fake registry, as an actix test service.
#[macro_export]
macro_rules! app {
    ($registry:expr) => {
        actix_web::test::init_service(
            actix_web::App::new()
                .app_data(mieru_web::app_data($crate::common::state($registry)))
                .configure(mieru_web::configure),
        )
        .await
    };
}

/// GET `$uri` (with optional extra headers); yields `(status, headers, body bytes)`.
#[macro_export]
macro_rules! get {
    ($app:expr, $uri:expr) => {
        $crate::get!($app, $uri, [])
    };
    ($app:expr, $uri:expr, [$($h:expr),*]) => {{
        #[allow(unused_mut)]
        let mut req = actix_web::test::TestRequest::get().uri($uri);
        $( req = req.insert_header($h); )*
        let res = actix_web::test::call_service(&$app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = actix_web::test::read_body(res).await;
        (status, headers, body)
    }};
}

/// Asserts the error envelope with `code` and returns nothing.
pub fn assert_envelope(body: &[u8], code: &str) {
    let v: serde_json::Value = serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)));
    assert_eq!(v["error"]["code"], code, "body: {v}");
    assert!(v["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}
