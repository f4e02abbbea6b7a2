//! Who an order names: each party with its role, name, former name, place and 施設番号, and
//! which party it belongs to (a clinic's manager or operator, a CPC's manufacturer).

use crate::adapters::util::{self, clean};
use crate::provenance::SubjectKind as K;

/// The part a party plays in an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The clinic or hospital providing regenerative medicine.
    Provider,
    /// Its 管理者 (a person).
    Manager,
    /// Its 開設者 (a corporation or a person).
    Operator,
    /// A 特定細胞加工物製造事業者: whoever makes the cells.
    Manufacturer,
    /// A 細胞培養加工施設.
    Cpc,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Manager => "manager",
            Role::Operator => "operator",
            Role::Manufacturer => "manufacturer",
            Role::Cpc => "cpc",
        }
    }

    /// The kind of subject a party in this role is.
    pub(super) fn kind(self) -> K {
        match self {
            Role::Provider => K::Facility,
            Role::Cpc => K::Cpc,
            Role::Manager => K::Person,
            Role::Operator | Role::Manufacturer => K::Organization,
        }
    }
}

/// One party named by an order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Party {
    pub role: Role,
    pub name: String,
    /// The name it had before, when the order writes `旧（現　新）`.
    pub former: Option<String>,
    pub place: Option<String>,
    pub facility_number: Option<String>,
    /// Index of the party this one belongs to (a manager's clinic, an operator's clinic, a
    /// manufacturer's CPC).
    pub of: Option<usize>,
}

impl Party {
    pub(crate) fn new(role: Role, name: impl Into<String>) -> Self {
        Self {
            role,
            name: clean(&name.into()),
            former: None,
            place: None,
            facility_number: None,
            of: None,
        }
    }
}

/// The parties of an order and the plans it names.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Parties {
    pub parties: Vec<Party>,
    pub plans: Vec<String>,
}

impl Parties {
    pub(crate) fn push(&mut self, p: Party) -> usize {
        self.parties.push(p);
        self.parties.len() - 1
    }

    /// A facility-or-CPC string as written (`医療法人○○会　ＸＸクリニック`, maybe with
    /// `旧（現　新）` on either part): the facility, and its corporation as its operator (or
    /// as the manufacturer when the facility is a CPC). Returns the facility's index.
    pub(crate) fn push_facility(&mut self, text: &str, place: Option<String>) -> Option<usize> {
        let parts = renamed_parts(text);
        let (op, op_former, fac, fac_former) = match parts.as_slice() {
            [(org, org_old), (fac, fac_old)] if util::split_operator(org).1.is_empty() => (
                Some(org.clone()),
                org_old.clone(),
                fac.clone(),
                fac_old.clone(),
            ),
            [(current, former)] => {
                let (op, fac) = util::split_operator(current);
                // `医療法人Ａ会　旧名（現　新名）`: the corporation is written with the old name.
                let (op_old, fac_old) = former
                    .as_deref()
                    .map(util::split_operator)
                    .unwrap_or_default();
                let op = op.or(op_old);
                if fac.is_empty() {
                    // Only a corporation.
                    let name = op.unwrap_or_default();
                    if name.is_empty() {
                        return None;
                    }
                    let mut p = Party::new(Role::Operator, name);
                    p.former = former.clone();
                    p.place = place;
                    return Some(self.push(p));
                }
                (op, None, fac, Some(fac_old).filter(|s| !s.is_empty()))
            }
            _ => {
                let all: String = parts.iter().map(|(c, _)| c.as_str()).collect();
                let (op, fac) = util::split_operator(&all);
                (op, None, fac, None)
            }
        };
        if fac.is_empty() {
            return None;
        }
        let cpc = util::looks_like_cpc(&fac);
        let mut facility = Party::new(if cpc { Role::Cpc } else { Role::Provider }, fac);
        facility.former = fac_former;
        facility.place = place;
        let at = self.push(facility);
        if let Some(op) = op {
            let mut org = Party::new(
                if cpc {
                    Role::Manufacturer
                } else {
                    Role::Operator
                },
                op,
            );
            org.former = op_former;
            org.of = Some(at);
            self.push(org);
        }
        Some(at)
    }

    /// Whether the order names anyone at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.parties.is_empty()
    }
}

/// `旧（現　新）` splitting of a string that may rename several parts
/// (`一般社団法人Ａ（現　一般社団法人Ｂ）Ｃクリニック（現　Ｄクリニック）`): each part as
/// (current, former). A part without a rename has no former name.
pub(crate) fn renamed_parts(text: &str) -> Vec<(String, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c == '（' || c == '(' {
            let close = if c == '（' { '）' } else { ')' };
            if let Some((inner, after)) = util::bracketed(&chars, i, c, close) {
                let t = inner.trim_start_matches([' ', '\u{3000}']);
                let new = t
                    .strip_prefix("現在")
                    .or_else(|| t.strip_prefix('現'))
                    .map(|s| s.trim_start_matches([' ', '\u{3000}', '・', '：', ':']));
                if let Some(new) = new {
                    let old: String = chars.get(start..i).unwrap_or(&[]).iter().collect();
                    let old = clean(&old);
                    let new = clean(new);
                    if !old.is_empty() && !new.is_empty() {
                        out.push((new, Some(old)));
                    }
                    start = after;
                    i = after;
                    continue;
                }
            }
        }
        i += 1;
    }
    let rest: String = chars.get(start..).unwrap_or(&[]).iter().collect();
    let rest = clean(&rest);
    if !rest.is_empty() {
        out.push((rest, None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_parts_reads_a_corporation_and_a_clinic_renamed_together() {
        let p = renamed_parts(
            "一般社団法人北星会（現　一般社団法人南天会）北星クリニック（現　南天メディカルクリニック）",
        );
        assert_eq!(
            p,
            [
                (
                    "一般社団法人南天会".to_string(),
                    Some("一般社団法人北星会".to_string())
                ),
                (
                    "南天メディカルクリニック".to_string(),
                    Some("北星クリニック".to_string())
                )
            ]
        );
        let mut parties = Parties::default();
        let at = parties.push_facility(
            "一般社団法人北星会（現　一般社団法人南天会）北星クリニック（現　南天メディカルクリニック）",
            Some("東京都中央区".into()),
        );
        assert_eq!(at, Some(0));
        let [clinic, corp] = parties.parties.as_slice() else {
            panic!("{parties:?}")
        };
        assert_eq!(clinic.role, Role::Provider);
        assert_eq!(clinic.name, "南天メディカルクリニック");
        assert_eq!(clinic.former.as_deref(), Some("北星クリニック"));
        assert_eq!(corp.role, Role::Operator);
        assert_eq!(corp.name, "一般社団法人南天会");
        assert_eq!(corp.former.as_deref(), Some("一般社団法人北星会"));
        assert_eq!(corp.of, Some(0));
    }
}
