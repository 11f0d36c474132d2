//! Replays `regression.validity.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `ValidityRegressionTest`) against our `cibadmin` and `crm_shadow`.

mod cts_cib;

use cts_cib::{replay, shadow_group, test};

#[test]
fn regression_validity() {
    replay("validity", env!("CARGO_BIN_EXE_cibadmin"), |_| {
        let order =
            r#"'<rsc_order id="ord_1-2" first="dummy1" first-action="break" then="dummy2"/>'"#;
        let tests = vec![
            test(
                "Try to set unrecognized validate-with",
                r#"cibadmin -M --xml-text '<cib validate-with="pacemaker-9999.0"/>'"#,
            )
            .into(),
            test("Try to remove validate-with attribute", "cibadmin -R -p")
                .stdin_cmd(r###"cibadmin -Q | sed 's#validate-with="[^"]*"##'"###)
                .into(),
            test(
                "Try to use rsc_order first-action value disallowed by schema",
                &format!("cibadmin -M -o constraints --xml-text {order}"),
            )
            .update_cib()
            .into(),
            test(
                "Try to use configuration legal only with schema after configured one",
                "cibadmin -C -o configuration --xml-text '<tags/>'",
            )
            .update_cib()
            .into(),
            test(
                "Disable schema validation",
                r#"cibadmin -M --xml-text '<cib validate-with="none"/>'"#,
            )
            .into(),
            test(
                "Set invalid rsc_order first-action value (schema validation disabled)",
                &format!("cibadmin -M -o constraints --xml-text {order}"),
            )
            .update_cib()
            .into(),
            test(
                "Run crm_simulate with invalid rsc_order first-action (schema validation disabled)",
                "crm_simulate -SL",
            )
            .into(),
        ];
        vec![shadow_group(tests)
            .validate_with("pacemaker-1.2")
            .setup(r#"cibadmin -C -o resources --xml-text '<primitive id="dummy1" class="ocf" provider="pacemaker" type="Dummy"/>'"#)
            .setup(r#"cibadmin -C -o resources --xml-text '<primitive id="dummy2" class="ocf" provider="pacemaker" type="Dummy"/>'"#)
            .setup(r#"cibadmin -C -o constraints --xml-text '<rsc_order id="ord_1-2" first="dummy1" first-action="start" then="dummy2"/>'"#)
            .env(
                "PCMK_trace_functions",
                Some("apply_upgrade,pcmk__update_schema,invert_action"),
            )
            .into()]
    });
}
