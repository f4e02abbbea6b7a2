//! Facet counts over every matching document (not just the page shown), read from fast fields in
//! the same pass as the ranking, so a facet costs one column lookup per hit.

use std::collections::HashMap;

use mieru_web::model::{FacetCount, Facets};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Names of the fast fields the collector reads (the schema's field names).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacetFields {
    pub prefecture: &'static str,
    pub kind: &'static str,
    pub action_type: &'static str,
    pub year: &'static str,
}

/// Counts per value; merged across segments, then turned into [`Facets`].
#[derive(Debug, Default)]
pub(crate) struct FacetTally {
    prefecture: HashMap<String, u64>,
    kind: HashMap<String, u64>,
    action_type: HashMap<String, u64>,
    year: HashMap<i64, u64>,
}

impl FacetTally {
    fn merge(&mut self, other: FacetTally) {
        fn add<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
            for (k, v) in from {
                *into.entry(k).or_default() += v;
            }
        }
        add(&mut self.prefecture, other.prefecture);
        add(&mut self.kind, other.kind);
        add(&mut self.action_type, other.action_type);
        add(&mut self.year, other.year);
    }

    /// Prefecture, kind and action type by count (most first, ties by value); years newest first.
    pub(crate) fn into_facets(self) -> Facets {
        fn by_count(map: HashMap<String, u64>) -> Vec<FacetCount> {
            let mut v: Vec<FacetCount> = map
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            v
        }
        let mut years: Vec<(i64, u64)> = self.year.into_iter().collect();
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        Facets {
            prefecture: by_count(self.prefecture),
            kind: by_count(self.kind),
            action_type: by_count(self.action_type),
            year: years
                .into_iter()
                .map(|(year, count)| FacetCount {
                    value: year.to_string(),
                    count,
                })
                .collect(),
        }
    }
}

pub(crate) struct FacetCollector {
    fields: FacetFields,
}

impl FacetCollector {
    pub(crate) fn new(fields: FacetFields) -> Self {
        Self { fields }
    }
}

/// Per-segment counts of one string column, indexed by term ordinal (dense and cheap).
struct StrCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl StrCounts {
    fn new(column: Option<StrColumn>) -> Self {
        let counts = vec![0; column.as_ref().map_or(0, |c| c.num_terms())];
        Self { column, counts }
    }

    fn collect(&mut self, doc: DocId) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                if let Some(count) = usize::try_from(ord)
                    .ok()
                    .and_then(|i| self.counts.get_mut(i))
                {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = self.column else {
            return out;
        };
        let mut value = String::new();
        for (ord, count) in self.counts.into_iter().enumerate() {
            if count == 0 {
                continue;
            }
            value.clear();
            // An unreadable dictionary entry loses one facet value, not the search.
            if let Ok(true) = column.ord_to_str(ord as u64, &mut value) {
                *out.entry(value.clone()).or_default() += count;
            }
        }
        out
    }
}

pub(crate) struct SegmentFacets {
    prefecture: StrCounts,
    kind: StrCounts,
    action_type: StrCounts,
    years: Option<Column<i64>>,
    year_counts: HashMap<i64, u64>,
}

impl Collector for FacetCollector {
    type Fruit = FacetTally;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let ff = segment.fast_fields();
        Ok(SegmentFacets {
            prefecture: StrCounts::new(ff.str(self.fields.prefecture)?),
            kind: StrCounts::new(ff.str(self.fields.kind)?),
            action_type: StrCounts::new(ff.str(self.fields.action_type)?),
            years: ff.column_opt::<i64>(self.fields.year)?,
            year_counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetTally>) -> tantivy::Result<FacetTally> {
        let mut total = FacetTally::default();
        for fruit in fruits {
            total.merge(fruit);
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetTally;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.prefecture.collect(doc);
        self.kind.collect(doc);
        self.action_type.collect(doc);
        if let Some(years) = &self.years {
            for year in years.values_for_doc(doc) {
                *self.year_counts.entry(year).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> FacetTally {
        FacetTally {
            prefecture: self.prefecture.harvest(),
            kind: self.kind.harvest(),
            action_type: self.action_type.harvest(),
            year: self.year_counts,
        }
    }
}
