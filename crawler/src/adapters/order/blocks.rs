//! Parties written as labelled blocks after 「記」, and target lists under a bracketed head.
//!
//! - `第１　被処分者等`: `氏　名 person （corporation facility管理者）`, `所　在　地`, `計　画　名`
//!   (plans separated by their aliases `(以下「線維芽」とする)`), `名　称 corporation`,
//!   `施　設　名 CPC`, `処分内容`. A bureau page may flatten the whole block onto one line, so
//!   labels are found anywhere a space precedes them, not only at line starts.
//! - numbered blocks: `医療機関の名称 / 開設者 / 所在地 / 再生医療等の名称 / 命令の根拠` and
//!   `特定細胞加工物製造事業者 / 細胞培養加工施設の名称 / 所在地`.
//! - `【改善命令の対象】`: one `「facility」（prefecture） 管理者 name` per line.

use super::parties::{Parties, Party, Role};
use super::sections::Sections;
use crate::adapters::util::{self, clean, compact};
use regex::Regex;
use std::sync::LazyLock;

/// Labels, longest first (so `細胞培養加工施設の名称` wins over `名称`). `start` says whether the
/// label opens a new block.
const LABELS: &[(&str, Field, bool)] = &[
    ("特定細胞加工物製造事業者", Field::Manufacturer, true),
    ("細胞培養加工施設の名称", Field::Cpc, false),
    ("再生医療等の名称", Field::Plans, false),
    ("医療機関の名称", Field::Facility, true),
    ("施設の名称", Field::Cpc, false),
    ("命令の根拠", Field::Basis, false),
    ("処分内容", Field::Basis, false),
    ("法人名", Field::Organization, true),
    ("施設番号", Field::FacilityNumber, false),
    ("所在地", Field::Place, false),
    ("計画名", Field::Plans, false),
    ("施設名", Field::Cpc, false),
    ("開設者", Field::Operator, false),
    ("氏名", Field::Person, true),
    ("名称", Field::Organization, true),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Person,
    Organization,
    Facility,
    Manufacturer,
    Cpc,
    Operator,
    Place,
    Plans,
    Basis,
    FacilityNumber,
}

/// A label, its characters possibly spaced (`所 在 地`), at the start or after a space, and
/// followed by a space, a colon or the end.
static LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = LABELS
        .iter()
        .map(|(l, _, _)| {
            l.chars()
                .map(|c| regex::escape(&c.to_string()))
                .collect::<Vec<_>>()
                .join("[ \u{3000}]*")
        })
        .collect();
    crate::adapters::util::static_regex(&format!(
        r"(?:^|[ \u{{3000}}])(?:[(（]?[0-9０-９]+[)）．.]?[ \u{{3000}}]*)?({})(?:[ \u{{3000}}:：]+|$)",
        alts.join("|")
    ))
});

static ALIAS_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::adapters::util::static_regex(r"[(（]以下「([^」]+)」[^)）]*[)）]"));

/// The alias a plan is given (`(以下「線維芽」とする)`).
pub(super) fn alias_of(text: &str) -> Option<String> {
    ALIAS_RE
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| clean(m.as_str()))
}

fn field_of(label: &str) -> Option<(Field, bool)> {
    let c = compact(label);
    LABELS
        .iter()
        .find(|(l, _, _)| *l == c)
        .map(|(_, f, start)| (*f, *start))
}

/// Labelled values in order: (field, starts a block, value).
fn labelled(text: &str) -> Vec<(Field, bool, String)> {
    let mut out: Vec<(Field, bool, String)> = Vec::new();
    let mut last_end = 0;
    for cap in LABEL_RE.captures_iter(text) {
        let (Some(whole), Some(label)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        if let Some((_, _, value)) = out.last_mut() {
            *value = clean(text.get(last_end..whole.start()).unwrap_or(""));
        }
        if let Some((field, start)) = field_of(label.as_str()) {
            out.push((field, start, String::new()));
        }
        last_end = whole.end();
    }
    if let Some((_, _, value)) = out.last_mut() {
        *value = clean(text.get(last_end..).unwrap_or(""));
    }
    out
}

/// Blocks of labelled values, each opened by a person, an organization, a facility or a
/// manufacturer.
fn blocks_of(text: &str) -> Vec<Vec<(Field, String)>> {
    let mut blocks: Vec<Vec<(Field, String)>> = Vec::new();
    for (field, start, value) in labelled(text) {
        let opens = start
            && blocks
                .last()
                .is_none_or(|b| b.iter().any(|(f, _)| *f == field) || opener(b).is_some());
        if opens || blocks.is_empty() {
            blocks.push(Vec::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push((field, value));
        }
    }
    blocks
}

fn opener(block: &[(Field, String)]) -> Option<Field> {
    block.first().map(|(f, _)| *f).filter(|f| {
        matches!(
            f,
            Field::Person | Field::Organization | Field::Facility | Field::Manufacturer
        )
    })
}

fn get(block: &[(Field, String)], field: Field) -> Option<&str> {
    block
        .iter()
        .find(|(f, v)| *f == field && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// Parties from the 記 part of an order, or from a target list; empty when there is neither.
pub(super) fn read(sections: &Sections) -> Parties {
    let mut parties = Parties::default();
    for (head, lines) in &sections.heads {
        let h = compact(head);
        if h.contains("被処分者") || h == "記" {
            let text = lines.join(" ");
            for block in blocks_of(&text) {
                read_block(&block, &mut parties);
            }
        } else if h.contains("対象") && (h.contains("命令") || h.contains("処分")) {
            for line in lines {
                target_line(line, &mut parties);
            }
        }
        if !parties.is_empty() && h != "記" {
            break;
        }
    }
    parties
}

/// The value before its first parenthesis, and what the parenthesis says.
fn split_paren(v: &str) -> (String, Option<String>) {
    let chars: Vec<char> = v.chars().collect();
    let Some(open) = chars.iter().position(|c| matches!(c, '（' | '(')) else {
        return (clean(v), None);
    };
    let name: String = chars.get(..open).unwrap_or(&[]).iter().collect();
    let oc = chars.get(open).copied().unwrap_or('(');
    let close = if oc == '(' { ')' } else { '）' };
    let inner = util::bracketed(&chars, open, oc, close).map(|(s, _)| clean(&s));
    (clean(&name), inner)
}

const PERSON_ROLES: &[(&str, Role)] = &[
    ("管理者", Role::Manager),
    ("院長", Role::Manager),
    ("施設長", Role::Manager),
    ("開設者", Role::Operator),
];

fn read_block(block: &[(Field, String)], parties: &mut Parties) {
    let place = get(block, Field::Place).map(str::to_string);
    let plans = get(block, Field::Plans)
        .map(split_plans)
        .unwrap_or_default();
    for p in plans {
        if !parties.plans.contains(&p) {
            parties.plans.push(p);
        }
    }
    match opener(block) {
        Some(Field::Person) => {
            let (person, role_text) = split_paren(get(block, Field::Person).unwrap_or(""));
            let role_text = role_text.unwrap_or_default();
            let (role, holder) = PERSON_ROLES
                .iter()
                .find_map(|(w, r)| role_text.strip_suffix(w).map(|h| (*r, h.to_string())))
                .unwrap_or((Role::Manager, role_text.clone()));
            let facility = if holder.is_empty() {
                None
            } else {
                parties.push_facility(&holder, place)
            };
            if !person.is_empty() {
                let mut p = Party::new(role, person);
                p.of = facility;
                parties.push(p);
            }
        }
        Some(Field::Organization) | Some(Field::Manufacturer) => {
            let field = opener(block).unwrap_or(Field::Organization);
            let (name, _representative) = split_paren(get(block, field).unwrap_or(""));
            let cpc_text = get(block, Field::Cpc).map(str::to_string);
            let manufacture = field == Field::Manufacturer
                || cpc_text.is_some()
                || get(block, Field::Basis).is_some_and(|b| {
                    let c = compact(b);
                    c.contains("第47条") || c.contains("第48条") || c.contains("製造")
                });
            let role = if manufacture {
                Role::Manufacturer
            } else {
                Role::Operator
            };
            let cpc_at = cpc_text.and_then(|t| cpc_party(&t, &name, place.clone(), block, parties));
            if !name.is_empty() {
                let mut org = Party::new(role, name);
                org.of = cpc_at;
                if cpc_at.is_none() {
                    org.place = place;
                }
                parties.push(org);
            }
        }
        Some(Field::Facility) => {
            let text = get(block, Field::Facility).unwrap_or("");
            let at = parties.push_facility(text, place);
            if let (Some(at), Some(op)) = (at, get(block, Field::Operator)) {
                let has_operator = parties.parties.iter().any(|p| p.of == Some(at));
                if !has_operator {
                    let (name, _) = split_paren(op);
                    let mut org = Party::new(Role::Operator, name);
                    org.of = Some(at);
                    parties.push(org);
                }
            }
        }
        _ => {}
    }
}

/// A CPC named in a corporation's block; its corporation prefix, when it repeats the block's
/// corporation, is dropped.
fn cpc_party(
    text: &str,
    org: &str,
    place: Option<String>,
    block: &[(Field, String)],
    parties: &mut Parties,
) -> Option<usize> {
    let (name, paren) = split_paren(text);
    let (prefix, rest) = util::split_operator(&name);
    let cpc_name = match prefix {
        Some(p) if !rest.is_empty() && compact(&p) == compact(org) => rest,
        _ => name.clone(),
    };
    let mut cpc = Party::new(Role::Cpc, cpc_name);
    cpc.place = place.or_else(|| paren.filter(|p| util::prefecture_of(p).is_some()));
    cpc.facility_number = util::facility_number(text)
        .or_else(|| get(block, Field::FacilityNumber).and_then(util::facility_number));
    Some(parties.push(cpc))
}

/// Plans under one label: separated by their aliases (`… (以下「線維芽」とする) …`) when the
/// order gives them, or by 「」; a sentence about treatments given without a plan
/// (`上記9計画の他、…`) ends the list.
fn split_plans(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    if ALIAS_RE.is_match(value) {
        while let Some(m) = ALIAS_RE.find(rest) {
            let chunk = clean(rest.get(..m.end()).unwrap_or(""));
            rest = rest.get(m.end()..).unwrap_or("");
            if compact(&chunk).starts_with("上記") {
                break;
            }
            out.push(chunk);
        }
        return out;
    }
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    while let Some((q, end)) = util::bracketed(&chars, i, '「', '」') {
        out.push(clean(&q));
        i = end;
    }
    if out.is_empty() && !clean(value).is_empty() {
        out.push(clean(value));
    }
    out
}

/// `「facility」（prefecture）　管理者　name` — or a corporation instead of a facility.
fn target_line(line: &str, parties: &mut Parties) {
    let item = util::strip_item_marker(line).unwrap_or_else(|| clean(line));
    let chars: Vec<char> = item.chars().collect();
    let Some((quoted, end)) = util::bracketed(&chars, 0, '「', '」') else {
        return;
    };
    let after: String = chars.get(end..).unwrap_or(&[]).iter().collect();
    let (_, paren) = split_paren(&after);
    let place = paren.filter(|p| util::prefecture_of(p).is_some());
    let Some(at) = parties.push_facility(&quoted, place) else {
        return;
    };
    let c = compact(&after);
    if let Some(i) = c.find("管理者") {
        let name: String = c
            .get(i + "管理者".len()..)
            .unwrap_or("")
            .trim_start_matches([':', '：'])
            .to_string();
        if !name.is_empty() {
            let mut p = Party::new(Role::Manager, name);
            p.of = Some(at);
            parties.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(p: &Parties) -> Vec<String> {
        p.parties
            .iter()
            .map(|x| {
                let of =
                    x.of.and_then(|i| p.parties.get(i))
                        .map(|o| o.name.clone())
                        .unwrap_or_default();
                format!(
                    "{}|{}|{}|{}",
                    x.role.as_str(),
                    x.name,
                    x.place.clone().unwrap_or_default(),
                    of
                )
            })
            .collect()
    }

    fn sections(head: &str, lines: &[&str]) -> Sections {
        Sections {
            lead: Vec::new(),
            heads: vec![(
                head.to_string(),
                lines.iter().map(|s| s.to_string()).collect(),
            )],
        }
    }

    #[test]
    fn one_line_block_with_spaced_labels_and_plan_aliases() {
        let s = sections(
            "被処分者等",
            &["氏 名 甲山 乙 (医療法人丙会 丁クリニック管理者) 所 在 地 福岡県福岡市中央区天神1丁目1番1号 計 画 名 自家Ａ療法(以下「Ａ」とする) 自家Ｂ療法(以下「Ｂ」とする) 上記2計画の他、計画が提出されずに行われた再生医療等 Ｃ注射(以下「Ｃ」とする)"],
        );
        let p = read(&s);
        assert_eq!(
            roles(&p),
            [
                "provider|丁クリニック|福岡県福岡市中央区天神1丁目1番1号|",
                "operator|医療法人丙会||丁クリニック",
                "manager|甲山 乙||丁クリニック"
            ]
        );
        assert_eq!(
            p.plans,
            [
                "自家Ａ療法(以下「Ａ」とする)",
                "自家Ｂ療法(以下「Ｂ」とする)"
            ]
        );
    }

    #[test]
    fn person_and_corporation_blocks_on_separate_lines() {
        let s = sections(
            "被処分者等",
            &[
                "氏 名 甲 太郎",
                "(医療法人 乙会 ＡＢ CLINIC管理者)",
                "所 在 地 東京都中央区日本橋一丁目1番1号",
                "計 画 名 自家NK細胞療法",
                "処分内容 法第23条第1項による改善命令",
                "名 称 医療法人 乙会",
                "(理事長:丙 花子)",
                "所 在 地 東京都豊島区南池袋1丁目1-1",
                "施 設 名 医療法人乙会 丁クリニック 培養センター",
                "処分内容 法第48条第2項による改善命令",
            ],
        );
        let p = read(&s);
        assert_eq!(
            roles(&p),
            [
                "provider|ＡＢ CLINIC|東京都中央区日本橋一丁目1番1号|",
                "operator|医療法人 乙会||ＡＢ CLINIC",
                "manager|甲 太郎||ＡＢ CLINIC",
                "cpc|丁クリニック 培養センター|東京都豊島区南池袋1丁目1-1|",
                "manufacturer|医療法人 乙会||丁クリニック 培養センター"
            ]
        );
    }

    #[test]
    fn numbered_blocks_after_ki() {
        let s = sections(
            "記",
            &[
                "１．医療機関の名称　甲クリニック",
                "開設者　医療法人社団乙会",
                "所在地　東京都中央区銀座一丁目1番1号",
                "再生医療等の名称　「自家脂肪由来幹細胞治療」",
                "命令の根拠　法第22条",
                "２．特定細胞加工物製造事業者　丙株式会社",
                "細胞培養加工施設の名称　丙細胞加工センター",
                "所在地　埼玉県坂戸市千代田一丁目1番1号",
            ],
        );
        let p = read(&s);
        assert_eq!(
            roles(&p),
            [
                "provider|甲クリニック|東京都中央区銀座一丁目1番1号|",
                "operator|医療法人社団乙会||甲クリニック",
                "cpc|丙細胞加工センター|埼玉県坂戸市千代田一丁目1番1号|",
                "manufacturer|丙株式会社||丙細胞加工センター"
            ]
        );
        assert_eq!(p.plans, ["自家脂肪由来幹細胞治療"]);
    }

    #[test]
    fn target_list_lines() {
        let s = sections(
            "改善命令の対象",
            &[
                "・「甲クリニック」（東京都）　管理者　乙山　丙",
                "・「医療法人丁会」（大阪府）",
            ],
        );
        let p = read(&s);
        assert_eq!(
            roles(&p),
            [
                "provider|甲クリニック|東京都|",
                "manager|乙山丙||甲クリニック",
                "operator|医療法人丁会|大阪府|"
            ]
        );
    }
}
