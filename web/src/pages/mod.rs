//! Server-rendered HTML pages (askama templates, Japanese first). Handlers validate input,
//! make one registry call, build view models (view.rs) and render.

pub mod about;
pub mod action_status;
pub mod actions;
pub mod corrections;
pub mod entities;
pub mod search;
pub mod sources;
pub mod view;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::i18n::{self, Lang, Strings};
use crate::input::{validate_id, InputError};
use crate::registry::{Registry, RegistryError};
use crate::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(search::home))
        .route("/search", web::get().to(search::search))
        .route("/facilities/{id}", web::get().to(entities::facility))
        .route("/organizations/{id}", web::get().to(entities::organization))
        .route("/plans/{number}", web::get().to(entities::plan))
        .route("/actions", web::get().to(actions::list))
        .route("/actions/{id}", web::get().to(actions::detail))
        .route("/sources", web::get().to(sources::sources))
        .route("/about", web::get().to(about::about))
        .configure(corrections::configure);
}

/// What every page's frame (base.html) needs.
pub struct Chrome {
    pub lang: &'static str,
    pub t: &'static Strings,
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub og_locale: &'static str,
    pub switch_url: String,
    pub switch_lang: &'static str,
    pub data_version: String,
    pub nav: &'static str,
    /// The page's own watch feed (facility and organization pages), for `rel="alternate"`.
    pub watch_feed: Option<String>,
}

/// Per-request context: language, whether to remember it, and the site's settings.
pub struct Ctx {
    pub lang: Lang,
    pub t: &'static Strings,
    set_cookie: bool,
    origin: String,
    data_version: String,
    path: String,
    query: String,
}

impl Ctx {
    pub fn new(req: &HttpRequest) -> Ctx {
        let (lang, set_cookie) = i18n::detect(req);
        let (origin, data_version) = match req.app_data::<web::Data<AppState>>() {
            Some(s) => (s.site.origin().to_owned(), s.site.data_version.clone()),
            None => (String::new(), String::new()),
        };
        Ctx {
            lang,
            t: lang.strings(),
            set_cookie,
            origin,
            data_version,
            // A path like `//host` would make our own links protocol-relative.
            path: format!("/{}", req.path().trim_start_matches('/')),
            query: req.query_string().to_owned(),
        }
    }

    /// An absolute URL on this site for `path` (which starts with `/`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }

    /// The same URL in the other language (other parameters kept as sent).
    fn switch_url(&self) -> String {
        let mut parts: Vec<&str> = self
            .query
            .split('&')
            .filter(|kv| !kv.is_empty() && *kv != "lang" && !kv.starts_with("lang="))
            .collect();
        let lang = format!("lang={}", self.lang.other().code());
        parts.push(&lang);
        format!("{}?{}", self.path, parts.join("&"))
    }

    /// `nav` names the current menu item (`search`, `actions`, `about`) for `aria-current`.
    pub fn chrome(&self, title: String, description: String, nav: &'static str) -> Chrome {
        Chrome {
            lang: self.lang.code(),
            t: self.t,
            title,
            description,
            canonical: format!("{}{}", self.origin, self.path),
            og_locale: self.lang.og_locale(),
            switch_url: self.switch_url(),
            switch_lang: self.lang.other().code(),
            data_version: self.data_version.clone(),
            nav,
            watch_feed: None,
        }
    }

    pub fn render<T: Template>(&self, status: StatusCode, tpl: &T) -> HttpResponse {
        match tpl.render() {
            Ok(html) => {
                let mut res = HttpResponse::build(status);
                res.content_type("text/html; charset=utf-8")
                    .insert_header((header::VARY, HeaderValue::from_static("Cookie")))
                    .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
                if self.set_cookie {
                    res.cookie(i18n::cookie(self.lang));
                }
                res.body(html)
            }
            Err(e) => {
                tracing::error!(error = %e, "template rendering failed");
                HttpResponse::InternalServerError()
                    .content_type("text/plain; charset=utf-8")
                    .body("500 Internal Server Error")
            }
        }
    }

    /// The page a handler built, or the error page for why it could not build it.
    pub fn answer(&self, page: Result<HttpResponse, PageError>) -> HttpResponse {
        page.unwrap_or_else(|e| self.error(e))
    }

    pub fn error(&self, err: PageError) -> HttpResponse {
        let t = self.t;
        let (status, title, message) = match &err {
            PageError::Input(e) => (
                StatusCode::BAD_REQUEST,
                t.bad_input_title,
                i18n::input_error(self.lang, e.code).to_owned(),
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                t.not_found_title,
                t.not_found_body.to_owned(),
            ),
            PageError::Rejected(_) => (
                StatusCode::BAD_REQUEST,
                t.bad_input_title,
                i18n::input_error(self.lang, "").to_owned(),
            ),
            PageError::Unavailable(detail) => {
                tracing::warn!(%detail, "registry unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    t.unavailable_title,
                    t.unavailable_body.to_owned(),
                )
            }
        };
        let tpl = ErrorPage {
            c: self.chrome(title.to_owned(), message.clone(), ""),
            heading: title,
            message,
        };
        let mut res = self.render(status, &tpl);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        }
        res
    }
}

#[derive(Debug)]
pub enum PageError {
    Input(InputError),
    NotFound,
    Rejected(String),
    Unavailable(String),
}

impl From<InputError> for PageError {
    fn from(e: InputError) -> Self {
        PageError::Input(e)
    }
}

impl From<RegistryError> for PageError {
    fn from(e: RegistryError) -> Self {
        match e {
            RegistryError::BadRequest(m) => PageError::Rejected(m),
            RegistryError::Unavailable(m) => PageError::Unavailable(m),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub heading: &'static str,
    pub message: String,
}

/// The record `fetch` finds under the path's ID: a malformed ID is the 400 page, an unknown
/// one the 404 page.
pub async fn by_id<T: Send + 'static>(
    state: &AppState,
    id: &str,
    fetch: fn(&dyn Registry, &str) -> Result<Option<T>, RegistryError>,
) -> Result<T, PageError> {
    let id = validate_id(id)?.to_owned();
    state
        .read(move |r| fetch(r, &id))
        .await?
        .ok_or(PageError::NotFound)
}

/// The HTML 404 page.
pub fn not_found(req: &HttpRequest) -> HttpResponse {
    Ctx::new(req).error(PageError::NotFound)
}

/// A 301 to `path`, keeping `as_of` / `lang` as given.
pub fn redirect(location: String) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location))
        .finish()
}
