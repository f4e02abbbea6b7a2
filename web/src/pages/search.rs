//! `/` (search box and recent actions) and `/search` (results, facets, pagination).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::de::DeserializeOwned;

use super::view::{self, ActionView};
use super::{Chrome, Ctx, PageError};
use crate::i18n::{self, label};
use crate::input::{InputError, SearchParams, MAX_OFFSET, MAX_QUERY_CHARS};
use crate::model::{ActionFilter, FacetCount, SearchRequest, SearchResults};
use crate::urls;
use crate::AppState;

/// Query strings on HTML pages are parsed here rather than by the extractor, so that even a
/// malformed one answers with an HTML page, not the API's JSON envelope.
pub fn parse_query<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, InputError> {
    web::Query::<T>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| InputError::new("invalid_parameter", format!("invalid query string: {e}")))
}

const RECENT: usize = 5;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub c: Chrome,
    pub q: String,
    pub recent: Vec<ActionView>,
}

pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let filter = ActionFilter {
        limit: RECENT,
        ..Default::default()
    };
    // The search box must work even when the list of recent actions cannot be loaded.
    let recent = match state.read(move |r| r.actions(&filter)).await {
        Ok(page) => page
            .items
            .iter()
            .map(|a| view::action_summary(ctx.lang, a))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "recent actions unavailable on home page");
            Vec::new()
        }
    };
    let tpl = HomePage {
        c: ctx.chrome(
            ctx.t.site_name.to_owned(),
            ctx.t.site_tagline.to_owned(),
            "search",
        ),
        q: String::new(),
        recent,
    };
    ctx.render(StatusCode::OK, &tpl)
}

pub struct HitView {
    pub name: String,
    pub href: Option<String>,
    pub kind: String,
    pub prefecture: String,
    pub address: String,
    pub former_names: String,
    pub has_actions: bool,
    pub actions: String,
    pub matched: String,
}

pub struct FacetLink {
    pub label: String,
    pub href: String,
    pub count: u64,
    pub active: bool,
}

pub struct FacetGroup {
    pub title: &'static str,
    pub items: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub c: Chrome,
    pub q: String,
    pub message: Option<String>,
    pub searched: bool,
    pub summary: String,
    pub hits: Vec<HitView>,
    pub facets: Vec<FacetGroup>,
    pub filtered: bool,
    pub clear_href: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// Current search state, to build facet and page links from.
struct Current {
    q: String,
    prefecture: String,
    kind: String,
    action_type: String,
    year: String,
    limit: usize,
}

impl Current {
    fn from(r: &SearchRequest) -> Current {
        Current {
            q: r.q.clone(),
            prefecture: r.prefecture.clone().unwrap_or_default(),
            kind: r.kind.clone().unwrap_or_default(),
            action_type: r.action_type.clone().unwrap_or_default(),
            year: r.year.map(|y| y.to_string()).unwrap_or_default(),
            limit: r.limit,
        }
    }

    fn href(&self, facet: Option<(&str, &str)>, offset: usize) -> String {
        let pick = |name: &str, cur: &str| -> String {
            match facet {
                Some((f, v)) if f == name => v.to_owned(),
                _ => cur.to_owned(),
            }
        };
        let offset = if offset == 0 {
            String::new()
        } else {
            offset.to_string()
        };
        let limit = if self.limit == crate::input::DEFAULT_LIMIT {
            String::new()
        } else {
            self.limit.to_string()
        };
        format!(
            "/search{}",
            urls::query(&[
                ("q", &self.q),
                ("prefecture", &pick("prefecture", &self.prefecture)),
                ("kind", &pick("kind", &self.kind)),
                ("action_type", &pick("action_type", &self.action_type)),
                ("year", &pick("year", &self.year)),
                ("offset", &offset),
                ("limit", &limit),
            ])
        )
    }

    fn current_of(&self, name: &str) -> &str {
        match name {
            "prefecture" => &self.prefecture,
            "kind" => &self.kind,
            "action_type" => &self.action_type,
            _ => &self.year,
        }
    }

    /// Facet values link to the search with that filter set (or cleared, when active).
    fn group(
        &self,
        ctx: &Ctx,
        name: &str,
        title: &'static str,
        counts: &[FacetCount],
    ) -> FacetGroup {
        let translate = matches!(name, "kind" | "action_type");
        let items = counts
            .iter()
            .map(|f| {
                let active = self.current_of(name) == f.value;
                FacetLink {
                    label: if translate {
                        label(ctx.lang, &f.value)
                    } else {
                        f.value.clone()
                    },
                    href: self.href(Some((name, if active { "" } else { &f.value })), 0),
                    count: f.count,
                    active,
                }
            })
            .collect();
        FacetGroup { title, items }
    }
}

/// What the user typed, made safe to put back in the box.
fn echo(q: Option<&str>) -> String {
    q.unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect()
}

fn build(ctx: &Ctx, request: &SearchRequest, results: &SearchResults) -> SearchPage {
    let t = ctx.t;
    let cur = Current::from(request);
    let hits = results
        .hits
        .iter()
        .map(|h| HitView {
            name: h.name.clone(),
            href: urls::entity_path(&h.entity, &h.id),
            kind: label(ctx.lang, &h.entity),
            // Addresses often repeat the prefecture; show it once.
            prefecture: match (&h.prefecture, &h.address) {
                (Some(p), Some(a)) if a.starts_with(p.as_str()) => String::new(),
                (p, _) => p.clone().unwrap_or_default(),
            },
            address: h.address.clone().unwrap_or_default(),
            former_names: h.former_names.join("、"),
            has_actions: h.action_count > 0,
            actions: if h.action_count > 0 {
                i18n::action_count(ctx.lang, h.action_count)
            } else {
                t.no_actions.to_owned()
            },
            matched: h.matched.clone().unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    let total = usize::try_from(results.total).unwrap_or(usize::MAX);
    let shown_to = request.offset + hits.len();
    let summary = if total == 0 {
        t.no_results.to_owned()
    } else {
        format!(
            "{total}{} ({}–{shown_to})",
            t.results_count_suffix,
            request.offset + 1
        )
    };
    let prev =
        (request.offset > 0).then(|| cur.href(None, request.offset.saturating_sub(request.limit)));
    let next_offset = request.offset + request.limit;
    let next =
        (next_offset < total && next_offset <= MAX_OFFSET).then(|| cur.href(None, next_offset));
    let facets = vec![
        cur.group(ctx, "kind", t.kind, &results.facets.kind),
        cur.group(ctx, "prefecture", t.prefecture, &results.facets.prefecture),
        cur.group(
            ctx,
            "action_type",
            t.action_type,
            &results.facets.action_type,
        ),
        cur.group(ctx, "year", t.year, &results.facets.year),
    ]
    .into_iter()
    .filter(|g| !g.items.is_empty())
    .collect();
    let filtered = request.prefecture.is_some()
        || request.kind.is_some()
        || request.action_type.is_some()
        || request.year.is_some();
    SearchPage {
        c: ctx.chrome(
            match ctx.lang {
                crate::i18n::Lang::Ja => format!("「{}」の{}", request.q, t.search_results),
                crate::i18n::Lang::En => format!("{} for “{}”", t.search_results, request.q),
            },
            t.site_tagline.to_owned(),
            "search",
        ),
        q: request.q.clone(),
        message: None,
        searched: true,
        summary,
        hits,
        facets,
        filtered,
        clear_href: format!("/search{}", urls::query(&[("q", &request.q)])),
        prev,
        next,
    }
}

fn message_page(ctx: &Ctx, q: String, message: String) -> SearchPage {
    SearchPage {
        c: ctx.chrome(
            ctx.t.search_results.to_owned(),
            ctx.t.site_tagline.to_owned(),
            "search",
        ),
        q,
        message: Some(message),
        searched: false,
        summary: String::new(),
        hits: Vec::new(),
        facets: Vec::new(),
        filtered: false,
        clear_href: "/search".to_owned(),
        prev: None,
        next: None,
    }
}

pub async fn search(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let params: SearchParams = match parse_query(&req) {
        Ok(p) => p,
        Err(e) => return ctx.error(PageError::Input(e)),
    };
    let request = match params.validate() {
        Ok(r) => r,
        Err(e) => {
            // An empty box is not an error, just nothing to search yet.
            let status = if matches!(e.code, "missing_query" | "empty_query") {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            let tpl = message_page(
                &ctx,
                echo(params.q.as_deref()),
                i18n::input_error(ctx.lang, e.code).to_owned(),
            );
            return ctx.render(status, &tpl);
        }
    };
    let req_for_call = request.clone();
    match state.read(move |r| r.search(&req_for_call)).await {
        Ok(results) => ctx.render(StatusCode::OK, &build(&ctx, &request, &results)),
        Err(e) => ctx.error(e.into()),
    }
}
