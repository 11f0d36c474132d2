//! Replays the `crm_diff` cases of Pacemaker's command-line regression
//! suite (`regression.crm_diff.exp`, with the CIBs beside it) against our
//! `crm_diff`, comparing output and exit codes as Pacemaker's `cts-cli`
//! does: standard error then standard output, with run-specific parts
//! (paths, versions) normalized.
//!
//! The data is read from `../shared/pacemaker-cts/cli` beside the
//! repository (or from `$PCMK_CTS_CLI_DIR`); without it the test is skipped.
//! The case list (titles and arguments) follows Pacemaker's `cts-cli`.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

/// The suite's cases: title and arguments. `{old}`, `{new}`, `{patch}`
/// and `{cib_patch}` stand for the data files, `{old_str}`/`{new_str}` for
/// their contents in single quotes.
const CASES: &[(&str, &str)] = &[
    ("Create an XML patchset from files", "-o {old} -n {new}"),
    (
        "Create an XML patchset from strings",
        "-O {old_str} -N {new_str}",
    ),
    (
        "Create an XML patchset from old file, new string",
        "-o {old} -N {new_str}",
    ),
    (
        "Create an XML patchset from old string, new file",
        "-O {old_str} -n {new}",
    ),
    ("Create an XML patchset as CIB", "-o {old} -n {new} --cib"),
    (
        "Create an XML patchset with no versions",
        "-o {old} -n {new} --no-version",
    ),
    (
        "Create an XML patchset as CIB, with no versions",
        "-o {old} -n {new} --cib --no-version",
    ),
    ("Apply an XML patchset to a file", "-o {old} -p {patch}"),
    (
        "Apply an XML patchset to a string",
        "-O {old_str} -p {patch}",
    ),
    ("Apply an XML patchset as CIB", "-o {old} -p {patch} --cib"),
    (
        "Apply an XML patchset with no versions",
        "-o {old} -p {patch} --no-version",
    ),
    (
        "Apply an XML patchset as CIB, with no versions",
        "-o {old} -p {patch} --cib --no-version",
    ),
    (
        "Apply an XML patchset generated as CIB",
        "-o {old} -p {cib_patch}",
    ),
    (
        "Apply an XML patchset generated as CIB, as CIB",
        "-o {old} -p {cib_patch} --cib",
    ),
    (
        "Apply an XML patchset generated as CIB, with no versions",
        "-o {old} -p {cib_patch} --no-version",
    ),
];

/// `$PCMK_CTS_CLI_DIR`, or `shared/pacemaker-cts/cli` in the nearest
/// directory above the crate that has one (`../shared` from the
/// repository's root).
fn data_dir() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("PCMK_CTS_CLI_DIR") {
        Some(d) => vec![PathBuf::from(d)],
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .skip(1)
            .map(|a| a.join("shared/pacemaker-cts/cli"))
            .collect(),
    };
    candidates
        .into_iter()
        .find(|d| d.join("regression.crm_diff.exp").is_file())
        .and_then(|d| d.canonicalize().ok())
}

/// The expected output lines and exit code of each test, by title.
fn expectations(exp: &str) -> Vec<(String, Vec<String>, i32)> {
    let begin = Regex::new(r"^=#=#=#= Begin test: (.*) =#=#=#=$").expect("valid pattern");
    let end =
        Regex::new(r"^=#=#=#= End test: (.*) - .* \((\d+)\) =#=#=#=$").expect("valid pattern");
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in exp.lines() {
        if let Some(c) = begin.captures(line) {
            current = Some((c[1].to_string(), Vec::new()));
        } else if let Some(c) = end.captures(line) {
            if let Some((title, lines)) = current.take() {
                out.push((title, lines, c[2].parse().unwrap_or(-1)));
            }
        } else if let Some((_, lines)) = &mut current {
            lines.push(line.to_string());
        }
    }
    out
}

/// The normalizations `cts-cli` applies that can touch `crm_diff` output.
fn sanitize(line: &str, data: &str) -> String {
    let rules: [(&str, &str); 8] = [
        (
            r#"(<change-attr name="crm_feature_set" .* value=")[0-9.]*""#,
            r#"${1}""#,
        ),
        (
            r#"(<change-attr name="validate-with" .* value="pacemaker-)[0-9.]+""#,
            r#"${1}X""#,
        ),
        (r#"(<cib.*) cib-last-written="[^"]*""#, "${1}"),
        (r#"crm_feature_set="[^"]*" "#, ""),
        (r#" api-version="[^"]*""#, r#" api-version="X""#),
        (r#"request=".*(crm_?[a-zA-Z0-9]+) "#, r#"request="${1} "#),
        (r#" validate-with="[^"]*""#, ""),
        (r#" version="[^"]*""#, r#" version="""#),
    ];
    let mut s = line.replace(data, "CTS_CLI_DATA");
    for (pattern, replacement) in rules {
        s = Regex::new(pattern)
            .expect("valid pattern")
            .replace_all(&s, replacement)
            .into_owned();
    }
    s
}

/// The shell command `cts-cli` runs for a case: its words re-joined with
/// single spaces, the format option inserted after the program name.
fn command_line(args: &str, format: &str, dir: &Path) -> String {
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("readable test data");
    let file = |f: &str| dir.join(f).display().to_string();
    let cmd = format!("crm_diff {args}")
        .replace("{old_str}", &format!("'{}'", read("crm_diff_old.xml")))
        .replace("{new_str}", &format!("'{}'", read("crm_diff_new.xml")))
        .replace("{old}", &file("crm_diff_old.xml"))
        .replace("{new}", &file("crm_diff_new.xml"))
        .replace("{patch}", &file("crm_diff_patchset.xml"))
        .replace("{cib_patch}", &file("crm_diff_patchset_cib.xml"));
    let mut words: Vec<&str> = cmd.split_whitespace().collect();
    words.insert(1, format);
    words.join(" ")
}

#[test]
fn regression_crm_diff() {
    let Some(dir) = data_dir() else {
        eprintln!(
            "skipping: Pacemaker's CLI regression data (../shared/pacemaker-cts/cli) is absent"
        );
        return;
    };
    let exp = std::fs::read_to_string(dir.join("regression.crm_diff.exp")).unwrap();
    let expected = expectations(&exp);
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_crm_diff"));
    let bin_dir = bin.parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let data = dir.display().to_string();

    let mut failures = Vec::new();
    let mut passed = 0;
    for (title, args) in CASES {
        for (suffix, format) in [("", ""), (" (XML)", "--output-as=xml")] {
            let title = format!("{title}{suffix}");
            let Some((_, want, want_rc)) = expected.iter().find(|(t, _, _)| *t == title) else {
                failures.push(format!("{title}: not in regression.crm_diff.exp"));
                continue;
            };
            let cmd = command_line(args, format, &dir);
            let run = Command::new("sh")
                .arg("-c")
                .arg(&cmd)
                .env("PATH", &path)
                .env("LC_ALL", "C")
                .output()
                .unwrap();
            let mut got: Vec<String> = Vec::new();
            for stream in [&run.stderr, &run.stdout] {
                for line in String::from_utf8_lossy(stream).lines() {
                    got.push(sanitize(line, &data));
                }
            }
            let rc = run.status.code().unwrap_or(-1);
            if got == *want && rc == *want_rc {
                passed += 1;
            } else {
                let first = got
                    .iter()
                    .zip(want.iter())
                    .position(|(g, w)| g != w)
                    .unwrap_or(got.len().min(want.len()));
                failures.push(format!(
                    "{title}: rc {rc} (want {want_rc}), first difference at line {first}:\n  got:  {:?}\n  want: {:?}",
                    got.get(first),
                    want.get(first)
                ));
            }
        }
    }
    eprintln!("crm_diff regression: {passed}/{} passed", CASES.len() * 2);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
