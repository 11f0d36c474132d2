//! Replays `regression.crm_attribute.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmAttributeRegressionTest`) against our `crm_attribute`,
//! `crm_failcount`, `crm_simulate` and `cibadmin`.

mod cts_cib;

use cts_cib::{Item, group, pair, replay_pending, shadow_group, test};

/// Tests that do not match yet: tools of other parts (`cibadmin`'s
/// failed-update report, `crm_simulate --live-check`).
const PENDING: &[&str] = &[
    "Create operation should fail",
    "Create node1 and bring it online",
    "Show node attributes with crm_simulate",
];

/// `crm_simulate --live-check --in-place --node-up=NODE` does not exist
/// yet: the same CIB change (a node entry, then its state in two status
/// updates, as the simulator makes them) made with `cibadmin`, so that
/// the later tests see the CIB they expect. Its own test stays pending.
fn node_up_stand_in(node: &str) -> String {
    format!(
        "cibadmin -C -o nodes --xml-text '<node id=\"{node}\" uname=\"{node}\"/>' && \
         cibadmin -C -o status --xml-text '<node_state id=\"{node}\" uname=\"{node}\" in_ccm=\"true\" crmd=\"online\"/>' && \
         cibadmin -M -o status --xml-text '<node_state id=\"{node}\" join=\"member\" expected=\"member\" crm-debug-origin=\"crm_simulate\"/>'"
    )
}

#[test]
fn regression_crm_attribute() {
    replay_pending(
        "crm_attribute",
        env!("CARGO_BIN_EXE_crm_attribute"),
        PENDING,
        |data| {
            let crm_mon = data.join("crm_mon.xml");
            let ocf = |t: cts_cib::Test| t.env("OCF_RESOURCE_INSTANCE", Some("promotable-rsc"));
            let options: Vec<Item> = vec![
                pair(
                    "List all available options (invalid type)",
                    "crm_attribute --list-options=asdf",
                    |t| t,
                )
                .into(),
                pair(
                    "List non-advanced cluster options",
                    "crm_attribute --list-options=cluster",
                    |t| t,
                )
                .into(),
                pair(
                    "List all available cluster options",
                    "crm_attribute --list-options=cluster --all",
                    |t| t,
                )
                .into(),
                test(
                    "Return usage error if both -p and OCF_RESOURCE_INSTANCE are empty strings",
                    "crm_attribute -N cluster01 -p '' -G",
                )
                .into(),
            ];
            let value_update: Vec<Item> = vec![
                test(
                    "Query the value of an attribute that does not exist",
                    "crm_attribute -n ABCD --query --quiet",
                )
                .into(),
                test(
                    "Configure something before erasing",
                    "crm_attribute -n test_attr -v 5",
                )
                .update_cib()
                .into(),
                test(
                    "Test '++' XML attribute update syntax",
                    r#"cibadmin -M --score --xml-text='<cib admin_epoch="admin_epoch++"/>'"#,
                )
                .update_cib()
                .into(),
                test(
                    "Test '+=' XML attribute update syntax",
                    r#"cibadmin -M --score --xml-text='<cib admin_epoch="admin_epoch+=2"/>'"#,
                )
                .update_cib()
                .into(),
                pair(
                    "Test '++' nvpair value update syntax",
                    "crm_attribute -n test_attr -v 'value++' --score",
                    |t| t.update_cib(),
                )
                .into(),
                pair(
                    "Test '+=' nvpair value update syntax",
                    "crm_attribute -n test_attr -v 'value+=2' --score",
                    |t| t.update_cib(),
                )
                .into(),
                test(
                    "Test '++' XML attribute update syntax (--score not set)",
                    r#"cibadmin -M --xml-text='<cib admin_epoch="admin_epoch++"/>'"#,
                )
                .update_cib()
                .into(),
                test(
                    "Test '+=' XML attribute update syntax (--score not set)",
                    r#"cibadmin -M --xml-text='<cib admin_epoch="admin_epoch+=2"/>'"#,
                )
                .update_cib()
                .into(),
                pair(
                    "Test '++' nvpair value update syntax (--score not set)",
                    "crm_attribute -n test_attr -v 'value++'",
                    |t| t.update_cib(),
                )
                .into(),
                pair(
                    "Test '+=' nvpair value update syntax (--score not set)",
                    "crm_attribute -n test_attr -v 'value+=2'",
                    |t| t.update_cib(),
                )
                .into(),
            ];
            let u = |desc: &str, cmd: &str| -> Item { test(desc, cmd).update_cib().into() };
            let t = |desc: &str, cmd: &str| -> Item { test(desc, cmd).into() };
            let query_set: Vec<Item> = vec![
                u(
                    "Set cluster option",
                    "crm_attribute -n cluster-delay -v 60s",
                ),
                t(
                    "Query new cluster option",
                    "cibadmin -Q -o crm_config | grep cib-bootstrap-options-cluster-delay",
                ),
                u(
                    "Set no-quorum policy",
                    "crm_attribute -n no-quorum-policy -v ignore",
                ),
                u(
                    "Delete nvpair",
                    r#"cibadmin -D -o crm_config --xml-text '<nvpair id="cib-bootstrap-options-cluster-delay"/>'"#,
                ),
                u(
                    "Create operation should fail",
                    r#"cibadmin -C -o crm_config --xml-text '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-no-quorum-policy" name="no-quorum-policy" value="ignore"/></cluster_property_set>'"#,
                ),
                u(
                    "Modify cluster options section",
                    r#"cibadmin -M -o crm_config --xml-text '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-cluster-delay" name="cluster-delay" value="60s"/></cluster_property_set>'"#,
                ),
                u(
                    "Query updated cluster option",
                    "cibadmin -Q -o crm_config | grep cib-bootstrap-options-cluster-delay",
                ),
                u(
                    "Set duplicate cluster option",
                    "crm_attribute -n cluster-delay -v 40s -s duplicate",
                ),
                u(
                    "Setting multiply defined cluster option should fail",
                    "crm_attribute -n cluster-delay -v 30s",
                ),
                u(
                    "Set cluster option with -s",
                    "crm_attribute -n cluster-delay -v 30s -s duplicate",
                ),
                u(
                    "Delete cluster option with -i",
                    "crm_attribute -n cluster-delay -D -i cib-bootstrap-options-cluster-delay",
                ),
                u(
                    "Create node1 and bring it online",
                    &node_up_stand_in("node1"),
                ),
                u(
                    "Create node attribute",
                    "crm_attribute -n ram -v 1024M -N node1 -t nodes",
                ),
                u(
                    "Query new node attribute",
                    "cibadmin -Q -o nodes | grep node1-ram",
                ),
                u(
                    "Create second node attribute",
                    "crm_attribute -n rattr -v XYZ -N node1 -t nodes",
                ),
                t(
                    "Query node attributes by pattern",
                    "crm_attribute -t nodes -P 'ra.*' -N node1 --query",
                ),
                u(
                    "Update node attributes by pattern",
                    "crm_attribute -t nodes -P 'rat.*' -N node1 -v 10",
                ),
                u(
                    "Delete node attributes by pattern",
                    "crm_attribute -t nodes -P 'rat.*' -N node1 -D",
                ),
                u(
                    "Set a transient (fail-count) node attribute",
                    "crm_attribute -n fail-count-foo -v 3 -N node1 -t status",
                ),
                u(
                    "Query a fail count",
                    "crm_failcount --query -r foo -N node1",
                ),
                t(
                    "Show node attributes with crm_simulate",
                    "crm_simulate --live-check --show-attrs",
                ),
                u(
                    "Set a second transient node attribute",
                    "crm_attribute -n fail-count-bar -v 5 -N node1 -t status",
                ),
                t(
                    "Query transient node attributes by pattern",
                    "crm_attribute -t status -P fail-count -N node1 --query",
                ),
                u(
                    "Update transient node attributes by pattern",
                    "crm_attribute -t status -P fail-count -N node1 -v 10",
                ),
                u(
                    "Delete transient node attributes by pattern",
                    "crm_attribute -t status -P fail-count -N node1 -D",
                ),
                t(
                    "crm_attribute given invalid delete usage",
                    "crm_attribute -t nodes -N node1 -D",
                ),
                u(
                    "Set a utilization node attribute",
                    "crm_attribute -n cpu -v 1 -N node1 -z",
                ),
                t(
                    "Query utilization node attribute",
                    "crm_attribute --query -n cpu -N node1 -z",
                ),
                t(
                    "Replace operation should fail",
                    r#"cibadmin -Q | sed -e 's/ epoch="[^"]*"/ epoch="1"/' | cibadmin -R -p"#,
                ),
            ];
            let p = |desc: &str, cmd: &str| -> Item { pair(desc, cmd, |t| t).into() };
            let mut promotable: Vec<Item> = vec![
                p(
                    "Query a nonexistent promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -G",
                ),
                p(
                    "Delete a nonexistent promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -D",
                ),
                p(
                    "Query after deleting a nonexistent promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -G",
                ),
                p(
                    "Update a nonexistent promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -v 1",
                ),
                p(
                    "Query after updating a nonexistent promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -G",
                ),
                p(
                    "Update an existing promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -v 5",
                ),
                p(
                    "Query after updating an existing promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -G",
                ),
                p(
                    "Delete an existing promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -D",
                ),
                p(
                    "Query after deleting an existing promotable score attribute",
                    "crm_attribute -N cluster01 -p promotable-rsc -G",
                ),
            ];
            promotable.extend([
                pair(
                    "Update a promotable score attribute to -INFINITY",
                    "crm_attribute -N cluster01 -p -v -INFINITY",
                    ocf,
                )
                .into(),
                pair(
                    "Query after updating a promotable score attribute to -INFINITY",
                    "crm_attribute -N cluster01 -p -G",
                    ocf,
                )
                .into(),
                ocf(test(
                    "Try OCF_RESOURCE_INSTANCE if -p is specified with an empty string",
                    "crm_attribute -N cluster01 -p '' -G",
                ))
                .into(),
            ]);
            let mut items = options;
            items.push(shadow_group(value_update).into());
            items.push(shadow_group(query_set).into());
            items.push(
                group(promotable)
                    .env("OCF_RESOURCE_INSTANCE", Some("promotable-rsc"))
                    .cib_copy(crm_mon)
                    .into(),
            );
            items
        },
    );
}
