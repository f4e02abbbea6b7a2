//! Public correction reports: anyone files one; a curator accepts or rejects it with a reason.
//! Accepting turns it into a human judgement (link reports) or an annotation (fact and
//! outdated reports) — never into an edit of a source fact.

use super::{audit, check_entity, required_text, Applied, CurationError};
use crate::pipeline::jobs::queue_refresh;
use crate::pipeline::resolve::review::{self, ReviewError, Verdict as JudgementVerdict};
use crate::store::{self, curation as db, curation::CorrectionRow, DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::Connection;
use mieru_web::curation::{
    CorrectionKind, CuratorInfo, Decision, NewCorrection, Refusal, Verdict, MAX_MESSAGE_CHARS,
    MAX_REASON_CHARS,
};

/// What an accepted report changed, as stored in `corrections.outcome`: machine-readable so
/// pages and histories can word it in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `judgement:<verdict>` — a human judgement on the report's two records.
    Judgement(String),
    /// `annotation:<id>:<kind>` — an annotation on the record.
    Annotation(i64, String),
    /// `none` — rejected.
    None,
}

impl Outcome {
    pub fn encode(&self) -> String {
        match self {
            Outcome::Judgement(v) => format!("judgement:{v}"),
            Outcome::Annotation(id, kind) => format!("annotation:{id}:{kind}"),
            Outcome::None => "none".to_owned(),
        }
    }

    pub fn decode(s: &str) -> Outcome {
        let mut parts = s.split(':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("judgement"), Some(v), None) => Outcome::Judgement(v.to_owned()),
            (Some("annotation"), Some(id), Some(kind)) => match id.parse() {
                Ok(id) => Outcome::Annotation(id, kind.to_owned()),
                Err(_) => Outcome::None,
            },
            _ => Outcome::None,
        }
    }
}

/// Files a report after checking it: a known record (and, for link reports, a different
/// second one), an existing fact if one is named, and a message within bounds.
pub fn submit(
    conn: &mut DbConnection,
    new: &NewCorrection,
) -> Result<CorrectionRow, CurationError> {
    let message = required_text(&new.message, "message", MAX_MESSAGE_CHARS)?;
    let entity = check_entity(conn, &new.entity_id)?;
    let other = match (
        new.kind.needs_other(),
        new.other_id.as_deref().map(str::trim),
    ) {
        (true, Some(o)) if !o.is_empty() => {
            let other = check_entity(conn, o)?;
            if other == entity {
                return Err(Refusal::invalid(
                    "same_entity",
                    "a link report names two different records",
                )
                .into());
            }
            Some(other)
        }
        (true, _) => {
            return Err(Refusal::invalid(
                "missing_other",
                "a link report names the other record (other_id)",
            )
            .into())
        }
        (false, Some(o)) if !o.is_empty() => {
            return Err(Refusal::invalid(
                "unexpected_other",
                "other_id is only for wrong_link and missing_link reports",
            )
            .into())
        }
        (false, _) => None,
    };
    if let Some(f) = new.fact_id {
        if db::fact_subject(conn, f)?.is_none() {
            return Err(Refusal::invalid("unknown_fact", format!("no fact {f}")).into());
        }
    }
    Ok(db::insert_correction(
        conn,
        new.kind.as_str(),
        &entity,
        other.as_deref(),
        new.fact_id,
        &message,
        store::now(),
    )?)
}

/// A report ID as shown (`R-000001`), checked for shape before any lookup.
pub fn valid_id(id: &str) -> bool {
    id.len() <= 16
        && id
            .strip_prefix("R-")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<CorrectionRow>, StoreError> {
    if !valid_id(id) {
        return Ok(None);
    }
    db::correction(conn, id)
}

/// Reports newest first; `after` is the last item of the previous page.
pub fn list(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    status: Option<&str>,
    limit: usize,
) -> Result<Vec<CorrectionRow>, StoreError> {
    db::correction_page(
        conn,
        after,
        status,
        i64::try_from(limit).unwrap_or(i64::MAX),
    )
}

/// One report on one line, for the command line.
pub fn one_line(r: &CorrectionRow) -> String {
    let other = r
        .other_id
        .as_deref()
        .map(|o| format!(" / {o}"))
        .unwrap_or_default();
    let decided = match (&r.decided_by, &r.decision_reason) {
        (Some(by), Some(reason)) => format!("\t{by}: {reason}"),
        _ => String::new(),
    };
    let message: String = r.message.chars().take(80).collect();
    format!(
        "{}\t{}\t{}\t{}{other}\t{}\t{}{decided}",
        r.id,
        r.submitted_at.format("%Y-%m-%d %H:%M"),
        r.status,
        r.entity_id,
        r.kind,
        message.replace('\n', " ")
    )
}

/// The judgement a link report asks for by default, and the ones a curator may choose.
fn link_verdict(kind: CorrectionKind, asked: Option<&str>) -> Result<JudgementVerdict, Refusal> {
    let (default, allowed): (JudgementVerdict, &[JudgementVerdict]) = match kind {
        CorrectionKind::WrongLink => (
            JudgementVerdict::Different,
            &[JudgementVerdict::Different, JudgementVerdict::NotSuccessor],
        ),
        _ => (
            JudgementVerdict::Same,
            &[JudgementVerdict::Same, JudgementVerdict::Successor],
        ),
    };
    let Some(asked) = asked.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(default);
    };
    let v = JudgementVerdict::parse(asked)
        .map_err(|e| Refusal::invalid("unknown_verdict", e.to_string()))?;
    if allowed.contains(&v) {
        Ok(v)
    } else {
        Err(Refusal::invalid(
            "verdict_mismatch",
            format!(
                "a {} report can be settled with: {}",
                kind.as_str(),
                allowed
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}

pub(crate) fn review_refusal(e: ReviewError) -> CurationError {
    match e {
        ReviewError::Store(s) => CurationError::Store(s),
        ReviewError::Verdict(v) => {
            Refusal::invalid("unknown_verdict", format!("unknown verdict {v:?}")).into()
        }
        ReviewError::Unknown(s) => {
            Refusal::invalid("unknown_entity", format!("no record or subject {s:?}")).into()
        }
        ReviewError::SamePair => Refusal::invalid(
            "same_entity",
            "both sides are already one record; judge their subject keys instead",
        )
        .into(),
        ReviewError::NoReason => Refusal::invalid("empty_text", "reason must not be empty").into(),
    }
}

/// Accepts or rejects an open report as `by`, with a reason. Accepting writes a judgement or
/// an annotation, closes the report, audits it and queues the refresh that shows the change,
/// in one transaction; a rejection changes no record and queues nothing.
pub fn decide(
    conn: &mut DbConnection,
    id: &str,
    decision: &Decision,
    by: &CuratorInfo,
) -> Result<Applied<CorrectionRow>, CurationError> {
    let reason = required_text(&decision.reason, "reason", MAX_REASON_CHARS)?;
    conn.transaction(|conn| -> Result<_, CurationError> {
        let c = get(conn, id)?.ok_or(Refusal::NotFound("correction"))?;
        if c.status != "open" {
            return Err(Refusal::Conflict(format!("{} was already {}", c.id, c.status)).into());
        }
        let kind = CorrectionKind::parse(&c.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("correction {} kind {}", c.id, c.kind)))?;
        let now = store::now();
        let (status, outcome) = match decision.decision {
            Verdict::Reject => ("rejected", Outcome::None),
            Verdict::Accept => (
                "accepted",
                accept(conn, &c, kind, decision, by, &reason, now)?,
            ),
        };
        let outcome_code = outcome.encode();
        if db::close_correction(conn, &c.id, status, &by.name, &reason, &outcome_code, now)? != 1 {
            return Err(Refusal::Conflict(format!("{} was decided meanwhile", c.id)).into());
        }
        let action = if status == "accepted" {
            "correction.accept"
        } else {
            "correction.reject"
        };
        audit(
            conn,
            &by.name,
            action,
            &c.id,
            serde_json::json!({
                "kind": c.kind,
                "entity_id": c.entity_id,
                "other_id": c.other_id,
                "fact_id": c.fact_id,
                "outcome": outcome_code,
            }),
            &reason,
            now,
        )?;
        let job = match outcome {
            Outcome::None => None,
            _ => Some(queue_refresh(conn, &by.name, action, &c.id)?),
        };
        let row = db::correction(conn, &c.id)?
            .ok_or_else(|| StoreError::Corrupt(format!("correction {} vanished", c.id)))?;
        Ok(Applied { value: row, job })
    })
}

/// The change an accepted report makes (inside the deciding transaction).
fn accept(
    conn: &mut DbConnection,
    c: &CorrectionRow,
    kind: CorrectionKind,
    decision: &Decision,
    by: &CuratorInfo,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Outcome, CurationError> {
    match kind {
        CorrectionKind::WrongLink | CorrectionKind::MissingLink => {
            let verdict = link_verdict(kind, decision.verdict.as_deref())?;
            let other = c.other_id.as_deref().ok_or_else(|| {
                Refusal::invalid("missing_other", "the report names no second record")
            })?;
            let (left, right) =
                review::record(conn, &c.entity_id, other, verdict, &by.name, reason)
                    .map_err(review_refusal)?;
            db::tag_judgement(conn, &left, &right, &c.id)?;
            Ok(Outcome::Judgement(verdict.as_str().to_owned()))
        }
        CorrectionKind::WrongFact => {
            let fact = c.fact_id.or(decision.fact_id).ok_or_else(|| {
                Refusal::invalid(
                    "missing_fact",
                    "say which fact to hide (fact_id; see /api/v1/curation/entities/{id}/facts)",
                )
            })?;
            let text = decision.text.as_deref().unwrap_or("");
            let input = annotation_of(c, "hide_fact", Some(fact), text, reason);
            annotate(conn, input, by, now)
        }
        CorrectionKind::Outdated => {
            let text = decision
                .text
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(&c.message);
            let input = annotation_of(c, "outdated", None, text, reason);
            annotate(conn, input, by, now)
        }
    }
}

/// An annotation on the reported record that cites the report it came from.
fn annotation_of<'a>(
    c: &'a CorrectionRow,
    kind: &'a str,
    fact_id: Option<i64>,
    text: &'a str,
    reason: &'a str,
) -> super::ops::AnnotationInput<'a> {
    super::ops::AnnotationInput {
        kind,
        entity_id: Some(&c.entity_id),
        fact_id,
        text,
        reason,
        correction_id: Some(&c.id),
    }
}

fn annotate(
    conn: &mut DbConnection,
    input: super::ops::AnnotationInput<'_>,
    by: &CuratorInfo,
    now: NaiveDateTime,
) -> Result<Outcome, CurationError> {
    let a = super::ops::insert_annotation(conn, input, by, now)?;
    Ok(Outcome::Annotation(a.id, a.kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes_round_trip() {
        for o in [
            Outcome::Judgement("different".into()),
            Outcome::Annotation(12, "hide_fact".into()),
            Outcome::None,
        ] {
            assert_eq!(Outcome::decode(&o.encode()), o);
        }
        assert_eq!(Outcome::decode("annotation:x:note"), Outcome::None);
    }

    #[test]
    fn report_ids() {
        assert!(valid_id("R-000001"));
        assert!(!valid_id("R-"));
        assert!(!valid_id("F000001"));
        assert!(!valid_id("R-0001x"));
        assert!(!valid_id("R-00000000000000001"));
    }

    #[test]
    fn link_verdicts() {
        use CorrectionKind::*;
        assert_eq!(
            link_verdict(WrongLink, None).unwrap(),
            JudgementVerdict::Different
        );
        assert_eq!(
            link_verdict(MissingLink, Some("successor")).unwrap(),
            JudgementVerdict::Successor
        );
        assert!(link_verdict(WrongLink, Some("same")).is_err());
        assert!(link_verdict(MissingLink, Some("maybe")).is_err());
    }
}
