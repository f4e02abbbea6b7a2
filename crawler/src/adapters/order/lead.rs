//! Parties named in an order's prose lead: `「医療法人○○会　ＸＸクリニック」（東京都中央区、
//! 管理者　氏名）に対し`, several joined by 及び, a CPC with its 施設番号, a copy's
//! `「…」及び「医療法人○○会」に対し`, a report's `「…」（…）から`, an operator written before
//! the quote (`○○会が運営する「…」`), or a lead without quotes (`ＸＸクリニック（東京都）に対し`).

use super::parties::{Parties, Party, Role};
use crate::adapters::util::{self, clean, compact};

/// Sentences that issue the order (the parties are named in or before them).
fn issuing(s: &str) -> bool {
    let c = compact(s);
    c.contains("命じ") || c.contains("行いました") || c.contains("要請し") || c.contains("取り消")
}

/// A quote that names a party: not an alias (`以下「法」`), not the Act or a title.
fn names_a_party(quote: &str, before: &str) -> bool {
    let c = compact(quote);
    c.chars().count() > 2
        && !compact(before).ends_with("以下")
        && !c.contains("法律")
        && !c.contains("について")
}

pub(super) fn read(lead: &[String], manufacture: bool) -> Parties {
    let text = lead.join("");
    let sentences = util::lead_sentences(&text);
    let last = sentences
        .iter()
        .position(|s| issuing(s))
        .unwrap_or(sentences.len().saturating_sub(1));
    let mut parties = Parties::default();
    for s in sentences.iter().take(last + 1) {
        quoted_parties(s, &mut parties);
        if !parties.is_empty() {
            break;
        }
    }
    if parties.is_empty() {
        for s in sentences.iter().take(last + 1) {
            unquoted_party(s, &mut parties);
            if !parties.is_empty() {
                break;
            }
        }
    }
    // A corporation named on its own by an order that stops manufacture is the manufacturer
    // (it made cells without a CPC of its own being named).
    let has_cpc = parties.parties.iter().any(|p| p.role == Role::Cpc);
    if manufacture && !has_cpc {
        for p in parties.parties.iter_mut() {
            if p.role == Role::Operator && p.of.is_none() {
                p.role = Role::Manufacturer;
            }
        }
    }
    parties
}

fn quoted_parties(sentence: &str, parties: &mut Parties) {
    let chars: Vec<char> = sentence.chars().collect();
    let mut i = 0;
    while let Some((quoted, end)) = util::bracketed(&chars, i, '「', '」') {
        let open_at = (i..chars.len())
            .find(|k| chars.get(*k) == Some(&'「'))
            .unwrap_or(i);
        let before: String = chars.get(i..open_at).unwrap_or(&[]).iter().collect();
        i = end;
        if !names_a_party(&quoted, &before) {
            continue;
        }
        // A parenthesis right after the quote: place, manager, 施設番号 — or `（現　新名）`.
        let mut next = end;
        while chars
            .get(next)
            .is_some_and(|c| *c == ' ' || *c == '\u{3000}')
        {
            next += 1;
        }
        let mut paren = None;
        if let Some(&open @ ('（' | '(')) = chars.get(next) {
            let close = if open == '（' { '）' } else { ')' };
            if let Some((p, after)) = util::bracketed(&chars, next, open, close) {
                paren = Some(p);
                i = after;
            }
        }
        let mut name = clean(&quoted);
        if let Some(p) = paren.as_ref() {
            let t = p.trim_start_matches([' ', '\u{3000}']);
            if t.starts_with('現') {
                name = format!("{name}（{t}）");
                paren = None;
            }
        }
        add_party(&name, paren.as_deref(), &before, parties);
    }
}

/// One quoted (or unquoted) name with what its parenthesis says.
fn add_party(name: &str, paren: Option<&str>, before: &str, parties: &mut Parties) {
    let mut place = None;
    let mut manager = None;
    let mut number = None;
    for part in paren.unwrap_or("").split(['、', ',', '，']) {
        let part = clean(part);
        let c = compact(&part);
        if c.starts_with("管理者") {
            let v: String = part.chars().skip(3).collect();
            let v = clean(v.trim_start_matches([' ', '\u{3000}', ':', '：']));
            manager = (!v.is_empty()).then_some(v);
        } else if c.contains("施設番号") {
            number = util::facility_number(&c);
        } else if c.starts_with("所在地") {
            let v: String = part.chars().skip(3).collect();
            place = Some(clean(v.trim_start_matches([' ', '\u{3000}', ':', '：'])));
        } else if util::prefecture_of(&part).is_some() {
            place = Some(part);
        }
    }
    let operator_before = operator_written_before(before);
    let Some(at) = parties.push_facility(name, place) else {
        return;
    };
    if let Some(p) = parties.parties.get_mut(at) {
        p.facility_number = number;
    }
    if let Some(op) = operator_before {
        let has_operator = parties.parties.iter().any(|p| p.of == Some(at));
        if !has_operator {
            let mut org = Party::new(Role::Operator, op);
            org.of = Some(at);
            parties.push(org);
        }
    }
    if let Some(m) = manager {
        let mut person = Party::new(Role::Manager, m);
        person.of = Some(at);
        parties.push(person);
    }
}

/// The part of `head` after the last of `separators` (all of it when there is none): the
/// name that ends a sentence's clause.
fn after_last<'a>(head: &'a str, separators: &[char]) -> &'a str {
    head.rsplit(separators).next().unwrap_or(head)
}

/// `一般社団法人○○会が運営する「…」`: the operator written before the quote.
fn operator_written_before(before: &str) -> Option<String> {
    let t = clean(before);
    let head = ["が運営する", "が開設する"]
        .iter()
        .find_map(|k| t.strip_suffix(k))?;
    let name = clean(after_last(head, &['、', '，', '。', 'は']));
    let (op, rest) = util::split_operator(&name);
    (rest.is_empty()).then_some(op).flatten()
}

/// Words that make an unquoted span a name rather than a description
/// (`再生医療等提供機関` is not a name).
const NAME_WORDS: &[&str] = &[
    "クリニック",
    "病院",
    "医院",
    "診療所",
    "センター",
    "法人",
    "株式会社",
];

/// `医療法人○○会　ＸＸクリニック（東京都中央区）に対し`: the span before に対し, after the
/// last comma.
fn unquoted_party(sentence: &str, parties: &mut Parties) {
    let Some(at) = sentence.find("に対し") else {
        return;
    };
    let head = sentence.get(..at).unwrap_or("");
    let span = clean(after_last(head, &['、', '，']));
    let (name, paren) = match span.rfind(['（', '(']) {
        Some(open) if span.ends_with(['）', ')']) => {
            let inner = span.get(open..).unwrap_or("");
            let inner = inner
                .trim_start_matches(['（', '('])
                .trim_end_matches(['）', ')']);
            (
                span.get(..open).unwrap_or("").to_string(),
                Some(inner.to_string()),
            )
        }
        _ => (span.clone(), None),
    };
    let c = compact(&name);
    if c.contains("提供機関")
        || c.contains("加工施設に")
        || !NAME_WORDS.iter().any(|w| c.contains(w))
    {
        return;
    }
    add_party(&name, paren.as_deref(), "", parties);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each party as `role|name|place`.
    fn role_name_place(p: &Parties) -> Vec<String> {
        p.parties
            .iter()
            .map(|x| {
                let place = x.place.clone().unwrap_or_default();
                format!("{}|{}|{place}", x.role.as_str(), x.name)
            })
            .collect()
    }

    fn lead(s: &str) -> Vec<String> {
        vec![s.to_string()]
    }

    #[test]
    fn corporation_and_clinic_in_one_quote_and_the_corporation_alone() {
        let p = read(
            &lead("平成28年10月28日、「医療法人社団甲会乙クリニック」及び「医療法人社団甲会」に対し、立入検査を行ったところ、法律違反が確認されました。10月31日付で、法第22条及び第47条に基づき、停止を命じました。"),
            true,
        );
        let roles: Vec<(&str, &str)> = p
            .parties
            .iter()
            .map(|x| (x.role.as_str(), x.name.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                ("provider", "乙クリニック"),
                ("operator", "医療法人社団甲会"),
                ("manufacturer", "医療法人社団甲会")
            ]
        );
    }

    #[test]
    fn report_sentence_with_unbalanced_spacing() {
        let p = read(
            &lead("令和6年 10 月 24 日、「医療法人甲会 ＡＢ CLINIC」(東京都中央区)から、法第 18 条に基づく疾病等報告、及び「医療法人甲会 乙クリニック 培養センター」(東京都 豊島区)から、重大事態報告等がなされました。本日付けで、法第 22 条及び法第 47 条に基づき、一時停止を命じました。"),
            true,
        );
        assert_eq!(
            role_name_place(&p),
            [
                "provider|ＡＢ CLINIC|東京都中央区",
                "operator|医療法人甲会|",
                "cpc|乙クリニック 培養センター|東京都 豊島区",
                "manufacturer|医療法人甲会|"
            ]
        );
    }

    #[test]
    fn operator_before_the_quote_and_labelled_parenthesis() {
        let p = read(
            &lead("本日、一般社団法人甲会が運営する「乙クリニック」(管理者:丙山丁、所在地:東京都千代田区外神田1-1-1)の管理者に対し、法第23条第1項に基づき改善命令を行いました。"),
            false,
        );
        assert_eq!(
            role_name_place(&p),
            [
                "provider|乙クリニック|東京都千代田区外神田1-1-1",
                "operator|一般社団法人甲会|",
                "manager|丙山丁|"
            ]
        );
    }

    #[test]
    fn a_lead_without_quotes() {
        let p = read(
            &lead("本日、医療法人社団甲会　乙クリニック（東京都港区）に対し、法第22条に基づき、提供の一時停止を命じました。"),
            false,
        );
        assert_eq!(p.parties.len(), 2, "{p:?}");
        assert_eq!(p.parties[0].name, "乙クリニック");
        assert_eq!(p.parties[0].place.as_deref(), Some("東京都港区"));
        assert_eq!(p.parties[1].name, "医療法人社団甲会");
    }

    #[test]
    fn a_generic_addressee_is_not_a_party() {
        let p = read(
            &lead("九州厚生局長は、本日、再生医療等提供機関及び細胞培養加工施設に対し、法第23条第1項に基づく改善命令を行いました。"),
            false,
        );
        assert!(p.is_empty(), "{p:?}");
    }
}
