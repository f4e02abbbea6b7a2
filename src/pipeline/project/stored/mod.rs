//! The stored read model: how a facility, CPC, organization, action or plan record is kept in
//! the `detail` column of `entity_views`, `actions` and `plans`. It is its own format, apart
//! from `mieru-web`'s public model, so that renaming an API field is not a data migration and
//! a record written by another build is refused rather than misread.
//!
//! Format 1: every record is an envelope `{"format":1,"record":{…}}`. The record mirrors the
//! public model with the field names it had when format 1 was fixed, except that an action's
//! and a plan's summary is a nested `summary` object (the API flattens it). Every field is
//! written, `null` or `[]` included, and no other field is accepted. Example (an action):
//!
//! ```json
//! {"format":1,"record":{"summary":{"id":"A000001","action_type":"emergency_order",
//!  "issued_on":"2024-05-01","authority":null,"articles":[],"headline":null,"targets":[],
//!  "status":"in_force","status_evidence":null},"findings":[],"measures":[],"plans":[],
//!  "sources":[]}}
//! ```
//!
//! When the public model changes, the conversions in `records.rs` change and the stored
//! names stay (a renamed public field gets a hand-written conversion for its struct); a
//! change of what is stored bumps [`FORMAT`]. A record of another format, one without the
//! envelope (written before there was one) or one that does not parse is a
//! [`StoredRecordError`]: readers report the store unavailable and the read models must be
//! rebuilt with `mieru resolve` — a record is never skipped or served as missing.
//!
//! Only this module reads or writes the `detail` column's JSON: projection and import encode
//! through [`encode`], serving, indexing and export decode through [`decode`].
//!
//! May depend on: `mieru-web`'s public model (to convert from and to it) and serde only.

mod records;
#[cfg(test)]
mod tests;

pub use records::*;

use mieru_web::model::{ActionDetail, FacilityDetail, OrganizationDetail, PlanDetail};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The format this build writes and the only one it reads.
pub const FORMAT: u32 = 1;

/// Why a stored record could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoredRecordError {
    #[error(
        "a stored read model has format {0}, this build reads format {FORMAT}; \
         rebuild the read models with `mieru resolve`"
    )]
    UnknownFormat(u32),
    #[error(
        "a stored read model has no format envelope (written by an older build); \
         rebuild the read models with `mieru resolve`"
    )]
    Unversioned,
    #[error(
        "a stored read model is unreadable ({0}); rebuild the read models with `mieru resolve`"
    )]
    Malformed(String),
}

/// A public record that has a stored form.
pub trait Record: Sized {
    type Stored: Serialize + DeserializeOwned + for<'a> From<&'a Self> + Into<Self>;
}

impl Record for FacilityDetail {
    type Stored = StoredFacility;
}
impl Record for OrganizationDetail {
    type Stored = StoredOrganization;
}
impl Record for ActionDetail {
    type Stored = StoredAction;
}
impl Record for PlanDetail {
    type Stored = StoredPlan;
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope<S> {
    format: u32,
    record: S,
}

/// Only the envelope's version, to tell why a record failed to decode.
#[derive(Deserialize)]
struct Header {
    format: Option<u32>,
}

/// The stored JSON of a record.
pub fn encode<R: Record>(record: &R) -> String {
    let envelope = Envelope {
        format: FORMAT,
        record: R::Stored::from(record),
    };
    // Plain structs with string keys always serialize; were it ever to fail, the empty string
    // reads back as `Malformed`, never as a record.
    serde_json::to_string(&envelope).unwrap_or_default()
}

/// The public record from its stored JSON.
pub fn decode<R: Record>(json: &str) -> Result<R, StoredRecordError> {
    // One parse on the common path; the header is read only to explain a failure.
    match serde_json::from_str::<Envelope<R::Stored>>(json) {
        Ok(e) if e.format == FORMAT => Ok(e.record.into()),
        Ok(e) => Err(StoredRecordError::UnknownFormat(e.format)),
        Err(err) => Err(match serde_json::from_str::<Header>(json) {
            Ok(Header { format: None }) => StoredRecordError::Unversioned,
            Ok(Header { format: Some(f) }) if f != FORMAT => StoredRecordError::UnknownFormat(f),
            _ => StoredRecordError::Malformed(err.to_string()),
        }),
    }
}

pub fn encode_facility(d: &FacilityDetail) -> String {
    encode(d)
}
pub fn encode_organization(d: &OrganizationDetail) -> String {
    encode(d)
}
pub fn encode_action(d: &ActionDetail) -> String {
    encode(d)
}
pub fn encode_plan(d: &PlanDetail) -> String {
    encode(d)
}
pub fn decode_facility(json: &str) -> Result<FacilityDetail, StoredRecordError> {
    decode(json)
}
pub fn decode_organization(json: &str) -> Result<OrganizationDetail, StoredRecordError> {
    decode(json)
}
pub fn decode_action(json: &str) -> Result<ActionDetail, StoredRecordError> {
    decode(json)
}
pub fn decode_plan(json: &str) -> Result<PlanDetail, StoredRecordError> {
    decode(json)
}

/// A stored part and the public part it mirrors, converted both ways.
trait Mirror<P>: Sized {
    fn from_public(p: &P) -> Self;
    fn into_public(self) -> P;
}

/// Values stored as they are.
macro_rules! same {
    ($($t:ty),*) => {$(
        impl Mirror<$t> for $t {
            fn from_public(p: &$t) -> Self {
                p.clone()
            }
            fn into_public(self) -> $t {
                self
            }
        }
    )*};
}
same!(
    String,
    bool,
    f64,
    i64,
    chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>
);

impl<S: Mirror<P>, P> Mirror<Option<P>> for Option<S> {
    fn from_public(p: &Option<P>) -> Self {
        p.as_ref().map(S::from_public)
    }
    fn into_public(self) -> Option<P> {
        self.map(S::into_public)
    }
}

impl<S: Mirror<P>, P> Mirror<Vec<P>> for Vec<S> {
    fn from_public(p: &Vec<P>) -> Self {
        p.iter().map(S::from_public).collect()
    }
    fn into_public(self) -> Vec<P> {
        self.into_iter().map(S::into_public).collect()
    }
}

/// A stored struct with the same fields as the public one it mirrors, and `From` both ways.
/// The struct literals are exhaustive, so a field added to either side fails to compile.
macro_rules! mirror {
    ($(#[$doc:meta])* $name:ident <=> $public:path {
        $($field:ident: $ty:ty),* $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(pub $field: $ty),*
        }

        impl Mirror<$public> for $name {
            fn from_public(p: &$public) -> Self {
                Self { $($field: Mirror::from_public(&p.$field)),* }
            }
            fn into_public(self) -> $public {
                $public { $($field: self.$field.into_public()),* }
            }
        }

        impl From<&$public> for $name {
            fn from(p: &$public) -> Self {
                Mirror::from_public(p)
            }
        }

        impl From<$name> for $public {
            fn from(s: $name) -> Self {
                s.into_public()
            }
        }
    };
}
pub(crate) use mirror;
