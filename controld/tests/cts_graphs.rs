//! Executes every expected transition graph of Pacemaker's scheduler
//! regression suite (`../shared/pacemaker-cts/scheduler/exp/*.exp`, read at
//! run time, never copied) with a fake executor that confirms every action
//! with its expected result. Each graph must run to completion, every
//! action must fire exactly once, and no action may fire before all inputs
//! of its synapse are confirmed. Skipped with a message when the suite is
//! absent.

use std::collections::{BTreeMap, BTreeSet};
mod common;

use pcmk_common::xml::parse;
use pcmk_controld::core::te::{
    ActionEvent, Graph, GraphNext, GraphStatus, TeCommand, TeConfig, TransitionEngine,
};

const UUID: &str = "11111111-2222-3333-4444-555555555555";

fn run_graph(name: &str, text: &str) -> Result<usize, String> {
    let xml = parse(text).map_err(|e| format!("{name}: {e}"))?;
    let graph = Graph::unpack(&xml, name).map_err(|e| format!("{name}: {e}"))?;
    // Which synapse inputs each action waits for.
    let mut needs: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
    for s in &graph.synapses {
        for &a in &s.actions {
            needs.insert(graph.actions[a].id, s.inputs.iter().map(|i| i.id).collect());
        }
    }
    let total = graph.actions.len();
    let mut te = TransitionEngine::new(TeConfig {
        local_node: "no-such-dc".into(),
        te_uuid: UUID.into(),
        node_job_limit: 0,
    });
    te.start(graph);
    let mut confirmed: BTreeSet<i32> = BTreeSet::new();
    let mut fired: BTreeSet<i32> = BTreeSet::new();
    for _round in 0..10_000 {
        let done = te.run();
        let snapshot: BTreeMap<i32, bool> = te
            .graph()
            .map(|g| g.actions.iter().map(|a| (a.id, a.confirmed)).collect())
            .unwrap_or_default();
        for c in te.take_commands() {
            let id = match &c {
                TeCommand::ExecResource { action_id, .. }
                | TeCommand::ClusterAction { action_id, .. }
                | TeCommand::Fence { action_id, .. } => *action_id,
                _ => continue,
            };
            if !fired.insert(id) {
                return Err(format!("{name}: action {id} fired twice"));
            }
            for input in needs.get(&id).into_iter().flatten() {
                let ok = confirmed.contains(input) || snapshot.get(input) == Some(&true);
                if !ok {
                    return Err(format!("{name}: action {id} fired before input {input}"));
                }
            }
            match c {
                TeCommand::ExecResource { action, .. } => {
                    let g = te.graph().ok_or("no graph")?;
                    let a = g.action(id).ok_or("no action")?;
                    let ev = ActionEvent {
                        op_key: a.key().to_string(),
                        transition_key: action.attr("transition-key").map(str::to_string),
                        op_status: 0,
                        rc: a.target_rc(),
                        call_id: id,
                        on_node: a.on_node().map(str::to_string),
                        node_uuid: a.on_node_uuid().unwrap_or("").to_string(),
                        origin: None,
                    };
                    te.action_event(&ev);
                }
                TeCommand::ClusterAction { .. } => te.confirm_action(id, false),
                TeCommand::Fence { .. } => te.fence_result(id, true),
                _ => {}
            }
            confirmed.insert(id);
        }
        if let Some((status, next)) = done {
            if status != GraphStatus::Complete {
                return Err(format!("{name}: finished {status:?}"));
            }
            if next != GraphNext::Done && next != GraphNext::Shutdown {
                return Err(format!("{name}: finished wanting {next:?}"));
            }
            let g = te.graph().ok_or("no graph")?;
            if let Some(s) = g.synapses.iter().find(|s| !s.confirmed) {
                return Err(format!("{name}: synapse {} never confirmed", s.id));
            }
            return Ok(total);
        }
    }
    Err(format!("{name}: did not complete"))
}

#[test]
fn every_expected_graph_runs_to_completion() {
    let Some(dir) = common::cts_dir() else {
        eprintln!("skipping: Pacemaker's scheduler suite (../shared/pacemaker-cts) is not present");
        return;
    };
    let files = common::files(&dir.join("scheduler/exp"), "exp");
    let mut failures = Vec::new();
    let mut actions = 0;
    for f in &files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap();
        match run_graph(&name, &text) {
            Ok(n) => actions += n,
            Err(e) => failures.push(e),
        }
    }
    eprintln!(
        "executed {} graphs, {} actions; {} failures",
        files.len(),
        actions,
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(!files.is_empty());
}
