//! Curation: the only way the registry's records change other than by crawling.
//!
//! Curators authenticate with a bearer token (stored as SHA-256 only). They decide public
//! correction reports ([`corrections`]), record human judgements on links, and annotate
//! records ([`ops`]): hide a fact pending review, mark an entry outdated, add a note. Nothing
//! here overwrites or deletes a source fact: judgements feed resolution, annotations feed the
//! projection ([`view`]), and every change is written to the audit log in the same
//! transaction, with the refresh job that makes it show (`pipeline::jobs`): the change is
//! answered at once, the resolve runs in the background. [`registry`] maps all of it to the
//! web layer's contract.
//!
//! May depend on: `store`, `search`, `pipeline` (a change queues a refresh through
//! `pipeline::jobs`), and `mieru-web`'s curation types.
//! Must not depend on: `serve`, `ops` or `app`.

pub mod corrections;
pub mod ops;
pub mod registry;
pub mod view;

use crate::store::models::JobRow;
use crate::store::{self, curation as db, DbConnection, StoreError};
use diesel::Connection;
use mieru_web::curation::{CuratorInfo, Refusal, Role};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum CurationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request cannot be carried out as asked (unknown record, already decided …).
    #[error("{0}")]
    Refused(#[from] Refusal),
}

impl From<diesel::result::Error> for CurationError {
    fn from(e: diesel::result::Error) -> Self {
        CurationError::Store(StoreError::Query(e))
    }
}

/// What a change left: its result and, when it changes what records show, the refresh job
/// queued with it (committed together; a worker runs it).
pub struct Applied<T> {
    pub value: T,
    pub job: Option<JobRow>,
}

/// Prefix of every token, so a leaked one is recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "mieru_";

/// SHA-256 of a token, hex: what the database stores and looks tokens up by.
pub fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: 32 bytes from the operating system's generator.
fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Curator names appear in public histories: short, printable, no spaces.
fn check_name(name: &str) -> Result<(), Refusal> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Refusal::invalid(
            "invalid_name",
            "a curator name is 1–64 letters, digits, '.', '_', '-' or '@'",
        ))
    }
}

/// Writes one audit entry (inside the caller's transaction).
pub(crate) fn audit(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    target: &str,
    detail: serde_json::Value,
    reason: &str,
    now: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    db::audit(
        conn,
        db::NewAudit {
            actor,
            action,
            target,
            detail: &detail.to_string(),
            reason,
            created_at: now,
        },
    )
}

/// Creates a curator (or gives a revoked one a new token) and returns the token. It is shown
/// this once: only its hash is stored. `actor` is who did it (`cli` from the command line).
pub fn add_curator(
    conn: &mut DbConnection,
    name: &str,
    role: Role,
    actor: &str,
) -> Result<String, CurationError> {
    check_name(name)?;
    let token = new_token();
    let hash = token_sha256(&token);
    conn.transaction(|conn| {
        let now = store::now();
        match db::curator_by_name(conn, name)? {
            Some(c) if c.revoked_at.is_none() => {
                return Err(CurationError::Refused(Refusal::Conflict(format!(
                    "curator {name} exists; revoke it first to issue a new token"
                ))))
            }
            Some(_) => {
                db::reinstate_curator(conn, name, role.as_str(), &hash, now)?;
            }
            None => db::insert_curator(conn, name, role.as_str(), &hash, now)?,
        }
        audit(
            conn,
            actor,
            "curator.add",
            name,
            serde_json::json!({ "role": role.as_str() }),
            "",
            now,
        )?;
        Ok(())
    })?;
    Ok(token)
}

/// Revokes a curator's token at once (the next request with it gets 401).
pub fn revoke_curator(
    conn: &mut DbConnection,
    name: &str,
    actor: &str,
    reason: &str,
) -> Result<(), CurationError> {
    conn.transaction(|conn| {
        let now = store::now();
        if db::revoke_curator(conn, name, now)? == 0 {
            return Err(match db::curator_by_name(conn, name)? {
                Some(_) => Refusal::Conflict(format!("curator {name} is already revoked")),
                None => Refusal::NotFound("curator"),
            }
            .into());
        }
        audit(
            conn,
            actor,
            "curator.revoke",
            name,
            serde_json::json!({}),
            reason,
            now,
        )?;
        Ok(())
    })
}

/// The active curator holding `token`, looked up by its hash (so no comparison of secrets
/// happens here, and a database dump holds no usable token).
pub fn authenticate(
    conn: &mut DbConnection,
    token: &str,
) -> Result<Option<CuratorInfo>, StoreError> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let Some(row) = db::curator_by_token_hash(conn, &token_sha256(token))? else {
        return Ok(None);
    };
    if row.revoked_at.is_some() {
        tracing::info!(curator = %row.name, "revoked token presented");
        return Ok(None);
    }
    Ok(Role::parse(&row.role).map(|role| CuratorInfo {
        name: row.name,
        role,
    }))
}

/// An active curator by name (the command line acts as one, without a token).
pub fn active_curator(
    conn: &mut DbConnection,
    name: &str,
) -> Result<Option<CuratorInfo>, StoreError> {
    Ok(db::curator_by_name(conn, name)?
        .filter(|c| c.revoked_at.is_none())
        .and_then(|c| Role::parse(&c.role).map(|role| CuratorInfo { name: c.name, role })))
}

/// A reason or text as given, trimmed; refused when empty (`what` names it) or too long.
pub(crate) fn required_text(
    text: &str,
    what: &'static str,
    max_chars: usize,
) -> Result<String, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Refusal::invalid(
            "empty_text",
            format!("{what} must not be empty"),
        ));
    }
    if t.chars().count() > max_chars {
        return Err(Refusal::invalid(
            "too_long",
            format!("{what} is longer than {max_chars} characters"),
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Refusal::invalid(
            "invalid_text",
            format!("{what} contains control characters"),
        ));
    }
    Ok(t.replace("\r\n", "\n"))
}

/// A facility, CPC or organization ID that exists (as itself or as a redirect).
pub(crate) fn check_entity(conn: &mut DbConnection, id: &str) -> Result<String, CurationError> {
    let id = id.trim();
    let shaped = !id.is_empty()
        && id.len() <= mieru_web::curation::MAX_ID_CHARS
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !shaped {
        return Err(Refusal::invalid("invalid_id", "not a mieru ID").into());
    }
    match store::entities::get(conn, id)? {
        Some(e) if matches!(e.kind.as_str(), "facility" | "cpc" | "organization") => Ok(e.id),
        Some(_) => Err(Refusal::invalid(
            "unsupported_entity",
            "corrections are about facilities, CPCs and organizations",
        )
        .into()),
        None => Err(Refusal::invalid("unknown_entity", format!("no record with ID {id}")).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        let h = token_sha256(&a);
        assert_eq!(h.len(), 64);
        let secret = a.strip_prefix(TOKEN_PREFIX).unwrap_or_default();
        assert_eq!(secret.len(), 64);
        assert!(!h.contains(secret));
    }

    #[test]
    fn names_and_texts() {
        assert!(check_name("yamada.t").is_ok());
        assert!(check_name("山田").is_ok());
        assert!(check_name("a b").is_err());
        assert!(check_name("").is_err());
        assert_eq!(required_text("  why \r\n", "reason", 10).unwrap(), "why");
        assert!(required_text("   ", "reason", 10).is_err());
        assert!(required_text("0123456789x", "reason", 10).is_err());
        assert!(required_text("a\u{0}b", "reason", 10).is_err());
    }
}
