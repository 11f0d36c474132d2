//! The controller's states and inputs, with upstream's names.

use std::fmt;

/// A state of the controller FSA (`enum crmd_fsa_state` upstream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// DC with nothing to do: the cluster is where the scheduler wants it.
    Idle,
    /// Taking part in a DC election.
    Election,
    /// Elected DC: collecting join requests from every active node.
    Integration,
    /// Elected DC: syncing the CIB and acknowledging the integrated nodes.
    FinalizeJoin,
    /// Member of the cluster, not the DC, joined to the DC.
    NotDc,
    /// DC: waiting for the scheduler's next transition.
    PolicyEngine,
    /// Something went wrong; check and recover before going on.
    Recovery,
    /// Was the DC, is not any more: releasing the DC's duties.
    ReleaseDc,
    /// Just started: connecting to the CIB, the executor and the cluster.
    Starting,
    /// Connected but not (yet) joined to a DC.
    Pending,
    /// Shutting down in an orderly way.
    Stopping,
    /// Exiting now, whatever is left undone.
    Terminate,
    /// DC: carrying out a transition graph.
    TransitionEngine,
}

impl State {
    /// Every state, in upstream's enum order.
    pub const ALL: [State; 13] = [
        State::Idle,
        State::Election,
        State::Integration,
        State::FinalizeJoin,
        State::NotDc,
        State::PolicyEngine,
        State::Recovery,
        State::ReleaseDc,
        State::Starting,
        State::Pending,
        State::Stopping,
        State::Terminate,
        State::TransitionEngine,
    ];

    /// Upstream's name (`S_IDLE`, ...), as logs and `crmadmin -S` print it.
    pub fn name(self) -> &'static str {
        match self {
            State::Idle => "S_IDLE",
            State::Election => "S_ELECTION",
            State::Integration => "S_INTEGRATION",
            State::FinalizeJoin => "S_FINALIZE_JOIN",
            State::NotDc => "S_NOT_DC",
            State::PolicyEngine => "S_POLICY_ENGINE",
            State::Recovery => "S_RECOVERY",
            State::ReleaseDc => "S_RELEASE_DC",
            State::Starting => "S_STARTING",
            State::Pending => "S_PENDING",
            State::Stopping => "S_STOPPING",
            State::Terminate => "S_TERMINATE",
            State::TransitionEngine => "S_TRANSITION_ENGINE",
        }
    }

    /// The state named `name` (upstream spelling).
    pub fn from_name(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether a node in this state holds (or is taking) the DC role.
    pub fn is_dc_state(self) -> bool {
        matches!(
            self,
            State::Idle
                | State::Integration
                | State::FinalizeJoin
                | State::PolicyEngine
                | State::TransitionEngine
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An input (stimulus) of the controller FSA (`enum crmd_fsa_input` upstream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Input {
    /// Nothing happened; only runs pending actions.
    Null,
    /// The DC timer (dc-deadtime) expired without hearing from a DC.
    DcTimeout,
    /// An election is needed or was started by a peer.
    Election,
    /// The scheduler must be run.
    PeCalc,
    /// The election ended, we lost it and we were the DC.
    ReleaseDc,
    /// The election ended and we won it.
    ElectionDc,
    /// A serious error, possibly not caused by the current action.
    Error,
    /// The current action failed.
    Fail,
    /// Every node answered the join offer (or the integration timer fired).
    Integrated,
    /// Every node confirmed its join.
    Finalized,
    /// A node joined (announced itself); offer it a join.
    NodeJoin,
    /// We are not, and were not, the DC.
    NotDc,
    /// The DC role was released.
    ReleaseSuccess,
    /// The transition completed.
    TeSuccess,
    /// Route a message to where it belongs.
    Router,
    /// We ask to shut down.
    Shutdown,
    /// We are told to shut down now.
    Stop,
    /// Exit at once.
    Terminate,
    /// Start the controller.
    Startup,
    /// The scheduler produced a transition.
    PeSuccess,
    /// The DC offers us membership.
    JoinOffer,
    /// A node asks the DC for membership.
    JoinRequest,
    /// Non-DC: the DC's answer to our join request. DC: a node confirms its join.
    JoinResult,
    /// Wait for an asynchronous event before going on.
    WaitForEvent,
    /// Go to S_PENDING and wait for a DC.
    Pending,
}

impl Input {
    /// Every input, in upstream's enum order.
    pub const ALL: [Input; 25] = [
        Input::Null,
        Input::DcTimeout,
        Input::Election,
        Input::PeCalc,
        Input::ReleaseDc,
        Input::ElectionDc,
        Input::Error,
        Input::Fail,
        Input::Integrated,
        Input::Finalized,
        Input::NodeJoin,
        Input::NotDc,
        Input::ReleaseSuccess,
        Input::TeSuccess,
        Input::Router,
        Input::Shutdown,
        Input::Stop,
        Input::Terminate,
        Input::Startup,
        Input::PeSuccess,
        Input::JoinOffer,
        Input::JoinRequest,
        Input::JoinResult,
        Input::WaitForEvent,
        Input::Pending,
    ];

    /// Upstream's name (`I_PE_CALC`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Input::Null => "I_NULL",
            Input::DcTimeout => "I_DC_TIMEOUT",
            Input::Election => "I_ELECTION",
            Input::PeCalc => "I_PE_CALC",
            Input::ReleaseDc => "I_RELEASE_DC",
            Input::ElectionDc => "I_ELECTION_DC",
            Input::Error => "I_ERROR",
            Input::Fail => "I_FAIL",
            Input::Integrated => "I_INTEGRATED",
            Input::Finalized => "I_FINALIZED",
            Input::NodeJoin => "I_NODE_JOIN",
            Input::NotDc => "I_NOT_DC",
            Input::ReleaseSuccess => "I_RELEASE_SUCCESS",
            Input::TeSuccess => "I_TE_SUCCESS",
            Input::Router => "I_ROUTER",
            Input::Shutdown => "I_SHUTDOWN",
            Input::Stop => "I_STOP",
            Input::Terminate => "I_TERMINATE",
            Input::Startup => "I_STARTUP",
            Input::PeSuccess => "I_PE_SUCCESS",
            Input::JoinOffer => "I_JOIN_OFFER",
            Input::JoinRequest => "I_JOIN_REQUEST",
            Input::JoinResult => "I_JOIN_RESULT",
            Input::WaitForEvent => "I_WAIT_FOR_EVENT",
            Input::Pending => "I_PENDING",
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an input was raised (`enum crmd_fsa_cause` upstream), for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Unknown.
    Unknown,
    /// Start-up.
    Startup,
    /// A local client's request.
    IpcMessage,
    /// A message from a peer over the cluster.
    HaMessage,
    /// A membership or peer-status change.
    StatusCallback,
    /// A timer fired.
    TimerPopped,
    /// A shutdown signal or request.
    Shutdown,
    /// Raised by the FSA itself.
    Internal,
}

impl Cause {
    /// Upstream's name (`C_TIMER_POPPED`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Cause::Unknown => "C_UNKNOWN",
            Cause::Startup => "C_STARTUP",
            Cause::IpcMessage => "C_IPC_MESSAGE",
            Cause::HaMessage => "C_HA_MESSAGE",
            Cause::StatusCallback => "C_CRMD_STATUS_CALLBACK",
            Cause::TimerPopped => "C_TIMER_POPPED",
            Cause::Shutdown => "C_SHUTDOWN",
            Cause::Internal => "C_FSA_INTERNAL",
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::from_name(s.name()), Some(s));
            assert_eq!(s.to_string(), s.name());
        }
        assert_eq!(Input::PeCalc.to_string(), "I_PE_CALC");
        assert_eq!(Cause::TimerPopped.to_string(), "C_TIMER_POPPED");
    }
}
