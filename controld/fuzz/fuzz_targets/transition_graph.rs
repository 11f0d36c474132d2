//! Unpacks arbitrary bytes as a transition graph and runs it to the end
//! with every action succeeding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_controld::core::te::{Graph, TeCommand, TeConfig, TransitionEngine};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(xml) = pcmk_common::xml::parse(text) else { return };
    let Ok(graph) = Graph::unpack(&xml, "fuzz") else { return };
    let mut te = TransitionEngine::new(TeConfig {
        local_node: "n1".into(),
        te_uuid: "fuzz".into(),
        node_job_limit: 2,
    });
    te.start(graph);
    for _ in 0..10_000 {
        if te.run().is_some() {
            return;
        }
        for c in te.take_commands() {
            match c {
                TeCommand::ExecResource { action_id, .. }
                | TeCommand::ClusterAction { action_id, .. } => te.confirm_action(action_id, false),
                TeCommand::Fence { action_id, .. } => te.fence_result(action_id, true),
                _ => {}
            }
        }
    }
    panic!("graph never finished");
});
