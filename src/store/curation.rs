//! Curation tables: curators (tokens stored as SHA-256 only), the audit log, public
//! correction reports and annotations. Source facts are only read here, never written.

use super::entities::reserve_ids;
use super::schema::{annotations, audit_log, corrections, curators, facts, judgements};
use super::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = curators, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CuratorRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub token_sha256: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// JSON object.
    pub detail: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAudit<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub reason: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = corrections, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CorrectionRow {
    pub id: String,
    pub kind: String,
    pub entity_id: String,
    pub other_id: Option<String>,
    pub fact_id: Option<i64>,
    pub message: String,
    pub status: String,
    pub submitted_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = annotations, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct AnnotationRow {
    pub id: i64,
    pub entity_id: String,
    pub fact_id: Option<i64>,
    pub kind: String,
    pub text: String,
    pub author: String,
    pub reason: String,
    pub correction_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<String>,
    pub withdraw_reason: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = annotations)]
pub struct NewAnnotation<'a> {
    pub entity_id: &'a str,
    pub fact_id: Option<i64>,
    pub kind: &'a str,
    pub text: &'a str,
    pub author: &'a str,
    pub reason: &'a str,
    pub correction_id: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// A human judgement as the history shows it (the correction it came from, if any).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = judgements, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct JudgementNote {
    pub left_subject: String,
    pub right_subject: String,
    pub verdict: String,
    pub author: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub correction_id: Option<String>,
}

// ---- curators ----

pub fn curator_by_name(
    conn: &mut DbConnection,
    name: &str,
) -> Result<Option<CuratorRow>, StoreError> {
    Ok(curators::table
        .filter(curators::name.eq(name))
        .select(CuratorRow::as_select())
        .first(conn)
        .optional()?)
}

/// The curator holding a token, by the token's SHA-256 (revoked ones included: the caller
/// decides, so a revoked token is told apart from an unknown one in the logs).
pub fn curator_by_token_hash(
    conn: &mut DbConnection,
    token_sha256: &str,
) -> Result<Option<CuratorRow>, StoreError> {
    Ok(curators::table
        .filter(curators::token_sha256.eq(token_sha256))
        .select(CuratorRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn all_curators(conn: &mut DbConnection) -> Result<Vec<CuratorRow>, StoreError> {
    Ok(curators::table
        .order(curators::name.asc())
        .select(CuratorRow::as_select())
        .load(conn)?)
}

pub fn insert_curator(
    conn: &mut DbConnection,
    name: &str,
    role: &str,
    token_sha256: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(curators::table)
        .values((
            curators::name.eq(name),
            curators::role.eq(role),
            curators::token_sha256.eq(token_sha256),
            curators::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives a revoked curator a new token and role (the row, and so the name, stays unique).
pub fn reinstate_curator(
    conn: &mut DbConnection,
    name: &str,
    role: &str,
    token_sha256: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        curators::table
            .filter(curators::name.eq(name))
            .filter(curators::revoked_at.is_not_null()),
    )
    .set((
        curators::role.eq(role),
        curators::token_sha256.eq(token_sha256),
        curators::created_at.eq(now),
        curators::revoked_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?)
}

/// Revokes an active curator; returns how many rows changed (0: unknown or already revoked).
pub fn revoke_curator(
    conn: &mut DbConnection,
    name: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        curators::table
            .filter(curators::name.eq(name))
            .filter(curators::revoked_at.is_null()),
    )
    .set(curators::revoked_at.eq(Some(now)))
    .execute(conn)?)
}

// ---- audit log ----

pub fn audit(conn: &mut DbConnection, entry: NewAudit<'_>) -> Result<(), StoreError> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)?;
    Ok(())
}

/// Audit entries newest first, strictly before `before_id` when given.
pub fn audit_page(
    conn: &mut DbConnection,
    before_id: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut q = audit_log::table
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before_id {
        q = q.filter(audit_log::id.lt(before));
    }
    Ok(q.load(conn)?)
}

// ---- corrections ----

/// Stores a new report under the next `R-NNNNNN` ID and returns it; an open report saying
/// exactly the same is returned instead of a copy.
pub fn insert_correction(
    conn: &mut DbConnection,
    kind: &str,
    entity_id: &str,
    other_id: Option<&str>,
    fact_id: Option<i64>,
    message: &str,
    now: NaiveDateTime,
) -> Result<CorrectionRow, StoreError> {
    conn.transaction(|conn| {
        // The same report again (a double submit, a reload, a script): the open one stands
        // for both, so the public log does not fill with copies.
        let mut same = corrections::table
            .filter(corrections::entity_id.eq(entity_id))
            .filter(corrections::kind.eq(kind))
            .filter(corrections::status.eq("open"))
            .filter(corrections::message.eq(message))
            .into_boxed();
        same = match other_id {
            Some(o) => same.filter(corrections::other_id.eq(o)),
            None => same.filter(corrections::other_id.is_null()),
        };
        same = match fact_id {
            Some(f) => same.filter(corrections::fact_id.eq(f)),
            None => same.filter(corrections::fact_id.is_null()),
        };
        if let Some(existing) = same
            .select(CorrectionRow::as_select())
            .first(conn)
            .optional()?
        {
            return Ok(existing);
        }
        let n = reserve_ids(conn, "R-", 1)?;
        let row = CorrectionRow {
            id: format!("R-{n:06}"),
            kind: kind.to_owned(),
            entity_id: entity_id.to_owned(),
            other_id: other_id.map(str::to_owned),
            fact_id,
            message: message.to_owned(),
            status: "open".to_owned(),
            submitted_at: now,
            decided_at: None,
            decided_by: None,
            decision_reason: None,
            outcome: None,
        };
        diesel::insert_into(corrections::table)
            .values(&row)
            .execute(conn)?;
        Ok(row)
    })
}

pub fn correction(conn: &mut DbConnection, id: &str) -> Result<Option<CorrectionRow>, StoreError> {
    Ok(corrections::table
        .find(id)
        .select(CorrectionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Reports newest first (by submission time, then ID), strictly after the cursor position
/// `(submitted_at, id)` of the previous page's last item.
pub fn correction_page(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<CorrectionRow>, StoreError> {
    let mut q = corrections::table
        .select(CorrectionRow::as_select())
        .order((corrections::submitted_at.desc(), corrections::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        q = q.filter(corrections::status.eq(status.to_owned()));
    }
    if let Some((at, id)) = after {
        q = q.filter(
            corrections::submitted_at
                .lt(at)
                .or(corrections::submitted_at.eq(at).and(corrections::id.lt(id))),
        );
    }
    Ok(q.load(conn)?)
}

/// Accepted reports, oldest decision first (for the histories).
pub fn accepted_corrections(conn: &mut DbConnection) -> Result<Vec<CorrectionRow>, StoreError> {
    Ok(corrections::table
        .filter(corrections::status.eq("accepted"))
        .order((corrections::decided_at.asc(), corrections::id.asc()))
        .select(CorrectionRow::as_select())
        .load(conn)?)
}

/// Records a decision on an open report; returns 0 when it was no longer open (someone else
/// decided first), so a report is decided once.
pub fn close_correction(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    by: &str,
    reason: &str,
    outcome: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        corrections::table
            .filter(corrections::id.eq(id))
            .filter(corrections::status.eq("open")),
    )
    .set((
        corrections::status.eq(status),
        corrections::decided_at.eq(Some(now)),
        corrections::decided_by.eq(Some(by)),
        corrections::decision_reason.eq(Some(reason)),
        corrections::outcome.eq(Some(outcome)),
    ))
    .execute(conn)?)
}

// ---- annotations ----

/// Stores an annotation and returns it with its ID.
pub fn insert_annotation(
    conn: &mut DbConnection,
    new: NewAnnotation<'_>,
) -> Result<AnnotationRow, StoreError> {
    conn.transaction(|conn| {
        diesel::insert_into(annotations::table)
            .values(&new)
            .execute(conn)?;
        // Diesel cannot return the generated key through `MultiConnection`: read the row
        // back by what this insert alone has (author and microsecond timestamp included).
        Ok(annotations::table
            .filter(annotations::entity_id.eq(new.entity_id))
            .filter(annotations::kind.eq(new.kind))
            .filter(annotations::author.eq(new.author))
            .filter(annotations::created_at.eq(new.created_at))
            .order(annotations::id.desc())
            .select(AnnotationRow::as_select())
            .first(conn)?)
    })
}

pub fn annotation(conn: &mut DbConnection, id: i64) -> Result<Option<AnnotationRow>, StoreError> {
    Ok(annotations::table
        .find(id)
        .select(AnnotationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every annotation, withdrawn ones included, oldest first.
pub fn all_annotations(conn: &mut DbConnection) -> Result<Vec<AnnotationRow>, StoreError> {
    Ok(annotations::table
        .order(annotations::id.asc())
        .select(AnnotationRow::as_select())
        .load(conn)?)
}

/// Active `hide_fact` annotations on one fact.
pub fn active_hides_of(
    conn: &mut DbConnection,
    fact_id: i64,
) -> Result<Vec<AnnotationRow>, StoreError> {
    Ok(annotations::table
        .filter(annotations::fact_id.eq(fact_id))
        .filter(annotations::kind.eq("hide_fact"))
        .filter(annotations::withdrawn_at.is_null())
        .order(annotations::id.asc())
        .select(AnnotationRow::as_select())
        .load(conn)?)
}

/// Withdraws an active annotation; returns 0 when it was already withdrawn.
pub fn withdraw_annotation(
    conn: &mut DbConnection,
    id: i64,
    by: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        annotations::table
            .filter(annotations::id.eq(id))
            .filter(annotations::withdrawn_at.is_null()),
    )
    .set((
        annotations::withdrawn_at.eq(Some(now)),
        annotations::withdrawn_by.eq(Some(by)),
        annotations::withdraw_reason.eq(Some(reason)),
    ))
    .execute(conn)?)
}

// ---- judgements and facts, as curation needs them ----

/// Marks the judgement on a pair of subject keys (either order) as made by accepting a
/// correction, so the history tells it as that correction.
pub fn tag_judgement(
    conn: &mut DbConnection,
    a: &str,
    b: &str,
    correction_id: &str,
) -> Result<(), StoreError> {
    let (left, right) = if a <= b { (a, b) } else { (b, a) };
    diesel::update(
        judgements::table
            .filter(judgements::left_subject.eq(left))
            .filter(judgements::right_subject.eq(right)),
    )
    .set(judgements::correction_id.eq(Some(correction_id)))
    .execute(conn)?;
    Ok(())
}

pub fn judgement_notes(conn: &mut DbConnection) -> Result<Vec<JudgementNote>, StoreError> {
    Ok(judgements::table
        .order(judgements::id.asc())
        .select(JudgementNote::as_select())
        .load(conn)?)
}

/// A fact's subject key, if the fact exists.
pub fn fact_subject(conn: &mut DbConnection, fact_id: i64) -> Result<Option<String>, StoreError> {
    Ok(facts::table
        .find(fact_id)
        .select(facts::subject)
        .first(conn)
        .optional()?)
}

/// Facts of the given subjects with the URL of the document stating each, by ID.
pub fn facts_of_subjects(
    conn: &mut DbConnection,
    subjects: &std::collections::BTreeSet<String>,
) -> Result<Vec<(super::models::FactRow, String)>, StoreError> {
    use super::models::FactRow;
    use super::schema::documents;
    let mut out = Vec::new();
    let subjects: Vec<&String> = subjects.iter().collect();
    // Bounded IN lists: far below either backend's bound-parameter limit.
    for chunk in subjects.chunks(500) {
        let rows: Vec<(FactRow, String)> = facts::table
            .inner_join(documents::table)
            .filter(facts::subject.eq_any(chunk.iter().map(|s| s.as_str())))
            .select((FactRow::as_select(), documents::url))
            .load(conn)?;
        out.extend(rows);
    }
    out.sort_by_key(|(f, _)| f.id);
    Ok(out)
}
