use pcmk_common::xml::parse;

use super::*;
use crate::notes::Note;

const CIB: &str = r#"<cib validate-with="pacemaker-4.0" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-acl" name="enable-acl" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy">
        <meta_attributes id="dummy-meta">
          <nvpair id="dummy-meta-role" name="target-role" value="Started"/>
        </meta_attributes>
      </primitive>
    </resources>
    <constraints/>
    <acls>
      <acl_target id="l33t-haxor"><role id="nothing"/></acl_target>
      <acl_target id="niceguy"><role id="observer"/></acl_target>
      <acl_target id="badidea"><role id="badidea-role"/></acl_target>
      <acl_group id="admins"><role id="admin"/></acl_group>
      <acl_role id="nothing"><acl_permission id="nothing-deny" kind="deny" xpath="/cib"/></acl_role>
      <acl_role id="observer">
        <acl_permission id="observer-read-1" kind="read" xpath="/cib"/>
        <acl_permission id="observer-write-1" kind="write" xpath="//nvpair[@name='fencing-enabled']"/>
      </acl_role>
      <acl_role id="admin">
        <acl_permission id="admin-read-1" kind="read" xpath="/cib"/>
        <acl_permission id="admin-write-1" kind="write" object-type="resources"/>
      </acl_role>
      <acl_role id="badidea-role"><acl_permission id="badidea-r" kind="read" xpath="//meta_attributes"/></acl_role>
    </acls>
  </configuration>
  <status/>
</cib>"#;

struct Groups;

impl GroupLookup for Groups {
    fn is_member(&self, user: &str, group: &str) -> bool {
        user == "bob" && group == "admins"
    }
}

#[test]
fn who_is_subject_to_acls() {
    let cib = parse(CIB).unwrap();
    assert!(enable_acl(&cib));
    assert!(!required(Some("root")) && !required(Some("hacluster")) && !required(None));
    assert!(enabled(&cib, Some("niceguy")));
    let off = parse(&CIB.replace("value=\"true\"", "value=\"false\"")).unwrap();
    assert!(!enabled(&off, Some("niceguy")));
}

#[test]
fn unpacks_targets_groups_and_built_xpaths() {
    let cib = parse(CIB).unwrap();
    let bob = unpack(&cib, "bob", &Groups);
    assert_eq!(
        bob.acls,
        vec![
            Acl {
                mode: Mode::Read,
                xpath: "/cib".to_string()
            },
            Acl {
                mode: Mode::Write,
                xpath: "//resources".to_string()
            },
        ]
    );
    assert!(unpack(&cib, "nobody", &Groups).acls.is_empty());
}

#[test]
fn reads_are_filtered() {
    let cib = parse(CIB).unwrap();
    assert!(filtered_copy(&cib, &unpack(&cib, "nobody", &Groups)).is_none());
    assert!(filtered_copy(&cib, &unpack(&cib, "l33t-haxor", &Groups)).is_none());
    assert_eq!(
        filtered_copy(&cib, &unpack(&cib, "niceguy", &Groups)).unwrap(),
        cib
    );
    let bad = filtered_copy(&cib, &unpack(&cib, "badidea", &Groups)).unwrap();
    assert_eq!(
        bad.to_compact(),
        r#"<cib><configuration><resources><primitive id="dummy"><meta_attributes id="dummy-meta"><nvpair id="dummy-meta-role" name="target-role" value="Started"/></meta_attributes></primitive></resources></configuration></cib>"#
    );
}

fn lines(notes: &[Note]) -> Vec<String> {
    notes.iter().map(Note::stderr_line).collect()
}

#[test]
fn replacement_is_checked_like_pacemaker() {
    let old = parse(CIB).unwrap();
    let new = parse(&CIB.replacen("epoch=\"1\"", "epoch=\"2\"", 1).replace(
        "</resources>",
        "<primitive id=\"dummy2\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/></resources>",
    ))
    .unwrap();
    let mut notes = Vec::new();
    assert!(!check_replaced(
        &unpack(&old, "niceguy", &Groups),
        &old,
        &new,
        &mut notes
    ));
    assert_eq!(
        lines(&notes),
        vec![
            "pcmk__check_acl \ttrace: Default ACL denies user 'niceguy' read/write access to /cib[@epoch]",
            "pcmk__check_acl \ttrace: Default ACL denies user 'niceguy' read/write access to /cib/configuration/resources/primitive[@id='dummy2']",
            "pcmk__apply_creation_acl \ttrace: ACLs disallow creation of <primitive> with id=\"dummy2\"",
        ]
    );
    let mut notes = Vec::new();
    assert!(check_replaced(&unpack(&old, "bob", &Groups), &old, &parse(&CIB.replace(
        "</resources>",
        "<primitive id=\"dummy2\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/></resources>",
    )).unwrap(), &mut notes));
    assert_eq!(
        lines(&notes),
        vec![
            "pcmk__apply_creation_acl \ttrace: ACLs allow creation of <primitive> with id=\"dummy2\""
        ]
    );
}
