//! The controller's transition table: for each (state, input), the next
//! state and the actions to run. Behaviour follows Pacemaker 3.0.2's
//! `controld_matrix.c`; every pair is spelt out in one exhaustive match, and
//! the golden test in `tests/fsa_table.rs` prints the whole table.

use super::action::Actions;
use super::state::{Input, State};

/// Shorthand for a union of single actions in the table.
macro_rules! acts {
    ($first:ident $(| $name:ident)*) => { Actions::$first $(| Actions::$name)* };
}

/// The next state and the actions for `input` received in `state`.
pub fn transition(state: State, input: Input) -> (State, Actions) {
    use Input as I;
    use State as S;
    let keep = state;
    match input {
        I::Null => (keep, Actions::NOTHING),
        I::WaitForEvent => (keep, acts!(LOG)),
        I::DcTimeout => match state {
            S::Idle | S::Integration | S::FinalizeJoin | S::PolicyEngine | S::ReleaseDc => {
                (S::Recovery, acts!(WARN))
            }
            S::Election => (S::Election, acts!(ELECTION_VOTE)),
            S::NotDc | S::Pending => (S::Election, acts!(ELECTION_VOTE | WARN)),
            S::Recovery => (S::Recovery, Actions::NOTHING),
            S::Starting => (S::Starting, acts!(WARN)),
            S::Stopping | S::Terminate => (keep, Actions::NOTHING),
            S::TransitionEngine => (S::Recovery, acts!(TE_CANCEL | WARN)),
        },
        I::Election => match state {
            S::Idle
            | S::Election
            | S::Integration
            | S::FinalizeJoin
            | S::NotDc
            | S::PolicyEngine
            | S::Pending
            | S::TransitionEngine => (S::Election, acts!(ELECTION_VOTE)),
            S::Recovery | S::ReleaseDc | S::Stopping | S::Terminate => (keep, acts!(LOG)),
            S::Starting => (S::Starting, acts!(WARN)),
        },
        I::PeCalc => match state {
            S::Idle | S::PolicyEngine | S::TransitionEngine => (S::PolicyEngine, acts!(PE_INVOKE)),
            S::Election | S::Integration | S::FinalizeJoin | S::Recovery | S::ReleaseDc => {
                (keep, Actions::NOTHING)
            }
            S::NotDc | S::Pending | S::Stopping => (keep, acts!(WARN)),
            S::Starting => (S::Recovery, acts!(ERROR)),
            S::Terminate => (S::Terminate, acts!(ERROR)),
        },
        I::ReleaseDc => match state {
            S::Idle | S::Election => (S::ReleaseDc, Actions::O_RELEASE),
            S::Integration
            | S::FinalizeJoin
            | S::PolicyEngine
            | S::ReleaseDc
            | S::TransitionEngine => (S::ReleaseDc, Actions::O_RELEASE | Actions::WARN),
            S::NotDc | S::Pending | S::Stopping | S::Terminate => (keep, acts!(WARN)),
            S::Recovery => (S::Recovery, Actions::O_RELEASE),
            S::Starting => (S::Recovery, acts!(ERROR)),
        },
        I::ElectionDc => match state {
            S::Idle | S::PolicyEngine | S::TransitionEngine => {
                (S::Integration, acts!(WARN | ELECTION_VOTE))
            }
            S::Election => (
                S::Integration,
                acts!(LOG | DC_TAKEOVER | PE_START | TE_START | DC_JOIN_OFFER_ALL | DC_TIMER_STOP),
            ),
            S::Integration | S::FinalizeJoin => (
                S::Integration,
                acts!(WARN | ELECTION_VOTE | DC_JOIN_OFFER_ALL),
            ),
            S::NotDc => (S::Integration, acts!(LOG | ELECTION_VOTE)),
            S::Recovery | S::Stopping | S::Terminate => (keep, acts!(WARN)),
            S::ReleaseDc => (S::ReleaseDc, acts!(WARN | ELECTION_VOTE)),
            S::Starting => (S::Recovery, acts!(LOG | WARN)),
            S::Pending => (S::Pending, acts!(LOG | WARN)),
        },
        I::Error => match state {
            S::Idle | S::Integration | S::FinalizeJoin | S::PolicyEngine | S::TransitionEngine => (
                S::Recovery,
                acts!(ERROR | RECOVER | ELECTION_START) | Actions::O_RELEASE,
            ),
            S::Election => (S::Recovery, acts!(ERROR | RECOVER) | Actions::O_RELEASE),
            S::NotDc | S::ReleaseDc | S::Starting | S::Pending => {
                (S::Recovery, acts!(ERROR | RECOVER))
            }
            S::Recovery => (S::Recovery, acts!(ERROR) | Actions::O_RELEASE),
            S::Stopping | S::Terminate => (S::Terminate, acts!(ERROR | EXIT_1)),
        },
        I::Fail => match state {
            S::Idle | S::NotDc => (S::Recovery, acts!(WARN)),
            S::Election => (S::ReleaseDc, acts!(WARN)),
            S::Integration | S::FinalizeJoin => (S::Integration, acts!(WARN | DC_JOIN_OFFER_ALL)),
            S::PolicyEngine => (S::Integration, acts!(WARN | DC_JOIN_OFFER_ALL | TE_CANCEL)),
            S::Recovery => (S::Recovery, acts!(WARN) | Actions::O_RELEASE),
            S::ReleaseDc => (S::ReleaseDc, acts!(WARN)),
            S::Starting | S::Pending | S::Stopping => (S::Stopping, acts!(WARN)),
            S::Terminate => (S::Terminate, acts!(WARN | EXIT_1)),
            S::TransitionEngine => (
                S::PolicyEngine,
                acts!(WARN | PE_INVOKE | TE_CANCEL) | Actions::O_LRM_RECONNECT,
            ),
        },
        I::Integrated => match state {
            S::Idle | S::PolicyEngine | S::TransitionEngine => (keep, Actions::NOTHING),
            S::Integration => (S::FinalizeJoin, acts!(DC_JOIN_FINALIZE)),
            S::Starting | S::Pending => (S::Recovery, acts!(WARN)),
            S::Election
            | S::FinalizeJoin
            | S::NotDc
            | S::Recovery
            | S::ReleaseDc
            | S::Stopping
            | S::Terminate => (keep, acts!(WARN)),
        },
        I::Finalized => match state {
            S::Idle | S::PolicyEngine | S::TransitionEngine => (keep, Actions::NOTHING),
            S::FinalizeJoin => (S::PolicyEngine, acts!(DC_JOIN_FINAL | TE_CANCEL)),
            S::Starting | S::Pending => (S::Recovery, acts!(WARN)),
            S::Election
            | S::Integration
            | S::NotDc
            | S::Recovery
            | S::ReleaseDc
            | S::Stopping
            | S::Terminate => (keep, acts!(WARN)),
        },
        I::NodeJoin => match state {
            S::Idle | S::TransitionEngine => (S::Integration, acts!(TE_HALT | DC_JOIN_OFFER_ONE)),
            S::Integration | S::FinalizeJoin | S::PolicyEngine => {
                (S::Integration, acts!(DC_JOIN_OFFER_ONE))
            }
            S::Starting => (S::Recovery, acts!(WARN)),
            S::Election
            | S::NotDc
            | S::Recovery
            | S::ReleaseDc
            | S::Pending
            | S::Stopping
            | S::Terminate => (keep, acts!(WARN)),
        },
        I::NotDc => match state {
            S::Idle => (S::Recovery, acts!(WARN) | Actions::O_RELEASE),
            S::Election => (S::Election, acts!(ERROR | ELECTION_START | DC_TIMER_STOP)),
            S::Integration
            | S::FinalizeJoin
            | S::PolicyEngine
            | S::Recovery
            | S::TransitionEngine => (S::Recovery, acts!(ERROR) | Actions::O_RELEASE),
            S::ReleaseDc => (S::ReleaseDc, acts!(ERROR) | Actions::O_RELEASE),
            S::NotDc => (S::NotDc, acts!(LOG)),
            S::Starting => (S::Recovery, acts!(WARN)),
            S::Pending => (S::NotDc, acts!(LOG | DC_TIMER_STOP)),
            S::Stopping | S::Terminate => (keep, acts!(WARN)),
        },
        I::ReleaseSuccess => match state {
            S::Idle
            | S::Integration
            | S::FinalizeJoin
            | S::PolicyEngine
            | S::Starting
            | S::TransitionEngine => (S::Recovery, acts!(WARN)),
            S::ReleaseDc => (S::Pending, acts!(LOG)),
            S::Pending => (S::Pending, acts!(LOG)),
            S::Election | S::NotDc | S::Recovery | S::Stopping | S::Terminate => {
                (keep, acts!(WARN))
            }
        },
        I::TeSuccess => match state {
            S::Idle => (S::Idle, acts!(LOG)),
            S::TransitionEngine => (S::Idle, acts!(LOG)),
            S::NotDc | S::Pending => (keep, acts!(ERROR)),
            S::Starting => (S::Recovery, acts!(ERROR)),
            S::Recovery => (S::Recovery, acts!(RECOVER | WARN)),
            S::Election
            | S::Integration
            | S::FinalizeJoin
            | S::PolicyEngine
            | S::ReleaseDc
            | S::Stopping
            | S::Terminate => (keep, acts!(WARN)),
        },
        I::Router => (keep, acts!(MSG_ROUTE)),
        I::Shutdown => match state {
            S::Idle => (S::PolicyEngine, acts!(LOG | SHUTDOWN_REQ)),
            S::TransitionEngine => (S::PolicyEngine, acts!(WARN | SHUTDOWN_REQ)),
            S::Election => (S::Election, acts!(LOG | SHUTDOWN_REQ | ELECTION_VOTE)),
            S::Integration | S::FinalizeJoin | S::PolicyEngine => (keep, acts!(LOG | SHUTDOWN_REQ)),
            S::NotDc | S::Pending => (keep, acts!(SHUTDOWN_REQ)),
            S::Recovery => (
                S::Stopping,
                acts!(WARN) | Actions::O_EXIT | Actions::O_RELEASE,
            ),
            S::ReleaseDc => (S::ReleaseDc, acts!(WARN | SHUTDOWN_REQ)),
            S::Starting => (S::Stopping, acts!(WARN) | Actions::O_EXIT),
            S::Stopping | S::Terminate => (keep, acts!(LOG)),
        },
        I::Stop => match state {
            S::Idle | S::FinalizeJoin | S::Recovery | S::ReleaseDc => (
                S::Stopping,
                acts!(ERROR) | Actions::O_RELEASE | Actions::O_EXIT,
            ),
            S::Election => (S::Stopping, Actions::O_RELEASE | Actions::O_EXIT),
            S::Integration | S::PolicyEngine => (
                S::Stopping,
                acts!(WARN) | Actions::O_RELEASE | Actions::O_EXIT,
            ),
            S::NotDc | S::Starting | S::Pending | S::Stopping => (S::Stopping, Actions::O_EXIT),
            S::Terminate => (S::Terminate, acts!(ERROR | EXIT_1)),
            S::TransitionEngine => (
                S::Stopping,
                acts!(LOG) | Actions::O_RELEASE | Actions::O_EXIT,
            ),
        },
        I::Terminate => match state {
            S::Starting | S::Stopping | S::Terminate => (S::Terminate, Actions::O_EXIT),
            _ => (S::Terminate, acts!(ERROR) | Actions::O_EXIT),
        },
        I::Startup => match state {
            S::Starting => (
                S::Starting,
                acts!(LOG | STARTUP | CIB_START | LRM_CONNECT | HA_CONNECT | READCONFIG | STARTED),
            ),
            S::Pending => (S::Pending, acts!(LOG)),
            S::ReleaseDc | S::Stopping | S::Terminate => (keep, acts!(WARN)),
            S::Idle
            | S::Election
            | S::Integration
            | S::FinalizeJoin
            | S::NotDc
            | S::PolicyEngine
            | S::Recovery
            | S::TransitionEngine => (S::Recovery, acts!(WARN)),
        },
        I::PeSuccess => match state {
            S::Idle | S::ReleaseDc | S::Pending | S::TransitionEngine => (keep, acts!(LOG)),
            S::Election | S::Integration | S::FinalizeJoin => (keep, acts!(WARN)),
            S::NotDc => (S::NotDc, Actions::NOTHING),
            S::PolicyEngine => (S::TransitionEngine, acts!(TE_INVOKE)),
            S::Recovery => (S::Recovery, acts!(RECOVER | LOG)),
            S::Starting => (S::Recovery, acts!(ERROR)),
            S::Stopping | S::Terminate => (keep, acts!(ERROR)),
        },
        I::JoinOffer => match state {
            S::Idle | S::PolicyEngine | S::TransitionEngine => {
                (keep, acts!(WARN | CL_JOIN_REQUEST))
            }
            S::Election => (S::Election, acts!(WARN | ELECTION_VOTE)),
            S::Integration | S::FinalizeJoin => (keep, acts!(CL_JOIN_REQUEST)),
            S::NotDc | S::Pending => (S::Pending, acts!(CL_JOIN_REQUEST | DC_TIMER_STOP)),
            S::Recovery | S::ReleaseDc => (keep, acts!(WARN | CL_JOIN_REQUEST | DC_TIMER_STOP)),
            S::Starting | S::Stopping | S::Terminate => (keep, acts!(LOG)),
        },
        I::JoinRequest => match state {
            S::Idle | S::FinalizeJoin | S::PolicyEngine | S::TransitionEngine => {
                (S::Integration, acts!(DC_JOIN_OFFER_ONE))
            }
            S::Integration => (S::Integration, acts!(DC_JOIN_PROCESS_REQ)),
            S::Election
            | S::NotDc
            | S::Recovery
            | S::ReleaseDc
            | S::Starting
            | S::Pending
            | S::Stopping
            | S::Terminate => (keep, acts!(WARN)),
        },
        I::JoinResult => match state {
            S::Idle | S::PolicyEngine | S::TransitionEngine => {
                (S::Integration, acts!(ERROR | TE_HALT | DC_JOIN_OFFER_ALL))
            }
            S::Election | S::Recovery | S::ReleaseDc => (keep, acts!(LOG)),
            S::Integration => (
                S::Integration,
                acts!(LOG | CL_JOIN_RESULT | DC_JOIN_PROCESS_ACK),
            ),
            S::FinalizeJoin => (S::FinalizeJoin, acts!(CL_JOIN_RESULT | DC_JOIN_PROCESS_ACK)),
            S::NotDc => (S::Pending, acts!(ERROR | CL_JOIN_ANNOUNCE)),
            S::Starting => (S::Recovery, acts!(ERROR)),
            S::Pending => (S::Pending, acts!(CL_JOIN_RESULT)),
            S::Stopping | S::Terminate => (keep, acts!(ERROR)),
        },
        I::Pending => match state {
            S::Idle
            | S::Election
            | S::Integration
            | S::FinalizeJoin
            | S::PolicyEngine
            | S::TransitionEngine => (S::Pending, Actions::O_RELEASE | Actions::O_DC_TIMER_RESTART),
            S::NotDc | S::Pending => (S::Pending, acts!(LOG) | Actions::O_DC_TIMER_RESTART),
            S::Recovery | S::Stopping | S::Terminate => (keep, acts!(WARN)),
            S::ReleaseDc => (S::ReleaseDc, acts!(WARN) | Actions::O_DC_TIMER_RESTART),
            S::Starting => (S::Pending, acts!(LOG | DC_TIMER_START | CL_JOIN_QUERY)),
        },
    }
}
