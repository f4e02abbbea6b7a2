//! Renamed targets written `旧名（現　新名）`: the old and the new name apart.

use crate::normalize::display_clean;

/// Splits a renamed target written "<old name>（現　<new name>）" (also "(現:新名)",
/// "(現・新名)"): returns (old, Some(new)), both display-cleaned; (whole, None) when
/// the string has no such note.
pub fn split_current_name(s: &str) -> (String, Option<String>) {
    let whole = display_clean(s);
    let found = whole.strip_suffix(')').and_then(|inner_end| {
        let open = inner_end.rfind("(現")?;
        let old = inner_end.get(..open)?.trim();
        let new = inner_end.get(open + "(現".len()..)?;
        let new =
            new.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '・' | '、'));
        let new = new.trim();
        (!old.is_empty() && !new.is_empty()).then(|| (old.to_string(), new.to_string()))
    });
    match found {
        Some((old, new)) => (old, Some(new)),
        None => (whole, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_current_name_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "銀座ＡＢＣクリニック（現　銀座ＸＹＺクリニック）",
                "銀座ABCクリニック",
                Some("銀座XYZクリニック"),
            ),
            (
                "銀座ABCクリニック(現 銀座XYZクリニック)",
                "銀座ABCクリニック",
                Some("銀座XYZクリニック"),
            ),
            (
                "銀座ABCクリニック（現：銀座XYZクリニック）",
                "銀座ABCクリニック",
                Some("銀座XYZクリニック"),
            ),
            (
                "医療法人社団旧名会（現 医療法人社団新名会）",
                "医療法人社団旧名会",
                Some("医療法人社団新名会"),
            ),
            (
                "銀座ABCクリニック（東京都中央区）",
                "銀座ABCクリニック(東京都中央区)",
                None,
            ),
            ("（現　新名）", "(現 新名)", None),
            ("旧名（現）", "旧名(現)", None),
            ("", "", None),
            ("現", "現", None),
        ];
        for (input, old, new) in cases {
            assert_eq!(
                split_current_name(input),
                (old.to_string(), new.map(str::to_string)),
                "{input:?}"
            );
        }
    }
}
