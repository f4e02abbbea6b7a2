//! `mieru check`: is the data directory consistent after whatever happened to it (a `kill -9`,
//! a full disk, a hand edit)?
//!
//! Problems (exit code 1): an archived file whose SHA-256 is not its name, or that sits where
//! the archive cannot find it; a snapshot or a document's current content missing from the
//! archive; rows that refer to rows that do not exist (snapshots and facts → documents and
//! snapshots; members, events, links, read models and merges → entities).
//!
//! Notices (reported, exit code 0): what an interrupted process leaves by design and the next
//! run cleans up or ignores — temporary files of an archive write, archived files no snapshot
//! refers to (archived, then killed before the database transaction), a lock whose holder is
//! dead (the next crawl or resolve takes it over). `--repair` removes stray temporary files
//! only; it never deletes data.

use crate::app::Mieru;
use crate::archive::{is_sha256_hex, ArchiveError};
use crate::ops::locks::{holder_state, HolderState};
use crate::store::{crawl_state, integrity, DbConnection, StoreError};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Examples listed per finding; the count is always complete.
const EXAMPLES: usize = 10;

/// A temporary file younger than this may belong to a write in progress: never removed.
pub const TEMP_FILE_MIN_AGE: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CheckError + '_ {
    move |source| CheckError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What was found. The first group are problems, the rest notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    CorruptArchiveFile,
    MisplacedArchiveFile,
    SnapshotNotArchived,
    CurrentNotArchived,
    SnapshotWithoutDocument,
    CurrentWithoutSnapshot,
    FactWithoutDocument,
    FactWithoutSnapshot,
    MemberWithoutEntity,
    EventWithoutEntity,
    LinkWithoutEntity,
    MergeTargetMissing,
    ReadModelWithoutEntity,
    // Notices.
    TempFile,
    UnreferencedArchiveFile,
    UnknownArchiveFile,
    DeadLockHolder,
}

impl Finding {
    pub fn is_problem(self) -> bool {
        self < Finding::TempFile
    }

    fn describe(self) -> &'static str {
        match self {
            Self::CorruptArchiveFile => "archived files whose content does not hash to their name",
            Self::MisplacedArchiveFile => {
                "archived files outside their ab/cd/ directory (the archive cannot find them)"
            }
            Self::SnapshotNotArchived => "snapshots whose bytes are missing from the archive",
            Self::CurrentNotArchived => {
                "documents whose current content is missing from the archive"
            }
            Self::SnapshotWithoutDocument => "snapshots of a document that does not exist",
            Self::CurrentWithoutSnapshot => "documents whose current content has no snapshot row",
            Self::FactWithoutDocument => "facts of a document that does not exist",
            Self::FactWithoutSnapshot => {
                "facts whose first or last SHA-256 is not a snapshot of their document"
            }
            Self::MemberWithoutEntity => "entity members of an entity that does not exist",
            Self::EventWithoutEntity => "events of (or related to) an entity that does not exist",
            Self::LinkWithoutEntity => "links from or to an entity that does not exist",
            Self::MergeTargetMissing => "entities merged into an entity that does not exist",
            Self::ReadModelWithoutEntity => "entity views or actions whose entity does not exist",
            Self::TempFile => "temporary files left by an interrupted archive write",
            Self::UnreferencedArchiveFile => {
                "archived files no snapshot refers to (archived, then interrupted before the \
                 database write; re-used by the next fetch)"
            }
            Self::UnknownArchiveFile => "files in the archive that mieru did not write",
            Self::DeadLockHolder => {
                "locks held by a process that no longer exists (the next run takes them over)"
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub count: u64,
    pub examples: Vec<String>,
}

/// What `mieru check` found, and how much it looked at.
#[derive(Debug, Default, Clone)]
pub struct CheckReport {
    pub archive_files: u64,
    pub archive_bytes: u64,
    pub documents: u64,
    pub snapshots: u64,
    pub facts: u64,
    pub entities: u64,
    pub members: u64,
    pub events: u64,
    pub links: u64,
    pub findings: BTreeMap<Finding, Tally>,
    /// Temporary files `--repair` removed.
    pub removed: Vec<PathBuf>,
    /// Temporary files `--repair` left because they may belong to a write in progress.
    pub kept_recent: Vec<PathBuf>,
}

impl CheckReport {
    fn add(&mut self, finding: Finding, example: impl FnOnce() -> String) {
        let tally = self.findings.entry(finding).or_default();
        tally.count += 1;
        if tally.examples.len() < EXAMPLES {
            tally.examples.push(example());
        }
    }

    pub fn count(&self, finding: Finding) -> u64 {
        self.findings.get(&finding).map_or(0, |t| t.count)
    }

    pub fn problem_count(&self) -> u64 {
        self.findings
            .iter()
            .filter(|(f, _)| f.is_problem())
            .map(|(_, t)| t.count)
            .sum()
    }

    /// No problems (notices allowed).
    pub fn is_clean(&self) -> bool {
        self.problem_count() == 0
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "archive: {} files ({} bytes) hashed",
            self.archive_files, self.archive_bytes
        )?;
        writeln!(
            f,
            "database: {} documents, {} snapshots, {} facts, {} entities, {} members, {} events, {} links",
            self.documents,
            self.snapshots,
            self.facts,
            self.entities,
            self.members,
            self.events,
            self.links
        )?;
        for (label, problems) in [("problems", true), ("notices", false)] {
            let found: Vec<_> = self
                .findings
                .iter()
                .filter(|(k, _)| k.is_problem() == problems)
                .collect();
            if found.is_empty() {
                writeln!(f, "{label}: none")?;
                continue;
            }
            writeln!(f, "{label}:")?;
            for (kind, tally) in found {
                writeln!(f, "  {} {}", tally.count, kind.describe())?;
                for e in &tally.examples {
                    writeln!(f, "    {e}")?;
                }
                if tally.count > tally.examples.len() as u64 {
                    writeln!(f, "    …")?;
                }
            }
        }
        for p in &self.removed {
            writeln!(f, "repaired: removed {}", p.display())?;
        }
        for p in &self.kept_recent {
            writeln!(
                f,
                "kept (younger than {} s, may be a write in progress): {}",
                TEMP_FILE_MIN_AGE.as_secs(),
                p.display()
            )?;
        }
        if self.is_clean() {
            write!(f, "result: clean")
        } else {
            write!(f, "result: {} problems", self.problem_count())
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Remove stray temporary files of the archive (older than [`TEMP_FILE_MIN_AGE`]).
    pub repair: bool,
}

/// Checks the archive and the database of `app`.
pub fn run(app: &Mieru, options: CheckOptions) -> Result<CheckReport, CheckError> {
    let mut report = CheckReport::default();
    let archived = check_archive(app, options, &mut report)?;
    check_database(app, &archived, &mut report)?;
    Ok(report)
}

/// The SHA-256 names of well-placed archive files, each hashed against its name.
fn check_archive(
    app: &Mieru,
    options: CheckOptions,
    report: &mut CheckReport,
) -> Result<HashSet<String>, CheckError> {
    let root = app.archive.root().to_owned();
    let mut archived = HashSet::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(io_err(&dir))?;
        for entry in entries {
            let entry = entry.map_err(io_err(&dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io_err(&path))?;
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let shown = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string();
            if is_temp_name(&name) {
                report.add(Finding::TempFile, || shown.clone());
                if options.repair {
                    repair_temp_file(&path, report)?;
                }
                continue;
            }
            if !is_sha256_hex(&name) {
                report.add(Finding::UnknownArchiveFile, || shown);
                continue;
            }
            report.archive_files += 1;
            let (digest, size) = hash_file(&path)?;
            report.archive_bytes += size;
            if digest != name {
                report.add(Finding::CorruptArchiveFile, || {
                    format!("{shown}: content hashes to {digest}")
                });
            }
            if app.archive.path_of(&name)? != path {
                report.add(Finding::MisplacedArchiveFile, || shown);
                continue;
            }
            archived.insert(name);
        }
    }
    Ok(archived)
}

/// `tempfile`'s names (`.tmpXXXXXX`), which the archive writes before renaming into place.
fn is_temp_name(name: &str) -> bool {
    name.starts_with(".tmp")
}

fn repair_temp_file(path: &Path, report: &mut CheckReport) -> Result<(), CheckError> {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(io_err(path))?;
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    if age < TEMP_FILE_MIN_AGE {
        report.kept_recent.push(path.to_owned());
        return Ok(());
    }
    std::fs::remove_file(path).map_err(io_err(path))?;
    report.removed.push(path.to_owned());
    Ok(())
}

fn hash_file(path: &Path) -> Result<(String, u64), CheckError> {
    let mut file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok((hex::encode(hasher.finalize()), size))
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn check_database(
    app: &Mieru,
    archived: &HashSet<String>,
    report: &mut CheckReport,
) -> Result<(), CheckError> {
    let mut conn = app.pool.get().map_err(StoreError::from)?;
    let conn = &mut *conn;
    let documents: HashSet<i64> = integrity::document_ids(conn)?.into_iter().collect();
    report.documents = documents.len() as u64;
    let snapshot_keys = check_snapshots(conn, archived, &documents, report)?;
    check_facts(conn, &documents, &snapshot_keys, report)?;
    check_entities(conn, report)?;
    check_locks(conn, report)
}

/// Snapshots against documents and the archive; returns the (document, sha) keys held.
fn check_snapshots(
    conn: &mut DbConnection,
    archived: &HashSet<String>,
    documents: &HashSet<i64>,
    report: &mut CheckReport,
) -> Result<HashSet<(i64, String)>, CheckError> {
    let snapshots = integrity::snapshot_keys(conn)?;
    report.snapshots = snapshots.len() as u64;
    let mut snapshot_keys: HashSet<(i64, String)> = HashSet::with_capacity(snapshots.len());
    let mut referenced: HashSet<&str> = HashSet::with_capacity(snapshots.len());
    for (id, document_id, sha) in &snapshots {
        if !documents.contains(document_id) {
            report.add(Finding::SnapshotWithoutDocument, || {
                format!("snapshot {id} → document {document_id}")
            });
        }
        if !archived.contains(sha.as_str()) {
            report.add(Finding::SnapshotNotArchived, || {
                format!("snapshot {id} of document {document_id}: {sha}")
            });
        }
        referenced.insert(sha.as_str());
        snapshot_keys.insert((*document_id, sha.clone()));
    }
    for name in archived {
        if !referenced.contains(name.as_str()) {
            report.add(Finding::UnreferencedArchiveFile, || name.clone());
        }
    }

    for (id, url, sha) in integrity::document_currents(conn)? {
        if !snapshot_keys.contains(&(id, sha.clone())) {
            report.add(Finding::CurrentWithoutSnapshot, || {
                format!("document {id} ({url}): {}", short(&sha))
            });
        }
        if !archived.contains(&sha) {
            report.add(Finding::CurrentNotArchived, || {
                format!("document {id} ({url}): {sha}")
            });
        }
    }

    Ok(snapshot_keys)
}

/// Every fact names a document and the snapshots it was first and last read from.
fn check_facts(
    conn: &mut DbConnection,
    documents: &HashSet<i64>,
    snapshot_keys: &HashSet<(i64, String)>,
    report: &mut CheckReport,
) -> Result<(), CheckError> {
    let mut after = 0i64;
    loop {
        let page = integrity::fact_refs_after(conn, after)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (id, document_id, first, last) in page {
            report.facts += 1;
            if !documents.contains(&document_id) {
                report.add(Finding::FactWithoutDocument, || {
                    format!("fact {id} → document {document_id}")
                });
            }
            for sha in [&first, &last] {
                if !snapshot_keys.contains(&(document_id, sha.clone())) {
                    report.add(Finding::FactWithoutSnapshot, || {
                        format!("fact {id} of document {document_id}: {}", short(sha))
                    });
                    break;
                }
            }
        }
    }

    Ok(())
}

/// Merge targets, members, events, links and read models name entities that exist.
fn check_entities(conn: &mut DbConnection, report: &mut CheckReport) -> Result<(), CheckError> {
    let entities = integrity::entity_refs(conn)?;
    report.entities = entities.len() as u64;
    let ids: HashSet<&str> = entities.iter().map(|(id, _)| id.as_str()).collect();
    for (id, merged_into) in &entities {
        if let Some(target) = merged_into {
            if !ids.contains(target.as_str()) {
                report.add(Finding::MergeTargetMissing, || format!("{id} → {target}"));
            }
        }
    }

    let mut after = String::new();
    loop {
        let page = integrity::member_refs_after(conn, &after)?;
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        for (subject, entity_id) in page {
            report.members += 1;
            if !ids.contains(entity_id.as_str()) {
                report.add(Finding::MemberWithoutEntity, || {
                    format!("{subject} → {entity_id}")
                });
            }
        }
    }

    // An event may relate to a plan, which is keyed by its public number, not an entity.
    let plans: HashSet<String> = integrity::plan_numbers(conn)?.into_iter().collect();
    let mut after = 0i64;
    loop {
        let page = integrity::event_refs_after(conn, after)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (id, entity_id, related) in page {
            report.events += 1;
            let related_missing = related
                .as_deref()
                .is_some_and(|r| !ids.contains(r) && !plans.contains(r));
            if !ids.contains(entity_id.as_str()) || related_missing {
                report.add(Finding::EventWithoutEntity, || {
                    format!(
                        "event {id} of {entity_id}{}",
                        related
                            .map(|r| format!(" (related {r})"))
                            .unwrap_or_default()
                    )
                });
            }
        }
    }

    for (id, from, to) in integrity::link_refs(conn)? {
        report.links += 1;
        if !ids.contains(from.as_str()) || !ids.contains(to.as_str()) {
            report.add(Finding::LinkWithoutEntity, || {
                format!("link {id}: {from} → {to}")
            });
        }
    }

    for id in integrity::read_model_ids(conn)? {
        if !ids.contains(id.as_str()) {
            report.add(Finding::ReadModelWithoutEntity, || id);
        }
    }

    Ok(())
}

fn check_locks(conn: &mut DbConnection, report: &mut CheckReport) -> Result<(), CheckError> {
    for (name, holder, beat) in crawl_state::all_locks(conn)? {
        if holder_state(&holder) == HolderState::Dead {
            report.add(Finding::DeadLockHolder, || {
                format!("{name}: {holder} (last heartbeat {beat} UTC)")
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_and_notices_are_told_apart() {
        assert!(Finding::CorruptArchiveFile.is_problem());
        assert!(Finding::ReadModelWithoutEntity.is_problem());
        assert!(!Finding::TempFile.is_problem());
        assert!(!Finding::DeadLockHolder.is_problem());
        let mut report = CheckReport::default();
        report.add(Finding::TempFile, || "ab/cd/.tmpXYZ".into());
        assert!(report.is_clean());
        for i in 0..12 {
            report.add(Finding::LinkWithoutEntity, || format!("link {i}"));
        }
        assert!(!report.is_clean());
        assert_eq!(report.problem_count(), 12);
        let text = report.to_string();
        assert!(text.contains("12 links from or to an entity"), "{text}");
        assert!(text.contains("result: 12 problems"), "{text}");
        assert_eq!(
            report.findings[&Finding::LinkWithoutEntity].examples.len(),
            EXAMPLES
        );
    }
}
