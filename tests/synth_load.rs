//! `mieru synth` on both backends: the synthetic registry loads in batches, resolves to one
//! entity per facility, projects about one event per corpus event, is searchable, and leaves
//! the archive and the database consistent for `mieru check`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::TestDb;
use diesel::prelude::*;
use mieru::app::Mieru;
use mieru::ops::synth::{load, Corpus, Spec};
use mieru_web::model::SearchRequest;

#[test]
fn a_synthetic_registry_loads_resolves_and_is_searchable() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().expect("data dir");
        let app = Mieru::open(dir.path(), Some(&db.url)).expect("open");
        let spec = Spec::new(42, 300, 10);
        let mut steps = Vec::new();
        let report =
            load::run(&app, &spec, true, &mut |p| steps.push(p.to_string())).expect("synth");
        assert_eq!(steps.len(), 4, "{steps:?}"); // one batch of 300, loaded, resolved, indexed
        let corpus = Corpus::from_spec(&spec);

        assert_eq!(report.load.facilities, 300, "{}", db.backend);
        assert_eq!(report.load.corpus_events, 3_000);
        let (resolved, _) = report.resolved.as_ref().expect("resolved");
        // Every synthetic facility is one entity: renamed, moved and closed ones included.
        assert_eq!(
            resolved.facilities + resolved.cpcs,
            300,
            "{}: {resolved}",
            db.backend
        );
        assert_eq!(resolved.organizations, 300, "{}: {resolved}", db.backend);
        // Two actions per facility (an inspection and an order) among ten events.
        assert_eq!(resolved.actions, 600, "{}: {resolved}", db.backend);

        let mut conn = app.pool.get().expect("conn");
        use mieru::store::schema::events;
        // Facilities are F…, cell-processing facilities C….
        let facility_events: i64 = events::table
            .filter(
                events::entity_id
                    .like("F%")
                    .or(events::entity_id.like("C%")),
            )
            .count()
            .get_result(&mut conn)
            .expect("count events");
        // Each corpus event is one event on the facility's page, plus its first listing.
        assert!(
            (300 * 10..=300 * 12).contains(&facility_events),
            "{}: {facility_events} facility events",
            db.backend
        );
        drop(conn);

        let index = app.open_index().expect("index");
        for f in corpus.facilities.iter().step_by(37) {
            let hits = index
                .search(&SearchRequest {
                    q: f.name.clone(),
                    limit: 10,
                    ..SearchRequest::default()
                })
                .expect("search");
            assert!(
                hits.hits.iter().any(|h| h.name == f.name),
                "{}: {} not found",
                db.backend,
                f.name
            );
        }

        let check = mieru::ops::check::run(&app, mieru::ops::check::CheckOptions { repair: false })
            .expect("check");
        assert!(check.is_clean(), "{}: {check}", db.backend);
        assert!(matches!(
            load::load(&app.pool, &app.archive, &spec, 100, &mut |_, _| {}),
            Err(load::LoadError::AlreadyLoaded)
        ));
    }
}
