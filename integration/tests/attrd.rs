//! Three nodes on loopback, each with corosync, pacemaker-based and
//! pacemaker-attrd: an update on one node is seen on every node and is
//! written once into the CIB status by the writer; the writer is
//! re-elected when it dies; a node that comes back is resynchronised.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use pcmk_based::client::CibClient;
use pcmk_based::request::Target;
use pcmk_common::xml::Element;
use pcmk_integration::lab::{self, Lab, LabSpec};
use pcmk_proto::attrd as pb;
use pcmk_proto::attrd::attrd_client::AttrdClient;

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
    let ok = ["corosync", "pacemaker-based", "pacemaker-attrd"]
        .iter()
        .all(|b| lab::bin_dir().join(b).exists());
    if !ok {
        eprintln!("skipped: build the binaries first (cargo build --workspace --bins)");
    }
    ok
}

async fn attrd(lab: &Lab, k: u32) -> AttrdClient<tonic::transport::Channel> {
    let sock = lab.node_dir(k).join("run").join("attrd.sock");
    AttrdClient::new(pcmk_proto::uds::connect(&sock).await.unwrap())
}

async fn cib(lab: &Lab, k: u32) -> Element {
    let sock = lab.node_dir(k).join("run").join("based.sock");
    let mut c = CibClient::connect(&sock).await.unwrap();
    c.query_xml(Target::All).await.unwrap()
}

/// The values of `name` in the transient attributes of CIB `doc`, as
/// (node id, value), one entry per nvpair found.
fn transient(doc: &Element, name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(status) = doc.child("status") else {
        return out;
    };
    for ns in status.children_named("node_state") {
        for ta in ns.children_named("transient_attributes") {
            for nv in ta.descendants().filter(|e| e.name == "nvpair") {
                if nv.attr("name") == Some(name) {
                    out.push((
                        ns.id().unwrap_or("").to_string(),
                        nv.attr("value").unwrap_or("").to_string(),
                    ));
                }
            }
        }
    }
    out
}

async fn update(lab: &Lab, k: u32, name: &str, value: &str, host: &str) {
    let r = attrd(lab, k)
        .await
        .update(pb::UpdateRequest {
            name: name.into(),
            value: Some(value.into()),
            host: host.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.exit_code, 0, "{}", r.message);
}

/// Every (host, value) of `name` node `k` knows, sorted.
async fn query_all(lab: &Lab, k: u32, name: &str) -> Vec<(String, Option<String>)> {
    let r = attrd(lab, k)
        .await
        .query(pb::QueryRequest {
            name: name.into(),
            host: String::new(),
            all_nodes: true,
        })
        .await
        .unwrap()
        .into_inner();
    let mut v: Vec<_> = r.values.into_iter().map(|v| (v.host, v.value)).collect();
    v.sort();
    v
}

async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let end = Instant::now() + within;
    loop {
        match check().await {
            Ok(v) => return v,
            Err(e) if Instant::now() > end => panic!("{what} within {within:?}: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// The nodes whose attribute manager says, last, that it is the writer
/// (from each node's log).
fn writers_by_log(lab: &Lab, nodes: &[u32]) -> Vec<u32> {
    nodes
        .iter()
        .copied()
        .filter(|&k| {
            let log =
                std::fs::read_to_string(lab.node_dir(k).join("pacemaker.log")).unwrap_or_default();
            log.lines()
                .rfind(|l| l.contains("pacemaker-attrd") && l.contains("attribute writer"))
                .is_some_and(|l| l.contains("Recorded local node as attribute writer"))
        })
        .collect()
}

/// The node whose CIB holds `name` for node id `id` with `value`.
async fn writer_of(lab: &Lab, nodes: &[u32], name: &str, id: &str, value: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for &k in nodes {
        let doc = cib(lab, k).await;
        if transient(&doc, name)
            .iter()
            .any(|(i, v)| i == id && v == value)
        {
            out.push(k);
        }
    }
    out
}

fn start_stack(lab: &Lab, k: u32) {
    lab.start_daemon(k, "pacemaker-based", &[]).unwrap();
    lab.start_daemon(k, "pacemaker-attrd", &[]).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t20_attributes_are_shared_written_once_and_resynced() {
    if !have_binaries() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        port: 16_420,
        token: Some(1000),
        crypto: true,
        subnet: 40,
    };
    let lab = Lab::create(dir.path(), &spec).unwrap();
    let r = Running { lab, _dir: dir };
    let lab = &r.lab;
    lab.start_all().unwrap();
    let all = [1, 2, 3];
    lab.wait_members(&all, Duration::from_secs(20))
        .await
        .unwrap();
    for k in all {
        start_stack(lab, k);
    }
    for k in all {
        lab.wait_socket(k, "attrd", Duration::from_secs(20))
            .await
            .unwrap();
    }

    // An update on node 1 for node 1 is seen everywhere.
    let started = Instant::now();
    update(lab, 1, "test-attr", "5", "node1").await;
    for k in all {
        eventually(
            "node sees the update",
            Duration::from_secs(10),
            || async move {
                let v = query_all(lab, k, "test-attr").await;
                if v == [("node1".to_string(), Some("5".to_string()))] {
                    Ok(())
                } else {
                    Err(format!("node{k}: {v:?}"))
                }
            },
        )
        .await;
    }
    eprintln!(
        "update seen on every node after {} ms",
        started.elapsed().as_millis()
    );

    // It is written by exactly one writer, once.
    let writer = eventually(
        "the writer writes it",
        Duration::from_secs(10),
        || async move {
            let w = writer_of(lab, &all, "test-attr", "1", "5").await;
            if w.is_empty() {
                Err("in no CIB".to_string())
            } else {
                Ok(w)
            }
        },
    )
    .await;
    eprintln!(
        "written to the CIB of node(s) {writer:?} after {} ms",
        started.elapsed().as_millis()
    );
    for &k in &writer {
        let doc = cib(lab, k).await;
        assert_eq!(
            transient(&doc, "test-attr"),
            [("1".to_string(), "5".to_string())],
            "node{k}'s CIB holds the value once"
        );
    }
    // An increment is expanded against the current value.
    update(lab, 2, "test-attr", "value++", "node1").await;
    for k in all {
        eventually(
            "the increment is seen",
            Duration::from_secs(10),
            || async move {
                let v = query_all(lab, k, "test-attr").await;
                if v == [("node1".to_string(), Some("6".to_string()))] {
                    Ok(())
                } else {
                    Err(format!("node{k}: {v:?}"))
                }
            },
        )
        .await;
    }

    // Exactly one attribute manager is the writer.
    let by_log = eventually("one writer", Duration::from_secs(10), || async move {
        match writers_by_log(lab, &all)[..] {
            [w] => Ok(w),
            ref v => Err(format!("writers {v:?}")),
        }
    })
    .await;
    eprintln!("the writer is node{by_log}");

    // The writer dies: the others elect a new one, which writes every
    // value into its CIB.
    let old = by_log;
    lab.kill_daemon(old, "pacemaker-attrd").unwrap();
    let rest: Vec<u32> = all.iter().copied().filter(|&k| k != old).collect();
    let killed = Instant::now();
    let other = rest[0];
    let other_name = format!("node{other}");
    update(lab, other, "after", "1", &other_name).await;
    let new_writer = eventually("a new writer writes", Duration::from_secs(20), || {
        let rest = rest.clone();
        async move {
            let w = writer_of(lab, &rest, "after", &other.to_string(), "1").await;
            if w.is_empty() {
                Err("in no CIB".to_string())
            } else {
                Ok(w)
            }
        }
    })
    .await;
    eprintln!(
        "CIB(s) {new_writer:?} hold the new value {} ms after the kill",
        killed.elapsed().as_millis()
    );
    let elected = eventually("one new writer", Duration::from_secs(10), || {
        let rest = rest.clone();
        async move {
            match writers_by_log(lab, &rest)[..] {
                [w] => Ok(w),
                ref v => Err(format!("writers {v:?}")),
            }
        }
    })
    .await;
    eprintln!("the new writer is node{elected}");
    for &k in &new_writer {
        let doc = cib(lab, k).await;
        assert_eq!(
            transient(&doc, "test-attr"),
            [("1".to_string(), "6".to_string())],
            "the new writer wrote the older value too, once"
        );
        assert_eq!(transient(&doc, "after").len(), 1);
    }

    // The dead node's attribute manager comes back: it gets every value.
    lab.start_daemon(old, "pacemaker-attrd", &[]).unwrap();
    lab.wait_socket(old, "attrd", Duration::from_secs(20))
        .await
        .unwrap();
    // The others' values are synced to it; its own values give way to its
    // new, empty state (a node's values for itself take priority, as in
    // Pacemaker), everywhere and in the CIB.
    let own = if old == 1 {
        None
    } else {
        Some("6".to_string())
    };
    for k in all {
        let own = own.clone();
        let other_name = other_name.clone();
        eventually(
            "the restarted node is resynced",
            Duration::from_secs(10),
            || {
                let own = own.clone();
                let other_name = other_name.clone();
                async move {
                    let a = query_all(lab, k, "test-attr").await;
                    let b = query_all(lab, k, "after").await;
                    if a == [("node1".to_string(), own)]
                        && b == [(other_name, Some("1".to_string()))]
                    {
                        Ok(())
                    } else {
                        Err(format!("node{k}: {a:?} {b:?}"))
                    }
                }
            },
        )
        .await;
    }
    let expect_cib: Vec<(String, String)> =
        own.iter().map(|v| ("1".to_string(), v.clone())).collect();
    let writers = eventually("the CIB follows", Duration::from_secs(10), || {
        let expect_cib = expect_cib.clone();
        async move {
            let mut w = Vec::new();
            for k in all {
                let doc = cib(lab, k).await;
                if !transient(&doc, "after").is_empty() {
                    if transient(&doc, "test-attr") != expect_cib {
                        return Err(format!("node{k}: {:?}", transient(&doc, "test-attr")));
                    }
                    w.push(k);
                }
            }
            if w.is_empty() {
                Err("no CIB written".to_string())
            } else {
                Ok(w)
            }
        }
    })
    .await;
    eprintln!("CIB written by {writers:?} after the return of node{old}");
    // And its own updates reach the others.
    let old_name = format!("node{old}");
    update(lab, old, "back", "yes", &old_name).await;
    for k in all {
        eventually(
            "the returning node's update is seen",
            Duration::from_secs(10),
            || {
                let old_name = old_name.clone();
                async move {
                    let v = query_all(lab, k, "back").await;
                    if v == [(old_name, Some("yes".to_string()))] {
                        Ok(())
                    } else {
                        Err(format!("node{k}: {v:?}"))
                    }
                }
            },
        )
        .await;
    }

    // The whole node leaves the cluster: the others forget its values.
    lab.kill(old).unwrap();
    // Its daemons may already have ended on losing corosync.
    let _ = lab.kill_daemon(old, "pacemaker-attrd");
    let _ = lab.kill_daemon(old, "pacemaker-based");
    let left = Instant::now();
    for &k in &rest {
        eventually(
            "the lost node's values are dropped",
            Duration::from_secs(20),
            || async move {
                let v = query_all(lab, k, "back").await;
                if v.is_empty() {
                    Ok(())
                } else {
                    Err(format!("node{k}: {v:?}"))
                }
            },
        )
        .await;
    }
    eprintln!(
        "values of the lost node dropped after {} ms",
        left.elapsed().as_millis()
    );
    // The writer also asks the CIB to erase them, by the node_state's
    // uname as Pacemaker does: that needs the controller, which writes
    // node_state entries with their uname (attrd writes only the id).
}
