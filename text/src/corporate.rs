//! Corporate forms (医療法人社団, 株式会社, (株) …), name keys without them, and the
//! split of "corporation + facility" strings that sources write as one.
//!
//! - `form`: the legal forms, their spellings, and [`name_key`] that leaves them out;
//! - `operator_split`: a corporation and its facility named in one string;
//! - `rename`: `旧名（現　新名）` notes of a renamed target.

mod form;
mod operator_split;
mod rename;

pub use form::{name_key, split_corporate_form, CorporateForm};
pub use operator_split::{
    locate_operator_and_facility, split_operator_and_facility, OperatorSplit,
};
pub use rename::split_current_name;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::random_strings;

    #[test]
    fn never_panics() {
        let joined = format!("医療法人社団{}", "会".repeat(20_000));
        let started = std::time::Instant::now();
        let _ = split_operator_and_facility(&joined);
        assert!(
            started.elapsed().as_secs() < 5,
            "joined split must stay linear"
        );
        let long = "医療法人社団".repeat(2000);
        let _ = split_operator_and_facility(&long);
        let _ = split_corporate_form(&long);
        for s in random_strings(0xC0DE, 3000, 20) {
            let _ = split_operator_and_facility(&s);
            let _ = split_corporate_form(&s);
            let _ = name_key(&s);
            let _ = split_current_name(&s);
        }
    }
}
