//! Log lines that Pacemaker's CTS lab and admins' scripts grep for
//! (`python/pacemaker/_cts/patterns.py`): their wording is a contract.

use super::fsa::State;

/// `State transition S_A -> S_B`, logged on every FSA state change.
pub fn state_transition(from: State, to: State) -> String {
    format!("State transition {from} -> {to}")
}

/// `Result of <task> operation for <rsc> on <node>: <text>`, logged when an
/// operation result is recorded.
pub fn operation_result(task: &str, rsc: &str, node: &str, text: &str) -> String {
    format!("Result of {task} operation for {rsc} on {node}: {text}")
}

/// `Initiating <task> operation <key> on <node>`, logged when the DC sends
/// an action.
pub fn initiating(task: &str, key: &str, node: &str) -> String {
    format!("Initiating {task} operation {key} on {node}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_is_stable() {
        assert_eq!(
            state_transition(State::PolicyEngine, State::TransitionEngine),
            "State transition S_POLICY_ENGINE -> S_TRANSITION_ENGINE"
        );
        assert_eq!(
            operation_result("start", "d", "n1", "ok"),
            "Result of start operation for d on n1: ok"
        );
        assert_eq!(
            initiating("stop", "d_stop_0", "n2"),
            "Initiating stop operation d_stop_0 on n2"
        );
    }
}
