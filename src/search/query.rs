//! Turns a user's search string into a tantivy query, programmatically: the string is only ever
//! text (no field syntax, no operators), so no input can be "invalid syntax".
//!
//! Shape of the query, from the top:
//! - MUST a *gate*, which decides what matches at all — any of:
//!   - the document's own ID (or plan number) equal to the query or to one of its
//!     space-separated parts (score 2·10⁷), or an identifier it lists (10⁷);
//!   - a current name equal to the compacted query (score 10⁶), or a former name (5·10⁵);
//!   - with several space-separated parts, a name equal to one part (10⁵, former 5·10⁴);
//!   - at least ¾ of the query's tokens in the catch-all field (score 0; ranking comes next).
//! - SHOULD, for a query with a digit (an address as people remember it: `中央区銀座4丁目`),
//!   its tokens as a phrase in an address (score 10⁴): above every look-alike whose name merely
//!   shares the town's bigrams.
//! - SHOULD per field, all query tokens, BM25 with boosts name > former names > addresses >
//!   related names > text: this orders what the gate let through.
//! - MUST each filter (prefecture, kind, action type, year), scored 0.
//!
//! The tiers are far apart on purpose: BM25 over ~200 tokens stays below 10⁴, so an identifier or
//! an exact name can never be outranked by a look-alike that merely shares many bigrams.

use std::collections::HashSet;

use mieru_web::model::SearchRequest;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::cjk_bigram::{analyze, Analyzed, TokenKind};
use super::fold::{compact, compact_without_corporate_form, identifier};
use super::schema::Fields;
use super::{IndexDoc, SearchError};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The entity whose own ID (or plan number) the query is: above those that merely list it.
const OWN_ID_SCORE: f32 = 20_000_000.0;
const IDENTIFIER_SCORE: f32 = 10_000_000.0;
const NAME_EXACT_SCORE: f32 = 1_000_000.0;
const FORMER_EXACT_SCORE: f32 = 500_000.0;
/// A space-separated part of the query equal to a name (`梅田 なにわ幹細胞クリニック`).
const NAME_PART_SCORE: f32 = 100_000.0;
const FORMER_PART_SCORE: f32 = 50_000.0;
/// The query's tokens in order in one address.
const ADDRESS_PHRASE_SCORE: f32 = 10_000.0;
/// Tokens of an address phrase at most (its first ones): enough for a town, block and number.
const MAX_PHRASE_TOKENS: usize = 16;

const NAME_BOOST: f32 = 5.0;
const FORMER_NAME_BOOST: f32 = 3.5;
const ADDRESS_BOOST: f32 = 2.0;
const RELATED_BOOST: f32 = 1.5;
const TEXT_BOOST: f32 = 1.0;

/// Latin words at least this long also match at edit distance 1 (CLINIK → clinic).
const FUZZY_MIN_CHARS: usize = 5;

/// A built query with what [`matched`] needs to explain a hit.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    tokens: Vec<Analyzed>,
    identifiers: Vec<String>,
    exact: Vec<String>,
    /// Exact forms of each space-separated part, when there are several.
    part_exact: Vec<String>,
}

impl Plan {
    /// How many distinct tokens the plan searches for.
    #[cfg(test)]
    pub(crate) fn token_count(&self) -> usize {
        self.tokens.len()
    }
}

/// How many of `n` query tokens a document must contain: ¾, rounded up (all of up to 3).
pub(crate) fn min_should_match(n: usize) -> usize {
    (3 * n).div_ceil(4)
}

/// Rejects what no search string can be: empty (after folding), too long, or with control
/// characters. Returns the trimmed query.
pub(crate) fn validate(q: &str) -> Result<&str, SearchError> {
    let q = q.trim();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::BadQuery(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    if q.chars().any(char::is_control) {
        return Err(SearchError::BadQuery(
            "the query contains control characters".into(),
        ));
    }
    // Empty once spaces and invisible characters go; punctuation alone is still a (futile) query.
    if mieru_text::display_clean(q).is_empty() {
        return Err(SearchError::BadQuery("the query is empty".into()));
    }
    Ok(q)
}

/// Indexes at least this large prune near-universal tokens from the gate (see [`gate_tokens`]);
/// below it every token counts, so small registries behave exactly as the tiers describe.
pub(crate) const PRUNE_MIN_DOCS: u64 = 10_000;
/// A token in more than this share of documents (`クリ`, `丁目` …) says little about a match.
const PRUNE_MAX_SHARE: f64 = 0.1;
/// The gate always keeps at least this many tokens (the rarest ones).
const PRUNE_KEEP_AT_LEAST: usize = 2;

/// Which tokens the ¾ gate counts and the per-field clauses score. On a large index, tokens
/// found in more than [`PRUNE_MAX_SHARE`] of the documents are left out: walking their posting
/// lists for every query was most of the search time on 100,000 facilities (profiled), their
/// BM25 weight is near zero anyway, and a name's rare bigrams already decide whether it matches.
fn gate_tokens<'a>(
    fields: &Fields,
    searcher: Option<&Searcher>,
    tokens: &'a [Analyzed],
) -> Vec<&'a Analyzed> {
    let all: Vec<&Analyzed> = tokens.iter().collect();
    let Some(searcher) = searcher else {
        return all;
    };
    let docs = searcher.num_docs();
    if docs < PRUNE_MIN_DOCS || tokens.len() <= PRUNE_KEEP_AT_LEAST {
        return all;
    }
    // Unigrams and fuzzy words expand to many terms, and a bigram with a digit (`3丁`, `町3`)
    // is what tells one block of an address from the next: never pruned, ranked rarest (0).
    let mut by_freq: Vec<(u64, &Analyzed)> = tokens
        .iter()
        .map(|t| {
            let freq = match t.kind {
                _ if t.text.chars().any(|c| c.is_ascii_digit()) => 0,
                TokenKind::Bigram | TokenKind::Word if !is_fuzzy_word(&t.text) => searcher
                    .doc_freq(&Term::from_field_text(fields.all, &t.text))
                    .unwrap_or(0),
                _ => 0,
            };
            (freq, t)
        })
        .collect();
    by_freq.sort_by_key(|(freq, _)| *freq);
    let limit = (docs as f64 * PRUNE_MAX_SHARE) as u64;
    by_freq
        .iter()
        .enumerate()
        .filter(|(rank, (freq, _))| *rank < PRUNE_KEEP_AT_LEAST || *freq <= limit)
        .map(|(_, (_, t))| *t)
        .collect()
}

/// At most this many distinct tokens of a query are searched (the first ones): a name or an
/// address is well under it (a 30-character address is 29 bigrams), while a pasted paragraph
/// of 100 characters would otherwise walk 100 posting lists, several times over.
pub(crate) const MAX_QUERY_TOKENS: usize = 32;
/// At most this many lone CJK characters of a query are searched: each is a regular expression
/// over the whole term dictionary (`.c|c.?`), so 32 of them (a pasted run of single
/// characters) cost 114 ms at 10,000 facilities, where a name has one or two.
pub(crate) const MAX_UNIGRAM_TOKENS: usize = 4;
/// At most this many space-separated parts are each tried as an identifier.
const MAX_IDENTIFIER_PARTS: usize = 8;

pub(crate) fn build(
    fields: &Fields,
    req: &SearchRequest,
    searcher: Option<&Searcher>,
) -> Result<Plan, SearchError> {
    let q = validate(&req.q)?;

    let mut seen = HashSet::new();
    let mut unigrams = 0;
    let tokens: Vec<Analyzed> = analyze(q)
        .into_iter()
        .filter(|t| seen.insert(t.text.clone()))
        .filter(|t| {
            unigrams += usize::from(t.kind == TokenKind::Unigram);
            t.kind != TokenKind::Unigram || unigrams <= MAX_UNIGRAM_TOKENS
        })
        .take(MAX_QUERY_TOKENS)
        .collect();

    let mut identifiers = vec![identifier(q)];
    for part in q
        .split(|c: char| c.is_whitespace())
        .filter(|p| !p.is_empty())
        .take(MAX_IDENTIFIER_PARTS)
    {
        let id = identifier(part);
        if !identifiers.contains(&id) {
            identifiers.push(id);
        }
    }
    identifiers.retain(|id| !id.is_empty());
    let exact = exact_forms(q);
    let parts: Vec<&str> = q
        .split(char::is_whitespace)
        .filter(|p| !p.is_empty())
        .collect();
    let part_exact = part_forms(&parts, &exact);

    let mut gate = exact_gate(fields, &identifiers, &exact, &part_exact);
    // The tokens that decide and rank a match (all of them unless the index is large).
    let gated: Vec<Analyzed> = gate_tokens(fields, searcher, &tokens)
        .into_iter()
        .cloned()
        .collect();
    if !tokens.is_empty() {
        let clauses = token_clauses(fields.all, &gated)?;
        let required = min_should_match(clauses.len());
        gate.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::union_with_minimum_required_clauses(
                    clauses, required,
                )),
                0.0,
            )),
        ));
    }
    if gate.is_empty() {
        return Ok(Plan {
            query: Box::new(EmptyQuery),
            tokens,
            identifiers,
            exact,
            part_exact,
        });
    }

    let mut top: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(gate)))];
    if !tokens.is_empty() {
        for (field, boost) in [
            (fields.name, NAME_BOOST),
            (fields.former_names, FORMER_NAME_BOOST),
            (fields.addresses, ADDRESS_BOOST),
            (fields.related_names, RELATED_BOOST),
            (fields.text, TEXT_BOOST),
        ] {
            let union = BooleanQuery::union(token_clauses(field, &gated)?);
            top.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(union), boost)),
            ));
        }
    }
    if let Some(phrase) = address_phrase(fields, q) {
        top.push((Occur::Should, phrase));
    }
    top.extend(filter_clauses(fields, req));
    Ok(Plan {
        query: Box::new(BooleanQuery::new(top)),
        tokens,
        identifiers,
        exact,
        part_exact,
    })
}

/// For a query with a digit and two tokens or more: its tokens, in order, as a phrase in the
/// addresses field, at a constant score. Without digits a query is a name far more often than
/// an address, and a phrase tier would lift every clinic in a town above one named like it.
fn address_phrase(fields: &Fields, q: &str) -> Option<Box<dyn Query>> {
    let tokens = analyze(q);
    if tokens.len() < 2
        || !tokens
            .iter()
            .any(|t| t.text.chars().any(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let terms: Vec<(usize, Term)> = tokens
        .iter()
        .take(MAX_PHRASE_TOKENS)
        .enumerate()
        .map(|(i, t)| (i, Term::from_field_text(fields.addresses, &t.text)))
        .collect();
    Some(Box::new(ConstScoreQuery::new(
        Box::new(PhraseQuery::new_with_offset(terms)),
        ADDRESS_PHRASE_SCORE,
    )))
}

/// The gate's constant-score tiers: the document's own ID, an identifier it lists, a name
/// or former name equal to the query, or to a run of its parts.
fn exact_gate(
    fields: &Fields,
    identifiers: &[String],
    exact: &[String],
    part_exact: &[String],
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut gate: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for id in identifiers {
        gate.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                raw_term(fields.identifiers, &own_id_term(id)),
                OWN_ID_SCORE,
            )),
        ));
        gate.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                raw_term(fields.identifiers, id),
                IDENTIFIER_SCORE,
            )),
        ));
    }
    for form in exact {
        gate.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                raw_term(fields.name_exact, form),
                NAME_EXACT_SCORE,
            )),
        ));
        gate.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                raw_term(fields.former_exact, form),
                FORMER_EXACT_SCORE,
            )),
        ));
    }
    for form in part_exact {
        // A longer run of parts is the better evidence: `Grace Earth Clinic` over `Clinic`.
        let length = form.chars().count() as f32;
        for (field, score) in [
            (fields.name_exact, NAME_PART_SCORE),
            (fields.former_exact, FORMER_PART_SCORE),
        ] {
            gate.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(raw_term(field, form), score + length)),
            ));
        }
    }
    gate
}

/// The request's filters, each a MUST clause scored 0.
fn filter_clauses(fields: &Fields, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let filters = [
        (fields.prefecture, req.prefecture.as_deref()),
        (fields.entity, req.kind.as_deref()),
        (fields.action_types, req.action_type.as_deref()),
    ];
    for (field, value) in filters {
        if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
            top.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(raw_term(field, value), 0.0)),
            ));
        }
    }
    if let Some(year) = req.year {
        let term = Term::from_field_i64(fields.years, i64::from(year));
        top.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                0.0,
            )),
        ));
    }
    top
}

/// How a document's own normalised ID is stored in the identifiers field, apart from the
/// identifiers it lists. The prefix cannot come out of [`identifier`] for a real ID.
pub(crate) fn own_id_term(normalised_id: &str) -> String {
    format!("#id:{normalised_id}")
}

/// The forms a name is compared in for an exact match: compacted, and without its legal form.
/// Runs of consecutive parts tried as a whole name, up to this many parts in the query (beyond
/// it, single parts only: the runs grow quadratically).
const MAX_PARTS_FOR_RUNS: usize = 8;

/// Words that name a kind of facility, not one facility: a part equal to one of them says
/// nothing about which facility is meant (`… Grace Earth Clinic` must not find a clinic named
/// `CLinic`). Compared in [`compact`] form.
const GENERIC_PARTS: [&str; 12] = [
    "clinic",
    "hospital",
    "クリニック",
    "病院",
    "医院",
    "診療所",
    "歯科",
    "歯科医院",
    "院",
    "本院",
    "分院",
    "センター",
];

/// Exact forms of each run of consecutive space-separated parts (not the whole query, which
/// `exact` covers), without the generic ones; empty for a one-part query.
fn part_forms(parts: &[&str], exact: &[String]) -> Vec<String> {
    let mut forms: Vec<String> = Vec::new();
    if parts.len() < 2 {
        return forms;
    }
    // Folded once per process, not per query.
    static GENERIC: std::sync::LazyLock<Vec<String>> =
        std::sync::LazyLock::new(|| GENERIC_PARTS.iter().map(|w| compact(w)).collect());
    let generic = &*GENERIC;
    let longest_run = if parts.len() <= MAX_PARTS_FOR_RUNS {
        parts.len() - 1
    } else {
        1
    };
    for len in 1..=longest_run {
        for run in parts.windows(len) {
            for form in exact_forms(&run.join(" ")) {
                if !generic.contains(&form) && !exact.contains(&form) && !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
    }
    forms
}

pub(crate) fn exact_forms(name: &str) -> Vec<String> {
    let compacted = compact(name);
    let stripped = compact_without_corporate_form(name);
    let mut forms = Vec::with_capacity(2);
    if !compacted.is_empty() {
        forms.push(compacted);
    }
    if !stripped.is_empty() && !forms.contains(&stripped) {
        forms.push(stripped);
    }
    forms
}

fn raw_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// One clause per query token on `field`.
fn token_clauses(field: Field, tokens: &[Analyzed]) -> Result<Vec<Box<dyn Query>>, SearchError> {
    tokens.iter().map(|t| token_clause(field, t)).collect()
}

fn token_clause(field: Field, token: &Analyzed) -> Result<Box<dyn Query>, SearchError> {
    let term = Term::from_field_text(field, &token.text);
    match token.kind {
        TokenKind::Bigram => Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))),
        TokenKind::Word if is_fuzzy_word(&token.text) => Ok(Box::new(BooleanQuery::union(vec![
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
            Box::new(BoostQuery::new(
                Box::new(FuzzyTermQuery::new(term, 1, true)),
                0.5,
            )),
        ]))),
        TokenKind::Word => Ok(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))),
        // A lone character is indexed only inside bigrams (or alone): match it as either half of
        // any term. It is a CJK character, so it carries no regex meaning.
        TokenKind::Unigram => {
            let c = &token.text;
            RegexQuery::from_pattern(&format!("{c}.?|.{c}"), field)
                .map(|q| Box::new(q) as Box<dyn Query>)
                .map_err(|e| SearchError::Index(e.to_string()))
        }
    }
}

fn is_fuzzy_word(word: &str) -> bool {
    word.chars().count() >= FUZZY_MIN_CHARS && word.chars().all(char::is_alphabetic)
}

/// Why a hit matched, best effort: `identifier`, `name`, `former_name`, `address`, `related`,
/// `text` — the first field holding ¾ of the query's tokens, else the one holding the most.
pub(crate) fn matched(plan: &Plan, doc: &IndexDoc) -> Option<&'static str> {
    let doc_ids: HashSet<String> = doc
        .identifiers
        .iter()
        .chain(std::iter::once(&doc.id))
        .map(|i| identifier(i))
        .collect();
    if plan.identifiers.iter().any(|i| doc_ids.contains(i)) {
        return Some("identifier");
    }
    let exact_hit = |names: &[String]| {
        names
            .iter()
            .flat_map(|n| exact_forms(n))
            .any(|f| plan.exact.contains(&f) || plan.part_exact.contains(&f))
    };
    if exact_hit(std::slice::from_ref(&doc.name)) {
        return Some("name");
    }
    if exact_hit(&doc.former_names) {
        return Some("former_name");
    }
    if plan.tokens.is_empty() {
        return None;
    }
    let fields: [(&'static str, Vec<&String>); 5] = [
        ("name", vec![&doc.name]),
        ("former_name", doc.former_names.iter().collect()),
        ("address", doc.addresses.iter().collect()),
        ("related", doc.related_names.iter().collect()),
        ("text", doc.text.iter().collect()),
    ];
    let required = min_should_match(plan.tokens.len());
    let mut best: Option<(&'static str, usize)> = None;
    for (label, values) in fields {
        let doc_tokens: HashSet<String> = values
            .iter()
            .flat_map(|v| analyze(v))
            .map(|t| t.text)
            .collect();
        let found = plan
            .tokens
            .iter()
            .filter(|t| token_found(t, &doc_tokens))
            .count();
        if found >= required {
            return Some(label);
        }
        if found > 0 && best.is_none_or(|(_, n)| found > n) {
            best = Some((label, found));
        }
    }
    best.map(|(label, _)| label)
}

fn token_found(token: &Analyzed, doc_tokens: &HashSet<String>) -> bool {
    match token.kind {
        TokenKind::Unigram => doc_tokens.iter().any(|t| t.contains(token.text.as_str())),
        TokenKind::Word if is_fuzzy_word(&token.text) => {
            doc_tokens.contains(&token.text)
                || doc_tokens.iter().any(|t| within_one_edit(t, &token.text))
        }
        _ => doc_tokens.contains(&token.text),
    }
}

/// Damerau–Levenshtein distance ≤ 1 (one insertion, deletion, substitution or transposition),
/// the same tolerance as the fuzzy query.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let a_rest = a.get(prefix..).unwrap_or_default();
    let b_rest = b.get(prefix..).unwrap_or_default();
    let skip = |s: &[char], n: usize| s.get(n..).unwrap_or_default().to_vec();
    match (a_rest.len(), b_rest.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            skip(a_rest, 1) == skip(b_rest, 1)
                || (x >= 2
                    && a_rest.first() == b_rest.get(1)
                    && a_rest.get(1) == b_rest.first()
                    && skip(a_rest, 2) == skip(b_rest, 2))
        }
        (x, y) if x == y + 1 => skip(a_rest, 1) == b_rest,
        (x, y) if y == x + 1 => a_rest == skip(b_rest, 1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_quarters_rounded_up() {
        let got: Vec<usize> = (1..=10).map(min_should_match).collect();
        assert_eq!(got, [1, 2, 3, 3, 4, 5, 6, 6, 7, 8]);
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("clinic", "clinik"));
        assert!(within_one_edit("clinic", "clinc"));
        assert!(within_one_edit("clinic", "clinics"));
        assert!(within_one_edit("clinic", "cilnic"));
        assert!(within_one_edit("clinic", "clinic"));
        assert!(!within_one_edit("clinic", "klinik"));
        assert!(!within_one_edit("clinic", "cl"));
    }

    #[test]
    fn validation() {
        assert!(validate("").is_err());
        assert!(validate("   ").is_err());
        assert!(validate("\u{3000}").is_err());
        assert!(validate(&"あ".repeat(201)).is_err());
        assert!(validate("a\u{0}b").is_err());
        assert!(validate(&"あ".repeat(200)).is_ok());
        assert!(validate("\"").is_ok());
    }

    #[test]
    fn exact_forms_drop_spaces_punctuation_and_legal_form() {
        assert_eq!(
            exact_forms("医療法人社団 桜会"),
            ["医療法人社団桜会", "桜会"]
        );
        assert_eq!(
            exact_forms("表参道 セル・クリニック"),
            ["表参道セルクリニツク"]
        );
        assert!(exact_forms("・・").is_empty());
    }
}
