//! FSA actions: a set of upstream's `A_*` flags, run one at a time in
//! upstream's fixed priority order (`s_crmd_fsa_actions()` in
//! controld_fsa.c).

use std::fmt;

/// A set of FSA actions (`A_*` flags, with upstream's bit positions).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Actions(u64);

macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident = $bit:expr, $text:literal;)*) => {
        impl Actions {
            $($(#[$doc])* pub const $name: Actions = Actions(1u64 << $bit);)*

            /// Each single action with its upstream name, by bit position.
            const NAMED: &'static [(Actions, &'static str)] = &[$((Actions::$name, $text),)*];
        }
    };
}

actions! {
    /// Hook for start-up work other than connecting to daemons.
    STARTUP = 0, "A_STARTUP";
    /// Start-up has completed once every connection is up.
    STARTED = 1, "A_STARTED";
    /// Connect to the cluster layer.
    HA_CONNECT = 2, "A_HA_CONNECT";
    /// Disconnect from the cluster layer.
    HA_DISCONNECT = 3, "A_HA_DISCONNECT";
    /// Start the join-integration timer.
    INTEGRATE_TIMER_START = 4, "A_INTEGRATE_TIMER_START";
    /// Stop the join-integration timer.
    INTEGRATE_TIMER_STOP = 5, "A_INTEGRATE_TIMER_STOP";
    /// Start the join-finalization timer.
    FINALIZE_TIMER_START = 6, "A_FINALIZE_TIMER_START";
    /// Stop the join-finalization timer.
    FINALIZE_TIMER_STOP = 7, "A_FINALIZE_TIMER_STOP";
    /// Start the DC timer (dc-deadtime).
    DC_TIMER_START = 8, "A_DC_TIMER_START";
    /// Stop the DC timer.
    DC_TIMER_STOP = 9, "A_DC_TIMER_STOP";
    /// Count a received (no-)vote.
    ELECTION_COUNT = 10, "A_ELECTION_COUNT";
    /// Vote in (or start) an election.
    ELECTION_VOTE = 11, "A_ELECTION_VOTE";
    /// Start an election (as a vote, at a lower priority).
    ELECTION_START = 12, "A_ELECTION_START";
    /// Route a message to its recipient.
    MSG_ROUTE = 14, "A_MSG_ROUTE";
    /// DC: offer a join to one (new) node.
    DC_JOIN_OFFER_ONE = 15, "A_DC_JOIN_OFFER_ONE";
    /// DC: start a join round and offer it to every node.
    DC_JOIN_OFFER_ALL = 16, "A_DC_JOIN_OFFER_ALL";
    /// DC: process a node's join request.
    DC_JOIN_PROCESS_REQ = 17, "A_DC_JOIN_PROCESS_REQ";
    /// DC: sync the CIB and send the join results.
    DC_JOIN_FINALIZE = 18, "A_DC_JOIN_FINALIZE";
    /// DC: process a node's join confirmation.
    DC_JOIN_PROCESS_ACK = 19, "A_DC_JOIN_PROCESS_ACK";
    /// Ask whether there is a DC out there.
    CL_JOIN_QUERY = 20, "A_CL_JOIN_QUERY";
    /// Announce ourselves to the DC.
    CL_JOIN_ANNOUNCE = 21, "A_CL_JOIN_ANNOUNCE";
    /// Answer the DC's join offer with a join request.
    CL_JOIN_REQUEST = 22, "A_CL_JOIN_REQUEST";
    /// Handle the DC's join result and confirm.
    CL_JOIN_RESULT = 23, "A_CL_JOIN_RESULT";
    /// Try to recover from an error.
    RECOVER = 24, "A_RECOVER";
    /// Give up the DC role.
    DC_RELEASE = 25, "A_DC_RELEASE";
    /// The DC role has been given up.
    DC_RELEASED = 26, "A_DC_RELEASED";
    /// Take the DC role.
    DC_TAKEOVER = 27, "A_DC_TAKEOVER";
    /// Shut down.
    SHUTDOWN = 28, "A_SHUTDOWN";
    /// Stop.
    STOP = 29, "A_STOP";
    /// Exit with success.
    EXIT_0 = 30, "A_EXIT_0";
    /// Exit with failure.
    EXIT_1 = 31, "A_EXIT_1";
    /// Ask the DC for permission to shut down.
    SHUTDOWN_REQ = 32, "A_SHUTDOWN_REQ";
    /// Check whether the election is won.
    ELECTION_CHECK = 33, "A_ELECTION_CHECK";
    /// DC: the join is final; bring quorum and node state up to date.
    DC_JOIN_FINAL = 34, "A_DC_JOIN_FINAL";
    /// Connect to the CIB manager.
    CIB_START = 41, "A_CIB_START";
    /// Disconnect from the CIB manager.
    CIB_STOP = 42, "A_CIB_STOP";
    /// Execute the new transition.
    TE_INVOKE = 44, "A_TE_INVOKE";
    /// Start the transition engine.
    TE_START = 45, "A_TE_START";
    /// Stop the transition engine.
    TE_STOP = 46, "A_TE_STOP";
    /// Abort the current transition (and recompute).
    TE_CANCEL = 47, "A_TE_CANCEL";
    /// Halt the current transition (wait, do not recompute).
    TE_HALT = 48, "A_TE_HALT";
    /// Ask the scheduler for a new transition.
    PE_INVOKE = 49, "A_PE_INVOKE";
    /// Connect to the scheduler.
    PE_START = 50, "A_PE_START";
    /// Disconnect from the scheduler.
    PE_STOP = 51, "A_PE_STOP";
    /// Read the cluster options from the CIB.
    READCONFIG = 55, "A_READCONFIG";
    /// Connect to the local executor.
    LRM_CONNECT = 56, "A_LRM_CONNECT";
    /// Disconnect from the local executor.
    LRM_DISCONNECT = 57, "A_LRM_DISCONNECT";
    /// Log the input at info level.
    LOG = 60, "A_LOG";
    /// Log the input as an error.
    ERROR = 61, "A_ERROR";
    /// Log the input as a warning.
    WARN = 62, "A_WARN";
}

impl Actions {
    /// No action.
    pub const NOTHING: Actions = Actions(0);
    /// Everything needed to exit (`O_EXIT`).
    pub const O_EXIT: Actions = Actions(
        Self::SHUTDOWN.0
            | Self::STOP.0
            | Self::LRM_DISCONNECT.0
            | Self::HA_DISCONNECT.0
            | Self::EXIT_0.0
            | Self::CIB_STOP.0,
    );
    /// Everything needed to release the DC role (`O_RELEASE`).
    pub const O_RELEASE: Actions = Actions(
        Self::DC_TIMER_STOP.0
            | Self::DC_RELEASE.0
            | Self::PE_STOP.0
            | Self::TE_STOP.0
            | Self::DC_RELEASED.0,
    );
    /// Restart the scheduler connection (`O_PE_RESTART`).
    pub const O_PE_RESTART: Actions = Actions(Self::PE_START.0 | Self::PE_STOP.0);
    /// Restart the transition engine (`O_TE_RESTART`).
    pub const O_TE_RESTART: Actions = Actions(Self::TE_START.0 | Self::TE_STOP.0);
    /// Reconnect to the CIB (`O_CIB_RESTART`).
    pub const O_CIB_RESTART: Actions = Actions(Self::CIB_START.0 | Self::CIB_STOP.0);
    /// Reconnect to the executor (`O_LRM_RECONNECT`).
    pub const O_LRM_RECONNECT: Actions = Actions(Self::LRM_CONNECT.0 | Self::LRM_DISCONNECT.0);
    /// Restart the DC timer (`O_DC_TIMER_RESTART`).
    pub const O_DC_TIMER_RESTART: Actions = Actions(Self::DC_TIMER_STOP.0 | Self::DC_TIMER_START.0);

    /// Actions that make no sense once shutting down (`startup_actions` upstream).
    pub const STARTUP_ACTIONS: Actions = Actions(
        Self::STARTUP.0
            | Self::CIB_START.0
            | Self::LRM_CONNECT.0
            | Self::HA_CONNECT.0
            | Self::READCONFIG.0
            | Self::STARTED.0
            | Self::CL_JOIN_QUERY.0,
    );

    /// The raw bit mask.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Whether no action is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every action of `other` is set.
    pub fn contains(self, other: Actions) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any action of `other` is set.
    pub fn intersects(self, other: Actions) -> bool {
        self.0 & other.0 != 0
    }

    /// Adds the actions of `other`.
    pub fn insert(&mut self, other: Actions) {
        self.0 |= other.0;
    }

    /// Removes the actions of `other`.
    pub fn remove(&mut self, other: Actions) {
        self.0 &= !other.0;
    }

    /// The upstream names of the actions set, in bit order.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMED
            .iter()
            .filter(|(a, _)| self.contains(*a))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl std::ops::BitOr for Actions {
    type Output = Actions;
    fn bitor(self, rhs: Actions) -> Actions {
        Actions(self.0 | rhs.0)
    }
}

impl fmt::Display for Actions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("A_NOTHING");
        }
        f.write_str(&self.names().join("|"))
    }
}

impl fmt::Debug for Actions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Upstream's priority order: each entry is run when all of its actions are
/// pending, and the first pending entry always goes first. Composite entries
/// (`O_*_RESTART`) come before their parts.
pub const PRIORITY: &[Actions] = &[
    Actions::ERROR,
    Actions::WARN,
    Actions::LOG,
    Actions::EXIT_1,
    Actions::O_LRM_RECONNECT,
    Actions::O_CIB_RESTART,
    Actions::O_PE_RESTART,
    Actions::O_TE_RESTART,
    Actions::STARTUP,
    Actions::CIB_START,
    Actions::HA_CONNECT,
    Actions::READCONFIG,
    Actions::LRM_CONNECT,
    Actions::TE_START,
    Actions::PE_START,
    Actions::DC_TIMER_STOP,
    Actions::INTEGRATE_TIMER_STOP,
    Actions::INTEGRATE_TIMER_START,
    Actions::FINALIZE_TIMER_STOP,
    Actions::FINALIZE_TIMER_START,
    Actions::MSG_ROUTE,
    Actions::RECOVER,
    Actions::CL_JOIN_RESULT,
    Actions::CL_JOIN_REQUEST,
    Actions::SHUTDOWN_REQ,
    Actions::ELECTION_VOTE,
    Actions::ELECTION_COUNT,
    Actions::STARTED,
    Actions::CL_JOIN_QUERY,
    Actions::DC_TIMER_START,
    Actions::DC_TAKEOVER,
    Actions::DC_RELEASE,
    Actions::DC_JOIN_FINAL,
    Actions::ELECTION_CHECK,
    Actions::ELECTION_START,
    Actions::DC_JOIN_OFFER_ALL,
    Actions::DC_JOIN_OFFER_ONE,
    Actions::DC_JOIN_PROCESS_REQ,
    Actions::DC_JOIN_PROCESS_ACK,
    Actions::DC_JOIN_FINALIZE,
    Actions::CL_JOIN_ANNOUNCE,
    Actions::TE_HALT,
    Actions::TE_CANCEL,
    Actions::PE_INVOKE,
    Actions::TE_INVOKE,
    Actions::DC_RELEASED,
    Actions::PE_STOP,
    Actions::TE_STOP,
    Actions::SHUTDOWN,
    Actions::LRM_DISCONNECT,
    Actions::HA_DISCONNECT,
    Actions::CIB_STOP,
    Actions::STOP,
    Actions::EXIT_0,
];

/// The entry of [`PRIORITY`] to run next among `pending`, if any.
pub fn next_step(pending: Actions) -> Option<Actions> {
    PRIORITY.iter().copied().find(|a| pending.contains(*a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_priority() {
        let mut all = Actions::NOTHING;
        for (a, _) in Actions::NAMED {
            all.insert(*a);
        }
        let mut covered = Actions::NOTHING;
        for p in PRIORITY {
            covered.insert(*p);
        }
        assert_eq!(all, covered);
    }

    #[test]
    fn composites_go_first() {
        let pending = Actions::PE_START | Actions::PE_STOP | Actions::DC_TIMER_STOP;
        assert_eq!(next_step(pending), Some(Actions::O_PE_RESTART));
        assert_eq!(
            next_step(Actions::PE_STOP | Actions::LOG),
            Some(Actions::LOG)
        );
        assert_eq!(next_step(Actions::NOTHING), None);
    }

    #[test]
    fn display_uses_upstream_names() {
        assert_eq!(Actions::NOTHING.to_string(), "A_NOTHING");
        assert_eq!(
            (Actions::WARN | Actions::DC_TIMER_STOP).to_string(),
            "A_DC_TIMER_STOP|A_WARN"
        );
    }
}
