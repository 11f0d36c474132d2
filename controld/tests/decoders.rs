//! Property tests for every decoder of outside bytes in the controller:
//! CPG messages, transition graphs, CIB operation records and agent
//! meta-data never panic, whatever they are given, and what they encode
//! they decode back.

use std::time::Duration;

use pcmk_common::xml::{Element, parse};
use pcmk_controld::core::election::{NoVote, Vote};
use pcmk_controld::core::history::AgentMetadata;
use pcmk_controld::core::message::{CrmdMessage, Envelope};
use pcmk_controld::core::te::{ActionEvent, Graph, TeCommand, TeConfig, TransitionEngine};
use proptest::prelude::*;

fn attr_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{1,12}",
        "[a-z_:.-]{0,12}",
        Just("INFINITY".to_string()),
        Just("60s".to_string()),
        any::<String>().prop_map(|s| s.chars().filter(|c| !c.is_control()).take(20).collect()),
    ]
}

fn element(names: &'static [&'static str], depth: u32) -> BoxedStrategy<Element> {
    let leaf = (
        prop::sample::select(names),
        prop::collection::vec((prop::sample::select(ATTRS), attr_value()), 0..6),
    )
        .prop_map(|(name, attrs)| {
            let mut e = Element::new(name);
            for (k, v) in attrs {
                e.set_attr(k, v);
            }
            e
        });
    if depth == 0 {
        return leaf.boxed();
    }
    (leaf, prop::collection::vec(element(names, depth - 1), 0..4))
        .prop_map(|(mut e, kids)| {
            for k in kids {
                e.push(k);
            }
            e
        })
        .boxed()
}

const GRAPH_NAMES: &[&str] = &[
    "transition_graph",
    "synapse",
    "action_set",
    "inputs",
    "trigger",
    "rsc_op",
    "pseudo_event",
    "crm_event",
    "attributes",
    "primitive",
    "param",
];

const ATTRS: &[&str] = &[
    "id",
    "transition_id",
    "cluster-delay",
    "batch-limit",
    "migration-limit",
    "priority",
    "operation",
    "operation_key",
    "on_node",
    "on_node_uuid",
    "CRM_meta_timeout",
    "CRM_meta_interval",
    "CRM_meta_op_no_wait",
    "name",
    "value",
    "crm_task",
    "src",
    "join_id",
    "election-id",
    "election-owner",
    "election-age-sec",
    "election-age-nano-sec",
    "version",
    "transition-key",
    "rc-code",
    "op-status",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn message_decoder_never_panics(text in any::<String>()) {
        let _ = Envelope::decode(&text);
    }

    #[test]
    fn structured_messages_never_panic(e in element(&["crm_message", "generation_tuple", "node_state", "rsc_op", "crm_event"], 2)) {
        let mut e = e;
        e.name = "crm_message".into();
        let _ = Envelope::from_xml(&e);
    }

    #[test]
    fn messages_round_trip(
        from in "[a-z][a-z0-9-]{0,10}",
        id in 0u32..1000,
        secs in 0u64..10_000,
        micros in 0u32..1_000_000,
        join in -5i32..100,
        ack in any::<bool>(),
    ) {
        let msgs = vec![
            CrmdMessage::Vote(Vote { from: from.clone(), owner: id.to_string(), election_id: id, age: Duration::from_secs(secs) + Duration::from_micros(u64::from(micros)), version: "3.20.5".into() }),
            CrmdMessage::NoVote(NoVote { from: from.clone(), to: "x".into(), owner: "1".into(), election_id: id, version: "3.20.5".into() }),
            CrmdMessage::JoinOffer { join_id: join, feature_set: "3.20.5".into(), dc_leaving: ack },
            CrmdMessage::JoinAckNak { join_id: join, ack, feature_set: "3.20.5".into(), dc_leaving: !ack },
        ];
        for m in msgs {
            let to = if ack { Some("x".to_string()) } else { None };
            let e = Envelope { from: from.clone(), to, message: m };
            prop_assert_eq!(Envelope::decode(&e.encode()).unwrap(), e);
        }
    }

    #[test]
    fn graphs_never_panic_and_always_finish(e in element(GRAPH_NAMES, 4)) {
        let mut e = e;
        e.name = "transition_graph".into();
        let _ = ActionEvent::collect(&e);
        if let Ok(g) = Graph::unpack(&e, "fuzz") {
            let mut te = TransitionEngine::new(TeConfig { local_node: "n1".into(), te_uuid: "u".into(), node_job_limit: 2 });
            te.start(g);
            for _ in 0..200 {
                if te.run().is_some() {
                    break;
                }
                for c in te.take_commands() {
                    match c {
                        TeCommand::ExecResource { action_id, .. } | TeCommand::ClusterAction { action_id, .. } => te.confirm_action(action_id, false),
                        TeCommand::Fence { action_id, .. } => te.fence_result(action_id, true),
                        _ => {}
                    }
                }
            }
        }
    }

    #[test]
    fn metadata_parser_never_panics(text in any::<String>()) {
        let _ = AgentMetadata::parse("ocf", &text);
    }
}

#[test]
fn graph_text_from_the_wire_is_handled() {
    // A graph whose actions are all inputs of each other never runs, and
    // ends as terminated rather than hanging.
    let xml = r#"<transition_graph cluster-delay="1s" transition_id="1">
      <synapse id="0"><action_set><pseudo_event id="1" operation="a" operation_key="a"/></action_set>
        <inputs><trigger><pseudo_event id="2" operation="b" operation_key="b"/></trigger></inputs></synapse>
      <synapse id="1"><action_set><pseudo_event id="2" operation="b" operation_key="b"/></action_set>
        <inputs><trigger><pseudo_event id="1" operation="a" operation_key="a"/></trigger></inputs></synapse>
    </transition_graph>"#;
    let g = Graph::unpack(&parse(xml).unwrap(), "cycle").unwrap();
    let mut te = TransitionEngine::new(TeConfig {
        local_node: "n1".into(),
        te_uuid: "u".into(),
        node_job_limit: 0,
    });
    te.start(g);
    let done = te.run();
    assert_eq!(
        done,
        Some((
            pcmk_controld::core::te::GraphStatus::Terminated,
            pcmk_controld::core::te::GraphNext::Done
        ))
    );
}
