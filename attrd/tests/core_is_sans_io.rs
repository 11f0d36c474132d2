//! The attribute manager core must stay sans-IO: no file under `src/core/` may
//! name an async runtime, RPC stack, socket, file, process, thread,
//! environment or clock API. Time and messages come in through events (the
//! tokio shell in `src/daemon/` carries them).

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "tokio",
    "tonic",
    "std::net",
    "std::fs",
    "std::process",
    "std::thread",
    "std::env",
    "Instant::now",
    "SystemTime",
    "UNIX_EPOCH",
];

fn scan(dir: &Path, problems: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("core sources are readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            scan(&path, problems);
        } else if path.extension().is_some_and(|e| e == "rs")
            // Unit tests may read the environment (seed counts).
            && !path.to_string_lossy().ends_with("tests.rs")
        {
            let text = std::fs::read_to_string(&path).expect("source file is readable");
            for (n, line) in text.lines().enumerate() {
                // Comments may talk about these things.
                let code = line.split("//").next().unwrap_or("");
                for word in FORBIDDEN {
                    if names(code, word) {
                        problems.push(format!("{}:{}: {word}", path.display(), n + 1));
                    }
                }
            }
        }
    }
}

/// Whether `code` names `word` as a whole path segment (not inside a
/// longer identifier such as `monotonic`).
fn names(code: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    code.match_indices(word).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[test]
fn core_is_sans_io() {
    assert!(names("use tokio::net;", "tokio") && !names("monotonic", "tonic"));
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut problems = Vec::new();
    scan(&core, &mut problems);
    assert!(
        problems.is_empty(),
        "I/O in the core:\n{}",
        problems.join("\n")
    );
}
