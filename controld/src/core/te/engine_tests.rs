use super::*;
use crate::core::te::ActionEvent;
use crate::core::te::graph::Graph;
use pcmk_common::xml::parse;

const UUID: &str = "0a0b0c0d-0000-0000-0000-000000000001";

fn engine(limit: u32) -> TransitionEngine {
    TransitionEngine::new(TeConfig {
        local_node: "n1".into(),
        te_uuid: UUID.into(),
        node_job_limit: limit,
    })
}

fn rsc_op(id: i32, task: &str, rsc: &str, node: &str) -> String {
    format!(
        r#"<rsc_op id="{id}" operation="{task}" operation_key="{rsc}_{task}_0" on_node="{node}" on_node_uuid="{node}"><primitive id="{rsc}" class="ocf" provider="pacemaker" type="Dummy"/><attributes CRM_meta_timeout="20000"/></rsc_op>"#
    )
}

fn input(id: i32) -> String {
    format!(r#"<trigger><rsc_op id="{id}" operation="x" operation_key="x"/></trigger>"#)
}

fn graph(body: &str, attrs: &str) -> Graph {
    let xml = format!(
        r#"<transition_graph cluster-delay="60s" transition_id="7" {attrs}>{body}</transition_graph>"#
    );
    Graph::unpack(&parse(&xml).unwrap(), "test").unwrap()
}

fn synapse(id: i32, action: &str, inputs: &[i32]) -> String {
    let ins: String = inputs.iter().map(|i| input(*i)).collect();
    format!(
        r#"<synapse id="{id}"><action_set>{action}</action_set><inputs>{ins}</inputs></synapse>"#
    )
}

fn fired(cmds: &[TeCommand]) -> Vec<i32> {
    cmds.iter()
        .filter_map(|c| match c {
            TeCommand::ExecResource { action_id, .. } => Some(*action_id),
            TeCommand::ClusterAction { action_id, .. } => Some(*action_id),
            TeCommand::Fence { action_id, .. } => Some(*action_id),
            _ => None,
        })
        .collect()
}

fn result(te: &TransitionEngine, id: i32, rc: i32) -> ActionEvent {
    let g = te.graph().unwrap();
    let a = g.action(id).unwrap();
    ActionEvent {
        op_key: a.key().to_string(),
        transition_key: Some(format!("{id}:{}:{}:{UUID}", g.id, a.target_rc())),
        op_status: 0,
        rc,
        call_id: 3,
        on_node: a.on_node().map(str::to_string),
        node_uuid: a.on_node_uuid().unwrap_or("").to_string(),
        origin: None,
    }
}

#[test]
fn fires_in_dependency_order_and_completes() {
    let body = [
        synapse(0, &rsc_op(1, "stop", "a", "n1"), &[]),
        synapse(1, &rsc_op(2, "start", "a", "n2"), &[1]),
        synapse(
            2,
            r#"<pseudo_event id="3" operation="all" operation_key="all"/>"#,
            &[2],
        ),
        synapse(3, &rsc_op(4, "monitor", "a", "n2"), &[3]),
    ]
    .concat();
    let mut te = engine(0);
    te.start(graph(&body, ""));
    assert_eq!(te.run(), None);
    let cmds = te.take_commands();
    assert_eq!(fired(&cmds), vec![1]);
    let TeCommand::ExecResource { action, router, .. } = &cmds[0] else {
        panic!()
    };
    assert_eq!(router, "n1");
    assert_eq!(
        action.attr("transition-key"),
        Some(format!("1:7:0:{UUID}").as_str())
    );
    assert!(cmds.contains(&TeCommand::StartActionTimer {
        action_id: 1,
        after: Duration::from_secs(80)
    }));
    // Nothing new until the stop is confirmed.
    assert_eq!(te.run(), None);
    assert!(fired(&te.take_commands()).is_empty());
    te.action_event(&result(&te, 1, 0));
    assert!(
        te.take_commands()
            .contains(&TeCommand::StopActionTimer { action_id: 1 })
    );
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![2]);
    te.action_event(&result(&te, 2, 0));
    te.run();
    // The pseudo action confirms at once, so the monitor fires in the same pass.
    assert_eq!(fired(&te.take_commands()), vec![4]);
    te.action_event(&result(&te, 4, 0));
    assert_eq!(te.run(), Some((GraphStatus::Complete, GraphNext::Done)));
    assert!(te.is_idle());
}

#[test]
fn batch_limit_and_node_job_limit_throttle() {
    let body: String = (0..5)
        .map(|i| synapse(i, &rsc_op(10 + i, "start", &format!("r{i}"), "n2"), &[]))
        .collect();
    let mut te = engine(0);
    te.start(graph(&body, r#"batch-limit="2""#));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![10, 11]);
    te.action_event(&result(&te, 10, 0));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![12]);

    let mut te = engine(3);
    te.start(graph(&body, ""));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![10, 11, 12]);
    te.action_event(&result(&te, 11, 0));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![13]);
}

#[test]
fn migration_limit_counts_source_and_target() {
    let mig = |id: i32, rsc: &str| {
        format!(
            r#"<rsc_op id="{id}" operation="migrate_to" operation_key="{rsc}_migrate_to_0" on_node="n1" on_node_uuid="1"><primitive id="{rsc}"/><attributes CRM_meta_timeout="20000" CRM_meta_migrate_source="n1" CRM_meta_migrate_target="n2"/></rsc_op>"#
        )
    };
    let body = [
        synapse(0, &mig(1, "v1"), &[]),
        synapse(1, &mig(2, "v2"), &[]),
    ]
    .concat();
    let mut te = engine(0);
    te.start(graph(&body, r#"migration-limit="1""#));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![1]);
    te.action_event(&result(&te, 1, 0));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![2]);
}

#[test]
fn failed_action_aborts_and_stops() {
    let body = [
        synapse(0, &rsc_op(1, "start", "a", "n2"), &[]),
        synapse(1, &rsc_op(2, "start", "b", "n2"), &[1]),
        synapse(2, &rsc_op(3, "start", "c", "n3"), &[]),
    ]
    .concat();
    let mut te = engine(0);
    te.start(graph(&body, r#"failed-start-offset="INFINITY""#));
    te.run();
    assert_eq!(fired(&te.take_commands()), vec![1, 3]);
    te.action_event(&result(&te, 1, 1));
    let cmds = te.take_commands();
    assert!(cmds.iter().any(|c| matches!(c,
        TeCommand::UpdateFailcount { rsc, task, value, .. } if rsc == "a" && task == "start" && value == "INFINITY")));
    assert_eq!(te.graph().unwrap().abort_priority, 1);
    assert_eq!(te.graph().unwrap().completion_action, GraphNext::Restart);
    assert_eq!(te.run(), None, "c is still pending");
    te.action_event(&result(&te, 3, 0));
    // b can never run: its input failed. The graph ends, restarting.
    assert_eq!(te.run(), Some((GraphStatus::Complete, GraphNext::Restart)));
}

#[test]
fn abort_skips_low_priority_synapses() {
    let body = [synapse(0, &rsc_op(1, "start", "a", "n2"), &[])].concat();
    let mut te = engine(0);
    te.start(graph(&body, ""));
    te.abort(SCORE_INFINITY, GraphNext::Restart, "Peer Cancelled");
    assert_eq!(te.run(), Some((GraphStatus::Complete, GraphNext::Restart)));
    assert!(fired(&te.take_commands()).is_empty());
    assert_eq!(te.counts().skipped, 1);
}

#[test]
fn a_failed_recurring_result_after_the_graph_asks_for_a_new_one() {
    // The graph that scheduled the monitor is complete; the monitor fails
    // later: the fail count is bumped and a new transition is due.
    let body = synapse(0, &rsc_op(1, "start", "a", "n2"), &[]);
    let mut te = engine(0);
    te.start(graph(&body, ""));
    te.run();
    let ev = result(&te, 1, 0);
    te.action_event(&ev);
    te.run();
    assert!(te.is_idle());
    te.take_commands();
    assert_eq!(te.take_idle_abort(), None);
    let mut ev = result(&te, 1, 7);
    ev.op_key = "a_monitor_2000".into();
    ev.call_id = 4;
    te.action_event(&ev);
    assert_eq!(
        te.take_idle_abort().as_deref(),
        Some("Change in recurring result")
    );
    assert!(te.take_commands().iter().any(|c| matches!(
        c,
        TeCommand::UpdateFailcount { rsc, interval_ms: 2000, value, .. } if rsc == "a" && value == "value++"
    )));
}

#[test]
fn foreign_late_and_outside_events_abort() {
    let body = synapse(0, &rsc_op(1, "start", "a", "n2"), &[]);
    let mut te = engine(0);
    te.start(graph(&body, ""));
    te.run();
    te.take_commands();
    let mut ev = result(&te, 1, 0);
    ev.transition_key = Some("1:7:0:ffffffff-0000-0000-0000-000000000000".into());
    te.action_event(&ev);
    assert_eq!(
        te.graph().unwrap().abort_reason.as_deref(),
        Some("Foreign event")
    );

    let mut te = engine(0);
    te.start(graph(&body, ""));
    te.run();
    let mut ev = result(&te, 1, 0);
    ev.transition_key = Some(format!("1:6:0:{UUID}"));
    te.action_event(&ev);
    assert_eq!(
        te.graph().unwrap().abort_reason.as_deref(),
        Some("Old event")
    );

    let mut te = engine(0);
    te.start(graph(&body, ""));
    let mut ev = result(&te, 1, 1);
    ev.transition_key = Some(format!("12:-1:0:{UUID}"));
    ev.op_key = "z_monitor_10000".into();
    te.action_event(&ev);
    assert_eq!(
        te.graph().unwrap().abort_reason.as_deref(),
        Some("Unexpected event")
    );
    assert!(
        te.take_commands()
            .iter()
            .any(|c| matches!(c, TeCommand::UpdateFailcount { value, .. } if value == "value++"))
    );
    // The same outside event is processed once.
    te.abort(0, GraphNext::Done, "reset");
    te.action_event(&ev);
    assert!(te.take_commands().is_empty());

    let mut te = engine(0);
    te.start(graph(&body, ""));
    let mut ev = result(&te, 1, 0);
    ev.transition_key = Some("garbage".into());
    te.action_event(&ev);
    assert_eq!(
        te.graph().unwrap().abort_reason.as_deref(),
        Some("Bad event")
    );
}

#[test]
fn timeouts_fail_and_record() {
    let body = [
        synapse(0, &rsc_op(1, "start", "a", "n2"), &[]),
        synapse(1, &rsc_op(2, "start", "b", "n2"), &[1]),
    ]
    .concat();
    let mut te = engine(0);
    te.start(graph(&body, ""));
    te.run();
    te.take_commands();
    te.action_timeout(1);
    let cmds = te.take_commands();
    assert!(
        cmds.iter()
            .any(|c| matches!(c, TeCommand::RecordTimeout { node, .. } if node == "n2"))
    );
    assert_eq!(
        te.graph().unwrap().abort_reason.as_deref(),
        Some("Action lost")
    );
    assert_eq!(te.run(), Some((GraphStatus::Complete, GraphNext::Restart)));
}

#[test]
fn lost_node_fails_its_actions() {
    let body = [
        synapse(0, &rsc_op(1, "start", "a", "n2"), &[]),
        synapse(1, &rsc_op(2, "start", "b", "n3"), &[]),
    ]
    .concat();
    let mut te = engine(0);
    te.start(graph(&body, ""));
    te.run();
    te.take_commands();
    assert!(te.node_down("n2", &BTreeMap::new()));
    assert!(
        te.take_commands()
            .contains(&TeCommand::StopActionTimer { action_id: 1 })
    );
    assert!(!te.node_down("n9", &BTreeMap::new()));
    te.action_event(&result(&te, 2, 0));
    assert_eq!(te.run(), Some((GraphStatus::Complete, GraphNext::Restart)));
}

#[test]
fn cluster_actions_fencing_and_local_shutdown() {
    let body = [
        synapse(0, r#"<crm_event id="1" operation="stonith" operation_key="stonith-n3-off" on_node="n3" on_node_uuid="3"><attributes CRM_meta_stonith_action="off"/></crm_event>"#, &[]),
        synapse(1, r#"<crm_event id="2" operation="do_shutdown" operation_key="do_shutdown-n2" on_node="n2" on_node_uuid="2"><attributes CRM_meta_op_no_wait="true"/></crm_event>"#, &[1]),
        synapse(2, r#"<crm_event id="3" operation="do_shutdown" operation_key="do_shutdown-n1" on_node="n1" on_node_uuid="1"><attributes CRM_meta_op_no_wait="true"/></crm_event>"#, &[2]),
    ]
    .concat();
    let mut te = engine(0);
    te.start(graph(&body, r#"fencing-timeout="30s""#));
    te.run();
    let cmds = te.take_commands();
    assert!(cmds.iter().any(|c| matches!(c,
        TeCommand::Fence { target, op, timeout, .. } if target == "n3" && op == "off" && *timeout == Duration::from_secs(30))));
    te.fence_result(1, true);
    // Both shutdowns fire in one pass (no-wait); the next pass completes.
    assert_eq!(te.run(), None);
    let cmds = te.take_commands();
    assert!(cmds.iter().any(|c| matches!(c, TeCommand::ClusterAction { task, router, .. } if task == "do_shutdown" && router == "n2")));
    assert_eq!(te.run(), Some((GraphStatus::Complete, GraphNext::Shutdown)));
}

#[test]
fn failed_fencing_blocks_what_depends_on_it_and_retries_or_waits() {
    let body = [
        synapse(0, r#"<crm_event id="1" operation="stonith" operation_key="stonith-n3-reboot" on_node="n3" on_node_uuid="3"><attributes CRM_meta_stonith_action="reboot"/></crm_event>"#, &[]),
        synapse(1, r#"<crm_event id="2" operation="do_shutdown" operation_key="do_shutdown-n2" on_node="n2" on_node_uuid="2"><attributes CRM_meta_op_no_wait="true"/></crm_event>"#, &[1]),
    ]
    .concat();
    for (next, expected) in [
        (None, GraphNext::Restart),
        (Some(GraphNext::Wait), GraphNext::Wait),
    ] {
        let mut te = engine(0);
        te.start(graph(&body, r#"fencing-timeout="30s""#));
        te.run();
        let _ = te.take_commands();
        match next {
            None => te.fence_result(1, false),
            Some(n) => te.fence_result_with(1, false, n),
        }
        let end = te.run();
        // What waited for the fencing never runs.
        assert!(
            !te.take_commands()
                .iter()
                .any(|c| matches!(c, TeCommand::ClusterAction { .. })),
        );
        assert!(matches!(end, Some((_, n)) if n == expected), "{end:?}");
    }
}
