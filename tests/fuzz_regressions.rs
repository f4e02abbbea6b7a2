//! Replays every fuzz corpus and regression file (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the same entry points the cargo-fuzz targets call
//! (`mieru::ops::fuzzing::run`), on stable Rust: an input that once crashed a parser, or that the
//! fuzzer found interesting, must keep passing without cargo-fuzz.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failure

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Runs `target` on every file of `dir`; names the file that panics.
fn replay(target: &str, dir: &Path) -> usize {
    let inputs = files(dir);
    for path in &inputs {
        let data = std::fs::read(path).expect("read corpus file");
        let outcome = std::panic::catch_unwind(|| mieru::ops::fuzzing::run(target, &data));
        match outcome {
            Ok(known) => assert!(known, "no fuzz target called {target}"),
            Err(_) => panic!("{target} panics on {}", path.display()),
        }
    }
    inputs.len()
}

#[test]
fn every_target_has_a_corpus_and_it_passes() {
    for target in mieru::ops::fuzzing::targets() {
        let n = replay(target, &fuzz_dir().join("corpus").join(target));
        assert!(n > 0, "fuzz/corpus/{target} is empty or missing");
    }
}

#[test]
fn fixed_crashes_stay_fixed() {
    let regressions = fuzz_dir().join("regressions");
    assert!(
        regressions.is_dir(),
        "{} is missing: it holds the fixed crashes this test replays (see fuzz/README.md)",
        regressions.display()
    );
    let mut replayed = 0;
    for target in mieru::ops::fuzzing::targets() {
        replayed += replay(target, &regressions.join(target));
    }
    eprintln!("{replayed} regression inputs replayed");
}

#[test]
fn corpus_directories_name_real_targets_and_stay_small() {
    let targets = mieru::ops::fuzzing::targets();
    let mut total = 0u64;
    for kind in ["corpus", "regressions"] {
        let Ok(dirs) = std::fs::read_dir(fuzz_dir().join(kind)) else {
            continue;
        };
        // Folders only: `regressions/README.md` says how to add one.
        for dir in dirs.filter_map(Result::ok).filter(|d| d.path().is_dir()) {
            let name = dir.file_name().to_string_lossy().into_owned();
            assert!(
                targets.contains(&name.as_str()),
                "fuzz/{kind}/{name}: no such target"
            );
            let inputs = files(&dir.path());
            assert!(
                inputs.len() <= 200,
                "fuzz/{kind}/{name}: {} files",
                inputs.len()
            );
            total += inputs
                .iter()
                .filter_map(|p| p.metadata().ok())
                .map(|m| m.len())
                .sum::<u64>();
        }
    }
    assert!(total <= 5 * 1024 * 1024, "fuzz corpora hold {total} bytes");
}
