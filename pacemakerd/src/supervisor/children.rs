//! The subdaemons pacemakerd runs, in Pacemaker's order
//! (`pcmk_children[]` in pcmkd_subdaemons.c), and its states.

use std::fmt;

/// How pacemakerd treats one subdaemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildSpec {
    /// The executable's name (`pacemaker-based`).
    pub name: &'static str,
    /// The name of its IPC endpoint (`based` serves `based.sock`).
    pub ipc: &'static str,
    /// Respawn it when it exits.
    pub respawn: bool,
    /// It needs the cluster layer; wait for it before respawning.
    pub needs_cluster: bool,
    /// It runs as root (otherwise as the `hacluster` user).
    pub as_root: bool,
}

/// The subdaemons, in start order; they stop in reverse.
pub const CHILDREN: [ChildSpec; 6] = [
    ChildSpec {
        name: "pacemaker-based",
        ipc: "based",
        respawn: true,
        needs_cluster: true,
        as_root: false,
    },
    ChildSpec {
        name: "pacemaker-fenced",
        ipc: "fenced",
        respawn: true,
        needs_cluster: true,
        as_root: true,
    },
    ChildSpec {
        name: "pacemaker-execd",
        ipc: "execd",
        respawn: true,
        needs_cluster: false,
        as_root: true,
    },
    ChildSpec {
        name: "pacemaker-attrd",
        ipc: "attrd",
        respawn: true,
        needs_cluster: true,
        as_root: false,
    },
    ChildSpec {
        name: "pacemaker-schedulerd",
        ipc: "schedulerd",
        respawn: true,
        needs_cluster: false,
        as_root: false,
    },
    ChildSpec {
        name: "pacemaker-controld",
        ipc: "controld",
        respawn: true,
        needs_cluster: true,
        as_root: false,
    },
];

/// Index of the controller in [`CHILDREN`] (shutdown escalation applies
/// to the daemons before it).
pub const CONTROLD: usize = 5;

/// Most respawns of one subdaemon (`MAX_RESPAWN`).
pub const MAX_RESPAWN: u32 = 100;

/// pacemakerd's state, as `crm_mon` shows it and `pacemakerd` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcmkdState {
    /// Initializing.
    Init,
    /// Starting the subdaemons.
    StartingDaemons,
    /// Waiting for the SBD start-up trigger.
    WaitForPing,
    /// Running.
    Running,
    /// Stopping the subdaemons.
    ShuttingDown,
    /// Every subdaemon has stopped.
    ShutdownComplete,
    /// Running on a Pacemaker Remote node.
    Remote,
}

impl PcmkdState {
    /// The value on the wire (`running`, ...).
    pub fn text(self) -> &'static str {
        match self {
            PcmkdState::Init => "init",
            PcmkdState::StartingDaemons => "starting_daemons",
            PcmkdState::WaitForPing => "wait_for_ping",
            PcmkdState::Running => "running",
            PcmkdState::ShuttingDown => "shutting_down",
            PcmkdState::ShutdownComplete => "shutdown_complete",
            PcmkdState::Remote => "remote",
        }
    }

    /// The state with wire value `text`.
    pub fn from_text(text: &str) -> Option<PcmkdState> {
        [
            PcmkdState::Init,
            PcmkdState::StartingDaemons,
            PcmkdState::WaitForPing,
            PcmkdState::Running,
            PcmkdState::ShuttingDown,
            PcmkdState::ShutdownComplete,
            PcmkdState::Remote,
        ]
        .into_iter()
        .find(|s| s.text() == text)
    }

    /// The sentence `crm_mon` prints for it.
    pub fn friendly(self) -> &'static str {
        match self {
            PcmkdState::Init => "Initializing pacemaker",
            PcmkdState::StartingDaemons => "Pacemaker daemons are starting",
            PcmkdState::WaitForPing => "Waiting for startup trigger from SBD",
            PcmkdState::Running => "Pacemaker is running",
            PcmkdState::ShuttingDown => "Pacemaker daemons are shutting down",
            PcmkdState::ShutdownComplete => "Pacemaker daemons are shut down (reporting to SBD)",
            PcmkdState::Remote => "pacemaker-remoted is running (on a Pacemaker Remote node)",
        }
    }
}

impl fmt::Display for PcmkdState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_flags_match_pacemaker() {
        let names: Vec<_> = CHILDREN.iter().map(|c| c.ipc).collect();
        assert_eq!(
            names,
            [
                "based",
                "fenced",
                "execd",
                "attrd",
                "schedulerd",
                "controld"
            ]
        );
        assert!(CHILDREN.iter().all(|c| c.respawn));
        let root: Vec<_> = CHILDREN
            .iter()
            .filter(|c| c.as_root)
            .map(|c| c.ipc)
            .collect();
        assert_eq!(root, ["fenced", "execd"]);
        let cluster: Vec<_> = CHILDREN
            .iter()
            .filter(|c| c.needs_cluster)
            .map(|c| c.ipc)
            .collect();
        assert_eq!(cluster, ["based", "fenced", "attrd", "controld"]);
        assert_eq!(CHILDREN[CONTROLD].ipc, "controld");
        assert_eq!(PcmkdState::from_text("running"), Some(PcmkdState::Running));
        assert_eq!(PcmkdState::Running.friendly(), "Pacemaker is running");
    }
}
