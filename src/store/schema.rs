//! Diesel table definitions, written by hand to match both migration sets
//! (`migrations/sqlite`, `migrations/postgres`). Only portable SQL types are used.

diesel::table! {
    documents (id) {
        id -> BigInt,
        source -> Text,
        url -> Text,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
        last_changed -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        current_sha256 -> Nullable<Text>,
        etag -> Nullable<Text>,
        last_modified -> Nullable<Text>,
        last_error -> Nullable<Text>,
        last_error_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    snapshots (id) {
        id -> BigInt,
        document_id -> BigInt,
        sha256 -> Text,
        fetched_at -> Timestamp,
        http_status -> Integer,
        content_type -> Nullable<Text>,
        encoding -> Nullable<Text>,
        size -> BigInt,
        parse_error -> Nullable<Text>,
        fact_count -> Integer,
    }
}

diesel::table! {
    facts (id) {
        id -> BigInt,
        fact_key -> Text,
        document_id -> BigInt,
        subject -> Text,
        subject_kind -> Text,
        property -> Text,
        value -> Text,
        observed_on -> Nullable<Date>,
        first_seen -> Timestamp,
        last_seen -> Timestamp,
        last_changed -> Timestamp,
        first_sha256 -> Text,
        last_sha256 -> Text,
        retracted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    entities (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        prefecture -> Nullable<Text>,
        status -> Text,
        merged_into -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    entity_members (subject) {
        subject -> Text,
        entity_id -> Text,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    id_counters (prefix) {
        prefix -> Text,
        next_value -> BigInt,
    }
}

diesel::table! {
    links (id) {
        id -> BigInt,
        from_id -> Text,
        to_id -> Text,
        kind -> Text,
        confidence -> Double,
        origin -> Text,
        evidence -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    judgements (id) {
        id -> BigInt,
        left_subject -> Text,
        right_subject -> Text,
        verdict -> Text,
        author -> Text,
        reason -> Text,
        created_at -> Timestamp,
        correction_id -> Nullable<Text>,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        entity_id -> Text,
        event_date -> Nullable<Date>,
        kind -> Text,
        summary_ja -> Text,
        summary_en -> Text,
        related_id -> Nullable<Text>,
        fact_ids -> Text,
        position -> Integer,
    }
}

diesel::table! {
    actions (id) {
        id -> Text,
        action_type -> Text,
        issued_on -> Nullable<Date>,
        authority -> Nullable<Text>,
        prefecture -> Nullable<Text>,
        status -> Text,
        articles -> Text,
        detail -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plans (plan_number) {
        plan_number -> Text,
        provider_id -> Nullable<Text>,
        title -> Nullable<Text>,
        risk_class -> Nullable<Text>,
        status -> Nullable<Text>,
        detail -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    entity_views (entity_id) {
        entity_id -> Text,
        kind -> Text,
        detail -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    facility_list (entity_id) {
        entity_id -> Text,
        kind -> Text,
        prefecture -> Nullable<Text>,
        has_actions -> Bool,
    }
}

diesel::table! {
    watch_activity (entity_id) {
        entity_id -> Text,
        prefecture -> Nullable<Text>,
        last_activity -> Nullable<Timestamp>,
    }
}

diesel::table! {
    entity_changes (entity_id) {
        entity_id -> Text,
        last_change -> Timestamp,
    }
}

diesel::table! {
    source_fact_counts (source) {
        source -> Text,
        facts_live -> BigInt,
        facts_retracted -> BigInt,
    }
}

diesel::table! {
    crawl_runs (id) {
        id -> BigInt,
        source -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        complete -> Bool,
        documents_seen -> Integer,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    locks (name) {
        name -> Text,
        holder -> Text,
        acquired_at -> Timestamp,
        heartbeat_at -> Timestamp,
    }
}

diesel::table! {
    data_versions (id) {
        id -> BigInt,
        created_at -> Timestamp,
        facts -> Integer,
        entities -> Integer,
        note -> Text,
    }
}

diesel::table! {
    curators (id) {
        id -> BigInt,
        name -> Text,
        role -> Text,
        token_sha256 -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    corrections (id) {
        id -> Text,
        kind -> Text,
        entity_id -> Text,
        other_id -> Nullable<Text>,
        fact_id -> Nullable<BigInt>,
        message -> Text,
        status -> Text,
        submitted_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    annotations (id) {
        id -> BigInt,
        entity_id -> Text,
        fact_id -> Nullable<BigInt>,
        kind -> Text,
        text -> Text,
        author -> Text,
        reason -> Text,
        correction_id -> Nullable<Text>,
        created_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdraw_reason -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        requested_by -> Text,
        cause -> Text,
        target -> Text,
        status -> Text,
        progress -> Text,
        step -> Integer,
        steps -> Integer,
        worker -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        data_version -> Nullable<BigInt>,
        summary -> Nullable<Text>,
    }
}

diesel::joinable!(snapshots -> documents (document_id));
diesel::joinable!(facts -> documents (document_id));

diesel::allow_tables_to_appear_in_same_query!(
    documents,
    snapshots,
    facts,
    entities,
    entity_members,
    id_counters,
    links,
    judgements,
    events,
    actions,
    plans,
    entity_views,
    facility_list,
    watch_activity,
    entity_changes,
    source_fact_counts,
    crawl_runs,
    locks,
    data_versions,
    curators,
    audit_log,
    corrections,
    annotations,
    jobs,
);
