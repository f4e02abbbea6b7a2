//! The fictional records the fake registry serves. Every clinic, corporation and person here
//! is invented.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mieru_web::model::*;
use sha2::{Digest, Sha256};

pub const MARKUP_NAME: &str = "<script>alert(1)</script>細胞加工センター";
pub const HTML_DOC: &[u8] = b"<html><body><script>alert(1)</script>archived</body></html>";
pub const PDF_DOC: &[u8] = b"%PDF-1.4\n% fictional order\n%%EOF\n";

pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn t(y: i32, m: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, 3, 0, 0).unwrap()
}

pub(super) fn src(url: &str, bytes: &[u8]) -> SourceRef {
    SourceRef {
        source: "mhlw-press".into(),
        url: url.into(),
        sha256: sha(bytes),
        fetched_at: t(2025, 3, 6),
    }
}

pub(super) fn eref(id: &str, entity: &str, name: &str, role: Option<&str>) -> EntityRef {
    EntityRef {
        id: id.into(),
        entity: entity.into(),
        name: name.into(),
        role: role.map(Into::into),
    }
}

pub(super) fn value(
    v: &str,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    current: bool,
) -> DatedValue {
    DatedValue {
        value: v.into(),
        since,
        until,
        first_seen: t(2024, 1, 10),
        last_seen: t(2025, 3, 6),
        current,
        sources: vec![src(
            "https://www.mhlw.go.jp/stf/newpage_99901.html",
            HTML_DOC,
        )],
    }
}

pub fn action_a1() -> ActionDetail {
    ActionDetail {
        summary: ActionSummary {
            id: "A001".into(),
            action_type: "emergency_order".into(),
            issued_on: Some(d(2025, 3, 5)),
            authority: Some("架空厚生局".into()),
            articles: vec!["法第22条".into(), "法第47条".into()],
            headline: None,
            targets: vec![eref(
                "F001",
                "facility",
                "みらい再生クリニック",
                Some("target"),
            )],
            status: "in_force".into(),
            status_evidence: Some(StatusEvidence {
                reason_ja: "公表が継続しており、解除・後続の処分は確認されていません".into(),
                reason_en: "Still published; no lifting or later order found".into(),
                sources: vec![src(
                    "https://www.mhlw.go.jp/stf/newpage_99901.html",
                    HTML_DOC,
                )],
                last_checked: Some(t(2025, 3, 6)),
                removed_at: None,
                decided_by: None,
                period_until: None,
            }),
        },
        findings: vec!["提供計画を提出せずに再生医療等を提供（法第4条第1項違反）".into()],
        measures: vec!["再生医療等の提供の一時停止".into()],
        plans: vec![eref("02C1910156", "plan", "架空脂肪由来幹細胞治療", None)],
        sources: vec![src(
            "https://www.mhlw.go.jp/stf/newpage_99901.html",
            HTML_DOC,
        )],
    }
}

pub fn action_a2() -> ActionDetail {
    ActionDetail {
        summary: ActionSummary {
            id: "A002".into(),
            action_type: "improvement_order".into(),
            issued_on: Some(d(2024, 10, 24)),
            authority: Some("厚生労働省".into()),
            articles: vec!["法第48条第2項".into()],
            headline: Some("架空細胞加工センターに対する改善命令 & <b>指導</b>".into()),
            targets: vec![eref("F003", "cpc", MARKUP_NAME, Some("target"))],
            status: "lifted".into(),
            status_evidence: None,
        },
        findings: vec!["製造記録の不備".into()],
        measures: vec!["手順書の改訂".into()],
        plans: vec![],
        sources: vec![src(
            "https://www.mhlw.go.jp/stf/newpage_99902.html",
            PDF_DOC,
        )],
    }
}

pub(super) fn facility_f1() -> FacilityDetail {
    FacilityDetail {
        id: "F001".into(),
        kind: "facility".into(),
        name: "みらい再生クリニック".into(),
        names: vec![
            value(
                "さくら再生クリニック",
                Some(d(2019, 4, 1)),
                Some(d(2025, 3, 10)),
                false,
            ),
            value("みらい再生クリニック", Some(d(2025, 3, 10)), None, true),
        ],
        addresses: vec![value("東京都架空区星見町1-2-3", None, None, true)],
        prefecture: Some("東京都".into()),
        facility_numbers: vec![],
        status: "closed".into(),
        operators: vec![eref(
            "O001",
            "organization",
            "医療法人社団架空会",
            Some("operator"),
        )],
        managers: vec![value("山田 架空太郎", None, None, true)],
        plans: vec![PlanSummary {
            number: "02C1910156".into(),
            title: Some("架空脂肪由来幹細胞治療".into()),
            risk_class: Some("2".into()),
            purpose: Some("treatment".into()),
            status: Some("discontinued".into()),
            submitted_on: Some(d(2019, 10, 1)),
        }],
        actions: vec![action_a1().summary],
        events: vec![
            Event {
                date: Some(d(2025, 3, 10)),
                kind: "renamed".into(),
                summary_ja: "名称を「みらい再生クリニック」に変更".into(),
                summary_en: "Renamed to Mirai Regenerative Clinic".into(),
                subject: None,
                sources: vec![src(
                    "https://www.mhlw.go.jp/stf/newpage_99901.html",
                    HTML_DOC,
                )],
            },
            Event {
                date: Some(d(2019, 10, 1)),
                kind: "plan_submitted".into(),
                summary_ja: "第二種計画を提出".into(),
                summary_en: "Submitted a class II plan".into(),
                subject: None,
                sources: vec![],
            },
        ],
        links: vec![Link {
            other: eref("F002", "facility", "あおば幹細胞クリニック", None),
            kind: "possible_successor".into(),
            confidence: 0.62,
            origin: "score".into(),
            evidence: vec![Evidence {
                kind: "address".into(),
                detail: "東京都架空区星見町1-2-3".into(),
                sources: vec![],
            }],
        }],
        sources: vec![
            src("https://www.mhlw.go.jp/stf/newpage_99901.html", HTML_DOC),
            SourceRef {
                source: "mhlw-press".into(),
                url: "javascript:alert(2)".into(),
                sha256: "not-a-hash".into(),
                fetched_at: t(2025, 3, 6),
            },
        ],
        citation: None,
    }
}

pub(super) fn facility_f2() -> FacilityDetail {
    FacilityDetail {
        id: "F002".into(),
        kind: "facility".into(),
        name: "あおば幹細胞クリニック".into(),
        names: vec![value(
            "あおば幹細胞クリニック",
            Some(d(2025, 4, 1)),
            None,
            true,
        )],
        addresses: vec![value("東京都架空区星見町1-2-3", None, None, true)],
        prefecture: Some("東京都".into()),
        facility_numbers: vec![],
        status: "open".into(),
        operators: vec![],
        managers: vec![],
        plans: vec![],
        actions: vec![],
        events: vec![],
        links: vec![Link {
            other: eref("F001", "facility", "みらい再生クリニック", None),
            kind: "possible_predecessor".into(),
            confidence: 0.62,
            origin: "score".into(),
            evidence: vec![],
        }],
        sources: vec![],
        citation: None,
    }
}

pub(super) fn facility_f3() -> FacilityDetail {
    FacilityDetail {
        id: "F003".into(),
        kind: "cpc".into(),
        name: MARKUP_NAME.into(),
        names: vec![value(MARKUP_NAME, None, None, true)],
        addresses: vec![],
        prefecture: Some("大阪府".into()),
        facility_numbers: vec!["FC5990001".into()],
        status: "open".into(),
        operators: vec![],
        managers: vec![],
        plans: vec![],
        actions: vec![action_a2().summary],
        events: vec![],
        links: vec![],
        sources: vec![],
        citation: None,
    }
}

pub(super) fn organization_o1() -> OrganizationDetail {
    OrganizationDetail {
        id: "O001".into(),
        corporate_number: Some("1234567890123".into()),
        name: "医療法人社団架空会".into(),
        names: vec![value("医療法人社団架空会", None, None, true)],
        addresses: vec![],
        status: "open".into(),
        facilities: vec![eref("F001", "facility", "みらい再生クリニック", None)],
        actions: vec![action_a1().summary],
        events: vec![],
        links: vec![],
        sources: vec![],
        citation: None,
    }
}

/// A fictional open correction report.
pub fn report_r1() -> mieru_web::curation::Correction {
    mieru_web::curation::Correction {
        id: "R-000001".into(),
        kind: mieru_web::curation::CorrectionKind::WrongLink,
        entity: eref("F001", "facility", "みらい再生クリニック", None),
        other: Some(eref("F003", "cpc", MARKUP_NAME, None)),
        fact_id: None,
        message: "別の施設です <b>確認</b>".into(),
        status: "open".into(),
        submitted_at: t(2026, 11, 20),
        decided_at: None,
        decided_by: None,
        decision_reason: None,
        outcome: None,
    }
}
