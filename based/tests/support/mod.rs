//! Running `pacemaker-based` in a scratch directory and driving it with
//! `cibadmin` (from `pcmk-cli`) and the client library.
//!
//! Each [`Node`] has its own run and state directories
//! (`PCMK_run_dir`, `PCMK_state_dir`), so tests run in parallel. The
//! daemon is started with `--stand-alone` and killed when the node is
//! dropped. `cibadmin` and `crm_diff` are looked for beside
//! `pacemaker-based` and built with Cargo when absent.

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pcmk_based::store::Store;
use pcmk_common::xml::{Element, parse};

/// The output of a tool.
#[derive(Debug, Clone)]
pub struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Out {
    /// The standard output as XML.
    pub fn xml(&self) -> Element {
        parse(&self.stdout).unwrap_or_else(|e| panic!("output is not XML ({e}):\n{}", self.stdout))
    }
}

/// The directory holding this build's binaries.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_pacemaker-based"))
        .parent()
        .expect("binary directory")
        .to_path_buf()
}

/// The path of a `pcmk-cli` tool, built if need be.
pub fn tool(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let path = bin_dir().join(name);
    let fresh = |p: &Path| {
        // A tool older than the daemon may predate the library it uses.
        let daemon = bin_dir().join("pacemaker-based");
        match (p.metadata(), daemon.metadata()) {
            (Ok(t), Ok(d)) => t.modified().ok() >= d.modified().ok(),
            _ => false,
        }
    };
    if !fresh(&path) {
        let built = BUILT.get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let mut cmd = Command::new(cargo);
            cmd.args([
                "build",
                "-p",
                "pcmk-cli",
                "--bin",
                "cibadmin",
                "--bin",
                "crm_diff",
                "--bin",
                "crm_shadow",
            ]);
            if bin_dir().ends_with("release") {
                cmd.arg("--release");
            }
            let out = cmd.output().map_err(|e| e.to_string())?;
            if out.status.success() {
                Ok(())
            } else {
                Err(String::from_utf8_lossy(&out.stderr).into_owned())
            }
        });
        if let Err(e) = built {
            panic!("cannot build {name}: {e}");
        }
    }
    path
}

/// A pacemaker-based in scratch directories.
pub struct Node {
    pub dir: tempfile::TempDir,
    child: Option<Child>,
    args: Vec<String>,
}

impl Node {
    /// Starts a daemon with an empty CIB.
    pub fn start() -> Node {
        Node::start_with(&[], None)
    }

    /// Starts a daemon with extra arguments and, if given, this CIB
    /// written (with its digest) before start.
    pub fn start_with(args: &[&str], cib: Option<&Element>) -> Node {
        let dir = tempfile::Builder::new()
            .prefix("based-test.")
            .tempdir()
            .expect("temporary directory");
        std::fs::create_dir_all(dir.path().join("run")).expect("run dir");
        std::fs::create_dir_all(dir.path().join("state/cib")).expect("cib dir");
        let mut node = Node {
            dir,
            child: None,
            args: args.iter().map(|s| s.to_string()).collect(),
        };
        if let Some(cib) = cib {
            node.store()
                .write(cib, "Thu Jan  1 00:00:00 2026")
                .expect("seed CIB");
        }
        node.spawn();
        node
    }

    pub fn run_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    pub fn cib_dir(&self) -> PathBuf {
        self.dir.path().join("state/cib")
    }

    pub fn socket(&self) -> PathBuf {
        self.run_dir().join("based.sock")
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("based.log")
    }

    /// The daemon's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    pub fn store(&self) -> Store {
        Store::new(self.cib_dir())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn envs(&self) -> Vec<(String, String)> {
        vec![
            ("PCMK_run_dir".into(), self.run_dir().display().to_string()),
            (
                "PCMK_state_dir".into(),
                self.dir.path().join("state").display().to_string(),
            ),
            ("LC_ALL".into(), "C".into()),
        ]
    }

    /// Starts the daemon and waits until it accepts connections.
    pub fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("log file");
        let _ = std::fs::remove_file(self.socket());
        let child = Command::new(env!("CARGO_BIN_EXE_pacemaker-based"))
            .arg("--stand-alone")
            .args(&self.args)
            .envs(self.envs())
            .env_remove("CIB_file")
            .env_remove("CIB_shadow")
            .env_remove("PCMK_logfile")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start pacemaker-based");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if std::os::unix::net::UnixStream::connect(self.socket()).is_ok() {
                return;
            }
            if let Some(c) = &mut self.child {
                if let Ok(Some(status)) = c.try_wait() {
                    panic!("pacemaker-based exited ({status}):\n{}", self.log());
                }
            }
            assert!(
                Instant::now() < deadline,
                "pacemaker-based did not start:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the daemon is still running.
    pub fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Stops the daemon with SIGTERM and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let pid = nix::unistd::Pid::from_raw(c.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if let Ok(Some(_)) = c.try_wait() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = c.kill();
                    let _ = c.wait();
                    panic!("pacemaker-based ignored SIGTERM:\n{}", self.log());
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Kills the daemon with SIGKILL.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Runs a tool against this node.
    pub fn run(
        &self,
        tool_name: &str,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> Out {
        let mut cmd = Command::new(tool(tool_name));
        cmd.args(args)
            .envs(self.envs())
            .env_remove("CIB_file")
            .env_remove("CIB_shadow")
            .env_remove("CIB_user")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start tool");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin.unwrap_or("").as_bytes());
        }
        let out = child.wait_with_output().expect("tool output");
        Out {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    /// Runs `cibadmin`.
    pub fn cibadmin(&self, args: &[&str]) -> Out {
        self.run("cibadmin", args, None, &[])
    }

    /// Runs `cibadmin` as `user` (`CIB_user`).
    pub fn cibadmin_as(&self, user: &str, args: &[&str]) -> Out {
        self.run("cibadmin", args, None, &[("CIB_user", user)])
    }

    /// Runs `cibadmin` with standard input.
    pub fn cibadmin_stdin(&self, args: &[&str], input: &str) -> Out {
        self.run("cibadmin", args, Some(input), &[])
    }

    /// The whole CIB, as root.
    pub fn query(&self) -> Element {
        let out = self.cibadmin(&["-Q"]);
        assert_eq!(out.code, 0, "cibadmin -Q failed: {}", out.stderr);
        out.xml()
    }

    /// `(admin_epoch, epoch, num_updates)` of the CIB.
    pub fn version(&self) -> (i64, i64, i64) {
        version_of(&self.query())
    }

    /// The contents of every file in the CIB directory.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.cib_dir())
            .expect("cib dir")
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        v.sort();
        v
    }

    /// Waits until the daemon's background writer has caught up with the
    /// CIB it serves (the file's epoch and num_updates match).
    pub fn wait_written(&self) {
        let want = self.version();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(text) = std::fs::read_to_string(self.cib_dir().join("cib.xml")) {
                if let Ok(doc) = parse(&text) {
                    let v = version_of(&doc);
                    if (v.0, v.1) == (want.0, want.1) && self.store().is_consistent() {
                        return;
                    }
                }
            }
            assert!(Instant::now() < deadline, "CIB never written to disk");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// `(admin_epoch, epoch, num_updates)` of a CIB.
pub fn version_of(cib: &Element) -> (i64, i64, i64) {
    let get = |k: &str| cib.attr(k).and_then(|v| v.parse().ok()).unwrap_or(0);
    (get("admin_epoch"), get("epoch"), get("num_updates"))
}

/// Ids of the elements named `name` in `cib`.
pub fn ids(cib: &Element, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(e: &Element, name: &str, out: &mut Vec<String>) {
        if e.name == name {
            if let Some(id) = e.id() {
                out.push(id.to_string());
            }
        }
        for c in e.elements() {
            walk(c, name, out);
        }
    }
    walk(cib, name, &mut out);
    out
}

/// A CIB with `n` Dummy primitives `r1`…`rn` and fencing disabled.
pub fn cib_with(n: usize) -> Element {
    let mut resources = String::new();
    for i in 1..=n {
        resources.push_str(&format!(
            r#"<primitive id="r{i}" class="ocf" provider="heartbeat" type="Dummy"/>"#
        ));
    }
    parse(&format!(
        r#"<cib crm_feature_set="3.20.5" validate-with="pacemaker-4.0" epoch="1" num_updates="0" admin_epoch="0"><configuration><crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="opt-fencing" name="fencing-enabled" value="false"/></cluster_property_set></crm_config><nodes><node id="1" uname="node1"/></nodes><resources>{resources}</resources><constraints/></configuration><status/></cib>"#
    ))
    .expect("test CIB")
}
