//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) through the same entry
//! points the fuzz targets call: every input must give diagnostics or
//! nothing, never a panic. The corpus is small: seeds from sample-data and
//! a sample of what `cargo +nightly fuzz run` found (see fuzz/README.md).

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8]) -> slareport::diagnostic::Diagnostics) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut n = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| entry(&bytes));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        n += 1;
    }
    n
}

#[test]
fn the_toml_corpus_loads_without_panicking() {
    assert!(replay("toml", slareport::fuzzing::toml) >= 5);
}

#[test]
fn the_csv_corpus_scans_without_panicking() {
    assert!(replay("csv", slareport::fuzzing::csv) >= 5);
}

#[test]
fn the_note_corpus_loads_without_panicking() {
    assert!(replay("note", slareport::fuzzing::note) >= 3);
}

#[test]
fn the_seeds_are_valid_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, file, entry) in [
        ("csv", "outages.csv", slareport::fuzzing::csv as fn(&[u8]) -> _),
        ("csv", "tickets.csv", slareport::fuzzing::csv),
        ("csv", "counts.csv", slareport::fuzzing::csv),
    ] {
        let problems = entry(&std::fs::read(root.join(target).join(file)).unwrap());
        assert!(!problems.has_errors(), "{target}/{file}: {:?}", problems);
    }
}
