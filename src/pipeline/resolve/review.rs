//! Human review: list the uncertain pairs resolution produced, and record a judgement
//! (same / different / successor / not_successor) that overrides every rule on later runs.
//! Judgements are stored on subject keys, which survive re-crawls; entity IDs given here are
//! turned into a representative member key.

use super::cluster::EvidenceItem;
use crate::store::{self, DbConnection, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("unknown verdict {0:?}; use same, different, successor or not_successor")]
    Verdict(String),
    #[error("{0:?} is neither a subject key nor an entity with members")]
    Unknown(String),
    #[error("a judgement needs two different subjects")]
    SamePair,
    #[error("a judgement needs a reason")]
    NoReason,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A human verdict on a pair (`successor`: the second succeeded the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Same,
    Different,
    Successor,
    NotSuccessor,
}

impl Verdict {
    pub fn parse(s: &str) -> Result<Self, ReviewError> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "same" => Ok(Self::Same),
            "different" => Ok(Self::Different),
            "successor" => Ok(Self::Successor),
            "not_successor" => Ok(Self::NotSuccessor),
            _ => Err(ReviewError::Verdict(s.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Same => "same",
            Self::Different => "different",
            Self::Successor => "successor",
            Self::NotSuccessor => "not_successor",
        }
    }
}

/// One pair awaiting a human look.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainPair {
    pub from_id: String,
    pub from_name: String,
    pub to_id: String,
    pub to_name: String,
    /// `possible_successor`, `possible_same`, or a score-based link.
    pub kind: String,
    pub confidence: f64,
    pub evidence: Vec<EvidenceItem>,
}

impl std::fmt::Display for UncertainPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} {} ({}) → {} ({})  confidence {:.2}",
            self.kind, self.from_id, self.from_name, self.to_id, self.to_name, self.confidence
        )?;
        for e in &self.evidence {
            writeln!(f, "    {}: {}", e.kind, e.detail)?;
        }
        Ok(())
    }
}

/// Uncertain links not yet settled by a judgement, strongest first.
pub fn list_uncertain(conn: &mut DbConnection) -> Result<Vec<UncertainPair>, StoreError> {
    let links = store::entities::uncertain_links(conn)?;
    let members = store::entities::members(conn)?;
    let judged: std::collections::BTreeSet<(String, String)> = store::entities::judgements(conn)?
        .into_iter()
        .filter_map(|j| {
            let a = members.get(&j.left_subject)?.clone();
            let b = members.get(&j.right_subject)?.clone();
            Some(if a <= b { (a, b) } else { (b, a) })
        })
        .collect();
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::new();
    for l in links {
        let key = if l.from_id <= l.to_id {
            (l.from_id.clone(), l.to_id.clone())
        } else {
            (l.to_id.clone(), l.from_id.clone())
        };
        if judged.contains(&key) {
            continue;
        }
        let mut name = |id: &str| -> Result<String, StoreError> {
            if let Some(n) = names.get(id) {
                return Ok(String::clone(n));
            }
            let n = store::entities::get(conn, id)?
                .map(|e| e.name)
                .unwrap_or_default();
            names.insert(id.to_owned(), n.clone());
            Ok(n)
        };
        let from_name = name(&l.from_id)?;
        let to_name = name(&l.to_id)?;
        out.push(UncertainPair {
            from_name,
            to_name,
            evidence: serde_json::from_str(&l.evidence).unwrap_or_default(),
            from_id: l.from_id,
            to_id: l.to_id,
            kind: l.kind,
            confidence: l.confidence,
        });
    }
    Ok(out)
}

/// A subject key as given, or the first member key of an entity ID (following redirects).
fn subject_of(conn: &mut DbConnection, s: &str) -> Result<String, ReviewError> {
    if s.contains(':') {
        return Ok(s.to_owned());
    }
    let mut id = s.to_owned();
    for _ in 0..8 {
        match store::entities::get(conn, &id)?.and_then(|e| e.merged_into) {
            Some(next) => id = next,
            None => break,
        }
    }
    store::entities::members_of(conn, &id)?
        .into_iter()
        .next()
        .ok_or_else(|| ReviewError::Unknown(s.to_owned()))
}

/// Records a judgement on two subjects (subject keys or entity IDs); it takes effect on the
/// next resolution and every one after. Returns the subject keys it was stored on.
pub fn record(
    conn: &mut DbConnection,
    a: &str,
    b: &str,
    verdict: Verdict,
    author: &str,
    reason: &str,
) -> Result<(String, String), ReviewError> {
    if reason.trim().is_empty() {
        return Err(ReviewError::NoReason);
    }
    let (sa, sb) = (subject_of(conn, a)?, subject_of(conn, b)?);
    if sa == sb {
        return Err(ReviewError::SamePair);
    }
    store::entities::record_judgement(
        conn,
        &sa,
        &sb,
        verdict.as_str(),
        author,
        reason,
        store::now(),
    )?;
    Ok((sa, sb))
}
