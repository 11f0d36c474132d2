//! The thin D-Bus layer: one connection to the system bus (found through
//! `DBUS_SYSTEM_BUS_ADDRESS`, as libdbus finds it), subscribed to
//! systemd's signals, and the calls the [`UnitOp`] machine asks for.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio_stream::StreamExt;
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

use super::jobs::{JobTracker, Wait};
use super::op::{Call, CallError, Outcome, Property, Reply, Step, UnitOp};
use super::unit;
use crate::result::{ExecStatus, ocf};

/// systemd's bus name.
pub const BUS_NAME: &str = "org.freedesktop.systemd1";
/// The manager object.
pub const MANAGER_PATH: &str = "/org/freedesktop/systemd1";
/// The manager interface.
pub const MANAGER_IFACE: &str = "org.freedesktop.systemd1.Manager";
/// The unit interface.
pub const UNIT_IFACE: &str = "org.freedesktop.systemd1.Unit";
const PROPERTIES_IFACE: &str = "org.freedesktop.DBus.Properties";

/// Environment variable naming the system bus (libdbus's).
pub const ENV_SYSTEM_BUS: &str = "DBUS_SYSTEM_BUS_ADDRESS";
/// Environment variable moving the runtime unit directory (tests).
pub const ENV_RUNTIME_DIR: &str = "PCMK_systemd_run_dir";
/// Where systemd reads runtime unit configuration.
pub const DEFAULT_RUNTIME_DIR: &str = "/run/systemd/system";

/// Longest wait for the bus connection and systemd's first answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// D-Bus's default method call timeout, for listings.
const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(25);

/// Bus errors meaning nobody owns systemd's name on the bus.
const NO_OWNER_ERRORS: [&str; 2] = [
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
];

/// Why systemd cannot be reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// No system bus, or no systemd on it.
    #[error("{reason}: {0}", reason = super::NOT_RUNNING_REASON)]
    NoSystemd(String),
    /// systemd is there but refused or failed.
    #[error("No DBus connection: {0}")]
    Failed(String),
}

impl LinkError {
    /// The operation result for an operation that could not reach systemd.
    pub fn outcome(&self) -> Outcome {
        match self {
            LinkError::NoSystemd(_) => Outcome {
                rc: ocf::NOT_INSTALLED,
                status: ExecStatus::NotInstalled,
                reason: Some(self.to_string()),
                stdout: None,
            },
            LinkError::Failed(_) => Outcome {
                rc: ocf::UNKNOWN_ERROR,
                status: ExecStatus::Error,
                reason: Some("No DBus connection".into()),
                stdout: None,
            },
        }
    }
}

type Tracker = Arc<Mutex<JobTracker<oneshot::Sender<String>>>>;

#[derive(Clone)]
struct Link {
    conn: zbus::Connection,
    alive: Arc<AtomicBool>,
}

/// A client of systemd over the system bus, shared by the operations of
/// a process; connects on first use and again after losing the bus.
#[derive(Clone)]
pub struct SystemdBus {
    address: Option<String>,
    runtime_dir: PathBuf,
    link: Arc<tokio::sync::Mutex<Option<Link>>>,
    jobs: Tracker,
}

impl std::fmt::Debug for SystemdBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemdBus")
            .field("address", &self.address)
            .field("runtime_dir", &self.runtime_dir)
            .finish_non_exhaustive()
    }
}

/// Converts a zbus error to what the machine understands.
fn call_error(e: zbus::Error) -> CallError {
    use zbus::DBusError;
    match e {
        zbus::Error::MethodError(name, message, _) => CallError::Bus {
            name: name.to_string(),
            message: message.unwrap_or_default(),
        },
        zbus::Error::FDO(e) => CallError::Bus {
            name: e.name().to_string(),
            message: e.description().unwrap_or_default().to_string(),
        },
        zbus::Error::Variant(_) | zbus::Error::InvalidReply => CallError::BadReply(e.to_string()),
        other => CallError::Bus {
            name: "org.freedesktop.DBus.Error.NoReply".into(),
            message: format!("disconnected: {other}"),
        },
    }
}

fn timed_out(what: &str) -> CallError {
    CallError::Bus {
        name: "org.freedesktop.DBus.Error.Timeout".into(),
        message: format!("{what} timed out"),
    }
}

/// Removes a job's waiter if the operation gives up before its end.
struct JobWait<'a> {
    jobs: &'a Tracker,
    job: String,
}

impl Drop for JobWait<'_> {
    fn drop(&mut self) {
        if let Ok(mut t) = self.jobs.lock() {
            t.forget(&self.job);
        }
    }
}

impl SystemdBus {
    /// A client of the bus at `address` (the system bus's default address
    /// when `None`), writing drop-ins below `runtime_dir`.
    pub fn new(address: Option<String>, runtime_dir: PathBuf) -> Self {
        SystemdBus {
            address,
            runtime_dir,
            link: Arc::default(),
            jobs: Arc::default(),
        }
    }

    /// A client as the process environment says.
    pub fn from_process() -> Self {
        let address = std::env::var(ENV_SYSTEM_BUS).ok().filter(|a| !a.is_empty());
        let dir = std::env::var_os(ENV_RUNTIME_DIR)
            .map_or_else(|| PathBuf::from(DEFAULT_RUNTIME_DIR), PathBuf::from);
        Self::new(address, dir)
    }

    /// The directory drop-ins are written below.
    pub fn runtime_dir(&self) -> &Path {
        &self.runtime_dir
    }

    async fn connect(&self) -> Result<Link, LinkError> {
        let builder = match &self.address {
            Some(a) => zbus::connection::Builder::address(a.as_str()),
            None => zbus::connection::Builder::system(),
        }
        .map_err(|e| LinkError::NoSystemd(format!("no D-Bus system bus: {e}")))?;
        let conn = builder
            .build()
            .await
            .map_err(|e| LinkError::NoSystemd(format!("no D-Bus system bus: {e}")))?;
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(MANAGER_IFACE)
            .and_then(|b| b.member("JobRemoved"))
            .and_then(|b| b.path(MANAGER_PATH))
            .map_err(|e| LinkError::Failed(e.to_string()))?
            .build();
        let mut stream = zbus::MessageStream::for_match_rule(rule, &conn, Some(1024))
            .await
            .map_err(|e| LinkError::Failed(e.to_string()))?;
        // systemd only sends signals to clients that subscribed.
        if let Err(e) = conn
            .call_method(
                Some(BUS_NAME),
                MANAGER_PATH,
                Some(MANAGER_IFACE),
                "Subscribe",
                &(),
            )
            .await
        {
            return Err(match call_error(e) {
                CallError::Bus { name, message } if NO_OWNER_ERRORS.contains(&name.as_str()) => {
                    LinkError::NoSystemd(message)
                }
                CallError::Bus { message, .. } => LinkError::Failed(message),
                other => LinkError::Failed(format!("{other:?}")),
            });
        }
        let alive = Arc::new(AtomicBool::new(true));
        let jobs = self.jobs.clone();
        let flag = alive.clone();
        tokio::spawn(async move {
            while let Some(msg) = stream.next().await {
                let Ok(msg) = msg else { continue };
                let body = msg.body();
                let Ok((_id, job, _unit, result)) =
                    body.deserialize::<(u32, OwnedObjectPath, String, String)>()
                else {
                    tracing::warn!("could not interpret a systemd JobRemoved signal");
                    continue;
                };
                let waiter = jobs
                    .lock()
                    .ok()
                    .and_then(|mut t| t.removed(job.as_str(), &result));
                if let Some(w) = waiter {
                    let _ = w.send(result);
                }
            }
            flag.store(false, Ordering::SeqCst);
            // Waiters see their channel close: the connection is gone.
            if let Ok(mut t) = jobs.lock() {
                t.drain();
            }
            tracing::warn!("connection to the system bus closed");
        });
        Ok(Link { conn, alive })
    }

    /// The live connection, made if needed.
    async fn link(&self) -> Result<Link, LinkError> {
        let mut guard = self.link.lock().await;
        if let Some(l) = guard.as_ref().filter(|l| l.alive.load(Ordering::SeqCst)) {
            return Ok(l.clone());
        }
        *guard = None;
        let l = tokio::time::timeout(CONNECT_TIMEOUT, self.connect())
            .await
            .map_err(|_| LinkError::Failed("systemd did not answer in time".into()))??;
        *guard = Some(l.clone());
        Ok(l)
    }

    async fn call<B, R>(
        link: &Link,
        path: &str,
        iface: &str,
        method: &str,
        body: &B,
    ) -> Result<R, CallError>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
        R: for<'d> serde::Deserialize<'d> + zbus::zvariant::Type,
    {
        let reply = link
            .conn
            .call_method(Some(BUS_NAME), path, Some(iface), method, body)
            .await
            .map_err(call_error)?;
        reply.body().deserialize::<R>().map_err(call_error)
    }

    async fn property(link: &Link, path: &str, p: Property) -> Result<String, CallError> {
        let v: OwnedValue =
            Self::call(link, path, PROPERTIES_IFACE, "Get", &(UNIT_IFACE, p.name())).await?;
        String::try_from(v).map_err(|e| CallError::BadReply(e.to_string()))
    }

    async fn await_job(&self, job: String) -> Reply {
        let (tx, rx) = oneshot::channel();
        let found = match self.jobs.lock() {
            Ok(mut t) => t.wait(&job, tx),
            Err(_) => return Reply::Failed(timed_out("job tracking")),
        };
        if let Wait::Finished(result) = found {
            return Reply::JobRemoved(result);
        }
        let _guard = JobWait {
            jobs: &self.jobs,
            job,
        };
        match rx.await {
            Ok(result) => Reply::JobRemoved(result),
            Err(_) => Reply::Failed(CallError::Bus {
                name: "org.freedesktop.DBus.Error.NoReply".into(),
                message: "disconnected from the system bus before the job ended".into(),
            }),
        }
    }

    fn write_override(&self, unit: &str) -> Reply {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let path = unit::override_path(&self.runtime_dir, unit);
        let fail = |what: &str, e: std::io::Error| {
            tracing::error!(path = %path.display(), "{what}: {e}");
            Reply::Failed(CallError::File {
                message: format!("{}: {e}", path.display()),
                permission: e.kind() == std::io::ErrorKind::PermissionDenied,
            })
        };
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o755)
                .create(dir)
        {
            return fail("Could not create systemd override directory", e);
        }
        if let Err(e) = std::fs::write(&path, unit::override_contents(unit)) {
            let _ = std::fs::remove_file(&path);
            return fail("Cannot write systemd override file", e);
        }
        // World-readable, or systemd complains.
        if let Err(e) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)) {
            let _ = std::fs::remove_file(&path);
            return fail("Failed to set permissions on systemd override file", e);
        }
        Reply::Done
    }

    fn remove_override(&self, unit: &str) -> Reply {
        let path = unit::override_path(&self.runtime_dir, unit);
        match std::fs::remove_file(&path) {
            Ok(()) => Reply::Removed(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Reply::Removed(false),
            Err(e) => {
                tracing::warn!(path = %path.display(), "Cannot remove systemd override file: {e}");
                Reply::Removed(false)
            }
        }
    }

    /// Carries out one call of the machine.
    async fn perform(&self, link: &Link, call: Call) -> Reply {
        let r = match call {
            Call::LoadUnit(name) => Self::call::<_, OwnedObjectPath>(
                link,
                MANAGER_PATH,
                MANAGER_IFACE,
                "LoadUnit",
                &(name,),
            )
            .await
            .map(|p| Reply::Path(p.to_string())),
            Call::Get(path, p) => Self::property(link, &path, p).await.map(Reply::Value),
            Call::WriteOverride(u) => return self.write_override(&u),
            Call::RemoveOverride(u) => return self.remove_override(&u),
            Call::Reload => {
                if let Err(e) =
                    Self::call::<_, ()>(link, MANAGER_PATH, MANAGER_IFACE, "Reload", &()).await
                {
                    tracing::warn!("Could not issue systemd reload: {e:?}");
                }
                Ok(Reply::Done)
            }
            Call::Job(m, unit) => Self::call::<_, OwnedObjectPath>(
                link,
                MANAGER_PATH,
                MANAGER_IFACE,
                m.method(),
                &(unit, "replace"),
            )
            .await
            .map(|p| Reply::Path(p.to_string())),
            Call::AwaitJob(job) => return self.await_job(job).await,
            Call::Sleep(ms) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                return Reply::Done;
            }
        };
        r.unwrap_or_else(Reply::Failed)
    }

    /// Runs `action` on the unit named by `agent` to its end, within
    /// `timeout_ms` (a result saying so when it passes).
    pub async fn execute(
        &self,
        agent: &str,
        action: &str,
        interval_ms: u32,
        timeout_ms: u32,
    ) -> Outcome {
        let run = async {
            let link = match self.link().await {
                Ok(l) => l,
                Err(e) => {
                    tracing::info!(agent, action, "{e}");
                    return e.outcome();
                }
            };
            let start = Instant::now();
            let now = || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            let (mut op, mut step) = UnitOp::new(agent, action, interval_ms, timeout_ms, now());
            loop {
                match step {
                    Step::Done(o) => return o,
                    Step::Call(c) => {
                        tracing::trace!(agent, action, call = ?c, "systemd call");
                        let reply = self.perform(&link, c).await;
                        step = op.on_reply(now(), reply);
                    }
                }
            }
        };
        let limit = Duration::from_millis(u64::from(timeout_ms.max(1)));
        match tokio::time::timeout(limit, run).await {
            Ok(o) => o,
            Err(_) => {
                tracing::info!(agent, action, "systemd operation timed out");
                Outcome {
                    rc: ocf::UNKNOWN_ERROR,
                    status: ExecStatus::Timeout,
                    reason: Some(timeout_reason(action, agent)),
                    stdout: None,
                }
            }
        }
    }

    /// Whether systemd knows a unit by that agent name (loaded or masked).
    pub async fn unit_exists(&self, agent: &str) -> bool {
        let Some(name) = unit::unit_name(agent, true) else {
            return false;
        };
        let check = async {
            let link = self.link().await.ok()?;
            let path: OwnedObjectPath =
                Self::call(&link, MANAGER_PATH, MANAGER_IFACE, "LoadUnit", &(name,))
                    .await
                    .ok()?;
            let state = Self::property(&link, path.as_str(), Property::LoadState)
                .await
                .ok()?;
            Some(super::op::load_state_exists(&state))
        };
        tokio::time::timeout(DEFAULT_CALL_TIMEOUT, check)
            .await
            .ok()
            .flatten()
            .unwrap_or(false)
    }

    /// The units Pacemaker can manage, as agent names (empty where
    /// systemd cannot be reached).
    pub async fn list_units(&self) -> Vec<String> {
        let list = async {
            let link = self.link().await.ok()?;
            let files: Vec<(String, String)> =
                Self::call(&link, MANAGER_PATH, MANAGER_IFACE, "ListUnitFiles", &())
                    .await
                    .map_err(|e| tracing::error!("Could not list systemd unit files: {e:?}"))
                    .ok()?;
            Some(unit::agents_from_unit_files(
                files.iter().map(|(p, _)| p.as_str()),
            ))
        };
        tokio::time::timeout(DEFAULT_CALL_TIMEOUT, list)
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}

/// The exit reason of a systemd operation that ran out of time.
pub fn timeout_reason(action: &str, agent: &str) -> String {
    let action = if action == "monitor" {
        "status"
    } else {
        action
    };
    format!("{action} action for systemd unit {agent} did not complete in time")
}
