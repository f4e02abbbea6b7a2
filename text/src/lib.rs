//! Japanese text normalisation for mieru: the key forms used for matching and search,
//! corporate forms, addresses, dates, identifiers, phone numbers and legal articles.
//! Pure functions without I/O; none of them panics on any input.

pub mod address;
pub mod articles;
pub mod corporate;
pub mod dates;
pub mod ids;
pub mod normalize;
pub mod numerals;
pub mod phone;

#[cfg(test)]
mod testutil;

pub use address::{
    address_key, parse_address, prefecture_code, split_prefecture, AddressParts, PREFECTURES,
};
pub use articles::find_articles;
pub use corporate::{name_key, split_corporate_form, split_operator_and_facility, CorporateForm};
pub use dates::{era_form, find_dates, parse_date};
pub use ids::{
    classify_identifier, corporate_check_digit, find_committee_numbers, find_facility_numbers,
    find_identifiers, find_plan_numbers, is_valid_corporate_number, normalize_identifier,
    IdentifierKind,
};
pub use normalize::{bigrams, dice, display_clean, fold, similarity};
pub use phone::normalize_phone;
