//! Every public list, filter and feed is served by indexes (issue 20): a synthetic registry is
//! loaded, each public read of the registry is called with realistic parameters while every
//! statement it runs is recorded, and each statement's plan is checked — `EXPLAIN QUERY PLAN`
//! on SQLite, `EXPLAIN` of the generic prepared plan on PostgreSQL (after `ANALYZE`, with
//! sequential scans disabled so that a plan still scanning a table proves no index can serve
//! it). No plan may scan a large table without an index, and each filter must use the index
//! made for it. The pages themselves are checked against the records they list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use chrono::{Duration, Utc};
use common::TestDb;
use diesel::connection::{
    set_default_instrumentation, Instrumentation, InstrumentationEvent, SimpleConnection,
};
use diesel::prelude::*;
use diesel::sql_types::Text;
use mieru::app::Mieru;
use mieru::ops::synth::{load, Spec};
use mieru::store::DbConnection;
use mieru_web::model::{ActionFilter, ChangesRequest, FacilityFilter, PointInTime};
use mieru_web::registry::Registry;
use mieru_web::watch::WatchScope;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Tables that grow with the registry: none may be read whole on a public path.
const LARGE_TABLES: [&str; 13] = [
    "facts",
    "documents",
    "snapshots",
    "entities",
    "entity_members",
    "entity_views",
    "facility_list",
    "actions",
    "plans",
    "events",
    "links",
    "watch_activity",
    "entity_changes",
];

thread_local! {
    /// SQL of the statements run on this thread while recording (`None`: not recording).
    static RECORDED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Every connection made in this test binary reports its statements to [`RECORDED`] of the
/// thread that runs them (the registry's reads run on the calling thread).
fn recording_instrumentation() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            RECORDED.with(|r| {
                if let Some(statements) = r.borrow_mut().as_mut() {
                    statements.push(text);
                }
            });
        }
    }))
}

/// The distinct SELECT statements `read` runs, without their bind values.
fn statements_of<T>(read: impl FnOnce() -> T) -> (T, Vec<String>) {
    RECORDED.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let out = read();
    let recorded = RECORDED.with(|r| r.borrow_mut().take()).unwrap_or_default();
    let mut seen = BTreeSet::new();
    let statements = recorded
        .into_iter()
        .map(|s| match s.split_once(" -- binds: ") {
            Some((sql, _)) => sql.to_owned(),
            None => s,
        })
        .filter(|s| s.trim_start().to_ascii_uppercase().starts_with("SELECT"))
        .filter(|s| seen.insert(s.clone()))
        .collect();
    (out, statements)
}

#[derive(QueryableByName)]
struct SqlitePlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PostgresPlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The highest `$n` placeholder of a PostgreSQL statement.
fn placeholder_count(sql: &str) -> usize {
    sql.split('$')
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0)
}

/// The plan of one statement, one line per node.
fn plan_of(conn: &mut DbConnection, sql: &str) -> Vec<String> {
    match conn {
        // Parameters left unbound: SQLite plans a statement when it prepares it.
        DbConnection::Sqlite(c) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<SqlitePlanLine>(c)
            .unwrap_or_else(|e| panic!("EXPLAIN QUERY PLAN {sql}: {e}"))
            .into_iter()
            .map(|l| l.detail)
            .collect(),
        // The generic plan (what a prepared statement runs with any values), so NULLs stand
        // in for the parameters.
        DbConnection::Postgresql(c) => {
            c.batch_execute(&format!("PREPARE plan_probe AS {sql}"))
                .unwrap_or_else(|e| panic!("PREPARE {sql}: {e}"));
            let args = vec!["NULL"; placeholder_count(sql)].join(", ");
            let execute = if args.is_empty() {
                "EXPLAIN EXECUTE plan_probe".to_owned()
            } else {
                format!("EXPLAIN EXECUTE plan_probe({args})")
            };
            let lines = diesel::sql_query(execute)
                .load::<PostgresPlanLine>(c)
                .unwrap_or_else(|e| panic!("EXPLAIN {sql}: {e}"));
            c.batch_execute("DEALLOCATE plan_probe").unwrap();
            lines.into_iter().map(|l| l.line).collect()
        }
    }
}

/// A plan line that reads a large table whole, if any.
fn full_scan(line: &str) -> Option<&'static str> {
    LARGE_TABLES.into_iter().find(|table| {
        // SQLite: `SCAN facts` (no index) — `SCAN facts USING INDEX …` walks an index in
        // the order a keyset page needs and stops at its limit.
        let sqlite_scan = line
            .trim_start_matches(['|', '-', '`', ' '])
            .strip_prefix("SCAN ")
            .is_some_and(|rest| {
                let mut words = rest.split_whitespace();
                words.next() == Some(table) && words.next() != Some("USING")
            });
        let postgres_scan = line.contains(&format!("Seq Scan on {table} "))
            || line.trim_end().ends_with(&format!("Seq Scan on {table}"));
        sqlite_scan || postgres_scan
    })
}

/// One public read: its name, the statements it ran, and the indexes of which at least one
/// must appear in their plans (empty: any index will do).
struct Checked {
    name: String,
    statements: Vec<String>,
    expect_any_of: &'static [&'static str],
}

/// Indexes PostgreSQL may choose besides the expected ones. Its generic plan takes a filter
/// to keep 1/(distinct values) of the rows: in the synthetic registry every facility has
/// actions, facilities and CPCs split evenly and each source is a couple of large
/// documents, so walking the list's primary key (stopping at the page's limit) or counting
/// live facts from their own index is rightly cheaper there. SQLite, without statistics,
/// must use the filter's own index; neither backend may scan a table.
const POSTGRES_ALSO: [&str; 2] = ["facility_list_pkey", "facts_retracted"];

fn check_plans(conn: &mut DbConnection, backend: &str, reads: &[Checked]) {
    let mut failures = Vec::new();
    for read in reads {
        assert!(
            !read.statements.is_empty(),
            "{backend}: {} ran no SELECT",
            read.name
        );
        let mut all_lines = Vec::new();
        for sql in &read.statements {
            let plan = plan_of(conn, sql);
            for line in &plan {
                if let Some(table) = full_scan(line) {
                    failures.push(format!(
                        "{backend}: {} scans {table} whole:\n  {sql}\n  {}",
                        read.name,
                        plan.join("\n  ")
                    ));
                }
            }
            all_lines.extend(plan);
        }
        let postgres_also: &[&str] = if backend == "postgres" {
            &POSTGRES_ALSO
        } else {
            &[]
        };
        if !read.expect_any_of.is_empty()
            && !read
                .expect_any_of
                .iter()
                .chain(postgres_also)
                .any(|index| all_lines.iter().any(|l| l.contains(index)))
        {
            failures.push(format!(
                "{backend}: {} uses none of {:?}:\n  {}\n  {}",
                read.name,
                read.expect_any_of,
                read.statements.join("\n  "),
                all_lines.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Pages through the whole facility list with `filter`, returning the IDs and action counts.
fn every_page(registry: &dyn Registry, filter: &FacilityFilter) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut filter = FacilityFilter {
        limit: 37,
        ..filter.clone()
    };
    loop {
        let page = registry.facilities(&filter).unwrap();
        out.extend(page.items.iter().map(|f| (f.id.clone(), f.action_count)));
        match page.next_cursor {
            Some(c) => filter.cursor = Some(c),
            None => return out,
        }
    }
}

#[test]
fn every_public_list_and_feed_is_served_by_indexes() {
    set_default_instrumentation(recording_instrumentation).unwrap();
    for db in TestDb::all() {
        let backend = db.backend;
        let dir = tempfile::tempdir().unwrap();
        let app = Mieru::open(dir.path(), db.database_url()).unwrap();
        load::run(&app, &Spec::new(7, 400, 10), true, &mut |_| {}).expect("synth");
        let index = Arc::new(app.open_index().unwrap());
        // A second data version, so that version 1 is an old one.
        app.resolve_and_index(&index).unwrap();
        let registry = app.registry(index);
        let mut explain = app.pool.get().unwrap();
        if let DbConnection::Postgresql(c) = &mut *explain {
            c.batch_execute(
                "ANALYZE; SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan;",
            )
            .unwrap();
        }

        // Realistic parameters taken from the data itself.
        let everything = every_page(&registry, &FacilityFilter::default());
        assert_eq!(everything.len(), 400, "{backend}");
        let first = registry
            .facilities(&FacilityFilter {
                limit: 1,
                ..Default::default()
            })
            .unwrap();
        let prefecture = first.items[0].prefecture.clone().expect("a prefecture");
        let second_page = first.next_cursor.clone();
        let action = registry
            .actions(&ActionFilter {
                limit: 1,
                ..Default::default()
            })
            .unwrap()
            .items
            .remove(0);

        // The list's filters agree with the records they filter, page after page.
        for want in [true, false] {
            let listed = every_page(
                &registry,
                &FacilityFilter {
                    has_actions: Some(want),
                    ..Default::default()
                },
            );
            let expected: Vec<(String, u32)> = everything
                .iter()
                .filter(|(_, actions)| (*actions > 0) == want)
                .cloned()
                .collect();
            assert_eq!(listed, expected, "{backend}: has_actions={want}");
        }

        let mut reads = Vec::new();
        let mut facilities =
            |name: &str, filter: FacilityFilter, expect_any_of: &'static [&'static str]| {
                let (page, statements) = statements_of(|| registry.facilities(&filter).unwrap());
                if let Some(want) = filter.has_actions {
                    assert!(
                        page.items.iter().all(|f| (f.action_count > 0) == want),
                        "{backend}: {name}"
                    );
                }
                if let Some(p) = &filter.prefecture {
                    assert!(page.items.iter().all(|f| f.prefecture.as_ref() == Some(p)));
                }
                reads.push(Checked {
                    name: name.to_owned(),
                    statements,
                    expect_any_of,
                });
            };
        facilities(
            "facilities",
            FacilityFilter {
                limit: 20,
                ..Default::default()
            },
            &[],
        );
        facilities(
            "facilities, second page",
            FacilityFilter {
                cursor: second_page,
                limit: 20,
                ..Default::default()
            },
            &[],
        );
        for has_actions in [true, false] {
            facilities(
                &format!("facilities?has_actions={has_actions}"),
                FacilityFilter {
                    has_actions: Some(has_actions),
                    limit: 20,
                    ..Default::default()
                },
                &["facility_list_actions"],
            );
            facilities(
                &format!("facilities?prefecture&has_actions={has_actions}"),
                FacilityFilter {
                    prefecture: Some(prefecture.clone()),
                    has_actions: Some(has_actions),
                    limit: 20,
                    ..Default::default()
                },
                &["facility_list_prefecture_actions"],
            );
        }
        facilities(
            "facilities?prefecture",
            FacilityFilter {
                prefecture: Some(prefecture.clone()),
                limit: 20,
                ..Default::default()
            },
            &["facility_list_prefecture"],
        );
        facilities(
            "facilities?kind=cpc",
            FacilityFilter {
                kind: Some("cpc".into()),
                limit: 20,
                ..Default::default()
            },
            &["facility_list_kind"],
        );

        let future = Utc::now() + Duration::days(30);
        let (page, statements) = statements_of(|| {
            registry
                .changes(&ChangesRequest {
                    since: future,
                    cursor: None,
                    limit: 50,
                })
                .unwrap()
        });
        assert!(page.items.is_empty(), "{backend}: changes in the future");
        reads.push(Checked {
            name: "changes?since=<future>".into(),
            statements,
            expect_any_of: &["facts_first_seen", "facts_last_changed"],
        });
        let past = Utc::now() - Duration::days(1);
        let first_changes = registry
            .changes(&ChangesRequest {
                since: past,
                cursor: None,
                limit: 5,
            })
            .unwrap();
        let (page, statements) = statements_of(|| {
            registry
                .changes(&ChangesRequest {
                    since: past,
                    cursor: first_changes.next_cursor.clone(),
                    limit: 5,
                })
                .unwrap()
        });
        assert!(
            page.items.iter().all(|c| first_changes
                .items
                .last()
                .is_some_and(|l| c.entity.id > l.entity.id)),
            "{backend}: the changes cursor moves on"
        );
        reads.push(Checked {
            name: "changes?since=<yesterday>&cursor".into(),
            statements,
            expect_any_of: &["facts_first_seen", "facts_last_changed"],
        });
        // A `since` older than every fact: entities are walked in ID order instead.
        let long_ago = Utc::now() - Duration::days(365 * 60);
        let (page, statements) = statements_of(|| {
            registry
                .changes(&ChangesRequest {
                    since: long_ago,
                    cursor: first_changes.next_cursor.clone(),
                    limit: 50,
                })
                .unwrap()
        });
        assert_eq!(page.items.len(), 50, "{backend}: changes since long ago");
        reads.push(Checked {
            name: "changes?since=<long ago>&cursor".into(),
            statements,
            expect_any_of: &["entity_changes_walk"],
        });

        let (feed, statements) = statements_of(|| {
            registry
                .watch_feed(&WatchScope::Prefecture(prefecture.clone()))
                .unwrap()
        });
        assert!(
            matches!(feed, mieru_web::model::Lookup::Found(ref f) if !f.entries.is_empty()),
            "{backend}: the feed of {prefecture}"
        );
        reads.push(Checked {
            name: "watch/prefecture".into(),
            statements,
            expect_any_of: &["watch_activity_prefecture"],
        });

        let (report, statements) = statements_of(|| registry.sources().unwrap());
        assert!(!report.sources.is_empty());
        reads.push(Checked {
            name: "sources".into(),
            statements,
            expect_any_of: &["documents_source_removed"],
        });

        let mut actions =
            |name: &str, filter: ActionFilter, expect_any_of: &'static [&'static str]| {
                let (page, statements) = statements_of(|| registry.actions(&filter).unwrap());
                assert!(!page.items.is_empty(), "{backend}: {name}");
                reads.push(Checked {
                    name: name.to_owned(),
                    statements,
                    expect_any_of,
                });
            };
        actions(
            "actions",
            ActionFilter {
                limit: 20,
                ..Default::default()
            },
            &["actions_issued"],
        );
        actions(
            "actions?type",
            ActionFilter {
                action_type: Some(action.action_type.clone()),
                limit: 20,
                ..Default::default()
            },
            &["actions_type_issued"],
        );
        if let Some(authority) = &action.authority {
            actions(
                "actions?authority",
                ActionFilter {
                    authority: Some(authority.clone()),
                    limit: 20,
                    ..Default::default()
                },
                &["actions_authority_issued"],
            );
        }
        let action_prefecture: Option<String> = {
            use mieru::store::schema::actions;
            actions::table
                .filter(actions::prefecture.is_not_null())
                .select(actions::prefecture)
                .first::<Option<String>>(&mut explain)
                .optional()
                .unwrap()
                .flatten()
        };
        if let Some(p) = action_prefecture {
            actions(
                "actions?prefecture",
                ActionFilter {
                    prefecture: Some(p),
                    limit: 20,
                    ..Default::default()
                },
                &["actions_prefecture_issued"],
            );
        }

        let id = everything[0].0.clone();
        let (_, statements) =
            statements_of(|| registry.facility(&id, PointInTime::latest()).unwrap());
        reads.push(Checked {
            name: "facility".into(),
            statements,
            expect_any_of: &[],
        });
        let (_, statements) = statements_of(|| registry.versions(20).unwrap());
        reads.push(Checked {
            name: "versions".into(),
            statements,
            expect_any_of: &[],
        });
        let (old, statements) = statements_of(|| {
            let at = PointInTime {
                as_of: None,
                version: Some(1),
            };
            registry.facility(&everything[0].0, at).unwrap()
        });
        assert!(
            matches!(old, mieru_web::model::Lookup::Found(_)),
            "{backend}: version 1"
        );
        reads.push(Checked {
            name: "facility?version=1".into(),
            statements,
            expect_any_of: &["entities_merged"],
        });

        check_plans(&mut explain, backend, &reads);
    }
}
