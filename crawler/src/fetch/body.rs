//! Collects a streamed body: in memory while small, then in a spool file, hashed as chunks
//! arrive (see [`crate::raw_body`]).

use crate::raw_body::{RawBody, SpooledFile};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::PathBuf;

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
                RawBody::Spooled(SpooledFile::new(f.into_temp_path(), self.size))
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
