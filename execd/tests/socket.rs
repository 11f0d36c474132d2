//! The executor's socket: the controller runs as `hacluster`, the executor
//! as root, so the socket must belong to the cluster group.

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use pcmk_execd::server::{ExecdConfig, serve};

#[tokio::test]
async fn the_socket_belongs_to_the_cluster_group() {
    let group = nix::unistd::Group::from_name("haclient").ok().flatten();
    let Some(group) = group.filter(|_| nix::unistd::geteuid().is_root()) else {
        eprintln!("skipped: needs root and a haclient group");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("execd.sock");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(sock.clone(), ExecdConfig::default(), async {
        let _ = rx.await;
    }));
    let end = Instant::now() + Duration::from_secs(5);
    // Bound, then given to the group: wait for both.
    let meta = loop {
        if let Ok(m) = std::fs::metadata(&sock) {
            if m.gid() == group.gid.as_raw() || Instant::now() > end {
                break m;
            }
        }
        assert!(Instant::now() < end, "the executor did not bind its socket");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(meta.gid(), group.gid.as_raw());
    assert_eq!(meta.mode() & 0o777, 0o660);
    tx.send(()).unwrap();
    server.await.unwrap().unwrap();
}
