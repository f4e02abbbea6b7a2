//! Extraction measured against the real record: each real release under `eval/real/releases/`
//! is read by its adapter exactly as a crawl would read it, the facts are folded back into the
//! shape of the hand-written `expected.json`, and every field is compared.
//!
//! Names are compared after NFKC with all whitespace removed, because the same release is
//! published with and without PDF-derived spacing; nothing else is forgiven.

use crate::adapter::Parsed;
use crate::adapters;
use crate::decode::decode;
use crate::document::{Body, Document};
use crate::provenance::DocumentMeta;
use crate::provenance::{Fact, Property as P, SubjectKind};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: no adapter named {adapter:?}")]
    UnknownAdapter { path: PathBuf, adapter: String },
    #[error("{path}: no source.html, source.txt or source.pdf")]
    NoSource { path: PathBuf },
}

/// One real document's hand-written facts (`expected.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct Expected {
    pub source_url: String,
    #[serde(default)]
    pub found_at: String,
    #[serde(default)]
    pub retrieved: String,
    #[serde(default)]
    pub copy: String,
    #[serde(default)]
    pub publisher: String,
    pub adapter: String,
    #[serde(default)]
    pub template: String,
    pub action: ActionFacts,
}

/// The facts of one action, as written by hand or as extracted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionFacts {
    pub issued_on: Option<String>,
    pub authority: Option<String>,
    pub kind: Option<String>,
    #[serde(default)]
    pub articles: Vec<String>,
    #[serde(default)]
    pub targets: Vec<TargetFacts>,
    #[serde(default)]
    pub renames: Vec<Rename>,
    #[serde(default)]
    pub plans: Vec<String>,
    #[serde(default)]
    pub period: Option<Period>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetFacts {
    pub role: String,
    pub name: String,
    #[serde(default)]
    pub former_name: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    /// For a manager or operator: the facility or CPC it belongs to.
    #[serde(default)]
    pub of: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rename {
    pub subject: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub from: Option<String>,
    pub until: Option<String>,
}

/// A real document with its expected facts.
#[derive(Debug, Clone)]
pub struct Case {
    pub slug: String,
    pub dir: PathBuf,
    pub expected: Expected,
}

/// One compared field of one document.
#[derive(Debug, Clone, Serialize)]
pub struct FieldResult {
    pub field: String,
    pub expected: String,
    pub extracted: String,
    pub ok: bool,
}

/// Everything measured on one document.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub slug: String,
    pub template: String,
    pub publisher: String,
    pub issued_on: Option<String>,
    /// The adapter's parse error, if it refused the document.
    pub parse_error: Option<String>,
    pub fields: Vec<FieldResult>,
}

impl CaseResult {
    pub fn ok(&self) -> bool {
        self.parse_error.is_none() && self.fields.iter().all(|f| f.ok)
    }
}

/// Every real release folder under `dir` (one with an `expected.json`), sorted by name.
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, EvalError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EvalError::Io { path, source }
    };
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let exp_path = path.join("expected.json");
        if !exp_path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&exp_path).map_err(io(&exp_path))?;
        let expected: Expected = serde_json::from_str(&text).map_err(|source| EvalError::Json {
            path: exp_path.clone(),
            source,
        })?;
        cases.push(Case {
            slug: entry.file_name().to_string_lossy().into_owned(),
            dir: path,
            expected,
        });
    }
    cases.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(cases)
}

/// The verbatim source file of a case.
fn source_file(dir: &Path) -> Option<PathBuf> {
    ["source.html", "source.pdf", "source.txt"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// Read a case's document with its adapter, as a crawl of `source_url` would.
pub fn extract(case: &Case) -> Result<Result<Parsed, String>, EvalError> {
    let adapter =
        adapters::by_name(&case.expected.adapter).ok_or_else(|| EvalError::UnknownAdapter {
            path: case.dir.clone(),
            adapter: case.expected.adapter.clone(),
        })?;
    let file = source_file(&case.dir).ok_or_else(|| EvalError::NoSource {
        path: case.dir.clone(),
    })?;
    let raw = std::fs::read(&file).map_err(|source| EvalError::Io {
        path: file.clone(),
        source,
    })?;
    let content_type = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html",
        Some("pdf") => "application/pdf",
        _ => "text/plain",
    };
    let mut meta = DocumentMeta {
        source: adapter.name().to_string(),
        url: case.expected.source_url.clone(),
        fetched_at: Utc::now(),
        http_status: 200,
        content_type: Some(content_type.to_string()),
        etag: None,
        last_modified: None,
        sha256: hex::encode(Sha256::digest(&raw)),
        size: raw.len() as u64,
        encoding: None,
    };
    // A `.txt` source is the text of a page or PDF as a copy holds it: read as text, whatever
    // the original URL's extension says.
    let body = if content_type == "text/plain" {
        Body::Text(String::from_utf8_lossy(&raw).into_owned())
    } else {
        decode(&mut meta, &raw)
    };
    let doc = Document { meta, body };
    Ok(adapter.parse(&doc).map_err(|e| e.to_string()))
}

/// Fold an adapter's facts back into the shape of `expected.json` (the first action only: a
/// release is one action).
pub fn action_facts(facts: &[Fact]) -> ActionFacts {
    let mut by_subject: BTreeMap<&str, Vec<&Fact>> = BTreeMap::new();
    for f in facts {
        by_subject.entry(f.subject.as_str()).or_default().push(f);
    }
    let values = |subject: &str, p: P| -> Vec<String> {
        by_subject
            .get(subject)
            .map(|fs| {
                fs.iter()
                    .filter(|f| f.property == p)
                    .map(|f| f.value.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let first = |subject: &str, p: P| values(subject, p).into_iter().next();
    let Some(action) = facts
        .iter()
        .find(|f| f.subject.kind() == Some(SubjectKind::Action))
        .map(|f| f.subject.as_str().to_string())
    else {
        return ActionFacts::default();
    };
    let mut out = ActionFacts {
        issued_on: first(&action, P::IssuedOn),
        authority: first(&action, P::Authority),
        kind: first(&action, P::ActionType),
        articles: values(&action, P::Article),
        ..Default::default()
    };
    let from = first(&action, P::EffectiveFrom);
    let until = first(&action, P::EffectiveUntil);
    if from.is_some() || until.is_some() {
        out.period = Some(Period { from, until });
    }
    for plan in values(&action, P::ConcernsPlan) {
        if let Some(t) = first(&plan, P::Title) {
            out.plans.push(t);
        }
    }
    let mut targets: Vec<String> = values(&action, P::Target);
    // A target's operator and manager are parties too, even when linked only from it.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for t in targets.clone() {
        let name = first(&t, P::Name).unwrap_or_default();
        for p in [P::Operator, P::Manager] {
            for linked in values(&t, p) {
                owner.entry(linked.clone()).or_insert_with(|| name.clone());
                if !targets.contains(&linked) {
                    targets.push(linked);
                }
            }
        }
    }
    for t in targets {
        let kind = crate::provenance::SubjectKey(t.clone()).kind();
        let role = first(&t, P::Role).unwrap_or_else(|| {
            match kind {
                Some(SubjectKind::Facility) => "provider",
                Some(SubjectKind::Cpc) => "cpc",
                Some(SubjectKind::Person) => "manager",
                Some(SubjectKind::Committee) => "committee",
                _ => "operator",
            }
            .to_string()
        });
        let name = first(&t, P::Name).unwrap_or_default();
        let former = first(&t, P::FormerName);
        if let Some(old) = &former {
            let subject = match kind {
                Some(SubjectKind::Organization) => "organization",
                Some(SubjectKind::Cpc) => "cpc",
                _ => "facility",
            };
            out.renames.push(Rename {
                subject: subject.to_string(),
                old: old.clone(),
                new: name.clone(),
            });
        }
        out.targets.push(TargetFacts {
            role,
            place: first(&t, P::Address),
            of: owner.get(&t).cloned(),
            former_name: former,
            name,
        });
    }
    out
}

/// Comparison form: NFKC, no whitespace.
fn norm(s: &str) -> String {
    crate::adapters::util::compact(s)
}

fn norm_opt(s: &Option<String>) -> String {
    s.as_deref().map(norm).unwrap_or_default()
}

fn target_key(t: &TargetFacts) -> String {
    format!(
        "{}|{}|旧={}|所={}|of={}",
        t.role,
        norm(&t.name),
        norm_opt(&t.former_name),
        norm_opt(&t.place),
        norm_opt(&t.of)
    )
}

fn rename_key(r: &Rename) -> String {
    format!("{}|{}→{}", r.subject, norm(&r.old), norm(&r.new))
}

fn period_key(p: &Option<Period>) -> String {
    match p {
        Some(p) => format!(
            "{}..{}",
            p.from.as_deref().unwrap_or(""),
            p.until.as_deref().unwrap_or("")
        ),
        None => String::new(),
    }
}

fn scalar(field: &str, expected: &Option<String>, extracted: &Option<String>) -> FieldResult {
    let e = norm_opt(expected);
    let x = norm_opt(extracted);
    FieldResult {
        field: field.to_string(),
        ok: e == x,
        expected: e,
        extracted: x,
    }
}

/// Sets compared element by element: each expected element is one field (found or not), and
/// each extracted element nobody expected is one more failed field.
fn set_fields(field: &str, expected: Vec<String>, extracted: Vec<String>) -> Vec<FieldResult> {
    let mut left = extracted.clone();
    let mut out = Vec::new();
    for e in expected {
        let pos = left.iter().position(|x| *x == e);
        let found = pos.map(|i| left.remove(i));
        out.push(FieldResult {
            field: field.to_string(),
            ok: found.is_some(),
            extracted: found.unwrap_or_default(),
            expected: e,
        });
    }
    for x in left {
        out.push(FieldResult {
            field: field.to_string(),
            ok: false,
            expected: String::new(),
            extracted: x,
        });
    }
    out
}

/// Compare one case field by field.
pub fn compare(expected: &ActionFacts, got: &ActionFacts) -> Vec<FieldResult> {
    let mut out = vec![
        scalar("issued_on", &expected.issued_on, &got.issued_on),
        scalar("authority", &expected.authority, &got.authority),
        scalar("kind", &expected.kind, &got.kind),
    ];
    let articles = |a: &ActionFacts| a.articles.iter().map(|s| norm(s)).collect::<Vec<_>>();
    out.push(FieldResult {
        field: "articles".into(),
        ok: articles(expected) == articles(got),
        expected: articles(expected).join(","),
        extracted: articles(got).join(","),
    });
    out.extend(set_fields(
        "target",
        expected.targets.iter().map(target_key).collect(),
        got.targets.iter().map(target_key).collect(),
    ));
    out.extend(set_fields(
        "rename",
        expected.renames.iter().map(rename_key).collect(),
        got.renames.iter().map(rename_key).collect(),
    ));
    out.extend(set_fields(
        "plan",
        expected.plans.iter().map(|s| norm(s)).collect(),
        got.plans.iter().map(|s| norm(s)).collect(),
    ));
    out.push(FieldResult {
        field: "period".into(),
        ok: period_key(&expected.period) == period_key(&got.period),
        expected: period_key(&expected.period),
        extracted: period_key(&got.period),
    });
    out
}

/// Run one case end to end.
pub fn evaluate(case: &Case) -> Result<CaseResult, EvalError> {
    let parsed = extract(case)?;
    let (got, parse_error) = match parsed {
        Ok(p) => (action_facts(&p.facts), None),
        Err(e) => (ActionFacts::default(), Some(e)),
    };
    Ok(CaseResult {
        slug: case.slug.clone(),
        template: case.expected.template.clone(),
        publisher: case.expected.publisher.clone(),
        issued_on: case.expected.action.issued_on.clone(),
        parse_error,
        fields: compare(&case.expected.action, &got),
    })
}

/// Totals over many cases.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub documents: usize,
    pub documents_ok: usize,
    pub fields: usize,
    pub fields_ok: usize,
    /// field → (ok, total)
    pub by_field: BTreeMap<String, (usize, usize)>,
    /// template → (documents ok, documents)
    pub by_template: BTreeMap<String, (usize, usize)>,
    /// publisher → (documents ok, documents)
    pub by_publisher: BTreeMap<String, (usize, usize)>,
}

impl Totals {
    pub fn of(results: &[CaseResult]) -> Self {
        let mut t = Totals::default();
        for r in results {
            t.documents += 1;
            let ok = r.ok();
            t.documents_ok += usize::from(ok);
            for (map, key) in [
                (&mut t.by_template, &r.template),
                (&mut t.by_publisher, &r.publisher),
            ] {
                let e = map.entry(key.clone()).or_default();
                e.0 += usize::from(ok);
                e.1 += 1;
            }
            for f in &r.fields {
                t.fields += 1;
                t.fields_ok += usize::from(f.ok);
                let e = t.by_field.entry(f.field.clone()).or_default();
                e.0 += usize::from(f.ok);
                e.1 += 1;
            }
        }
        t
    }

    pub fn all_ok(&self) -> bool {
        self.documents > 0 && self.documents == self.documents_ok && self.fields == self.fields_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_spacing_and_width() {
        let e = ActionFacts {
            kind: Some("emergency_order".into()),
            targets: vec![TargetFacts {
                role: "provider".into(),
                name: "ＸＸ ＣＬＩＮＩＣ".into(),
                place: Some("東京都中央区".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut g = e.clone();
        if let Some(t) = g.targets.first_mut() {
            t.name = "XX CLINIC".into();
        }
        assert!(compare(&e, &g).iter().all(|f| f.ok));
        g.targets.push(TargetFacts {
            role: "cpc".into(),
            name: "extra".into(),
            ..Default::default()
        });
        let r = compare(&e, &g);
        assert_eq!(r.iter().filter(|f| !f.ok).count(), 1, "{r:?}");
    }

    #[test]
    fn a_missing_target_fails_its_field() {
        let e = ActionFacts {
            targets: vec![TargetFacts {
                role: "provider".into(),
                name: "A".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let r = compare(&e, &ActionFacts::default());
        assert!(r.iter().any(|f| f.field == "target" && !f.ok));
    }
}
