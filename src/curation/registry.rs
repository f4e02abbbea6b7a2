//! Curation as the web layer sees it: `DbRegistry`'s curation methods delegate here. Rows
//! become the public contract (`mieru_web::curation`); a change that alters records answers
//! with the refresh job it queued, and rings this process's worker.

use super::{corrections, ops, Applied, CurationError};
use crate::pipeline::job_worker::JobBell;
use crate::pipeline::jobs::job_ref;
use crate::store::{self, curation as db, DbConnection, DbPool, PooledConn, StoreError};
use chrono::NaiveDateTime;
use mieru_web::curation::*;
use mieru_web::jobs::WithJob;
use mieru_web::model::{EntityRef, Page};
use mieru_web::registry::RegistryError;
use std::collections::BTreeSet;

fn unavailable(e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Unavailable(e.to_string())
}

fn conn(pool: &DbPool) -> Result<PooledConn, RegistryError> {
    pool.get().map_err(unavailable)
}

/// A refusal is an answer for the client; a storage failure is the registry's.
fn answer<T>(r: Result<T, CurationError>) -> Result<Curated<T>, RegistryError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(CurationError::Refused(refusal)) => Ok(Err(refusal)),
        Err(CurationError::Store(e)) => Err(unavailable(e)),
    }
}

/// A committed change with its job, as the answer shows it (`public` maps the value), and the
/// worker woken for the job.
fn queued<T, U>(
    applied: Applied<T>,
    bell: &JobBell,
    public: impl FnOnce(T) -> Result<U, StoreError>,
) -> Result<WithJob<U>, CurationError> {
    let job = match &applied.job {
        Some(row) => {
            bell.ring();
            Some(job_ref(row)?)
        }
        None => None,
    };
    Ok(WithJob {
        value: public(applied.value)?,
        job,
    })
}

pub fn authenticate(pool: &DbPool, token: &str) -> Result<Option<CuratorInfo>, RegistryError> {
    let mut conn = conn(pool)?;
    super::authenticate(&mut conn, token).map_err(unavailable)
}

fn entity_ref(conn: &mut DbConnection, id: &str) -> Result<EntityRef, StoreError> {
    let e = store::entities::get(conn, id)?;
    Ok(EntityRef {
        id: id.to_owned(),
        entity: e.as_ref().map(|e| e.kind.clone()).unwrap_or_default(),
        name: e.map(|e| e.name).unwrap_or_default(),
        role: None,
    })
}

fn public(conn: &mut DbConnection, row: db::CorrectionRow) -> Result<Correction, StoreError> {
    let kind = CorrectionKind::parse(&row.kind)
        .ok_or_else(|| StoreError::Corrupt(format!("correction {} kind {}", row.id, row.kind)))?;
    let other = match &row.other_id {
        Some(o) => Some(entity_ref(conn, o)?),
        None => None,
    };
    Ok(Correction {
        entity: entity_ref(conn, &row.entity_id)?,
        other,
        id: row.id,
        kind,
        fact_id: row.fact_id,
        message: row.message,
        status: row.status,
        submitted_at: row.submitted_at.and_utc(),
        decided_at: row.decided_at.map(|t| t.and_utc()),
        decided_by: row.decided_by,
        decision_reason: row.decision_reason,
        outcome: row.outcome,
    })
}

fn public_annotation(row: db::AnnotationRow) -> Result<Annotation, StoreError> {
    let kind = AnnotationKind::parse(&row.kind)
        .ok_or_else(|| StoreError::Corrupt(format!("annotation {} kind {}", row.id, row.kind)))?;
    Ok(Annotation {
        id: row.id,
        kind,
        entity_id: row.entity_id,
        fact_id: row.fact_id,
        text: row.text,
        author: row.author,
        reason: row.reason,
        correction_id: row.correction_id,
        created_at: row.created_at.and_utc(),
        withdrawn_at: row.withdrawn_at.map(|t| t.and_utc()),
        withdrawn_by: row.withdrawn_by,
        withdraw_reason: row.withdraw_reason,
    })
}

pub fn submit(pool: &DbPool, new: &NewCorrection) -> Result<Curated<Correction>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(corrections::submit(&mut conn, new).and_then(|row| Ok(public(&mut conn, row)?)))
}

pub fn get(pool: &DbPool, id: &str) -> Result<Option<Correction>, RegistryError> {
    let mut conn = conn(pool)?;
    match corrections::get(&mut conn, id).map_err(unavailable)? {
        Some(row) => Ok(Some(public(&mut conn, row).map_err(unavailable)?)),
        None => Ok(None),
    }
}

/// Cursor of the report log: the last item's submission time and ID, hex-encoded.
fn encode_cursor(at: NaiveDateTime, id: &str) -> String {
    hex::encode(format!("{}|{id}", at.format("%Y-%m-%dT%H:%M:%S%.6f")))
}

fn decode_cursor(cursor: &str) -> Result<(NaiveDateTime, String), RegistryError> {
    let bad = || RegistryError::BadRequest("invalid cursor".into());
    let text = String::from_utf8(hex::decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    let (at, id) = text.split_once('|').ok_or_else(bad)?;
    let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.f").map_err(|_| bad())?;
    if !corrections::valid_id(id) {
        return Err(bad());
    }
    Ok((at, id.to_owned()))
}

pub fn list(pool: &DbPool, filter: &CorrectionFilter) -> Result<Page<Correction>, RegistryError> {
    let after = filter.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = filter.limit.clamp(1, 200);
    let mut conn = conn(pool)?;
    // One more than asked tells whether another page follows.
    let mut rows = corrections::list(&mut conn, after, filter.status.as_deref(), limit + 1)
        .map_err(unavailable)?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|r| encode_cursor(r.submitted_at, &r.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| public(&mut conn, r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(unavailable)?;
    Ok(Page { items, next_cursor })
}

pub fn decide(
    pool: &DbPool,
    bell: &JobBell,
    id: &str,
    decision: &Decision,
    by: &CuratorInfo,
) -> Result<Curated<WithJob<Correction>>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(
        corrections::decide(&mut conn, id, decision, by)
            .and_then(|applied| queued(applied, bell, |row| public(&mut conn, row))),
    )
}

pub fn judge(
    pool: &DbPool,
    bell: &JobBell,
    request: &JudgementRequest,
    by: &CuratorInfo,
) -> Result<Curated<WithJob<JudgementRecorded>>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(ops::judge(&mut conn, request, by).and_then(|applied| queued(applied, bell, Ok)))
}

pub fn annotate(
    pool: &DbPool,
    bell: &JobBell,
    new: &NewAnnotation,
    by: &CuratorInfo,
) -> Result<Curated<WithJob<Annotation>>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(
        ops::annotate(&mut conn, new, by)
            .and_then(|applied| queued(applied, bell, public_annotation)),
    )
}

pub fn withdraw(
    pool: &DbPool,
    bell: &JobBell,
    id: i64,
    reason: &str,
    by: &CuratorInfo,
) -> Result<Curated<WithJob<Annotation>>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(
        ops::withdraw(&mut conn, id, reason, by)
            .and_then(|applied| queued(applied, bell, public_annotation)),
    )
}

/// Every stored fact of a record's members (following a redirect), hidden ones marked.
pub fn entity_facts(pool: &DbPool, id: &str) -> Result<Option<Vec<FactInfo>>, RegistryError> {
    let mut conn = conn(pool)?;
    let mut id = id.to_owned();
    for _ in 0..8 {
        match store::entities::get(&mut conn, &id).map_err(unavailable)? {
            None => return Ok(None),
            Some(e) => match e.merged_into {
                Some(next) => id = next,
                None => break,
            },
        }
    }
    let members: BTreeSet<String> = store::entities::members_of(&mut conn, &id)
        .map_err(unavailable)?
        .into_iter()
        .collect();
    let hidden: BTreeSet<i64> = db::all_annotations(&mut conn)
        .map_err(unavailable)?
        .into_iter()
        .filter(|a| a.kind == "hide_fact" && a.withdrawn_at.is_none())
        .filter_map(|a| a.fact_id)
        .collect();
    let rows = db::facts_of_subjects(&mut conn, &members).map_err(unavailable)?;
    Ok(Some(
        rows.into_iter()
            .map(|(f, url)| FactInfo {
                hidden: hidden.contains(&f.id),
                id: f.id,
                subject: f.subject,
                property: f.property,
                value: f.value,
                source_url: url,
                sha256: f.last_sha256,
                first_seen: f.first_seen.and_utc(),
                last_seen: f.last_seen.and_utc(),
                retracted: f.retracted_at.is_some(),
            })
            .collect(),
    ))
}

pub fn audit_log(pool: &DbPool, filter: &AuditFilter) -> Result<Page<AuditEntry>, RegistryError> {
    let before = match filter.cursor.as_deref() {
        None => None,
        Some(c) => Some(
            hex::decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| RegistryError::BadRequest("invalid cursor".into()))?,
        ),
    };
    let limit = filter.limit.clamp(1, 200);
    let mut conn = conn(pool)?;
    let mut rows = db::audit_page(&mut conn, before, i64::try_from(limit + 1).unwrap_or(201))
        .map_err(unavailable)?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|r| hex::encode(r.id.to_string()))
    } else {
        None
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                actor: r.actor,
                action: r.action,
                target: r.target,
                reason: r.reason,
                at: r.created_at.and_utc(),
            })
            .collect(),
        next_cursor,
    })
}

pub fn add_curator(
    pool: &DbPool,
    new: &NewCurator,
    by: &CuratorInfo,
) -> Result<Curated<IssuedToken>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(
        super::add_curator(&mut conn, &new.name, new.role, &by.name).map(|token| IssuedToken {
            name: new.name.clone(),
            role: new.role,
            token,
        }),
    )
}

pub fn revoke_curator(
    pool: &DbPool,
    name: &str,
    reason: &str,
    by: &CuratorInfo,
) -> Result<Curated<()>, RegistryError> {
    let mut conn = conn(pool)?;
    answer(
        super::required_text(reason, "reason", MAX_REASON_CHARS)
            .map_err(CurationError::from)
            .and_then(|reason| super::revoke_curator(&mut conn, name, &by.name, &reason)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .and_then(|d| d.and_hms_micro_opt(10, 1, 2, 345_678))
            .unwrap_or_default();
        let c = encode_cursor(at, "R-000012");
        assert_eq!(decode_cursor(&c).ok(), Some((at, "R-000012".to_owned())));
        for bad in [
            "",
            "zz",
            &hex::encode("x|R-1"),
            &hex::encode("2026-01-01T00:00:00|F1"),
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
