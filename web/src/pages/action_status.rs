//! How an action's status and its evidence are shown: the reason, the deciding documents and
//! 「…時点で掲載を確認」 (or that the document was taken down). Used by action cards (facility,
//! organization and action pages) and by the timeline's action entries.

use super::view::{self, EventView, RefView, SourceView};
use crate::i18n::{label, Lang};
use crate::model::{ActionSummary, StatusEvidence};
use crate::urls;

pub struct StatusView {
    pub reason: String,
    /// 「2026-11-20 時点で公表元への掲載を確認」 or the removal; empty when never checked.
    pub checked: String,
    pub decided_by: Option<RefView>,
    pub sources: Vec<SourceView>,
}

/// The freshness sentence for a status.
pub fn checked_line(lang: Lang, ev: &StatusEvidence) -> String {
    match (ev.removed_at, ev.last_checked, lang) {
        (Some(at), _, Lang::Ja) => format!(
            "{} に公表元から削除されました（保存版は引き続き閲覧できます）",
            at.date_naive()
        ),
        (Some(at), _, Lang::En) => format!(
            "Taken down by the publisher on {} (the archived copy stays readable)",
            at.date_naive()
        ),
        (None, Some(at), Lang::Ja) => format!("{} 時点で公表元への掲載を確認", at.date_naive()),
        (None, Some(at), Lang::En) => {
            format!("Still listed at the source on {}", at.date_naive())
        }
        (None, None, _) => String::new(),
    }
}

pub fn status_view(lang: Lang, ev: &StatusEvidence) -> StatusView {
    StatusView {
        reason: match lang {
            Lang::Ja => ev.reason_ja.clone(),
            Lang::En => ev.reason_en.clone(),
        },
        checked: checked_line(lang, ev),
        decided_by: ev.decided_by.as_ref().map(|e| view::entity(lang, e)),
        sources: view::sources(&ev.sources),
    }
}

/// Adds each action's status (and how fresh it is) to its `action_issued` timeline entry.
pub fn annotate_events(lang: Lang, events: &mut [EventView], actions: &[ActionSummary]) {
    for e in events.iter_mut().filter(|e| e.kind_code == "action_issued") {
        let Some(href) = e.subject.as_ref().and_then(|s| s.href.as_deref()) else {
            continue;
        };
        let Some(a) = actions
            .iter()
            .find(|a| href == format!("/actions/{}", urls::encode(&a.id)))
        else {
            continue;
        };
        let status = label(lang, &a.status);
        let checked = a
            .status_evidence
            .as_ref()
            .map(|ev| checked_line(lang, ev))
            .filter(|c| !c.is_empty());
        let note = match (lang, checked) {
            (Lang::Ja, Some(c)) => format!(" — 状況：{status}（{c}）"),
            (Lang::Ja, None) => format!(" — 状況：{status}"),
            (Lang::En, Some(c)) => format!(" — status: {status} ({c})"),
            (Lang::En, None) => format!(" — status: {status}"),
        };
        e.summary.push_str(&note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn ev(removed: bool) -> StatusEvidence {
        StatusEvidence {
            reason_ja: "理由".into(),
            reason_en: "reason".into(),
            sources: vec![],
            last_checked: (!removed).then(|| Utc.with_ymd_and_hms(2026, 11, 20, 3, 0, 0).unwrap()),
            removed_at: removed.then(|| Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()),
            decided_by: None,
            period_until: None,
        }
    }

    #[test]
    fn freshness_is_stated_in_both_languages() {
        assert_eq!(
            checked_line(Lang::Ja, &ev(false)),
            "2026-11-20 時点で公表元への掲載を確認"
        );
        assert_eq!(
            checked_line(Lang::En, &ev(false)),
            "Still listed at the source on 2026-11-20"
        );
        assert!(checked_line(Lang::Ja, &ev(true)).contains("2026-06-01 に公表元から削除"));
    }
}
