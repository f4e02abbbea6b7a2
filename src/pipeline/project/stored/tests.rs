use super::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mieru_web::model::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, d).unwrap()
}

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, h, 30, 15).unwrap()
}

fn source(n: u32) -> SourceRef {
    SourceRef {
        source: "mhlw-press".into(),
        url: format!("https://www.mhlw.go.jp/stf/houdou/{n}.html"),
        sha256: format!("{n:064x}"),
        fetched_at: at(n % 24),
    }
}

fn entity(id: &str, kind: &str) -> EntityRef {
    EntityRef {
        id: id.into(),
        entity: kind.into(),
        name: format!("{id} の名前"),
        role: Some("operator".into()),
    }
}

fn dated(value: &str) -> DatedValue {
    DatedValue {
        value: value.into(),
        since: Some(day(1)),
        until: Some(day(20)),
        first_seen: at(1),
        last_seen: at(2),
        current: true,
        sources: vec![source(1), source(2)],
    }
}

fn event() -> Event {
    Event {
        date: Some(day(3)),
        kind: "renamed".into(),
        summary_ja: "名称を変更".into(),
        summary_en: "Renamed".into(),
        subject: Some(entity("O000001", "organization")),
        sources: vec![source(3)],
    }
}

fn link() -> Link {
    Link {
        other: entity("F000002", "facility"),
        kind: "possible_successor".into(),
        confidence: 0.85,
        origin: "score".into(),
        evidence: vec![Evidence {
            kind: "address".into(),
            detail: "東京都千代田区霞が関1-2-2".into(),
            sources: vec![source(4)],
        }],
    }
}

fn action_summary() -> ActionSummary {
    ActionSummary {
        id: "A000001".into(),
        action_type: "emergency_order".into(),
        issued_on: Some(day(4)),
        authority: Some("厚生労働大臣".into()),
        articles: vec!["第22条".into(), "第24条".into()],
        headline: Some("再生医療等の提供の一時停止".into()),
        targets: vec![entity("F000001", "facility")],
        status: "lifted".into(),
        status_evidence: Some(StatusEvidence {
            reason_ja: "解除".into(),
            reason_en: "Lifted".into(),
            sources: vec![source(5)],
            last_checked: Some(at(3)),
            removed_at: Some(at(4)),
            decided_by: Some(entity("A000002", "action")),
            period_until: Some(day(30)),
        }),
    }
}

fn plan_summary() -> PlanSummary {
    PlanSummary {
        number: "PA3150001".into(),
        title: Some("自己脂肪由来幹細胞".into()),
        risk_class: Some("2".into()),
        purpose: Some("treatment".into()),
        status: Some("active".into()),
        submitted_on: Some(day(2)),
    }
}

fn citation() -> Citation {
    Citation {
        data_version: 7,
        data_version_created_at: at(5),
        as_of: Some(day(10)),
        permalink: "/facilities/F000001?version=7".into(),
        api_permalink: "/api/v1/facilities/F000001?version=7".into(),
        latest: false,
    }
}

fn facility() -> FacilityDetail {
    FacilityDetail {
        id: "F000001".into(),
        kind: "facility".into(),
        name: "みえるクリニック".into(),
        names: vec![dated("みえるクリニック"), dated("旧みえる医院")],
        addresses: vec![dated("東京都千代田区霞が関1-2-2")],
        prefecture: Some("東京都".into()),
        facility_numbers: vec!["FA3150001".into()],
        status: "open".into(),
        operators: vec![entity("O000001", "organization")],
        managers: vec![dated("山田太郎")],
        plans: vec![plan_summary()],
        actions: vec![action_summary()],
        events: vec![event(), event()],
        links: vec![link()],
        sources: vec![source(6), source(7)],
        citation: Some(citation()),
    }
}

fn organization() -> OrganizationDetail {
    OrganizationDetail {
        id: "O000001".into(),
        corporate_number: Some("1234567890123".into()),
        name: "医療法人社団みえる会".into(),
        names: vec![dated("医療法人社団みえる会")],
        addresses: vec![dated("東京都千代田区霞が関1-2-2")],
        status: "active".into(),
        facilities: vec![entity("F000001", "facility")],
        actions: vec![action_summary()],
        events: vec![event()],
        links: vec![link()],
        sources: vec![source(8)],
        citation: Some(citation()),
    }
}

fn action() -> ActionDetail {
    ActionDetail {
        summary: action_summary(),
        findings: vec!["無届けで提供".into()],
        measures: vec!["提供の停止".into()],
        plans: vec![entity("PA3150001", "plan")],
        sources: vec![source(9)],
    }
}

fn plan() -> PlanDetail {
    PlanDetail {
        summary: plan_summary(),
        provider: Some(entity("F000001", "facility")),
        committee: Some(entity("C000001", "committee")),
        cpcs: vec![entity("F000003", "cpc")],
        actions: vec![action_summary()],
        events: vec![event()],
        sources: vec![source(10)],
    }
}

#[test]
fn round_trips_are_the_identity() {
    let f = facility();
    assert_eq!(decode_facility(&encode_facility(&f)), Ok(f));
    let o = organization();
    assert_eq!(decode_organization(&encode_organization(&o)), Ok(o));
    let a = action();
    assert_eq!(decode_action(&encode_action(&a)), Ok(a));
    let p = plan();
    assert_eq!(decode_plan(&encode_plan(&p)), Ok(p));
}

#[test]
fn records_are_written_in_the_envelope() {
    let json: serde_json::Value = serde_json::from_str(&encode_plan(&plan())).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["record"]["summary"]["number"], "PA3150001");
    assert_eq!(json.as_object().map(|o| o.len()), Some(2));
}

#[test]
fn another_format_is_refused() {
    let json = encode_action(&action()).replacen(r#""format":1"#, r#""format":2"#, 1);
    assert_eq!(
        decode_action(&json),
        Err(StoredRecordError::UnknownFormat(2))
    );
    // Also when the record does not parse as this format's.
    let other = r#"{"format":3,"record":{"renamed":true}}"#;
    assert_eq!(
        decode_action(other),
        Err(StoredRecordError::UnknownFormat(3))
    );
    let message = decode_action(other).unwrap_err().to_string();
    assert!(message.contains("mieru resolve"), "{message}");
}

#[test]
fn a_record_without_the_envelope_is_refused() {
    // What builds before the stored format wrote: the public model's JSON.
    let legacy = serde_json::to_string(&facility()).unwrap();
    assert_eq!(
        decode_facility(&legacy),
        Err(StoredRecordError::Unversioned)
    );
    let legacy = serde_json::to_string(&action()).unwrap();
    assert_eq!(decode_action(&legacy), Err(StoredRecordError::Unversioned));
}

#[test]
fn malformed_records_are_refused() {
    for bad in ["", "{}x", "[1]", r#"{"format":1}"#, r#"{"format":"1"}"#] {
        assert!(
            matches!(decode_plan(bad), Err(StoredRecordError::Malformed(_))),
            "{bad}"
        );
    }
    // A record of another kind, or with a field this format does not have.
    let plan_json = encode_plan(&plan());
    assert!(matches!(
        decode_action(&plan_json),
        Err(StoredRecordError::Malformed(_))
    ));
    let extra = plan_json.replacen(r#""format":1,"#, r#""format":1,"note":"x","#, 1);
    assert!(matches!(
        decode_plan(&extra),
        Err(StoredRecordError::Malformed(_))
    ));
}

/// The stored JSON is pinned: a change to the public model must not change stored data
/// unnoticed. Together these name every field of every stored struct.
#[test]
fn the_stored_json_is_pinned() {
    let action = ActionDetail {
        summary: ActionSummary {
            id: "A1".into(),
            action_type: "emergency_order".into(),
            issued_on: Some(day(1)),
            authority: None,
            articles: Vec::new(),
            headline: None,
            targets: Vec::new(),
            status: "in_force".into(),
            status_evidence: None,
        },
        findings: Vec::new(),
        measures: Vec::new(),
        plans: Vec::new(),
        sources: Vec::new(),
    };
    assert_eq!(
        encode_action(&action),
        concat!(
            r#"{"format":1,"record":{"summary":{"id":"A1","action_type":"emergency_order","#,
            r#""issued_on":"2024-05-01","authority":null,"articles":[],"headline":null,"#,
            r#""targets":[],"status":"in_force","status_evidence":null},"findings":[],"#,
            r#""measures":[],"plans":[],"sources":[]}}"#
        )
    );
    let plan = PlanDetail {
        summary: PlanSummary {
            number: "P1".into(),
            title: None,
            risk_class: None,
            purpose: None,
            status: None,
            submitted_on: None,
        },
        provider: None,
        committee: None,
        cpcs: Vec::new(),
        actions: Vec::new(),
        events: Vec::new(),
        sources: Vec::new(),
    };
    assert_eq!(
        encode_plan(&plan),
        concat!(
            r#"{"format":1,"record":{"summary":{"number":"P1","title":null,"risk_class":null,"#,
            r#""purpose":null,"status":null,"submitted_on":null},"provider":null,"#,
            r#""committee":null,"cpcs":[],"actions":[],"events":[],"sources":[]}}"#
        )
    );
    let organization = OrganizationDetail {
        id: "O1".into(),
        corporate_number: None,
        name: "会".into(),
        names: Vec::new(),
        addresses: Vec::new(),
        status: "active".into(),
        facilities: Vec::new(),
        actions: Vec::new(),
        events: Vec::new(),
        links: Vec::new(),
        sources: Vec::new(),
        citation: None,
    };
    assert_eq!(
        encode_organization(&organization),
        concat!(
            r#"{"format":1,"record":{"id":"O1","corporate_number":null,"name":"会","#,
            r#""names":[],"addresses":[],"status":"active","facilities":[],"actions":[],"#,
            r#""events":[],"links":[],"sources":[],"citation":null}}"#
        )
    );
}

/// A facility with one of every nested part, pinned whole.
#[test]
fn the_stored_json_of_every_part_is_pinned() {
    let src = SourceRef {
        source: "s".into(),
        url: "u".into(),
        sha256: "h".into(),
        fetched_at: at(0),
    };
    let r = EntityRef {
        id: "O1".into(),
        entity: "organization".into(),
        name: "n".into(),
        role: None,
    };
    let facility = FacilityDetail {
        id: "F1".into(),
        kind: "cpc".into(),
        name: "n".into(),
        names: vec![DatedValue {
            value: "n".into(),
            since: None,
            until: None,
            first_seen: at(0),
            last_seen: at(0),
            current: true,
            sources: vec![src.clone()],
        }],
        addresses: Vec::new(),
        prefecture: None,
        facility_numbers: vec!["FA1".into()],
        status: "open".into(),
        operators: vec![r.clone()],
        managers: Vec::new(),
        plans: Vec::new(),
        actions: vec![ActionSummary {
            id: "A1".into(),
            action_type: "other".into(),
            issued_on: None,
            authority: None,
            articles: Vec::new(),
            headline: None,
            targets: Vec::new(),
            status: "unknown".into(),
            status_evidence: Some(StatusEvidence {
                reason_ja: "j".into(),
                reason_en: "e".into(),
                sources: Vec::new(),
                last_checked: None,
                removed_at: None,
                decided_by: None,
                period_until: None,
            }),
        }],
        events: vec![Event {
            date: None,
            kind: "k".into(),
            summary_ja: "j".into(),
            summary_en: "e".into(),
            subject: None,
            sources: Vec::new(),
        }],
        links: vec![Link {
            other: r,
            kind: "same".into(),
            confidence: 0.5,
            origin: "rule".into(),
            evidence: vec![Evidence {
                kind: "name".into(),
                detail: "d".into(),
                sources: Vec::new(),
            }],
        }],
        sources: Vec::new(),
        citation: Some(Citation {
            data_version: 1,
            data_version_created_at: at(0),
            as_of: None,
            permalink: "p".into(),
            api_permalink: "a".into(),
            latest: true,
        }),
    };
    assert_eq!(
        encode_facility(&facility),
        concat!(
            r#"{"format":1,"record":{"id":"F1","kind":"cpc","name":"n","names":[{"value":"n","#,
            r#""since":null,"until":null,"first_seen":"2024-06-01T00:30:15Z","#,
            r#""last_seen":"2024-06-01T00:30:15Z","current":true,"sources":[{"source":"s","#,
            r#""url":"u","sha256":"h","fetched_at":"2024-06-01T00:30:15Z"}]}],"addresses":[],"#,
            r#""prefecture":null,"facility_numbers":["FA1"],"status":"open","operators":[{"#,
            r#""id":"O1","entity":"organization","name":"n","role":null}],"managers":[],"#,
            r#""plans":[],"actions":[{"id":"A1","action_type":"other","issued_on":null,"#,
            r#""authority":null,"articles":[],"headline":null,"targets":[],"status":"unknown","#,
            r#""status_evidence":{"reason_ja":"j","reason_en":"e","sources":[],"#,
            r#""last_checked":null,"removed_at":null,"decided_by":null,"period_until":null}}],"#,
            r#""events":[{"date":null,"kind":"k","summary_ja":"j","summary_en":"e","#,
            r#""subject":null,"sources":[]}],"links":[{"other":{"id":"O1","#,
            r#""entity":"organization","name":"n","role":null},"kind":"same","confidence":0.5,"#,
            r#""origin":"rule","evidence":[{"kind":"name","detail":"d","sources":[]}]}],"#,
            r#""sources":[],"citation":{"data_version":1,"#,
            r#""data_version_created_at":"2024-06-01T00:30:15Z","as_of":null,"permalink":"p","#,
            r#""api_permalink":"a","latest":true}}}"#
        )
    );
}
