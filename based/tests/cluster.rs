//! Three `corosync` processes on 127.0.S.1-3 and a `pacemaker-based` on
//! each, in cluster mode: writes made on one node are seen on every node
//! with the same version and digest, a node started later gets the whole
//! CIB, a restarted one catches up, and a better CIB brought by a node
//! wins. Skipped when `corosync` has not been built.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pcmk_based::store::Store;
use pcmk_common::cib::digest_xml;
use pcmk_common::xml::{Element, parse};

use support::{Out, cib_with, ids, tool, version_of};

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_pacemaker-based"))
        .parent()
        .unwrap()
        .to_path_buf()
}

struct Lab {
    dir: tempfile::TempDir,
    subnet: u8,
    port: u16,
    corosync: Vec<Option<Child>>,
    based: Vec<Option<Child>>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in self.based.iter_mut().chain(self.corosync.iter_mut()) {
            if let Some(mut c) = c.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}

impl Lab {
    fn new(nodes: u32) -> Lab {
        let dir = tempfile::Builder::new()
            .prefix("based-cluster.")
            .tempdir()
            .unwrap();
        // Own addresses and port, away from other tests running at once.
        let pid = std::process::id();
        let subnet = 100 + (pid % 100) as u8;
        let port = 18_000 + (pid % 1000) as u16 * 2;
        let lab = Lab {
            dir,
            subnet,
            port,
            corosync: (0..nodes).map(|_| None).collect(),
            based: (0..nodes).map(|_| None).collect(),
        };
        for k in 1..=nodes {
            let nd = lab.node_dir(k);
            std::fs::create_dir_all(nd.join("run")).unwrap();
            std::fs::create_dir_all(nd.join("state/cib")).unwrap();
            std::fs::write(nd.join("corosync.conf"), lab.config(k, nodes)).unwrap();
        }
        lab
    }

    fn node_dir(&self, k: u32) -> PathBuf {
        self.dir.path().join(format!("node{k}"))
    }

    fn config(&self, k: u32, nodes: u32) -> String {
        let mut s = format!(
            "totem {{\n version: 2\n cluster_name: basedtest\n transport: udpu\n nodeid: {k}\n token: 1000\n interface {{\n  linknumber: 0\n  mcastport: {}\n }}\n}}\nnodelist {{\n",
            self.port
        );
        for n in 1..=nodes {
            s.push_str(&format!(
                " node {{\n  ring0_addr: 127.0.{}.{n}\n  name: node{n}\n  nodeid: {n}\n }}\n",
                self.subnet
            ));
        }
        s.push_str(
            "}\nquorum {\n provider: corosync_votequorum\n}\nlogging {\n to_stderr: yes\n}\n",
        );
        s
    }

    fn envs(&self, k: u32) -> Vec<(&'static str, PathBuf)> {
        let nd = self.node_dir(k);
        vec![
            ("COROSYNC_RUN_DIR", nd.join("run")),
            ("COROSYNC_STATE_DIR", nd.join("state")),
            ("PCMK_run_dir", nd.join("run")),
            ("PCMK_state_dir", nd.join("state")),
        ]
    }

    fn log(&self, k: u32, what: &str) -> String {
        std::fs::read_to_string(self.node_dir(k).join(format!("{what}.log"))).unwrap_or_default()
    }

    fn spawn(&self, k: u32, what: &str, cmd: &mut Command) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.node_dir(k).join(format!("{what}.log")))
            .unwrap();
        for (key, v) in self.envs(k) {
            cmd.env(key, v);
        }
        cmd.env_remove("PCMK_node_name")
            .env_remove("PCMK_logfile")
            .env_remove("CIB_file")
            .env_remove("CIB_shadow")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap()
    }

    fn wait_for(&self, path: &Path, k: u32, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !path.exists() {
            assert!(
                Instant::now() < deadline,
                "{what} {k} did not start:\n{}",
                self.log(k, what)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn start_corosync(&mut self, k: u32) {
        let conf = self.node_dir(k).join("corosync.conf");
        let child = self.spawn(
            k,
            "corosync",
            Command::new(bin_dir().join("corosync"))
                .arg("-f")
                .arg("-c")
                .arg(conf),
        );
        self.corosync[k as usize - 1] = Some(child);
        let sock = self
            .node_dir(k)
            .join("run")
            .join(pcmk_proto::corosync::SOCKET_NAME);
        self.wait_for(&sock, k, "corosync");
    }

    fn start_based(&mut self, k: u32) {
        let sock = self.node_dir(k).join("run/based.sock");
        let _ = std::fs::remove_file(&sock);
        let child = self.spawn(
            k,
            "based",
            &mut Command::new(env!("CARGO_BIN_EXE_pacemaker-based")),
        );
        self.based[k as usize - 1] = Some(child);
        self.wait_for(&sock, k, "based");
    }

    fn kill_based(&mut self, k: u32) {
        if let Some(mut c) = self.based[k as usize - 1].take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn stop_based(&mut self, k: u32) {
        if let Some(mut c) = self.based[k as usize - 1].take() {
            let pid = nix::unistd::Pid::from_raw(c.id() as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let _ = c.wait();
        }
    }

    fn cibadmin(&self, k: u32, args: &[&str]) -> Out {
        let mut cmd = Command::new(tool("cibadmin"));
        for (key, v) in self.envs(k) {
            cmd.env(key, v);
        }
        let out = cmd
            .args(args)
            .env_remove("CIB_file")
            .env_remove("CIB_shadow")
            .env_remove("CIB_user")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Out {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    fn query(&self, k: u32) -> Option<Element> {
        let out = self.cibadmin(k, &["-Q"]);
        (out.code == 0).then(|| parse(&out.stdout).ok()).flatten()
    }

    /// Waits until `nodes` all serve the same CIB that satisfies `pred`;
    /// returns it.
    fn converge(&self, nodes: &[u32], pred: impl Fn(&Element) -> bool) -> Element {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let cibs: Vec<Option<Element>> = nodes.iter().map(|&k| self.query(k)).collect();
            if let Some(Some(first)) = cibs.first() {
                let same = cibs.iter().all(|c| {
                    c.as_ref().is_some_and(|c| {
                        version_of(c) == version_of(first)
                            && digest_xml(c, false) == digest_xml(first, false)
                    })
                });
                if same && pred(first) {
                    return first.clone();
                }
            }
            if Instant::now() > deadline {
                let logs: String = nodes
                    .iter()
                    .map(|&k| format!("--- based {k}:\n{}", self.log(k, "based")))
                    .collect();
                let seen: Vec<String> = cibs
                    .iter()
                    .map(|c| {
                        c.as_ref().map_or("none".into(), |c| {
                            format!("{:?} {:?}", version_of(c), ids(c, "primitive"))
                        })
                    })
                    .collect();
                panic!("nodes {nodes:?} did not converge: {seen:?}\n{logs}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Follows node `k`'s CIB as a daemon would: the whole CIB, then every
/// change applied as a patchset; the copy is published after each event.
fn follow(lab: &Lab, k: u32) -> std::sync::Arc<std::sync::Mutex<Option<Element>>> {
    let copy = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = copy.clone();
    let socket = lab.node_dir(k).join("run/based.sock");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut c = pcmk_based::client::CibClient::connect(&socket)
                .await
                .unwrap();
            let mut events = c.subscribe(true).await.unwrap();
            let mut doc: Option<Element> = None;
            while let Ok(Some(ev)) = events.message().await {
                let next = if ev.cib.is_empty() {
                    let patch = parse(&ev.patchset).unwrap();
                    let cur = doc.as_ref().unwrap();
                    pcmk_common::patchset::apply_patchset(cur, &patch, true)
                        .unwrap_or_else(|e| panic!("{} does not apply: {e:?}", ev.op))
                } else {
                    parse(&ev.cib).unwrap()
                };
                *out.lock().unwrap() = Some(next.clone());
                doc = Some(next);
            }
        });
    });
    copy
}

fn has(id: &str) -> impl Fn(&Element) -> bool + '_ {
    move |c| ids(c, "primitive").iter().any(|i| i == id)
}

#[test]
fn three_nodes_share_one_cib() {
    if !bin_dir().join("corosync").exists() {
        eprintln!("skipped: corosync not built (cargo build -p pcmk-corosyncd --bin corosync)");
        return;
    }
    let mut lab = Lab::new(3);
    for k in 1..=3 {
        lab.start_corosync(k);
    }
    // Node 1 starts with a configuration on disk, node 2 empty.
    Store::new(lab.node_dir(1).join("state/cib"))
        .write(&cib_with(1), "Thu Jan  1 00:00:00 2026")
        .unwrap();
    lab.start_based(1);
    lab.start_based(2);
    lab.converge(&[1, 2], has("r1"));
    let follower = follow(&lab, 1);

    // A write on node 1 is applied on node 2 with the same result.
    let out = lab.cibadmin(
        1,
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            r#"<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>"#,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let cib = lab.converge(&[1, 2], has("d1"));
    assert_eq!(cib.attr("update-origin"), Some("node1"));

    // Node 3 starts later with nothing: it receives the whole CIB, and a
    // write made on node 1 shows on node 3, same version and digest.
    lab.start_based(3);
    lab.converge(&[1, 2, 3], has("d1"));
    let out = lab.cibadmin(
        1,
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            r#"<primitive id="d2" class="ocf" provider="pacemaker" type="Dummy"/>"#,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let before = lab.converge(&[1, 2, 3], has("d2"));

    // Status writes are replicated too.
    let out = lab.cibadmin(
        3,
        &[
            "-M",
            "-c",
            "-o",
            "status",
            "-X",
            r#"<node_state id="3" uname="node3" in_ccm="true" crmd="online" join="member" expected="member"/>"#,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let cib = lab.converge(&[1, 2, 3], |c| ids(c, "node_state") == ["3"]);
    assert_eq!(version_of(&cib).2, version_of(&before).2 + 1);

    // A failing write fails on the node that made it and changes nothing.
    let out = lab.cibadmin(
        2,
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            r#"<primitive id="d2" class="ocf" provider="pacemaker" type="Dummy"/>"#,
        ],
    );
    assert_ne!(out.code, 0);

    // Node 2 is killed; a write happens meanwhile; it comes back and
    // catches up.
    lab.kill_based(2);
    let out = lab.cibadmin(
        3,
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            r#"<primitive id="away" class="ocf" provider="pacemaker" type="Dummy"/>"#,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    lab.start_based(2);
    lab.converge(&[1, 2, 3], has("away"));

    // Node 3 comes back with a CIB of a higher admin_epoch: it wins.
    lab.stop_based(3);
    let mut forced = cib_with(0);
    forced.set_attr("admin_epoch", "7");
    Store::new(lab.node_dir(3).join("state/cib"))
        .write(&forced, "Thu Jan  1 00:00:00 2026")
        .unwrap();
    lab.start_based(3);
    let cib = lab.converge(&[1, 2, 3], |c| version_of(c).0 == 7);
    assert!(ids(&cib, "primitive").is_empty());
    // A subscriber of node 1 saw every change, the replacement included.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let copy = follower.lock().unwrap().clone();
        if copy.as_ref().is_some_and(|c| *c == cib) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the subscriber's copy differs: {:?}",
            copy.map(|c| (version_of(&c), ids(&c, "primitive")))
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // And it reached the disk of the others.
    let deadline = Instant::now() + Duration::from_secs(30);
    let file = lab.node_dir(1).join("state/cib/cib.xml");
    loop {
        // Read only: the daemon's writer owns the directory.
        let on_disk = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| parse(&t).ok());
        if on_disk.is_some_and(|c| version_of(&c).0 == 7) {
            break;
        }
        assert!(Instant::now() < deadline, "node 1 never wrote the new CIB");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Corosync goes away on node 2: its CIB manager exits with an error;
    // the others go on.
    if let Some(mut c) = lab.corosync[1].take() {
        let _ = c.kill();
        let _ = c.wait();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(st) = lab.based[1].as_mut().unwrap().try_wait().unwrap() {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "based 2 outlived its corosync:\n{}",
            lab.log(2, "based")
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    assert!(
        lab.log(2, "based")
            .contains("Lost connection to the cluster layer")
    );
    lab.based[1] = None;
    let out = lab.cibadmin(
        1,
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            r#"<primitive id="after" class="ocf" provider="pacemaker" type="Dummy"/>"#,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    lab.converge(&[1, 3], has("after"));
}
