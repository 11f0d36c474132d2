//! Status output of a small cluster, every section, in text and XML.

use super::run;

const CIB: &str = r#"<cib crm_feature_set="3.19.0" validate-with="pacemaker-3.10" epoch="5" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="o1" name="stonith-enabled" value="false"/>
        <nvpair id="o2" name="cluster-infrastructure" value="corosync"/>
        <nvpair id="o3" name="dc-version" value="3.0.2"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="n1"><instance_attributes id="n1-a"><nvpair id="n1-a-loc" name="location" value="lab"/></instance_attributes></node>
      <node id="2" uname="n2"><instance_attributes id="n2-a"><nvpair id="n2-a-sb" name="standby" value="on"/></instance_attributes></node>
      <node id="3" uname="n3"/>
    </nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
      <primitive id="d2" class="ocf" provider="pacemaker" type="Dummy">
        <meta_attributes id="d2-m"><nvpair id="d2-m-tr" name="target-role" value="Stopped"/></meta_attributes>
      </primitive>
    </resources>
    <constraints>
      <rsc_location id="cli-ban-d1-on-n3" rsc="d1" node="n3" score="-INFINITY"/>
      <rsc_ticket id="t1" rsc="d1" ticket="ticketA" loss-policy="stop"/>
    </constraints>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <transient_attributes id="1"><instance_attributes id="st-1">
        <nvpair id="st-1-fc" name="fail-count-d1#monitor_10000" value="2"/>
        <nvpair id="st-1-lf" name="last-failure-d1#monitor_10000" value="1700000000"/>
      </instance_attributes></transient_attributes>
      <lrm id="1"><lrm_resources><lrm_resource id="d1" class="ocf" provider="pacemaker" type="Dummy">
        <lrm_rsc_op id="d1_last_0" operation_key="d1_start_0" operation="start" transition-key="1:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:0;1:1:0:00000000-0000-0000-0000-000000000000" call-id="3" rc-code="0" op-status="0" interval="0" exec-time="10" queue-time="0"/>
        <lrm_rsc_op id="d1_monitor_10000" operation_key="d1_monitor_10000" operation="monitor" transition-key="2:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:0;2:1:0:00000000-0000-0000-0000-000000000000" call-id="4" rc-code="0" op-status="0" interval="10000" exec-time="5" queue-time="0"/>
        <lrm_rsc_op id="d1_last_failure_0" operation_key="d1_monitor_10000" operation="monitor" transition-key="2:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:7;2:1:0:00000000-0000-0000-0000-000000000000" call-id="5" rc-code="7" op-status="0" interval="10000" exec-time="5" queue-time="0"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
    <tickets><ticket_state id="ticketA" granted="true"/></tickets>
  </status>
</cib>"#;

fn mon(args: &[&str]) -> (String, pcmk_common::exit::CrmExit) {
    let dir = tempfile::tempdir().expect("scratch directory");
    let path = dir.path().join("cib.xml");
    std::fs::write(&path, CIB).expect("write CIB");
    let path = path.display().to_string();
    let mut argv = vec!["crm_mon", "-x", path.as_str()];
    argv.extend_from_slice(args);
    let (printed, exit) = run(&argv);
    // The update time is the time of the run.
    let out = printed
        .stdout
        .lines()
        .filter(|l| !l.contains("Last updated") && !l.contains("<last_update"))
        .map(|l| format!("{l}\n"))
        .collect();
    (out, exit)
}

#[test]
fn complete_text() {
    let (out, exit) = mon(&["-1", "--include=all", "-r", "--exclude=times"]);
    assert_eq!(exit, pcmk_common::exit::CrmExit::OK);
    let want = "Cluster Summary:
  * Stack: corosync
  * Current DC: n1 (version 3.0.2) - partition with quorum
  * 3 nodes configured
  * 2 resource instances configured (1 DISABLED)

Node List:
  * Node n2: standby
  * Online: [ n1 ]
  * OFFLINE: [ n3 ]

Full List of Resources:
  * d1\t(ocf:pacemaker:Dummy):\t FAILED n1
  * d2\t(ocf:pacemaker:Dummy):\t Stopped (disabled)

Node Attributes:
  * Node: n1:
    * location                        \t: lab       

Operations:
  * Node: n1:
    * d1: migration-threshold=1000000 fail-count=2 last-failure='LAST':
      * (3) start
      * (4) monitor: interval=\"10000ms\"
      * (5) monitor: interval=\"10000ms\"

Failed Resource Actions:
  * d1 10s-interval monitor on n1 returned 'Not running' after 5ms

Tickets:
  * ticketA\tgranted

Negative Location Constraints:
  * cli-ban-d1-on-n3\tprevents d1 from running on n3
"
    .replace("LAST", &crate::timefmt::ctime(1_700_000_000));
    assert_eq!(out, want);
}

#[test]
fn grouped_by_node_with_fail_counts() {
    let (out, _) = mon(&["-1", "-f", "-n", "--exclude=summary"]);
    let want = "Node List:
  * Node n1: online:
    * Resources:
      * d1\t(ocf:pacemaker:Dummy):\t FAILED
  * Node n2: standby:
    * Resources:
  * Node n3: OFFLINE:
    * Resources:

Migration Summary:
  * Node: n1:
    * d1: migration-threshold=1000000 fail-count=2 last-failure='LAST'

Failed Resource Actions:
  * d1 10s-interval monitor on n1 returned 'Not running' after 5ms
"
    .replace("LAST", &crate::timefmt::ctime(1_700_000_000));
    assert_eq!(out, want);
}

#[test]
fn sections_and_filters() {
    let (out, _) = mon(&["-1", "--exclude=all", "--include=nodes"]);
    assert_eq!(
        out,
        "Node List:\n  * Node n2: standby\n  * Online: [ n1 ]\n  * OFFLINE: [ n3 ]\n"
    );
    let (out, _) = mon(&["-1", "--node=n1", "--exclude=summary", "-r"]);
    assert!(
        out.starts_with("Node List:\n  * Online: [ n1 ]\n\n"),
        "{out}"
    );
    let (out, _) = mon(&["-1", "--resource=d2", "-r", "--exclude=summary,nodes"]);
    assert!(out.contains("d2\t(ocf:pacemaker:Dummy):\t Stopped (disabled)"));
    assert!(!out.contains("d1\t"));
    let (_, exit) = mon(&["-1", "--include=bogus"]);
    assert_eq!(exit, pcmk_common::exit::CrmExit::Usage);
}

#[test]
fn xml() {
    let (out, exit) = mon(&["--output-as=xml"]);
    assert_eq!(exit, pcmk_common::exit::CrmExit::OK);
    for want in [
        r#"<current_dc present="true" version="3.0.2" name="n1" id="1" with_quorum="true" mixed_version="false"/>"#,
        r#"<resources_configured number="2" disabled="1" blocked="0"/>"#,
        r#"<node name="n2" id="2" online="true" standby="true" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" feature_set="&lt;3.15.1" shutdown="false" expected_up="true" is_dc="false" resources_running="0" type="member"/>"#,
        r#"<attribute name="location" value="lab"/>"#,
        r#"<resource_history id="d1" orphan="false" removed="false" migration-threshold="1000000" fail-count="2" last-failure="#,
        r#"<operation_history call="4" task="monitor" rc="0" rc_text="OK" interval="10000ms" exec-time="5ms" queue-time="0ms"/>"#,
        r#"<failure op_key="d1_monitor_10000" node="n1" exitstatus="Not running" exitreason="none" exitcode="7" call="5" status="Done"/>"#,
        r#"<ticket id="ticketA" status="granted" standby="false" granted="true"/>"#,
        r#"<ban id="cli-ban-d1-on-n3" resource="d1" node="n3" weight="-1000000" promoted-only="false" master_only="false"/>"#,
        r#"<status code="0" message="OK"/>"#,
    ] {
        assert!(out.contains(want), "missing {want} in:\n{out}");
    }
}
