use super::*;
use pcmk_common::xml::parse;

const GRAPH: &str = r#"<transition_graph cluster-delay="60s" fencing-timeout="90s" batch-limit="10" migration-limit="2" failed-stop-offset="INFINITY" failed-start-offset="INFINITY" transition_id="4" recheck-by="1700000000">
  <synapse id="0">
    <action_set>
      <rsc_op id="5" operation="start" operation_key="d_start_0" on_node="n1" on_node_uuid="1">
        <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
        <attributes CRM_meta_timeout="20000" CRM_meta_start_delay="1000" CRM_meta_on_node="n1" state="/tmp/x"><param name="extra" value="v"/></attributes>
      </rsc_op>
    </action_set>
    <inputs><trigger><pseudo_event id="3" operation="start" operation_key="g_start_0"/></trigger></inputs>
  </synapse>
  <synapse id="1" priority="1000000">
    <action_set><pseudo_event id="3" operation="start" operation_key="g_start_0"><attributes CRM_meta_timeout="20000"/></pseudo_event></action_set>
    <inputs/>
  </synapse>
  <synapse id="2">
    <action_set><crm_event id="9" operation="stonith" operation_key="stonith-n3-reboot" on_node="n3" on_node_uuid="3"><attributes CRM_meta_stonith_action="reboot"/></crm_event></action_set>
    <inputs/>
  </synapse>
  <synapse id="3">
    <action_set><bogus id="10"/></action_set>
    <inputs/>
  </synapse>
</transition_graph>"#;

#[test]
fn unpacks_attributes_synapses_and_actions() {
    let g = Graph::unpack(&parse(GRAPH).unwrap(), "pe-input-1.bz2").unwrap();
    assert_eq!(g.id, 4);
    assert_eq!(g.network_delay, Duration::from_secs(60));
    assert_eq!(g.fencing_timeout, Duration::from_secs(90));
    assert_eq!((g.batch_limit, g.migration_limit), (10, 2));
    assert_eq!(g.failed_start_offset.as_deref(), Some("INFINITY"));
    assert_eq!(g.recheck_by, Some(1_700_000_000));
    assert_eq!(g.synapses.len(), 4);
    assert_eq!(g.actions.len(), 3, "unknown action kinds are skipped");
    let start = g.action(5).unwrap();
    assert_eq!(start.kind, ActionKind::Resource);
    assert_eq!(start.timeout, Duration::from_millis(21_000));
    assert_eq!(start.params.get("extra").map(String::as_str), Some("v"));
    assert_eq!(
        start.params.get("state").map(String::as_str),
        Some("/tmp/x")
    );
    assert_eq!((start.on_node(), start.key()), (Some("n1"), "d_start_0"));
    assert_eq!(
        g.synapses[0].inputs,
        vec![SynapseInput {
            id: 3,
            confirmed: false
        }]
    );
    assert_eq!(g.synapses[1].priority, SCORE_INFINITY);
    assert!(g.action(9).unwrap().is_fencing());
}

#[test]
fn defaults_and_errors() {
    let g = Graph::unpack(
        &parse(r#"<transition_graph cluster-delay="5s" transition_id="0"/>"#).unwrap(),
        "x",
    )
    .unwrap();
    assert_eq!(g.fencing_timeout, Duration::from_secs(5));
    assert_eq!((g.batch_limit, g.migration_limit), (0, -1));
    assert!(g.synapses.is_empty());
    let err = Graph::unpack(
        &parse(r#"<transition_graph cluster-delay="5s"/>"#).unwrap(),
        "x",
    );
    assert_eq!(err.unwrap_err(), GraphError::BadAttribute("transition_id"));
    let err = Graph::unpack(
        &parse(r#"<transition_graph transition_id="1"/>"#).unwrap(),
        "x",
    );
    assert_eq!(err.unwrap_err(), GraphError::BadAttribute("cluster-delay"));
    let err = Graph::unpack(&parse(r#"<cib/>"#).unwrap(), "x");
    assert!(matches!(err, Err(GraphError::NotAGraph(_))));
}

#[test]
fn failed_inputs_only_count_for_infinity_synapses() {
    let xml = r#"<transition_graph cluster-delay="5s" transition_id="1">
      <synapse id="0"><action_set><pseudo_event id="1" operation="a" operation_key="a"/></action_set></synapse>
      <synapse id="1"><action_set><pseudo_event id="2" operation="b" operation_key="b"/></action_set>
        <inputs><trigger><pseudo_event id="1" operation="a" operation_key="a"/></trigger></inputs></synapse>
      <synapse id="2" priority="1000000"><action_set><pseudo_event id="3" operation="c" operation_key="c"/></action_set>
        <inputs><trigger><pseudo_event id="1" operation="a" operation_key="a"/></trigger></inputs></synapse>
    </transition_graph>"#;
    let mut g = Graph::unpack(&parse(xml).unwrap(), "x").unwrap();
    g.synapses[0].executed = true;
    g.actions[0].failed = true;
    g.actions[0].confirmed = true;
    g.update(0);
    assert!(g.synapses[0].confirmed);
    assert!(!g.synapses[1].ready);
    assert!(g.synapses[2].ready);
}
