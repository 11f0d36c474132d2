//! `crm_resource`'s agent commands against real agents, and Pacemaker
//! 3.0.2's expected output (`regression.agents.exp`) where available.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(name)
}

fn crm_resource(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(bin("crm_resource"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn have(path: &str) -> bool {
    let ok = Path::new(path).exists() && bin("crm_resource").exists();
    if !ok {
        eprintln!("skipping: {path} or the crm_resource binary is missing");
    }
    ok
}

/// Splits an .exp file into (title, body, exit code) per test.
fn exp_tests(text: &str) -> Vec<(String, String, i32)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(t) = line.strip_prefix("=#=#=#= Begin test: ") {
            cur = Some((t.trim_end_matches(" =#=#=#=").to_string(), String::new()));
        } else if let Some(rest) = line.strip_prefix("=#=#=#= End test: ") {
            let code = rest
                .rsplit_once('(')
                .and_then(|(_, c)| c.split(')').next())
                .and_then(|c| c.parse().ok())
                .unwrap();
            let (t, b) = cur.take().unwrap();
            out.push((t, b, code));
        } else if let Some((_, b)) = cur.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    out
}

#[test]
fn matches_pacemaker_agents_regression() {
    let exp = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/pacemaker-cts/cli/regression.agents.exp");
    let Ok(text) = std::fs::read_to_string(&exp) else {
        eprintln!("skipping: {} not found", exp.display());
        return;
    };
    if !have("/usr/lib/ocf/resource.d/pacemaker/Dummy") {
        return;
    }
    let base = [
        "--validate",
        "--class",
        "ocf",
        "--provider",
        "pacemaker",
        "--agent",
        "Dummy",
    ];
    for (title, body, code) in exp_tests(&text) {
        let xml = title.ends_with("(XML)");
        let mut args: Vec<&str> = Vec::new();
        if xml {
            args.push("--output-as=xml");
        }
        args.extend(base);
        let env: &[(&str, &str)] = if title.contains("invalid") {
            &[("OCF_RESKEY_op_sleep", "asdf")]
        } else {
            &[]
        };
        let o = crm_resource(&args, env);
        assert_eq!(o.status.code(), Some(code), "{title}: {o:?}");
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        let got = if xml {
            // Normalise the request and version as the .exp files do.
            let s = stdout.replacen(
                &format!("request=\"{}", bin("crm_resource").display()),
                "request=\"crm_resource",
                1,
            );
            let s = s.replacen("api-version=\"2.42\"", "api-version=\"X\"", 1);
            format!("{stderr}{s}")
        } else {
            format!("{stderr}{stdout}")
        };
        let want: String = body
            .lines()
            .filter(|l| !l.starts_with("* Passed"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(got, want, "{title}");
    }
}

#[test]
fn listings_and_metadata() {
    if !have("/usr/lib/ocf/resource.d/heartbeat/Dummy") {
        return;
    }
    let o = crm_resource(&["--list-standards"], &[]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.starts_with("ocf\nservice\nlsb\n"), "{s}");
    let o = crm_resource(&["--list-ocf-providers"], &[]);
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l == "heartbeat")
    );
    let o = crm_resource(&["--list-agents", "ocf:heartbeat"], &[]);
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l == "Dummy")
    );
    let o = crm_resource(&["--list-agents", "ocf:heartbeat", "--output-as=xml"], &[]);
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("<agents standard=\"ocf\" provider=\"heartbeat\">")
    );
    let o = crm_resource(
        &["--list-ocf-alternatives", "Dummy", "--output-as=xml"],
        &[],
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("<providers for=\"Dummy\">"));
    let o = crm_resource(&["--list-agents", "nosuch"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("crm_resource: No agents found for standard 'nosuch'")
    );
    let o = crm_resource(&["--show-metadata", "ocf:heartbeat:Dummy"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let md = pcmk_common::xml::parse(&String::from_utf8_lossy(&o.stdout)).unwrap();
    assert_eq!(md.attr("name"), Some("Dummy"));
    let o = crm_resource(&["--show-metadata", "ocf:heartbeat:NoSuchAgent"], &[]);
    assert_eq!(o.status.code(), Some(105));
    let o = crm_resource(&["--show-metadata", "nonsense"], &[]);
    assert_eq!(o.status.code(), Some(105));
}

#[test]
fn force_start_check_stop() {
    if !have("/usr/lib/ocf/resource.d/heartbeat/Dummy") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let state = format!("state={}", dir.path().join("d.state").display());
    let run = |op: &str| {
        crm_resource(
            &[
                op,
                "--class",
                "ocf",
                "--provider",
                "heartbeat",
                "--agent",
                "Dummy",
                "--option",
                &state,
            ],
            &[],
        )
    };
    let o = run("--force-check");
    assert_eq!(o.status.code(), Some(7));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Operation force-check (ocf:heartbeat:Dummy) returned 7 (Not running)\n"
    );
    assert_eq!(run("--force-start").status.code(), Some(0));
    assert!(dir.path().join("d.state").exists());
    assert_eq!(run("--force-check").status.code(), Some(0));
    assert_eq!(run("--force-stop").status.code(), Some(0));
    assert!(!dir.path().join("d.state").exists());
    // Promote on an agent without it: unimplemented (3).
    assert_eq!(run("--force-promote").status.code(), Some(3));
    assert_eq!(run("--force-demote").status.code(), Some(3));
    // Configuration checks.
    let o = crm_resource(&["--validate", "--class", "ocf", "--agent", "Dummy"], &[]);
    assert_eq!(o.status.code(), Some(64));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "crm_resource: --provider and --agent are required with --class=ocf\n"
    );
    let o = crm_resource(
        &[
            "--validate",
            "--class",
            "ocf",
            "--provider",
            "heartbeat",
            "--agent",
            "Nope",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(64));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("ocf:heartbeat:Nope is not a known resource agent")
    );
}
