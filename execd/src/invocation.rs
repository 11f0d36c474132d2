//! Turning an operation into the process to run: the agent's path, its
//! arguments, environment and standard input, per standard (Pacemaker's
//! `services__ocf_prepare()`, `services__lsb_prepare()` and the
//! environment of `services_linux.c`).

use std::path::PathBuf;

use crate::dirs::{self, AgentDirs};
use crate::op::{OpSpec, StartFailure, Termination};
use crate::result::{ExecStatus, ocf};
use crate::standard::Standard;

/// OCF version announced to agents.
pub const OCF_VERSION: (&str, &str) = ("1", "1");

/// A process to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Program to execute.
    pub program: PathBuf,
    /// Arguments after the program name.
    pub args: Vec<String>,
    /// Variables added to the inherited environment.
    pub env: Vec<(String, String)>,
    /// Bytes written to standard input (closed afterwards).
    pub stdin: Option<Vec<u8>>,
    /// Whether exit reasons are read from standard error (OCF agents).
    pub reads_exit_reason: bool,
}

/// What preparing an operation gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Start this process.
    Run(Invocation),
    /// No process: the result is already known.
    Done(Termination, Option<String>),
}

/// The standard an operation finally runs under (`service` resolved).
pub fn effective_standard(dirs: &AgentDirs, spec: &OpSpec) -> Option<Standard> {
    match Standard::parse(&spec.rsc.class)? {
        Standard::Service => Some(crate::discovery::resolve_service(dirs, &spec.rsc.agent)),
        s => Some(s),
    }
}

/// How a systemd-driven operation was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemdTarget {
    /// Class `systemd`.
    Unit,
    /// Class `service` with no init script of that name: a unit if systemd
    /// knows one, else (as Pacemaker assumes) the missing init script.
    ServiceAlias,
}

/// Whether `spec` is run by systemd over D-Bus rather than as a process.
pub fn systemd_target(dirs: &AgentDirs, spec: &OpSpec) -> Option<SystemdTarget> {
    if !dirs::is_plain_name(&spec.rsc.agent) {
        return None;
    }
    match Standard::parse(&spec.rsc.class)? {
        Standard::Systemd => Some(SystemdTarget::Unit),
        Standard::Service if !dirs::exists(&dirs.lsb_agent(&spec.rsc.agent)) => {
            Some(SystemdTarget::ServiceAlias)
        }
        _ => None,
    }
}

fn not_installed(reason: String) -> Prepared {
    Prepared::Done(
        Termination::NotStarted(StartFailure::NotInstalled(reason)),
        None,
    )
}

/// Prepares `spec` for execution. `inherited` tells whether a variable is
/// already set in the daemon's own environment (agents inherit it).
pub fn prepare(dirs: &AgentDirs, spec: &OpSpec, inherited: &dyn Fn(&str) -> bool) -> Prepared {
    let Some(std) = effective_standard(dirs, spec) else {
        return Prepared::Done(
            Termination::Synthetic {
                rc: ocf::UNKNOWN_ERROR,
                status: ExecStatus::ErrorFatal,
                reason: Some(format!("Unknown resource standard: {}", spec.rsc.class)),
            },
            None,
        );
    };
    let absolute_lsb = std == Standard::Lsb && spec.rsc.agent.starts_with('/');
    if !(dirs::is_plain_name(&spec.rsc.agent) || absolute_lsb) {
        return not_installed(format!("{}: invalid agent name", spec.rsc.agent));
    }
    match std {
        Standard::Ocf => prepare_ocf(dirs, spec, inherited),
        Standard::Lsb => prepare_lsb(dirs, spec),
        // Units are not processes: callers hand them to `crate::systemd`
        // (see `systemd_target`); this answer is for those that do not.
        Standard::Systemd | Standard::Service => Prepared::Done(
            Termination::Synthetic {
                rc: ocf::NOT_INSTALLED,
                status: ExecStatus::NotInstalled,
                reason: Some(format!(
                    "systemd unit {} must be run through D-Bus",
                    spec.rsc.agent
                )),
            },
            None,
        ),
        Standard::Stonith => Prepared::Done(
            Termination::Synthetic {
                rc: ocf::UNIMPLEMENT_FEATURE,
                status: ExecStatus::Error,
                reason: Some("Fence devices are run by the fencer".to_string()),
            },
            None,
        ),
    }
}

fn prepare_ocf(dirs: &AgentDirs, spec: &OpSpec, inherited: &dyn Fn(&str) -> bool) -> Prepared {
    let Some(provider) = spec
        .rsc
        .provider
        .as_deref()
        .filter(|p| dirs::is_plain_name(p))
    else {
        return Prepared::Done(
            Termination::Synthetic {
                rc: ocf::UNKNOWN_ERROR,
                status: ExecStatus::ErrorFatal,
                reason: Some("Required agent or action information missing".to_string()),
            },
            None,
        );
    };
    let path = dirs.ocf_agent(provider, &spec.rsc.agent);
    if !dirs::exists(&path) {
        return not_installed(format!("{}: No such file or directory", path.display()));
    }
    let mut env: Vec<(String, String)> = Vec::new();
    for (k, v) in &spec.params {
        if k == "OCF_CHECK_LEVEL" {
            env.push((k.clone(), v.clone()));
        } else {
            env.push((format!("OCF_RESKEY_{k}"), v.clone()));
        }
    }
    for (k, v) in &spec.meta {
        env.push((format!("OCF_RESKEY_CRM_meta_{k}"), v.clone()));
    }
    env.push(("OCF_RA_VERSION_MAJOR".into(), OCF_VERSION.0.into()));
    env.push(("OCF_RA_VERSION_MINOR".into(), OCF_VERSION.1.into()));
    env.push(("OCF_ROOT".into(), dirs.ocf_root.display().to_string()));
    if !inherited(dirs::ENV_OCF_FUNCTIONS_DIR) {
        env.push((
            dirs::ENV_OCF_FUNCTIONS_DIR.into(),
            dirs.ocf_functions_dir().display().to_string(),
        ));
    }
    env.push((
        "OCF_EXIT_REASON_PREFIX".into(),
        crate::output::EXIT_REASON_PREFIX.into(),
    ));
    env.push(("OCF_RESOURCE_INSTANCE".into(), spec.rsc.id.clone()));
    env.push(("OCF_RESOURCE_TYPE".into(), spec.rsc.agent.clone()));
    env.push(("OCF_RESOURCE_PROVIDER".into(), provider.to_string()));
    Prepared::Run(Invocation {
        program: path,
        args: vec![spec.action.clone()],
        env,
        stdin: None,
        reads_exit_reason: true,
    })
}

fn prepare_lsb(dirs: &AgentDirs, spec: &OpSpec) -> Prepared {
    let path = dirs.lsb_agent(&spec.rsc.agent);
    if spec.action == "meta-data" {
        return match std::fs::read(&path) {
            Ok(bytes) => Prepared::Done(
                Termination::Synthetic {
                    rc: ocf::OK,
                    status: ExecStatus::Done,
                    reason: None,
                },
                Some(crate::lsb::metadata(
                    &spec.rsc.agent,
                    &String::from_utf8_lossy(&bytes),
                )),
            ),
            Err(e) => not_installed(format!("{}: {}", path.display(), io_reason(&e))),
        };
    }
    if !dirs::exists(&path) {
        return not_installed(format!("{}: No such file or directory", path.display()));
    }
    Prepared::Run(Invocation {
        program: path,
        args: vec![Standard::Lsb.agent_action(&spec.action)],
        env: Vec::new(),
        stdin: None,
        reads_exit_reason: false,
    })
}

/// The C library's message for an I/O error (`strerror()`), without Rust's
/// "(os error N)" suffix.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => nix::errno::Errno::from_raw(n).desc().to_string(),
        None => e.to_string(),
    }
}

/// Classifies a failure to start `program`, as Pacemaker's
/// `services__handle_exec_error()` does (non-executable files count as not
/// installed, with the reason).
pub fn start_failure(program: &std::path::Path, e: &std::io::Error) -> StartFailure {
    use nix::errno::Errno;
    let reason = format!("{}: {}", program.display(), io_reason(e));
    match e.raw_os_error().map(Errno::from_raw) {
        Some(
            Errno::ENOENT
            | Errno::EISDIR
            | Errno::ENOTDIR
            | Errno::EINVAL
            | Errno::ENOEXEC
            | Errno::EACCES,
        ) => StartFailure::NotInstalled(reason),
        Some(Errno::EPERM) => StartFailure::Permission(reason),
        _ => StartFailure::Other(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::ResourceDef;
    use std::collections::BTreeMap;

    fn spec(class: &str, provider: Option<&str>, agent: &str, action: &str) -> OpSpec {
        OpSpec {
            rsc: ResourceDef {
                id: "r1".into(),
                class: class.into(),
                provider: provider.map(Into::into),
                agent: agent.into(),
            },
            action: action.into(),
            interval_ms: 0,
            timeout_ms: 1000,
            params: BTreeMap::from([
                ("state".into(), "/x".into()),
                ("OCF_CHECK_LEVEL".into(), "10".into()),
            ]),
            meta: BTreeMap::from([("timeout".into(), "1000".into())]),
        }
    }

    #[test]
    fn ocf_environment() {
        let d = tempfile::tempdir().unwrap();
        let dirs = AgentDirs {
            ocf_root: d.path().to_path_buf(),
            lsb_dir: d.path().join("init.d"),
            fence_dir: d.path().to_path_buf(),
        };
        std::fs::create_dir_all(d.path().join("resource.d/p")).unwrap();
        std::fs::write(d.path().join("resource.d/p/A"), "").unwrap();
        let Prepared::Run(inv) = prepare(&dirs, &spec("ocf", Some("p"), "A", "start"), &|_| false)
        else {
            panic!("not run")
        };
        let env: BTreeMap<_, _> = inv.env.iter().cloned().collect();
        assert_eq!(env["OCF_RESKEY_state"], "/x");
        assert_eq!(env["OCF_CHECK_LEVEL"], "10");
        assert_eq!(env["OCF_RESKEY_CRM_meta_timeout"], "1000");
        assert_eq!(env["OCF_RESOURCE_INSTANCE"], "r1");
        assert_eq!(env["OCF_RESOURCE_TYPE"], "A");
        assert_eq!(env["OCF_RESOURCE_PROVIDER"], "p");
        assert_eq!(env["OCF_ROOT"], d.path().display().to_string());
        assert!(env.contains_key("OCF_FUNCTIONS_DIR"));
        assert_eq!(inv.args, ["start"]);
        // Missing agents and providers are not installed.
        assert!(matches!(
            prepare(&dirs, &spec("ocf", Some("p"), "B", "start"), &|_| false),
            Prepared::Done(Termination::NotStarted(StartFailure::NotInstalled(_)), _)
        ));
        assert!(matches!(
            prepare(&dirs, &spec("ocf", Some("p"), "../A", "start"), &|_| false),
            Prepared::Done(Termination::NotStarted(StartFailure::NotInstalled(_)), _)
        ));
        // LSB monitors run "status".
        std::fs::create_dir_all(d.path().join("init.d")).unwrap();
        std::fs::write(d.path().join("init.d/s"), "#!/bin/sh\n").unwrap();
        let Prepared::Run(inv) = prepare(&dirs, &spec("lsb", None, "s", "monitor"), &|_| false)
        else {
            panic!("not run")
        };
        assert_eq!(inv.args, ["status"]);
        assert!(inv.env.is_empty());
        assert!(matches!(
            prepare(&dirs, &spec("lsb", None, "s", "meta-data"), &|_| false),
            Prepared::Done(Termination::Synthetic { rc: 0, .. }, Some(_))
        ));
    }
}
