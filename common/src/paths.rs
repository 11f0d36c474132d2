//! Where daemons and tools find their sockets and their state.
//!
//! Pacemaker keeps sockets in one run directory and persistent state in one
//! state directory. Both can be moved with environment variables, the same
//! for every daemon and tool, so that several nodes can share a machine.

use std::path::PathBuf;

/// Environment variable that moves the run directory.
pub const ENV_RUN_DIR: &str = "PCMK_run_dir";
/// Environment variable that moves the state directory.
pub const ENV_STATE_DIR: &str = "PCMK_state_dir";
/// Default run directory, as Pacemaker's.
pub const DEFAULT_RUN_DIR: &str = "/run/pacemaker";
/// Default state directory, as Pacemaker's.
pub const DEFAULT_STATE_DIR: &str = "/var/lib/pacemaker";

/// A source of configuration strings: the process environment, or a map in tests.
pub trait Env {
    /// The value of `key`, if set and not empty.
    fn get(&self, key: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Default, Clone, Copy)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

impl Env for std::collections::HashMap<String, String> {
    fn get(&self, key: &str) -> Option<String> {
        std::collections::HashMap::get(self, key)
            .filter(|v| !v.is_empty())
            .cloned()
    }
}

/// The run and state directories of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Directory holding the daemons' sockets.
    pub run_dir: PathBuf,
    /// Directory holding persistent state (`cib/`, `pengine/`, ...).
    pub state_dir: PathBuf,
}

impl Paths {
    /// Resolves the directories from `env`, falling back to Pacemaker's defaults.
    pub fn from_env(env: &impl Env) -> Self {
        Paths {
            run_dir: env
                .get(ENV_RUN_DIR)
                .map_or_else(|| PathBuf::from(DEFAULT_RUN_DIR), PathBuf::from),
            state_dir: env
                .get(ENV_STATE_DIR)
                .map_or_else(|| PathBuf::from(DEFAULT_STATE_DIR), PathBuf::from),
        }
    }

    /// Resolves the directories from the process environment.
    pub fn from_process() -> Self {
        Self::from_env(&ProcessEnv)
    }

    /// The socket a daemon named `daemon` (e.g. `"based"`) serves.
    pub fn socket(&self, daemon: &str) -> PathBuf {
        self.run_dir.join(format!("{daemon}.sock"))
    }

    /// The CIB directory (`cib.xml`, its signature and backups).
    pub fn cib_dir(&self) -> PathBuf {
        self.state_dir.join("cib")
    }

    /// The scheduler's input directory (`pe-input-N.bz2`).
    pub fn pengine_dir(&self) -> PathBuf {
        self.state_dir.join("pengine")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn defaults_and_overrides() {
        let empty: HashMap<String, String> = HashMap::new();
        let p = Paths::from_env(&empty);
        assert_eq!(p.run_dir, PathBuf::from("/run/pacemaker"));
        assert_eq!(p.cib_dir(), PathBuf::from("/var/lib/pacemaker/cib"));
        let mut env = HashMap::new();
        env.insert(ENV_RUN_DIR.to_string(), "/tmp/n1/run".to_string());
        env.insert(ENV_STATE_DIR.to_string(), String::new());
        let p = Paths::from_env(&env);
        assert_eq!(p.socket("based"), PathBuf::from("/tmp/n1/run/based.sock"));
        assert_eq!(p.state_dir, PathBuf::from("/var/lib/pacemaker"));
    }
}
