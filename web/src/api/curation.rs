//! Curators' endpoints: decide a report, record a judgement, annotate a record, withdraw an
//! annotation, see a record's stored facts and the audit log. Every one needs a curator's
//! bearer token (reads take [`Curator`] first; writes take a [`JsonWrite`], credentials before
//! the body, which is parsed only after them), so a request without valid credentials is
//! answered 401/403 before anything else.
//! Bearer tokens only, no cookies: there is no cross-site request forgery surface.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi};

use crate::api::auth::{Admin, BearerScheme, Curator};
use crate::api::corrections::{self, is_report_id, json_body, private_json, CurationApiError};
use crate::api::refusals::{AdminWriteRefusals, CuratorReadRefusals, CuratorWriteRefusals};
use crate::curation::*;
use crate::errors::{ApiError, ErrorBody, ErrorDetail};
use crate::input::{cursor_param, limit_param, validate_id, InputError, MAX_LIMIT};
use crate::jobs::{JobRef, JobStatus, WithJob};
use crate::model::{EntityRef, Page};
use crate::registry::RegistryError;
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

/// A JSON write by an authenticated curator (`A` is [`Curator`] or [`Admin`]): who, and the
/// body as sent. The two are extracted as a handler's own arguments would be, credentials
/// first; the body is parsed only by [`JsonWrite::parts`], once the handler has checked its
/// path, so a request without valid credentials is answered 401/403 whatever its body says.
pub struct JsonWrite<A> {
    by: A,
    req: HttpRequest,
    body: web::Bytes,
}

impl<A> JsonWrite<A> {
    /// The body as `T` (see [`json_body`]) and who sent it.
    pub fn parts<T: DeserializeOwned>(self) -> Result<(T, A), CurationApiError> {
        let value = json_body(&self.req, &self.body)?;
        Ok((value, self.by))
    }
}

impl<A> FromRequest for JsonWrite<A>
where
    A: FromRequest + 'static,
{
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // actix's own extraction of an argument pair, so the answer to a bad token or an
        // oversized body is what it was when handlers took `A` and `web::Bytes` themselves.
        let parts = <(A, web::Bytes)>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let (by, body) = parts.await?;
            Ok(JsonWrite { by, req, body })
        })
    }
}

/// Waits for one curation or admin call and answers what it did as private JSON with
/// `status`; a refusal is the error answer.
async fn answer<T: Serialize>(
    status: StatusCode,
    call: impl Future<Output = Result<Curated<T>, RegistryError>>,
) -> Result<HttpResponse, CurationApiError> {
    let done = call.await??;
    Ok(private_json(status, &done))
}

/// Waits for a curator's write and answers what it recorded: `202 Accepted` with the job's
/// URL in `Location` when a job applies it to the records, `200` when nothing is left to
/// apply. The write itself is done either way.
async fn answer_queued<T: Serialize>(
    call: impl Future<Output = Result<Curated<WithJob<T>>, RegistryError>>,
) -> Result<HttpResponse, CurationApiError> {
    let done = call.await??;
    let Some(job) = &done.job else {
        return Ok(private_json(StatusCode::OK, &done));
    };
    let mut res = private_json(StatusCode::ACCEPTED, &done);
    if let Ok(location) = HeaderValue::from_str(&job.url) {
        res.headers_mut().insert(header::LOCATION, location);
    }
    Ok(res)
}

/// Accept or reject a correction report (curators).
///
/// Accepting a link report records a human judgement (`different` for a wrong link, `same` for
/// a missing one, unless `verdict` says otherwise); a wrong-fact report hides the fact pending
/// review; an outdated report annotates the record. Source facts are never overwritten. The
/// decision is recorded at once; an accepted one is applied to the records by the job the
/// answer names (`job`, and `Location`), which re-resolves in the background. The decision,
/// its reason and the curator's name are public; the record's history shows the correction.
#[utoipa::path(
    post,
    path = "/api/v1/corrections/{id}/decision",
    tag = "curation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Report ID, e.g. `R-000001`")),
    request_body(content = Decision, content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted and recorded; the report as it now stands, and the job applying it (`Location` is its URL)", body = WithJob<Correction>,
            headers(("Location" = String, description = "`/api/v1/jobs/{id}`"))),
        (status = 200, description = "Rejected and recorded; nothing to apply (`job` is null)", body = WithJob<Correction>),
        (status = 400, description = "Invalid decision (empty reason, verdict not allowed for the report, fact missing)", body = ErrorBody),
        (status = 404, description = "No such report", body = ErrorBody),
        (status = 409, description = "The report was already decided", body = ErrorBody),
        CuratorWriteRefusals
    )
)]
pub async fn decide(
    write: JsonWrite<Curator>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, CurationApiError> {
    let id = path.into_inner();
    if !is_report_id(&id) {
        return Err(Refusal::NotFound("correction").into());
    }
    let (decision, Curator(by)) = write.parts::<Decision>()?;
    let call = state.curate(move |r| r.decide_correction(&id, &decision, &by));
    answer_queued(call).await
}

/// Record a human judgement on two records (curators).
///
/// `same` merges them, `different` keeps them apart and removes any link, `successor` records
/// that `right` succeeded `left`, `not_successor` removes a successor link. A judgement wins
/// over every rule, on the next resolution and every later one, and shows in both histories.
/// It is recorded at once; the job the answer names re-resolves so the records show it.
#[utoipa::path(
    post,
    path = "/api/v1/curation/judgements",
    tag = "curation",
    security(("bearer" = [])),
    request_body(content = JudgementRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "Recorded; the job applying it is queued (`Location` is its URL)", body = WithJob<JudgementRecorded>,
            headers(("Location" = String, description = "`/api/v1/jobs/{id}`"))),
        (status = 400, description = "Unknown record or verdict, empty reason", body = ErrorBody),
        CuratorWriteRefusals
    )
)]
pub async fn judge(
    write: JsonWrite<Curator>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, CurationApiError> {
    let (request, Curator(by)) = write.parts::<JudgementRequest>()?;
    let call = state.curate(move |r| r.judge(&request, &by));
    answer_queued(call).await
}

/// Annotate a record (curators): hide a fact pending review, mark the entry outdated, or add
/// a note. The fact itself stays stored; once the job the answer names has run, the record and
/// its history show the annotation.
#[utoipa::path(
    post,
    path = "/api/v1/curation/annotations",
    tag = "curation",
    security(("bearer" = [])),
    request_body(content = NewAnnotation, content_type = "application/json"),
    responses(
        (status = 202, description = "Recorded; the job applying it is queued (`Location` is its URL)", body = WithJob<Annotation>,
            headers(("Location" = String, description = "`/api/v1/jobs/{id}`"))),
        (status = 400, description = "Unknown record or fact, missing text or reason", body = ErrorBody),
        (status = 409, description = "The fact is already hidden", body = ErrorBody),
        CuratorWriteRefusals
    )
)]
pub async fn annotate(
    write: JsonWrite<Curator>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, CurationApiError> {
    let (new, Curator(by)) = write.parts::<NewAnnotation>()?;
    let call = state.curate(move |r| r.annotate(&new, &by));
    answer_queued(call).await
}

fn annotation_id(s: &str) -> Result<i64, CurationApiError> {
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(CurationApiError::Refused(Refusal::NotFound("annotation")))
}

/// Withdraw an annotation (curators). Once the job the answer names has run, a hidden fact
/// shows again; the annotation stays on record with who withdrew it, when and why.
#[utoipa::path(
    post,
    path = "/api/v1/curation/annotations/{id}/withdraw",
    tag = "curation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Annotation ID")),
    request_body(content = Withdrawal, content_type = "application/json"),
    responses(
        (status = 202, description = "Withdrawn; the job applying it is queued (`Location` is its URL)", body = WithJob<Annotation>,
            headers(("Location" = String, description = "`/api/v1/jobs/{id}`"))),
        (status = 400, description = "Empty reason", body = ErrorBody),
        (status = 404, description = "No such annotation", body = ErrorBody),
        (status = 409, description = "Already withdrawn", body = ErrorBody),
        CuratorWriteRefusals
    )
)]
pub async fn withdraw(
    write: JsonWrite<Curator>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, CurationApiError> {
    let id = annotation_id(&path.into_inner())?;
    let (w, Curator(by)) = write.parts::<Withdrawal>()?;
    let call = state.curate(move |r| r.withdraw_annotation(id, &w.reason, &by));
    answer_queued(call).await
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
        CuratorReadRefusals
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
        // The audit log's cursors are short hex strings.
        let cursor = cursor_param(self.cursor.as_deref(), 40, |ch| ch.is_ascii_hexdigit())?;
        let limit = limit_param(self.limit.as_deref(), 50, MAX_LIMIT)?;
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
        CuratorReadRefusals
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
        AdminWriteRefusals
    )
)]
pub async fn add_curator(
    write: JsonWrite<Admin>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, CurationApiError> {
    let (new, Admin(by)) = write.parts::<NewCurator>()?;
    let call = state.administer(move |r| r.add_curator(&new, &by));
    answer(StatusCode::CREATED, call).await
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
        AdminWriteRefusals
    )
)]
pub async fn revoke_curator(
    write: JsonWrite<Admin>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, CurationApiError> {
    let name = path.into_inner();
    let (r, Admin(by)) = write.parts::<Revocation>()?;
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
        Withdrawal, AuditEntry, FactInfo, Role, CuratorInfo, NewCurator, IssuedToken, Revocation,
        JobRef, JobStatus
    )),
    modifiers(&BearerScheme),
    tags(
        (name = "corrections", description = "Public correction reports: anyone may file one; the log is public"),
        (name = "curation", description = "Curators only (bearer token): decisions, judgements, annotations, audit log")
    )
)]
pub struct CurationApi;
