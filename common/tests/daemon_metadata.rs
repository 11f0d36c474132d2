//! The daemons' option metadata against Pacemaker's
//! `regression.daemons.exp` (read from `$PCMK_CTS_DIR/cli/` or
//! `../shared/pacemaker-cts/cli/`; skipped when absent).

use std::path::PathBuf;

use pcmk_common::options::metadata::daemon_metadata;
use regex::Regex;

fn exp() -> Option<String> {
    let dir = match std::env::var_os("PCMK_CTS_DIR") {
        Some(d) => PathBuf::from(d).join("cli"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/pacemaker-cts/cli"),
    };
    std::fs::read_to_string(dir.join("regression.daemons.exp")).ok()
}

/// Upstream's sanitizing of versions and defaults.
fn sanitize(text: &str) -> String {
    let version = Regex::new(r#" version="[^"]*""#).expect("regex");
    let default = Regex::new(r#" default="[^"]*""#).expect("regex");
    let text = version.replace_all(text, r#" version="""#);
    default.replace_all(&text, r#" default="""#).into_owned()
}

fn block<'a>(exp: &'a str, title: &str) -> Option<&'a str> {
    let begin = format!("=#=#=#= Begin test: {title} =#=#=#=\n");
    let start = exp.find(&begin)? + begin.len();
    let end = exp[start..].find("=#=#=#= End test:")? + start;
    Some(&exp[start..end])
}

#[test]
fn daemon_metadata_matches_pacemaker() {
    let Some(exp) = exp() else {
        eprintln!("skipping: regression.daemons.exp not found (set PCMK_CTS_DIR)");
        return;
    };
    let cases = [
        ("Get CIB manager metadata", "pacemaker-based"),
        ("Get controller metadata", "pacemaker-controld"),
        ("Get fencer metadata", "pacemaker-fenced"),
        ("Get scheduler metadata", "pacemaker-schedulerd"),
    ];
    for (title, daemon) in cases {
        let want = block(&exp, title).unwrap_or_else(|| panic!("no test {title}"));
        let got = daemon_metadata(daemon, "3.0.2").unwrap_or_default();
        let got = sanitize(&got);
        let want_lines: Vec<&str> = want.lines().collect();
        let got_lines: Vec<&str> = got.lines().collect();
        for (i, (w, g)) in want_lines.iter().zip(&got_lines).enumerate() {
            assert_eq!(g.trim(), w.trim(), "{daemon} line {}", i + 1);
        }
        assert_eq!(got_lines.len(), want_lines.len(), "{daemon}: line count");
    }
}
