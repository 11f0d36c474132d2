//! Where agents live: the OCF root, the LSB init directory and the fence
//! agent directory, at Pacemaker's locations unless the environment moves
//! them (tests do).

use std::path::{Path, PathBuf};

use pcmk_common::paths::Env;

/// Environment variable that moves the OCF root (also what agents read).
pub const ENV_OCF_ROOT: &str = "OCF_ROOT";
/// Environment variable that moves the LSB init script directory.
pub const ENV_LSB_DIR: &str = "PCMK_lsb_dir";
/// Environment variable that moves the fence agent directory.
pub const ENV_FENCE_DIR: &str = "PCMK_fence_agent_dir";
/// Environment variable naming the directory of ocf-shellfuncs.
pub const ENV_OCF_FUNCTIONS_DIR: &str = "OCF_FUNCTIONS_DIR";

/// Pacemaker's default OCF root.
pub const DEFAULT_OCF_ROOT: &str = "/usr/lib/ocf";
/// Pacemaker's default LSB init directory.
pub const DEFAULT_LSB_DIR: &str = "/etc/init.d";
/// Pacemaker's default fence agent directory (the system sbin directory).
pub const DEFAULT_FENCE_DIR: &str = "/usr/sbin";

/// The agent directories of this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentDirs {
    /// OCF root (`resource.d/` and `lib/` below it).
    pub ocf_root: PathBuf,
    /// LSB init scripts.
    pub lsb_dir: PathBuf,
    /// Fence agents (`fence_*`).
    pub fence_dir: PathBuf,
}

impl Default for AgentDirs {
    fn default() -> Self {
        AgentDirs {
            ocf_root: PathBuf::from(DEFAULT_OCF_ROOT),
            lsb_dir: PathBuf::from(DEFAULT_LSB_DIR),
            fence_dir: PathBuf::from(DEFAULT_FENCE_DIR),
        }
    }
}

impl AgentDirs {
    /// Resolves the directories from `env`.
    pub fn from_env(env: &impl Env) -> Self {
        let d = AgentDirs::default();
        AgentDirs {
            ocf_root: env.get(ENV_OCF_ROOT).map_or(d.ocf_root, PathBuf::from),
            lsb_dir: env.get(ENV_LSB_DIR).map_or(d.lsb_dir, PathBuf::from),
            fence_dir: env.get(ENV_FENCE_DIR).map_or(d.fence_dir, PathBuf::from),
        }
    }

    /// Resolves the directories from the process environment.
    pub fn from_process() -> Self {
        Self::from_env(&pcmk_common::paths::ProcessEnv)
    }

    /// The OCF resource agent directory (`$OCF_ROOT/resource.d`).
    pub fn ocf_ra_dir(&self) -> PathBuf {
        self.ocf_root.join("resource.d")
    }

    /// The path of OCF agent `provider:agent`.
    pub fn ocf_agent(&self, provider: &str, agent: &str) -> PathBuf {
        self.ocf_ra_dir().join(provider).join(agent)
    }

    /// The path of LSB script `agent` (absolute names are kept).
    pub fn lsb_agent(&self, agent: &str) -> PathBuf {
        if agent.starts_with('/') {
            PathBuf::from(agent)
        } else {
            self.lsb_dir.join(agent)
        }
    }

    /// The path of fence agent `agent`.
    pub fn fence_agent(&self, agent: &str) -> PathBuf {
        self.fence_dir.join(agent)
    }

    /// The default `OCF_FUNCTIONS_DIR` for this root.
    pub fn ocf_functions_dir(&self) -> PathBuf {
        self.ocf_root.join("lib").join("heartbeat")
    }
}

/// Whether a name is safe to join below an agent directory (no path
/// separators, not `.` or `..`).
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains('/')
}

/// Whether `path` exists (as `stat()` sees it).
pub fn exists(path: &Path) -> bool {
    std::fs::metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn overrides() {
        let mut env = HashMap::new();
        env.insert(ENV_OCF_ROOT.to_string(), "/tmp/ocf".to_string());
        let d = AgentDirs::from_env(&env);
        assert_eq!(
            d.ocf_agent("heartbeat", "Dummy"),
            PathBuf::from("/tmp/ocf/resource.d/heartbeat/Dummy")
        );
        assert_eq!(d.lsb_agent("foo"), PathBuf::from("/etc/init.d/foo"));
        assert_eq!(d.lsb_agent("/opt/x"), PathBuf::from("/opt/x"));
        assert!(is_plain_name("Dummy"));
        assert!(!is_plain_name("../x"));
        assert!(!is_plain_name(".."));
    }
}
