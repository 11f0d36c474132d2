//! The controller's finite state machine, after Pacemaker's
//! `controld_fsa.h`, `controld_matrix.c` and `controld_fsa.c`.
//!
//! Inputs arrive in a queue. For each input the FSA looks up, in one table,
//! the next state and a set of actions; it logs the input, moves to the next
//! state (running the state-entry hook, which may add actions) and then runs
//! the pending actions one at a time in a fixed priority order. An action
//! may queue further inputs, or stall the FSA until an outside event.
//!
//! Deviation from upstream: `S_HALT`, `I_HALT` and the other inputs and
//! states that Pacemaker 3.0 removed are not modelled.

mod action;
mod state;
mod table;

pub use action::{Actions, PRIORITY, next_step};
pub use state::{Cause, Input, State};
pub use table::transition;

/// The whole table as text, one line per (input, state) pair, in upstream's
/// enum order: `I_X S_Y -> S_Z A_...`. The golden test compares it.
pub fn table_text() -> String {
    let mut out = String::new();
    for input in Input::ALL {
        for state in State::ALL {
            let (next, actions) = transition(state, input);
            out.push_str(&format!("{input} {state} -> {next} {actions}\n"));
        }
    }
    out
}
