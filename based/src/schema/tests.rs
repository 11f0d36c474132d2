use pcmk_common::xml::parse;

use super::*;

const GOOD: &str = r##"<cib validate-with="pacemaker-4.0" admin_epoch="0" epoch="5" num_updates="2" crm_feature_set="3.20.0" have-quorum="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-fencing" name="fencing-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1" type="member">
        <instance_attributes id="node1-attrs">
          <nvpair id="node1-standby" name="standby" value="off"/>
        </instance_attributes>
      </node>
    </nodes>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-params">
          <nvpair id="ip-ip" name="ip" value="192.0.2.1"/>
        </instance_attributes>
        <meta_attributes id="ip-meta">
          <rule id="ip-meta-rule" boolean-op="and">
            <date_expression id="ip-meta-rule-date" operation="gt" start="2020-01-01"/>
          </rule>
          <nvpair id="ip-meta-role" name="target-role" value="Started"/>
        </meta_attributes>
        <operations>
          <op id="ip-monitor" name="monitor" interval="10s" timeout="20s" on-fail="restart" role="Started"/>
        </operations>
      </primitive>
      <group id="grp">
        <primitive id="web" class="systemd" type="httpd"/>
        <primitive id="db" template="tpl"/>
      </group>
      <template id="tpl" class="lsb" type="mysql"/>
      <clone id="cl">
        <meta_attributes id-ref="ip-meta"/>
        <primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy"/>
      </clone>
      <bundle id="bnd">
        <podman image="img" replicas="2"/>
        <network control-port="3121">
          <port-mapping id="bnd-port" port="80"/>
        </network>
        <storage>
          <storage-mapping id="bnd-st" source-dir="/a" target-dir="/b"/>
        </storage>
      </bundle>
    </resources>
    <constraints>
      <rsc_location id="loc1" rsc="ip" node="node1" score="INFINITY"/>
      <rsc_location id="loc2" rsc-pattern="^d">
        <rule id="loc2-rule" score="-INFINITY">
          <expression id="loc2-expr" attribute="#uname" operation="eq" value="node2"/>
        </rule>
      </rsc_location>
      <rsc_colocation id="col1" rsc="web" with-rsc="ip" score="100" rsc-role="Started"/>
      <rsc_order id="ord1" first="ip" then="grp" kind="Mandatory" first-action="start"/>
      <rsc_order id="ord2">
        <resource_set id="set1" sequential="false">
          <resource_ref id="ip"/>
          <resource_ref id="cl"/>
        </resource_set>
      </rsc_order>
      <rsc_ticket id="tk" rsc="ip" ticket="t1" loss-policy="stop"/>
    </constraints>
    <rsc_defaults>
      <meta_attributes id="rsc-defaults">
        <nvpair id="rsc-defaults-stick" name="resource-stickiness" value="1"/>
      </meta_attributes>
    </rsc_defaults>
    <fencing-topology>
      <fencing-level id="fl1" target="node1" index="1" devices="fence1,fence2"/>
    </fencing-topology>
    <acls>
      <acl_target id="alice">
        <role id="readers"/>
      </acl_target>
      <acl_role id="readers">
        <acl_permission id="readers-1" kind="read" xpath="/cib"/>
        <acl_permission id="readers-2" kind="deny" reference="ip"/>
        <acl_permission id="readers-3" kind="write" object-type="nvpair" attribute="value"/>
      </acl_role>
    </acls>
    <tags>
      <tag id="tag1">
        <obj_ref id="ip"/>
      </tag>
    </tags>
    <alerts>
      <alert id="al" path="/usr/bin/alert">
        <select>
          <select_nodes/>
        </select>
        <recipient id="al-r" value="/tmp/log"/>
      </alert>
    </alerts>
  </configuration>
  <status>
    <node_state id="1" uname="node1" anything="goes">
      <whatever/>
    </node_state>
  </status>
</cib>"##;

fn errors(xml: &str) -> Vec<String> {
    match validate(&parse(xml).unwrap()) {
        Ok(()) => Vec::new(),
        Err(e) => e.lines(),
    }
}

fn with(from: &str, to: &str) -> Vec<String> {
    assert!(GOOD.contains(from), "{from}");
    errors(&GOOD.replacen(from, to, 1))
}

#[test]
fn good_cib_validates() {
    assert_eq!(errors(GOOD), Vec::<String>::new());
}

#[test]
fn unknown_elements_and_attributes() {
    let e = with("<tags>", "<tags bogus=\"1\">");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with(
            "/cib/configuration/tags: Relax-NG validity error : Invalid attribute bogus"
        )
    );
    let e = with(
        "<template id=\"tpl\"",
        "<bogus id=\"x\"/><template id=\"tpl\"",
    );
    assert!(e[0].contains("Did not expect element bogus there"), "{e:?}");
}

#[test]
fn typed_values() {
    let e = with("first-action=\"start\"", "first-action=\"break\"");
    assert!(
        e[0].contains("rsc_order[@id='ord1']") && e[0].contains("first-action"),
        "{e:?}"
    );
    assert!(!with("score=\"100\"", "score=\"lots\"").is_empty());
    assert!(!with("sequential=\"false\"", "sequential=\"no\"").is_empty());
    assert!(!with("index=\"1\"", "index=\"10\"").is_empty());
    assert!(!with("role=\"Started\"/>", "role=\"Boss\"/>").is_empty());
}

#[test]
fn ids_unique_and_references_resolve() {
    let e = with("<tag id=\"tag1\">", "<tag id=\"ip\">");
    assert!(
        e.iter()
            .any(|l| l.contains("ID ip is defined more than once")),
        "{e:?}"
    );
    let e = with("with-rsc=\"ip\"", "with-rsc=\"nope\"");
    assert!(e.iter().any(|l| l.contains("with-rsc='nope'")), "{e:?}");
    let e = with("<role id=\"readers\"/>", "<role id=\"writers\"/>");
    assert_eq!(e.len(), 1, "{e:?}");
    let e = with("id-ref=\"ip-meta\"", "id-ref=\"none-such\"");
    assert_eq!(e.len(), 1, "{e:?}");
    // Node ids and ACL target ids are plain text, not IDs.
    assert!(with("<acl_target id=\"alice\">", "<acl_target id=\"1\">").is_empty());
}

#[test]
fn choices_and_counts() {
    assert!(
        !with(
            "class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"",
            "class=\"ocf\" type=\"Dummy\""
        )
        .is_empty()
    );
    assert!(
        !with(
            "class=\"systemd\" type=\"httpd\"",
            "class=\"systemd\" provider=\"x\" type=\"httpd\""
        )
        .is_empty()
    );
    assert!(
        !with(
            "<primitive id=\"db\" template=\"tpl\"/>",
            "<primitive id=\"db\" template=\"tpl\" type=\"x\"/>"
        )
        .is_empty()
    );
    assert!(!with("node=\"node1\" score=\"INFINITY\"", "node=\"node1\"").is_empty());
    assert!(!with("<podman image=\"img\" replicas=\"2\"/>", "").is_empty());
    assert!(
        !with(
            "<primitive id=\"dummy\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>",
            ""
        )
        .is_empty()
    );
    assert!(!with("kind=\"Mandatory\"", "kind=\"Mandatory\" score=\"1\"").is_empty());
    assert!(
        !with(
            "operation=\"gt\" start=\"2020-01-01\"",
            "operation=\"gt\" end=\"2020-01-01\""
        )
        .is_empty()
    );
    assert!(!with("kind=\"read\" xpath=\"/cib\"", "kind=\"read\"").is_empty());
    // An nvset reference may not have content.
    assert!(!with("<meta_attributes id-ref=\"ip-meta\"/>", "<meta_attributes id-ref=\"ip-meta\"><nvpair id=\"q\" name=\"a\" value=\"b\"/></meta_attributes>").is_empty());
    // Required sections.
    assert!(
        !errors(
            &GOOD
                .replacen("<nodes>", "<nodez>", 1)
                .replacen("</nodes>", "</nodez>", 1)
        )
        .is_empty()
    );
}

#[test]
fn version_dependent_rules() {
    // value is required from 4.0 on.
    assert!(!with("name=\"standby\" value=\"off\"", "name=\"standby\"").is_empty());
    let v3 = GOOD.replacen("pacemaker-4.0", "pacemaker-3.10", 1);
    assert!(
        errors(&v3.replacen("name=\"standby\" value=\"off\"", "name=\"standby\"", 1)).is_empty()
    );
    // Dropped cluster options.
    assert!(!with("name=\"fencing-enabled\"", "name=\"crmd-transition-delay\"").is_empty());
    assert!(
        errors(&v3.replacen(
            "name=\"fencing-enabled\"",
            "name=\"crmd-transition-delay\"",
            1
        ))
        .is_empty()
    );
    assert!(
        !errors(&v3.replacen("name=\"fencing-enabled\"", "name=\"stonith_enabled\"", 1)).is_empty()
    );
    // master resources were removed in 4.0.
    let master = "<master id=\"ms\"><primitive id=\"st\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\"/></master>";
    assert!(
        !with(
            "<template id=\"tpl\"",
            &format!("{master}<template id=\"tpl\"")
        )
        .is_empty()
    );
    assert!(
        errors(&v3.replacen(
            "<template id=\"tpl\"",
            &format!("{master}<template id=\"tpl\""),
            1
        ))
        .is_empty()
    );
    // Tags came with 1.3, so 1.2 refuses them.
    let tags_12 = r#"<cib validate-with="pacemaker-1.2" admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/><nodes/><resources/><constraints/><tags/></configuration><status/></cib>"#;
    assert!(!errors(tags_12).is_empty());
    assert!(errors(&tags_12.replace("<tags/>", "")).is_empty());
}

#[test]
fn schema_names() {
    assert_eq!(
        errors(&GOOD.replacen("pacemaker-4.0", "pacemaker-9999.0", 1)),
        vec!["Cannot validate CIB with unknown validate-with 'pacemaker-9999.0' (manually edit to use a known schema)".to_string()]
    );
    assert!(
        errors(&GOOD.replacen(" validate-with=\"pacemaker-4.0\"", "", 1))[0].contains("missing")
    );
    // "none" turns validation off.
    assert!(
        errors(&GOOD.replacen("pacemaker-4.0", "none", 1).replacen(
            "<tags>",
            "<tags bogus=\"1\">",
            1
        ))
        .is_empty()
    );
}

#[test]
fn subtree_checks_and_index() {
    let doc = parse(GOOD).unwrap();
    let v = LATEST;
    let index = index_of(&doc, v);
    assert!(index.has_id("ip") && index.is_referenced("ip"));
    let config = doc.child("configuration").unwrap();
    let resources = config.child("resources").unwrap();
    let new = parse(r#"<primitive id="p9" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="p9-mon" name="monitor" interval="10s"/></operations></primitive>"#).unwrap();
    let pos = spec_at(&[&doc, config, resources, &new], v).unwrap();
    let part = check_subtree(&new, pos, "/cib/configuration/resources", v);
    assert!(part.violations.is_empty());
    assert_eq!(part.ids.len(), 2);
    let bad = parse(r#"<primitive id="p9" class="ocf" type="Dummy"/>"#).unwrap();
    let part = check_subtree(&bad, pos, "/cib/configuration/resources", v);
    assert_eq!(part.violations.len(), 1);
    assert_eq!(
        part.violations[0].path,
        "/cib/configuration/resources/primitive[@id='p9']"
    );
    // Nothing is known about elements where the schema allows none.
    assert!(spec_at(&[&doc, config, &new], v).is_none());
    // The status section is open.
    let status = doc.child("status").unwrap();
    assert!(spec_at(&[&doc, status, &new], v).unwrap().open);
}

#[test]
fn model_tables_fit_the_checker() {
    // check_children counts children in a fixed array of 32.
    fn visit(e: &'static spec::Elem, seen: &mut Vec<*const spec::Elem>) {
        if seen.contains(&(e as *const _)) {
            return;
        }
        seen.push(e as *const _);
        assert!(e.children.len() <= 32, "{}", e.name);
        for c in e.children {
            visit(c.spec, seen);
        }
    }
    visit(&model::CIB, &mut Vec::new());
}
