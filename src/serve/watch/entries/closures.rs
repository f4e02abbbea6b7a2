//! Closure: the source's closure date, first seen when first stated.

use super::{About, Draft};
use crate::serve::watch::evidence::Evidence;
use crate::serve::watch::wording::{day, min_id};
use crate::store::models::FactRow;
use chrono::NaiveDate;
use mieru_web::watch::WatchEntry;
use std::collections::BTreeMap;

pub(super) fn closures(about: &About, ev: &Evidence) -> Vec<WatchEntry> {
    // One entry per stated date, however many documents state it.
    let mut closures: BTreeMap<String, Vec<&FactRow>> = BTreeMap::new();
    for f in ev
        .facts(about.id())
        .iter()
        .filter(|f| f.property == "closed_on")
    {
        closures.entry(f.value.clone()).or_default().push(f);
    }
    let mut out = Vec::new();
    for (value, fs) in &closures {
        let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        let Some(seen) = fs.iter().map(|f| f.first_seen).min() else {
            continue;
        };
        let name = about.name();
        out.push(about.entry(Draft {
            key: format!("{}/closed/{}/{}", about.id(), day(date), min_id(fs)),
            kind: "closed",
            date,
            seen,
            title: (
                format!("廃止：{}（{}）", name, day(date)),
                format!("Closed: {} ({})", name, day(date)),
            ),
            summary: (
                format!("{}の廃止（{}）が公表されました", name, day(date)),
                format!("The closure of {} on {} was published", name, day(date)),
            ),
            link: None,
            evidence: fs.iter().filter_map(|f| ev.fact_ref(f)).collect(),
        }));
    }
    out
}
