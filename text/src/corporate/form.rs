//! The legal forms of Japanese corporations (医療法人社団, 株式会社, (株) …), the spellings
//! sources write them in at the start or end of a name, and the name key that leaves them out.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::normalize::{display_clean, fold, fold_kanji_variant};

/// The legal form of a Japanese corporation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorporateForm {
    IryoHojinShadan,
    IryoHojinZaidan,
    /// 医療法人 without 社団/財団, or the abbreviation (医) which does not say which.
    IryoHojin,
    ShakaiIryoHojin,
    KabushikiKaisha,
    YugenKaisha,
    GodoKaisha,
    GomeiKaisha,
    GoshiKaisha,
    IppanShadanHojin,
    IppanZaidanHojin,
    KoekiShadanHojin,
    KoekiZaidanHojin,
    /// 社団法人 of the pre-2008 law (特例民法法人).
    ShadanHojin,
    /// 財団法人 of the pre-2008 law (特例民法法人).
    ZaidanHojin,
    /// 特定非営利活動法人 (NPO法人).
    Npo,
    GakkoHojin,
    KokuritsuDaigakuHojin,
    DokuritsuGyoseiHojin,
    ChihoDokuritsuGyoseiHojin,
    KokuritsuKenkyuKaihatsuHojin,
    ShakaiFukushiHojin,
    ShukyoHojin,
    SeikatsuKyodoKumiai,
}

impl CorporateForm {
    /// Every form, for iteration in tests and UIs.
    pub const ALL: [CorporateForm; 24] = [
        Self::IryoHojinShadan,
        Self::IryoHojinZaidan,
        Self::IryoHojin,
        Self::ShakaiIryoHojin,
        Self::KabushikiKaisha,
        Self::YugenKaisha,
        Self::GodoKaisha,
        Self::GomeiKaisha,
        Self::GoshiKaisha,
        Self::IppanShadanHojin,
        Self::IppanZaidanHojin,
        Self::KoekiShadanHojin,
        Self::KoekiZaidanHojin,
        Self::ShadanHojin,
        Self::ZaidanHojin,
        Self::Npo,
        Self::GakkoHojin,
        Self::KokuritsuDaigakuHojin,
        Self::DokuritsuGyoseiHojin,
        Self::ChihoDokuritsuGyoseiHojin,
        Self::KokuritsuKenkyuKaihatsuHojin,
        Self::ShakaiFukushiHojin,
        Self::ShukyoHojin,
        Self::SeikatsuKyodoKumiai,
    ];

    /// The full Japanese name of the form.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::IryoHojinShadan => "医療法人社団",
            Self::IryoHojinZaidan => "医療法人財団",
            Self::IryoHojin => "医療法人",
            Self::ShakaiIryoHojin => "社会医療法人",
            Self::KabushikiKaisha => "株式会社",
            Self::YugenKaisha => "有限会社",
            Self::GodoKaisha => "合同会社",
            Self::GomeiKaisha => "合名会社",
            Self::GoshiKaisha => "合資会社",
            Self::IppanShadanHojin => "一般社団法人",
            Self::IppanZaidanHojin => "一般財団法人",
            Self::KoekiShadanHojin => "公益社団法人",
            Self::KoekiZaidanHojin => "公益財団法人",
            Self::ShadanHojin => "社団法人",
            Self::ZaidanHojin => "財団法人",
            Self::Npo => "特定非営利活動法人",
            Self::GakkoHojin => "学校法人",
            Self::KokuritsuDaigakuHojin => "国立大学法人",
            Self::DokuritsuGyoseiHojin => "独立行政法人",
            Self::ChihoDokuritsuGyoseiHojin => "地方独立行政法人",
            Self::KokuritsuKenkyuKaihatsuHojin => "国立研究開発法人",
            Self::ShakaiFukushiHojin => "社会福祉法人",
            Self::ShukyoHojin => "宗教法人",
            Self::SeikatsuKyodoKumiai => "生活協同組合",
        }
    }

    /// True for the medical-corporation family (医療法人 of any kind, 社会医療法人).
    pub fn is_medical(self) -> bool {
        matches!(
            self,
            Self::IryoHojinShadan | Self::IryoHojinZaidan | Self::IryoHojin | Self::ShakaiIryoHojin
        )
    }

    /// True when `other` may denote the same form as `self`: equal, or one of them is
    /// the unspecific 医療法人 and the other a 医療法人社団/財団 ((医) says neither).
    pub fn compatible_with(self, other: CorporateForm) -> bool {
        use CorporateForm::*;
        self == other
            || matches!(
                (self, other),
                (IryoHojin, IryoHojinShadan | IryoHojinZaidan)
                    | (IryoHojinShadan | IryoHojinZaidan, IryoHojin)
            )
    }
}

impl std::fmt::Display for CorporateForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// Spellings recognised at the start of a name, after NFKC (so （株） and ㈱ are (株)).
/// Longer spellings come before their own prefixes.
const PREFIXES: &[(&str, CorporateForm)] = &[
    ("医療法人社団", CorporateForm::IryoHojinShadan),
    ("医療法人(社団)", CorporateForm::IryoHojinShadan),
    ("医療法人財団", CorporateForm::IryoHojinZaidan),
    ("医療法人(財団)", CorporateForm::IryoHojinZaidan),
    ("特定医療法人社団", CorporateForm::IryoHojinShadan),
    ("特定医療法人財団", CorporateForm::IryoHojinZaidan),
    ("特定医療法人", CorporateForm::IryoHojin),
    ("社会医療法人社団", CorporateForm::ShakaiIryoHojin),
    ("社会医療法人財団", CorporateForm::ShakaiIryoHojin),
    ("社会医療法人", CorporateForm::ShakaiIryoHojin),
    ("医療法人", CorporateForm::IryoHojin),
    ("(医社)", CorporateForm::IryoHojinShadan),
    ("(医財)", CorporateForm::IryoHojinZaidan),
    ("(医)", CorporateForm::IryoHojin),
    ("医)", CorporateForm::IryoHojin),
    ("(社医)", CorporateForm::ShakaiIryoHojin),
    ("株式会社", CorporateForm::KabushikiKaisha),
    ("(株)", CorporateForm::KabushikiKaisha),
    ("株)", CorporateForm::KabushikiKaisha),
    ("有限会社", CorporateForm::YugenKaisha),
    ("(有)", CorporateForm::YugenKaisha),
    ("有)", CorporateForm::YugenKaisha),
    ("合同会社", CorporateForm::GodoKaisha),
    ("(同)", CorporateForm::GodoKaisha),
    ("合名会社", CorporateForm::GomeiKaisha),
    ("(名)", CorporateForm::GomeiKaisha),
    ("合資会社", CorporateForm::GoshiKaisha),
    ("(資)", CorporateForm::GoshiKaisha),
    ("一般社団法人", CorporateForm::IppanShadanHojin),
    ("(一社)", CorporateForm::IppanShadanHojin),
    ("一般財団法人", CorporateForm::IppanZaidanHojin),
    ("(一財)", CorporateForm::IppanZaidanHojin),
    ("公益社団法人", CorporateForm::KoekiShadanHojin),
    ("(公社)", CorporateForm::KoekiShadanHojin),
    ("公益財団法人", CorporateForm::KoekiZaidanHojin),
    ("(公財)", CorporateForm::KoekiZaidanHojin),
    ("社団法人", CorporateForm::ShadanHojin),
    ("(社)", CorporateForm::ShadanHojin),
    ("財団法人", CorporateForm::ZaidanHojin),
    ("(財)", CorporateForm::ZaidanHojin),
    ("特定非営利活動法人", CorporateForm::Npo),
    ("NPO法人", CorporateForm::Npo),
    ("(特非)", CorporateForm::Npo),
    ("(NPO)", CorporateForm::Npo),
    ("学校法人", CorporateForm::GakkoHojin),
    ("(学)", CorporateForm::GakkoHojin),
    ("国立大学法人", CorporateForm::KokuritsuDaigakuHojin),
    ("地方独立行政法人", CorporateForm::ChihoDokuritsuGyoseiHojin),
    ("(地独)", CorporateForm::ChihoDokuritsuGyoseiHojin),
    ("独立行政法人", CorporateForm::DokuritsuGyoseiHojin),
    ("(独)", CorporateForm::DokuritsuGyoseiHojin),
    (
        "国立研究開発法人",
        CorporateForm::KokuritsuKenkyuKaihatsuHojin,
    ),
    ("(研)", CorporateForm::KokuritsuKenkyuKaihatsuHojin),
    ("社会福祉法人", CorporateForm::ShakaiFukushiHojin),
    ("(福)", CorporateForm::ShakaiFukushiHojin),
    ("(社福)", CorporateForm::ShakaiFukushiHojin),
    ("宗教法人", CorporateForm::ShukyoHojin),
    ("(宗)", CorporateForm::ShukyoHojin),
    ("医療生活協同組合", CorporateForm::SeikatsuKyodoKumiai),
    ("生活協同組合", CorporateForm::SeikatsuKyodoKumiai),
];

/// Spellings recognised at the end of a name (サンプル株式会社, サンプル(株), 再生会(医)).
pub(super) const SUFFIXES: &[(&str, CorporateForm)] = &[
    ("株式会社", CorporateForm::KabushikiKaisha),
    ("(株)", CorporateForm::KabushikiKaisha),
    ("有限会社", CorporateForm::YugenKaisha),
    ("(有)", CorporateForm::YugenKaisha),
    ("合同会社", CorporateForm::GodoKaisha),
    ("(同)", CorporateForm::GodoKaisha),
    ("合名会社", CorporateForm::GomeiKaisha),
    ("合資会社", CorporateForm::GoshiKaisha),
    ("(医社)", CorporateForm::IryoHojinShadan),
    ("(医財)", CorporateForm::IryoHojinZaidan),
    ("(医)", CorporateForm::IryoHojin),
    ("(一社)", CorporateForm::IppanShadanHojin),
    ("(一財)", CorporateForm::IppanZaidanHojin),
    ("(公社)", CorporateForm::KoekiShadanHojin),
    ("(公財)", CorporateForm::KoekiZaidanHojin),
    ("(学)", CorporateForm::GakkoHojin),
    ("(特非)", CorporateForm::Npo),
];

/// Character equality for form matching: case, width (already NFKC) and old kanji
/// (株式會社) do not matter.
fn same_char(a: char, b: char) -> bool {
    let norm = |c: char| fold_kanji_variant(c.to_ascii_uppercase());
    norm(a) == norm(b)
}

/// Matches `pat` at the start of `chars`, ignoring whitespace inside the input
/// ("医療法人 社団", "( 株 )"). Returns the number of input chars consumed.
fn match_prefix(chars: &[char], pat: &str) -> Option<usize> {
    let mut i = 0;
    for p in pat.chars() {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if !same_char(*chars.get(i)?, p) {
            return None;
        }
        i += 1;
    }
    Some(i)
}

/// Matches `pat` at the end of `chars` (whitespace inside ignored); returns the index
/// where the match starts.
pub(super) fn match_suffix(chars: &[char], pat: &str) -> Option<usize> {
    let mut end = chars.len();
    for p in pat.chars().rev() {
        while end > 0 && chars.get(end - 1).is_some_and(|c| c.is_whitespace()) {
            end -= 1;
        }
        if end == 0 || !same_char(*chars.get(end - 1)?, p) {
            return None;
        }
        end -= 1;
    }
    Some(end)
}

/// A corporate form found at the start: the form, chars consumed (with the spaces
/// after it).
pub(super) fn find_prefix_form(chars: &[char]) -> Option<(CorporateForm, usize)> {
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    let rest = chars.get(lead..)?;
    PREFIXES.iter().find_map(|(pat, form)| {
        let n = match_prefix(rest, pat)?;
        let after = rest
            .iter()
            .skip(n)
            .take_while(|c| c.is_whitespace())
            .count();
        Some((*form, lead + n + after))
    })
}

fn nfkc_chars(s: &str) -> Vec<char> {
    s.nfkc().collect()
}

/// Splits a leading or trailing corporate form off a name. Returns the form (None when
/// there is none) and the rest, cleaned for display (`display_clean`). A leading form
/// wins over a trailing one. Both widths and the abbreviations (医), (株), ㈱, 株) …
/// are recognised.
pub fn split_corporate_form(s: &str) -> (Option<CorporateForm>, String) {
    let chars = nfkc_chars(s);
    if let Some((form, used)) = find_prefix_form(&chars) {
        let rest: String = chars.iter().skip(used).collect();
        return (Some(form), trim_separators(&display_clean(&rest)));
    }
    let end = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(0, |p| p + 1);
    let body = chars.get(..end).unwrap_or(&[]);
    for (pat, form) in SUFFIXES {
        if let Some(start) = match_suffix(body, pat) {
            let rest: String = body.iter().take(start).collect();
            return (Some(*form), trim_separators(&display_clean(&rest)));
        }
    }
    (None, display_clean(s))
}

/// Removes separators left at either end after a form was cut off ("・再生会", "再生会 ").
fn trim_separators(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '・' | '、' | ',' | '/' | ':'))
        .to_string()
}

/// The comparison key of an organization or facility name: `fold` of the name with
/// its corporate form removed, so 医療法人社団再生会 and (医)再生会 share a key. The
/// form is still evidence: get it from `split_corporate_form` (and compare it with
/// `CorporateForm::compatible_with`). A name that is nothing but a form keeps it.
pub fn name_key(s: &str) -> String {
    let (_, rest) = split_corporate_form(s);
    let key = fold(&rest);
    if key.is_empty() {
        fold(s)
    } else {
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CorporateForm::*;

    #[test]
    fn split_corporate_form_table() {
        let cases: &[(&str, Option<CorporateForm>, &str)] = &[
            ("医療法人社団再生会", Some(IryoHojinShadan), "再生会"),
            ("医療法人社団　再生会", Some(IryoHojinShadan), "再生会"),
            ("医療法人 社団 再生会", Some(IryoHojinShadan), "再生会"),
            ("医療法人(社団)再生会", Some(IryoHojinShadan), "再生会"),
            ("医療法人財団青葉会", Some(IryoHojinZaidan), "青葉会"),
            ("医療法人再生会", Some(IryoHojin), "再生会"),
            ("(医)再生会", Some(IryoHojin), "再生会"),
            ("（医）再生会", Some(IryoHojin), "再生会"),
            ("医)再生会", Some(IryoHojin), "再生会"),
            ("社会医療法人青葉会", Some(ShakaiIryoHojin), "青葉会"),
            (
                "株式会社サンプルセル",
                Some(KabushikiKaisha),
                "サンプルセル",
            ),
            (
                "サンプルセル株式会社",
                Some(KabushikiKaisha),
                "サンプルセル",
            ),
            ("㈱サンプルセル", Some(KabushikiKaisha), "サンプルセル"),
            ("（株）サンプルセル", Some(KabushikiKaisha), "サンプルセル"),
            ("サンプルセル㈱", Some(KabushikiKaisha), "サンプルセル"),
            ("株)サンプル", Some(KabushikiKaisha), "サンプル"),
            ("株式會社サンプル", Some(KabushikiKaisha), "サンプル"),
            ("有限会社ミライ", Some(YugenKaisha), "ミライ"),
            ("㈲ミライ", Some(YugenKaisha), "ミライ"),
            ("合同会社ネオ", Some(GodoKaisha), "ネオ"),
            ("(同)ネオ", Some(GodoKaisha), "ネオ"),
            (
                "一般社団法人再生医療推進機構",
                Some(IppanShadanHojin),
                "再生医療推進機構",
            ),
            (
                "(一社)再生医療推進機構",
                Some(IppanShadanHojin),
                "再生医療推進機構",
            ),
            ("一般財団法人未来財団", Some(IppanZaidanHojin), "未来財団"),
            ("(一財)未来財団", Some(IppanZaidanHojin), "未来財団"),
            ("公益社団法人ひかり", Some(KoekiShadanHojin), "ひかり"),
            ("(公社)ひかり", Some(KoekiShadanHojin), "ひかり"),
            ("特定非営利活動法人さいせい", Some(Npo), "さいせい"),
            ("ＮＰＯ法人さいせい", Some(Npo), "さいせい"),
            ("npo法人さいせい", Some(Npo), "さいせい"),
            ("学校法人架空学園", Some(GakkoHojin), "架空学園"),
            (
                "国立大学法人架空大学",
                Some(KokuritsuDaigakuHojin),
                "架空大学",
            ),
            (
                "独立行政法人架空機構",
                Some(DokuritsuGyoseiHojin),
                "架空機構",
            ),
            (
                "地方独立行政法人架空病院機構",
                Some(ChihoDokuritsuGyoseiHojin),
                "架空病院機構",
            ),
            ("再生会クリニック", None, "再生会クリニック"),
            ("", None, ""),
            ("株式会社", Some(KabushikiKaisha), ""),
            ("  ", None, ""),
        ];
        for (input, form, rest) in cases {
            assert_eq!(
                split_corporate_form(input),
                (*form, rest.to_string()),
                "split_corporate_form({input:?})"
            );
        }
    }

    #[test]
    fn name_key_equates_forms() {
        let same = [
            "医療法人社団再生会",
            "(医)再生会",
            "医療法人　再生会",
            "医)再生会",
            "（医）再 生 会",
        ];
        for s in same {
            assert_eq!(name_key(s), "再生会", "{s:?}");
        }
        assert_eq!(name_key("株式会社サンプル"), name_key("サンプル㈱"));
        assert_eq!(name_key("株式会社"), "株式会社");
        assert_eq!(name_key(""), "");
        assert_ne!(
            name_key("医療法人社団再生会"),
            name_key("医療法人社団再生館")
        );
    }

    #[test]
    fn forms_compatible() {
        assert!(IryoHojin.compatible_with(IryoHojinShadan));
        assert!(IryoHojinZaidan.compatible_with(IryoHojin));
        assert!(!IryoHojinShadan.compatible_with(IryoHojinZaidan));
        assert!(!KabushikiKaisha.compatible_with(IryoHojin));
        for f in CorporateForm::ALL {
            assert!(f.compatible_with(f));
            assert!(!f.label_ja().is_empty());
            assert!(split_corporate_form(&format!("{}架空", f.label_ja()))
                .0
                .is_some());
        }
    }
}
