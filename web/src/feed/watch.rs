//! Watch feeds over HTTP: one Atom feed per facility, organization and prefecture
//! (`/facilities/{id}/feed.atom`, `/organizations/{id}/feed.atom`,
//! `/prefectures/{name}/feed.atom`). An ID merged into another serves the survivor's feed
//! (200, said in the subtitle: feed readers drop redirects), and entries of successor
//! entities are included, marked as such.
//!
//! Each entry links its evidence: the archived copy (`/api/v1/documents/{sha256}`) and the
//! public URL of every source document. Entry IDs are `tag:` URIs built from the entry's
//! stable key; `updated` is when mieru first saw the event. The feed's content is
//! [`crate::watch`]'s.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};

use crate::errors::{ApiError, ErrorBody};
use crate::feed::{atom_response, xml_escape};
use crate::input::validate_id;
use crate::model::Lookup;
use crate::urls;
use crate::watch::{WatchEntry, WatchFeed, WatchScope, MAX_ENTRIES};
use crate::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/facilities/{id}/feed.atom", web::get().to(facility_feed))
        .route(
            "/organizations/{id}/feed.atom",
            web::get().to(organization_feed),
        )
        .route(
            "/prefectures/{name}/feed.atom",
            web::get().to(prefecture_feed),
        );
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The `tag:` authority: the site's host name (RFC 4151), without scheme, port or path.
fn tag_authority(origin: &str) -> String {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or_default();
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect::<String>()
        .to_ascii_lowercase();
    if host.is_empty() {
        "mieru.invalid".to_owned()
    } else {
        host
    }
}

/// `tag:host,2026:key`, each key segment percent-encoded (keys are ASCII already; this
/// guards the URI against whatever a registry sends).
pub fn tag_uri(origin: &str, key: &str) -> String {
    let specific: Vec<String> = key.split('/').map(urls::encode).collect();
    format!("tag:{},2026:{}", tag_authority(origin), specific.join("/"))
}

fn kind_label(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "new_action" => ("新たな行政処分", "New action"),
        "renamed" => ("名称変更", "Renamed"),
        "closed" => ("廃止", "Closed"),
        "possible_successor" => ("後継の可能性", "Possible successor found"),
        "successor" => ("後継", "Successor found"),
        "document_edited" => ("出典の更新", "Source document edited"),
        "document_removed" => ("出典の削除", "Source document removed"),
        _ => ("更新", "Update"),
    }
}

fn via_label(via: &str) -> (&'static str, &'static str) {
    match via {
        "successor" => ("後継", "successor"),
        "facility" => ("運営施設", "operated facility"),
        _ => ("関連", "related"),
    }
}

/// Where a feed lives and what its page is.
pub struct FeedPlace {
    /// Path of the feed as requested (its Atom `id` and `self`).
    pub feed_path: String,
    /// Path of the HTML page it follows.
    pub page_path: String,
}

fn subtitle(feed: &WatchFeed, place: &FeedPlace) -> String {
    let mut parts = Vec::new();
    match &feed.subject {
        Some(s) => parts.push(format!(
            "{}（{}）の新たな行政処分・名称変更・廃止・後継・出典の更新と削除 / New actions, renames, closures, successors and source changes of {}",
            s.name, s.id, s.name
        )),
        None => parts.push(format!(
            "{}の施設・法人の新たな行政処分・名称変更・廃止・後継・出典の更新と削除 / Updates on facilities and organizations in {}",
            feed.title, feed.title
        )),
    }
    if let (Some(old), Some(s)) = (&feed.merged_from, &feed.subject) {
        parts.push(format!(
            "ID {old} は {} に統合されたため、統合後の記録の更新を配信しています / ID {old} was merged into {}; this feed follows the merged record",
            s.id, s.id
        ));
    }
    if !feed.successors.is_empty() {
        let names: Vec<String> = feed
            .successors
            .iter()
            .map(|e| format!("{}（{}）", e.name, e.id))
            .collect();
        parts.push(format!(
            "後継の記録の更新も含みます：{} / Includes updates of successors",
            names.join("、")
        ));
    }
    let _ = place;
    parts.join("。 ")
}

fn entry_content(origin: &str, e: &WatchEntry) -> String {
    let mut html = format!(
        "<p>{}</p><p lang=\"en\">{}</p>",
        xml_escape(&e.summary_ja),
        xml_escape(&e.summary_en)
    );
    if !e.evidence.is_empty() {
        html.push_str("<p>出典 / Sources:</p><ul>");
        for s in &e.evidence {
            html.push_str("<li>");
            html.push_str(&xml_escape(&s.source));
            html.push(' ');
            match urls::safe_external(&s.url) {
                Some(u) => html.push_str(&format!(
                    "<a href=\"{}\">原文 / original</a>",
                    xml_escape(u)
                )),
                None => html.push_str(&xml_escape(&s.url)),
            }
            if crate::input::validate_sha256(&s.sha256).is_ok() {
                html.push_str(&format!(
                    " · <a href=\"{origin}/api/v1/documents/{}\">保存版 / archived copy</a> (SHA-256 {})",
                    s.sha256, s.sha256
                ));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    html
}

/// The feed as Atom 1.0.
pub fn render(origin: &str, feed: &WatchFeed, place: &FeedPlace) -> String {
    let esc_origin = xml_escape(origin);
    let updated = feed
        .entries
        .iter()
        .map(|e| e.seen_at)
        .max()
        .map(rfc3339)
        // A feed with no entries yet: a fixed date, so its bytes (and ETag) stay stable.
        .unwrap_or_else(|| "2026-01-01T00:00:00Z".to_owned());
    let title = match &feed.subject {
        Some(_) => format!("mieru：{} の更新", feed.title),
        None => format!("mieru：{}の更新", feed.title),
    };
    let mut xml = String::with_capacity(2048 + feed.entries.len() * 1500);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
    xml.push_str(&format!(
        "  <id>{esc_origin}{}</id>\n",
        xml_escape(&place.feed_path)
    ));
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(&title)));
    xml.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        xml_escape(&subtitle(feed, place))
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{esc_origin}{}\"/>\n",
        xml_escape(&place.feed_path)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{esc_origin}{}\"/>\n",
        xml_escape(&place.page_path)
    ));
    xml.push_str("  <author><name>mieru</name></author>\n");
    for e in feed.entries.iter().take(MAX_ENTRIES) {
        let (kind_ja, kind_en) = kind_label(&e.kind);
        let mut title = format!("［{kind_ja}］{}", e.title_ja);
        if let Some(via) = &e.via {
            title.push_str(&format!("（{}：{}）", via_label(via).0, e.about.name));
        }
        let target = e.link.as_ref().unwrap_or(&e.about);
        let href = urls::entity_path(&target.entity, &target.id)
            .filter(|_| !target.id.is_empty())
            .unwrap_or_else(|| place.page_path.clone());
        let when = rfc3339(e.seen_at);
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <id>{}</id>\n",
            xml_escape(&tag_uri(origin, &e.key))
        ));
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(&title)));
        xml.push_str(&format!("    <updated>{when}</updated>\n"));
        xml.push_str(&format!("    <published>{when}</published>\n"));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{esc_origin}{}\"/>\n",
            xml_escape(&href)
        ));
        for s in &e.evidence {
            if crate::input::validate_sha256(&s.sha256).is_ok() {
                xml.push_str(&format!(
                    "    <link rel=\"related\" href=\"{esc_origin}/api/v1/documents/{}\" title=\"保存版 / archived copy\"/>\n",
                    s.sha256
                ));
            }
            if let Some(u) = urls::safe_external(&s.url) {
                xml.push_str(&format!(
                    "    <link rel=\"via\" href=\"{}\" title=\"原文 / original\"/>\n",
                    xml_escape(u)
                ));
            }
        }
        xml.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            xml_escape(&e.kind),
            xml_escape(&format!("{kind_ja} / {kind_en}"))
        ));
        if let Some(via) = &e.via {
            xml.push_str(&format!(
                "    <category term=\"via:{}\" label=\"{} / {}\"/>\n",
                xml_escape(via),
                via_label(via).0,
                via_label(via).1
            ));
        }
        let date = e.date.map(|d| format!("{d}：")).unwrap_or_default();
        xml.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            xml_escape(&format!("{date}{} / {}", e.summary_ja, e.summary_en))
        ));
        xml.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&entry_content(&esc_origin, e))
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Asks the registry; a registry that answers with a redirect is followed once, so the
/// feed under an old ID still answers 200.
async fn lookup(state: &AppState, scope: WatchScope) -> Result<Option<WatchFeed>, ApiError> {
    let first = scope.clone();
    match state.read(move |r| r.watch_feed(&first)).await? {
        Lookup::Found(f) => Ok(Some(f)),
        Lookup::NotFound => Ok(None),
        Lookup::MovedTo(to) => {
            let again = match &scope {
                WatchScope::Facility(_) => WatchScope::Facility(to),
                WatchScope::Organization(_) => WatchScope::Organization(to),
                WatchScope::Prefecture(_) => return Ok(None),
            };
            let old = match &scope {
                WatchScope::Facility(id) | WatchScope::Organization(id) => id.clone(),
                WatchScope::Prefecture(p) => p.clone(),
            };
            match state.read(move |r| r.watch_feed(&again)).await? {
                Lookup::Found(mut f) => {
                    f.merged_from.get_or_insert(old);
                    Ok(Some(f))
                }
                _ => Ok(None),
            }
        }
    }
}

/// What differs between the watch feeds of facilities and of organizations.
struct FeedKind {
    /// Where the record's page and feed live (`{prefix}{id}`, `{prefix}{id}/feed.atom`).
    prefix: &'static str,
    /// What a 404 says was not found.
    what: &'static str,
    scope: fn(String) -> WatchScope,
}

const FACILITY_FEED: FeedKind = FeedKind {
    prefix: "/facilities/",
    what: "facility",
    scope: WatchScope::Facility,
};

const ORGANIZATION_FEED: FeedKind = FeedKind {
    prefix: "/organizations/",
    what: "organization",
    scope: WatchScope::Organization,
};

async fn entity_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: &str,
    kind: &FeedKind,
) -> Result<HttpResponse, ApiError> {
    let id = validate_id(id)?.to_owned();
    let feed = lookup(&state, (kind.scope)(id.clone()))
        .await?
        .ok_or(ApiError::NotFound(kind.what))?;
    let prefix = kind.prefix;
    let page_id = feed.subject.as_ref().map_or(id.as_str(), |s| s.id.as_str());
    let place = FeedPlace {
        feed_path: format!("{prefix}{}/feed.atom", urls::encode(&id)),
        page_path: format!("{prefix}{}", urls::encode(page_id)),
    };
    Ok(atom_response(
        &req,
        render(state.site.origin(), &feed, &place),
    ))
}

/// Declares the watch-feed endpoint of one kind of record. Facilities and organizations answer
/// alike, so the handler and its OpenAPI entry are written once; each kind gives its words.
macro_rules! entity_feed_endpoint {
    (
        $(#[doc = $doc:tt])*
        $name:ident, $kind:ident, path = $path:tt, id = $id_doc:tt, not_found = $not_found:tt
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            get,
            path = $path,
            tag = "feeds",
            params(("id" = String, Path, description = $id_doc)),
            responses(
                (status = 200, description = "Atom 1.0 feed", content_type = "application/atom+xml"),
                (status = 400, description = "Malformed ID", body = ErrorBody),
                (status = 404, description = $not_found, body = ErrorBody),
                (status = 503, description = "Registry temporarily unavailable", body = ErrorBody)
            )
        )]
        pub async fn $name(
            req: HttpRequest,
            state: web::Data<AppState>,
            path: web::Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            entity_feed(req, state, &path, &$kind).await
        }
    };
}

entity_feed_endpoint! {
    /// Atom feed of one facility or CPC: new actions, renames, closure, successors, source
    /// documents edited or removed. A merged ID serves the surviving record's feed.
    facility_feed, FACILITY_FEED,
    path = "/facilities/{id}/feed.atom",
    id = "mieru ID of the facility or CPC (an ID merged into another is followed)",
    not_found = "No such facility"
}

entity_feed_endpoint! {
    /// Atom feed of one organization, with new actions on the facilities it operates.
    organization_feed, ORGANIZATION_FEED,
    path = "/organizations/{id}/feed.atom",
    id = "mieru ID of the organization (an ID merged into another is followed)",
    not_found = "No such organization"
}

/// Atom feed of a prefecture: the same events for every facility, CPC and organization in it.
#[utoipa::path(
    get,
    path = "/prefectures/{name}/feed.atom",
    tag = "feeds",
    params(("name" = String, Path, description = "Prefecture as written in Japanese, percent-encoded (`東京都` → `%E6%9D%B1%E4%BA%AC%E9%83%BD`)")),
    responses(
        (status = 200, description = "Atom 1.0 feed", content_type = "application/atom+xml"),
        (status = 404, description = "Not one of the 47 prefectures", body = ErrorBody),
        (status = 503, description = "Registry temporarily unavailable", body = ErrorBody)
    )
)]
pub async fn prefecture_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let Some(pref) = mieru_text::address::PREFECTURES
        .iter()
        .find(|p| **p == name.as_str())
    else {
        return Err(ApiError::NotFound("prefecture"));
    };
    let feed = lookup(&state, WatchScope::Prefecture((*pref).to_owned()))
        .await?
        .ok_or(ApiError::NotFound("prefecture"))?;
    let place = FeedPlace {
        feed_path: format!("/prefectures/{}/feed.atom", urls::encode(pref)),
        page_path: format!("/actions{}", urls::query(&[("prefecture", pref)])),
    };
    Ok(atom_response(
        &req,
        render(state.site.origin(), &feed, &place),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_uris_use_the_host_and_encode_the_key() {
        assert_eq!(
            tag_uri(
                "https://mieru.example.jp:8443/",
                "F000001/renamed/2026-03-01/12"
            ),
            "tag:mieru.example.jp,2026:F000001/renamed/2026-03-01/12"
        );
        assert_eq!(
            tag_uri("http://127.0.0.1:8080", "F1/x y"),
            "tag:127.0.0.1,2026:F1/x%20y"
        );
        assert_eq!(tag_uri("", "F1"), "tag:mieru.invalid,2026:F1");
    }
}
