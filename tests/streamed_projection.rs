//! The full resolve reads facts a chunk of records at a time (issue 20: a full resolve at
//! 100,000 facilities held every fact, 12.9 GB). What it stores must equal the projection from
//! every fact held at once: the same entities and members, links, summaries, records, actions,
//! plans, history events, feed bounds and change times. Checked with chunks of one record, of
//! a few, and of the default size, on the replica after two crawls and on a synthetic
//! registry, on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use mieru::app::Mieru;
use mieru::curation::view::CurationView;
use mieru::pipeline::project::streamed::{self, ChunkBudget, ChunkRows};
use mieru::pipeline::project::{self, change_times, watch_activity};
use mieru::pipeline::resolve::{resolve, resolve_lean};
use mieru::store;
use std::collections::BTreeMap;

fn sorted_debug<T: std::fmt::Debug>(rows: &[T], key: impl Fn(&T) -> String) -> Vec<String> {
    let mut keyed: Vec<(String, String)> =
        rows.iter().map(|r| (key(r), format!("{r:?}"))).collect();
    keyed.sort();
    keyed.into_iter().map(|(_, d)| d).collect()
}

/// Projects the stored facts both ways with `budget` and compares everything; returns how
/// many records, actions and plans were compared.
fn assert_streamed_equals_full(app: &Mieru, backend: &str, budget: ChunkBudget) -> usize {
    let mut conn = app.pool.get().unwrap();
    let now = store::now();

    let lean = resolve_lean(&mut conn).unwrap();
    let mut full = resolve(&mut conn).unwrap();
    assert!(lean.set.facts.is_empty());
    assert_eq!(lean.members, full.members, "{backend}: members");
    assert_eq!(lean.entity_of, full.entity_of, "{backend}: memberships");
    assert_eq!(lean.redirects, full.redirects, "{backend}: redirects");
    assert_eq!(
        format!("{:?}", lean.links),
        format!("{:?}", full.links),
        "{backend}: links"
    );

    let curation = CurationView::load(&mut conn, &lean.redirects).unwrap();
    let own = streamed::own_pass(&mut conn, &lean, &curation).unwrap();
    let mut rows = ChunkRows::default();
    let mut chunks = 0;
    streamed::project_chunks(
        &mut conn,
        &lean,
        &curation,
        &own.summaries,
        now,
        budget,
        |_, chunk| {
            chunks += 1;
            rows.views.extend(chunk.views);
            rows.actions.extend(chunk.actions);
            rows.plans.extend(chunk.plans);
            rows.events.extend(chunk.events);
            Ok(())
        },
    )
    .unwrap();
    if budget.records == 1 {
        assert_eq!(chunks, lean.members.len(), "{backend}: one record a chunk");
    }

    let own_activity = watch_activity::OwnActivity::of(&full);
    let last_changes = change_times::last_changes(&full);
    curation.hide_facts(&mut full.set);
    let projected = project::project_curated(&full, &curation, now);

    let streamed_summaries: BTreeMap<String, String> = own
        .summaries
        .values()
        .map(|s| (s.id.clone(), format!("{s:?}")))
        .collect();
    let full_summaries: BTreeMap<String, String> = projected
        .summaries
        .iter()
        .map(|s| (s.id.clone(), format!("{s:?}")))
        .collect();
    assert_eq!(streamed_summaries, full_summaries, "{backend}: summaries");

    let pairs = |a: Vec<String>, b: Vec<String>, what: &str| {
        assert_eq!(a.len(), b.len(), "{backend}: {what} count");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{backend}: {what} differ");
        }
    };
    pairs(
        sorted_debug(&rows.views, |v| v.entity_id.clone()),
        sorted_debug(&projected.tables.views, |v| v.entity_id.clone()),
        "records",
    );
    pairs(
        sorted_debug(&rows.actions, |a| a.id.clone()),
        sorted_debug(&projected.tables.actions, |a| a.id.clone()),
        "actions",
    );
    pairs(
        sorted_debug(&rows.plans, |p| p.plan_number.clone()),
        sorted_debug(&projected.tables.plans, |p| p.plan_number.clone()),
        "plans",
    );
    let event_key = |e: &store::models::EventRow| format!("{}\u{0}{:09}", e.entity_id, e.position);
    pairs(
        sorted_debug(&rows.events, event_key),
        sorted_debug(&projected.tables.events, event_key),
        "events",
    );

    assert_eq!(own.last_change, last_changes, "{backend}: last changes");
    let streamed_bounds = own
        .activity
        .bounds(watch_activity::issued_actions(&rows.events), &lean.links);
    let full_bounds = own_activity.bounds(
        watch_activity::issued_actions(&projected.tables.events),
        &full.links,
    );
    assert_eq!(streamed_bounds, full_bounds, "{backend}: feed bounds");
    rows.views.len() + rows.actions.len() + rows.plans.len()
}

#[actix_web::test]
async fn replica_streamed_projection_equals_the_full_one() {
    common::on_every_backend(async |database_url, backend| {
        let (_dir, app, replica, index) = common::open_on_replica(database_url);
        common::crawl_two_versions(&app, &replica, &index).await;
        for budget in [
            ChunkBudget {
                records: 1,
                subjects: 1,
            },
            ChunkBudget {
                records: 7,
                subjects: 50,
            },
            ChunkBudget::DEFAULT,
        ] {
            let compared = assert_streamed_equals_full(&app, backend, budget);
            assert!(compared > 60, "{backend}: only {compared} compared");
        }
    })
    .await;
}

#[test]
fn synthetic_streamed_projection_equals_the_full_one() {
    common::on_synthetic_registry(11, 150, |app, backend| {
        for budget in [
            ChunkBudget {
                records: 5,
                subjects: 40,
            },
            ChunkBudget::DEFAULT,
        ] {
            let compared = assert_streamed_equals_full(app, backend, budget);
            assert!(compared > 1_000, "{backend}: only {compared} compared");
        }
    });
}
