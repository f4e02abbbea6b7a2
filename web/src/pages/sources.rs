//! `/sources`: the health of every public source (Japanese first, English), from the same
//! registry call as `GET /api/v1/sources`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::view::timestamp;
use super::{Chrome, Ctx};
use crate::i18n::Lang;
use crate::input::validate_sha256;
use crate::model::{SourceHealth, SourcesReport};
use crate::urls;
use crate::AppState;

/// The page's own words (only this page uses them).
pub struct Words {
    pub heading: &'static str,
    pub intro: &'static str,
    pub status: &'static str,
    pub last_success: &'static str,
    pub last_attempt: &'static str,
    pub last_failed: &'static str,
    pub never: &'static str,
    pub note: &'static str,
    pub hosts: &'static str,
    pub entry_points: &'static str,
    pub terms: &'static str,
    pub off_by_default: &'static str,
    pub seen: &'static str,
    pub inferred: &'static str,
    pub documents: &'static str,
    pub facts: &'static str,
    pub live: &'static str,
    pub removed: &'static str,
    pub retracted: &'static str,
    pub problems: &'static str,
    pub no_problems: &'static str,
    pub gaps: &'static str,
    pub checked_at: &'static str,
    pub original: &'static str,
    pub archived_copy: &'static str,
    pub json: &'static str,
}

const JA: Words = Words {
    heading: "情報源の状態",
    intro: "公表元ごとの最新の巡回結果、保存している資料と事実の件数、読み取れなかった資料、既知の制約を示します。巡回に失敗した公表元は「利用不可」と表示し、その回の巡回では何も削除扱いにしません。",
    status: "状態",
    last_success: "最後に成功した巡回",
    last_attempt: "最後の巡回開始",
    last_failed: "最後の巡回は失敗（不完全）しました",
    never: "なし",
    note: "巡回の記録",
    hosts: "ホスト",
    entry_points: "巡回の入口（公表サイトの実在ページ）",
    terms: "利用条件",
    off_by_default: "既定では巡回しません（利用者が明示的に有効にした場合のみ）",
    seen: "確認済み",
    inferred: "推定",
    documents: "資料",
    facts: "事実",
    live: "掲載中",
    removed: "掲載終了",
    retracted: "記載なし（履歴）",
    problems: "取得・読み取りに失敗した資料",
    no_problems: "失敗した資料はありません。",
    gaps: "既知の制約",
    checked_at: "確認日時",
    original: "原文",
    archived_copy: "保存版",
    json: "JSON",
};

const EN: Words = Words {
    heading: "Source health",
    intro: "Per public source: the latest crawls, how many documents and facts mieru holds from it, documents it could not fetch or read, and known gaps. A source whose crawl failed is shown as unavailable, and that crawl marks nothing as removed.",
    status: "Status",
    last_success: "Last successful crawl",
    last_attempt: "Last crawl started",
    last_failed: "The last crawl failed (incomplete)",
    never: "never",
    note: "Crawler's note",
    hosts: "Hosts",
    entry_points: "Entry points (real pages of the publisher)",
    terms: "Terms",
    off_by_default: "Not crawled by default (only when a user enables it explicitly)",
    seen: "verified",
    inferred: "inferred",
    documents: "Documents",
    facts: "Facts",
    live: "published",
    removed: "taken down",
    retracted: "no longer stated (history)",
    problems: "Documents that could not be fetched or read",
    no_problems: "No failed documents.",
    gaps: "Known gaps",
    checked_at: "Checked",
    original: "Original",
    archived_copy: "Archived copy",
    json: "JSON",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

fn status_label(lang: Lang, status: &str) -> String {
    let (ja, en) = match status {
        "available" => ("利用可能", "Available"),
        "unavailable" => (
            "利用不可（最後の巡回が失敗）",
            "Unavailable (last crawl failed)",
        ),
        "not_crawled" => ("未巡回", "Not crawled yet"),
        other => (other, other),
    };
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

pub struct ProblemView {
    pub url: String,
    pub href: Option<String>,
    pub kind: String,
    pub detail: String,
    pub at: String,
    pub archive: Option<String>,
}

pub struct EntryPointView {
    pub url: String,
    pub verified: String,
    pub note: String,
}

pub struct TermView {
    pub text: String,
    pub href: Option<String>,
}

pub struct SourceView {
    pub name: String,
    pub description: String,
    pub status_code: String,
    pub status: String,
    pub last_success: String,
    pub last_attempt: String,
    pub failed: bool,
    pub note: Option<String>,
    pub hosts: String,
    pub enabled_by_default: bool,
    pub entry_points: Vec<EntryPointView>,
    pub terms: Vec<TermView>,
    pub documents_live: u64,
    pub documents_removed: u64,
    pub facts_live: u64,
    pub facts_retracted: u64,
    pub problems: Vec<ProblemView>,
    pub gaps: Vec<String>,
}

fn source_view(lang: Lang, s: &SourceHealth) -> SourceView {
    let w = words(lang);
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(timestamp).unwrap_or_else(|| w.never.to_owned())
    };
    SourceView {
        name: s.source.clone(),
        description: match lang {
            Lang::Ja => s.description_ja.clone(),
            Lang::En => s.description_en.clone(),
        },
        status_code: super::view::css_token(&s.status),
        status: status_label(lang, &s.status),
        last_success: when(s.last_success),
        last_attempt: when(s.last_attempt),
        failed: s.last_attempt_failed,
        note: s.last_note.clone(),
        hosts: s.hosts.join("、"),
        enabled_by_default: s.enabled_by_default,
        entry_points: s
            .entry_points
            .iter()
            .map(|e| EntryPointView {
                url: e.url.clone(),
                verified: if e.verified == "seen" {
                    w.seen
                } else {
                    w.inferred
                }
                .to_owned(),
                note: match lang {
                    Lang::Ja => e.note_ja.clone(),
                    Lang::En => e.note_en.clone(),
                },
            })
            .collect(),
        terms: s
            .terms
            .iter()
            .map(|t| TermView {
                text: match lang {
                    Lang::Ja => t.ja.clone(),
                    Lang::En => t.en.clone(),
                },
                href: t
                    .url
                    .as_deref()
                    .and_then(urls::safe_external)
                    .map(str::to_owned),
            })
            .collect(),
        documents_live: s.documents_live,
        documents_removed: s.documents_removed,
        facts_live: s.facts_live,
        facts_retracted: s.facts_retracted,
        problems: s
            .problems
            .iter()
            .map(|p| ProblemView {
                url: p.url.clone(),
                href: urls::safe_external(&p.url).map(str::to_owned),
                kind: match (lang, p.kind.as_str()) {
                    (Lang::Ja, "parse_error") => "読み取り失敗".to_owned(),
                    (Lang::Ja, "fetch_error") => "取得失敗".to_owned(),
                    (Lang::En, "parse_error") => "Could not be read".to_owned(),
                    (Lang::En, "fetch_error") => "Fetch failed".to_owned(),
                    (_, other) => other.to_owned(),
                },
                detail: p.detail.clone(),
                at: timestamp(p.at),
                archive: p
                    .sha256
                    .as_deref()
                    .and_then(|sha| validate_sha256(sha).ok())
                    .map(|sha| format!("/api/v1/documents/{sha}")),
            })
            .collect(),
        gaps: s
            .known_gaps
            .iter()
            .map(|g| match lang {
                Lang::Ja => g.ja.clone(),
                Lang::En => g.en.clone(),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "sources.html")]
pub struct SourcesPage {
    pub c: Chrome,
    pub w: &'static Words,
    pub sources: Vec<SourceView>,
    pub checked_at: String,
}

pub fn sources_page(ctx: &Ctx, report: &SourcesReport) -> SourcesPage {
    let w = words(ctx.lang);
    SourcesPage {
        c: ctx.chrome(w.heading.to_owned(), w.intro.to_owned(), "sources"),
        w,
        sources: report
            .sources
            .iter()
            .map(|s| source_view(ctx.lang, s))
            .collect(),
        checked_at: timestamp(report.checked_at),
    }
}

pub async fn sources(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = Ctx::new(&req);
    match state.read(|r| r.sources()).await {
        Ok(report) => ctx.render(StatusCode::OK, &sources_page(&ctx, &report)),
        Err(e) => ctx.error(e.into()),
    }
}
