//! Source health: per public source, whether its last crawl succeeded, what mieru holds from
//! it, which documents could not be fetched or read, and what mieru does not read at all.
//!
//! "Unavailable" means the last finished crawl of the source was incomplete (a start URL or
//! the server failed). Such a crawl marks nothing removed (see `ingest::StoreSink`), so an
//! outage never looks like a delisting.

use mieru_crawler::adapter::StartContext;
use crate::store::{self, crawl_state, documents, DbConnection, StoreError};
use chrono::NaiveDateTime;
use mieru_web::model::{DocumentProblem, KnownGap, SourceHealth, SourcesReport};

/// Problem documents listed per source (the newest); the counts above them are complete.
pub const MAX_PROBLEMS: i64 = 50;

/// What a source is and what mieru does not read from it: written by hand, kept honest.
struct Catalogue {
    name: &'static str,
    ja: &'static str,
    en: &'static str,
    gaps: &'static [(&'static str, &'static str)],
}

/// Every source of every crawl: the start URLs below are the replica's layout of the real
/// sites; they have not been checked against the live sites.
const ALL_SOURCES_GAP: (&str, &str) = (
    "巡回の開始URLは同梱の複製（replica）に合わせたもので、実際の公表サイトでの所在は未確認です",
    "Start URLs follow the bundled replica's layout; they are not verified against the live sites",
);

const CATALOGUE: &[Catalogue] = &[
    Catalogue {
        name: "mhlw-press",
        ja: "厚生労働省の報道発表資料（再生医療法に基づく命令等）",
        en: "Ministry of Health, Labour and Welfare press releases on orders under the Act",
        gaps: &[
            (
                "「再生医療法に基づく命令等」の一覧から辿れる発表のみを読みます。一覧に載らない発表は取得しません",
                "Only releases linked from the list of orders are read; releases not on it are never fetched",
            ),
            (
                "命令の期間は本文に「…まで」と日付で書かれた場合のみ読みます（「3か月間」などの期間表記は読みません）",
                "An order's period is read only when written as a date followed by まで; durations such as 3か月間 are not read",
            ),
        ],
    },
    Catalogue {
        name: "kouseikyoku",
        ja: "地方厚生局の公表資料（命令、細胞培養加工施設一覧、廃止・新規届出一覧）",
        en: "Regional bureaus of health and welfare: orders, the CPC list, closure and new-provider lists",
        gaps: &[
            (
                "関東信越・東海北陸・近畿・九州の4厚生局のみ巡回します（北海道・東北・中国四国・四国は未対応）",
                "Only four bureaus are crawled (関東信越, 東海北陸, 近畿, 九州); 北海道, 東北, 中国四国 and 四国 are not",
            ),
            (
                "PDFのみで公表された命令は文字として読める場合に限り読みます（画像のPDFは保存のみ）",
                "Orders published only as PDF are read when the PDF carries text; scanned PDFs are archived only",
            ),
        ],
    },
    Catalogue {
        name: "e-saisei",
        ja: "e-再生医療：第二種・第三種再生医療等提供計画の公表一覧",
        en: "e-再生医療: published lists of Class II and Class III provision plans",
        gaps: &[
            (
                "計画の添付資料（PDF）は取得も保存もしません。一覧のリンクから計画番号のみ読みます",
                "Plan documents (PDF) are neither fetched nor archived; only plan numbers are read from their links",
            ),
            (
                "第一種の計画はこの一覧に載らないため含まれません",
                "Class I plans are not in these lists and are not covered",
            ),
        ],
    },
    Catalogue {
        name: "jrct",
        ja: "jRCT：再生医療等の研究の実施計画",
        en: "jRCT: research plans under the Act",
        gaps: &[
            (
                "研究責任医師などの医師名は読みません",
                "Principal investigators and other responsible doctors are not read",
            ),
            (
                "添付資料（委員会意見書など）は日付とURLのみ記録し、取得しません",
                "Attachments (committee opinions …) are recorded by date and URL only, not fetched",
            ),
        ],
    },
    Catalogue {
        name: "houjin-bangou",
        ja: "国税庁 法人番号公表サイトの全件・差分データ",
        en: "National Tax Agency corporate number site: full and diff files",
        gaps: &[(
            "実際のサイトはPOSTフォームでファイルを配布しており、巡回はリンクとして置いた複製でのみ確認しています",
            "The real site serves the files through POST forms; crawling was only tested on the replica's links",
        )],
    },
];

fn utc(t: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    t.and_utc()
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The health of one source.
pub fn source_health(conn: &mut DbConnection, name: &str) -> Result<SourceHealth, StoreError> {
    let cat = CATALOGUE.iter().find(|c| c.name == name);
    let adapter = mieru_crawler::adapters::by_name(name);
    let runs = crawl_state::recent_runs(conn, name, 20)?;
    let last_finished = runs.iter().find(|r| r.finished_at.is_some());
    let success = crawl_state::last_complete_run(conn, name)?;
    let status = match last_finished {
        None => "not_crawled",
        Some(r) if r.complete => "available",
        Some(_) => "unavailable",
    };
    let (documents_live, documents_removed) = documents::counts_of_source(conn, name)?;
    let (facts_live, facts_retracted) = documents::fact_counts_of_source(conn, name)?;

    let mut problems: Vec<DocumentProblem> = Vec::new();
    for (snap, doc) in documents::unparsed_snapshots(conn, name, MAX_PROBLEMS)? {
        // An old version that failed and was since replaced by a readable one is history.
        if doc.current_sha256.as_deref() != Some(snap.sha256.as_str()) {
            continue;
        }
        problems.push(DocumentProblem {
            url: doc.url,
            kind: "parse_error".into(),
            detail: snap.parse_error.unwrap_or_default(),
            at: utc(snap.fetched_at),
            sha256: Some(snap.sha256),
        });
    }
    for doc in documents::failed_documents(conn, name, MAX_PROBLEMS)? {
        problems.push(DocumentProblem {
            url: doc.url,
            kind: "fetch_error".into(),
            detail: doc.last_error.unwrap_or_default(),
            at: utc(doc.last_error_at.unwrap_or(doc.last_seen)),
            sha256: doc.current_sha256,
        });
    }
    problems.sort_by(|a, b| b.at.cmp(&a.at).then(a.url.cmp(&b.url)));
    problems.truncate(usize::try_from(MAX_PROBLEMS).unwrap_or(50));

    let mut known_gaps: Vec<KnownGap> = cat
        .map(|c| c.gaps)
        .unwrap_or_default()
        .iter()
        .map(|(ja, en)| KnownGap {
            ja: (*ja).to_owned(),
            en: (*en).to_owned(),
        })
        .collect();
    known_gaps.push(KnownGap {
        ja: ALL_SOURCES_GAP.0.to_owned(),
        en: ALL_SOURCES_GAP.1.to_owned(),
    });
    Ok(SourceHealth {
        source: name.to_owned(),
        description_ja: cat.map(|c| c.ja).unwrap_or(name).to_owned(),
        description_en: cat.map(|c| c.en).unwrap_or(name).to_owned(),
        hosts: adapter
            .as_ref()
            .map(|a| a.hosts().iter().map(|h| (*h).to_owned()).collect())
            .unwrap_or_default(),
        start_urls: adapter
            .as_ref()
            .map(|a| {
                a.start_requests(&StartContext::now())
                    .iter()
                    .map(|r| r.url.to_string())
                    .collect()
            })
            .unwrap_or_default(),
        status: status.to_owned(),
        last_success: success.and_then(|r| r.finished_at).map(utc),
        last_attempt: runs.first().map(|r| utc(r.started_at)),
        last_attempt_failed: last_finished.is_some_and(|r| !r.complete),
        last_note: last_finished
            .and_then(|r| r.note.clone())
            .filter(|n| !n.is_empty()),
        documents_live: count(documents_live),
        documents_removed: count(documents_removed),
        facts_live: count(facts_live),
        facts_retracted: count(facts_retracted),
        problems,
        known_gaps,
    })
}

/// Every source the crawler knows, in the order of the command line's list.
pub fn report(conn: &mut DbConnection) -> Result<SourcesReport, StoreError> {
    let mut sources = Vec::new();
    for adapter in mieru_crawler::adapters::all() {
        sources.push(source_health(conn, adapter.name())?);
    }
    Ok(SourcesReport {
        sources,
        checked_at: store::now().and_utc(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_adapter_is_described_with_its_gaps() {
        for adapter in mieru_crawler::adapters::all() {
            let cat = CATALOGUE.iter().find(|c| c.name == adapter.name());
            let cat = cat.unwrap_or_else(|| panic!("{} has no catalogue entry", adapter.name()));
            assert!(!cat.ja.is_empty() && !cat.en.is_empty());
            assert!(!cat.gaps.is_empty(), "{}: say what is not read", cat.name);
        }
    }
}
