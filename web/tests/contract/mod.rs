//! Checks HTTP answers against the OpenAPI document the server generates: the status must be
//! documented for the operation, and a JSON body must validate against the documented schema
//! (with `$ref`s resolved inside the document). Shared by the web crate's contract tests and
//! the root package's pipeline tests (`#[path]`-included there).
#![allow(dead_code)]

use serde_json::Value;

pub struct Contract {
    doc: Value,
}

/// One answer to check.
pub struct Answer<'a> {
    pub uri: &'a str,
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

impl Contract {
    pub fn new(doc: Value) -> Self {
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "not an OpenAPI 3 document"
        );
        Self { doc }
    }

    pub fn doc(&self) -> &Value {
        &self.doc
    }

    /// Every GET path template in the document.
    pub fn paths(&self) -> Vec<String> {
        self.doc["paths"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| v.get("get").is_some())
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The template of the GET operation matching a concrete path. Literal segments win over
    /// parameters (`/exports` before `/{id}`), as the router decides.
    pub fn template_for(&self, path: &str) -> Option<String> {
        let segs: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, String)> = None;
        for t in self.paths() {
            let tsegs: Vec<&str> = t.split('/').collect();
            if tsegs.len() != segs.len() {
                continue;
            }
            let mut literal = 0;
            let ok = tsegs.iter().zip(&segs).all(|(a, b)| {
                if a.starts_with('{') && a.ends_with('}') {
                    !b.is_empty()
                } else {
                    literal += 1;
                    a == b
                }
            });
            if ok && best.as_ref().is_none_or(|(n, _)| literal > *n) {
                best = Some((literal, t));
            }
        }
        best.map(|(_, t)| t)
    }

    /// Names of the query parameters of a template.
    pub fn query_params(&self, template: &str) -> Vec<String> {
        self.doc["paths"][template]["get"]["parameters"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `Ok` when the answer is what the document promises; otherwise what is wrong.
    pub fn check(&self, a: &Answer<'_>) -> Result<(), String> {
        let path = a.uri.split('?').next().unwrap_or(a.uri);
        let template = self
            .template_for(path)
            .ok_or_else(|| format!("{}: no operation in the document", a.uri))?;
        if a.status == 304 {
            // Conditional GETs are described by HTTP, not per operation.
            return if a.body.is_empty() {
                Ok(())
            } else {
                Err(format!("{}: 304 with a body", a.uri))
            };
        }
        let responses = &self.doc["paths"][&template]["get"]["responses"];
        let status = a.status.to_string();
        let response = responses
            .get(&status)
            .or_else(|| responses.get("default"))
            .ok_or_else(|| {
                format!(
                    "{}: status {} is not documented for {template} (documented: {:?})",
                    a.uri,
                    a.status,
                    responses.as_object().map(|m| m.keys().collect::<Vec<_>>())
                )
            })?;
        let response = self.deref(response);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Ok(());
        };
        let essence = a
            .content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" {
            // Bytes of an archived document, an Atom feed, an export file: the document
            // names a media type; the JSON schema does not apply.
            return if content.keys().any(|k| k != "application/json") || content.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{}: {status} answered {essence:?}, the document promises JSON",
                    a.uri
                ))
            };
        }
        let media = content.get("application/json").ok_or_else(|| {
            format!(
                "{}: {status} answered JSON, the document promises {:?}",
                a.uri,
                content.keys().collect::<Vec<_>>()
            )
        })?;
        let Some(schema) = media.get("schema") else {
            return Ok(());
        };
        let instance: Value = serde_json::from_slice(a.body)
            .map_err(|e| format!("{}: {status} body is not JSON: {e}", a.uri))?;
        self.validate(schema, &instance)
            .map_err(|e| format!("{} ({status}, schema of {template}): {e}", a.uri))
    }

    /// Validates `instance` against `schema`, resolving `#/components/…` in the document.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<(), String> {
        let mut root = match schema {
            Value::Object(m) => m.clone(),
            other => return Err(format!("schema is not an object: {other}")),
        };
        root.insert("components".into(), self.doc["components"].clone());
        root.insert(
            "$schema".into(),
            Value::String("https://json-schema.org/draft/2020-12/schema".into()),
        );
        let root = Value::Object(root);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("schema does not compile: {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// Follows a `$ref` to `#/components/…` (responses can be references too).
    fn deref<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/")
                .map(|p| p.split('/').fold(&self.doc, |acc, seg| &acc[seg]))
                .unwrap_or(v),
            None => v,
        }
    }
}

/// Values that have broken APIs before: empty, negative, huge, wrong type, wrong width,
/// markup, control characters, injection, encodings.
pub const NASTY: [&str; 18] = [
    "",
    "-1",
    "0",
    "1",
    "true",
    "abc",
    "99999999999999999999999",
    "1e3",
    "%00",
    "%0A",
    "%3Cscript%3E",
    "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95", // ２０２５ in full width
    "2025-02-30",
    "2025-03-05",
    "2025-03-05T00%3A00%3A00Z",
    "'%20OR%201%3D1--",
    "%E3%81%95%E3%81%8F%E3%82%89", // さくら
    "%FF%FE",
];
