//! A fake systemd manager served on a private D-Bus bus: the manager's
//! methods the executor uses, unit objects with their states, and
//! `JobRemoved` signals when jobs end. It records every call. Also starts
//! the private bus (`dbus-daemon`) it is served on.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::zvariant::{ObjectPath, OwnedObjectPath};

pub const MANAGER_PATH: &str = "/org/freedesktop/systemd1";

/// How a unit's start job ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEnd {
    /// After this many milliseconds, with this result (`done`, `failed`...).
    After(u64, &'static str),
    /// Never.
    Never,
}

#[derive(Debug, Clone)]
pub struct FakeUnit {
    pub load: String,
    pub active: String,
    pub description: String,
    /// Listed by ListUnitFiles at this path.
    pub file: Option<String>,
    pub start: JobEnd,
    /// Reports `activating` until then, `active` after.
    pub settles_at: Option<Instant>,
}

impl FakeUnit {
    pub fn loaded(file: &str, description: &str) -> Self {
        FakeUnit {
            load: "loaded".into(),
            active: "inactive".into(),
            description: description.into(),
            file: Some(file.into()),
            start: JobEnd::After(50, "done"),
            settles_at: None,
        }
    }

    fn active_state(&mut self) -> String {
        if let Some(t) = self.settles_at {
            if Instant::now() < t {
                return "activating".into();
            }
            self.settles_at = None;
            self.active = "active".into();
        }
        self.active.clone()
    }
}

#[derive(Debug, Default)]
pub struct FakeState {
    pub units: BTreeMap<String, FakeUnit>,
    pub calls: Vec<String>,
    next_job: u32,
}

pub type Shared = Arc<Mutex<FakeState>>;

fn unit_path(name: &str) -> String {
    let mut p = String::from("/org/freedesktop/systemd1/unit/");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() {
            p.push(b as char);
        } else {
            p.push_str(&format!("_{b:02x}"));
        }
    }
    p
}

#[derive(Debug, zbus::DBusError)]
#[zbus(prefix = "org.freedesktop.systemd1")]
pub enum SdError {
    #[zbus(error)]
    ZBus(zbus::Error),
    NoSuchUnit(String),
    InvalidName(String),
}

struct Manager {
    state: Shared,
}

struct Unit {
    name: String,
    state: Shared,
}

#[zbus::interface(name = "org.freedesktop.systemd1.Unit")]
impl Unit {
    #[zbus(property)]
    fn active_state(&self) -> String {
        let mut s = self.state.lock().unwrap();
        s.units
            .get_mut(&self.name)
            .map_or_else(|| "inactive".into(), FakeUnit::active_state)
    }

    #[zbus(property)]
    fn load_state(&self) -> String {
        let s = self.state.lock().unwrap();
        s.units
            .get(&self.name)
            .map_or_else(|| "not-found".into(), |u| u.load.clone())
    }

    #[zbus(property)]
    fn description(&self) -> String {
        let s = self.state.lock().unwrap();
        s.units
            .get(&self.name)
            .map_or_else(|| self.name.clone(), |u| u.description.clone())
    }
}

impl Manager {
    fn record(&self, call: String) {
        self.state.lock().unwrap().calls.push(call);
    }

    /// Queues a job on a loaded unit: its path and how it ends.
    fn job(&self, name: &str, stop: bool) -> Result<(u32, String, JobEnd), SdError> {
        let mut s = self.state.lock().unwrap();
        let found = s.units.get(name).filter(|u| u.load != "not-found").cloned();
        let Some(unit) = found else {
            return Err(SdError::NoSuchUnit(format!("Unit {name} not found.")));
        };
        s.next_job += 1;
        let id = s.next_job;
        let end = if stop {
            JobEnd::After(20, "done")
        } else {
            unit.start
        };
        Ok((id, format!("/org/freedesktop/systemd1/job/{id}"), end))
    }

    async fn finish_job(
        &self,
        conn: &zbus::Connection,
        name: String,
        stop: bool,
        (id, path, end): (u32, String, JobEnd),
    ) {
        let JobEnd::After(ms, result) = end else {
            return;
        };
        let state = self.state.clone();
        let conn = conn.clone();
        let done = async move {
            if let Some(u) = state.lock().unwrap().units.get_mut(&name) {
                u.active = match (stop, result) {
                    (true, _) => "inactive",
                    (false, "done") => "active",
                    (false, _) => "failed",
                }
                .into();
            }
            let job = ObjectPath::try_from(path.as_str()).unwrap();
            conn.emit_signal(
                None::<&str>,
                MANAGER_PATH,
                "org.freedesktop.systemd1.Manager",
                "JobRemoved",
                &(id, job, name.as_str(), result),
            )
            .await
            .unwrap();
        };
        if ms == 0 {
            // Before the reply: the client must not miss it.
            done.await;
        } else {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                done.await;
            });
        }
    }
}

#[zbus::interface(name = "org.freedesktop.systemd1.Manager")]
impl Manager {
    fn subscribe(&self) {
        self.record("Subscribe".into());
    }

    fn reload(&self) {
        self.record("Reload".into());
    }

    async fn load_unit(
        &self,
        name: String,
        #[zbus(object_server)] server: &zbus::ObjectServer,
    ) -> Result<OwnedObjectPath, SdError> {
        self.record(format!("LoadUnit {name}"));
        if name.starts_with('-') || name.contains('!') {
            return Err(SdError::InvalidName(format!(
                "Unit name {name} is not valid."
            )));
        }
        let path = unit_path(&name);
        server
            .at(
                path.as_str(),
                Unit {
                    name,
                    state: self.state.clone(),
                },
            )
            .await?;
        Ok(OwnedObjectPath::try_from(path).unwrap())
    }

    async fn start_unit(
        &self,
        name: String,
        mode: String,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> Result<OwnedObjectPath, SdError> {
        self.record(format!("StartUnit {name} {mode}"));
        let job = self.job(&name, false)?;
        let path = job.1.clone();
        self.finish_job(conn, name, false, job).await;
        Ok(OwnedObjectPath::try_from(path).unwrap())
    }

    async fn stop_unit(
        &self,
        name: String,
        mode: String,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> Result<OwnedObjectPath, SdError> {
        self.record(format!("StopUnit {name} {mode}"));
        let job = self.job(&name, true)?;
        let path = job.1.clone();
        self.finish_job(conn, name, true, job).await;
        Ok(OwnedObjectPath::try_from(path).unwrap())
    }

    fn list_unit_files(&self) -> Vec<(String, String)> {
        self.record("ListUnitFiles".into());
        let s = self.state.lock().unwrap();
        s.units
            .values()
            .filter_map(|u| u.file.clone().map(|f| (f, "disabled".to_string())))
            .collect()
    }
}

/// The fake, serving until dropped.
pub struct FakeSystemd {
    pub state: Shared,
    _conn: zbus::Connection,
}

impl FakeSystemd {
    pub async fn serve(address: &str, units: BTreeMap<String, FakeUnit>) -> FakeSystemd {
        let state: Shared = Arc::new(Mutex::new(FakeState {
            units,
            ..Default::default()
        }));
        let conn = zbus::connection::Builder::address(address)
            .unwrap()
            .name("org.freedesktop.systemd1")
            .unwrap()
            .serve_at(
                MANAGER_PATH,
                Manager {
                    state: state.clone(),
                },
            )
            .unwrap()
            .build()
            .await
            .unwrap();
        FakeSystemd { state, _conn: conn }
    }

    pub fn calls(&self) -> Vec<String> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn set_active(&self, unit: &str, state: &str) {
        self.state
            .lock()
            .unwrap()
            .units
            .get_mut(unit)
            .unwrap()
            .active = state.into();
    }
}

pub fn find_dbus_daemon() -> Option<PathBuf> {
    ["/usr/bin/dbus-daemon", "/bin/dbus-daemon"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Kills and reaps a child when dropped.
pub struct Reaped(pub Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn wait_for(path: &Path, what: &str) {
    let t = Instant::now();
    while !path.exists() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "{what} did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A private message bus.
pub fn start_bus(dir: &Path) -> (Reaped, String) {
    let sock = dir.join("system_bus_socket");
    let conf = dir.join("bus.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
"#,
            sock.display()
        ),
    )
    .unwrap();
    let child = Command::new(find_dbus_daemon().unwrap())
        .arg(format!("--config-file={}", conf.display()))
        .arg("--nofork")
        .arg("--nopidfile")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("dbus.log")).unwrap())
        .spawn()
        .unwrap();
    let guard = Reaped(child);
    wait_for(&sock, "dbus-daemon");
    (guard, format!("unix:path={}", sock.display()))
}
