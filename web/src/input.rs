//! Validation of user input shared by the API and the HTML pages: raw strings in, typed
//! registry requests out, with a stable error code for every refusal.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::model::{ActionFilter, PointInTime, SearchRequest};

pub const MAX_QUERY_CHARS: usize = 200;
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;
pub const MAX_OFFSET: usize = 10_000;
const MAX_PARAM_CHARS: usize = 100;
pub(crate) const MAX_CURSOR_CHARS: usize = 200;
const MAX_ID_CHARS: usize = 64;

/// Input refused before it reaches the registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    /// `missing_query`, `empty_query`, `query_too_long`, `invalid_query`, `invalid_limit`,
    /// `invalid_offset`, `invalid_year`, `invalid_date`, `invalid_date_range`, `invalid_cursor`,
    /// `invalid_sha256`, `invalid_id`, `invalid_parameter`, `invalid_kind`.
    pub code: &'static str,
    pub message: String,
}

impl InputError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Query parameters of `/api/v1/search` and `/search`. All strings, so that a non-numeric
/// `limit` gets our own error code rather than a deserializer message.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Search text (names, former names, addresses, plan / facility / corporate numbers);
    /// 1–200 characters, no control characters.
    pub q: Option<String>,
    /// Prefecture, e.g. `東京都`.
    pub prefecture: Option<String>,
    /// `facility`, `cpc`, `organization`, `action` or `plan`.
    pub kind: Option<String>,
    /// e.g. `emergency_order`, `improvement_order`.
    pub action_type: Option<String>,
    /// Year of an action (1900–2100).
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    /// 0–10000 (default 0).
    #[param(value_type = Option<u32>)]
    pub offset: Option<String>,
    /// 1–100 (default 20).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

pub const KINDS: [&str; 5] = ["facility", "cpc", "organization", "action", "plan"];

impl SearchParams {
    pub fn validate(&self) -> Result<SearchRequest, InputError> {
        let q = match self.q.as_deref() {
            None => {
                return Err(InputError::new(
                    "missing_query",
                    "parameter `q` is required",
                ))
            }
            Some(q) => q.trim(),
        };
        if q.is_empty() {
            return Err(InputError::new(
                "empty_query",
                "parameter `q` must not be empty",
            ));
        }
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(InputError::new(
                "query_too_long",
                format!("parameter `q` must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        if q.chars().any(char::is_control) {
            return Err(InputError::new(
                "invalid_query",
                "parameter `q` must not contain control characters",
            ));
        }
        let kind = text_param("kind", self.kind.as_deref())?;
        if let Some(k) = &kind {
            if !KINDS.contains(&k.as_str()) {
                return Err(InputError::new(
                    "invalid_kind",
                    format!("parameter `kind` must be one of {}", KINDS.join(", ")),
                ));
            }
        }
        let action_type = code_param("action_type", self.action_type.as_deref())?;
        let year = match blank_to_none(self.year.as_deref()) {
            None => None,
            Some(y) => match y.parse::<i32>() {
                Ok(y) if (1900..=2100).contains(&y) => Some(y),
                _ => {
                    return Err(InputError::new(
                        "invalid_year",
                        "parameter `year` must be a year between 1900 and 2100",
                    ))
                }
            },
        };
        Ok(SearchRequest {
            q: q.to_owned(),
            prefecture: text_param("prefecture", self.prefecture.as_deref())?,
            kind,
            action_type,
            year,
            offset: offset_param(self.offset.as_deref())?,
            limit: limit_param(self.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?,
        })
    }
}

/// Query parameters of `/api/v1/actions` and `/actions`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionParams {
    /// e.g. `emergency_order`, `improvement_order`, `inspection`.
    pub action_type: Option<String>,
    /// Issuing authority, e.g. `厚生労働省` or `九州厚生局`.
    pub authority: Option<String>,
    /// An article of the Act, e.g. `法第22条`.
    pub article: Option<String>,
    pub prefecture: Option<String>,
    /// Earliest issue date, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Latest issue date, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1–100 (default 20).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

impl ActionParams {
    pub fn validate(&self) -> Result<ActionFilter, InputError> {
        let from = date_param("from", self.from.as_deref())?;
        let to = date_param("to", self.to.as_deref())?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(InputError::new(
                    "invalid_date_range",
                    "parameter `from` must not be after `to`",
                ));
            }
        }
        Ok(ActionFilter {
            action_type: code_param("action_type", self.action_type.as_deref())?,
            authority: text_param("authority", self.authority.as_deref())?,
            article: text_param("article", self.article.as_deref())?,
            prefecture: text_param("prefecture", self.prefecture.as_deref())?,
            from,
            to,
            cursor: cursor_param(self.cursor.as_deref(), MAX_CURSOR_CHARS, |ch| {
                ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | '=' | '~' | ':')
            })?,
            limit: limit_param(self.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?,
        })
    }
}

/// `?as_of=` and `?version=` of facility and organization records.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PointInTimeParams {
    /// Show the history as sources had stated it by this date, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    pub as_of: Option<String>,
    /// Show the record as it stood in this data version (see `/api/v1/versions`); permalinks
    /// name one.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub version: Option<String>,
}

impl PointInTimeParams {
    pub fn validate(&self) -> Result<PointInTime, InputError> {
        let as_of = date_param("as_of", self.as_of.as_deref())?;
        let version =
            match blank_to_none(self.version.as_deref()) {
                None => None,
                Some(s) => match s.parse::<i64>() {
                    Ok(n) if n >= 1 => Some(n),
                    _ => return Err(InputError::new(
                        "invalid_version",
                        "parameter `version` must be a data version number (a positive integer)",
                    )),
                },
            };
        Ok(PointInTime { as_of, version })
    }
}

/// Forms submit empty fields for "any"; treat them as absent.
pub(crate) fn blank_to_none(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// Free text such as a prefecture or an authority: short, without control characters.
pub(crate) fn text_param(name: &str, v: Option<&str>) -> Result<Option<String>, InputError> {
    let Some(v) = blank_to_none(v) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_PARAM_CHARS || v.chars().any(char::is_control) {
        return Err(InputError::new(
            "invalid_parameter",
            format!("parameter `{name}` must be at most {MAX_PARAM_CHARS} characters without control characters"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Machine codes such as `emergency_order`.
fn code_param(name: &str, v: Option<&str>) -> Result<Option<String>, InputError> {
    let Some(v) = blank_to_none(v) else {
        return Ok(None);
    };
    let ok = v.len() <= 40 && v.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if !ok {
        return Err(InputError::new(
            "invalid_parameter",
            format!("parameter `{name}` must be a lowercase code such as `emergency_order`"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// A page size: `default` when absent, else an integer from 1 to `max`.
pub(crate) fn limit_param(
    v: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, InputError> {
    match blank_to_none(v) {
        None => Ok(default),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(InputError::new(
                "invalid_limit",
                format!("parameter `limit` must be an integer from 1 to {max}"),
            )),
        },
    }
}

fn offset_param(v: Option<&str>) -> Result<usize, InputError> {
    match blank_to_none(v) {
        None => Ok(0),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n <= MAX_OFFSET => Ok(n),
            _ => Err(InputError::new(
                "invalid_offset",
                format!("parameter `offset` must be an integer from 0 to {MAX_OFFSET}"),
            )),
        },
    }
}

/// Strict `YYYY-MM-DD` (chrono alone would also accept `2025-3-5`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let shape_ok = s.len() == 10
        && s.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn date_param(name: &str, v: Option<&str>) -> Result<Option<NaiveDate>, InputError> {
    match blank_to_none(v) {
        None => Ok(None),
        Some(s) => parse_date(s).map(Some).ok_or_else(|| {
            InputError::new(
                "invalid_date",
                format!("parameter `{name}` must be a valid date as YYYY-MM-DD"),
            )
        }),
    }
}

/// An opaque cursor as a list handed it out: at most `max_len` bytes, each character one
/// that list's cursors are made of (`allowed`).
pub(crate) fn cursor_param(
    v: Option<&str>,
    max_len: usize,
    allowed: fn(char) -> bool,
) -> Result<Option<String>, InputError> {
    let Some(c) = blank_to_none(v) else {
        return Ok(None);
    };
    if c.len() > max_len || !c.chars().all(allowed) {
        return Err(InputError::new(
            "invalid_cursor",
            "parameter `cursor` must be a value returned as `next_cursor`",
        ));
    }
    Ok(Some(c.to_owned()))
}

/// mieru IDs and plan numbers are short ASCII tokens; dots are refused so `..` can never
/// reach a URL path (`F000123`, `01A2507002`, `jRCTb030190134`).
pub fn validate_id(id: &str) -> Result<&str, InputError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(id)
    } else {
        Err(InputError::new(
            "invalid_id",
            format!("identifier must be 1–{MAX_ID_CHARS} ASCII letters, digits, '-' or '_'"),
        ))
    }
}

/// 64 lowercase hex digits.
pub fn validate_sha256(s: &str) -> Result<&str, InputError> {
    if s.len() == 64 && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')) {
        Ok(s)
    } else {
        Err(InputError::new(
            "invalid_sha256",
            "document hash must be 64 lowercase hexadecimal digits",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_defaults_and_trim() {
        let p = SearchParams {
            q: Some("  銀座  ".into()),
            prefecture: Some(String::new()),
            ..Default::default()
        };
        let r = p.validate().unwrap();
        assert_eq!(r.q, "銀座");
        assert_eq!(r.prefecture, None);
        assert_eq!((r.offset, r.limit), (0, DEFAULT_LIMIT));
    }

    #[test]
    fn search_refusals_have_codes() {
        let code = |p: SearchParams| p.validate().unwrap_err().code;
        let q = |s: &str| SearchParams {
            q: Some(s.into()),
            ..Default::default()
        };
        assert_eq!(code(SearchParams::default()), "missing_query");
        assert_eq!(code(q("   ")), "empty_query");
        assert_eq!(code(q(&"あ".repeat(201))), "query_too_long");
        assert!(q(&"あ".repeat(200)).validate().is_ok());
        assert_eq!(code(q("a\u{0}b")), "invalid_query");
        let with = |f: fn(&mut SearchParams)| {
            let mut p = q("x");
            f(&mut p);
            p.validate().unwrap_err().code
        };
        assert_eq!(with(|p| p.limit = Some("0".into())), "invalid_limit");
        assert_eq!(with(|p| p.limit = Some("101".into())), "invalid_limit");
        assert_eq!(with(|p| p.limit = Some("ten".into())), "invalid_limit");
        assert_eq!(with(|p| p.offset = Some("10001".into())), "invalid_offset");
        assert_eq!(with(|p| p.year = Some("20x5".into())), "invalid_year");
        assert_eq!(with(|p| p.kind = Some("person".into())), "invalid_kind");
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-03-05").is_some());
        assert!(parse_date("2025-3-5").is_none());
        assert!(parse_date("2025-02-30").is_none());
        assert!(parse_date("２０２５-03-05").is_none());
        let p = ActionParams {
            from: Some("2025-03-05".into()),
            to: Some("2024-01-01".into()),
            ..Default::default()
        };
        assert_eq!(p.validate().unwrap_err().code, "invalid_date_range");
    }

    #[test]
    fn ids_and_hashes() {
        assert!(validate_id("F000123").is_ok());
        assert!(validate_id("jRCTb030190134").is_ok());
        assert!(validate_id("../etc").is_err());
        assert!(validate_id("").is_err());
        assert!(validate_sha256(&"a".repeat(64)).is_ok());
        assert!(validate_sha256(&"A".repeat(64)).is_err());
        assert!(validate_sha256("abc").is_err());
    }
}
