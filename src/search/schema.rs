//! The index schema. Any change here (or to the tokenizer's output) must bump
//! [`super::SCHEMA_VERSION`]: an index on disk with another version is recreated empty.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use super::cjk_bigram::TOKENIZER_NAME;

pub(crate) const F_ID: &str = "id";
pub(crate) const F_ENTITY: &str = "entity";
pub(crate) const F_NAME: &str = "name";
pub(crate) const F_FORMER_NAMES: &str = "former_names";
pub(crate) const F_ADDRESSES: &str = "addresses";
pub(crate) const F_RELATED_NAMES: &str = "related_names";
pub(crate) const F_TEXT: &str = "text";
pub(crate) const F_ALL: &str = "all";
pub(crate) const F_IDENTIFIERS: &str = "identifiers";
pub(crate) const F_NAME_EXACT: &str = "name_exact";
pub(crate) const F_FORMER_EXACT: &str = "former_exact";
pub(crate) const F_PREFECTURE: &str = "prefecture";
pub(crate) const F_ACTION_TYPES: &str = "action_types";
pub(crate) const F_YEARS: &str = "years";
pub(crate) const F_ACTION_COUNT: &str = "action_count";
pub(crate) const F_DOC: &str = "doc";

/// Handles of every field, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// mieru ID or plan number, raw; the key for upsert and remove.
    pub id: Field,
    /// `facility`, `cpc`, `organization`, `action`, `plan`; facet and filter.
    pub entity: Field,
    /// Bigram fields, from most to least weighty.
    pub name: Field,
    pub former_names: Field,
    pub addresses: Field,
    pub related_names: Field,
    pub text: Field,
    /// Every bigram field together: the gate's "¾ of the tokens" is checked here, so a query
    /// may spread over name and address (`新宿 さくらクリニック`).
    pub all: Field,
    /// Normalised identifiers ([`super::fold::identifier`]), raw.
    pub identifiers: Field,
    /// Compacted current names ([`super::query::exact_forms`]), raw.
    pub name_exact: Field,
    /// Compacted former names, raw.
    pub former_exact: Field,
    pub prefecture: Field,
    pub action_types: Field,
    pub years: Field,
    pub action_count: Field,
    /// The [`super::IndexDoc`] as JSON, to build a hit without the database.
    pub doc: Field,
}

fn bigram(positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(record),
    )
}

pub(crate) fn build_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field(F_ID, STRING | STORED);
    b.add_text_field(F_ENTITY, STRING | FAST);
    // Positions on the short fields keep phrase queries possible; the long ones don't need them.
    b.add_text_field(F_NAME, bigram(true));
    b.add_text_field(F_FORMER_NAMES, bigram(true));
    b.add_text_field(F_ADDRESSES, bigram(true));
    b.add_text_field(F_RELATED_NAMES, bigram(false));
    b.add_text_field(F_TEXT, bigram(false));
    b.add_text_field(F_ALL, bigram(false));
    b.add_text_field(F_IDENTIFIERS, STRING);
    b.add_text_field(F_NAME_EXACT, STRING);
    b.add_text_field(F_FORMER_EXACT, STRING);
    b.add_text_field(F_PREFECTURE, STRING | FAST);
    b.add_text_field(F_ACTION_TYPES, STRING | FAST);
    b.add_i64_field(F_YEARS, INDEXED | FAST);
    b.add_u64_field(F_ACTION_COUNT, NumericOptions::default().set_fast());
    b.add_text_field(F_DOC, STORED);
    b.build()
}

impl Fields {
    pub(crate) fn resolve(schema: &Schema) -> tantivy::Result<Self> {
        Ok(Self {
            id: schema.get_field(F_ID)?,
            entity: schema.get_field(F_ENTITY)?,
            name: schema.get_field(F_NAME)?,
            former_names: schema.get_field(F_FORMER_NAMES)?,
            addresses: schema.get_field(F_ADDRESSES)?,
            related_names: schema.get_field(F_RELATED_NAMES)?,
            text: schema.get_field(F_TEXT)?,
            all: schema.get_field(F_ALL)?,
            identifiers: schema.get_field(F_IDENTIFIERS)?,
            name_exact: schema.get_field(F_NAME_EXACT)?,
            former_exact: schema.get_field(F_FORMER_EXACT)?,
            prefecture: schema.get_field(F_PREFECTURE)?,
            action_types: schema.get_field(F_ACTION_TYPES)?,
            years: schema.get_field(F_YEARS)?,
            action_count: schema.get_field(F_ACTION_COUNT)?,
            doc: schema.get_field(F_DOC)?,
        })
    }
}
