//! Form downloads, as the corporate-number site serves them: a page holds a per-session token
//! in a hidden input and `doDownload(N)` links; a file is given only to a POST of
//! `event=download&selDlFileNo=N` with that session's token, to the page itself. A GET with a
//! number, a GET of a file's stored path and a POST without the right token are refused with
//! an error page, as the real site refuses them.
//!
//! Which number gives which file is in the host's `DOWNLOADS.md` (never served):
//!
//! ```text
//! token field: `jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token`
//! | page | number | file | name |
//! | download/sabun/index.html | 18308 | download/sabun/unicode/diff_20261101.zip | diff_20261101.zip |
//! ```
//!
//! A page is answered with the ETag `"{hash of the stored page}-{token}"`. A conditional GET
//! naming an unchanged page and a token this server issued is answered 304, and the session
//! of that request accepts the token: a client that re-reads its stored copy of the page after
//! a 304 (the crawler does) can still download with it.

use super::{candidates, ReplicaFiles};
use actix_web::cookie::Cookie;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

/// The manifest's name at the top of a host's directory.
pub const MANIFEST: &str = "DOWNLOADS.md";
/// The form field carrying the file's number.
const NUMBER_FIELD: &str = "selDlFileNo";
const SESSION_COOKIE: &str = "JSESSIONID";
/// Sessions kept before the oldest are forgotten (a long-running demo).
const MAX_SESSIONS: usize = 10_000;

/// One downloadable file; paths are relative to the replica's root (`host/...`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    page: String,
    number: u64,
    file: String,
    name: String,
}

/// A host's form downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    token_field: String,
    entries: Vec<Entry>,
}

impl Manifest {
    /// The manifest of `host`, if it has one.
    pub fn of(files: &ReplicaFiles, host: &str) -> Option<Self> {
        if host.is_empty() {
            return None;
        }
        let text = files.read(&format!("{host}/{MANIFEST}"))?;
        Self::parse(host, &String::from_utf8_lossy(&text))
    }

    fn parse(host: &str, text: &str) -> Option<Self> {
        let mut token_field = None;
        let mut entries = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("token field:") {
                token_field = Some(rest.trim().trim_matches('`').to_string());
                continue;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (Some(page), Some(number), Some(file), Some(name)) =
                (cells.get(1), cells.get(2), cells.get(3), cells.get(4))
            else {
                continue;
            };
            let Ok(number) = number.parse() else {
                continue; // the header and separator rows
            };
            entries.push(Entry {
                page: format!("{host}/{page}"),
                number,
                file: format!("{host}/{file}"),
                name: (*name).to_string(),
            });
        }
        Some(Self {
            token_field: token_field?,
            entries,
        })
    }

    /// The form page a request path names, if any.
    pub fn page_of(&self, path: &str) -> Option<String> {
        candidates(path)
            .into_iter()
            .find(|c| self.entries.iter().any(|e| &e.page == c))
    }

    /// Whether a request path names a file given only to the form, or the manifest itself.
    pub fn is_hidden(&self, host: &str, path: &str) -> bool {
        candidates(path).iter().any(|c| {
            *c == format!("{host}/{MANIFEST}") || self.entries.iter().any(|e| &e.file == c)
        })
    }

    fn file(&self, page: &str, number: u64) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.page == page && e.number == number)
    }
}

#[derive(Debug, Default)]
struct State {
    /// Session id → the tokens it accepts (the first is the one its pages show).
    sessions: HashMap<String, Vec<String>>,
    /// Every token this server issued.
    issued: HashSet<String>,
}

impl State {
    /// The request's session if this server knows it, else a new one (and `true`).
    fn session(&mut self, cookie: Option<&str>) -> (String, bool) {
        if let Some(id) = cookie.filter(|id| self.sessions.contains_key(*id)) {
            return (id.to_string(), false);
        }
        if self.sessions.len() >= MAX_SESSIONS {
            self.sessions.clear();
        }
        let id = format!("{:032X}", rand::random::<u128>());
        self.sessions.insert(id.clone(), Vec::new());
        (id, true)
    }

    /// The token the session's pages show, issued on first use.
    fn token(&mut self, session: &str) -> String {
        let tokens = self.sessions.entry(session.to_string()).or_default();
        if let Some(t) = tokens.first() {
            return t.clone();
        }
        let r = rand::random::<u128>();
        let t = format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            r >> 96,
            (r >> 80) & 0xffff,
            (r >> 68) & 0xfff,
            0x8000 | ((r >> 52) & 0x3fff),
            r & 0xffff_ffff_ffff
        );
        tokens.push(t.clone());
        self.issued.insert(t.clone());
        t
    }

    fn accept(&mut self, session: &str, token: &str) {
        let tokens = self.sessions.entry(session.to_string()).or_default();
        if !tokens.iter().any(|t| t == token) {
            tokens.push(token.to_string());
        }
    }

    fn accepts(&self, session: Option<&str>, token: Option<&str>) -> bool {
        match (session.and_then(|s| self.sessions.get(s)), token) {
            (Some(tokens), Some(t)) => tokens.iter().any(|x| x == t),
            _ => false,
        }
    }
}

/// The replica's sessions (shared by its workers).
#[derive(Debug, Default)]
pub struct Sessions(Mutex<State>);

impl Sessions {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The site's error page, with `status`.
pub fn refuse(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=UTF-8")
        .body(format!(
            "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"UTF-8\">\
             <title>エラー｜国税庁法人番号公表サイト</title></head>\n<body><h1>エラー</h1>\
             <p>{message}</p><p><a href=\"/\">ホームへ戻る</a></p></body></html>\n"
        ))
}

fn session_cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(SESSION_COOKIE).map(|c| c.value().to_string())
}

fn set_cookie(response: &mut actix_web::HttpResponseBuilder, session: &str, new: bool) {
    if new {
        response.cookie(
            Cookie::build(SESSION_COOKIE, session.to_string())
                .path("/")
                .http_only(true)
                .finish(),
        );
    }
}

/// `page` with the value of the `field` input replaced by `token`.
fn with_token(page: &str, field: &str, token: &str) -> String {
    let name = format!("name=\"{field}\"");
    let Some(at) = page.find(&name) else {
        return page.to_string();
    };
    let start = page.get(..at).and_then(|s| s.rfind('<')).unwrap_or(at);
    let end = page
        .get(at..)
        .and_then(|s| s.find('>'))
        .map_or(page.len(), |e| at + e);
    let (Some(before), Some(tag), Some(after)) =
        (page.get(..start), page.get(start..end), page.get(end..))
    else {
        return page.to_string();
    };
    let Some(value_at) = tag.find("value=\"") else {
        return page.to_string();
    };
    let value_start = value_at + "value=\"".len();
    let value_end = tag
        .get(value_start..)
        .and_then(|s| s.find('"'))
        .map_or(tag.len(), |e| value_start + e);
    let (Some(tag_head), Some(tag_tail)) = (tag.get(..value_start), tag.get(value_end..)) else {
        return page.to_string();
    };
    format!("{before}{tag_head}{token}{tag_tail}{after}")
}

/// One form page of a replica host, with what answering it needs.
pub struct FormPage<'a> {
    pub files: &'a ReplicaFiles,
    pub sessions: &'a Sessions,
    pub manifest: &'a Manifest,
    /// The page's path within the replica.
    pub page: &'a str,
}

/// A request to a form page: the page itself, or a file for a POST.
pub fn answer(req: &HttpRequest, body: &[u8], form_page: &FormPage<'_>) -> HttpResponse {
    if req.method() == actix_web::http::Method::POST {
        return download(req, body, form_page);
    }
    let asks_number = url::form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(name, _)| name == NUMBER_FIELD);
    if asks_number {
        return refuse(
            StatusCode::BAD_REQUEST,
            "ファイルはダウンロードボタンからお選びください。",
        );
    }
    serve_page(req, form_page)
}

fn serve_page(req: &HttpRequest, form_page: &FormPage<'_>) -> HttpResponse {
    let Some(stored) = form_page.files.read(form_page.page) else {
        return refuse(StatusCode::NOT_FOUND, "ページが見つかりません。");
    };
    let hash: String = crate::archive::sha256_hex(&stored)
        .chars()
        .take(16)
        .collect();
    let held_token = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().trim_matches('"').split_once('-'))
        .filter(|(h, _)| *h == hash)
        .map(|(_, t)| t.to_string());
    let cookie = session_cookie(req);
    let mut state = form_page.sessions.lock();
    let (session, new) = state.session(cookie.as_deref());
    if let Some(token) = held_token.filter(|t| state.issued.contains(t)) {
        state.accept(&session, &token);
        let mut response = HttpResponse::NotModified();
        response.insert_header((header::ETAG, format!("\"{hash}-{token}\"")));
        set_cookie(&mut response, &session, new);
        return response.finish();
    }
    let token = state.token(&session);
    drop(state);
    let html = with_token(
        &String::from_utf8_lossy(&stored),
        &form_page.manifest.token_field,
        &token,
    );
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, "text/html; charset=UTF-8"))
        .insert_header((header::ETAG, format!("\"{hash}-{token}\"")));
    set_cookie(&mut response, &session, new);
    response.body(html)
}

fn download(req: &HttpRequest, body: &[u8], form_page: &FormPage<'_>) -> HttpResponse {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let cookie = session_cookie(req);
    if !form_page
        .sessions
        .lock()
        .accepts(cookie.as_deref(), field(&form_page.manifest.token_field))
    {
        return refuse(
            StatusCode::FORBIDDEN,
            "セッションが無効です。ダウンロードページを開き直してください。",
        );
    }
    let number = field(NUMBER_FIELD).and_then(|n| n.trim().parse::<u64>().ok());
    let (Some("download"), Some(number)) = (field("event"), number) else {
        return refuse(StatusCode::BAD_REQUEST, "不正なリクエストです。");
    };
    let Some((entry, bytes)) = form_page
        .manifest
        .file(form_page.page, number)
        .and_then(|e| Some((e, form_page.files.read(&e.file)?)))
    else {
        return refuse(
            StatusCode::NOT_FOUND,
            "指定されたファイルは掲載されていません。",
        );
    };
    let mime = mime_guess::from_path(&entry.name).first_or_octet_stream();
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime.essence_str().to_owned()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename*=utf-8'jp'{}", entry.name),
        ))
        .body(bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELD: &str =
        "jp.go.nta.houjin_bangou.framework.web.common.CNSFWTokenProcessor.request.token";

    #[test]
    fn the_token_input_gets_the_session_token() {
        let page = format!(
            "<form><div><input type=\"hidden\" name=\"{FIELD}\" value=\"old\"/></div>\
             <input type=\"hidden\" name=\"event\" value=\"download\"></form>"
        );
        let out = with_token(&page, FIELD, "new-token");
        assert!(
            out.contains(&format!("name=\"{FIELD}\" value=\"new-token\"/>")),
            "{out}"
        );
        assert!(out.contains("name=\"event\" value=\"download\""));
        assert_eq!(with_token("<p>no form</p>", FIELD, "x"), "<p>no form</p>");
    }

    #[test]
    fn manifest_rows_and_hidden_paths() {
        let m = Manifest::parse(
            "h.jp",
            &format!(
                "# t\n\ntoken field: `{FIELD}`\n\n| page | number | file | name |\n|---|---|---|---|\n\
                 | download/sabun/index.html | 7 | download/sabun/d.zip | d.zip |\n"
            ),
        )
        .unwrap();
        assert_eq!(m.token_field, FIELD);
        assert_eq!(
            m.page_of("/h.jp/download/sabun/").as_deref(),
            Some("h.jp/download/sabun/index.html")
        );
        assert_eq!(
            m.file("h.jp/download/sabun/index.html", 7)
                .map(|e| e.name.as_str()),
            Some("d.zip")
        );
        assert!(m.is_hidden("h.jp", "/h.jp/download/sabun/d.zip"));
        assert!(m.is_hidden("h.jp", "/h.jp/DOWNLOADS.md"));
        assert!(!m.is_hidden("h.jp", "/h.jp/robots.txt"));
        assert!(
            Manifest::parse("h.jp", "| a | 1 | b | c |").is_none(),
            "no token field"
        );
    }

    #[test]
    fn sessions_accept_their_tokens_only() {
        let mut s = State::default();
        let (a, new) = s.session(None);
        assert!(new);
        let t = s.token(&a);
        assert_eq!(s.token(&a), t, "one token per session");
        assert_eq!(s.session(Some(&a)), (a.clone(), false));
        let (b, _) = s.session(Some("unknown"));
        assert!(s.accepts(Some(&a), Some(&t)));
        assert!(!s.accepts(Some(&b), Some(&t)));
        assert!(!s.accepts(None, Some(&t)));
        assert!(!s.accepts(Some(&a), None));
        s.accept(&b, &t);
        assert!(s.accepts(Some(&b), Some(&t)));
        assert_eq!(t.len(), 36);
    }
}
