//! Values over time (names, addresses, managers) from the facts that state them.

use crate::pipeline::resolve::facts::FactSet;
use crate::store::models::FactRow;
use chrono::{NaiveDate, NaiveDateTime};
use mieru_web::model::{DatedValue, SourceRef};
use std::collections::BTreeMap;

/// One value's evidence, grouped under a comparison key so spelling variants of one name
/// (full/half width, spaces) count as one value.
struct Group<'a> {
    /// Spellings seen, with how often: the most frequent is shown.
    spellings: BTreeMap<String, usize>,
    /// Facts stating it as current.
    current: Vec<&'a FactRow>,
    /// Facts stating it as a former value (its `until` is their date).
    former: Vec<&'a FactRow>,
    /// Explicit dates the value took effect (registry change dates).
    effective: Vec<NaiveDate>,
}

/// One value with the dates that place it in the timeline.
struct Row {
    value: String,
    since: Option<NaiveDate>,
    stated_since: Option<NaiveDate>,
    sort: NaiveDate,
    latest: NaiveDate,
    first_seen: NaiveDateTime,
    last_seen: NaiveDateTime,
    live: bool,
    former_by: Option<NaiveDate>,
    sources: Vec<SourceRef>,
    /// (document, time) a statement of the value was withdrawn / first made.
    withdrawn: Vec<(i64, NaiveDateTime)>,
    arrived: Vec<(i64, NaiveDateTime)>,
}

/// Builds the timeline of a property from `current` facts (e.g. `Name`) and `former` facts
/// (e.g. `FormerName`), oldest first. `key` folds spelling variants together.
pub fn timeline<'a>(
    set: &FactSet,
    current: impl IntoIterator<Item = &'a FactRow>,
    former: impl IntoIterator<Item = &'a FactRow>,
    effective_dates: &BTreeMap<String, NaiveDate>,
    key: impl Fn(&str) -> String,
) -> Vec<DatedValue> {
    let groups = group_by_key(current, former, effective_dates, key);
    let mut rows: Vec<Row> = groups
        .into_values()
        .filter_map(|g| dated_row(set, g))
        .collect();
    move_replaced_before_replacements(&mut rows);
    // Former values come before the values that replaced them.
    rows.sort_by(|a, b| {
        let a_key = a.former_by.map(|d| d.min(a.sort)).unwrap_or(a.sort);
        let b_key = b.former_by.map(|d| d.min(b.sort)).unwrap_or(b.sort);
        a_key
            .cmp(&b_key)
            .then(a.latest.cmp(&b.latest))
            // Same stated dates (a rename seen between two crawls of one day): the order in
            // which mieru first saw the values, not their spelling.
            .then(a.first_seen.cmp(&b.first_seen))
            .then(a.value.cmp(&b.value))
    });
    dated_values(&rows, current_index(&rows))
}

fn group_by_key<'a>(
    current: impl IntoIterator<Item = &'a FactRow>,
    former: impl IntoIterator<Item = &'a FactRow>,
    effective_dates: &BTreeMap<String, NaiveDate>,
    key: impl Fn(&str) -> String,
) -> BTreeMap<String, Group<'a>> {
    let mut groups: BTreeMap<String, Group<'a>> = BTreeMap::new();
    let mut add = |f: &'a FactRow, is_former: bool| {
        let k = key(&f.value);
        if k.is_empty() {
            return;
        }
        let g = groups.entry(k).or_insert_with(|| Group {
            spellings: BTreeMap::new(),
            current: Vec::new(),
            former: Vec::new(),
            effective: Vec::new(),
        });
        *g.spellings
            .entry(mieru_text::normalize::display_clean(&f.value))
            .or_default() += 1;
        if is_former {
            g.former.push(f);
        } else {
            g.current.push(f);
        }
    };
    for f in current {
        add(f, false);
    }
    for f in former {
        add(f, true);
    }
    for (k, g) in groups.iter_mut() {
        if let Some(d) = effective_dates.get(k) {
            g.effective.push(*d);
        }
    }
    groups
}

/// The dates of one value; `None` when nothing dates it at all.
fn dated_row(set: &FactSet, g: Group<'_>) -> Option<Row> {
    let all: Vec<&FactRow> = g.current.iter().chain(g.former.iter()).copied().collect();
    let value = g
        .spellings
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(s, _)| s.clone())?;
    let stated: Vec<NaiveDate> = g.current.iter().map(|f| FactSet::date_of(f)).collect();
    let since = g.effective.iter().min().copied();
    // A former value was current before the document that calls it former.
    let former_by = g.former.iter().map(|f| FactSet::date_of(f)).min();
    // A list crawled today that still shows an old value does not date its start:
    // a "since" after the value was already called former is no date at all.
    let earliest_stated = stated
        .iter()
        .min()
        .copied()
        .filter(|d| former_by.is_none_or(|f| *d < f));
    let sort = since
        .or(earliest_stated)
        .or(former_by.map(|d| d - chrono::Duration::days(1)))?;
    let latest = stated.iter().max().copied().or(former_by).unwrap_or(sort);
    Some(Row {
        value,
        since,
        stated_since: since.or(earliest_stated),
        sort,
        latest,
        first_seen: all.iter().map(|f| f.first_seen).min()?,
        last_seen: all.iter().map(|f| f.last_seen).max()?,
        live: g.current.iter().any(|f| f.retracted_at.is_none()),
        former_by,
        sources: set.source_refs(all.iter().copied()),
        withdrawn: g
            .current
            .iter()
            .filter_map(|f| f.retracted_at.map(|t| (f.document_id, t)))
            .collect(),
        arrived: g
            .current
            .iter()
            .map(|f| (f.document_id, f.first_seen))
            .collect(),
    })
}

/// A value a document stopped stating at the very moment it started stating another one
/// was replaced by it: it sorts no later than its replacement, however late mieru first
/// crawled that document (an undated list seen today vs. a release dated last month).
fn move_replaced_before_replacements(rows: &mut [Row]) {
    for _ in 0..2 {
        for i in 0..rows.len() {
            let Some(me) = rows.get(i) else { continue };
            if me.live || me.former_by.is_some() {
                continue;
            }
            let replaced_by = rows
                .iter()
                .enumerate()
                .filter(|(j, r)| *j != i && r.arrived.iter().any(|a| me.withdrawn.contains(a)))
                .map(|(_, r)| r.sort)
                .min();
            if let (Some(d), Some(me)) = (replaced_by, rows.get_mut(i)) {
                me.sort = me.sort.min(d);
            }
        }
    }
}

/// The current value: the latest one not explicitly called former. A value explicitly called
/// former is never current, even if an old list still states it.
fn current_index(rows: &[Row]) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            r.former_by.is_none() || r.since.is_some_and(|s| r.former_by.is_some_and(|f| s > f))
        })
        .max_by(|(_, a), (_, b)| {
            (a.since.unwrap_or(a.sort), a.live, a.latest).cmp(&(
                b.since.unwrap_or(b.sort),
                b.live,
                b.latest,
            ))
        })
        .map(|(i, _)| i)
}

/// The sorted rows as the timeline shows them: each value ends where the next begins.
fn dated_values(rows: &[Row], current_idx: Option<usize>) -> Vec<DatedValue> {
    let mut out: Vec<DatedValue> = Vec::with_capacity(rows.len());
    let n = rows.len();
    for i in 0..n {
        let Some(r) = rows.get(i) else { continue };
        let next_since = rows.get(i + 1).map(|n| n.since.unwrap_or(n.sort));
        let until = if Some(i) == current_idx {
            None
        } else {
            r.former_by.or(next_since)
        };
        out.push(DatedValue {
            value: r.value.clone(),
            since: r.stated_since,
            until,
            first_seen: r.first_seen.and_utc(),
            last_seen: r.last_seen.and_utc(),
            current: Some(i) == current_idx,
            sources: r.sources.clone(),
        });
    }
    out
}
