//! `/facilities/{id}`, `/organizations/{id}` and `/plans/{number}`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::search::parse_query;
use super::view::{
    self, ActionView, EventView, LinkView, PlanView, RefView, SourceView, ValueView,
};
use super::{redirect, Chrome, Ctx, PageError};
use crate::i18n::{self, label};
use crate::input::{validate_id, PointInTimeParams};
use crate::model::{
    ActionDetail, ActionSummary, FacilityDetail, Lookup, OrganizationDetail, PlanDetail,
    PointInTime,
};
use crate::registry::{Registry, RegistryError};
use crate::urls;
use crate::AppState;

/// Action boxes show findings and measures, which only the detail carries.
const MAX_ACTION_DETAILS: usize = 30;

fn details_of(
    r: &dyn Registry,
    actions: &[ActionSummary],
) -> Result<Vec<ActionDetail>, RegistryError> {
    let mut out = Vec::new();
    for a in actions.iter().take(MAX_ACTION_DETAILS) {
        if let Some(mut d) = r.action(&a.id)? {
            // The record's own summary carries the status at the page's point in time.
            d.summary.status.clone_from(&a.status);
            d.summary.status_evidence.clone_from(&a.status_evidence);
            out.push(d);
        }
    }
    Ok(out)
}

/// Summaries upgraded to details where the registry had them, in the summaries' order.
fn action_views(
    ctx: &Ctx,
    summaries: &[ActionSummary],
    details: &[ActionDetail],
) -> Vec<ActionView> {
    summaries
        .iter()
        .map(|s| match details.iter().find(|d| d.summary.id == s.id) {
            Some(d) => view::action_detail(ctx.lang, d),
            None => view::action_summary(ctx.lang, s),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "facility.html")]
pub struct FacilityPage {
    pub c: Chrome,
    pub id: String,
    pub kind: String,
    pub name: String,
    pub status: String,
    /// For styling: a closed or delisted facility is flagged in the header.
    pub status_code: String,
    /// Names no longer current, shown under the heading so a rename is seen at once.
    pub former_names: Vec<ValueView>,
    pub prefecture: String,
    pub address: String,
    pub facility_numbers: String,
    pub as_of: Option<String>,
    /// `YYYY-MM-DD` for the date field of the as-of form.
    pub as_of_value: String,
    pub clear_as_of: String,
    pub citation: Option<view::CitationView>,
    pub action_count: String,
    pub actions: Vec<ActionView>,
    pub names: Vec<ValueView>,
    pub addresses: Vec<ValueView>,
    pub operators: Vec<RefView>,
    pub managers: Vec<ValueView>,
    pub plans: Vec<PlanView>,
    pub events: Vec<EventView>,
    pub confirmed: Vec<LinkView>,
    pub possible: Vec<LinkView>,
    pub sources: Vec<SourceView>,
    pub json_href: String,
}

/// The names a record no longer carries (the current one is the heading already).
fn former_names(names: &[crate::model::DatedValue], current: &str) -> Vec<ValueView> {
    view::values(names)
        .into_iter()
        .filter(|v| !v.current && v.value != current)
        .collect()
}

fn current_address(list: &[crate::model::DatedValue]) -> String {
    list.iter()
        .find(|v| v.current)
        .or_else(|| list.last())
        .map(|v| v.value.clone())
        .unwrap_or_default()
}

fn facility_page(
    ctx: &Ctx,
    f: &FacilityDetail,
    details: &[ActionDetail],
    at: PointInTime,
) -> FacilityPage {
    let t = ctx.t;
    let kind = label(ctx.lang, &f.kind);
    let (confirmed, possible) = view::links(ctx.lang, &f.links);
    let prefecture = f.prefecture.clone().unwrap_or_default();
    let description = format!(
        "{} — {}{}。{}",
        f.name,
        kind,
        if prefecture.is_empty() {
            String::new()
        } else {
            format!("（{prefecture}）")
        },
        i18n::action_count(ctx.lang, u32::try_from(f.actions.len()).unwrap_or(u32::MAX))
    );
    FacilityPage {
        c: Chrome {
            watch_feed: Some(format!("/facilities/{}/feed.atom", urls::encode(&f.id))),
            ..ctx.chrome(f.name.clone(), description, "")
        },
        id: f.id.clone(),
        kind,
        name: f.name.clone(),
        status: label(ctx.lang, &f.status),
        status_code: view::css_token(&f.status),
        former_names: former_names(&f.names, &f.name),
        prefecture,
        address: current_address(&f.addresses),
        facility_numbers: f.facility_numbers.join("、"),
        as_of: at.as_of.map(|d| view::date(Some(d))),
        as_of_value: at.as_of.map(|d| d.to_string()).unwrap_or_default(),
        clear_as_of: format!("/facilities/{}", urls::encode(&f.id)),
        citation: view::citation(|p| ctx.absolute(p), f.citation.as_ref()),
        action_count: if f.actions.is_empty() {
            t.no_actions.to_owned()
        } else {
            i18n::count(ctx.lang, f.actions.len())
        },
        actions: action_views(ctx, &f.actions, details),
        names: view::values(&f.names),
        addresses: view::values(&f.addresses),
        operators: view::entities(ctx.lang, &f.operators),
        managers: view::values(&f.managers),
        plans: f.plans.iter().map(|p| view::plan(ctx.lang, p)).collect(),
        events: {
            let mut events = view::events(ctx.lang, &f.events);
            super::action_status::annotate_events(ctx.lang, &mut events, &f.actions);
            events
        },
        confirmed,
        possible,
        sources: view::sources(&f.sources),
        json_href: format!(
            "/api/v1/facilities/{}{}",
            urls::encode(&f.id),
            urls::point_in_time(&at)
        ),
    }
}

pub async fn facility(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let id = match validate_id(&path) {
        Ok(id) => id.to_owned(),
        Err(e) => return ctx.error(e.into()),
    };
    let at = match parse_query::<PointInTimeParams>(&req).and_then(|p| p.validate()) {
        Ok(at) => at,
        Err(e) => return ctx.error(e.into()),
    };
    let result = state
        .read(move |r| match r.facility(&id, at)? {
            Lookup::Found(f) => {
                let details = details_of(r, &f.actions)?;
                Ok(Lookup::Found((f, details)))
            }
            Lookup::MovedTo(to) => Ok(Lookup::MovedTo(to)),
            Lookup::NotFound => Ok(Lookup::NotFound),
        })
        .await;
    match result {
        Ok(Lookup::Found((f, details))) => {
            ctx.render(StatusCode::OK, &facility_page(&ctx, &f, &details, at))
        }
        Ok(Lookup::MovedTo(to)) => redirect(format!(
            "/facilities/{}{}",
            urls::encode(&to),
            urls::point_in_time(&at)
        )),
        Ok(Lookup::NotFound) => ctx.error(PageError::NotFound),
        Err(e) => ctx.error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "organization.html")]
pub struct OrganizationPage {
    pub c: Chrome,
    /// Where to report an error in this record.
    pub report_href: String,
    pub name: String,
    /// Names no longer current, shown under the heading (corporations get renamed too).
    pub former_names: Vec<ValueView>,
    pub corporate_number: String,
    pub status: String,
    pub address: String,
    pub action_count: String,
    pub actions: Vec<ActionView>,
    pub facilities: Vec<RefView>,
    pub names: Vec<ValueView>,
    pub addresses: Vec<ValueView>,
    pub events: Vec<EventView>,
    pub confirmed: Vec<LinkView>,
    pub possible: Vec<LinkView>,
    pub sources: Vec<SourceView>,
    pub citation: Option<view::CitationView>,
    pub json_href: String,
}

fn organization_page(
    ctx: &Ctx,
    o: &OrganizationDetail,
    details: &[ActionDetail],
    at: PointInTime,
) -> OrganizationPage {
    let (confirmed, possible) = view::links(ctx.lang, &o.links);
    let n = u32::try_from(o.actions.len()).unwrap_or(u32::MAX);
    OrganizationPage {
        c: Chrome {
            watch_feed: Some(format!("/organizations/{}/feed.atom", urls::encode(&o.id))),
            ..ctx.chrome(
                o.name.clone(),
                format!("{} — {}", o.name, i18n::action_count(ctx.lang, n)),
                "",
            )
        },
        report_href: format!("/corrections/new?entity={}", urls::encode(&o.id)),
        name: o.name.clone(),
        former_names: former_names(&o.names, &o.name),
        corporate_number: o.corporate_number.clone().unwrap_or_else(|| "—".to_owned()),
        status: label(ctx.lang, &o.status),
        address: current_address(&o.addresses),
        action_count: if n == 0 {
            ctx.t.no_actions.to_owned()
        } else {
            i18n::count(ctx.lang, o.actions.len())
        },
        actions: action_views(ctx, &o.actions, details),
        facilities: view::entities(ctx.lang, &o.facilities),
        names: view::values(&o.names),
        addresses: view::values(&o.addresses),
        events: {
            let mut events = view::events(ctx.lang, &o.events);
            super::action_status::annotate_events(ctx.lang, &mut events, &o.actions);
            events
        },
        confirmed,
        possible,
        sources: view::sources(&o.sources),
        citation: view::citation(|p| ctx.absolute(p), o.citation.as_ref()),
        json_href: format!(
            "/api/v1/organizations/{}{}",
            urls::encode(&o.id),
            urls::point_in_time(&at)
        ),
    }
}

pub async fn organization(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let id = match validate_id(&path) {
        Ok(id) => id.to_owned(),
        Err(e) => return ctx.error(e.into()),
    };
    let at = match parse_query::<PointInTimeParams>(&req).and_then(|p| p.validate()) {
        Ok(at) => at,
        Err(e) => return ctx.error(e.into()),
    };
    let result = state
        .read(move |r| match r.organization(&id, at)? {
            Lookup::Found(o) => {
                let details = details_of(r, &o.actions)?;
                Ok(Lookup::Found((o, details)))
            }
            Lookup::MovedTo(to) => Ok(Lookup::MovedTo(to)),
            Lookup::NotFound => Ok(Lookup::NotFound),
        })
        .await;
    match result {
        Ok(Lookup::Found((o, details))) => {
            ctx.render(StatusCode::OK, &organization_page(&ctx, &o, &details, at))
        }
        Ok(Lookup::MovedTo(to)) => redirect(format!(
            "/organizations/{}{}",
            urls::encode(&to),
            urls::point_in_time(&at)
        )),
        Ok(Lookup::NotFound) => ctx.error(PageError::NotFound),
        Err(e) => ctx.error(e.into()),
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
pub struct PlanPage {
    pub c: Chrome,
    pub plan: PlanView,
    pub provider: Option<RefView>,
    pub committee: Option<RefView>,
    pub cpcs: Vec<RefView>,
    pub actions: Vec<ActionView>,
    pub events: Vec<EventView>,
    pub sources: Vec<SourceView>,
    pub json_href: String,
}

fn plan_page(ctx: &Ctx, p: &PlanDetail) -> PlanPage {
    let plan = view::plan(ctx.lang, &p.summary);
    PlanPage {
        c: ctx.chrome(
            format!("{} {}", ctx.t.plan_title, plan.number),
            format!("{} — {}", plan.number, plan.title),
            "",
        ),
        provider: p.provider.as_ref().map(|e| view::entity(ctx.lang, e)),
        committee: p.committee.as_ref().map(|e| view::entity(ctx.lang, e)),
        cpcs: view::entities(ctx.lang, &p.cpcs),
        actions: p
            .actions
            .iter()
            .map(|a| view::action_summary(ctx.lang, a))
            .collect(),
        events: view::events(ctx.lang, &p.events),
        sources: view::sources(&p.sources),
        json_href: format!("/api/v1/plans/{}", urls::encode(&plan.number)),
        plan,
    }
}

pub async fn plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let number = match validate_id(&path) {
        Ok(n) => n.to_owned(),
        Err(e) => return ctx.error(e.into()),
    };
    match state.read(move |r| r.plan(&number)).await {
        Ok(Some(p)) => ctx.render(StatusCode::OK, &plan_page(&ctx, &p)),
        Ok(None) => ctx.error(PageError::NotFound),
        Err(e) => ctx.error(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DatedValue, EntityRef, Evidence, Link};
    use actix_web::test::TestRequest;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn name(value: &str, current: bool) -> DatedValue {
        DatedValue {
            value: value.into(),
            since: NaiveDate::from_ymd_opt(2024, 4, 1),
            until: (!current).then(|| NaiveDate::from_ymd_opt(2025, 10, 19).unwrap()),
            first_seen: Utc.with_ymd_and_hms(2024, 4, 2, 0, 0, 0).unwrap(),
            last_seen: Utc.with_ymd_and_hms(2025, 10, 20, 0, 0, 0).unwrap(),
            current,
            sources: vec![],
        }
    }

    fn clinic(names: Vec<DatedValue>, links: Vec<Link>) -> FacilityDetail {
        FacilityDetail {
            id: "F000123".into(),
            kind: "facility".into(),
            name: "架空みどり再生クリニック".into(),
            names,
            addresses: vec![],
            prefecture: Some("北海道".into()),
            facility_numbers: vec![],
            status: "closed".into(),
            operators: vec![],
            managers: vec![],
            plans: vec![],
            actions: vec![],
            events: vec![],
            links,
            sources: vec![],
            citation: None,
        }
    }

    fn render(f: &FacilityDetail) -> String {
        let req = TestRequest::get()
            .uri("/facilities/F000123")
            .to_http_request();
        let ctx = Ctx::new(&req);
        facility_page(&ctx, f, &[], PointInTime::latest())
            .render()
            .unwrap()
    }

    #[test]
    fn header_names_former_names_and_possible_links() {
        let possible = Link {
            other: EntityRef {
                id: "F000124".into(),
                entity: "facility".into(),
                name: "架空あおば再生クリニック".into(),
                role: None,
            },
            kind: "possible_successor".into(),
            confidence: 0.7,
            origin: "score".into(),
            evidence: vec![Evidence {
                kind: "address".into(),
                detail: "札幌市中央区北1条西2丁目".into(),
                sources: vec![],
            }],
        };
        let html = render(&clinic(
            vec![
                name("架空わかば再生クリニック", false),
                name("架空みどり再生クリニック", true),
            ],
            vec![possible],
        ));
        let header = html
            .split("<header class=\"entity-header\">")
            .nth(1)
            .and_then(|rest| rest.split("</header>").next())
            .unwrap();
        assert!(header.contains("旧名"), "{header}");
        assert!(header.contains("<strong>架空わかば再生クリニック</strong>"));
        assert!(header.contains("2024-04-01 〜 2025-10-19"));
        assert!(header.contains("関連の可能性（後継）"));
        assert!(header.contains("href=\"/facilities/F000124\""));
        assert!(header.contains("status-closed"));
    }

    #[test]
    fn no_former_names_no_note() {
        let html = render(&clinic(
            vec![name("架空みどり再生クリニック", true)],
            vec![],
        ));
        assert!(!html.contains("former-names"));
        assert!(!html.contains("possible-top"));
    }
}
