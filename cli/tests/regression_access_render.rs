//! Replays `regression.access_render.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `AccessRenderRegressionTest`) against our `cibadmin --show-access`.

mod cts_cib;

use cts_cib::{replay, shadow_group, test};

const ACL_CIB: &str = r#"
<acls>
  <acl_role id="role-deny-acls-write-resources">
    <acl_permission id="deny-acls" kind="deny" xpath="/cib/configuration/acls"/>
    <acl_permission id="write-resources" kind="write"
                    xpath="/cib/configuration/resources"/>
    <acl_permission id="read-rest" kind="read" xpath="/cib"/>
  </acl_role>
  <acl_target id="tony">
    <role id="role-deny-acls-write-resources"/>
  </acl_target>
</acls>
"#;

#[test]
fn regression_access_render() {
    replay("access_render", env!("CARGO_BIN_EXE_cibadmin"), |_| {
        let tests = vec![
            test("Configure some ACLs", "cibadmin -M -o acls -p")
                .update_cib()
                .stdin(ACL_CIB)
                .into(),
            test("Enable ACLs", "crm_attribute -n enable-acl -v true")
                .update_cib()
                .into(),
            test(
                "An instance of ACLs render (into color)",
                "cibadmin --force --show-access=color -Q --user tony",
            )
            .into(),
            test(
                "An instance of ACLs render (into namespacing)",
                "cibadmin --force --show-access=namespace -Q --user tony",
            )
            .into(),
            test(
                "An instance of ACLs render (into text)",
                "cibadmin --force --show-access=text -Q --user tony",
            )
            .into(),
        ];
        vec![shadow_group(tests).into()]
    });
}
