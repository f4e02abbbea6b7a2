//! A received body: in memory when small, spooled to a file when large, hashed while it
//! streams either way. A 300 MB corporate file never sits in memory; the archive takes the
//! spooled file by rename.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum RawBody {
    Memory(Vec<u8>),
    Spooled(SpooledFile),
}

/// A body written to a temporary file; the file is removed when dropped unless the archive
/// took it.
#[derive(Debug)]
pub struct SpooledFile {
    file: tempfile::TempPath,
    size: u64,
}

impl SpooledFile {
    pub fn path(&self) -> &Path {
        &self.file
    }
}

impl PartialEq for RawBody {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Memory(a), Self::Memory(b)) => a == b,
            (Self::Spooled(a), Self::Spooled(b)) => a.path() == b.path(),
            _ => false,
        }
    }
}

impl Clone for RawBody {
    /// A spooled body is read into memory by a clone (tests only compare small bodies).
    fn clone(&self) -> Self {
        match self {
            Self::Memory(b) => Self::Memory(b.clone()),
            Self::Spooled(s) => Self::Memory(std::fs::read(s.path()).unwrap_or_default()),
        }
    }
}

impl From<Vec<u8>> for RawBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Memory(bytes)
    }
}

impl RawBody {
    pub fn len(&self) -> u64 {
        match self {
            Self::Memory(b) => b.len() as u64,
            Self::Spooled(s) => s.size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes when the body is held in memory.
    pub fn in_memory(&self) -> Option<&[u8]> {
        match self {
            Self::Memory(b) => Some(b),
            Self::Spooled(_) => None,
        }
    }

    /// The spooled file when the body is on disk.
    pub fn spooled_path(&self) -> Option<&Path> {
        match self {
            Self::Memory(_) => None,
            Self::Spooled(s) => Some(s.path()),
        }
    }

    /// The bytes, read from the spool when at most `cap` bytes; `None` when larger.
    pub fn bytes_up_to(&self, cap: u64) -> std::io::Result<Option<std::borrow::Cow<'_, [u8]>>> {
        match self {
            Self::Memory(b) => Ok(Some(std::borrow::Cow::Borrowed(b))),
            Self::Spooled(s) if s.size <= cap => {
                Ok(Some(std::borrow::Cow::Owned(std::fs::read(s.path())?)))
            }
            Self::Spooled(_) => Ok(None),
        }
    }

    /// Move (or copy, across file systems) the body to `dest`.
    pub fn persist(&self, dest: &Path) -> std::io::Result<()> {
        match self {
            Self::Memory(b) => std::fs::write(dest, b),
            Self::Spooled(s) => std::fs::rename(s.path(), dest)
                .or_else(|_| std::fs::copy(s.path(), dest).map(|_| ())),
        }
    }
}

/// Collects a streamed body: bytes stay in memory up to `threshold`, then move to a file in
/// `dir`; the SHA-256 is computed as chunks arrive.
pub(super) struct BodyWriter {
    threshold: u64,
    dir: Option<PathBuf>,
    memory: Vec<u8>,
    file: Option<tempfile::NamedTempFile>,
    size: u64,
    hasher: Sha256,
}

impl BodyWriter {
    pub(super) fn new(threshold: u64, dir: Option<PathBuf>, expected: Option<u64>) -> Self {
        let initial = expected
            .unwrap_or(64 * 1024)
            .min(threshold)
            .min(4 * 1024 * 1024);
        Self {
            threshold,
            dir,
            memory: Vec::with_capacity(usize::try_from(initial).unwrap_or(0)),
            file: None,
            size: 0,
            hasher: Sha256::new(),
        }
    }

    pub(super) fn size(&self) -> u64 {
        self.size
    }

    pub(super) fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        if self.file.is_none() && self.size > self.threshold {
            let mut file = match &self.dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir)?;
                    tempfile::NamedTempFile::new_in(dir)?
                }
                None => tempfile::NamedTempFile::new()?,
            };
            file.write_all(&self.memory)?;
            self.memory = Vec::new();
            self.file = Some(file);
        }
        match &mut self.file {
            Some(f) => f.write_all(chunk),
            None => {
                self.memory.extend_from_slice(chunk);
                Ok(())
            }
        }
    }

    /// The body and its SHA-256.
    pub(super) fn finish(self) -> std::io::Result<(RawBody, String)> {
        let sha = hex::encode(self.hasher.finalize());
        let body = match self.file {
            None => RawBody::Memory(self.memory),
            Some(mut f) => {
                f.flush()?;
                RawBody::Spooled(SpooledFile {
                    file: f.into_temp_path(),
                    size: self.size,
                })
            }
        };
        Ok((body, sha))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_bodies_stay_in_memory_large_ones_spool() {
        let mut w = BodyWriter::new(4, None, None);
        w.write(b"abc").unwrap();
        let (body, sha) = w.finish().unwrap();
        assert_eq!(body.in_memory(), Some(&b"abc"[..]));
        assert_eq!(sha, hex::encode(Sha256::digest(b"abc")));

        let mut w = BodyWriter::new(4, None, None);
        w.write(b"abc").unwrap();
        w.write(b"defgh").unwrap();
        let (body, sha) = w.finish().unwrap();
        assert_eq!(body.len(), 8);
        assert!(body.in_memory().is_none());
        assert_eq!(sha, hex::encode(Sha256::digest(b"abcdefgh")));
        assert_eq!(body.bytes_up_to(8).unwrap().unwrap().as_ref(), b"abcdefgh");
        assert!(body.bytes_up_to(7).unwrap().is_none());
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x");
        body.persist(&dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"abcdefgh");
    }
}
