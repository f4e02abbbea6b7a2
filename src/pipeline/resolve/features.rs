//! What resolution compares: per subject, its normalised names, addresses, identifiers and
//! references, computed once.

use super::facts::FactSet;
use mieru_crawler::provenance::{Property, SubjectKind};
use mieru_text::{address, corporate, normalize, phone};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default)]
pub struct Features {
    pub subject: String,
    pub kind: Option<SubjectKind>,
    /// Name keys (corporate form removed, folded) of current and former names.
    pub name_keys: BTreeSet<String>,
    /// Name keys of names stated as current (`Name`).
    pub current_name_keys: BTreeSet<String>,
    /// Name keys of names stated as former (`FormerName`).
    pub former_name_keys: BTreeSet<String>,
    pub prefectures: BTreeSet<String>,
    /// `prefecture|city` keys.
    pub cities: BTreeSet<String>,
    /// `prefecture|city|block` keys: the street address without building.
    pub blocks: BTreeSet<String>,
    /// Full address keys including building and floor.
    pub full_addresses: BTreeSet<String>,
    pub corporate_numbers: BTreeSet<String>,
    pub facility_numbers: BTreeSet<String>,
    pub phones: BTreeSet<String>,
    /// Folded names of managers / representatives.
    pub people: BTreeSet<String>,
    /// Operator subject keys.
    pub operators: BTreeSet<String>,
    pub closed: bool,
}

pub fn features(set: &FactSet, subject: &str) -> Features {
    let mut f = Features {
        subject: subject.to_owned(),
        kind: FactSet::kind_of(subject),
        closed: set.closure_stands(subject),
        ..Default::default()
    };
    for fact in set.of(subject) {
        let Some(p) = Property::parse(&fact.property) else {
            continue;
        };
        match p {
            Property::Name | Property::FormerName => {
                let key = corporate::name_key(&fact.value);
                if key.is_empty() {
                    continue;
                }
                if p == Property::Name {
                    f.current_name_keys.insert(key.clone());
                } else {
                    f.former_name_keys.insert(key.clone());
                }
                f.name_keys.insert(key);
            }
            Property::Address => {
                let parts = address::parse_address(&fact.value);
                let pref = parts.prefecture.map(str::to_owned);
                if let Some(p) = &pref {
                    f.prefectures.insert(p.clone());
                }
                if let (Some(p), Some(city)) = (&pref, &parts.city) {
                    let city = normalize::fold(city);
                    f.cities.insert(format!("{p}|{city}"));
                    if let Some(block) = &parts.block {
                        // The town (銀座) belongs to the key: 4-9-13 exists in many towns.
                        let town = normalize::fold(&parts.rest);
                        let bkey = format!("{p}|{city}|{town}{block}");
                        f.blocks.insert(bkey.clone());
                        let building = parts
                            .building
                            .as_deref()
                            .map(normalize::fold)
                            .unwrap_or_default();
                        f.full_addresses.insert(format!("{bkey}|{building}"));
                    }
                }
            }
            Property::Prefecture => {
                let (pref, _) = address::split_prefecture(&fact.value);
                if let Some(p) = pref {
                    f.prefectures.insert(p.to_owned());
                }
            }
            Property::CorporateNumber => {
                f.corporate_numbers.insert(fact.value.trim().to_owned());
            }
            Property::FacilityNumber => {
                f.facility_numbers
                    .insert(normalize::fold(&fact.value).to_uppercase());
            }
            Property::Phone => {
                if let Some(p) = phone::normalize_phone(&fact.value) {
                    f.phones.insert(p);
                }
            }
            Property::Manager | Property::Representative => {
                if let Some(name) = set.first_value(&fact.value, Property::Name) {
                    let key = normalize::fold(name);
                    if !key.is_empty() {
                        f.people.insert(key);
                    }
                }
            }
            Property::Operator => {
                f.operators.insert(fact.value.clone());
            }
            _ => {}
        }
    }
    f
}
