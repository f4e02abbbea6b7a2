//! Curators' direct operations: judge two records, annotate a record (hide a fact pending
//! review, mark it outdated, add a note), withdraw an annotation. Each writes the audit log and
//! queues the refresh that makes records and histories show it, in the change's transaction.

use super::corrections::review_refusal;
use super::{audit, check_entity, required_text, Applied, CurationError};
use crate::pipeline::jobs::queue_refresh;
use crate::pipeline::resolve::review;
use crate::store::{self, curation as db, curation::AnnotationRow, DbConnection};
use chrono::NaiveDateTime;
use diesel::Connection;
use mieru_web::curation::{
    AnnotationKind, CuratorInfo, JudgementRecorded, JudgementRequest, NewAnnotation, Refusal,
    MAX_REASON_CHARS,
};

/// Records a human judgement on two records (IDs or subject keys); it wins over every rule on
/// this and every later resolution.
pub fn judge(
    conn: &mut DbConnection,
    request: &JudgementRequest,
    by: &CuratorInfo,
) -> Result<Applied<JudgementRecorded>, CurationError> {
    let reason = required_text(&request.reason, "reason", MAX_REASON_CHARS)?;
    let verdict = review::Verdict::parse(&request.verdict).map_err(review_refusal)?;
    for side in [&request.left, &request.right] {
        if side.trim().is_empty() || side.chars().count() > 300 {
            return Err(
                Refusal::invalid("invalid_id", "left and right are IDs or subject keys").into(),
            );
        }
    }
    conn.transaction(|conn| -> Result<_, CurationError> {
        let (left, right) = review::record(
            conn,
            request.left.trim(),
            request.right.trim(),
            verdict,
            &by.name,
            &reason,
        )
        .map_err(review_refusal)?;
        let target = format!("{left} / {right}");
        audit(
            conn,
            &by.name,
            "judgement.record",
            &target,
            serde_json::json!({
                "left": request.left.trim(),
                "right": request.right.trim(),
                "verdict": verdict.as_str(),
            }),
            &reason,
            store::now(),
        )?;
        let job = queue_refresh(conn, &by.name, "judgement.record", &target)?;
        Ok(Applied {
            value: JudgementRecorded {
                left_subject: left,
                right_subject: right,
                verdict: verdict.as_str().to_owned(),
                author: by.name.clone(),
                reason: reason.clone(),
            },
            job: Some(job),
        })
    })
}

/// `mieru resolve judge`: records a judgement as `author` (free text: the command line has
/// no token) and audits it, in one transaction. The caller re-resolves in the foreground (a
/// command, not a request: no job).
pub fn judge_from_cli(
    conn: &mut DbConnection,
    a: &str,
    b: &str,
    verdict: review::Verdict,
    author: &str,
    reason: &str,
) -> Result<(String, String), CurationError> {
    conn.transaction(|conn| {
        let (left, right) =
            review::record(conn, a, b, verdict, author, reason).map_err(review_refusal)?;
        audit(
            conn,
            &format!("cli:{author}"),
            "judgement.record",
            &format!("{left} / {right}"),
            serde_json::json!({ "left": a, "right": b, "verdict": verdict.as_str() }),
            reason,
            store::now(),
        )?;
        Ok((left, right))
    })
}

/// What an annotation says, before checks.
pub(crate) struct AnnotationInput<'a> {
    pub kind: &'a str,
    pub entity_id: Option<&'a str>,
    pub fact_id: Option<i64>,
    pub text: &'a str,
    pub reason: &'a str,
    pub correction_id: Option<&'a str>,
}

/// Checks and stores an annotation, and audits it (inside the caller's transaction).
pub(crate) fn insert_annotation(
    conn: &mut DbConnection,
    input: AnnotationInput<'_>,
    by: &CuratorInfo,
    now: NaiveDateTime,
) -> Result<AnnotationRow, CurationError> {
    let kind = AnnotationKind::parse(input.kind)
        .ok_or_else(|| Refusal::invalid("unknown_kind", "hide_fact, outdated or note"))?;
    let reason = required_text(input.reason, "reason", MAX_REASON_CHARS)?;
    let text = match kind {
        // A hidden fact speaks for itself; a text is optional.
        AnnotationKind::HideFact if input.text.trim().is_empty() => String::new(),
        _ => required_text(input.text, "text", MAX_REASON_CHARS)?,
    };
    let entity_id = match (kind, input.fact_id) {
        (AnnotationKind::HideFact, None) => {
            return Err(Refusal::invalid("missing_fact", "hide_fact needs a fact_id").into())
        }
        (AnnotationKind::HideFact, Some(fact)) => {
            let subject = db::fact_subject(conn, fact)?
                .ok_or_else(|| Refusal::invalid("unknown_fact", format!("no fact {fact}")))?;
            if !db::active_hides_of(conn, fact)?.is_empty() {
                return Err(Refusal::Conflict(format!("fact {fact} is already hidden")).into());
            }
            match input.entity_id {
                Some(e) => check_entity(conn, e)?,
                // The record the fact belongs to (its subject's entity).
                None => store::entities::members(conn)?
                    .remove(&subject)
                    .ok_or_else(|| {
                        Refusal::invalid(
                            "unknown_entity",
                            format!("fact {fact} belongs to no record; give entity_id"),
                        )
                    })?,
            }
        }
        (_, Some(_)) => {
            return Err(Refusal::invalid("unexpected_fact", "fact_id is only for hide_fact").into())
        }
        (_, None) => check_entity(
            conn,
            input
                .entity_id
                .ok_or_else(|| Refusal::invalid("missing_entity", "give entity_id"))?,
        )?,
    };
    let row = db::insert_annotation(
        conn,
        db::NewAnnotation {
            entity_id: &entity_id,
            fact_id: input.fact_id,
            kind: kind.as_str(),
            text: &text,
            author: &by.name,
            reason: &reason,
            correction_id: input.correction_id,
            created_at: now,
        },
    )?;
    audit(
        conn,
        &by.name,
        "annotation.add",
        &format!("annotation {}", row.id),
        serde_json::json!({
            "kind": row.kind,
            "entity_id": row.entity_id,
            "fact_id": row.fact_id,
            "text": row.text,
            "correction_id": row.correction_id,
        }),
        &reason,
        now,
    )?;
    Ok(row)
}

/// Adds an annotation as `by` and queues the refresh that shows it.
pub fn annotate(
    conn: &mut DbConnection,
    new: &NewAnnotation,
    by: &CuratorInfo,
) -> Result<Applied<AnnotationRow>, CurationError> {
    conn.transaction(|conn| -> Result<_, CurationError> {
        let row = insert_annotation(
            conn,
            AnnotationInput {
                kind: new.kind.as_str(),
                entity_id: new.entity_id.as_deref(),
                fact_id: new.fact_id,
                text: new.text.as_deref().unwrap_or(""),
                reason: &new.reason,
                correction_id: None,
            },
            by,
            store::now(),
        )?;
        let job = queue_refresh(
            conn,
            &by.name,
            "annotation.add",
            &format!("annotation {}", row.id),
        )?;
        Ok(Applied {
            value: row,
            job: Some(job),
        })
    })
}

/// Hides a fact from its record pending review (the fact stays stored).
pub fn hide_fact(
    conn: &mut DbConnection,
    fact_id: i64,
    reason: &str,
    by: &CuratorInfo,
) -> Result<Applied<AnnotationRow>, CurationError> {
    annotate(
        conn,
        &NewAnnotation {
            kind: AnnotationKind::HideFact,
            entity_id: None,
            fact_id: Some(fact_id),
            text: None,
            reason: reason.to_owned(),
        },
        by,
    )
}

/// Withdraws an annotation (its row stays, with who withdrew it, when and why).
pub fn withdraw(
    conn: &mut DbConnection,
    id: i64,
    reason: &str,
    by: &CuratorInfo,
) -> Result<Applied<AnnotationRow>, CurationError> {
    let reason = required_text(reason, "reason", MAX_REASON_CHARS)?;
    conn.transaction(|conn| -> Result<_, CurationError> {
        let now = store::now();
        let a = db::annotation(conn, id)?.ok_or(Refusal::NotFound("annotation"))?;
        if db::withdraw_annotation(conn, id, &by.name, &reason, now)? != 1 {
            return Err(Refusal::Conflict(format!("annotation {id} is already withdrawn")).into());
        }
        audit(
            conn,
            &by.name,
            "annotation.withdraw",
            &format!("annotation {id}"),
            serde_json::json!({
                "kind": a.kind,
                "entity_id": a.entity_id,
                "fact_id": a.fact_id,
            }),
            &reason,
            now,
        )?;
        let job = queue_refresh(
            conn,
            &by.name,
            "annotation.withdraw",
            &format!("annotation {id}"),
        )?;
        Ok(Applied {
            value: db::annotation(conn, id)?.unwrap_or(a),
            job: Some(job),
        })
    })
}

/// Shows a hidden fact again: withdraws every active `hide_fact` annotation on it.
pub fn unhide(
    conn: &mut DbConnection,
    fact_id: i64,
    reason: &str,
    by: &CuratorInfo,
) -> Result<Applied<Vec<AnnotationRow>>, CurationError> {
    let reason = required_text(reason, "reason", MAX_REASON_CHARS)?;
    conn.transaction(|conn| -> Result<_, CurationError> {
        let now = store::now();
        let hides = db::active_hides_of(conn, fact_id)?;
        if hides.is_empty() {
            return Err(Refusal::Conflict(format!("fact {fact_id} is not hidden")).into());
        }
        let mut out = Vec::new();
        for a in hides {
            db::withdraw_annotation(conn, a.id, &by.name, &reason, now)?;
            audit(
                conn,
                &by.name,
                "annotation.withdraw",
                &format!("annotation {}", a.id),
                serde_json::json!({ "kind": a.kind, "entity_id": a.entity_id, "fact_id": a.fact_id }),
                &reason,
                now,
            )?;
            out.extend(db::annotation(conn, a.id)?);
        }
        let job = queue_refresh(
            conn,
            &by.name,
            "annotation.withdraw",
            &format!("fact {fact_id}"),
        )?;
        Ok(Applied {
            value: out,
            job: Some(job),
        })
    })
}
