//! Re-resolution after new crawls keeps every published ID (merges leave redirects) and every
//! human judgement; on SQLite, and on PostgreSQL when MIERU_TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

mod common;

use common::TestDb;
use mieru::app::Mieru;
use mieru::ops::eval;
use mieru::pipeline::refresh;
use mieru::pipeline::resolve::review::{self, Verdict};
use mieru::store::{self, DbConnection};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

fn eval_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("eval")
}

fn open(db: &TestDb, dir: &Path) -> Mieru {
    Mieru::open(dir, Some(&db.url)).expect("open data dir")
}

/// Subject → entity ID, and entity ID → redirect target, as published now.
fn published(
    conn: &mut DbConnection,
) -> (HashMap<String, String>, BTreeMap<String, Option<String>>) {
    let members = store::entities::members(conn).expect("members");
    let entities = store::entities::all(conn)
        .expect("entities")
        .into_iter()
        .map(|e| (e.id, e.merged_into))
        .collect();
    (members, entities)
}

/// Follows redirects from a published ID to the live entity.
fn live(entities: &BTreeMap<String, Option<String>>, id: &str) -> Option<String> {
    let mut id = id.to_owned();
    for _ in 0..16 {
        match entities.get(&id)? {
            Some(next) => id = next.clone(),
            None => return Some(id),
        }
    }
    None
}

/// Every ID published before is still there, and each subject it held reaches the entity that
/// holds the subject now (directly or through the redirect of a merge).
fn assert_stable(
    before: &(HashMap<String, String>, BTreeMap<String, Option<String>>),
    after: &(HashMap<String, String>, BTreeMap<String, Option<String>>),
) -> usize {
    let mut redirected = 0;
    for id in before.1.keys() {
        assert!(after.1.contains_key(id), "published ID {id} vanished");
    }
    for (subject, old_id) in &before.0 {
        let now = after
            .0
            .get(subject)
            .unwrap_or_else(|| panic!("{subject} lost"));
        let reached = live(&after.1, old_id).unwrap_or_else(|| panic!("{old_id} dangles"));
        if reached != *old_id {
            redirected += 1;
        }
        // A subject may leave its old entity only when a split gave it a new one; the old ID
        // then still resolves to a live entity (checked above). Merges must redirect to it.
        if &reached != now {
            let still_members = after.0.values().any(|v| v == &reached);
            assert!(
                still_members,
                "{old_id} → {reached} has no members after re-resolution"
            );
        }
    }
    redirected
}

/// Records a tester's judgement of `a` and `b`; a failure when it is refused.
fn judge(conn: &mut DbConnection, a: &str, b: &str, verdict: Verdict, reason: &str) {
    review::record(conn, a, b, verdict, "tester", reason)
        .unwrap_or_else(|e| panic!("judge {verdict:?} {a} {b}: {e:?}"));
}

fn without_henkou(docs: &[eval::EvalDoc]) -> (Vec<eval::EvalDoc>, Vec<eval::EvalDoc>) {
    docs.iter()
        .cloned()
        .partition(|d| !d.path.contains("henkou"))
}

#[test]
fn ids_survive_new_crawls_and_merges_redirect() {
    let (docs, gold) = eval::load(&eval_dir()).expect("eval set");
    for db in TestDb::all() {
        let data = tempfile::tempdir().expect("temp dir");
        let app = open(&db, data.path());
        let mut conn = app.pool.get().expect("conn");
        // First crawl: the rename filings are not published yet, so the chains are split.
        let (first, later) = without_henkou(&docs);
        eval::ingest(&app, &eval_dir(), &first).expect("ingest first crawl");
        refresh::run(&mut conn).expect("resolve 1");
        let one = published(&mut conn);
        // Re-running on the same facts changes nothing.
        refresh::run(&mut conn).expect("resolve 1b");
        let again = published(&mut conn);
        assert_eq!(one.0, again.0, "{}: same facts, same IDs", db.backend);

        // Second crawl: the renames appear and join pieces; the older ID wins, others redirect.
        eval::ingest(&app, &eval_dir(), &later).expect("ingest second crawl");
        refresh::run(&mut conn).expect("resolve 2");
        let two = published(&mut conn);
        let redirected = assert_stable(&one, &two);
        assert!(
            redirected > 0,
            "{}: the renames should merge pieces",
            db.backend
        );
        let m = eval::score(&mut conn, &gold).expect("score");
        assert_eq!(m.false_merges, 0, "{}: {:?}", db.backend, m.errors);

        // Third crawl: a list drops a row (delisted); the facts are retracted, IDs stay.
        let list = docs
            .iter()
            .find(|d| d.path.contains("index/2"))
            .expect("e-saisei list");
        let html = std::fs::read_to_string(eval_dir().join(&list.path)).expect("read list");
        // Drop the first data row (header cells are `<th>` on one line; data rows open `<tr>\n`).
        let (head, rest) = html.split_once("<tr>\n").expect("a data row");
        let (_, tail) = rest.split_once("</tr>").expect("row end");
        let shorter = format!("{head}{tail}");
        let tmp = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(tmp.path().join("d")).expect("mkdir");
        std::fs::write(tmp.path().join("d/list.html"), shorter).expect("write");
        let changed = eval::EvalDoc {
            path: "d/list.html".into(),
            ..list.clone()
        };
        eval::ingest(&app, tmp.path(), &[changed]).expect("ingest third crawl");
        refresh::run(&mut conn).expect("resolve 3");
        let three = published(&mut conn);
        assert_stable(&two, &three);
        assert_stable(&one, &three);
    }
}

#[test]
fn human_judgements_win_and_survive_recrawls() {
    let (docs, gold) = eval::load(&eval_dir()).expect("eval set");
    let gold_case = |case: &str| {
        gold.entities
            .iter()
            .filter(|g| g.case.starts_with(case))
            .collect::<Vec<_>>()
    };
    for db in TestDb::all() {
        let data = tempfile::tempdir().expect("temp dir");
        let app = open(&db, data.path());
        let mut conn = app.pool.get().expect("conn");
        eval::ingest(&app, &eval_dir(), &docs).expect("ingest");
        refresh::run(&mut conn).expect("resolve");
        let (members, _) = published(&mut conn);

        // 1. A rename chain the rules joined: a human says its first record is another place.
        let chain = gold_case("rename_chain").into_iter().next().expect("chain");
        let (split_a, split_b) = (
            &chain.subjects[0],
            &chain.subjects[chain.subjects.len() - 1],
        );
        assert_eq!(
            members.get(split_a),
            members.get(split_b),
            "rules joined the chain"
        );
        judge(
            &mut conn,
            split_a,
            split_b,
            Verdict::Different,
            "two places",
        );
        // 2. Same name in two prefectures, kept apart by the rules: a human says same.
        let twins = gold_case("same_name_other_prefecture");
        let (same_a, same_b) = (&twins[0].subjects[0], &twins[1].subjects[0]);
        assert_ne!(members.get(same_a), members.get(same_b));
        let id_a = members.get(same_a).cloned().expect("entity");
        let id_b = members.get(same_b).cloned().expect("entity");
        // Entity IDs are accepted as well as subject keys.
        judge(&mut conn, &id_a, &id_b, Verdict::Same, "one clinic moved");
        // 3. A possible successor a human rejects, 4. an unrelated pair a human links.
        let rel = &gold
            .relations
            .iter()
            .find(|r| r.kind == "possible_successor")
            .expect("rel");
        judge(&mut conn, &rel.from, &rel.to, Verdict::NotSuccessor, "no");
        let building = gold_case("same_building");
        let (succ_a, succ_b) = (&building[0].subjects[0], &building[1].subjects[0]);
        judge(&mut conn, succ_a, succ_b, Verdict::Successor, "took over");
        assert!(review::record(&mut conn, succ_a, succ_b, Verdict::Same, "tester", " ").is_err());
        assert!(Verdict::parse("maybe").is_err());

        let check = |conn: &mut DbConnection, round: &str| {
            let (members, _) = published(conn);
            assert_ne!(
                members.get(split_a),
                members.get(split_b),
                "{round}: different held"
            );
            assert_eq!(
                members.get(same_a),
                members.get(same_b),
                "{round}: same held"
            );
            let links = store::entities::all_links(conn).expect("links");
            let (fa, fb) = (&members[&rel.from], &members[&rel.to]);
            assert!(
                !links.iter().any(|l| &l.from_id == fa && &l.to_id == fb),
                "{round}: not_successor held"
            );
            let (sa, sb) = (&members[succ_a], &members[succ_b]);
            let human = links
                .iter()
                .find(|l| &l.from_id == sa && &l.to_id == sb && l.kind == "successor")
                .unwrap_or_else(|| panic!("{round}: successor held"));
            assert_eq!(human.origin, "human");
            assert!(human.evidence.contains("took over"));
            // Judged pairs leave the review queue.
            let queue = review::list_uncertain(conn).expect("queue");
            assert!(!queue.iter().any(|p| &p.from_id == fa && &p.to_id == fb));
        };
        refresh::run(&mut conn).expect("resolve after judging");
        check(&mut conn, "after judging");
        refresh::run(&mut conn).expect("re-run");
        check(&mut conn, "re-run");
        // A re-crawl that changes a list (new snapshot, other byte content) keeps them too.
        let list = docs
            .iter()
            .find(|d| d.path.contains("index/3"))
            .expect("list");
        let html = std::fs::read_to_string(eval_dir().join(&list.path)).expect("read");
        let tmp = tempfile::tempdir().expect("temp dir");
        std::fs::write(tmp.path().join("l.html"), html.replace("提供中", "提供中 ")).expect("w");
        let changed = eval::EvalDoc {
            path: "l.html".into(),
            ..list.clone()
        };
        eval::ingest(&app, tmp.path(), &[changed]).expect("re-crawl");
        refresh::run(&mut conn).expect("resolve after re-crawl");
        check(&mut conn, "after re-crawl");
    }
}
