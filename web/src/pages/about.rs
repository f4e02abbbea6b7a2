//! `/about`: what the data is, where it comes from, how links are decided, how to report errors.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::{Chrome, Ctx};
use crate::AppState;

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub c: Chrome,
    pub contact: String,
    pub contact_href: Option<String>,
}

pub async fn about(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let contact = state.site.contact.clone();
    let contact_href = if contact.contains('@') && !contact.contains(':') {
        Some(format!("mailto:{contact}"))
    } else {
        crate::urls::safe_external(&contact).map(str::to_owned)
    };
    let tpl = AboutPage {
        c: ctx.chrome(
            ctx.t.about_title.to_owned(),
            ctx.t.site_tagline.to_owned(),
            "about",
        ),
        contact,
        contact_href,
    };
    ctx.render(StatusCode::OK, &tpl)
}
