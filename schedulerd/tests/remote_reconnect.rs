//! A remote connection with `reconnect_interval` whose monitor failed:
//! its node is fenced, and the connection stays stopped (banned from every
//! node) until the failure expires, which it does not before the node has
//! been fenced.

#![allow(clippy::unwrap_used)]

use pcmk_common::xml::parse;
use pcmk_schedulerd::{ScheduleOptions, schedule};

fn cib(reconnect: &str, fenced: &str) -> String {
    format!(
        r#"<cib have-quorum="1"><configuration><crm_config/>
        <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
        <resources>
          <primitive id="fence" class="stonith" type="fence_dummy"/>
          <primitive id="rn" class="ocf" provider="pacemaker" type="remote">
            <instance_attributes id="rn-i">{reconnect}</instance_attributes>
            <operations><op id="rn-mon" name="monitor" interval="60s"/></operations>
          </primitive>
        </resources><constraints/></configuration>
        <status>
          <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
            <lrm id="1"><lrm_resources>
              <lrm_resource id="fence" class="stonith" type="fence_dummy">
                <lrm_rsc_op id="fence_last_0" operation_key="fence_start_0" operation="start" call-id="1" rc-code="0" op-status="0" interval="0" last-rc-change="100" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" on_node="n1"/>
              </lrm_resource>
              <lrm_resource id="rn" class="ocf" provider="pacemaker" type="remote">
                <lrm_rsc_op id="rn_last_0" operation_key="rn_start_0" operation="start" call-id="2" rc-code="0" op-status="0" interval="0" last-rc-change="100" transition-key="2:1:0:x" transition-magic="0:0;2:1:0:x" on_node="n1"/>
                <lrm_rsc_op id="rn_last_failure_0" operation_key="rn_monitor_60000" operation="monitor" call-id="3" rc-code="1" op-status="4" interval="60000" last-rc-change="200" transition-key="3:1:0:x" transition-magic="4:1;3:1:0:x" on_node="n1"/>
              </lrm_resource>
            </lrm_resources></lrm>
          </node_state>
          <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
          <node_state id="rn" uname="rn" remote_node="true" node_fenced="{fenced}"/>
        </status></cib>"#
    )
}

fn summary(reconnect: &str, fenced: &str) -> String {
    let cib = parse(&cib(reconnect, fenced)).unwrap();
    let mut result = schedule(
        &cib,
        &ScheduleOptions {
            now: 100_000,
            ..ScheduleOptions::default()
        },
    );
    let mut text = pcmk_schedulerd::output::TextOut::new();
    result.scheduler.transition_summary(&mut text);
    text.buf
}

#[test]
fn a_failed_connection_with_a_reconnect_interval_stays_stopped_until_fenced() {
    let with = summary(
        r#"<nvpair id="rn-i1" name="reconnect_interval" value="1m"/>"#,
        "0",
    );
    assert!(
        with.contains("Fence (reboot) rn 'remote connection is unrecoverable'"),
        "{with}"
    );
    assert!(with.contains("Stop       rn"), "{with}");
    // Without a reconnect interval the connection is recovered at once
    let without = summary("", "0");
    assert!(without.contains("Recover    rn"), "{without}");
}
