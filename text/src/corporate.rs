//! Corporate forms (医療法人社団, 株式会社, (株) …), name keys without them, and the
//! split of "corporation + facility" strings that sources write as one.

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
const SUFFIXES: &[(&str, CorporateForm)] = &[
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
fn match_suffix(chars: &[char], pat: &str) -> Option<usize> {
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
fn find_prefix_form(chars: &[char]) -> Option<(CorporateForm, usize)> {
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

/// Words that end or make up facility names; their presence after a corporation's
/// name is what makes a split without separator plausible.
const FACILITY_WORDS: &[&str] = &[
    "クリニツク",
    "clinic",
    "医院",
    "病院",
    "診療所",
    "歯科",
    "センタ",
    "center",
    "centre",
    "hospital",
    "皮膚科",
    "内科",
    "外科",
    "眼科",
    "整形",
    "婦人科",
    "研究所",
    "ラボ",
    "lab",
    "オフイス",
    "ヘルスケア",
    "メデイカル",
    "medical",
    "ホスピタル",
    "治療院",
    "細胞",
];

/// Facility words that are never a whole facility name (folded).
const GENERIC_FACILITY: &[&str] = &[
    "クリニツク",
    "clinic",
    "医院",
    "病院",
    "診療所",
    "歯科",
    "歯科医院",
    "内科",
    "皮膚科",
];

fn looks_like_facility(s: &str) -> bool {
    let key = fold(s);
    FACILITY_WORDS.iter().any(|w| key.contains(w))
}

/// Chars that end the name of a corporation written without a separator before the
/// facility (再生会, 青葉団, 陽光社); 法人 is handled as a two-char ending.
fn is_name_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i)? {
        '会' | '団' | '社' => Some(i + 1),
        '法' if chars.get(i + 1) == Some(&'人') => Some(i + 2),
        _ => None,
    }
}

/// The longest corporation name (after its form) a joined split looks for.
const MAX_CORPORATE_NAME_CHARS: usize = 40;

/// Finds where a corporation's name ends inside `name` (the text after its form) when
/// the facility follows without a separator: the first 会/団/社/法人 with at least one
/// char before it and a facility-looking remainder of at least two chars.
fn joined_split(name: &[char], medical: bool) -> Option<usize> {
    // Corporation names are short; bounding the search keeps hostile input linear.
    (1..name.len().min(MAX_CORPORATE_NAME_CHARS)).find_map(|i| {
        let end = is_name_end(name, i)?;
        let rest: String = name.iter().skip(end).collect();
        let rest_len = rest.chars().filter(|c| !c.is_whitespace()).count();
        if rest_len < 2 {
            return None;
        }
        // A medical corporation's name ends with 会/団 by convention, so any two-char
        // remainder is a facility; other forms need a facility word.
        let plausible = looks_like_facility(&rest)
            || (medical && matches!(name.get(i), Some('会' | '団')) && !starts_like_name(&rest));
        plausible.then_some(end)
    })
}

/// Remainders that continue a name rather than start a facility (会館, 会長 …).
fn starts_like_name(rest: &str) -> bool {
    let first = rest.chars().next();
    matches!(
        first,
        Some('館' | '長' | '員' | '計' | '議' | '場' | '話' | '社' | '堂')
    )
}

/// Splits a string that names a corporation and its facility together
/// ("医療法人社団○○会 ＸＸクリニック", "医療法人○○会\r\nＸＸ CLINIC",
/// "医療法人社団○○会ＸＸクリニック", "ＸＸクリニック（医療法人社団○○会）").
/// Returns (Some(corporation), facility), both display-cleaned, the corporation with
/// its form as written but without inner spaces; or (None, whole string cleaned) when
/// no corporation with a following facility name is found.
pub fn split_operator_and_facility(s: &str) -> (Option<String>, String) {
    // Releases quote names, sometimes with an unmatched bracket: 「医療法人○○会 ＸＸ CLINIC
    let s = display_clean(s);
    let s = s.trim_matches(|c: char| matches!(c, '「' | '」' | '『' | '』' | '"' | '“' | '”'));
    let whole = display_clean(s);
    let chars = nfkc_chars(s);
    if let Some(found) = split_leading_corporation(&chars) {
        return found;
    }
    if let Some(found) = split_trailing_corporation(&whole) {
        return found;
    }
    if let Some(found) = split_suffix_form_token(&chars) {
        return found;
    }
    (None, whole)
}

/// "医療法人社団再生会 ＸＸクリニック" and the joined forms.
fn split_leading_corporation(chars: &[char]) -> Option<(Option<String>, String)> {
    let (form, used) = find_prefix_form(chars)?;
    let form_text: String = chars
        .iter()
        .take(used)
        .filter(|c| !c.is_whitespace())
        .collect();
    let name = chars.get(used..)?;
    let token_len = name.iter().take_while(|c| !c.is_whitespace()).count();
    let token = name.get(..token_len)?;
    let after_token: String = name.iter().skip(token_len).collect();
    let after_clean = display_clean(&after_token);
    let token_str: String = token.iter().collect();
    // The first token may itself hold corporation + facility ("再生会ＸＸクリニック 東京院").
    let token_has_facility = looks_like_facility(&token_str);
    if token_has_facility || after_clean.is_empty() {
        if let Some(end) = joined_split(token, form.is_medical()) {
            let corp: String = token.iter().take(end).collect();
            let mut fac_head: String = token.iter().skip(end).collect();
            // "医療法人社団再生会クリニック": a bare generic word is no facility name;
            // the clinic carries the corporation's name.
            if GENERIC_FACILITY.contains(&fold(&fac_head).as_str()) {
                fac_head = format!("{corp}{fac_head}");
            }
            let facility = display_clean(&format!("{fac_head} {after_token}"));
            return Some((
                Some(format!("{form_text}{corp}")),
                trim_separators(&facility),
            ));
        }
    }
    if token.is_empty() || after_clean.is_empty() {
        return None;
    }
    Some((
        Some(format!("{form_text}{}", display_clean(&token_str))),
        trim_separators(&after_clean),
    ))
}

/// "ＸＸクリニック（医療法人社団再生会）": facility first, its operator in brackets.
fn split_trailing_corporation(whole: &str) -> Option<(Option<String>, String)> {
    let inner_end = whole.strip_suffix(')')?;
    let open = inner_end.rfind('(')?;
    let facility = inner_end.get(..open)?.trim();
    let inner = inner_end.get(open + 1..)?.trim();
    let (form, _) = split_corporate_form(inner);
    if form.is_none() || facility.is_empty() {
        return None;
    }
    Some((Some(inner.to_string()), facility.to_string()))
}

/// "サンプル株式会社 再生医療センター": a first token ending with a suffix form.
fn split_suffix_form_token(chars: &[char]) -> Option<(Option<String>, String)> {
    let lead = chars.iter().take_while(|c| c.is_whitespace()).count();
    let body = chars.get(lead..)?;
    let token_len = body.iter().take_while(|c| !c.is_whitespace()).count();
    let token = body.get(..token_len)?;
    let after: String = body.iter().skip(token_len).collect();
    let after = display_clean(&after);
    if after.is_empty() {
        return None;
    }
    let matched = SUFFIXES
        .iter()
        .any(|(pat, _)| match_suffix(token, pat).is_some_and(|start| start > 0));
    matched.then(|| (Some(token.iter().collect()), after))
}

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
    use crate::testutil::random_strings;
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

    #[test]
    fn split_operator_and_facility_table() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "医療法人社団再生会 ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "医療法人社団再生会　ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "医療法人再生会\r\nＸＸ ＣＬＩＮＩＣ",
                Some("医療法人再生会"),
                "XX CLINIC",
            ),
            (
                "医療法人社団再生会ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "医療法人社団会田会さくら皮膚科",
                Some("医療法人社団会田会"),
                "さくら皮膚科",
            ),
            (
                "医療法人社団青空会青空医院",
                Some("医療法人社団青空会"),
                "青空医院",
            ),
            (
                "医療法人財団青葉団あおば病院",
                Some("医療法人財団青葉団"),
                "あおば病院",
            ),
            (
                "医療法人社団再生会ＸＸクリニック 東京院",
                Some("医療法人社団再生会"),
                "XXクリニック 東京院",
            ),
            (
                "(医)再生会 銀座再生クリニック",
                Some("(医)再生会"),
                "銀座再生クリニック",
            ),
            (
                "医療法人 社団 再生会 ＸＸクリニック",
                Some("医療法人社団再生会"),
                "XXクリニック",
            ),
            (
                "株式会社サンプルセル 細胞加工センター",
                Some("株式会社サンプルセル"),
                "細胞加工センター",
            ),
            (
                "サンプルセル株式会社 細胞加工センター",
                Some("サンプルセル株式会社"),
                "細胞加工センター",
            ),
            (
                "銀座再生クリニック（医療法人社団再生会）",
                Some("医療法人社団再生会"),
                "銀座再生クリニック",
            ),
            ("銀座再生クリニック", None, "銀座再生クリニック"),
            ("医療法人社団再生会", None, "医療法人社団再生会"),
            (
                "医療法人社団再生会会館クリニック",
                Some("医療法人社団再生会"),
                "会館クリニック",
            ),
            ("医療法人社団", None, "医療法人社団"),
            (
                "医療法人社団再生会クリニック",
                Some("医療法人社団再生会"),
                "再生会クリニック",
            ),
            ("医療法人青葉会病院", Some("医療法人青葉会"), "青葉会病院"),
            (
                "医療法人社団さくら会\u{3000}さくら会クリニック",
                Some("医療法人社団さくら会"),
                "さくら会クリニック",
            ),
            ("", None, ""),
            ("   ", None, ""),
            (
                "「医療法人再生会 ＸＸ ＣＬＩＮＩＣ」",
                Some("医療法人再生会"),
                "XX CLINIC",
            ),
            (
                "「医療法人再生会 ＸＸ ＣＬＩＮＩＣ",
                Some("医療法人再生会"),
                "XX CLINIC",
            ),
            ("『銀座再生クリニック』", None, "銀座再生クリニック"),
        ];
        for (input, corp, fac) in cases {
            assert_eq!(
                split_operator_and_facility(input),
                (corp.map(str::to_string), fac.to_string()),
                "split_operator_and_facility({input:?})"
            );
        }
    }

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

    /// e-再生医療 rows spell one facility many ways; the facility part's key agrees.
    #[test]
    fn esaisei_spellings_agree() {
        let rows = [
            "医療法人社団再生会\r\nＸＸクリニック",
            "医療法人社団再生会　ＸＸクリニック",
            "医療法人社団再生会 XXクリニック",
            "医療法人社団再生会ＸＸクリニック",
            "医療法人社団 再生会 ｘｘ ｸﾘﾆｯｸ",
            "（医）再生会　ＸＸクリニック",
            "ＸＸクリニック",
            "XX クリニック",
            "ＸＸクリニック（医療法人社団再生会）",
        ];
        for row in rows {
            let (corp, facility) = split_operator_and_facility(row);
            assert_eq!(name_key(&facility), "xxクリニツク", "{row:?}");
            if let Some(corp) = corp {
                assert_eq!(name_key(&corp), "再生会", "{row:?}");
            }
        }
    }

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
