//! What the crawler asks a server for: a method, a URL and an optional form body, and the
//! name under which the answer is archived.
//!
//! Most documents are a GET of their URL. Some sources serve files only to a form POST whose
//! numbers change with every publication (the corporate-number site's `doDownload(N)`); such
//! a request carries a stable document name chosen by the adapter, so that the same file is
//! one document across crawls and a journalist can cite where it came from.

use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Where the request goes (real host; the fetcher maps mirrors).
    pub url: Url,
    /// `application/x-www-form-urlencoded` fields of a POST (empty for a GET).
    pub form: Vec<(String, String)>,
    /// The document's identity in the archive and the database. For a GET it is the URL
    /// without fragment; for a form download the adapter names the file (the page URL with
    /// the file's name as fragment), since the form's fields change on every publication.
    pub document: Url,
    /// The document never changes once published (a dated diff file): when one is already
    /// held, the crawl does not fetch it again.
    pub immutable: bool,
    /// A computed page that may not exist yet (this month's list on the 1st): a 404 for it
    /// does not make the crawl incomplete.
    pub may_be_missing: bool,
}

impl Request {
    pub fn get(url: Url) -> Self {
        let mut document = url.clone();
        document.set_fragment(None);
        let mut url = url;
        url.set_fragment(None);
        Self {
            method: Method::Get,
            url,
            form: Vec::new(),
            document,
            immutable: false,
            may_be_missing: false,
        }
    }

    /// A form POST to `url`, archived as `document`.
    pub fn post_form(url: Url, form: Vec<(String, String)>, document: Url) -> Self {
        Self {
            method: Method::Post,
            url,
            form,
            document,
            immutable: false,
            may_be_missing: false,
        }
    }

    /// Mark a computed page that may not exist yet.
    pub fn may_be_missing(mut self) -> Self {
        self.may_be_missing = true;
        self
    }

    /// Mark the document as never changing once published.
    pub fn immutable(mut self) -> Self {
        self.immutable = true;
        self
    }

    /// The key a crawl deduplicates on and a sink stores under.
    pub fn key(&self) -> &str {
        self.document.as_str()
    }

    pub fn is_get(&self) -> bool {
        self.method == Method::Get
    }
}

impl From<Url> for Request {
    fn from(url: Url) -> Self {
        Self::get(url)
    }
}

/// A link as written on a page: its absolute URL and its anchor text (whitespace folded).
/// Adapters that must choose among a page's links (a month list that mixes every topic of
/// the Ministry) decide on the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: Url,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_is_its_url_without_fragment() {
        let r = Request::get(Url::parse("https://www.mhlw.go.jp/stf/a.html#top").unwrap());
        assert_eq!(r.key(), "https://www.mhlw.go.jp/stf/a.html");
        assert_eq!(r.url.as_str(), "https://www.mhlw.go.jp/stf/a.html");
        assert!(r.is_get() && !r.immutable);
    }

    #[test]
    fn a_form_download_keeps_its_document_name() {
        let page = Url::parse("https://www.houjin-bangou.nta.go.jp/download/sabun/").unwrap();
        let doc =
            Url::parse("https://www.houjin-bangou.nta.go.jp/download/sabun/#diff_20261101.zip")
                .unwrap();
        let r = Request::post_form(page, vec![("selDlFileNo".into(), "7".into())], doc).immutable();
        assert_eq!(
            r.key(),
            "https://www.houjin-bangou.nta.go.jp/download/sabun/#diff_20261101.zip"
        );
        assert!(!r.is_get() && r.immutable);
    }
}
