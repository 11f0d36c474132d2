//! Replays `regression.cibadmin.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CibadminRegressionTest`) against our `cibadmin` and `crm_shadow`.

mod cts_cib;

use cts_cib::{Item, Step, pair, replay, shadow_group};

#[test]
fn regression_cibadmin() {
    replay("cibadmin", env!("CARGO_BIN_EXE_cibadmin"), |_| {
        let basic: Vec<Item> = vec![
            pair("Validate CIB", "cibadmin -Q", |t| t.update_cib()).into(),
            pair(
                "Digest calculation",
                "cibadmin -5 -p 2>&1 < $(crm_shadow --file)",
                |t| t,
            )
            .into(),
            pair("Require --force for CIB erasure", "cibadmin -E", |t| {
                t.update_cib()
            })
            .into(),
            pair(
                "Allow CIB erasure with --force",
                "cibadmin -E --force",
                |t| t,
            )
            .into(),
            pair("Query CIB", "cibadmin -Q", |t| {
                t.setup_step(Step::DeleteRscDefaults).update_cib()
            })
            .into(),
        ];
        vec![shadow_group(basic)
            .setup(r#"cibadmin -C -o nodes --xml-text '<node id="node1" uname="node1"/>'"#)
            .setup(r#"cibadmin -C -o crm_config --xml-text '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-fencing-enabled" name="fencing-enabled" value="false"/></cluster_property_set>'"#)
            .setup(r#"cibadmin -C -o resources --xml-text '<primitive class="ocf" id="dummy" provider="heartbeat" type="Dummy" />'"#)
            .into()]
    });
}
