//! An order turned into facts: the action, its parties and their links, and the plans it
//! concerns, each under a subject key stable across readings of the same document.

use super::blocks;
use super::parties::Role;
use super::Order;
use crate::adapters::util::{self, clean, Facts};
use crate::provenance::{Property as P, SubjectKey, SubjectKind as K};

impl Order {
    /// The facts of this order; `source` names the adapter, `id` the document.
    pub(crate) fn facts(&self, source: &str, id: &str) -> Vec<crate::provenance::Fact> {
        let on = self.date;
        let mut f = Facts::default();
        let action = SubjectKey::new(K::Action, source, id);
        f.add(&action, P::Headline, self.title.as_str(), on);
        f.add(
            &action,
            P::ActionType,
            util::action_type(&self.title).as_str(),
            on,
        );
        f.date(&action, P::IssuedOn, self.date, on);
        if let Some(a) = &self.authority {
            f.add(&action, P::Authority, a.as_str(), on);
        }
        for a in &self.articles {
            f.add(&action, P::Article, a.as_str(), on);
        }
        f.date(&action, P::EffectiveFrom, self.period.0, on);
        f.date(&action, P::EffectiveUntil, self.period.1, on);
        let keys = self.party_keys(source, id);
        for (p, key) in self.parties.parties.iter().zip(&keys) {
            f.add(key, P::Name, p.name.as_str(), on);
            f.add(key, P::Role, p.role.as_str(), on);
            if let Some(old) = &p.former {
                f.add(key, P::FormerName, old.as_str(), on);
            }
            if let Some(no) = &p.facility_number {
                f.add(key, P::FacilityNumber, no.as_str(), on);
            }
            if let Some(place) = &p.place {
                if let Some(pref) = util::prefecture_of(place) {
                    f.add(key, P::Prefecture, pref, on);
                }
                f.add(key, P::Address, place.as_str(), on);
            }
            f.link(&action, P::Target, key, on);
            if let Some(owner) = p.of.and_then(|i| keys.get(i)) {
                let via = if p.role == Role::Manager {
                    P::Manager
                } else {
                    P::Operator
                };
                f.link(owner, via, key, on);
            }
        }
        for (n, title) in self.parties.plans.iter().enumerate() {
            let plan = SubjectKey::new(K::Plan, source, &format!("{id}#p{}", n + 1));
            let (title, number, alias) = plan_parts(title);
            f.add(&plan, P::Title, title, on);
            if let Some(no) = number {
                f.add(&plan, P::PlanNumber, no, on);
            }
            if let Some(alias) = alias {
                // How the findings refer to the plan; kept as a name of the plan.
                f.add(&plan, P::Name, alias, on);
            }
            f.link(&action, P::ConcernsPlan, &plan, on);
        }
        for item in &self.findings {
            f.add(&action, P::Finding, item.as_str(), on);
        }
        for item in &self.measures {
            f.add(&action, P::Measure, item.as_str(), on);
        }
        f.into_vec()
    }

    /// Subject keys: main parties `#n`; a party that belongs to another is keyed under it
    /// (`#n-operator`, `#n-manager`), as the mentions of one document are.
    fn party_keys(&self, source: &str, id: &str) -> Vec<SubjectKey> {
        let mut main_no = vec![0usize; self.parties.parties.len()];
        let mut n = 0;
        for (i, p) in self.parties.parties.iter().enumerate() {
            if p.of.is_none()
                || !matches!(p.role, Role::Manager | Role::Operator | Role::Manufacturer)
            {
                n += 1;
                if let Some(slot) = main_no.get_mut(i) {
                    *slot = n;
                }
            }
        }
        self.parties
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let own = main_no.get(i).copied().unwrap_or(0);
                // A CPC's 施設番号 names it across documents.
                if let (Role::Cpc, Some(no)) = (p.role, &p.facility_number) {
                    return SubjectKey::new(K::Cpc, source, no);
                }
                let local = if own > 0 {
                    format!("{id}#{own}")
                } else {
                    let owner = p.of.and_then(|o| main_no.get(o)).copied().unwrap_or(0);
                    let suffix = if p.role == Role::Manager {
                        "manager"
                    } else {
                        "operator"
                    };
                    format!("{id}#{owner}-{suffix}")
                };
                SubjectKey::new(p.role.kind(), source, &local)
            })
            .collect()
    }
}

/// A plan as an order writes it: title, 計画番号 if given, alias `(以下「膝治療」とする)`.
fn plan_parts(text: &str) -> (String, Option<String>, Option<String>) {
    let chars: Vec<char> = text.chars().collect();
    // The title in 「」 when quoted (tolerating a missing 」).
    let inner = if text.trim_start().starts_with('「') {
        util::bracketed(&chars, 0, '「', '」')
            .map(|(s, _)| s)
            .unwrap_or_else(|| text.to_string())
    } else {
        text.to_string()
    };
    let cut = ["（計画番号", "(計画番号", "（以下", "(以下"]
        .iter()
        .filter_map(|k| inner.find(k))
        .min();
    let title = match cut {
        Some(i) => inner.get(..i).unwrap_or(&inner).to_string(),
        None => inner.clone(),
    };
    let alias = blocks::alias_of(text);
    (clean(&title), util::plan_number(text), alias)
}
