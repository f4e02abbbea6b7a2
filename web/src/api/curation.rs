//! Curators' endpoints: decide a report, record a judgement, annotate a record, withdraw an
//! annotation, see a record's stored facts and the audit log. Every one needs a curator's
//! bearer token ([`Curator`] is each handler's first argument, and bodies are read after it,
//! so a request without valid credentials is answered 401/403 before anything else).
//! Bearer tokens only, no cookies: there is no cross-site request forgery surface.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::api::auth::{Admin, BearerScheme, Curator};
use crate::api::corrections::{self, is_report_id, json_body, private_json, CurationApiError};
use crate::api::refusals::{AdminRefusals, CuratorRefusals, NotJson, PublicRefusals};
use crate::curation::*;
use crate::errors::{ApiError, ErrorBody, ErrorDetail};
use crate::input::{validate_id, InputError, MAX_LIMIT};
use crate::model::{EntityRef, Page};
use crate::AppState;

/// Routes, registered inside the `/api/v1` scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/corrections", web::post().to(corrections::submit))
        .route("/corrections", web::get().to(corrections::list))
        .route("/corrections/{id}", web::get().to(corrections::get))
        .route("/corrections/{id}/decision", web::post().to(decide))
        .route("/curation/judgements", web::post().to(judge))
        .route("/curation/annotations", web::post().to(annotate))
        .route(
            "/curation/annotations/{id}/withdraw",
            web::post().to(withdraw),
        )
        .route("/curation/entities/{id}/facts", web::get().to(facts))
        .route("/curation/audit", web::get().to(audit))
        .route("/admin/curators", web::post().to(add_curator))
        .route(
            "/admin/curators/{name}/revoke",
            web::post().to(revoke_curator),
        );
}

/// Accept or reject a correction report (curators).
///
/// Accepting a link report records a human judgement (`different` for a wrong link, `same` for
/// a missing one, unless `verdict` says otherwise) and re-resolves, so the link changes at
/// once; a wrong-fact report hides the fact pending review; an outdated report annotates the
/// record. Source facts are never overwritten. The decision, its reason and the curator's
/// name are public; the record's history shows the correction.
#[utoipa::path(
    post,
    path = "/api/v1/corrections/{id}/decision",
    tag = "curation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Report ID, e.g. `R-000001`")),
    request_body(content = Decision, content_type = "application/json"),
    responses(
        (status = 200, description = "Decided; the report as it now stands", body = Correction),
        (status = 400, description = "Invalid decision (empty reason, verdict not allowed for the report, fact missing)", body = ErrorBody),
        (status = 404, description = "No such report", body = ErrorBody),
        (status = 409, description = "The report was already decided", body = ErrorBody),
        CuratorRefusals,
        NotJson,
        PublicRefusals
    )
)]
pub async fn decide(
    curator: Curator,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let id = path.into_inner();
    if !is_report_id(&id) {
        return Err(Refusal::NotFound("correction").into());
    }
    let decision: Decision = json_body(&req, &body)?;
    let by = curator.0;
    let decided = state
        .curate(move |r| r.decide_correction(&id, &decision, &by))
        .await??;
    Ok(private_json(StatusCode::OK, &decided))
}

/// Record a human judgement on two records (curators).
///
/// `same` merges them, `different` keeps them apart and removes any link, `successor` records
/// that `right` succeeded `left`, `not_successor` removes a successor link. A judgement wins
/// over every rule, now and on every later resolution, and shows in both histories.
#[utoipa::path(
    post,
    path = "/api/v1/curation/judgements",
    tag = "curation",
    security(("bearer" = [])),
    request_body(content = JudgementRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded and applied", body = JudgementRecorded),
        (status = 400, description = "Unknown record or verdict, empty reason", body = ErrorBody),
        CuratorRefusals,
        NotJson,
        PublicRefusals
    )
)]
pub async fn judge(
    curator: Curator,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let request: JudgementRequest = json_body(&req, &body)?;
    let by = curator.0;
    let recorded = state.curate(move |r| r.judge(&request, &by)).await??;
    Ok(private_json(StatusCode::CREATED, &recorded))
}

/// Annotate a record (curators): hide a fact pending review, mark the entry outdated, or add
/// a note. The fact itself stays stored; the record and its history show the annotation.
#[utoipa::path(
    post,
    path = "/api/v1/curation/annotations",
    tag = "curation",
    security(("bearer" = [])),
    request_body(content = NewAnnotation, content_type = "application/json"),
    responses(
        (status = 201, description = "Annotated and applied", body = Annotation),
        (status = 400, description = "Unknown record or fact, missing text or reason", body = ErrorBody),
        (status = 409, description = "The fact is already hidden", body = ErrorBody),
        CuratorRefusals,
        NotJson,
        PublicRefusals
    )
)]
pub async fn annotate(
    curator: Curator,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let new: NewAnnotation = json_body(&req, &body)?;
    let by = curator.0;
    let added = state.curate(move |r| r.annotate(&new, &by)).await??;
    Ok(private_json(StatusCode::CREATED, &added))
}

fn annotation_id(s: &str) -> Result<i64, CurationApiError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(CurationApiError::Refused(Refusal::NotFound("annotation")))
}

/// Withdraw an annotation (curators). A hidden fact shows again; the annotation stays on
/// record with who withdrew it, when and why.
#[utoipa::path(
    post,
    path = "/api/v1/curation/annotations/{id}/withdraw",
    tag = "curation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Annotation ID")),
    request_body(content = Withdrawal, content_type = "application/json"),
    responses(
        (status = 200, description = "Withdrawn and applied", body = Annotation),
        (status = 400, description = "Empty reason", body = ErrorBody),
        (status = 404, description = "No such annotation", body = ErrorBody),
        (status = 409, description = "Already withdrawn", body = ErrorBody),
        CuratorRefusals,
        NotJson,
        PublicRefusals
    )
)]
pub async fn withdraw(
    curator: Curator,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let id = annotation_id(&path.into_inner())?;
    let w: Withdrawal = json_body(&req, &body)?;
    let by = curator.0;
    let done = state
        .curate(move |r| r.withdraw_annotation(id, &w.reason, &by))
        .await??;
    Ok(private_json(StatusCode::OK, &done))
}

/// The stored facts of a record, with their IDs and sources (curators): what `fact_id`s in
/// reports, decisions and annotations refer to. Hidden facts are included and marked.
#[utoipa::path(
    get,
    path = "/api/v1/curation/entities/{id}/facts",
    tag = "curation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "mieru ID of a facility, CPC or organization")),
    responses(
        (status = 200, description = "The record's facts, by ID", body = Vec<FactInfo>),
        (status = 400, description = "Malformed ID", body = ErrorBody),
        (status = 404, description = "No such record", body = ErrorBody),
        CuratorRefusals,
        PublicRefusals
    )
)]
pub async fn facts(
    _curator: Curator,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, CurationApiError> {
    let id = validate_id(&path.into_inner())?.to_owned();
    match state.curate(move |r| r.entity_facts(&id)).await? {
        Some(list) => Ok(private_json(StatusCode::OK, &list)),
        None => Err(ApiError::NotFound("record").into()),
    }
}

/// Query parameters of `GET /api/v1/curation/audit`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

impl AuditParams {
    fn validate(&self) -> Result<AuditFilter, InputError> {
        let cursor = match self
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(c) if c.len() <= 40 && c.chars().all(|ch| ch.is_ascii_hexdigit()) => {
                Some(c.to_owned())
            }
            Some(_) => {
                return Err(InputError::new(
                    "invalid_cursor",
                    "parameter `cursor` must be a value returned as `next_cursor`",
                ))
            }
        };
        let limit = match self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => 50,
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    InputError::new(
                        "invalid_limit",
                        format!("parameter `limit` must be an integer from 1 to {MAX_LIMIT}"),
                    )
                })?,
        };
        Ok(AuditFilter { cursor, limit })
    }
}

/// The audit log of every curation change, newest first (curators).
#[utoipa::path(
    get,
    path = "/api/v1/curation/audit",
    tag = "curation",
    security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "One page of the log", body = Page<AuditEntry>),
        (status = 400, description = "Invalid cursor or limit", body = ErrorBody),
        CuratorRefusals,
        PublicRefusals
    )
)]
pub async fn audit(
    _curator: Curator,
    state: web::Data<AppState>,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, CurationApiError> {
    let filter = params.validate()?;
    let page = state.curate(move |r| r.audit_log(&filter)).await?;
    Ok(private_json(StatusCode::OK, &page))
}

/// Create a curator and get its token, shown once (admins only).
#[utoipa::path(
    post,
    path = "/api/v1/admin/curators",
    tag = "curation",
    security(("bearer" = [])),
    request_body(content = NewCurator, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; the token is in the body and nowhere else", body = IssuedToken),
        (status = 400, description = "Invalid name or role", body = ErrorBody),
        (status = 409, description = "An active curator has this name", body = ErrorBody),
        AdminRefusals,
        NotJson,
        PublicRefusals
    )
)]
pub async fn add_curator(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let new: NewCurator = json_body(&req, &body)?;
    let by = admin.0;
    let issued = state
        .administer(move |r| r.add_curator(&new, &by))
        .await??;
    Ok(private_json(StatusCode::CREATED, &issued))
}

/// Revoke a curator's token at once (admins only).
#[utoipa::path(
    post,
    path = "/api/v1/admin/curators/{name}/revoke",
    tag = "curation",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "Curator name")),
    request_body(content = Revocation, content_type = "application/json"),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "Empty reason", body = ErrorBody),
        (status = 404, description = "No such curator", body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
        AdminRefusals,
        NotJson,
        PublicRefusals
    )
)]
pub async fn revoke_curator(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, CurationApiError> {
    let name = path.into_inner();
    let r: Revocation = json_body(&req, &body)?;
    let by = admin.0;
    state
        .administer(move |reg| reg.revoke_curator(&name, &r.reason, &by))
        .await??;
    Ok(HttpResponse::NoContent()
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        ))
        .finish())
}

/// The corrections and curation part of the OpenAPI document (merged into the main one).
#[derive(OpenApi)]
#[openapi(
    paths(
        corrections::submit,
        corrections::list,
        corrections::get,
        decide,
        judge,
        annotate,
        withdraw,
        facts,
        audit,
        add_curator,
        revoke_curator,
    ),
    components(schemas(
        ErrorBody, ErrorDetail, EntityRef, Correction, CorrectionKind, NewCorrection, Decision,
        Verdict, JudgementRequest, JudgementRecorded, AnnotationKind, NewAnnotation, Annotation,
        Withdrawal, AuditEntry, FactInfo, Role, CuratorInfo, NewCurator, IssuedToken, Revocation
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "corrections", description = "Public correction reports: anyone may file one; the log is public"),
        (name = "curation", description = "Curators only (bearer token): decisions, judgements, annotations, audit log")
    )
)]
pub struct CurationApi;
