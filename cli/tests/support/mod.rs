//! Replaying Pacemaker's command-line regression expectations
//! (`cts/cli/regression.<name>.exp` of Pacemaker 3.0.2) against this
//! crate's tools.
//!
//! The expectation files are read at run time from `$PCMK_CTS_DIR/cli/`
//! or, by default, `../shared/pacemaker-cts/cli/` beside the repository;
//! when absent, the tests say so and pass without checking.
//!
//! Each case names the test title used in the `.exp` file and the shell
//! command upstream's `cts-cli` runs for it. Commands run with `sh -c`,
//! with this crate's binaries first in `PATH` and the environment
//! `cts-cli` sets (`LC_ALL=C`, `PCMK_stderr=1`, `PCMK_trace_functions=`).
//! Standard error and then standard output are compared with the test's
//! block after upstream's output sanitizing, ignoring white space (as its
//! `diff -w`), and the exit status with the one recorded.
//!
//! Sanitizing deviates in one point: source locations in log lines,
//! `(function@file.c:123)` upstream, are `(function@file.rs:123)` here, and
//! both reduce to `function`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use regex::Regex;

/// One test: a title of the `.exp` file and how to run it.
#[derive(Debug, Clone)]
pub struct Case {
    /// The test title (`Get legacy return code (XML)`).
    pub title: String,
    /// The shell command.
    pub cmd: String,
    /// Standard input, if any.
    pub stdin: Option<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
}

impl Case {
    /// A case run without input.
    pub fn new(title: impl Into<String>, cmd: impl Into<String>) -> Case {
        Case {
            title: title.into(),
            cmd: cmd.into(),
            stdin: None,
            env: Vec::new(),
        }
    }

    /// The same case with standard input.
    pub fn stdin(mut self, input: impl Into<String>) -> Case {
        self.stdin = Some(input.into());
        self
    }

    /// The same case with an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Case {
        self.env.push((key.into(), value.into()));
        self
    }
}

/// The text and XML variants of a test (`make_test_group`): the XML one
/// has ` (XML)` appended to its title and `--output-as=xml` inserted after
/// the command name.
pub fn group(title: &str, cmd: &str) -> Vec<Case> {
    let (prog, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
    let xml_cmd = if rest.is_empty() {
        format!("{prog} --output-as=xml")
    } else {
        format!("{prog} --output-as=xml {rest}")
    };
    vec![
        Case::new(title, cmd),
        Case::new(format!("{title} (XML)"), xml_cmd),
    ]
}

/// The recorded result of one test.
#[derive(Debug, Clone)]
pub struct Expected {
    /// Output lines (standard error first, then standard output).
    pub lines: Vec<String>,
    /// Exit status.
    pub code: i32,
}

/// Where upstream's expectation files are, if present.
pub fn cts_cli_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PCMK_CTS_DIR") {
        Some(d) => PathBuf::from(d).join("cli"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/pacemaker-cts/cli"),
    };
    dir.is_dir().then_some(dir)
}

/// Reads `regression.<name>.exp` into its tests by title.
pub fn load(name: &str) -> Option<HashMap<String, Expected>> {
    let path = cts_cli_dir()?.join(format!("regression.{name}.exp"));
    let text = std::fs::read_to_string(&path).ok()?;
    let begin = Regex::new(r"^=#=#=#= Begin test: (.*) =#=#=#=$").ok()?;
    let end = Regex::new(r"^=#=#=#= End test: (.*) - .* \((\d+)\) =#=#=#=$").ok()?;
    let mut out = HashMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        if let Some(c) = begin.captures(line) {
            current = Some((c[1].to_string(), Vec::new()));
        } else if let Some(c) = end.captures(line) {
            if let Some((title, lines)) = current.take() {
                let code = c[2].parse().unwrap_or(-1);
                out.insert(title, Expected { lines, code });
            }
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line.to_string());
        }
    }
    Some(out)
}

/// Upstream's replacements of variable output, the subset that can apply
/// to these tools.
fn sanitize(line: &str) -> String {
    const RULES: &[(&str, &str)] = &[
        (r" api-version=\x22[^\x22]*\x22", r#" api-version="X""#),
        (r"\(([A-Za-z_][A-Za-z0-9_]*)@[^()]*\.(c|rs):[0-9]+\)", "$1"),
        (r#"request=".*iso8601"#, r#"request="iso8601"#),
        (r#"request=".*(crm_?[a-zA-Z0-9]+) "#, r#"request="$1 "#),
        (r"-X '.*'", "-X '...'"),
        (r"^Entity: line [0-9]+: ", ""),
    ];
    let mut s = line.to_string();
    for (pattern, replacement) in RULES {
        if let Ok(re) = Regex::new(pattern) {
            s = re.replace_all(&s, *replacement).into_owned();
        }
    }
    s
}

/// Runs a case; returns its sanitized output lines and exit status.
pub fn run(case: &Case, bin_dir: &std::path::Path) -> (Vec<String>, i32) {
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(&case.cmd)
        .env("PATH", path)
        .env("LC_ALL", "C")
        .env("PCMK_stderr", "1")
        .env("PCMK_trace_functions", "")
        .env_remove("CIB_file")
        .env_remove("CIB_shadow")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &case.env {
        cmd.env(k, v);
    }
    let Ok(mut child) = cmd.spawn() else {
        return (vec!["<could not start sh>".to_string()], -1);
    };
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        let _ = stdin.write_all(case.stdin.as_deref().unwrap_or("").as_bytes());
    }
    let Ok(output) = child.wait_with_output() else {
        return (vec!["<command failed>".to_string()], -1);
    };
    let mut lines: Vec<String> = String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(sanitize)
        .collect();
    lines.extend(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(sanitize),
    );
    (lines, output.status.code().unwrap_or(-1))
}

fn squash(line: &str) -> String {
    line.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Replays `cases` against `regression.<name>.exp`; returns the failures
/// (title and a description), or `None` when the file is absent.
pub fn replay(
    name: &str,
    cases: &[Case],
    bin_dir: &std::path::Path,
) -> Option<Vec<(String, String)>> {
    let expected = load(name)?;
    let mut failures = Vec::new();
    for case in cases {
        let Some(want) = expected.get(&case.title) else {
            failures.push((
                case.title.clone(),
                "no such test in the .exp file".to_string(),
            ));
            continue;
        };
        let (got, code) = run(case, bin_dir);
        let same_text = got.len() == want.lines.len()
            && got
                .iter()
                .zip(&want.lines)
                .all(|(g, w)| squash(g) == squash(w));
        if !same_text || code != want.code {
            failures.push((
                case.title.clone(),
                format!(
                    "command: {}\nexpected (exit {}):\n{}\ngot (exit {code}):\n{}",
                    case.cmd,
                    want.code,
                    want.lines.join("\n"),
                    got.join("\n")
                ),
            ));
        }
    }
    Some(failures)
}

/// Runs `replay` and fails the test with every difference, or reports a
/// skip when the expectations are absent.
pub fn check(name: &str, cases: &[Case], bin: &str) {
    let bin_dir = PathBuf::from(bin)
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    match replay(name, cases, &bin_dir) {
        None => eprintln!(
            "skipping regression.{name}.exp: Pacemaker's CLI expectations not found (set PCMK_CTS_DIR or place them in ../shared/pacemaker-cts)"
        ),
        Some(failures) => {
            eprintln!(
                "regression.{name}.exp: {} of {} cases match",
                cases.len() - failures.len(),
                cases.len()
            );
            for (title, detail) in &failures {
                eprintln!("--- {title}\n{detail}\n");
            }
            assert!(
                failures.is_empty(),
                "{} of {} cases differ",
                failures.len(),
                cases.len()
            );
        }
    }
}
