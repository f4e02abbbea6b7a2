//! `/actions` (newest first, filters, cursor pagination) and `/actions/{id}`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::search::parse_query;
use super::view::{self, ActionView};
use super::{by_id, Chrome, Ctx};
use crate::i18n::label;
use crate::input::ActionParams;
use crate::model::{ActionDetail, ActionFilter, ACTION_TYPES};
use crate::urls;
use crate::AppState;

pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "actions.html")]
pub struct ActionsPage {
    pub c: Chrome,
    pub types: Vec<Choice>,
    pub authority: String,
    pub article: String,
    pub prefecture: String,
    pub from: String,
    pub to: String,
    pub message: Option<String>,
    pub actions: Vec<ActionView>,
    pub older: Option<String>,
    pub paged: bool,
    pub newest: String,
}

fn filter_href(f: &ActionFilter, cursor: &str) -> String {
    let d = |v: Option<chrono::NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    format!(
        "/actions{}",
        urls::query(&[
            ("action_type", &s(&f.action_type)),
            ("authority", &s(&f.authority)),
            ("article", &s(&f.article)),
            ("prefecture", &s(&f.prefecture)),
            ("from", &d(f.from)),
            ("to", &d(f.to)),
            ("cursor", cursor),
        ])
    )
}

fn page(ctx: &Ctx, params: &ActionParams, filter: Option<&ActionFilter>) -> ActionsPage {
    let raw = |v: &Option<String>| -> String {
        v.as_deref()
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect()
    };
    let selected = params.action_type.as_deref().unwrap_or_default();
    ActionsPage {
        c: ctx.chrome(
            ctx.t.actions_list.to_owned(),
            ctx.t.site_tagline.to_owned(),
            "actions",
        ),
        // The form offers every type the registry names, and `other`.
        types: ACTION_TYPES
            .iter()
            .chain(&["other"])
            .map(|&v| Choice {
                value: v,
                label: label(ctx.lang, v),
                selected: v == selected,
            })
            .collect(),
        authority: raw(&params.authority),
        article: raw(&params.article),
        prefecture: raw(&params.prefecture),
        from: raw(&params.from),
        to: raw(&params.to),
        message: None,
        actions: Vec::new(),
        older: None,
        paged: filter.is_some_and(|f| f.cursor.is_some()),
        newest: filter
            .map(|f| filter_href(f, ""))
            .unwrap_or_else(|| "/actions".to_owned()),
    }
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let params: ActionParams = match parse_query(&req) {
        Ok(p) => p,
        Err(e) => return ctx.error(e.into()),
    };
    let filter = match params.validate() {
        Ok(f) => f,
        Err(e) => {
            let mut tpl = page(&ctx, &params, None);
            tpl.message = Some(crate::i18n::input_error(ctx.lang, e.code).to_owned());
            return ctx.render(StatusCode::BAD_REQUEST, &tpl);
        }
    };
    let f = filter.clone();
    match state.read(move |r| r.actions(&f)).await {
        Ok(result) => {
            let mut tpl = page(&ctx, &params, Some(&filter));
            tpl.actions = result
                .items
                .iter()
                .map(|a| view::action_summary(ctx.lang, a))
                .collect();
            tpl.older = result
                .next_cursor
                .as_deref()
                .map(|c| filter_href(&filter, c));
            ctx.render(StatusCode::OK, &tpl)
        }
        Err(crate::registry::RegistryError::BadRequest(_)) => {
            let mut tpl = page(&ctx, &params, None);
            tpl.message = Some(crate::i18n::input_error(ctx.lang, "invalid_cursor").to_owned());
            ctx.render(StatusCode::BAD_REQUEST, &tpl)
        }
        Err(e) => ctx.error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "action.html")]
pub struct ActionPage {
    pub c: Chrome,
    pub a: ActionView,
    pub json_href: String,
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let found = by_id(&state, &path, |r, id| r.action(id)).await;
    ctx.answer(found.map(|a| ctx.render(StatusCode::OK, &detail_page(&ctx, &a))))
}

fn detail_page(ctx: &Ctx, a: &ActionDetail) -> ActionPage {
    let v = view::action_detail(ctx.lang, a);
    let targets: Vec<&str> = v.targets.iter().map(|t| t.name.as_str()).collect();
    let title = format!("{} {}", v.type_label, targets.join("、"));
    let description = format!("{} / {} / {}", v.type_label, v.date, v.authority);
    ActionPage {
        c: ctx.chrome(title, description, "actions"),
        json_href: format!("/api/v1/actions/{}", urls::encode(&v.id)),
        a: v,
    }
}
