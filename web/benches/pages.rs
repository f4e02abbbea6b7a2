//! Server-side cost of the facility page for a facility with a long history: 500 events,
//! dozens of names, addresses, actions, plans, links and sources. The request goes through
//! the real route (extractors, registry call on the blocking pool, view models, template,
//! security headers), against an in-memory registry so only the web layer is measured.
//!
//! Besides criterion's estimate, the bench prints p50/p99 of single requests, the figure the
//! issue asks for (p99 under 20 ms).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{test, App};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use mieru_web::admin::{IngestRequest, IngestResult};
use mieru_web::curation::{
    Annotation, AuditEntry, AuditFilter, Correction, CorrectionFilter, Curated, CuratorInfo,
    Decision, FactInfo, IssuedToken, JudgementRecorded, JudgementRequest, NewAnnotation,
    NewCorrection, NewCurator,
};
use mieru_web::jobs::{Job, WithJob};
use mieru_web::model::*;
use mieru_web::registry::{AdminRegistry, CurationRegistry, Registry, RegistryError};
use mieru_web::watch::{WatchFeed, WatchScope};
use mieru_web::{app_data, configure, AppState, SiteConfig};

const EVENTS: usize = 500;
const NAMES: usize = 12;
const ADDRESSES: usize = 8;
const ACTIONS: usize = 40;
const PLANS: usize = 30;
const LINKS: usize = 10;

fn sha(i: usize) -> String {
    format!("{i:064x}")
}

fn at(day: u64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2015, 1, 1, 3, 0, 0).unwrap() + Duration::from_secs(day * 86_400)
}

fn date(day: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(day))
        .unwrap()
}

fn source(i: usize) -> SourceRef {
    SourceRef {
        source: ["mhlw-press", "kouseikyoku", "e-saisei", "jrct"][i % 4].into(),
        url: format!("https://www.mhlw.go.jp/stf/newpage_{i:05}.html"),
        sha256: sha(i),
        fetched_at: at(i as u64),
    }
}

fn eref(id: String, entity: &str, name: String) -> EntityRef {
    EntityRef {
        id,
        entity: entity.into(),
        name,
        role: Some("operator".into()),
    }
}

fn dated(value: String, i: usize, current: bool) -> DatedValue {
    DatedValue {
        value,
        since: Some(date(i as u64 * 200)),
        until: (!current).then(|| date(i as u64 * 200 + 199)),
        first_seen: at(i as u64 * 200),
        last_seen: at(i as u64 * 200 + 199),
        current,
        sources: vec![source(i), source(i + 1)],
    }
}

fn summary(i: usize) -> ActionSummary {
    ActionSummary {
        id: format!("A{i:06}"),
        action_type: ["emergency_order", "improvement_order", "suspension_order"][i % 3].into(),
        issued_on: Some(date(i as u64 * 50)),
        authority: Some("関東信越厚生局".into()),
        articles: vec!["法第22条".into(), "法第52条第1項".into()],
        headline: Some(format!("再生医療等の提供の一時停止を命じた件（第{i}号）")),
        targets: vec![eref(
            "F000001".into(),
            "facility",
            "銀座ミライ整形クリニック".into(),
        )],
        status: "in_force".into(),
        status_evidence: None,
    }
}

fn facility() -> FacilityDetail {
    let names = (0..NAMES)
        .map(|i| dated(format!("架空再生クリニック第{i}期"), i, i + 1 == NAMES))
        .collect();
    let addresses = (0..ADDRESSES)
        .map(|i| {
            dated(
                format!(
                    "東京都中央区銀座{}丁目{}番{}号 架空ビル{i}階",
                    i + 1,
                    i + 2,
                    i + 3
                ),
                i,
                i + 1 == ADDRESSES,
            )
        })
        .collect();
    let events = (0..EVENTS)
        .map(|i| Event {
            date: Some(date(i as u64 * 7)),
            kind: ["renamed", "relocated", "plan_submitted", "action_issued"][i % 4].into(),
            summary_ja: format!("架空再生クリニック第{i}期 に名称変更（計画 PC3{i:09}）"),
            summary_en: format!("Renamed to fictional clinic phase {i}"),
            subject: (i % 5 == 0).then(|| eref(format!("P{i:06}"), "plan", format!("PC3{i:09}"))),
            sources: vec![source(i)],
        })
        .collect();
    let links = (0..LINKS)
        .map(|i| Link {
            other: eref(
                format!("F{i:06}"),
                "facility",
                format!("架空セルクリニック{i}"),
            ),
            kind: if i % 2 == 0 {
                "possible_successor"
            } else {
                "successor"
            }
            .into(),
            confidence: 0.6,
            origin: "score".into(),
            evidence: vec![Evidence {
                kind: "same_address".into(),
                detail: "東京都中央区銀座1丁目2番3号".into(),
                sources: vec![source(i)],
            }],
        })
        .collect();
    FacilityDetail {
        id: "F000001".into(),
        kind: "clinic".into(),
        name: "架空再生クリニック第11期".into(),
        names,
        addresses,
        prefecture: Some("東京都".into()),
        facility_numbers: vec!["FA3190001".into()],
        status: "active".into(),
        operators: (0..3)
            .map(|i| {
                eref(
                    format!("O{i:06}"),
                    "organization",
                    format!("医療法人社団架空会{i}"),
                )
            })
            .collect(),
        managers: (0..6)
            .map(|i| dated(format!("架空 太郎{i}"), i, i == 5))
            .collect(),
        plans: (0..PLANS)
            .map(|i| PlanSummary {
                number: format!("PC3{i:09}"),
                title: Some(format!("自己脂肪由来間葉系幹細胞を用いた治療 {i}")),
                risk_class: Some("class2".into()),
                purpose: Some("treatment".into()),
                status: Some("discontinued".into()),
                submitted_on: Some(date(i as u64 * 30)),
            })
            .collect(),
        actions: (0..ACTIONS).map(summary).collect(),
        events,
        links,
        sources: (0..200).map(source).collect(),
        citation: None,
    }
}

/// Serves one big facility and action details for its actions; the rest is empty.
struct BigRegistry {
    facility: FacilityDetail,
}

impl Registry for BigRegistry {
    fn search(&self, r: &SearchRequest) -> Result<SearchResults, RegistryError> {
        Ok(SearchResults {
            query: r.q.clone(),
            total: 0,
            hits: vec![],
            facets: Facets::default(),
        })
    }
    fn facility(
        &self,
        id: &str,
        _at: PointInTime,
    ) -> Result<Lookup<FacilityDetail>, RegistryError> {
        Ok(if id == self.facility.id {
            Lookup::Found(self.facility.clone())
        } else {
            Lookup::NotFound
        })
    }
    fn organization(
        &self,
        _id: &str,
        _at: PointInTime,
    ) -> Result<Lookup<OrganizationDetail>, RegistryError> {
        Ok(Lookup::NotFound)
    }
    fn actions(&self, _f: &ActionFilter) -> Result<Page<ActionSummary>, RegistryError> {
        Ok(Page {
            items: vec![],
            next_cursor: None,
        })
    }
    fn action(&self, id: &str) -> Result<Option<ActionDetail>, RegistryError> {
        let Some(s) = self.facility.actions.iter().find(|a| a.id == id) else {
            return Ok(None);
        };
        Ok(Some(ActionDetail {
            summary: s.clone(),
            findings: (0..5)
                .map(|i| format!("未認定の特定細胞加工物を用いた（所見{i}）"))
                .collect(),
            measures: (0..3)
                .map(|i| format!("提供を直ちに停止すること（措置{i}）"))
                .collect(),
            plans: vec![eref("P000001".into(), "plan", "PC3000000001".into())],
            sources: vec![source(1), source(2)],
        }))
    }
    fn plan(&self, _n: &str) -> Result<Option<PlanDetail>, RegistryError> {
        Ok(None)
    }
    fn document(&self, _s: &str) -> Result<Option<ArchivedDocument>, RegistryError> {
        Ok(None)
    }
    fn health(&self) -> Result<Health, RegistryError> {
        Ok(Health {
            status: "ok".into(),
            facilities: 1,
            actions: ACTIONS as u64,
            documents: 200,
        })
    }
    // The facility page reads none of the rest.
    fn versions(&self, _limit: usize) -> Result<Vec<DataVersion>, RegistryError> {
        Err(unavailable())
    }
    fn facilities(&self, _f: &FacilityFilter) -> Result<Page<FacilitySummary>, RegistryError> {
        Err(unavailable())
    }
    fn changes(&self, _r: &ChangesRequest) -> Result<ChangesPage, RegistryError> {
        Err(unavailable())
    }
    fn export_file(&self, _name: &str) -> Result<Option<ExportFile>, RegistryError> {
        Err(unavailable())
    }
    fn watch_feed(&self, _s: &WatchScope) -> Result<Lookup<WatchFeed>, RegistryError> {
        Err(unavailable())
    }
    fn sources(&self) -> Result<SourcesReport, RegistryError> {
        Err(unavailable())
    }
}

/// No curation in the bench.
impl CurationRegistry for BigRegistry {
    fn authenticate(&self, _t: &str) -> Result<Option<CuratorInfo>, RegistryError> {
        Err(unavailable())
    }
    fn submit_correction(&self, _n: &NewCorrection) -> Result<Curated<Correction>, RegistryError> {
        Err(unavailable())
    }
    fn corrections(&self, _f: &CorrectionFilter) -> Result<Page<Correction>, RegistryError> {
        Err(unavailable())
    }
    fn correction(&self, _id: &str) -> Result<Option<Correction>, RegistryError> {
        Err(unavailable())
    }
    fn decide_correction(
        &self,
        _id: &str,
        _d: &Decision,
        _by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Correction>>, RegistryError> {
        Err(unavailable())
    }
    fn judge(
        &self,
        _r: &JudgementRequest,
        _by: &CuratorInfo,
    ) -> Result<Curated<WithJob<JudgementRecorded>>, RegistryError> {
        Err(unavailable())
    }
    fn annotate(
        &self,
        _n: &NewAnnotation,
        _by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Annotation>>, RegistryError> {
        Err(unavailable())
    }
    fn withdraw_annotation(
        &self,
        _id: i64,
        _reason: &str,
        _by: &CuratorInfo,
    ) -> Result<Curated<WithJob<Annotation>>, RegistryError> {
        Err(unavailable())
    }
    fn job(&self, _id: i64) -> Result<Option<Job>, RegistryError> {
        Err(unavailable())
    }
    fn entity_facts(&self, _id: &str) -> Result<Option<Vec<FactInfo>>, RegistryError> {
        Err(unavailable())
    }
    fn audit_log(&self, _f: &AuditFilter) -> Result<Page<AuditEntry>, RegistryError> {
        Err(unavailable())
    }
}

/// No administration in the bench.
impl AdminRegistry for BigRegistry {
    fn add_curator(
        &self,
        _n: &NewCurator,
        _by: &CuratorInfo,
    ) -> Result<Curated<IssuedToken>, RegistryError> {
        Err(unavailable())
    }
    fn revoke_curator(
        &self,
        _name: &str,
        _reason: &str,
        _by: &CuratorInfo,
    ) -> Result<Curated<()>, RegistryError> {
        Err(unavailable())
    }
    fn ingest_document(
        &self,
        _r: &IngestRequest,
        _body: &[u8],
        _by: &CuratorInfo,
    ) -> Result<IngestResult, RegistryError> {
        Err(unavailable())
    }
}

fn unavailable() -> RegistryError {
    RegistryError::Unavailable("not in the bench registry".into())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn facility_page(c: &mut Criterion) {
    let sys = actix_web::rt::System::new();
    let registry = Arc::new(BigRegistry {
        facility: facility(),
    });
    let app = sys.block_on(test::init_service(
        App::new()
            .app_data(app_data(AppState {
                registry,
                site: SiteConfig::default(),
            }))
            .configure(configure),
    ));
    let request = |lang: &'static str| {
        let app = &app;
        let sys = &sys;
        move || {
            sys.block_on(async {
                let req = test::TestRequest::get()
                    .uri(&format!("/facilities/F000001?lang={lang}"))
                    .to_request();
                let res = test::call_service(app, req).await;
                assert!(res.status().is_success());
                test::read_body(res).await.len()
            })
        }
    };
    let html = request("ja")();
    assert!(html > 100_000, "the page really is big: {html} bytes");

    let mut group = c.benchmark_group("facility_page_500_events");
    group.sample_size(50);
    for lang in ["ja", "en"] {
        let mut one = request(lang);
        group.bench_function(lang, |b| b.iter(&mut one));
    }
    group.finish();

    // Single-request latency distribution, the figure the acceptance criterion names.
    let one = request("ja");
    let mut times: Vec<Duration> = (0..1000)
        .map(|_| {
            let t = Instant::now();
            one();
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "facility page, {EVENTS} events, {html} bytes: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n={})",
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        times.len()
    );
}

criterion_group!(benches, facility_page);
criterion_main!(benches);
