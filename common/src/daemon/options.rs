//! Pacemaker's start-up options: environment variables `PCMK_<name>` (or
//! the older `HA_<name>`), with defaults from `/etc/sysconfig/pacemaker` or
//! `/etc/default/pacemaker` (shell-style `KEY=value` lines). The process
//! environment wins over the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::paths::Env;

/// Where distributions keep Pacemaker's start-up configuration.
pub const SYSCONFIG_FILES: [&str; 2] = ["/etc/sysconfig/pacemaker", "/etc/default/pacemaker"];
/// The default detail log.
pub const DEFAULT_LOGFILE: &str = "/var/log/pacemaker/pacemaker.log";

/// Reads `KEY=value` assignments from shell-style text: comments, blank
/// lines, `export`, and single or double quotes are understood; anything
/// else is skipped.
pub fn parse_sysconfig(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim();
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let value = value.trim();
        let value = if let Some(v) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            v.to_string()
        } else if let Some(v) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            v.to_string()
        } else {
            // An unquoted value ends at an unescaped comment.
            value.split(" #").next().unwrap_or("").trim().to_string()
        };
        out.insert(key.to_string(), value);
    }
    out
}

/// Pacemaker's options from the environment and the sysconfig file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    env: BTreeMap<String, String>,
    file: BTreeMap<String, String>,
}

impl Options {
    /// Options from `env` (only `PCMK_*` and `HA_*` are kept) and the
    /// sysconfig text `file`.
    pub fn new(env: &impl Env, file: Option<&str>) -> Options {
        let mut o = Options {
            env: BTreeMap::new(),
            file: file.map(parse_sysconfig).unwrap_or_default(),
        };
        for name in KNOWN {
            for prefix in ["PCMK_", "HA_"] {
                let key = format!("{prefix}{name}");
                if let Some(v) = env.get(&key) {
                    o.env.insert(key, v);
                }
            }
        }
        o
    }

    /// Options from the process environment and the first sysconfig file
    /// that exists.
    pub fn from_system(env: &impl Env) -> Options {
        let file = SYSCONFIG_FILES
            .iter()
            .map(Path::new)
            .find_map(|p| std::fs::read_to_string(p).ok());
        Options::new(env, file.as_deref())
    }

    /// Overrides option `name` as the command line does (`-l FILE`).
    pub fn set(&mut self, name: &str, value: &str) {
        self.env.insert(format!("PCMK_{name}"), value.to_string());
    }

    /// The value of option `name` (`debug`, `logfile`, ...).
    pub fn get(&self, name: &str) -> Option<&str> {
        let pcmk = format!("PCMK_{name}");
        let ha = format!("HA_{name}");
        self.env
            .get(&pcmk)
            .or_else(|| self.env.get(&ha))
            .or_else(|| self.file.get(&pcmk))
            .or_else(|| self.file.get(&ha))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether option `name` is true (`yes`, `true`, `on`, `1`).
    pub fn enabled(&self, name: &str) -> bool {
        self.get(name).is_some_and(is_true)
    }

    /// The logging settings.
    pub fn logging(&self) -> LogSettings {
        let debug = match self.get("debug") {
            None => Debug::Off,
            Some(v) if is_true(v) => Debug::All,
            Some(v) if is_false(v) => Debug::Off,
            Some(v) => Debug::Daemons(
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
        };
        let logfile = match self.get("logfile") {
            Some(v) if v.eq_ignore_ascii_case("none") => None,
            Some(v) => Some(PathBuf::from(v)),
            None => Some(PathBuf::from(DEFAULT_LOGFILE)),
        };
        let facility = match self.get("logfacility") {
            Some(v) if v.eq_ignore_ascii_case("none") || is_false(v) => None,
            Some(v) => Some(v.to_string()),
            None => Some("daemon".to_string()),
        };
        LogSettings {
            debug,
            logfile,
            facility,
            priority: self.get("logpriority").unwrap_or("notice").to_string(),
            stderr: self.enabled("stderr"),
            blackbox: self.get("blackbox").is_some_and(|v| !is_false(v)),
        }
    }
}

/// The options pacemakerd reads and passes on.
pub const KNOWN: &[&str] = &[
    "debug",
    "logfile",
    "logfile_mode",
    "logfacility",
    "logpriority",
    "stderr",
    "blackbox",
    "trace_functions",
    "trace_files",
    "trace_formats",
    "trace_tags",
    "node_start_state",
    "fail_fast",
    "shutdown_delay",
    "cluster_type",
    "run_dir",
    "state_dir",
    "daemon_dir",
    "ipc_check",
    "node_name",
];

fn is_true(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "yes" | "y" | "true" | "on" | "1"
    )
}

fn is_false(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "no" | "n" | "false" | "off" | "0"
    )
}

/// Which daemons log at debug level (`PCMK_debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Debug {
    /// None.
    Off,
    /// All of them.
    All,
    /// Those named (`pacemaker-controld,pacemaker-attrd`).
    Daemons(Vec<String>),
}

/// Logging settings shared by every daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// `PCMK_debug`.
    pub debug: Debug,
    /// `PCMK_logfile`: the detail log, unless `none`.
    pub logfile: Option<PathBuf>,
    /// `PCMK_logfacility`: the syslog facility, unless `none`.
    pub facility: Option<String>,
    /// `PCMK_logpriority`: the lowest severity sent to syslog.
    pub priority: String,
    /// `PCMK_stderr`: also log to standard error.
    pub stderr: bool,
    /// `PCMK_blackbox`: keep an in-memory trace.
    pub blackbox: bool,
}

impl LogSettings {
    /// Whether daemon `name` (e.g. `pacemaker-controld`) logs debug messages.
    pub fn debug_for(&self, name: &str) -> bool {
        match &self.debug {
            Debug::Off => false,
            Debug::All => true,
            Debug::Daemons(list) => list.iter().any(|d| d == name),
        }
    }

    /// The `tracing` filter directive for daemon `name`.
    pub fn filter_for(&self, name: &str) -> &'static str {
        if self.debug_for(name) {
            "debug"
        } else {
            "info"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn sysconfig_syntax() {
        let text = "# comment\n\nPCMK_logfile=/tmp/p.log\nexport PCMK_debug=\"pacemaker-controld, pacemaker-attrd\"\nPCMK_logfacility='local0'\nPCMK_stderr=yes # trailing\nbad line\n1x=2\n";
        let m = parse_sysconfig(text);
        assert_eq!(
            m.get("PCMK_logfile").map(String::as_str),
            Some("/tmp/p.log")
        );
        assert_eq!(
            m.get("PCMK_logfacility").map(String::as_str),
            Some("local0")
        );
        assert_eq!(m.get("PCMK_stderr").map(String::as_str), Some("yes"));
        assert_eq!(m.len(), 5);
    }

    #[test]
    fn environment_wins_over_the_file() {
        let mut env: HashMap<String, String> = HashMap::new();
        env.insert("PCMK_logfile".into(), "none".into());
        env.insert("HA_logfacility".into(), "local3".into());
        env.insert("OTHER".into(), "x".into());
        let file =
            "PCMK_logfile=/var/log/x.log\nPCMK_debug=\"pacemaker-controld,pacemaker-attrd\"\n";
        let o = Options::new(&env, Some(file));
        let l = o.logging();
        assert_eq!(l.logfile, None);
        assert_eq!(l.facility.as_deref(), Some("local3"));
        assert!(l.debug_for("pacemaker-attrd") && !l.debug_for("pacemaker-based"));
        assert_eq!(l.filter_for("pacemaker-controld"), "debug");
        assert_eq!(l.priority, "notice");
    }

    #[test]
    fn defaults() {
        let env: HashMap<String, String> = HashMap::new();
        let l = Options::new(&env, None).logging();
        assert_eq!(l.debug, Debug::Off);
        assert_eq!(l.logfile.as_deref(), Some(Path::new(DEFAULT_LOGFILE)));
        assert_eq!(l.facility.as_deref(), Some("daemon"));
        let mut env: HashMap<String, String> = HashMap::new();
        env.insert("PCMK_debug".into(), "yes".into());
        env.insert("PCMK_logfacility".into(), "none".into());
        let l = Options::new(&env, None).logging();
        assert_eq!(l.debug, Debug::All);
        assert_eq!(l.facility, None);
    }
}
