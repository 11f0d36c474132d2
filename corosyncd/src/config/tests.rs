use super::*;
use crate::cmap::CmapValue;
use typed::{Cipher, Hash, TieBreaker, Transport};

const THREE: &str = "\
totem {
    version: 2
    cluster_name: lab
    transport: udpu
    crypto_cipher: aes256
    crypto_hash: sha256
    interface {
        linknumber: 0
        mcastport: 5405
    }
}

nodelist {
    node {
        ring0_addr: 127.0.0.1
        name: node1
        nodeid: 1
    }
    node {
        ring0_addr: 127.0.0.2
        name: node2
        nodeid: 2
        quorum_votes: 2
    }
    node {
        ring0_addr: 127.0.0.3
        name: node3
        nodeid: 3
    }
}

quorum {
    provider: corosync_votequorum
    wait_for_all: 1
}

logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_syslog: no
    timestamp: on
    logger_subsys {
        subsys: QUORUM
        debug: on
    }
}
";

fn parse_one(text: &str) -> Result<Config, ConfigError> {
    ParsedFiles::parse(&[("corosync.conf".into(), text.into())])
        .unwrap()
        .config()
}

#[test]
fn typed_values_and_defaults() {
    let c = parse_one(THREE).unwrap();
    assert_eq!(c.totem.cluster_name, "lab");
    assert_eq!(c.totem.transport, Transport::Udpu);
    assert_eq!(
        (c.totem.crypto_cipher, c.totem.crypto_hash),
        (Cipher::Aes256, Hash::Sha256)
    );
    assert_eq!(c.nodes.len(), 3);
    assert_eq!(c.nodes[1].votes, 2);
    assert_eq!(c.node(3).unwrap().name.as_deref(), Some("node3"));
    assert!(c.quorum.votequorum && c.quorum.wait_for_all && !c.quorum.two_node);
    assert!(c.logging.to_logfile && !c.logging.to_syslog);
    assert_eq!(c.logging.debug_subsys, vec!["QUORUM".to_string()]);
    // Corosync 3.1 at three nodes: 3000 + 650, consensus 1.2 times that.
    let t = c.timeouts();
    assert_eq!(
        (t.token, t.consensus, t.join, t.merge),
        (3650, 4380, 50, 200)
    );
    assert_eq!(t.token_retransmit, 869);
    assert_eq!(c.port(), 5405);
    assert!(
        c.warnings.iter().any(|w| w.contains("udpu")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn two_node_implies_wait_for_all_unless_disabled() {
    let base = "totem {\n version: 2\n}\nnodelist {\n node {\n  ring0_addr: 10.0.0.1\n  nodeid: 1\n }\n node {\n  ring0_addr: 10.0.0.2\n  nodeid: 2\n }\n}\n";
    let c = parse_one(&format!(
        "{base}quorum {{\n provider: corosync_votequorum\n two_node: 1\n}}\n"
    ))
    .unwrap();
    assert!(c.quorum.two_node && c.quorum.wait_for_all);
    let c = parse_one(&format!(
        "{base}quorum {{\n provider: corosync_votequorum\n two_node: 1\n wait_for_all: 0\n}}\n"
    ))
    .unwrap();
    assert!(c.quorum.two_node && !c.quorum.wait_for_all);
    assert!(c.warnings.iter().any(|w| w.contains("knet")));
}

#[test]
fn unknown_keys_warn_with_location() {
    let text = THREE.replace(
        "    cluster_name: lab\n",
        "    cluster_name: lab\n    tokn: 5000\n",
    );
    let c = parse_one(&text).unwrap();
    assert!(
        c.warnings
            .iter()
            .any(|w| w == "corosync.conf:4: unknown key totem.tokn (ignored)"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn invalid_values_are_refused_with_reason() {
    let cases = [
        (
            "    transport: udpu\n",
            "    transport: tcp\n",
            4,
            "invalid transport",
        ),
        ("    version: 2\n", "    version: 1\n", 2, "must be 2"),
        (
            "    crypto_hash: sha256\n",
            "    crypto_hash: crc\n",
            6,
            "invalid crypto_hash",
        ),
        (
            "        mcastport: 5405\n",
            "        mcastport: 99999\n",
            9,
            "mcastport",
        ),
        ("        nodeid: 3\n", "        nodeid: x\n", 28, "nodeid"),
        (
            "    wait_for_all: 1\n",
            "    wait_for_all: maybe\n",
            34,
            "wait_for_all",
        ),
    ];
    for (from, to, line, needle) in cases {
        let text = THREE.replace(from, to);
        let e = parse_one(&text).unwrap_err();
        assert_eq!(e.line, line, "{e}");
        assert!(e.to_string().contains(needle), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("corosync.conf:{line}: ")),
            "{e}"
        );
    }
    let e = parse_one(&THREE.replace("    crypto_hash: sha256\n", "    crypto_hash: none\n"))
        .unwrap_err();
    assert!(e.message.contains("crypto_cipher requires crypto_hash"));
    let e = parse_one(&THREE.replace("    version: 2\n", "    version: 2\n    consensus: 100\n"))
        .unwrap_err();
    assert!(e.message.contains("consensus"), "{e}");
    let e = parse_one("totem {\n version: 2\n}\n").unwrap_err();
    assert!(e.message.contains("nodelist"));
    let dup = THREE.replace("        nodeid: 3\n", "        nodeid: 2\n");
    assert!(parse_one(&dup).unwrap_err().message.contains("same nodeid"));
}

#[test]
fn secauth_maps_to_crypto_and_tie_breaker_lists() {
    let text = THREE
        .replace(
            "    crypto_cipher: aes256\n    crypto_hash: sha256\n",
            "    secauth: on\n",
        )
        .replace(
            "    wait_for_all: 1\n",
            "    auto_tie_breaker: 1\n    auto_tie_breaker_node: 3 1\n",
        );
    let c = parse_one(&text).unwrap();
    assert_eq!(
        (c.totem.crypto_cipher, c.totem.crypto_hash),
        (Cipher::Aes256, Hash::Sha1)
    );
    assert!(c.quorum.auto_tie_breaker);
    assert_eq!(c.quorum.auto_tie_breaker_node, TieBreaker::List(vec![3, 1]));
    assert!(c.warnings.iter().any(|w| w.contains("Corosync 3 refuses")));
}

#[test]
fn cmap_view_uses_corosync_key_names() {
    let files = ParsedFiles::parse(&[
        ("corosync.conf".into(), THREE.into()),
        (
            "uidgid.d/hacluster".into(),
            "uidgid {\n uid: hacluster\n gid: haclient\n}\n".into(),
        ),
    ])
    .unwrap();
    let keys = files.cmap();
    let get = |k: &str| keys.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("totem.version"), Some(CmapValue::U32(2)));
    assert_eq!(
        get("totem.cluster_name"),
        Some(CmapValue::Str("lab".into()))
    );
    assert_eq!(
        get("totem.interface.0.mcastport"),
        Some(CmapValue::U16(5405))
    );
    assert_eq!(
        get("nodelist.node.1.ring0_addr"),
        Some(CmapValue::Str("127.0.0.2".into()))
    );
    assert_eq!(get("nodelist.node.2.nodeid"), Some(CmapValue::U32(3)));
    assert_eq!(get("nodelist.node.1.quorum_votes"), Some(CmapValue::U32(2)));
    assert_eq!(get("quorum.wait_for_all"), Some(CmapValue::U8(1)));
    assert_eq!(
        get("logging.logger_subsys.QUORUM.debug"),
        Some(CmapValue::Str("on".into()))
    );
    assert_eq!(get("uidgid.uid.hacluster"), Some(CmapValue::U8(1)));
    assert_eq!(get("uidgid.gid.haclient"), Some(CmapValue::U8(1)));
    let c = files.config().unwrap();
    assert_eq!(c.uidgid.uids, vec!["hacluster".to_string()]);
}

#[test]
fn load_reads_includes_and_reports_their_errors() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("corosync.conf");
    std::fs::write(&main, THREE).unwrap();
    std::fs::create_dir(dir.path().join("uidgid.d")).unwrap();
    std::fs::write(
        dir.path().join("uidgid.d/a"),
        "uidgid {\n gid: haclient\n}\n",
    )
    .unwrap();
    let (c, _) = load(&main).unwrap();
    assert_eq!(c.uidgid.gids, vec!["haclient".to_string()]);
    std::fs::write(dir.path().join("uidgid.d/b"), "uidgid {\n gid: x\n").unwrap();
    let e = load(&main).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("uidgid.d/b:2: Missing closing brace"),
        "{text}"
    );
    assert!(matches!(
        load(&dir.path().join("nope")),
        Err(LoadError::Read { .. })
    ));
}
