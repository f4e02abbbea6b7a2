//! Building links safely: percent-encoding of path segments and query values, and checks on
//! URLs that come from data before they become `href`s.

/// Where the JSON API lives; a constant here, apart from the handlers, so that model types
/// (a job's status URL) can name API paths without depending on the API module.
pub const API_PREFIX: &str = "/api/v1";

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `?k=v&…` from the pairs whose value is non-empty; empty string when none are.
/// `?version=…&as_of=…` reproducing a point in time (empty for the latest).
pub fn point_in_time(at: &crate::model::PointInTime) -> String {
    let [(k1, v1), (k2, v2)] = at.query_pairs();
    query(&[(k1, &v1), (k2, &v2)])
}

pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The page of an entity, if it has one.
pub fn entity_path(entity: &str, id: &str) -> Option<String> {
    let prefix = match entity {
        "facility" | "cpc" => "/facilities/",
        "organization" => "/organizations/",
        "action" => "/actions/",
        "plan" => "/plans/",
        _ => return None,
    };
    Some(format!("{prefix}{}", encode(id)))
}

/// Only http(s) URLs become links; anything else (`javascript:` …) is shown as text.
pub fn safe_external(url: &str) -> Option<&str> {
    let lower: String = url.chars().take(8).flat_map(char::to_lowercase).collect();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(url)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_japanese_and_reserved() {
        assert_eq!(encode("a b&c"), "a%20b%26c");
        assert_eq!(encode("東"), "%E6%9D%B1");
        assert_eq!(
            query(&[("q", "x"), ("kind", ""), ("lang", "en")]),
            "?q=x&lang=en"
        );
        assert_eq!(query(&[("q", "")]), "");
    }

    #[test]
    fn only_http_links() {
        assert!(safe_external("https://www.mhlw.go.jp/x").is_some());
        assert!(safe_external("HTTP://example.jp").is_some());
        assert!(safe_external("javascript:alert(1)").is_none());
        assert_eq!(entity_path("cpc", "F1").as_deref(), Some("/facilities/F1"));
        assert_eq!(entity_path("person", "P1"), None);
    }
}
