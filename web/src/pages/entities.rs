//! `/facilities/{id}`, `/organizations/{id}` and `/plans/{number}`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::search::parse_query;
use super::view::{
    self, ActionView, EventView, LinkView, PlanView, RefView, SourceView, ValueView,
};
use super::{by_id, redirect, Chrome, Ctx, PageError};
use crate::i18n::{self, label};
use crate::input::{validate_id, PointInTimeParams};
use crate::model::{
    ActionDetail, ActionSummary, Citation, DatedValue, Event, FacilityDetail, Link, Lookup,
    OrganizationDetail, PlanDetail, PointInTime, SourceRef,
};
use crate::registry::{RecordLookup, Registry, RegistryError};
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

/// The names a record no longer carries (the current one is the heading already).
fn former_names(names: &[DatedValue], current: &str) -> Vec<ValueView> {
    view::values(names)
        .into_iter()
        .filter(|v| !v.current && v.value != current)
        .collect()
}

fn current_address(list: &[DatedValue]) -> String {
    list.iter()
        .find(|v| v.current)
        .or_else(|| list.last())
        .map(|v| v.value.clone())
        .unwrap_or_default()
}

/// What the pages of a facility and of an organization show alike: the record's actions,
/// history, links and sources, and how to cite it.
pub struct HistoryView {
    /// Names no longer current, shown under the heading so a rename is seen at once.
    pub former_names: Vec<ValueView>,
    /// The current address, or the last one known.
    pub address: String,
    pub action_count: String,
    pub actions: Vec<ActionView>,
    pub names: Vec<ValueView>,
    pub addresses: Vec<ValueView>,
    pub events: Vec<EventView>,
    pub confirmed: Vec<LinkView>,
    pub possible: Vec<LinkView>,
    pub sources: Vec<SourceView>,
    pub citation: Option<view::CitationView>,
    pub json_href: String,
}

/// The fields of a facility or an organization that [`HistoryView`] is made from (the two
/// record types share them by name only).
struct History<'a> {
    id: &'a str,
    /// Where the record lives in the API: `facilities` or `organizations`.
    collection: &'static str,
    name: &'a str,
    names: &'a [DatedValue],
    addresses: &'a [DatedValue],
    actions: &'a [ActionSummary],
    events: &'a [Event],
    links: &'a [Link],
    sources: &'a [SourceRef],
    citation: Option<&'a Citation>,
}

fn history(ctx: &Ctx, r: History<'_>, details: &[ActionDetail], at: PointInTime) -> HistoryView {
    let (confirmed, possible) = view::links(ctx.lang, r.links);
    let mut events = view::events(ctx.lang, r.events);
    super::action_status::annotate_events(ctx.lang, &mut events, r.actions);
    HistoryView {
        former_names: former_names(r.names, r.name),
        address: current_address(r.addresses),
        action_count: if r.actions.is_empty() {
            ctx.t.no_actions.to_owned()
        } else {
            i18n::count(ctx.lang, r.actions.len())
        },
        actions: action_views(ctx, r.actions, details),
        names: view::values(r.names),
        addresses: view::values(r.addresses),
        events,
        confirmed,
        possible,
        sources: view::sources(r.sources),
        citation: view::citation(|p| ctx.absolute(p), r.citation),
        json_href: format!(
            "/api/v1/{}/{}{}",
            r.collection,
            urls::encode(r.id),
            urls::point_in_time(&at)
        ),
    }
}

/// What differs between the page handlers of facilities and of organizations.
struct RecordKind<T, P> {
    /// Where the pages live: `/facilities`, `/organizations`.
    pages: &'static str,
    fetch: RecordLookup<T>,
    actions: fn(&T) -> &[ActionSummary],
    page: fn(&Ctx, &T, &[ActionDetail], PointInTime) -> P,
}

const FACILITY: RecordKind<FacilityDetail, FacilityPage> = RecordKind {
    pages: "/facilities",
    fetch: |r, id, at| r.facility(id, at),
    actions: |f| &f.actions,
    page: facility_page,
};

const ORGANIZATION: RecordKind<OrganizationDetail, OrganizationPage> = RecordKind {
    pages: "/organizations",
    fetch: |r, id, at| r.organization(id, at),
    actions: |o| &o.actions,
    page: organization_page,
};

impl<T: Send + 'static, P: Template> RecordKind<T, P> {
    /// The record's page at the requested point in time (with its actions' details), a 301
    /// to where a merged ID now lives, or an error page.
    async fn answer(&self, req: &HttpRequest, state: &AppState, id: &str) -> HttpResponse {
        let ctx = Ctx::new(req);
        let page = self.build(&ctx, req, state, id).await;
        ctx.answer(page)
    }

    async fn build(
        &self,
        ctx: &Ctx,
        req: &HttpRequest,
        state: &AppState,
        id: &str,
    ) -> Result<HttpResponse, PageError> {
        let id = validate_id(id)?.to_owned();
        let at = parse_query::<PointInTimeParams>(req)?.validate()?;
        let (fetch, actions) = (self.fetch, self.actions);
        let found = state
            .read(move |r| match fetch(r, &id, at)? {
                Lookup::Found(record) => {
                    let details = details_of(r, actions(&record))?;
                    Ok(Lookup::Found((record, details)))
                }
                Lookup::MovedTo(to) => Ok(Lookup::MovedTo(to)),
                Lookup::NotFound => Ok(Lookup::NotFound),
            })
            .await?;
        match found {
            Lookup::Found((record, details)) => {
                Ok(ctx.render(StatusCode::OK, &(self.page)(ctx, &record, &details, at)))
            }
            Lookup::MovedTo(to) => Ok(redirect(format!(
                "{}/{}{}",
                self.pages,
                urls::encode(&to),
                urls::point_in_time(&at)
            ))),
            Lookup::NotFound => Err(PageError::NotFound),
        }
    }
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
    pub prefecture: String,
    pub facility_numbers: String,
    pub as_of: Option<String>,
    /// `YYYY-MM-DD` for the date field of the as-of form.
    pub as_of_value: String,
    pub clear_as_of: String,
    pub operators: Vec<RefView>,
    pub managers: Vec<ValueView>,
    pub plans: Vec<PlanView>,
    pub h: HistoryView,
}

fn facility_page(
    ctx: &Ctx,
    f: &FacilityDetail,
    details: &[ActionDetail],
    at: PointInTime,
) -> FacilityPage {
    let kind = label(ctx.lang, &f.kind);
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
    let h = History {
        id: &f.id,
        collection: "facilities",
        name: &f.name,
        names: &f.names,
        addresses: &f.addresses,
        actions: &f.actions,
        events: &f.events,
        links: &f.links,
        sources: &f.sources,
        citation: f.citation.as_ref(),
    };
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
        prefecture,
        facility_numbers: f.facility_numbers.join("、"),
        as_of: at.as_of.map(|d| view::date(Some(d))),
        as_of_value: at.as_of.map(|d| d.to_string()).unwrap_or_default(),
        clear_as_of: format!("/facilities/{}", urls::encode(&f.id)),
        operators: view::entities(ctx.lang, &f.operators),
        managers: view::values(&f.managers),
        plans: f.plans.iter().map(|p| view::plan(ctx.lang, p)).collect(),
        h: history(ctx, h, details, at),
    }
}

pub async fn facility(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    FACILITY.answer(&req, &state, &path).await
}

#[derive(Template)]
#[template(path = "organization.html")]
pub struct OrganizationPage {
    pub c: Chrome,
    /// Where to report an error in this record.
    pub report_href: String,
    pub name: String,
    pub corporate_number: String,
    pub status: String,
    pub facilities: Vec<RefView>,
    pub h: HistoryView,
}

fn organization_page(
    ctx: &Ctx,
    o: &OrganizationDetail,
    details: &[ActionDetail],
    at: PointInTime,
) -> OrganizationPage {
    let n = u32::try_from(o.actions.len()).unwrap_or(u32::MAX);
    let h = History {
        id: &o.id,
        collection: "organizations",
        name: &o.name,
        names: &o.names,
        addresses: &o.addresses,
        actions: &o.actions,
        events: &o.events,
        links: &o.links,
        sources: &o.sources,
        citation: o.citation.as_ref(),
    };
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
        corporate_number: o.corporate_number.clone().unwrap_or_else(|| "—".to_owned()),
        status: label(ctx.lang, &o.status),
        facilities: view::entities(ctx.lang, &o.facilities),
        h: history(ctx, h, details, at),
    }
}

pub async fn organization(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    ORGANIZATION.answer(&req, &state, &path).await
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
    let found = by_id(&state, &path, |r, number| r.plan(number)).await;
    ctx.answer(found.map(|p| ctx.render(StatusCode::OK, &plan_page(&ctx, &p))))
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
