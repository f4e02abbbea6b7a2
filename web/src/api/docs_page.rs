//! `/api`: a human-readable page describing every endpoint, rendered on the server from the
//! very OpenAPI document `/api/v1/openapi.json` serves, so it cannot drift from the handlers.
//! No script and no external assets: only the site's own stylesheet.

use std::fmt::Write as _;
use std::sync::OnceLock;

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use crate::api::{exports, openapi, PREFIX};
use crate::respond;
use crate::AppState;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A readable type for a parameter or body schema.
fn type_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    let base = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        _ => String::new(),
    };
    if base == "array" {
        if let Some(items) = schema.get("items") {
            return format!("array of {}", type_name(items));
        }
    }
    match schema.get("format").and_then(Value::as_str) {
        Some(f) if !base.is_empty() => format!("{base} ({f})"),
        _ if base.is_empty() => "object".to_owned(),
        _ => base,
    }
}

/// An example value for a path parameter, so every endpoint shows a URL that can be tried.
fn example_for(name: &str) -> &'static str {
    match name {
        "id" => "F000001",
        "number" => "02C1910156",
        "sha256" => "0000000000000000000000000000000000000000000000000000000000000000",
        "file" => "facilities.jsonl",
        _ => "x",
    }
}

fn example_query(name: &str) -> Option<&'static str> {
    Some(match name {
        "q" => "再生クリニック",
        "since" => "2026-01-01",
        "limit" => "20",
        _ => return None,
    })
}

fn render(doc: &Value) -> String {
    let mut h = String::new();
    render_intro(&mut h, doc);
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    let operations = || {
        paths.iter().flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |m| item.get(*m).map(|op| (*m, path, op)))
        })
    };
    h.push_str("<h2 id=\"endpoints\">Endpoints</h2><ul>");
    for (method, path, op) in operations() {
        let _ = write!(
            h,
            "<li><a href=\"#{a}\"><code>{m} {p}</code></a> — {s}</li>",
            a = esc(&anchor_of(method, path)),
            m = method.to_uppercase(),
            p = esc(path),
            s = esc(summary(op))
        );
    }
    h.push_str("</ul>");
    for (method, path, op) in operations() {
        render_operation(&mut h, method, path, op);
    }
    render_schemas(&mut h, doc);
    let _ = write!(
        h,
        "<h2 id=\"exports\">Bulk exports and licence</h2><p>All records as JSON Lines or CSV: \
<a href=\"{PREFIX}/exports\">{PREFIX}/exports</a>. Field descriptions: <code>{dd}</code> in the source \
repository.</p><p>{l}</p></main></body></html>",
        dd = esc(exports::DATA_DICTIONARY),
        l = esc(exports::LICENCE)
    );
    h
}

/// The page head, the title and the conventions every endpoint follows.
fn render_intro(h: &mut String, doc: &Value) {
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API");
    let description = doc
        .pointer("/info/description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{t} — reference</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body>\
<main class=\"api-doc\"><h1>{t}</h1><p>{d}</p>",
        t = esc(title),
        d = esc(description)
    );
    h.push_str(CONVENTIONS);
    let _ = write!(
        h,
        "<p>Machine-readable: <a href=\"{PREFIX}/openapi.json\">{PREFIX}/openapi.json</a> (OpenAPI 3.1).</p>"
    );
}

/// What every endpoint has in common (caching, errors, rate limit, paging, writes).
const CONVENTIONS: &str = "<h2 id=\"conventions\">Conventions</h2><ul>\
<li>Every public endpoint is a <code>GET</code>; any origin may call it (CORS), and JSON answers carry an <code>ETag</code>: \
send it back as <code>If-None-Match</code> to get an empty <code>304</code> when nothing changed. \
Responses are compressed (gzip, brotli) when the client accepts it.</li>\
<li>Errors are <code>{\"error\":{\"code\",\"message\"}}</code> with a 4xx status for bad input \
(the <code>code</code> is stable, e.g. <code>invalid_limit</code>, <code>not_found</code>), 503 when storage is down.</li>\
<li>Rate limit: each client IP gets a bucket of requests that refills over time; past it the answer is \
<code>429</code> with <code>Retry-After</code> (seconds) and the code <code>rate_limited</code>.</li>\
<li>Lists are paged with an opaque <code>cursor</code>: pass the previous page's <code>next_cursor</code>; \
the last page has none. Facilities are ordered by ID, actions by issue date (newest first) then ID, \
so paging while data is added returns each record once.</li>\
<li>Poll <code>/api/v1/changes?since=</code> with the previous answer's <code>until</code> to follow the data.</li>\
<li>Writes (<code>POST</code>, <code>DELETE</code>) are the public correction report and curation: curation needs \
<code>Authorization: Bearer &lt;token&gt;</code> (401 without a valid one, 403 without the role).</li>\
</ul>";

/// One endpoint: description, parameters, a `curl` example and the possible answers.
fn render_operation(h: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        h,
        "<section id=\"{a}\"><h3><code>{m} {p}</code></h3>",
        a = esc(&anchor_of(method, path)),
        m = method.to_uppercase(),
        p = esc(path)
    );
    if let Some(d) = op.get("description").and_then(Value::as_str) {
        let _ = write!(h, "<p>{}</p>", esc(d));
    } else {
        let _ = write!(h, "<p>{}</p>", esc(summary(op)));
    }
    let params = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut example = path.to_owned();
    let mut query = Vec::new();
    if !params.is_empty() {
        h.push_str("<table><thead><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>description</th></tr></thead><tbody>");
        for p in &params {
            let name = p["name"].as_str().unwrap_or("");
            let place = p["in"].as_str().unwrap_or("");
            let required = p["required"].as_bool().unwrap_or(false);
            if place == "path" {
                example = example.replace(&format!("{{{name}}}"), example_for(name));
            } else if let Some(v) = example_query(name).filter(|_| required || name == "q") {
                query.push(format!("{name}={v}"));
            }
            let _ = write!(
                h,
                "<tr><td><code>{n}</code></td><td>{i}</td><td>{t}</td><td>{r}</td><td>{d}</td></tr>",
                n = esc(name),
                i = esc(place),
                t = esc(&type_name(&p["schema"])),
                r = if required { "yes" } else { "no" },
                d = esc(p["description"].as_str().unwrap_or(""))
            );
        }
        h.push_str("</tbody></table>");
    }
    if !query.is_empty() {
        example = format!("{example}?{}", query.join("&"));
    }
    let curl = match method {
        "get" => String::new(),
        other => format!("-X {} ", other.to_uppercase()),
    };
    let auth = if op.get("security").is_some() {
        "-H 'Authorization: Bearer …' "
    } else {
        ""
    };
    let _ = write!(
        h,
        "<p>Example: <code>curl {c}{a}'{ORIGIN}{e}'</code></p>",
        c = curl,
        a = esc(auth),
        e = esc(&example)
    );
    h.push_str(
        "<table><thead><tr><th>status</th><th>body</th><th>meaning</th></tr></thead><tbody>",
    );
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, r) in responses {
            let body = r
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().next())
                .map(|(ct, media)| {
                    let schema = media.get("schema").map(type_name).unwrap_or_default();
                    if schema.is_empty() {
                        ct.clone()
                    } else {
                        format!("{ct}: {schema}")
                    }
                })
                .unwrap_or_default();
            let _ = write!(
                h,
                "<tr><td>{s}</td><td><code>{b}</code></td><td>{d}</td></tr>",
                s = esc(status),
                b = esc(&body),
                d = esc(r["description"].as_str().unwrap_or(""))
            );
        }
    }
    h.push_str("</tbody></table></section>");
}

/// Every schema of the document with its fields.
fn render_schemas(h: &mut String, doc: &Value) {
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let _ = write!(h, "<section id=\"schema-{n}\"><h3>{n}</h3>", n = esc(name));
            if let Some(d) = schema.get("description").and_then(Value::as_str) {
                let _ = write!(h, "<p>{}</p>", esc(d));
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                h.push_str("<table><thead><tr><th>field</th><th>type</th><th>always present</th><th>description</th></tr></thead><tbody>");
                for (field, s) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{f}</code></td><td>{t}</td><td>{r}</td><td>{d}</td></tr>",
                        f = esc(field),
                        t = esc(&type_name(s)),
                        r = if required.contains(&field.as_str()) {
                            "yes"
                        } else {
                            "no"
                        },
                        d = esc(s.get("description").and_then(Value::as_str).unwrap_or(""))
                    );
                }
                h.push_str("</tbody></table>");
            }
            h.push_str("</section>");
        }
    }
}

/// The HTTP methods the reference lists, in this order under each path.
const METHODS: [&str; 3] = ["get", "post", "delete"];

/// Anchor of one operation: the path's for GET (stable links), prefixed by the method otherwise.
fn anchor_of(method: &str, path: &str) -> String {
    if method == "get" {
        anchor(path)
    } else {
        format!("{method}{}", anchor(path))
    }
}

fn anchor(path: &str) -> String {
    path.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn summary(op: &Value) -> &str {
    op.get("summary")
        .and_then(Value::as_str)
        .or_else(|| op.get("description").and_then(Value::as_str))
        .unwrap_or("")
}

/// Stands for the site's origin in the cached page; replaced per request.
const ORIGIN: &str = "\u{1}origin\u{1}";

fn page() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| {
        let doc: Value = serde_json::from_str(openapi::document()).unwrap_or(Value::Null);
        render(&doc)
    })
}

/// `GET /api`: the API reference as HTML, with examples on this site's origin.
pub async fn api_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let body = page().replace(ORIGIN, &esc(state.site.origin()));
    respond::tagged(
        &req,
        "text/html; charset=utf-8",
        "public, max-age=3600",
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_types() {
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
        let t: Value = serde_json::json!({"type": ["string", "null"], "format": "date"});
        assert_eq!(type_name(&t), "string (date)");
        let r: Value = serde_json::json!({"type": "array", "items": {"$ref": "#/components/schemas/EntityRef"}});
        assert_eq!(type_name(&r), "array of EntityRef");
    }
}
