//! Cross-site request forgery on the HTML forms: a browser says where a form post comes from
//! (`Sec-Fetch-Site`, else `Origin`), and a post another site made it send is refused. A
//! client that sends neither header is not a browser a forged page could drive (curl, a
//! script), so it is judged by the form's other checks alone. The JSON API needs none of this:
//! its writes take a bearer token, which no cross-site form can attach.

use actix_web::http::header::ORIGIN;
use actix_web::HttpRequest;

/// Whether the browser reports that another site made it send this request.
pub fn is_cross_site(req: &HttpRequest) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        // `none`: typed or bookmarked by the user; `same-origin`: one of our own pages.
        return !matches!(site.trim(), "same-origin" | "none");
    }
    match header(ORIGIN.as_str()) {
        None => false,
        Some(origin) => {
            let host = req.connection_info().host().to_ascii_lowercase();
            let origin_host = origin
                .trim()
                .split_once("://")
                .map(|(_, rest)| rest.trim_end_matches('/'))
                .unwrap_or_default()
                .to_ascii_lowercase();
            // `Origin: null` (a sandboxed or file page) has no host and never matches.
            origin_host.is_empty() || origin_host != host
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn cross(headers: &[(&str, &str)]) -> bool {
        let mut req = TestRequest::post()
            .uri("/corrections")
            .insert_header(("host", "mieru.example.jp"));
        for h in headers {
            req = req.insert_header(*h);
        }
        is_cross_site(&req.to_http_request())
    }

    #[test]
    fn posts_from_other_sites_are_told_apart() {
        assert!(!cross(&[]), "no browser headers: not a forged browser post");
        assert!(!cross(&[("sec-fetch-site", "same-origin")]));
        assert!(!cross(&[("sec-fetch-site", "none")]));
        assert!(cross(&[("sec-fetch-site", "cross-site")]));
        assert!(cross(&[("sec-fetch-site", "same-site")]));
        assert!(!cross(&[("origin", "https://mieru.example.jp")]));
        assert!(!cross(&[("origin", "https://MIERU.example.jp/")]));
        assert!(cross(&[("origin", "https://evil.example")]));
        assert!(cross(&[(
            "origin",
            "https://mieru.example.jp.evil.example"
        )]));
        assert!(cross(&[("origin", "null")]));
        // Sec-Fetch-Site, when sent, decides.
        assert!(cross(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://mieru.example.jp")
        ]));
    }
}
