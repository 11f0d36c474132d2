//! `crm_resource`'s agent commands for systemd units, against a fake
//! systemd served on a private bus (`DBUS_SYSTEM_BUS_ADDRESS`), and where
//! no systemd can be reached.

#![allow(clippy::unwrap_used)]

#[path = "../../execd/tests/support/fake_systemd.rs"]
mod fake_systemd;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use fake_systemd::{FakeSystemd, FakeUnit, find_dbus_daemon, start_bus};

fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(name)
}

async fn crm_resource(args: &[&str], bus: &str) -> Output {
    let mut c = Command::new(bin("crm_resource"));
    c.args(args)
        .env("DBUS_SYSTEM_BUS_ADDRESS", bus)
        .env("PCMK_lsb_dir", "/nonexistent/init.d");
    // The fake answers on this runtime: do not block it.
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_and_metadata_of_units() {
    if !bin("crm_resource").exists() {
        eprintln!("skipping: crm_resource not built (run ./scripts/test)");
        return;
    }
    if find_dbus_daemon().is_none() {
        eprintln!("skipping: dbus-daemon is not installed (scripts/install-deps)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_bus, address) = start_bus(dir.path());
    let mut units = BTreeMap::new();
    units.insert(
        "httpd.service".to_string(),
        FakeUnit::loaded(
            "/lib/systemd/system/httpd.service",
            "The Apache HTTP Server",
        ),
    );
    units.insert(
        "backup.timer".to_string(),
        FakeUnit::loaded("/lib/systemd/system/backup.timer", "Nightly"),
    );
    let _fake = FakeSystemd::serve(&address, units).await;

    let o = crm_resource(&["--list-standards"], &address).await;
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o).starts_with("ocf\nservice\nlsb\nsystemd\n"),
        "{}",
        text(&o)
    );
    let o = crm_resource(&["--list-agents", "systemd"], &address).await;
    assert_eq!(text(&o), "backup.timer\nhttpd\n");
    let o = crm_resource(&["--list-agents", "service"], &address).await;
    assert_eq!(text(&o), "backup.timer\nhttpd\n");
    let o = crm_resource(&["--show-metadata", "systemd:httpd"], &address).await;
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let md = pcmk_common::xml::parse(&text(&o)).unwrap();
    assert_eq!(md.attr("name"), Some("httpd"));
    assert_eq!(
        md.child("longdesc").unwrap().text().trim(),
        "The Apache HTTP Server"
    );
    // Units cannot be run from the command line (as in Pacemaker).
    let o = crm_resource(
        &["--force-check", "--class", "systemd", "--agent", "httpd"],
        &address,
    )
    .await;
    assert_ne!(o.status.code(), Some(0));
}

#[tokio::test]
async fn without_systemd() {
    if !bin("crm_resource").exists() {
        eprintln!("skipping: crm_resource not built (run ./scripts/test)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let nowhere = format!("unix:path={}", dir.path().join("none").display());
    let o = crm_resource(&["--list-standards"], &nowhere).await;
    assert!(!text(&o).contains("systemd"), "{}", text(&o));
    let o = crm_resource(&["--list-agents", "systemd"], &nowhere).await;
    assert_eq!(o.status.code(), Some(1));
    let o = crm_resource(&["--show-metadata", "systemd:httpd"], &nowhere).await;
    assert_eq!(o.status.code(), Some(105), "{o:?}");
}
