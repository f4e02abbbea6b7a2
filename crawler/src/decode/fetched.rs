//! A fetched body decoded for an adapter, within the decode limit: a larger body (a spooled
//! 300 MB file) is archived whole and reported unread rather than read into memory.

use crate::document::Body;
use crate::provenance::DocumentMeta;
use crate::raw_body::RawBody;

/// The decoded body, or why it was not read.
pub fn decode_fetched(meta: &mut DocumentMeta, raw: &RawBody, cap: u64) -> Result<Body, String> {
    match raw.bytes_up_to(cap) {
        Ok(Some(bytes)) => Ok(super::decode(meta, &bytes)),
        Ok(None) => Err(format!(
            "{} bytes, over the {cap}-byte decode limit",
            raw.len()
        )),
        Err(e) => Err(format!("spooled body could not be read: {e}")),
    }
}
