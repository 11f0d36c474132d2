//! Replays `regression.acls.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `AclsRegressionTest`) against our `cibadmin` and `crm_shadow`.

mod cts_cib;

use cts_cib::{Item, acl_test, group, replay, shadow_group, test};

const ACL_CIB: &str = r#"
<acls>
  <acl_target id="l33t-haxor">
    <role id="nothing"/>
  </acl_target>
  <acl_target id="niceguy">
    <role id="observer"/>
  </acl_target>
  <acl_target id="bob">
    <role id="admin"/>
  </acl_target>
  <acl_target id="joe">
    <role id="super_user"/>
  </acl_target>
  <acl_target id="mike">
    <role id="rsc_writer"/>
  </acl_target>
  <acl_target id="chris">
    <role id="rsc_denied"/>
  </acl_target>
  <acl_role id="nothing">
    <acl_permission id="nothing-deny" kind="deny" xpath="/cib"/>
  </acl_role>
  <acl_role id="observer">
    <acl_permission id="observer-read-1" kind="read" xpath="/cib"/>
    <acl_permission id="observer-write-1" kind="write" xpath="//nvpair[@name='fencing-enabled']"/>
    <acl_permission id="observer-write-2" kind="write" xpath="//nvpair[@name='target-role']"/>
  </acl_role>
  <acl_role id="admin">
    <acl_permission id="admin-read-1" kind="read" xpath="/cib"/>
    <acl_permission id="admin-write-1" kind="write" xpath="//resources"/>
  </acl_role>
  <acl_role id="super_user">
    <acl_permission id="super_user-write-1" kind="write" xpath="/cib"/>
  </acl_role>
  <acl_role id="rsc_writer">
    <acl_permission id="rsc-writer-deny-1" kind="deny" xpath="/cib"/>
    <acl_permission id="rsc-writer-write-1" kind="write" xpath="//resources"/>
  </acl_role>
  <acl_role id="rsc_denied">
    <acl_permission id="rsc-denied-write-1" kind="write" xpath="/cib"/>
    <acl_permission id="rsc-denied-deny-1" kind="deny" xpath="//resources"/>
  </acl_role>
</acls>
"#;

const CREATE_DUMMY: &str = r#"cibadmin -C -o resources --xml-text '<primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy"/>'"#;
const DESC_NOTHING: &str =
    r#"cibadmin --modify --xml-text '<primitive id="dummy" description="nothing interesting"/>'"#;
const DESC_SOMETHING: &str =
    r#"cibadmin --modify --xml-text '<primitive id="dummy" description="something interesting"/>'"#;
const NO_DESC: &str = r#"cibadmin --replace -o resources --xml-text '<primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy"/>'"#;
const REPLACE_RSC: &str = "cibadmin --replace -o resources -p";

/// The four tests every unprivileged user gets.
fn basic_denials(user: &str) -> Vec<Item> {
    vec![
        test(&format!("{user}: Query configuration"), "cibadmin -Q").into(),
        test(
            &format!("{user}: Set enable-acl"),
            "crm_attribute -n enable-acl -v false",
        )
        .into(),
        test(
            &format!("{user}: Set fencing-enabled"),
            "crm_attribute -n fencing-enabled -v false",
        )
        .into(),
        test(&format!("{user}: Create a resource"), CREATE_DUMMY).into(),
    ]
}

/// Replace tests: create, modify and delete an attribute.
fn replace_trio(user: &str, how: &str) -> Vec<Item> {
    vec![
        acl_test(
            &format!("{user}: Replace - create attribute ({how})"),
            REPLACE_RSC,
        )
        .setup(DESC_NOTHING)
        .into(),
        acl_test(
            &format!("{user}: Replace - modify attribute ({how})"),
            REPLACE_RSC,
        )
        .setup(DESC_SOMETHING)
        .into(),
        acl_test(
            &format!("{user}: Replace - delete attribute ({how})"),
            REPLACE_RSC,
        )
        .setup(NO_DESC)
        .into(),
    ]
}

#[test]
fn regression_acls() {
    replay("acls", env!("CARGO_BIN_EXE_cibadmin"), |_| {
        let basic: Vec<Item> = vec![
            test("Configure some ACLs", "cibadmin -M -o acls -p").update_cib().stdin(ACL_CIB).into(),
            test("Enable ACLs", "crm_attribute -n enable-acl -v true").update_cib().into(),
            test("Set cluster option", "crm_attribute -n no-quorum-policy -v ignore").update_cib().into(),
            test("New ACL role", r#"cibadmin --create -o acls --xml-text '<acl_role id="badidea-role"><acl_permission id="badidea-resources" kind="read" xpath="//meta_attributes"/></acl_role>'"#).update_cib().into(),
            test("New ACL target", r#"cibadmin --create -o acls --xml-text '<acl_target id="badidea"><role id="badidea-role"/></acl_target>'"#).update_cib().into(),
            test("Another ACL role", r#"cibadmin --create -o acls --xml-text '<acl_role id="betteridea-role"><acl_permission id="betteridea-resources" kind="read" xpath="//meta_attributes"/></acl_role>'"#).update_cib().into(),
            test("Another ACL target", r#"cibadmin --create -o acls --xml-text '<acl_target id="betteridea"><role id="betteridea-role"/></acl_target>'"#).update_cib().into(),
            test("Updated ACL", r#"cibadmin --replace -o acls --xml-text '<acl_role id="betteridea-role"><acl_permission id="betteridea-nothing" kind="deny" xpath="/cib"/><acl_permission id="betteridea-resources" kind="read" xpath="//meta_attributes"/></acl_role>'"#).update_cib().into(),
        ];

        let root = Some("root");
        let observer: Vec<Item> = vec![
            test("niceguy: Query configuration", "cibadmin -Q").into(),
            test("niceguy: Set enable-acl", "crm_attribute -n enable-acl -v false").into(),
            test("niceguy: Set fencing-enabled", "crm_attribute -n fencing-enabled -v false").update_cib().into(),
            test("niceguy: Create a resource", CREATE_DUMMY).into(),
            test("root: Query configuration", "cibadmin -Q").env("CIB_user", root).into(),
            test("root: Set fencing-enabled", "crm_attribute -n fencing-enabled -v true").update_cib().env("CIB_user", root).into(),
            test("root: Create a resource", CREATE_DUMMY).update_cib().env("CIB_user", root).into(),
            test("root: Create another resource (with description)", r#"cibadmin -C -o resources --xml-text '<primitive id="dummy_desc" class="ocf" provider="pacemaker" type="Dummy" description="resource with description"/>'"#).update_cib().env("CIB_user", root).into(),
        ];
        let deny_cib_2: Vec<Item> = vec![
            test(
                "l33t-haxor: Create a resource meta attribute",
                "crm_resource -r dummy --meta -p target-role -v Stopped",
            )
            .into(),
            test(
                "l33t-haxor: Query a resource meta attribute",
                "crm_resource -r dummy --meta -g target-role",
            )
            .into(),
            test(
                "l33t-haxor: Remove a resource meta attribute",
                "crm_resource -r dummy --meta -d target-role",
            )
            .into(),
        ];
        let observer_2: Vec<Item> = vec![
            test(
                "niceguy: Create a resource meta attribute",
                "crm_resource -r dummy --meta -p target-role -v Stopped",
            )
            .update_cib()
            .into(),
            test(
                "niceguy: Query a resource meta attribute",
                "crm_resource -r dummy --meta -g target-role",
            )
            .update_cib()
            .into(),
            test(
                "niceguy: Remove a resource meta attribute",
                "crm_resource -r dummy --meta -d target-role",
            )
            .update_cib()
            .into(),
            test(
                "niceguy: Create a resource meta attribute",
                "crm_resource -r dummy --meta -p target-role -v Started",
            )
            .update_cib()
            .into(),
        ];
        let replace: Vec<Item> = vec![
            group(vec![
                acl_test("niceguy: Replace - remove acls", "cibadmin --replace -p").setup("cibadmin --delete --xml-text '<acls/>'").into(),
                acl_test("niceguy: Replace - create resource", "cibadmin --replace -p").setup(r#"cibadmin -C -o resources --xml-text '<primitive id="dummy2" class="ocf" provider="pacemaker" type="Dummy"/>'"#).into(),
                acl_test("niceguy: Replace - modify attribute (deny)", "cibadmin --replace -p").setup("crm_attribute -n enable-acl -v false").into(),
                acl_test("niceguy: Replace - delete attribute (deny)", "cibadmin --replace -p").setup(r#"cibadmin --replace --xml-text '<primitive id="dummy_desc" class="ocf" provider="pacemaker" type="Dummy"/>'"#).into(),
                acl_test("niceguy: Replace - create attribute (deny)", "cibadmin --replace -p").setup(r#"cibadmin --modify --xml-text '<primitive id="dummy" description="nothing interesting"/>'"#).into(),
            ])
            .env("CIB_user", Some("niceguy"))
            .into(),
            group(replace_trio("bob", "direct allow")).env("CIB_user", Some("bob")).into(),
            group(replace_trio("joe", "inherited allow")).env("CIB_user", Some("joe")).into(),
            group({
                let mut v = replace_trio("mike", "allow overrides deny");
                v.push(acl_test("mike: Create another resource", r#"cibadmin -C -o resources --xml-text '<primitive id="dummy2" class="ocf" provider="pacemaker" type="Dummy" description="nothing interesting"/>'"#).update_cib().into());
                v
            })
            .env("CIB_user", Some("mike"))
            .into(),
            group(vec![
                acl_test("chris: Replace - create attribute (deny overrides allow)", REPLACE_RSC).setup(DESC_NOTHING).into(),
                acl_test("chris: Replace - modify attribute (deny overrides allow)", REPLACE_RSC).setup(DESC_SOMETHING).into(),
                acl_test("chris: Replace - delete attribute (deny overrides allow)", REPLACE_RSC).setup(r#"cibadmin --replace -o resources --xml-text '<primitive id="dummy2" class="ocf" provider="pacemaker" type="Dummy"/>'"#).into(),
            ])
            .env("CIB_user", Some("chris"))
            .into(),
        ];

        let mut loop_tests: Vec<Item> = vec![
            group(basic_denials("unknownguy"))
                .env("CIB_user", Some("unknownguy"))
                .into(),
            group(basic_denials("l33t-haxor"))
                .env("CIB_user", Some("l33t-haxor"))
                .into(),
            group(observer).env("CIB_user", Some("niceguy")).into(),
            group(deny_cib_2).env("CIB_user", Some("l33t-haxor")).into(),
            group(observer_2).env("CIB_user", Some("niceguy")).into(),
            group(vec![
                test("badidea: Query configuration - implied deny", "cibadmin -Q").into(),
            ])
            .env("CIB_user", Some("badidea"))
            .into(),
            group(vec![
                test(
                    "betteridea: Query configuration - explicit deny",
                    "cibadmin -Q",
                )
                .into(),
            ])
            .env("CIB_user", Some("betteridea"))
            .into(),
        ];
        loop_tests.extend(replace);

        let mut all = basic;
        all.push(
            group(loop_tests)
                .env(
                    "PCMK_trace_functions",
                    Some("pcmk__check_acl,pcmk__apply_creation_acl"),
                )
                .into(),
        );
        vec![shadow_group(all).into()]
    });
}
