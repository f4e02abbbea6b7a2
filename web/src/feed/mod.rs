//! Atom 1.0 feeds, written by hand (the format is small and fixed): here the site feed of
//! the 50 newest actions (`/feed.atom`), in [`watch`] the watch feed of one facility,
//! organization or prefecture.

pub mod watch;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveTime, Utc};

use crate::errors::{ApiError, ErrorBody};
use crate::i18n::{label, Lang};
use crate::model::{ActionFilter, ActionSummary};
use crate::respond;
use crate::urls;
use crate::AppState;

pub const FEED_ENTRIES: usize = 50;

/// Escapes text for XML content and attributes, and drops characters XML 1.0 forbids (data
/// from PDFs sometimes carries stray control characters).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn entry_title(a: &ActionSummary) -> String {
    let kind = label(Lang::Ja, &a.action_type);
    match &a.headline {
        Some(h) if !h.trim().is_empty() => h.clone(),
        _ => {
            let targets: Vec<&str> = a.targets.iter().map(|t| t.name.as_str()).collect();
            if targets.is_empty() {
                kind
            } else {
                format!("{kind}：{}", targets.join("、"))
            }
        }
    }
}

fn entry_summary(a: &ActionSummary) -> String {
    let mut parts = vec![label(Lang::Ja, &a.action_type)];
    if let Some(d) = a.issued_on {
        parts.push(format!("{d}（{}）", mieru_text::era_form(d)));
    }
    if let Some(auth) = &a.authority {
        parts.push(auth.clone());
    }
    if !a.articles.is_empty() {
        parts.push(a.articles.join("・"));
    }
    if !a.targets.is_empty() {
        let names: Vec<&str> = a.targets.iter().map(|t| t.name.as_str()).collect();
        parts.push(format!("対象：{}", names.join("、")));
    }
    parts.join(" / ")
}

pub fn render(origin: &str, actions: &[ActionSummary]) -> String {
    let rfc3339 = |d: chrono::NaiveDate| {
        d.and_time(NaiveTime::MIN)
            .and_utc()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let updated = actions
        .iter()
        .filter_map(|a| a.issued_on)
        .max()
        .map(rfc3339)
        .unwrap_or_else(|| now.clone());
    let origin = xml_escape(origin);
    let mut xml = String::with_capacity(1024 + actions.len() * 600);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    xml.push_str(&format!("  <id>{origin}/feed.atom</id>\n"));
    xml.push_str("  <title>mieru 再生医療等 行政処分（新着）</title>\n");
    xml.push_str("  <subtitle>再生医療等安全性確保法に基づく行政処分・命令の新着50件</subtitle>\n");
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{origin}/feed.atom\"/>\n"
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{origin}/actions\"/>\n"
    ));
    xml.push_str("  <author><name>mieru</name></author>\n");
    for a in actions {
        let url = format!("{origin}/actions/{}", urls::encode(&a.id));
        let when = a.issued_on.map(rfc3339).unwrap_or_else(|| now.clone());
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{url}</id>\n"));
        xml.push_str(&format!(
            "    <title>{}</title>\n",
            xml_escape(&entry_title(a))
        ));
        xml.push_str(&format!("    <updated>{when}</updated>\n"));
        xml.push_str(&format!("    <published>{when}</published>\n"));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n"
        ));
        xml.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            xml_escape(&a.action_type),
            xml_escape(&label(Lang::Ja, &a.action_type))
        ));
        xml.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_escape(&entry_summary(a))
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Atom 1.0 feed of the 50 newest regulatory actions.
#[utoipa::path(
    get,
    path = "/feed.atom",
    tag = "feeds",
    responses(
        (status = 200, description = "Atom 1.0 feed", content_type = "application/atom+xml"),
        (status = 503, description = "Registry temporarily unavailable", body = ErrorBody)
    )
)]
pub async fn feed(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let filter = ActionFilter {
        limit: FEED_ENTRIES,
        ..Default::default()
    };
    let page = state.read(move |r| r.actions(&filter)).await?;
    Ok(atom_response(
        &req,
        render(state.site.origin(), &page.items),
    ))
}

/// A feed as served: cached for five minutes, with an ETag, readable by any origin's scripts
/// (a 304 carries the ETag only).
pub(crate) fn atom_response(req: &HttpRequest, body: String) -> HttpResponse {
    let mut res = respond::tagged(
        req,
        "application/atom+xml; charset=utf-8",
        "public, max-age=300",
        body,
    );
    if res.status() == StatusCode::OK {
        let (name, value) = respond::cors();
        res.headers_mut().insert(name, value);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips_invalid_chars() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
    }
}
