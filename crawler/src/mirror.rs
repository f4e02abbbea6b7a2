//! Mapping real source hosts to local mirrors (`--mirror HOST=URL`).
//!
//! A mirror serves a replica of a real host under a base URL, e.g.
//! `www.mhlw.go.jp=http://127.0.0.1:8123/www.mhlw.go.jp` serves
//! `https://www.mhlw.go.jp/stf/houdou/x.html` at
//! `http://127.0.0.1:8123/www.mhlw.go.jp/stf/houdou/x.html`. The crawler fetches the mirror URL
//! but records every document under its real URL, so tests and the demo run the very same
//! adapters as a live crawl.

use url::Url;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MirrorError {
    #[error("mirror spec {0:?} is not HOST=URL")]
    Syntax(String),
    #[error("mirror spec {spec:?}: {reason}")]
    Invalid { spec: String, reason: String },
    #[error("host {0} is mirrored twice")]
    Duplicate(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Mirror {
    /// Real host, lower case, without port.
    host: String,
    /// Scheme of the real site (`https` unless the spec says `http://HOST=…`).
    real_scheme: String,
    /// Mirror base, path without a trailing slash (`/` stays `` so joining is uniform).
    base: Url,
    base_path: String,
}

/// Real host → mirror base URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MirrorMap {
    mirrors: Vec<Mirror>,
}

impl MirrorMap {
    /// Parse `HOST=URL` specs. `HOST` may carry a scheme (`http://HOST`) when the real site is
    /// plain HTTP; the default is HTTPS.
    pub fn parse(specs: &[String]) -> Result<Self, MirrorError> {
        let mut mirrors: Vec<Mirror> = Vec::new();
        for spec in specs {
            let (host_part, url_part) = spec
                .split_once('=')
                .ok_or_else(|| MirrorError::Syntax(spec.clone()))?;
            let host_part = host_part.trim();
            let (real_scheme, host) = if let Some(h) = host_part.strip_prefix("https://") {
                ("https", h)
            } else if let Some(h) = host_part.strip_prefix("http://") {
                ("http", h)
            } else {
                ("https", host_part)
            };
            let host = host.trim_end_matches('/').to_ascii_lowercase();
            if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
                return Err(MirrorError::Invalid {
                    spec: spec.clone(),
                    reason: "HOST must be a bare host name".into(),
                });
            }
            let base = Url::parse(url_part.trim()).map_err(|e| MirrorError::Invalid {
                spec: spec.clone(),
                reason: e.to_string(),
            })?;
            if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
                return Err(MirrorError::Invalid {
                    spec: spec.clone(),
                    reason: "URL must be an http(s) URL with a host".into(),
                });
            }
            if mirrors.iter().any(|m| m.host == host) {
                return Err(MirrorError::Duplicate(host));
            }
            let base_path = base.path().trim_end_matches('/').to_string();
            mirrors.push(Mirror {
                host,
                real_scheme: real_scheme.to_string(),
                base,
                base_path,
            });
        }
        Ok(Self { mirrors })
    }

    pub fn is_empty(&self) -> bool {
        self.mirrors.is_empty()
    }

    fn for_host(&self, host: &str) -> Option<&Mirror> {
        self.mirrors
            .iter()
            .find(|m| m.host.eq_ignore_ascii_case(host))
    }

    /// The URL to request for a real URL: the mirror URL when its host is mirrored, otherwise
    /// the real URL itself.
    pub fn to_mirror(&self, real: &Url) -> Url {
        let Some(m) = real.host_str().and_then(|h| self.for_host(h)) else {
            return real.clone();
        };
        let mut out = m.base.clone();
        out.set_path(&format!("{}{}", m.base_path, real.path()));
        out.set_query(real.query());
        out.set_fragment(None);
        out
    }

    /// The real URL a mirror URL stands for, or `None` when `url` is not under any mirror.
    /// With several mirrors on one server the longest base wins.
    pub fn to_real(&self, url: &Url) -> Option<Url> {
        let best = self
            .mirrors
            .iter()
            .filter(|m| same_origin(&m.base, url))
            .filter_map(|m| rest_under(&m.base_path, url.path()).map(|rest| (m, rest)))
            .max_by_key(|(m, _)| m.base_path.len())?;
        let (m, rest) = best;
        let mut real = Url::parse(&format!("{}://{}/", m.real_scheme, m.host)).ok()?;
        real.set_path(if rest.is_empty() { "/" } else { rest });
        real.set_query(url.query());
        Some(real)
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The part of `path` after `base` when `path` lies under it on a segment boundary
/// (`/www.x.jp` covers `/www.x.jp/a` but not `/www.x.jpx/a`).
fn rest_under<'a>(base: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(specs: &[&str]) -> MirrorMap {
        MirrorMap::parse(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn maps_to_and_from_mirror() {
        let m = map(&["www.mhlw.go.jp=http://127.0.0.1:8123/www.mhlw.go.jp"]);
        let real = Url::parse("https://www.mhlw.go.jp/stf/houdou/x.html?a=1#frag").unwrap();
        let mirror = m.to_mirror(&real);
        assert_eq!(
            mirror.as_str(),
            "http://127.0.0.1:8123/www.mhlw.go.jp/stf/houdou/x.html?a=1"
        );
        assert_eq!(
            m.to_real(&mirror).unwrap().as_str(),
            "https://www.mhlw.go.jp/stf/houdou/x.html?a=1"
        );
    }

    #[test]
    fn unmapped_hosts_pass_through() {
        let m = map(&["www.mhlw.go.jp=http://127.0.0.1:8123/www.mhlw.go.jp"]);
        let real = Url::parse("https://jrct.niph.go.jp/latest-detail/x").unwrap();
        assert_eq!(m.to_mirror(&real), real);
        assert_eq!(m.to_real(&real), None);
        // Same server, path outside the base on a segment boundary.
        let other = Url::parse("http://127.0.0.1:8123/www.mhlw.go.jpx/a").unwrap();
        assert_eq!(m.to_real(&other), None);
    }

    #[test]
    fn root_mirror_and_longest_base() {
        let m = map(&[
            "a.example.jp=http://127.0.0.1:9000/",
            "http://b.example.jp=http://127.0.0.1:9000/b",
        ]);
        let u = Url::parse("http://127.0.0.1:9000/b/x.csv").unwrap();
        assert_eq!(m.to_real(&u).unwrap().as_str(), "http://b.example.jp/x.csv");
        let u = Url::parse("http://127.0.0.1:9000/c/x.csv").unwrap();
        assert_eq!(
            m.to_real(&u).unwrap().as_str(),
            "https://a.example.jp/c/x.csv"
        );
        let real = Url::parse("https://a.example.jp/").unwrap();
        assert_eq!(m.to_mirror(&real).as_str(), "http://127.0.0.1:9000/");
    }

    #[test]
    fn rejects_bad_specs() {
        let bad = |s: &str| MirrorMap::parse(&[s.to_string()]).unwrap_err();
        assert!(matches!(bad("nohost"), MirrorError::Syntax(_)));
        assert!(matches!(bad("x.jp=not a url"), MirrorError::Invalid { .. }));
        assert!(matches!(bad("x.jp=ftp://h/"), MirrorError::Invalid { .. }));
        assert!(matches!(bad("=http://h/"), MirrorError::Invalid { .. }));
        let dup = MirrorMap::parse(&["x.jp=http://h/a".into(), "X.jp=http://h/b".into()]);
        assert_eq!(dup, Err(MirrorError::Duplicate("x.jp".into())));
    }
}
