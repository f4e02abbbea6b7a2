//! View models: API types turned into display strings in the page's language, with links
//! checked (entity paths encoded, only http(s) source URLs clickable).

use chrono::{DateTime, NaiveDate, Utc};

use crate::i18n::{self, label, Lang};
use crate::input::validate_sha256;
use crate::model::*;
use crate::urls;

/// `2025-03-05（令和7年3月5日）`, or `—` when unknown. The era form is `mieru-text`'s.
pub fn date(d: Option<NaiveDate>) -> String {
    match d {
        Some(d) => format!("{d}（{}）", mieru_text::era_form(d)),
        None => "—".to_owned(),
    }
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub struct SourceView {
    pub source: String,
    pub url: String,
    pub href: Option<String>,
    pub archive: Option<String>,
    pub sha256: String,
    pub fetched: String,
    /// The credit line a publisher requires wherever its data is shown.
    pub attribution: Option<&'static str>,
}

/// The credit line a source's publisher requires (the corporate-number site's terms ask for
/// this exact wording, in Japanese, on every page that shows its data).
pub fn attribution(source: &str) -> Option<&'static str> {
    match source {
        "houjin-bangou" => Some("出典：国税庁法人番号公表サイト（国税庁）"),
        _ => None,
    }
}

/// One line per distinct document: several facts of one event often cite the same snapshot,
/// and repeating it only buries the other sources.
pub fn sources(list: &[SourceRef]) -> Vec<SourceView> {
    let mut seen = std::collections::HashSet::new();
    list.iter()
        .filter(|s| seen.insert((s.sha256.as_str(), s.url.as_str())))
        .map(|s| SourceView {
            source: s.source.clone(),
            url: s.url.clone(),
            href: urls::safe_external(&s.url).map(str::to_owned),
            archive: validate_sha256(&s.sha256)
                .ok()
                .map(|sha| format!("/api/v1/documents/{sha}")),
            sha256: s.sha256.clone(),
            fetched: timestamp(s.fetched_at),
            attribution: attribution(&s.source),
        })
        .collect()
}

pub struct RefView {
    pub name: String,
    pub href: Option<String>,
    pub kind: String,
    pub role: Option<String>,
}

pub fn entity(lang: Lang, e: &EntityRef) -> RefView {
    RefView {
        name: e.name.clone(),
        href: urls::entity_path(&e.entity, &e.id),
        kind: label(lang, &e.entity),
        role: e.role.as_deref().map(|r| label(lang, r)),
    }
}

pub fn entities(lang: Lang, list: &[EntityRef]) -> Vec<RefView> {
    list.iter().map(|e| entity(lang, e)).collect()
}

pub struct ValueView {
    pub value: String,
    pub period: String,
    pub seen: String,
    pub current: bool,
    pub sources: Vec<SourceView>,
}

pub fn values(list: &[DatedValue]) -> Vec<ValueView> {
    list.iter()
        .map(|v| ValueView {
            value: v.value.clone(),
            period: match (v.since, v.until) {
                (None, None) => "—".to_owned(),
                (s, u) => format!(
                    "{} 〜 {}",
                    s.map(|d| d.to_string()).unwrap_or_default(),
                    u.map(|d| d.to_string()).unwrap_or_default()
                ),
            },
            seen: format!(
                "{} 〜 {}",
                v.first_seen.date_naive(),
                v.last_seen.date_naive()
            ),
            current: v.current,
            sources: sources(&v.sources),
        })
        .collect()
}

pub struct ActionView {
    pub id: String,
    pub href: String,
    pub type_code: String,
    pub type_label: String,
    pub date: String,
    pub authority: String,
    pub articles: String,
    pub headline: String,
    pub status: String,
    /// For styling: `in_force`, `lifted` …
    pub status_code: String,
    pub status_evidence: Option<super::action_status::StatusView>,
    pub targets: Vec<RefView>,
    pub findings: Vec<String>,
    pub measures: Vec<String>,
    pub plans: Vec<RefView>,
    pub sources: Vec<SourceView>,
}

pub fn action_summary(lang: Lang, a: &ActionSummary) -> ActionView {
    ActionView {
        id: a.id.clone(),
        href: format!("/actions/{}", urls::encode(&a.id)),
        type_code: css_token(&a.action_type),
        type_label: label(lang, &a.action_type),
        date: date(a.issued_on),
        authority: a.authority.clone().unwrap_or_else(|| "—".to_owned()),
        articles: if a.articles.is_empty() {
            "—".to_owned()
        } else {
            a.articles.join("、")
        },
        headline: a.headline.clone().unwrap_or_default(),
        status: label(lang, &a.status),
        status_code: css_token(&a.status),
        status_evidence: a
            .status_evidence
            .as_ref()
            .map(|ev| super::action_status::status_view(lang, ev)),
        targets: entities(lang, &a.targets),
        findings: Vec::new(),
        measures: Vec::new(),
        plans: Vec::new(),
        sources: Vec::new(),
    }
}

pub fn action_detail(lang: Lang, a: &ActionDetail) -> ActionView {
    ActionView {
        findings: a.findings.clone(),
        measures: a.measures.clone(),
        plans: entities(lang, &a.plans),
        sources: sources(&a.sources),
        ..action_summary(lang, &a.summary)
    }
}

pub struct EventView {
    pub date: String,
    /// The machine code, for styling (`ev-action_issued` stands out).
    pub kind_code: String,
    pub kind: String,
    pub summary: String,
    pub subject: Option<RefView>,
    pub sources: Vec<SourceView>,
}

/// Events oldest first (undated ones last), whatever order the registry sent.
pub fn events(lang: Lang, list: &[Event]) -> Vec<EventView> {
    let mut sorted: Vec<&Event> = list.iter().collect();
    sorted.sort_by_key(|e| (e.date.is_none(), e.date));
    sorted
        .into_iter()
        .map(|e| EventView {
            date: date(e.date),
            kind_code: css_token(&e.kind),
            kind: label(lang, &e.kind),
            summary: match lang {
                Lang::Ja => e.summary_ja.clone(),
                Lang::En => e.summary_en.clone(),
            },
            subject: e.subject.as_ref().map(|s| entity(lang, s)),
            sources: sources(&e.sources),
        })
        .collect()
}

/// A code reduced to `[a-z0-9_-]`, safe as part of a class name whatever the registry sent.
pub fn css_token(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub struct EvidenceView {
    pub kind: String,
    pub detail: String,
    pub sources: Vec<SourceView>,
}

pub struct LinkView {
    pub other: RefView,
    pub kind: String,
    pub confidence: String,
    pub origin: String,
    pub evidence: Vec<EvidenceView>,
}

/// Splits links into established ones and "possible" ones, which pages show apart and
/// never as the same entity.
pub fn links(lang: Lang, list: &[Link]) -> (Vec<LinkView>, Vec<LinkView>) {
    let mut confirmed = Vec::new();
    let mut possible = Vec::new();
    for l in list {
        let v = LinkView {
            other: entity(lang, &l.other),
            kind: label(lang, &l.kind),
            confidence: i18n::confidence(lang, l.confidence),
            origin: label(lang, &l.origin),
            evidence: l
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    kind: label(lang, &e.kind),
                    detail: e.detail.clone(),
                    sources: sources(&e.sources),
                })
                .collect(),
        };
        // Anything not explicitly established counts as possible: safer to under-claim.
        let established = matches!(
            l.kind.as_str(),
            "same" | "renamed" | "successor" | "predecessor"
        );
        if established {
            confirmed.push(v);
        } else {
            possible.push(v);
        }
    }
    (confirmed, possible)
}

pub struct PlanView {
    pub number: String,
    pub href: String,
    pub title: String,
    pub class: String,
    pub purpose: String,
    pub status: String,
    pub submitted: String,
}

pub fn plan(lang: Lang, p: &PlanSummary) -> PlanView {
    let opt = |v: &Option<String>| {
        v.as_deref()
            .map(|s| label(lang, s))
            .unwrap_or_else(|| "—".to_owned())
    };
    PlanView {
        number: p.number.clone(),
        href: format!("/plans/{}", urls::encode(&p.number)),
        title: p.title.clone().unwrap_or_else(|| "—".to_owned()),
        class: opt(&p.risk_class),
        purpose: opt(&p.purpose),
        status: opt(&p.status),
        submitted: date(p.submitted_on),
    }
}

/// How to cite the record on screen: its permalink and data version.
pub struct CitationView {
    /// Absolute, to copy into a citation.
    pub permalink: String,
    /// The same as a site-relative link (works behind any host name).
    pub href: String,
    pub version: i64,
    pub version_date: String,
    /// False when the page reconstructs an older data version (a banner says so).
    pub latest: bool,
}

pub fn citation(absolute: impl Fn(&str) -> String, c: Option<&Citation>) -> Option<CitationView> {
    c.map(|c| CitationView {
        permalink: absolute(&c.permalink),
        href: c.permalink.clone(),
        version: c.data_version,
        version_date: timestamp(c.data_version_created_at),
        latest: c.latest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_both_calendars() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 3, 5)),
            "2025-03-05（令和7年3月5日）"
        );
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2019, 5, 1)),
            "2019-05-01（令和元年5月1日）"
        );
        assert_eq!(date(None), "—");
    }

    #[test]
    fn corporate_number_data_carries_its_attribution() {
        let s = |source: &str| SourceRef {
            source: source.into(),
            url: format!("https://example.jp/{source}"),
            sha256: "a".repeat(64),
            fetched_at: DateTime::from_timestamp(0, 0).unwrap(),
        };
        let views = sources(&[s("houjin-bangou"), s("mhlw-press")]);
        assert_eq!(
            views[0].attribution,
            Some("出典：国税庁法人番号公表サイト（国税庁）")
        );
        assert_eq!(views[1].attribution, None);
    }

    #[test]
    fn unsafe_source_urls_are_not_links() {
        let s = SourceRef {
            source: "mhlw-press".into(),
            url: "javascript:alert(1)".into(),
            sha256: "../../etc/passwd".into(),
            fetched_at: DateTime::<Utc>::from_timestamp(0, 0).unwrap(),
        };
        let v = sources(&[s]);
        assert!(v[0].href.is_none());
        assert!(v[0].archive.is_none());
    }

    #[test]
    fn repeated_sources_are_listed_once() {
        let s = SourceRef {
            source: "e-saisei".into(),
            url: "https://saiseiiryo.mhlw.go.jp/published_plan/index/2".into(),
            sha256: "a".repeat(64),
            fetched_at: DateTime::<Utc>::from_timestamp(0, 0).unwrap(),
        };
        let mut other = s.clone();
        other.sha256 = "b".repeat(64);
        let v = sources(&[s.clone(), other, s]);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].sha256, "a".repeat(64));
        assert_eq!(v[1].sha256, "b".repeat(64));
    }

    #[test]
    fn css_tokens_drop_anything_odd() {
        assert_eq!(css_token("action_issued"), "action_issued");
        assert_eq!(css_token("x\" onclick=\"y"), "xonclicky");
    }

    #[test]
    fn unknown_link_kinds_count_as_possible() {
        let l = Link {
            other: EntityRef {
                id: "F2".into(),
                entity: "facility".into(),
                name: "x".into(),
                role: None,
            },
            kind: "possible_successor".into(),
            confidence: 0.7,
            origin: "score".into(),
            evidence: vec![],
        };
        let mut odd = l.clone();
        odd.kind = "weird".into();
        let mut same = l.clone();
        same.kind = "same".into();
        let (c, p) = links(Lang::Ja, &[l, odd, same]);
        assert_eq!((c.len(), p.len()), (1, 2));
    }
}
