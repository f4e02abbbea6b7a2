//! The stored structs of format 1, one per part of a record (see the module doc).

use super::{mirror, Mirror};
use chrono::{DateTime, NaiveDate, Utc};
use mieru_web::model as web;
use serde::{Deserialize, Serialize};

mirror! {
    /// An archived source document.
    StoredSource <=> web::SourceRef {
        source: String,
        url: String,
        sha256: String,
        fetched_at: DateTime<Utc>,
    }
}

mirror! {
    /// A value over time.
    StoredDated <=> web::DatedValue {
        value: String,
        since: Option<NaiveDate>,
        until: Option<NaiveDate>,
        first_seen: DateTime<Utc>,
        last_seen: DateTime<Utc>,
        current: bool,
        sources: Vec<StoredSource>,
    }
}

mirror! {
    /// A reference to another entity.
    StoredRef <=> web::EntityRef {
        id: String,
        entity: String,
        name: String,
        role: Option<String>,
    }
}

mirror! {
    /// One line of a history.
    StoredEvent <=> web::Event {
        date: Option<NaiveDate>,
        kind: String,
        summary_ja: String,
        summary_en: String,
        subject: Option<StoredRef>,
        sources: Vec<StoredSource>,
    }
}

mirror! {
    StoredEvidence <=> web::Evidence {
        kind: String,
        detail: String,
        sources: Vec<StoredSource>,
    }
}

mirror! {
    StoredLink <=> web::Link {
        other: StoredRef,
        kind: String,
        confidence: f64,
        origin: String,
        evidence: Vec<StoredEvidence>,
    }
}

mirror! {
    /// Why an action has its status.
    StoredStatus <=> web::StatusEvidence {
        reason_ja: String,
        reason_en: String,
        sources: Vec<StoredSource>,
        last_checked: Option<DateTime<Utc>>,
        removed_at: Option<DateTime<Utc>>,
        decided_by: Option<StoredRef>,
        period_until: Option<NaiveDate>,
    }
}

mirror! {
    StoredActionSummary <=> web::ActionSummary {
        id: String,
        action_type: String,
        issued_on: Option<NaiveDate>,
        authority: Option<String>,
        articles: Vec<String>,
        headline: Option<String>,
        targets: Vec<StoredRef>,
        status: String,
        status_evidence: Option<StoredStatus>,
    }
}

mirror! {
    StoredPlanSummary <=> web::PlanSummary {
        number: String,
        title: Option<String>,
        risk_class: Option<String>,
        purpose: Option<String>,
        status: Option<String>,
        submitted_on: Option<NaiveDate>,
    }
}

mirror! {
    StoredCitation <=> web::Citation {
        data_version: i64,
        data_version_created_at: DateTime<Utc>,
        as_of: Option<NaiveDate>,
        permalink: String,
        api_permalink: String,
        latest: bool,
    }
}

mirror! {
    /// A facility or CPC record (`entity_views`, kind `facility` or `cpc`).
    StoredFacility <=> web::FacilityDetail {
        id: String,
        kind: String,
        name: String,
        names: Vec<StoredDated>,
        addresses: Vec<StoredDated>,
        prefecture: Option<String>,
        facility_numbers: Vec<String>,
        status: String,
        operators: Vec<StoredRef>,
        managers: Vec<StoredDated>,
        plans: Vec<StoredPlanSummary>,
        actions: Vec<StoredActionSummary>,
        events: Vec<StoredEvent>,
        links: Vec<StoredLink>,
        sources: Vec<StoredSource>,
        citation: Option<StoredCitation>,
    }
}

mirror! {
    /// An organization record (`entity_views`, kind `organization`).
    StoredOrganization <=> web::OrganizationDetail {
        id: String,
        corporate_number: Option<String>,
        name: String,
        names: Vec<StoredDated>,
        addresses: Vec<StoredDated>,
        status: String,
        facilities: Vec<StoredRef>,
        actions: Vec<StoredActionSummary>,
        events: Vec<StoredEvent>,
        links: Vec<StoredLink>,
        sources: Vec<StoredSource>,
        citation: Option<StoredCitation>,
    }
}

mirror! {
    /// An action record (`actions`); the summary is nested, not flattened.
    StoredAction <=> web::ActionDetail {
        summary: StoredActionSummary,
        findings: Vec<String>,
        measures: Vec<String>,
        plans: Vec<StoredRef>,
        sources: Vec<StoredSource>,
    }
}

mirror! {
    /// A plan record (`plans`); the summary is nested, not flattened.
    StoredPlan <=> web::PlanDetail {
        summary: StoredPlanSummary,
        provider: Option<StoredRef>,
        committee: Option<StoredRef>,
        cpcs: Vec<StoredRef>,
        actions: Vec<StoredActionSummary>,
        events: Vec<StoredEvent>,
        sources: Vec<StoredSource>,
    }
}
