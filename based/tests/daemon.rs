//! Multi-process tests: a running `pacemaker-based --stand-alone` in
//! scratch directories, driven by `cibadmin`, `crm_diff` and the client
//! library: every operation, persistence, recovery, ACLs, bad input and
//! hostile clients.

mod support;

use std::time::Duration;

use pcmk_based::client::CibClient;
use pcmk_based::request::{Operation, Request, Target};
use pcmk_common::xml::{Element, parse};
use support::{Node, cib_with, ids, version_of};

const DUMMY: &str = r#"class="ocf" provider="heartbeat" type="Dummy""#;

fn primitive(id: &str) -> String {
    format!(r#"<primitive id="{id}" {DUMMY}/>"#)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn not_running_is_not_connected() {
    let mut node = Node::start();
    node.stop();
    let out = node.cibadmin(&["-Q"]);
    assert_eq!(out.code, 102, "{out:?}");
    assert!(
        out.stderr.contains("Transport endpoint is not connected"),
        "{}",
        out.stderr
    );
}

#[test]
fn queries() {
    let node = Node::start_with(&[], Some(&cib_with(3)));
    let cib = node.query();
    assert_eq!(ids(&cib, "primitive"), ["r1", "r2", "r3"]);
    assert_eq!(version_of(&cib), (0, 1, 0));

    let out = node.cibadmin(&["-Q", "-o", "resources"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.xml().name, "resources");

    let out = node.cibadmin(&["-Q", "-A", "//primitive[@id='r2']"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.xml().id(), Some("r2"));

    // Several matches come wrapped.
    let out = node.cibadmin(&["-Q", "--xpath", "//primitive"]);
    assert_eq!(out.code, 0);
    assert_eq!(ids(&out.xml(), "primitive").len(), 3);

    let out = node.cibadmin(&["-Q", "-A", "//primitive", "-e"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("/cib/configuration/resources/primitive[@id='r3']"),
        "{}",
        out.stdout
    );

    let out = node.cibadmin(&["-Q", "-o", "resources", "-n"]);
    assert_eq!(out.code, 0);
    assert!(out.xml().children.is_empty());

    // Deprecated options are accepted.
    let out = node.cibadmin(&["-Q", "-l", "-s", "-t", "30", "-o", "nodes"]);
    assert_eq!(out.code, 0, "{out:?}");

    let out = node.cibadmin(&["-Q", "-A", "//nothing"]);
    assert_eq!(out.code, 105, "{out:?}");

    // An unknown scope is reported and passed on, as Pacemaker does.
    let out = node.cibadmin(&["-Q", "-o", "bogus"]);
    assert_eq!(out.code, 105, "{out:?}");
    assert!(out.stderr.contains("Invalid value 'bogus' for '--scope'"));
}

#[test]
fn every_change_operation() {
    let node = Node::start_with(&[], Some(&cib_with(3)));

    // create: a config change bumps epoch and resets num_updates
    let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive("r4")]);
    assert_eq!(out.code, 0, "{out:?}");
    let cib = node.query();
    assert_eq!(version_of(&cib), (0, 2, 0));
    assert!(ids(&cib, "primitive").contains(&"r4".to_string()));
    assert_eq!(cib.attr("update-client"), Some("cibadmin"));
    assert_eq!(cib.attr("update-user"), Some("root"));
    assert!(cib.attr("cib-last-written").is_some());

    // status change: num_updates only
    let out = node.cibadmin(&[
        "-C",
        "-o",
        "status",
        "-X",
        r#"<node_state id="1" uname="node1" in_ccm="true" crmd="online"/>"#,
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(node.version(), (0, 2, 1));

    // modify merges
    let out = node.cibadmin(&["-M", "-X", r#"<primitive id="r4" description="d"/>"#]);
    assert_eq!(out.code, 0, "{out:?}");
    let cib = node.query();
    let out = node.cibadmin(&["-Q", "-A", "//primitive[@id='r4']"]);
    let r4 = out.xml();
    assert_eq!(r4.attr("description"), Some("d"));
    assert_eq!(r4.attr("type"), Some("Dummy"));
    assert_eq!(version_of(&cib), (0, 3, 0));

    // modify of a missing object, then with --allow-create
    let out = node.cibadmin(&["-M", "-o", "resources", "-X", &primitive("r5")]);
    assert_eq!(out.code, 105, "{out:?}");
    let out = node.cibadmin(&["-M", "-c", "-o", "resources", "-X", &primitive("r5")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(ids(&node.query(), "primitive").contains(&"r5".to_string()));

    // replace a section
    let out = node.cibadmin(&[
        "-R",
        "-o",
        "resources",
        "-X",
        &format!(
            "<resources>{}{}</resources>",
            primitive("a"),
            primitive("b")
        ),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(ids(&node.query(), "primitive"), ["a", "b"]);

    // replace the whole CIB with an older one is refused
    let mut old = node.query();
    let v = version_of(&old);
    old.set_attr("epoch", (v.1 - 1).to_string());
    let out = node.cibadmin_stdin(&["-R", "-p"], &old.to_compact());
    assert_eq!(out.code, 103, "{out:?}");
    assert_eq!(node.version(), v);
    // ... and a newer one accepted
    old.set_attr("epoch", (v.1 + 5).to_string());
    let out = node.cibadmin_stdin(&["-R", "-p"], &old.to_compact());
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(node.version().1, v.1 + 5);

    // delete by matching element, then by XPath
    let out = node.cibadmin(&["-D", "-X", r#"<primitive id="a"/>"#]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = node.cibadmin(&["-D", "-A", "//primitive[@id='b']"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(ids(&node.query(), "primitive").is_empty());

    // delete-all by XPath
    for id in ["x1", "x2", "x3"] {
        assert_eq!(
            node.cibadmin(&["-C", "-o", "resources", "-X", &primitive(id)])
                .code,
            0
        );
    }
    let xpath = "//primitive[starts-with(@id, 'x')]";
    let out = node.cibadmin(&["-d", "-A", xpath]);
    assert_eq!(out.code, 107, "{out:?}");
    let out = node.cibadmin(&["-d", "-A", xpath, "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(ids(&node.query(), "primitive").is_empty());

    // bump
    let before = node.version();
    let out = node.cibadmin(&["-B"]);
    assert_eq!(out.code, 0, "{out:?}");
    // Only the epoch attribute changes: not a configuration change, so
    // num_updates counts it too (as Pacemaker's patchset logic does).
    assert_eq!(node.version(), (before.0, before.1 + 1, before.2 + 1));

    // erase needs --force
    let out = node.cibadmin(&["-E"]);
    assert_eq!(out.code, 107, "{out:?}");
    assert!(!ids(&node.query(), "node").is_empty());
    let out = node.cibadmin(&["-E", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    let cib = node.query();
    assert!(ids(&cib, "node").is_empty());
    assert!(version_of(&cib).1 > before.1);
}

#[test]
fn patch_round_trip_with_crm_diff() {
    // What pcs and crmsh do: edit a copy, diff it without versions, apply.
    let node = Node::start_with(&[], Some(&cib_with(2)));
    let dir = node.dir.path();
    let old = node.cibadmin(&["-Q"]).stdout;
    std::fs::write(dir.join("old.xml"), &old).expect("write");
    let mut edited = parse(&old).expect("CIB");
    let resources = edited
        .child_mut("configuration")
        .and_then(|c| c.child_mut("resources"))
        .expect("resources");
    resources.push(parse(&primitive("added")).expect("primitive"));
    if let Some(r1) = resources.children.iter_mut().find_map(|c| match c {
        pcmk_common::xml::Node::Element(e) if e.id() == Some("r1") => Some(e),
        _ => None,
    }) {
        r1.set_attr("description", "edited");
    }
    std::fs::write(dir.join("new.xml"), edited.to_pretty()).expect("write");
    let old_path = dir.join("old.xml").display().to_string();
    let new_path = dir.join("new.xml").display().to_string();
    let diff = node.run(
        "crm_diff",
        &["--no-version", "-o", &old_path, "-n", &new_path],
        None,
        &[],
    );
    assert_eq!(diff.code, 1, "crm_diff: {diff:?}");
    std::fs::write(dir.join("patch.xml"), &diff.stdout).expect("write");
    let patch_path = dir.join("patch.xml").display().to_string();
    let before = node.version();
    let out = node.cibadmin(&["--patch", "-x", &patch_path]);
    assert_eq!(out.code, 0, "{out:?}\npatch:\n{}", diff.stdout);
    let cib = node.query();
    assert!(ids(&cib, "primitive").contains(&"added".to_string()));
    assert_eq!(version_of(&cib), (before.0, before.1 + 1, 0));
    let r1 = node.cibadmin(&["-Q", "-A", "//primitive[@id='r1']"]).xml();
    assert_eq!(r1.attr("description"), Some("edited"));
}

#[test]
fn upgrade() {
    let mut cib = cib_with(1);
    cib.set_attr("validate-with", "pacemaker-2.10");
    let node = Node::start_with(&[], Some(&cib));
    let out = node.cibadmin(&["--upgrade", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
    let cib = node.query();
    assert_eq!(cib.attr("validate-with"), Some("pacemaker-4.0"));
    assert_eq!(ids(&cib, "primitive"), ["r1"]);
    // Already the latest.
    let out = node.cibadmin(&["--upgrade", "--force"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn persistence_across_restart() {
    let mut node = Node::start_with(&[], Some(&cib_with(1)));
    for id in ["p1", "p2", "p3"] {
        let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive(id)]);
        assert_eq!(out.code, 0, "{out:?}");
    }
    let before = node.version();
    node.wait_written();
    node.restart();
    let cib = node.query();
    assert_eq!(ids(&cib, "primitive"), ["r1", "p1", "p2", "p3"]);
    assert_eq!(
        (version_of(&cib).0, version_of(&cib).1),
        (before.0, before.1)
    );
    assert!(node.store().is_consistent());
    // Backups of the previous versions, and the series counter.
    let files: Vec<String> = node.files().into_iter().map(|f| f.0).collect();
    assert!(files.iter().any(|f| f.ends_with(".raw")), "{files:?}");
    assert!(files.contains(&"cib.last".to_string()), "{files:?}");
}

#[test]
fn status_changes_are_not_written() {
    let node = Node::start_with(&[], Some(&cib_with(1)));
    node.wait_written();
    let files = node.files();
    let out = node.cibadmin(&[
        "-C",
        "-o",
        "status",
        "-X",
        r#"<node_state id="1" uname="node1"/>"#,
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(node.files(), files, "a status change was written to disk");
}

#[test]
fn corrupted_cib_uses_newest_good_backup() {
    let mut node = Node::start_with(&[], Some(&cib_with(1)));
    let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive("first")]);
    assert_eq!(out.code, 0);
    node.wait_written();
    let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive("second")]);
    assert_eq!(out.code, 0);
    node.wait_written();
    node.stop();

    // Truncated in the middle.
    let path = node.cib_dir().join("cib.xml");
    let text = std::fs::read_to_string(&path).expect("cib.xml");
    std::fs::write(&path, &text[..text.len() / 2]).expect("corrupt");
    node.spawn();
    let cib = node.query();
    let prims = ids(&cib, "primitive");
    assert!(prims.contains(&"first".to_string()), "{prims:?}");
    assert!(!prims.contains(&"second".to_string()), "{prims:?}");
    assert!(
        node.log().contains("NOT using CIB"),
        "the corruption was not reported:\n{}",
        node.log()
    );
    // The daemon serves and writes again.
    let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive("third")]);
    assert_eq!(out.code, 0, "{out:?}");
    node.wait_written();

    // A digest mismatch (hand edit) is reported the same way.
    node.stop();
    let text = std::fs::read_to_string(&path).expect("cib.xml");
    std::fs::write(&path, text.replace("third", "hand-edited")).expect("edit");
    node.spawn();
    let prims = ids(&node.query(), "primitive");
    assert!(!prims.contains(&"hand-edited".to_string()), "{prims:?}");
    assert!(node.log().contains("manually modified"), "{}", node.log());
}

#[test]
fn kill9_during_writes_leaves_a_consistent_cib() {
    let mut node = Node::start_with(&[], Some(&cib_with(1)));
    let socket = node.socket();
    let rt = runtime();
    for round in 0..3 {
        let writer = std::thread::spawn({
            let socket = socket.clone();
            move || {
                let rt = runtime();
                rt.block_on(async {
                    let Ok(mut c) = CibClient::connect(&socket).await else {
                        return 0;
                    };
                    let mut done = 0;
                    for i in 0..100_000 {
                        let mut req =
                            Request::new(Operation::Create, Target::Section("resources".into()));
                        req.input =
                            Some(parse(&primitive(&format!("k{round}-{i}"))).expect("primitive"));
                        match c.perform(&req).await {
                            Ok(r) if r.is_ok() => done += 1,
                            _ => break,
                        }
                    }
                    done
                })
            }
        });
        std::thread::sleep(Duration::from_millis(400 + 150 * round));
        node.kill9();
        let done = writer.join().expect("writer");
        assert!(done > 0, "no write went through");
        assert!(
            node.store().is_consistent(),
            "cib.xml does not parse or match its digest after kill -9"
        );
        node.spawn();
        let cib = rt.block_on(async {
            let mut c = CibClient::connect(&socket).await.expect("connect");
            c.query_xml(Target::All).await.expect("query")
        });
        let n = ids(&cib, "primitive").len();
        assert!(n >= 1, "the CIB lost its resources");
        assert!(
            node.log().contains("Loaded CIB from"),
            "the CIB was not loaded from cib.xml:\n{}",
            node.log()
        );
    }
}

fn acl_cib() -> Element {
    let mut cib = cib_with(2);
    let config = cib.child_mut("configuration").expect("configuration");
    config.push(
        parse(
            r#"<acls>
  <acl_target id="reader"><role id="read-all"/></acl_target>
  <acl_target id="rsc-admin"><role id="read-all"/><role id="write-resources"/></acl_target>
  <acl_target id="nobody-special"><role id="deny-all"/></acl_target>
  <acl_role id="read-all"><acl_permission id="read-all-1" kind="read" xpath="/cib"/></acl_role>
  <acl_role id="write-resources"><acl_permission id="wr-1" kind="write" xpath="//resources"/></acl_role>
  <acl_role id="deny-all"><acl_permission id="deny-1" kind="deny" xpath="/cib"/></acl_role>
</acls>"#,
        )
        .expect("acls"),
    );
    config
        .child_mut("crm_config")
        .and_then(|c| c.child_mut("cluster_property_set"))
        .expect("options")
        .push(parse(r#"<nvpair id="opt-acl" name="enable-acl" value="true"/>"#).expect("nvpair"));
    cib
}

#[test]
fn acls_allow_and_deny() {
    let node = Node::start_with(&[], Some(&acl_cib()));
    node.wait_written();
    let files = node.files();
    let version = node.version();

    // Read allowed, write denied.
    let out = node.cibadmin_as("reader", &["-Q", "-o", "resources"]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = node.cibadmin_as(
        "reader",
        &["-C", "-o", "resources", "-X", &primitive("nope")],
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("Permission denied"), "{}", out.stderr);

    // Everything denied: the query itself fails.
    let out = node.cibadmin_as("nobody-special", &["-Q"]);
    assert_eq!(out.code, 4, "{out:?}");
    // A user without ACLs: no access.
    let out = node.cibadmin_as("stranger", &["-Q"]);
    assert_eq!(out.code, 4, "{out:?}");

    assert_eq!(node.version(), version);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(node.files(), files, "a denied request changed the files");

    // Write allowed on resources only.
    let out = node.cibadmin_as(
        "rsc-admin",
        &["-C", "-o", "resources", "-X", &primitive("mine")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(ids(&node.query(), "primitive").contains(&"mine".to_string()));
    let out = node.cibadmin_as(
        "rsc-admin",
        &["-C", "-o", "nodes", "-X", r#"<node id="2" uname="node2"/>"#],
    );
    assert_eq!(out.code, 4, "{out:?}");

    // Filtered query: the denied user sees nothing of the ACLs he cannot
    // read; root sees all.
    let out = node.cibadmin(&["-Q"]);
    assert!(out.stdout.contains("acl_target"));
}

/// Asserts that a refused request changed nothing and the daemon serves.
fn assert_unchanged(node: &Node, version: (i64, i64, i64), files: &[(String, Vec<u8>)]) {
    assert_eq!(node.version(), version, "the CIB changed");
    assert_eq!(node.files(), files, "the files changed");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let node = Node::start_with(&["--max-request-bytes", "200000"], Some(&cib_with(2)));
    node.wait_written();
    let files = node.files();
    let version = node.version();

    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["-C", "-o", "resources", "-X", "<primitive"],
            65,
            "Couldn't parse input",
        ),
        (
            &["-C", "-o", "resources", "-X", "hello"],
            65,
            "Couldn't parse input",
        ),
        (
            &["-C", "-o", "bogus", "-X", "<primitive id=\"z\"/>"],
            70,
            "Invalid value 'bogus'",
        ),
        (&["-C", "-o", "resources", "-X", &primitive("r1")], 108, ""),
        (
            &[
                "-C",
                "-o",
                "constraints",
                "-X",
                r#"<rsc_location id="r1" rsc="r2" node="node1" score="10"/>"#,
            ],
            78,
            "conform to the configured schema",
        ),
        (
            &[
                "-C",
                "-o",
                "constraints",
                "-X",
                r#"<rsc_location id="l1" rsc="missing" node="node1" score="10"/>"#,
            ],
            78,
            "conform to the configured schema",
        ),
        (
            &[
                "-C",
                "-o",
                "constraints",
                "-X",
                r#"<rsc_order id="o1" first="r1" then="r2" first-action="break"/>"#,
            ],
            78,
            "conform to the configured schema",
        ),
        (
            &["-C", "-o", "resources", "-X", r#"<bogus id="x"/>"#],
            78,
            "conform",
        ),
        (
            &["-M", "-X", r#"<cib validate-with="pacemaker-9999.0"/>"#],
            78,
            "",
        ),
    ];
    for (args, code, text) in cases {
        let out = node.cibadmin(args);
        assert_eq!(out.code, *code, "cibadmin {args:?}: {out:?}");
        assert!(
            out.stderr.contains(text),
            "cibadmin {args:?}: {}",
            out.stderr
        );
        assert_unchanged(&node, version, &files);
    }
    // Validation errors name the offending element.
    let out = node.cibadmin(&[
        "-C",
        "-o",
        "constraints",
        "-X",
        r#"<rsc_location id="l1" rsc="missing" node="node1" score="10"/>"#,
    ]);
    assert!(out.stderr.contains("rsc_location"), "{}", out.stderr);

    // Oversized request (over --max-request-bytes).
    let mut big = String::from("<resources>");
    for i in 0..5000 {
        big.push_str(&primitive(&format!("big{i}")));
    }
    big.push_str("</resources>");
    let out = node.cibadmin_stdin(&["-R", "-o", "resources", "-p"], &big);
    assert_eq!(out.code, 76, "{out:?}");
    assert!(out.stderr.contains("Message too long"), "{}", out.stderr);
    assert_unchanged(&node, version, &files);

    // Still serving.
    let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive("ok")]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn subscribers_receive_patchsets() {
    let node = Node::start_with(&[], Some(&cib_with(1)));
    let rt = runtime();
    rt.block_on(async {
        let mut c = CibClient::connect(&node.socket()).await.expect("connect");
        let mut events = c.subscribe(true).await.expect("subscribe");
        let first = events.message().await.expect("stream").expect("event");
        let initial = parse(&first.cib).expect("initial CIB");
        assert_eq!(ids(&initial, "primitive"), ["r1"]);

        let out = node.cibadmin(&["-C", "-o", "resources", "-X", &primitive("seen")]);
        assert_eq!(out.code, 0);
        let ev = tokio::time::timeout(Duration::from_secs(10), events.message())
            .await
            .expect("no event")
            .expect("stream")
            .expect("event");
        let patch = parse(&ev.patchset).expect("patchset");
        assert_eq!(patch.attr("format"), Some("2"));
        assert!(ev.patchset.contains("seen"), "{}", ev.patchset);
        assert!(ev.config_changed);
        assert_eq!(ev.client_name, "cibadmin");
        let v = ev.version.expect("version");
        assert_eq!(v.epoch, 2);
    });
}

#[test]
fn hostile_clients_do_not_stop_the_daemon() {
    use std::io::Write as _;
    let mut node = Node::start_with(&[], Some(&cib_with(1)));
    // Garbage on the socket, then gone.
    for junk in [
        &b"\x00\x00\x00\x00"[..],
        b"GET / HTTP/1.1\r\n\r\n",
        &[0xff; 4096],
    ] {
        let mut s = std::os::unix::net::UnixStream::connect(node.socket()).expect("connect");
        let _ = s.write_all(junk);
        drop(s);
    }
    // A client that connects and never speaks.
    let _idle = std::os::unix::net::UnixStream::connect(node.socket()).expect("connect");
    // A subscriber that never reads while many changes happen.
    let rt = runtime();
    let _stream = rt.block_on(async {
        let mut c = CibClient::connect(&node.socket()).await.expect("connect");
        c.subscribe(true).await.expect("subscribe")
    });
    let socket = node.socket();
    rt.block_on(async {
        let mut c = CibClient::connect(&socket).await.expect("connect");
        for i in 0..300 {
            let mut req = Request::new(Operation::Create, Target::Section("resources".into()));
            req.input = Some(parse(&primitive(&format!("s{i}"))).expect("primitive"));
            let r = c.perform(&req).await.expect("perform");
            assert!(r.is_ok(), "{r:?}");
        }
    });
    // A request whose client vanishes before the reply.
    rt.block_on(async {
        let mut c = CibClient::connect(&socket).await.expect("connect");
        let req = Request::new(Operation::Query, Target::All);
        let _ = tokio::time::timeout(Duration::from_millis(1), c.perform(&req)).await;
    });
    assert!(node.alive(), "the daemon died:\n{}", node.log());
    assert_eq!(ids(&node.query(), "primitive").len(), 301);
}
