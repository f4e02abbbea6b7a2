//! The bulk export files on disk, each written once per data version and then served from
//! there (the web layer streams them, with ranges and validators).
//!
//! A file lives at `<dir>/v<version>-<created µs>/<name>`: the version's creation time is in
//! the name so that a database rebuilt from scratch, whose version numbers start again, never
//! finds the files of another database. A file is written to a temporary name in its
//! directory and renamed, so a file at its final path is always complete. Concurrent first
//! requests for one file wait for a single writer; later ones only check that it exists.
//! Once a version's file is written, the directories of all but the previous version are
//! removed (a download in progress keeps its open file even so).

use crate::ops::export::{self, ExportError};
use crate::store::{export_reads, read_models, DbConnection, DbPool, StoreError};
use chrono::NaiveDateTime;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Why an export file could not be made available.
#[derive(Debug, thiserror::Error)]
pub enum ExportFileError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("export file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<diesel::result::Error> for ExportFileError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Store(StoreError::Query(e))
    }
}

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> ExportFileError + '_ {
    move |source| ExportFileError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A complete export file of one data version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    pub path: PathBuf,
    /// The data version it was written from; `None` before the first resolve.
    pub data_version: Option<i64>,
}

/// A data version as the export directories name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct VersionDir {
    id: i64,
    created_micros: i64,
}

impl VersionDir {
    /// The latest data version (`v0-0` before the first resolve).
    fn current(conn: &mut DbConnection) -> Result<Self, StoreError> {
        Ok(read_models::latest_version(conn)?.map_or(
            Self {
                id: 0,
                created_micros: 0,
            },
            |(id, created_at): (i64, NaiveDateTime)| Self {
                id,
                created_micros: created_at.and_utc().timestamp_micros(),
            },
        ))
    }

    fn name(self) -> String {
        format!("v{}-{}", self.id, self.created_micros)
    }

    fn parse(name: &str) -> Option<Self> {
        let (id, micros) = name.strip_prefix('v')?.split_once('-')?;
        Some(Self {
            id: id.parse().ok()?,
            created_micros: micros.parse().ok()?,
        })
    }

    fn data_version(self) -> Option<i64> {
        (self.id > 0).then_some(self.id)
    }
}

/// Holds one gate per file being written.
type Gates = HashMap<PathBuf, Arc<Mutex<()>>>;

pub struct ExportFiles {
    dir: PathBuf,
    /// Files being written, each with the gate its concurrent requests wait at.
    writing: Mutex<Gates>,
    /// Files written since start (what tests of single-flight count).
    written: AtomicU64,
}

impl ExportFiles {
    /// Export files under `dir` (created when the first file is written).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            writing: Mutex::new(HashMap::new()),
            written: AtomicU64::new(0),
        }
    }

    /// How many export files this process has written.
    pub fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }

    fn path_of(&self, version: VersionDir, name: &str) -> PathBuf {
        self.dir.join(version.name()).join(name)
    }

    /// The export file `name` of the current data version, written first if it does not
    /// exist yet; `None` for a name that is not an export. No connection is held while
    /// waiting for another request's writer: waiters would empty the pool.
    pub fn get(&self, pool: &DbPool, name: &str) -> Result<Option<ExportedFile>, ExportFileError> {
        if !export::is_export_file(name) {
            return Ok(None);
        }
        let version = VersionDir::current(&mut *pool.get().map_err(StoreError::from)?)?;
        let path = self.path_of(version, name);
        if path.is_file() {
            return Ok(Some(ExportedFile {
                path,
                data_version: version.data_version(),
            }));
        }
        let gate = self.gate(&path);
        let written = {
            let _turn = gate.lock().unwrap_or_else(|p| p.into_inner());
            // Another request may have written it while this one waited.
            if path.is_file() {
                Ok(version)
            } else {
                pool.get()
                    .map_err(|e| ExportFileError::Store(e.into()))
                    .and_then(|mut conn| self.write(&mut conn, name))
            }
        };
        self.release(&path, &gate);
        let version = written?;
        Ok(Some(ExportedFile {
            path: self.path_of(version, name),
            data_version: version.data_version(),
        }))
    }

    fn gate(&self, path: &Path) -> Arc<Mutex<()>> {
        let mut writing = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(writing.entry(path.to_owned()).or_default())
    }

    fn release(&self, path: &Path, gate: &Arc<Mutex<()>>) {
        let mut writing = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        if writing.get(path).is_some_and(|g| Arc::ptr_eq(g, gate)) {
            writing.remove(path);
        }
    }

    /// Writes `name` for the data version the snapshot sees (normally the one the caller
    /// saw; if a resolve published another meanwhile, the newer one) and returns it.
    fn write(&self, conn: &mut DbConnection, name: &str) -> Result<VersionDir, ExportFileError> {
        let version = export_reads::in_snapshot(conn, |conn| {
            let version = VersionDir::current(conn)?;
            let path = self.path_of(version, name);
            if path.is_file() {
                return Ok(version);
            }
            let dir = self.dir.join(version.name());
            std::fs::create_dir_all(&dir).map_err(io_at(&dir))?;
            let mut partial = tempfile::Builder::new()
                .prefix(&format!(".{name}."))
                .suffix(".partial")
                .tempfile_in(&dir)
                .map_err(io_at(&dir))?;
            let mut out = BufWriter::with_capacity(64 * 1024, partial.as_file_mut());
            export::write_file(conn, name, &mut out)?;
            out.flush().map_err(io_at(&path))?;
            drop(out);
            // On disk before the rename makes it visible: a crash never leaves a short file
            // under the final name.
            partial.as_file().sync_all().map_err(io_at(&path))?;
            partial.persist(&path).map_err(|e| io_at(&path)(e.error))?;
            self.written.fetch_add(1, Ordering::SeqCst);
            tracing::info!(file = %path.display(), "export file written");
            Ok::<_, ExportFileError>(version)
        })?;
        self.remove_old_versions(version);
        Ok(version)
    }

    /// Removes the directories of versions older than `current`, except the newest of them
    /// (a request may have just been handed one of its files), and those of another database
    /// with `current`'s number. Newer directories stay: a resolve may be writing them.
    fn remove_old_versions(&self, current: VersionDir) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut others: Vec<(VersionDir, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let version = VersionDir::parse(e.file_name().to_str()?)?;
                Some((version, e.path()))
            })
            .filter(|(v, _)| v.id < current.id || (v.id == current.id && *v != current))
            .collect();
        // Newest first: the first older than `current` is the previous version, kept.
        others.sort_by_key(|(v, _)| std::cmp::Reverse((v.id, v.created_micros)));
        let mut kept_previous = false;
        for (version, path) in others {
            if version.id < current.id && !kept_previous {
                kept_previous = true;
                continue;
            }
            if let Err(e) = std::fs::remove_dir_all(&path) {
                tracing::warn!(dir = %path.display(), error = %e, "cannot remove old export files");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_directories_round_trip() {
        let v = VersionDir {
            id: 12,
            created_micros: 1_764_000_000_123_456,
        };
        assert_eq!(v.name(), "v12-1764000000123456");
        assert_eq!(VersionDir::parse(&v.name()), Some(v));
        for other in ["v12", "12-3", "vx-1", "v1-", ".partial"] {
            assert_eq!(VersionDir::parse(other), None, "{other}");
        }
    }
}
