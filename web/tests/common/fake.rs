//! The fake registry: the fixtures as the read side; correction reports listed and read, tokens
//! authenticated; curators' writes answered with what they would record and a queued job
//! (job 7, which `job` shows running); every admin call unavailable.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::OnceLock;

use chrono::{TimeZone, Utc};

use mieru_web::admin::{IngestRequest, IngestResult};
use mieru_web::curation::{
    Annotation, AnnotationKind, AuditEntry, AuditFilter, Correction, Curated, CuratorInfo,
    Decision, FactInfo, IssuedToken, JudgementRecorded, JudgementRequest, NewAnnotation,
    NewCorrection, NewCurator, Refusal, Verdict,
};
use mieru_web::jobs::{job_url, Job, JobProgress, JobRef, JobStatus, WithJob};
use mieru_web::model::*;
use mieru_web::registry::{AdminRegistry, CurationRegistry, Registry, RegistryError};

use super::fixtures::*;

#[derive(Default)]
pub struct FakeRegistry {
    pub down: AtomicBool,
    /// Whether a report is filed (as R-000001); by default the fake files nothing (503).
    pub files_reports: AtomicBool,
    /// The data version export files are written for (0 until a test sets it).
    pub data_version: AtomicI64,
    /// Where the export files are written, on first request.
    exports: OnceLock<tempfile::TempDir>,
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

/// Every name a facility no longer carries.
fn former_names(f: &FacilityDetail) -> Vec<String> {
    f.names
        .iter()
        .filter(|n| !n.current)
        .map(|n| n.value.clone())
        .collect()
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
                former_names: former_names(&f),
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
                former_names: former_names(&f),
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
        // Like the real registry: one file per data version, written once.
        let version = self.data_version.load(Ordering::SeqCst);
        let dir = self
            .exports
            .get_or_init(|| tempfile::tempdir().unwrap())
            .path()
            .join(format!("v{version}"));
        let path = dir.join(name);
        if !path.is_file() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        Ok(Some(ExportFile {
            name: name.to_owned(),
            content_type: content_type.into(),
            path,
            data_version: Some(version),
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

/// Reports are listed and read, tokens authenticated; curators' writes queue job 7.
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
        if self.files_reports.load(Ordering::SeqCst) {
            Ok(Ok(report_r1()))
        } else {
            Err(no_curation())
        }
    }

    fn decide_correction(
        &self,
        id: &str,
        decision: &Decision,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Correction>>, RegistryError> {
        self.check()?;
        if id != "R-000001" {
            return Ok(Err(Refusal::NotFound("correction")));
        }
        let accepted = decision.decision == Verdict::Accept;
        let decided = Correction {
            status: if accepted { "accepted" } else { "rejected" }.into(),
            decided_at: Some(t(2026, 11, 21)),
            decided_by: Some(by.name.clone()),
            decision_reason: Some(decision.reason.clone()),
            outcome: Some(
                if accepted {
                    "judgement:different"
                } else {
                    "none"
                }
                .into(),
            ),
            ..report_r1()
        };
        // Only an accepted report changes a record, so only it queues a job.
        Ok(Ok(WithJob {
            value: decided,
            job: accepted.then(queued_job),
        }))
    }

    fn judge(
        &self,
        request: &JudgementRequest,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<JudgementRecorded>>, RegistryError> {
        self.check()?;
        Ok(Ok(WithJob {
            value: JudgementRecorded {
                left_subject: request.left.clone(),
                right_subject: request.right.clone(),
                verdict: request.verdict.clone(),
                author: by.name.clone(),
                reason: request.reason.clone(),
            },
            job: Some(queued_job()),
        }))
    }

    fn annotate(
        &self,
        new: &NewAnnotation,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Annotation>>, RegistryError> {
        self.check()?;
        Ok(Ok(WithJob {
            value: Annotation {
                id: 1,
                kind: new.kind,
                entity_id: new.entity_id.clone().unwrap_or_else(|| "F001".into()),
                fact_id: new.fact_id,
                text: new.text.clone().unwrap_or_default(),
                author: by.name.clone(),
                reason: new.reason.clone(),
                correction_id: None,
                created_at: t(2026, 11, 21),
                withdrawn_at: None,
                withdrawn_by: None,
                withdraw_reason: None,
            },
            job: Some(queued_job()),
        }))
    }

    fn withdraw_annotation(
        &self,
        id: i64,
        reason: &str,
        by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Annotation>>, RegistryError> {
        self.check()?;
        if id != 1 {
            return Ok(Err(Refusal::NotFound("annotation")));
        }
        Ok(Ok(WithJob {
            value: Annotation {
                id,
                kind: AnnotationKind::Note,
                entity_id: "F001".into(),
                fact_id: None,
                text: "閉院の届出あり".into(),
                author: "fictional-curator".into(),
                reason: "届出を確認".into(),
                correction_id: None,
                created_at: t(2026, 11, 21),
                withdrawn_at: Some(t(2026, 11, 22)),
                withdrawn_by: Some(by.name.clone()),
                withdraw_reason: Some(reason.to_owned()),
            },
            job: Some(queued_job()),
        }))
    }

    fn job(&self, id: i64) -> Result<Option<Job>, RegistryError> {
        self.check()?;
        Ok((id == QUEUED_JOB).then(|| Job {
            id,
            url: job_url(id),
            kind: "refresh".into(),
            status: JobStatus::Running,
            progress: JobProgress {
                step: 1,
                steps: 3,
                message: "resolving".into(),
            },
            requested_by: "fictional-curator".into(),
            cause: "judgement.record".into(),
            target: "F001 / F002".into(),
            created_at: t(2026, 11, 21),
            started_at: Some(t(2026, 11, 21)),
            finished_at: None,
            error: None,
            data_version: None,
            summary: None,
        }))
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

/// The job every write of the fake queues; `GET /api/v1/jobs/7` shows it running.
pub const QUEUED_JOB: i64 = 7;

fn queued_job() -> JobRef {
    JobRef::new(QUEUED_JOB, JobStatus::Queued)
}

fn no_curation() -> RegistryError {
    RegistryError::Unavailable("this registry has no curation".into())
}

/// Bearer tokens the fake registry knows (fictional).
pub const CURATOR_TOKEN: &str = "mieru_fakecurator";
pub const ADMIN_TOKEN: &str = "mieru_fakeadmin";
