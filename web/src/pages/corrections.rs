//! Public correction reports as pages: the report form (plain HTML, no JavaScript needed), the
//! public log and one report with its decision. A post another site makes a browser send is
//! refused (`crate::origin`); spam meets the rate limit, the daily cap per client, a honeypot
//! field and the length limits. Curators decide through the bearer-token API or the CLI.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::search::parse_query;
use super::view::{self, timestamp};
use super::{Chrome, Ctx, PageError};
use crate::api::corrections::CorrectionParams;
use crate::curation::{
    Correction, CorrectionFilter, CorrectionKind, NewCorrection, Refusal, MAX_MESSAGE_CHARS,
};
use crate::i18n::Lang;
use crate::input::{validate_id, InputError};
use crate::report_quota::report_quota;
use crate::urls;
use crate::AppState;
use std::time::{Duration, SystemTime};

/// Largest form body read.
const MAX_FORM_BYTES: usize = 16 * 1024;
const PAGE_SIZE: usize = 30;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `/corrections/new` before `/corrections/{id}`: routes match in order.
    cfg.route("/corrections/new", web::get().to(form))
        .service(
            web::resource("/corrections")
                .app_data(
                    web::FormConfig::default()
                        .limit(MAX_FORM_BYTES)
                        .error_handler(|e, req| {
                            let res = Ctx::new(req).error(PageError::Input(InputError::new(
                                "invalid_form",
                                e.to_string(),
                            )));
                            actix_web::error::InternalError::from_response(e, res).into()
                        }),
                )
                .route(web::get().to(log))
                .route(web::post().to(submit)),
        )
        .route("/corrections/{id}", web::get().to(report));
}

/// The strings of these pages, Japanese and English (kept here: they are used nowhere else).
pub struct Strings {
    pub log_title: &'static str,
    pub log_intro: &'static str,
    pub form_title: &'static str,
    pub form_intro: &'static str,
    pub record: &'static str,
    pub kind: &'static str,
    pub other: &'static str,
    pub other_hint: &'static str,
    pub message: &'static str,
    pub message_hint: &'static str,
    pub privacy: &'static str,
    pub submit: &'static str,
    pub report_title: &'static str,
    pub filed: &'static str,
    pub status: &'static str,
    pub decided: &'static str,
    pub decided_by: &'static str,
    pub reason: &'static str,
    pub outcome: &'static str,
    pub fact: &'static str,
    pub none_yet: &'static str,
    pub next_page: &'static str,
    pub new_report: &'static str,
    pub all: &'static str,
    pub back_to_log: &'static str,
    pub thanks: &'static str,
    pub honeypot: &'static str,
}

const JA: Strings = Strings {
    log_title: "訂正の報告と対応の記録",
    log_intro: "寄せられた誤りの報告と、その採否（誰が・いつ・なぜ）をすべて公開しています。採用された報告は人の判断または注記として記録され、出典の情報そのものを書き換えることはありません。",
    form_title: "誤りを報告",
    form_intro: "誤った関連付け、関連付けの漏れ、誤った情報、古い情報を報告できます。報告には番号が付き、公開の記録に載ります。担当者が確認して採否と理由を公開します。",
    record: "対象の記録（ID）",
    kind: "報告の種類",
    other: "関連するもう一方の記録（ID）",
    other_hint: "誤った関連付け・関連付けの漏れの場合は必須です（例: F000012）。",
    message: "内容と根拠",
    message_hint: "どこが誤りで、何を根拠にそう判断したかを書いてください（2000字まで）。この内容は公開されます。",
    privacy: "氏名や連絡先は記入しないでください。送信者の情報は保存しません。",
    submit: "報告する",
    report_title: "報告",
    filed: "受付日時",
    status: "状態",
    decided: "対応日時",
    decided_by: "対応者",
    reason: "理由",
    outcome: "対応内容",
    fact: "対象の情報",
    none_yet: "まだ報告はありません。",
    next_page: "さらに古い報告",
    new_report: "誤りを報告する",
    all: "すべて",
    back_to_log: "報告の一覧へ",
    thanks: "報告を受け付けました。担当者の対応はこのページで公開されます。",
    honeypot: "この欄は空のままにしてください",
};

const EN: Strings = Strings {
    log_title: "Correction reports and decisions",
    log_intro: "Every error report received, and every decision on it (who, when, why), is public. Accepted reports are recorded as human judgements or annotations; what a source stated is never rewritten.",
    form_title: "Report an error",
    form_intro: "Report a wrong link, a missing link, a wrong fact or an outdated entry. Your report gets a number and appears in the public log; a curator decides on it and publishes the reason.",
    record: "Record (ID)",
    kind: "Kind of report",
    other: "The other record (ID)",
    other_hint: "Required for a wrong or missing link (e.g. F000012).",
    message: "What is wrong, and how you know",
    message_hint: "Say what is wrong and what you base it on (up to 2000 characters). This text is published.",
    privacy: "Do not include names or contact details. Nothing about the sender is stored.",
    submit: "Send report",
    report_title: "Report",
    filed: "Filed",
    status: "Status",
    decided: "Decided",
    decided_by: "Decided by",
    reason: "Reason",
    outcome: "What changed",
    fact: "Fact concerned",
    none_yet: "No reports yet.",
    next_page: "Older reports",
    new_report: "Report an error",
    all: "All",
    back_to_log: "All reports",
    thanks: "Your report was filed. The decision will be published on this page.",
    honeypot: "Leave this field empty",
};

fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

fn kind_label(lang: Lang, k: CorrectionKind) -> &'static str {
    match lang {
        Lang::Ja => k.label_ja(),
        Lang::En => k.label_en(),
    }
}

fn status_label(lang: Lang, s: &str) -> &'static str {
    match (lang, s) {
        (Lang::Ja, "open") => "受付（未対応）",
        (Lang::Ja, "accepted") => "採用",
        (Lang::Ja, "rejected") => "不採用",
        (Lang::En, "open") => "Open",
        (Lang::En, "accepted") => "Accepted",
        (Lang::En, "rejected") => "Rejected",
        _ => "—",
    }
}

/// What an accepted report changed, in words (`outcome` is `judgement:<verdict>` or
/// `annotation:<id>:<kind>`).
fn outcome_words(lang: Lang, outcome: Option<&str>) -> String {
    let Some(o) = outcome else {
        return String::new();
    };
    let mut parts = o.split(':');
    let ja = lang == Lang::Ja;
    match (parts.next(), parts.next(), parts.next()) {
        (Some("judgement"), Some(v), None) => {
            let what = match (ja, v) {
                (true, "same") => "同一の記録として統合",
                (true, "different") => "別の記録と判断し関連付けを解除",
                (true, "successor") => "後継として関連付け",
                (true, "not_successor") => "承継関係はないと判断",
                (false, "same") => "merged as one record",
                (false, "different") => "judged different; link removed",
                (false, "successor") => "linked as successor",
                (false, "not_successor") => "judged not a successor",
                (_, other) => other,
            };
            if ja {
                format!("人による判断: {what}")
            } else {
                format!("Human judgement: {what}")
            }
        }
        (Some("annotation"), Some(id), Some(kind)) => {
            let what = match (ja, kind) {
                (true, "hide_fact") => "情報を審査のため非表示",
                (true, "outdated") => "古い情報である旨を注記",
                (true, _) => "注記",
                (false, "hide_fact") => "value hidden pending review",
                (false, "outdated") => "marked as outdated",
                (false, _) => "note added",
            };
            if ja {
                format!("注記 #{id}: {what}")
            } else {
                format!("Annotation #{id}: {what}")
            }
        }
        _ => String::new(),
    }
}

/// A record reference as a link (records are `F…`/`C…` facilities and CPCs, `O…`
/// organizations).
pub struct RecordView {
    pub id: String,
    pub name: String,
    pub href: Option<String>,
}

fn record(e: &crate::model::EntityRef) -> RecordView {
    RecordView {
        id: e.id.clone(),
        name: e.name.clone(),
        href: urls::entity_path(&e.entity, &e.id),
    }
}

pub struct CorrectionView {
    pub id: String,
    pub href: String,
    pub kind: &'static str,
    pub record: RecordView,
    pub other: Option<RecordView>,
    pub fact: String,
    pub message: String,
    pub status: &'static str,
    pub status_code: String,
    pub filed: String,
    pub decided: String,
    pub decided_by: String,
    pub reason: String,
    pub outcome: String,
}

fn correction_view(lang: Lang, c: &Correction) -> CorrectionView {
    CorrectionView {
        id: c.id.clone(),
        href: format!("/corrections/{}", urls::encode(&c.id)),
        kind: kind_label(lang, c.kind),
        record: record(&c.entity),
        other: c.other.as_ref().map(record),
        fact: c.fact_id.map(|f| format!("#{f}")).unwrap_or_default(),
        message: c.message.clone(),
        status: status_label(lang, &c.status),
        status_code: view::css_token(&c.status),
        filed: timestamp(c.submitted_at),
        decided: c.decided_at.map(timestamp).unwrap_or_default(),
        decided_by: c.decided_by.clone().unwrap_or_default(),
        reason: c.decision_reason.clone().unwrap_or_default(),
        outcome: outcome_words(lang, c.outcome.as_deref()),
    }
}

// ---- the form ----

/// One choice of the kind select.
pub struct KindOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "correction_form.html")]
pub struct FormPage {
    pub c: Chrome,
    pub s: &'static Strings,
    pub kinds: Vec<KindOption>,
    pub entity: String,
    pub entity_href: Option<String>,
    pub other: String,
    pub message: String,
    pub max_message: usize,
    /// Why the last submission was refused, in the page's language.
    pub error: Option<String>,
}

/// What the form sends. Every field is optional text, so any malformed submission gets the
/// form back with a message rather than a bare error.
#[derive(Debug, Default, Deserialize)]
pub struct FormInput {
    pub entity: Option<String>,
    pub kind: Option<String>,
    pub other: Option<String>,
    pub message: Option<String>,
    /// The honeypot: hidden from people, filled in by naive bots.
    pub website: Option<String>,
}

fn form_page(ctx: &Ctx, input: &FormInput, error: Option<String>) -> FormPage {
    let s = strings(ctx.lang);
    let selected = input.kind.as_deref().unwrap_or("wrong_fact");
    let entity = input.entity.clone().unwrap_or_default();
    let entity_href = validate_id(entity.trim()).ok().and_then(|id| {
        let kind = if id.starts_with('O') {
            "organization"
        } else {
            "facility"
        };
        urls::entity_path(kind, id)
    });
    FormPage {
        c: ctx.chrome(s.form_title.to_owned(), s.form_intro.to_owned(), ""),
        s,
        kinds: CorrectionKind::ALL
            .into_iter()
            .map(|k| KindOption {
                code: k.as_str(),
                label: kind_label(ctx.lang, k),
                selected: k.as_str() == selected,
            })
            .collect(),
        entity,
        entity_href,
        other: input.other.clone().unwrap_or_default(),
        message: input.message.clone().unwrap_or_default(),
        max_message: MAX_MESSAGE_CHARS,
        error,
    }
}

/// `GET /corrections/new?entity=F000001[&kind=…]`: the report form, prefilled.
pub async fn form(req: HttpRequest) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let input = match parse_query::<FormInput>(&req) {
        Ok(i) => FormInput {
            website: None,
            message: None,
            ..i
        },
        Err(e) => return ctx.error(e.into()),
    };
    ctx.render(StatusCode::OK, &form_page(&ctx, &input, None))
}

/// Why a report was refused, for the person filling the form.
fn refusal_text(lang: Lang, r: &Refusal) -> String {
    let code = match r {
        Refusal::Invalid { code, .. } => *code,
        Refusal::NotFound(_) => "unknown_entity",
        Refusal::Conflict(_) => "",
    };
    let ja = lang == Lang::Ja;
    match code {
        "unknown_entity" | "invalid_id" | "unsupported_entity" => if ja {
            "対象の記録が見つかりません。施設・法人のページにある ID（例: F000001）を入力してください。"
        } else {
            "No such record. Use the ID shown on the facility or organization page (e.g. F000001)."
        },
        "missing_other" => if ja {
            "関連付けの報告では、もう一方の記録の ID を入力してください。"
        } else {
            "For a link report, give the other record's ID."
        },
        "same_entity" => if ja {
            "二つの記録には別々の ID を入力してください。"
        } else {
            "Give two different records."
        },
        "unexpected_other" => if ja {
            "もう一方の記録の ID は、関連付けの報告でのみ入力できます。"
        } else {
            "The other record is only for link reports."
        },
        "empty_text" => if ja {
            "内容と根拠を入力してください。"
        } else {
            "Please say what is wrong."
        },
        "too_long" => if ja {
            "内容は2000字以内で入力してください。"
        } else {
            "Please keep the text within 2000 characters."
        },
        _ => if ja {
            "報告を受け付けられませんでした。入力内容を確認してください。"
        } else {
            "The report could not be filed. Please check what you entered."
        },
    }
    .to_owned()
}

/// `POST /corrections` (application/x-www-form-urlencoded): files the report and answers 303
/// to its page; a refused report gets the form back (400) with the reason.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<FormInput>,
) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let input = form.into_inner();
    if crate::origin::is_cross_site(&req) {
        tracing::info!("correction form: cross-site post refused");
        let msg = match ctx.lang {
            Lang::Ja => "他のサイトから送信された報告は受け付けられません。このページのフォームから送信してください。",
            Lang::En => "A report sent from another site is not accepted. Please send it from the form on this page.",
        };
        return ctx.render(
            StatusCode::FORBIDDEN,
            &form_page(&ctx, &input, Some(msg.to_owned())),
        );
    }
    let refuse = |input: &FormInput, msg: String| {
        ctx.render(StatusCode::BAD_REQUEST, &form_page(&ctx, input, Some(msg)))
    };
    if input
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        tracing::info!("correction form: honeypot filled, report dropped");
        return refuse(&input, refusal_text(ctx.lang, &Refusal::invalid("", "")));
    }
    let Some(kind) = input.kind.as_deref().and_then(CorrectionKind::parse) else {
        return refuse(&input, refusal_text(ctx.lang, &Refusal::invalid("", "")));
    };
    let message = input.message.clone().unwrap_or_default();
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return refuse(
            &input,
            refusal_text(ctx.lang, &Refusal::invalid("too_long", "")),
        );
    }
    let (client, quota) = (req.peer_addr().map(|a| a.ip()), report_quota());
    if let Err(wait) = quota.check(client, SystemTime::now()) {
        return over_daily_cap(&ctx, &input, wait);
    }
    let new = NewCorrection {
        kind,
        entity_id: input.entity.clone().unwrap_or_default().trim().to_owned(),
        other_id: input
            .other
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        fact_id: None,
        message,
    };
    match state.curate(move |r| r.submit_correction(&new)).await {
        Ok(Ok(c)) => {
            quota.record(client, SystemTime::now());
            let location = format!("/corrections/{}?filed=1", urls::encode(&c.id));
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .finish()
        }
        Ok(Err(refusal)) => refuse(&input, refusal_text(ctx.lang, &refusal)),
        Err(e) => ctx.error(e.into()),
    }
}

/// The form again, 429, when this client has filed the reports one may file in a day.
fn over_daily_cap(ctx: &Ctx, input: &FormInput, wait: Duration) -> HttpResponse {
    let hours = wait.as_secs().div_ceil(3600);
    let msg = match ctx.lang {
        Lang::Ja => format!("この接続元から1日に送れる報告の数を超えました。約{hours}時間後にもう一度お送りください。"),
        Lang::En => format!("This connection has sent as many reports as one may send in a day. Please try again in about {hours} hours."),
    };
    let mut res = ctx.render(
        StatusCode::TOO_MANY_REQUESTS,
        &form_page(ctx, input, Some(msg)),
    );
    let secs = HeaderValue::from(crate::api::ratelimit::retry_after_secs(wait));
    res.headers_mut().insert(header::RETRY_AFTER, secs);
    res
}

// ---- the log and one report ----

#[derive(Template)]
#[template(path = "corrections.html")]
pub struct LogPage {
    pub c: Chrome,
    pub s: &'static Strings,
    pub items: Vec<CorrectionView>,
    /// (code, label, current) of the status filter links.
    pub filters: Vec<(String, &'static str, bool)>,
    pub next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LogParams {
    pub status: Option<String>,
    pub cursor: Option<String>,
}

/// `GET /corrections`: the public log, newest first.
pub async fn log(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let s = strings(ctx.lang);
    let params = match parse_query::<LogParams>(&req) {
        Ok(p) => p,
        Err(e) => return ctx.error(e.into()),
    };
    // The API's checks; an error page names only the error's code.
    let api_params = CorrectionParams {
        status: params.status,
        cursor: params.cursor,
        limit: None,
    };
    let filter = match api_params.validate() {
        Ok(f) => CorrectionFilter {
            limit: PAGE_SIZE,
            ..f
        },
        Err(e) => return ctx.error(e.into()),
    };
    let status = filter.status.clone();
    let page = match state.curate(move |r| r.corrections(&filter)).await {
        Ok(p) => p,
        Err(e) => return ctx.error(e.into()),
    };
    let mut filters = vec![(String::new(), s.all, status.is_none())];
    for code in ["open", "accepted", "rejected"] {
        filters.push((
            code.to_owned(),
            status_label(ctx.lang, code),
            status.as_deref() == Some(code),
        ));
    }
    let next = page.next_cursor.map(|c| {
        format!(
            "/corrections{}",
            urls::query(&[("status", status.as_deref().unwrap_or("")), ("cursor", &c)])
        )
    });
    let tpl = LogPage {
        c: ctx.chrome(s.log_title.to_owned(), s.log_intro.to_owned(), ""),
        s,
        items: page
            .items
            .iter()
            .map(|c| correction_view(ctx.lang, c))
            .collect(),
        filters,
        next,
    };
    ctx.render(StatusCode::OK, &tpl)
}

#[derive(Template)]
#[template(path = "correction.html")]
pub struct ReportPage {
    pub c: Chrome,
    pub s: &'static Strings,
    pub r: CorrectionView,
    pub just_filed: bool,
}

/// `GET /corrections/{id}`: one report and its decision.
pub async fn report(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = Ctx::new(&req);
    let s = strings(ctx.lang);
    let id = path.into_inner();
    if !crate::api::corrections::is_report_id(&id) {
        return ctx.error(PageError::NotFound);
    }
    let just_filed = req.query_string().split('&').any(|kv| kv == "filed=1");
    match state.curate(move |r| r.correction(&id)).await {
        Ok(Some(c)) => {
            let r = correction_view(ctx.lang, &c);
            let tpl = ReportPage {
                c: ctx.chrome(
                    format!("{} {}", s.report_title, r.id),
                    r.message.chars().take(120).collect(),
                    "",
                ),
                s,
                r,
                just_filed,
            };
            ctx.render(StatusCode::OK, &tpl)
        }
        Ok(None) => ctx.error(PageError::NotFound),
        Err(e) => ctx.error(PageError::from(e)),
    }
}

#[cfg(test)]
mod tests;
