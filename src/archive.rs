//! Raw bytes of every fetched or ingested document, content-addressed by SHA-256 under the
//! data directory (`archive/ab/cd/<sha256>`). Writes are atomic (temp file + rename), so a
//! crash never leaves a half-written file under a valid name.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive I/O error at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("not a SHA-256 hex digest: {0}")]
    BadKey(String),
    #[error("archived file {0} does not match its hash")]
    Corrupt(String),
}

#[derive(Debug, Clone)]
pub struct Archive {
    root: PathBuf,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Archive {
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, ArchiveError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|source| ArchiveError::Io {
            path: root.clone(),
            source,
        })?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file named `sha256` lives (`ab/cd/<sha256>` under the root).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, ArchiveError> {
        if !is_sha256_hex(sha256) {
            return Err(ArchiveError::BadKey(sha256.chars().take(80).collect()));
        }
        let (a, rest) = sha256.split_at(2);
        let (b, _) = rest.split_at(2);
        Ok(self.root.join(a).join(b).join(sha256))
    }

    /// Stores `bytes`; returns their hash and whether they were new.
    pub fn put(&self, bytes: &[u8]) -> Result<(String, bool), ArchiveError> {
        let sha = sha256_hex(bytes);
        let path = self.path_of(&sha)?;
        if path.exists() {
            return Ok((sha, false));
        }
        let io = |source| ArchiveError::Io {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(bytes).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok((sha, true))
    }

    /// Stores a fetched body whose hash was computed while it streamed. A spooled body is
    /// moved into place (a rename when the spool is on the archive's file system), so a
    /// file of hundreds of megabytes never passes through memory.
    pub fn put_body(
        &self,
        raw: &mieru_crawler::fetch::RawBody,
        sha256: &str,
    ) -> Result<bool, ArchiveError> {
        let Some(spooled) = raw.spooled_path() else {
            let bytes = raw.in_memory().unwrap_or_default();
            let (sha, new) = self.put(bytes)?;
            if sha != sha256 {
                return Err(ArchiveError::Corrupt(format!(
                    "{sha256} (bytes hash to {sha})"
                )));
            }
            return Ok(new);
        };
        let path = self.path_of(sha256)?;
        if path.exists() {
            return Ok(false);
        }
        let io = |source| ArchiveError::Io {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(io)?;
        std::fs::File::open(spooled)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        // Through a temporary name in the target directory, so a crash mid-copy (spool on
        // another file system) never leaves a partial file under a valid name.
        let tmp = tempfile::Builder::new()
            .prefix(".incoming")
            .tempfile_in(dir)
            .map_err(io)?
            .into_temp_path();
        raw.persist(&tmp).map_err(io)?;
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok(true)
    }

    /// Where fetched bodies too large for memory are spooled: beside the archive's files, so
    /// that archiving them is a rename.
    pub fn spool_dir(&self) -> PathBuf {
        self.root.join("spool")
    }

    pub fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, ArchiveError> {
        let path = self.path_of(sha256)?;
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ArchiveError::Io { path, source }),
        }
    }

    /// Reads a file back and checks it still hashes to its name.
    pub fn verify(&self, sha256: &str) -> Result<bool, ArchiveError> {
        match self.get(sha256)? {
            Some(bytes) => Ok(sha256_hex(&bytes) == sha256),
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_is_content_addressed_and_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        let (sha, new) = archive.put("命令".as_bytes()).unwrap();
        assert!(new);
        let (again, new_again) = archive.put("命令".as_bytes()).unwrap();
        assert_eq!(sha, again);
        assert!(!new_again);
        assert_eq!(archive.get(&sha).unwrap().unwrap(), "命令".as_bytes());
        assert!(archive.verify(&sha).unwrap());
    }

    #[test]
    fn rejects_keys_that_are_not_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        assert!(matches!(
            archive.get("../../etc/passwd"),
            Err(ArchiveError::BadKey(_))
        ));
        assert_eq!(archive.get(&"0".repeat(64)).unwrap(), None);
    }
}
