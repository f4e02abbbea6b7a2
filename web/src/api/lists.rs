//! List endpoints beyond actions: facilities (filtered, cursor-paged by ID) and the changes
//! feed of the data.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::refusals::PublicRefusals;
use crate::errors::{ApiError, ErrorBody};
use crate::input::{
    blank_to_none, cursor_param, limit_param, parse_date, text_param, InputError, DEFAULT_LIMIT,
    MAX_CURSOR_CHARS, MAX_LIMIT,
};
use crate::model::{ChangesPage, ChangesRequest, FacilityFilter, FacilitySummary, Page};
use crate::respond;
use crate::AppState;

/// These lists' cursors are plain letters and digits.
fn cursor(v: Option<&str>) -> Result<Option<String>, InputError> {
    cursor_param(v, MAX_CURSOR_CHARS, |ch| ch.is_ascii_alphanumeric())
}

/// Query parameters of `/api/v1/facilities`. All strings, so that every malformed value gets
/// our own error code.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FacilityParams {
    /// Prefecture, e.g. `東京都`.
    pub prefecture: Option<String>,
    /// `facility` (clinic or hospital) or `cpc` (cell culture processing facility).
    pub kind: Option<String>,
    /// `true`: only facilities with regulatory actions; `false`: only those without.
    #[param(value_type = Option<bool>)]
    pub has_actions: Option<String>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100 (default 20).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

impl FacilityParams {
    pub fn validate(&self) -> Result<FacilityFilter, InputError> {
        let kind = match blank_to_none(self.kind.as_deref()) {
            None => None,
            Some(k @ ("facility" | "cpc")) => Some(k.to_owned()),
            Some(_) => {
                return Err(InputError::new(
                    "invalid_kind",
                    "parameter `kind` must be `facility` or `cpc`",
                ))
            }
        };
        let has_actions = match blank_to_none(self.has_actions.as_deref()) {
            None => None,
            Some("true" | "1") => Some(true),
            Some("false" | "0") => Some(false),
            Some(_) => {
                return Err(InputError::new(
                    "invalid_parameter",
                    "parameter `has_actions` must be `true` or `false`",
                ))
            }
        };
        Ok(FacilityFilter {
            prefecture: text_param("prefecture", self.prefecture.as_deref())?,
            kind,
            has_actions,
            cursor: cursor(self.cursor.as_deref())?,
            limit: limit_param(self.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?,
        })
    }
}

/// Facilities and CPCs, ordered by ID, with cursor pagination.
#[utoipa::path(
    get,
    path = "/api/v1/facilities",
    tag = "entities",
    params(FacilityParams),
    responses(
        (status = 200, description = "One page of facilities; pass `next_cursor` as `cursor` for the next. The order (by ID) is stable: paging while data is added returns every record once", body = Page<FacilitySummary>),
        (status = 400, description = "Invalid filter or cursor", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn facilities(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<FacilityParams>,
) -> Result<HttpResponse, ApiError> {
    let filter = params.validate()?;
    let page = state.read(move |r| r.facilities(&filter)).await?;
    Ok(respond::ok(&req, &page))
}

/// Query parameters of `/api/v1/changes`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// Required. An RFC 3339 time (`2026-11-01T00:00:00Z`) or a date (`2026-11-01`, meaning
    /// its start in UTC). Use the previous answer's `until` to poll.
    #[param(value_type = String)]
    pub since: Option<String>,
    /// Opaque cursor from a previous page's `next_cursor` (with the same `since`).
    pub cursor: Option<String>,
    /// 1–100 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

const CHANGES_DEFAULT_LIMIT: usize = 50;

fn parse_since(s: &str) -> Option<DateTime<Utc>> {
    if let Some(d) = parse_date(s) {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    // Only plausible times: chrono accepts years far outside what the data can hold.
    let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    let lo = NaiveDate::from_ymd_opt(1900, 1, 1)?
        .and_hms_opt(0, 0, 0)?
        .and_utc();
    let hi = NaiveDate::from_ymd_opt(2200, 1, 1)?
        .and_hms_opt(0, 0, 0)?
        .and_utc();
    (lo..hi).contains(&t).then_some(t)
}

impl ChangesParams {
    pub fn validate(&self) -> Result<ChangesRequest, InputError> {
        let since = match blank_to_none(self.since.as_deref()) {
            None => {
                return Err(InputError::new(
                    "missing_since",
                    "parameter `since` is required (a date or an RFC 3339 time)",
                ))
            }
            Some(s) => parse_since(s).ok_or_else(|| {
                InputError::new(
                    "invalid_since",
                    "parameter `since` must be YYYY-MM-DD or an RFC 3339 time between 1900 and 2200",
                )
            })?,
        };
        Ok(ChangesRequest {
            since,
            cursor: cursor(self.cursor.as_deref())?,
            limit: limit_param(self.limit.as_deref(), CHANGES_DEFAULT_LIMIT, MAX_LIMIT)?,
        })
    }
}

/// What was added, changed or removed since a time, per entity, from the facts' first-seen,
/// last-changed and retraction times and the source documents' removal times.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    tag = "entities",
    params(ChangesParams),
    responses(
        (status = 200, description = "Entities changed since `since`, ordered by ID", body = ChangesPage),
        (status = 400, description = "Missing or invalid `since`, cursor or limit", body = ErrorBody),
        PublicRefusals
    )
)]
pub async fn changes(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ChangesParams>,
) -> Result<HttpResponse, ApiError> {
    let request = params.validate()?;
    let page = state.read(move |r| r.changes(&request)).await?;
    Ok(respond::ok(&req, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facility_params() {
        let p = FacilityParams {
            kind: Some("cpc".into()),
            has_actions: Some("true".into()),
            prefecture: Some(" 東京都 ".into()),
            ..Default::default()
        };
        let f = p.validate().unwrap();
        assert_eq!(f.kind.as_deref(), Some("cpc"));
        assert_eq!(f.has_actions, Some(true));
        assert_eq!(f.prefecture.as_deref(), Some("東京都"));
        assert_eq!(f.limit, DEFAULT_LIMIT);
        let code = |p: FacilityParams| p.validate().unwrap_err().code;
        let with = |f: fn(&mut FacilityParams)| {
            let mut p = FacilityParams::default();
            f(&mut p);
            code(p)
        };
        assert_eq!(
            with(|p| p.kind = Some("organization".into())),
            "invalid_kind"
        );
        assert_eq!(
            with(|p| p.has_actions = Some("yes".into())),
            "invalid_parameter"
        );
        assert_eq!(with(|p| p.cursor = Some("a b".into())), "invalid_cursor");
        assert_eq!(with(|p| p.limit = Some("101".into())), "invalid_limit");
    }

    #[test]
    fn since_accepts_dates_and_times_only() {
        let ok = |s: &str| {
            ChangesParams {
                since: Some(s.into()),
                ..Default::default()
            }
            .validate()
            .map(|r| r.since.to_rfc3339())
        };
        assert_eq!(ok("2026-11-01").unwrap(), "2026-11-01T00:00:00+00:00");
        assert_eq!(
            ok("2026-11-01T09:00:00+09:00").unwrap(),
            "2026-11-01T00:00:00+00:00"
        );
        assert_eq!(ok("yesterday").unwrap_err().code, "invalid_since");
        assert_eq!(
            ok("9999-01-01T00:00:00Z").unwrap_err().code,
            "invalid_since"
        );
        assert_eq!(
            ChangesParams::default().validate().unwrap_err().code,
            "missing_since"
        );
    }
}
