//! A received body as the fetcher hands it on: in memory when small, in a spool file when
//! large. A 300 MB corporate file never sits in memory; the archive takes the spooled file by
//! rename. (The fetcher's `BodyWriter` makes these; sinks and readers take them.)

use std::path::Path;

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
    pub(crate) fn new(file: tempfile::TempPath, size: u64) -> Self {
        Self { file, size }
    }

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
