//! Opaque cursors of the paged lists.

use chrono::NaiveDate;
use mieru_web::registry::RegistryError;

/// Cursor of the action list: `YYYY-MM-DD|ID` of the last item, hex-encoded so clients
/// treat it as opaque.
pub(super) fn encode_cursor(date: NaiveDate, id: &str) -> String {
    hex::encode(format!("{date}|{id}"))
}

pub(super) fn decode_cursor(cursor: &str) -> Result<(NaiveDate, String), RegistryError> {
    let bad = || RegistryError::BadRequest("invalid cursor".into());
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (date, id) = text.split_once('|').ok_or_else(bad)?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    Ok((date, id.to_owned()))
}

/// Cursor of ID-ordered lists: the last ID, hex-encoded so clients treat it as opaque.
pub(super) fn encode_id_cursor(id: &str) -> String {
    hex::encode(id)
}

pub(super) fn decode_id_cursor(cursor: &str) -> Result<String, RegistryError> {
    let bad = || RegistryError::BadRequest("invalid cursor".into());
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let id = String::from_utf8(bytes).map_err(|_| bad())?;
    // A cursor holds an ID, so it is held to what an ID in a URL may be.
    mieru_web::input::validate_id(&id).map_err(|_| bad())?;
    Ok(id)
}
