//! Validates the input CIBs of Pacemaker's scheduler regression suite
//! (from `../shared/pacemaker-cts/scheduler/xml` when present) with our
//! validator: Pacemaker accepts them, so must we, except the few the suite
//! keeps invalid on purpose.

use std::path::PathBuf;

use pcmk_based::schema;
use pcmk_common::xml::parse;

/// The shared reference data: `$PCMK_SHARED` or `../shared` next to the
/// repository.
fn corpus() -> Option<PathBuf> {
    let shared = std::env::var_os("PCMK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("pacemaker-cts/scheduler/xml");
    dir.is_dir().then_some(dir)
}

#[test]
fn scheduler_inputs_validate() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: ../shared/pacemaker-cts/scheduler/xml is not present");
        return;
    };
    let mut failures = Vec::new();
    let mut total = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(doc) = parse(&text) else { continue };
        total += 1;
        if let Err(e) = schema::validate(&doc) {
            failures.push(format!(
                "{}: {}",
                path.file_name().unwrap().to_string_lossy(),
                e.lines().join(" | ")
            ));
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!("{} of {total} failed", failures.len());
    assert!(
        failures.len() * 50 < total,
        "too many scheduler inputs refused"
    );
}
