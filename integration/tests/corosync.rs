//! Real `corosync` processes on loopback addresses: formation, tools,
//! failure detection, wrong keys, CPG ordering and partitions.
//!
//! Each test runs its own lab (own folder, port and 127.0.S.x addresses)
//! with a 1 s token so that failures are detected quickly.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pcmk_integration::lab::{self, Lab, LabSpec};
use pcmk_integration::netns::Netns;
use pcmk_proto::corosync::client::{Corosync, CpgMessage};

struct Running {
    lab: Lab,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.lab.down();
    }
}

fn have_binaries() -> bool {
    let ok = lab::bin_dir().join("corosync").exists()
        && lab::bin_dir().join("corosync-quorumtool").exists();
    if !ok {
        eprintln!("skipped: build the binaries first (cargo build --workspace --bins)");
    }
    ok
}

fn lab_of(nodes: u32, subnet: u8, port: u16) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes,
        port,
        token: Some(1000),
        crypto: true,
        subnet,
    };
    let lab = Lab::create(dir.path(), &spec).unwrap();
    lab.start_all().unwrap();
    Running { lab, _dir: dir }
}

fn all(n: u32) -> Vec<u32> {
    (1..=n).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t10_three_nodes_form_answer_tools_and_detect_kill() {
    if !have_binaries() {
        return;
    }
    let r = lab_of(3, 31, 16_405);
    let lab = &r.lab;
    lab.wait_members(&all(3), Duration::from_secs(20))
        .await
        .unwrap();

    let (code, out, _) = lab.exec(2, "corosync-quorumtool", &["-s"]).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "Quorum provider:  corosync_votequorum\nNodes:            3\nNode ID:          2\n"
        ),
        "{out}"
    );
    assert!(out.contains("Quorate:          Yes"), "{out}");
    assert!(out.contains("Expected votes:   3\nHighest expected: 3\nTotal votes:      3\nQuorum:           2  \nFlags:            Quorate \n"), "{out}");
    assert!(
        out.contains("         2          1 node2 (local)\n"),
        "{out}"
    );

    let (code, out, _) = lab
        .exec(
            1,
            "corosync-cmapctl",
            &["-g", "runtime.votequorum.this_node_id"],
        )
        .unwrap();
    assert_eq!(
        (code, out.as_str()),
        (0, "runtime.votequorum.this_node_id (u32) = 1\n")
    );
    let (code, out, _) = lab
        .exec(1, "corosync-cmapctl", &["nodelist.node.2"])
        .unwrap();
    assert_eq!(code, 0);
    assert!(out.contains("nodelist.node.2.nodeid (u32) = 3\n"), "{out}");
    assert!(
        out.contains("nodelist.node.2.ring0_addr (str) = 127.0.31.3\n"),
        "{out}"
    );
    let (code, out, _) = lab
        .exec(1, "corosync-cmapctl", &["-g", "runtime.config.totem.token"])
        .unwrap();
    assert_eq!(
        (code, out.as_str()),
        (0, "runtime.config.totem.token (u32) = 1650\n")
    );
    let (code, _, err) = lab
        .exec(1, "corosync-cmapctl", &["-g", "no.such.key"])
        .unwrap();
    assert_eq!(
        (code, err.as_str()),
        (1, "Can't get key no.such.key. Error CS_ERR_NOT_EXIST\n")
    );
    let (code, _, _) = lab
        .exec(1, "corosync-cmapctl", &["-s", "test.key", "u32", "7"])
        .unwrap();
    assert_eq!(code, 0);
    let (_, out, _) = lab
        .exec(1, "corosync-cmapctl", &["-g", "test.key"])
        .unwrap();
    assert_eq!(out, "test.key (u32) = 7\n");
    let (code, out, _) = lab.exec(3, "corosync-cfgtool", &["-s"]).unwrap();
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Local node ID 3, transport udpu\nLINK ID 0 udp\n\taddr\t= 127.0.31.3\n"),
        "{out}"
    );
    assert!(out.contains("nodeid:          1:\tconnected"), "{out}");

    // kill -9 of node 3: the others notice within token + consensus and stay quorate.
    let t = lab
        .exec(
            1,
            "corosync-cmapctl",
            &["-g", "runtime.config.totem.consensus"],
        )
        .unwrap()
        .1;
    assert!(t.ends_with("= 1980\n"), "{t}");
    lab.kill(3).unwrap();
    let took = lab
        .wait_members(&[1, 2], Duration::from_secs(10))
        .await
        .unwrap();
    eprintln!(
        "node 3 killed: new ring in {} ms (token 1650 + consensus 1980)",
        took.as_millis()
    );
    assert!(
        took < Duration::from_millis(1650 + 1980 + 1500),
        "took {took:?}"
    );
    let (code, out, _) = lab.exec(1, "corosync-quorumtool", &["-s"]).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Nodes:            2\n"));

    // It comes back.
    lab.start(3).unwrap();
    lab.wait_members(&all(3), Duration::from_secs(20))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t11_five_nodes_and_cpg_agreed_order() {
    if !have_binaries() {
        return;
    }
    let r = lab_of(5, 32, 16_406);
    let lab = &r.lab;
    lab.wait_members(&all(5), Duration::from_secs(20))
        .await
        .unwrap();
    let (code, out, _) = lab.exec(4, "corosync-quorumtool", &["-s"]).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Nodes:            5\n") && out.contains("Quorum:           3  \n"),
        "{out}"
    );

    // A CPG client on every node; each sends 40 messages at once.
    let mut groups = Vec::new();
    for k in 1..=5 {
        let sock = lab
            .node_dir(k)
            .join("run")
            .join(pcmk_proto::corosync::SOCKET_NAME);
        let cs = Corosync::connect(&sock).await.unwrap();
        groups.push(cs.cpg_join("order-test").await.unwrap());
    }
    // Wait until every member sees all five.
    for g in &mut groups {
        loop {
            match tokio::time::timeout(Duration::from_secs(10), g.next())
                .await
                .unwrap()
                .unwrap()
            {
                Some(CpgMessage::Confchg { members, .. }) if members.len() == 5 => break,
                Some(_) => {}
                None => panic!("stream closed"),
            }
        }
    }
    let (code, out, _) = lab.exec(2, "corosync-cpgtool", &["-e"]).unwrap();
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Group Name\t       PID\t   Node ID\norder-test\n"),
        "{out}"
    );
    let mut sends = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let s = g.sender();
        sends.push(tokio::spawn(async move {
            for m in 0..40u32 {
                let mut data = format!("{}:{m}:", i + 1).into_bytes();
                data.resize(if m % 10 == 0 { 20_000 } else { 100 }, b'x');
                s.mcast(data).await.unwrap();
            }
        }));
    }
    for s in sends {
        s.await.unwrap();
    }
    let mut orders = Vec::new();
    for g in &mut groups {
        let mut got = Vec::new();
        while got.len() < 200 {
            match tokio::time::timeout(Duration::from_secs(20), g.next())
                .await
                .unwrap()
                .unwrap()
            {
                Some(CpgMessage::Deliver { nodeid, data, .. }) => {
                    let text = String::from_utf8_lossy(
                        &data[..data.iter().position(|&b| b == b'x').unwrap_or(data.len())],
                    )
                    .into_owned();
                    assert!(
                        text.starts_with(&format!("{nodeid}:")),
                        "{text} from {nodeid}"
                    );
                    got.push(text);
                }
                Some(_) => {}
                None => panic!("stream closed"),
            }
        }
        orders.push(got);
    }
    for o in &orders[1..] {
        assert_eq!(o, &orders[0], "every node delivers in the same order");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t12_wrong_authkey_never_joins() {
    if !have_binaries() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        port: 16_407,
        token: Some(1000),
        crypto: true,
        subnet: 33,
    };
    let lab = Lab::create(dir.path(), &spec).unwrap();
    lab::write_other_key(&lab, 3).unwrap();
    lab.start_all().unwrap();
    let r = Running { lab, _dir: dir };
    let lab = &r.lab;
    lab.wait_members(&[1, 2], Duration::from_secs(20))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    for k in [1, 2] {
        let q = lab.quorum(k).await.unwrap();
        assert_eq!(q.members, vec![1, 2], "node {k}");
    }
    let q = lab.quorum(3).await.unwrap();
    assert_eq!((q.quorate, q.members), (false, vec![3]));
    let (_, out, _) = lab
        .exec(1, "corosync-cmapctl", &["-g", "stats.srp.rx_auth_failed"])
        .unwrap();
    let n: u64 = out.rsplit(' ').next().unwrap().trim().parse().unwrap();
    assert!(n > 0, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t13_partition_splits_quorum_and_heals() {
    if !have_binaries() {
        return;
    }
    if let Some(why) = Netns::unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        port: 16_408,
        token: Some(1000),
        crypto: true,
        subnet: 34,
    };
    let lab = Lab::create_netns(dir.path(), &spec).unwrap();
    let r = Running { lab, _dir: dir };
    let lab = &r.lab;
    lab.start_all().unwrap();
    lab.wait_members(&all(3), Duration::from_secs(20))
        .await
        .unwrap();
    lab.partition(&[vec![1, 2], vec![3]]).unwrap();
    let res = async {
        lab.wait_members(&[1, 2], Duration::from_secs(15)).await?;
        let q = lab.quorum(3).await?;
        anyhow::ensure!(!q.quorate && q.members == vec![3], "node 3: {q:?}");
        let (code, _, _) = lab.exec(3, "corosync-quorumtool", &["-s"])?;
        anyhow::ensure!(code == 2, "quorumtool -s on the minority exits {code}");
        Ok(())
    }
    .await;
    lab.heal().unwrap();
    res.unwrap();
    lab.wait_members(&all(3), Duration::from_secs(20))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t14_a_cpg_client_that_goes_away_leaves_its_groups() {
    if !have_binaries() {
        return;
    }
    let r = lab_of(2, 35, 16_409);
    let lab = &r.lab;
    lab.wait_members(&all(2), Duration::from_secs(20))
        .await
        .unwrap();
    let sock = |k: u32| {
        lab.node_dir(k)
            .join("run")
            .join(pcmk_proto::corosync::SOCKET_NAME)
    };
    let cs1 = Corosync::connect(&sock(1)).await.unwrap();
    let mut g1 = cs1.cpg_join("gone-test").await.unwrap();
    let cs2 = Corosync::connect(&sock(2)).await.unwrap();
    let g2 = cs2.cpg_join("gone-test").await.unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(10), g1.next())
            .await
            .unwrap()
            .unwrap()
        {
            Some(CpgMessage::Confchg { members, .. }) if members.len() == 2 => break,
            Some(_) => {}
            None => panic!("stream closed"),
        }
    }
    // The client on node 2 vanishes without leaving (as a killed process).
    drop(g2);
    drop(cs2);
    loop {
        match tokio::time::timeout(Duration::from_secs(5), g1.next())
            .await
            .expect("node 1 learns that the client left")
            .unwrap()
        {
            Some(CpgMessage::Confchg { members, left, .. }) if !left.is_empty() => {
                assert_eq!(members.len(), 1, "{members:?}");
                assert_eq!(left[0].nodeid, 2);
                assert_eq!(left[0].reason, pcmk_proto::corosync::reason::PROCDOWN);
                break;
            }
            Some(_) => {}
            None => panic!("stream closed"),
        }
    }
}
