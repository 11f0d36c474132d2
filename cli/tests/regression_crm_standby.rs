//! Replays `regression.crm_standby.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmStandbyRegressionTest`) against our `crm_standby`.

mod cts_cib;

use cts_cib::{Item, replay_pending, shadow_group, test};

#[test]
fn regression_crm_standby() {
    replay_pending(
        "crm_standby",
        env!("CARGO_BIN_EXE_crm_standby"),
        &[],
        |_| {
            let basic: Vec<Item> = vec![
                test("Default standby value", "crm_standby -N node1 -G").into(),
                test("Set standby status", "crm_standby -N node1 -v true")
                    .update_cib()
                    .into(),
                test("Query standby value", "crm_standby -N node1 -G").into(),
                test("Delete standby value", "crm_standby -N node1 -D")
                    .update_cib()
                    .into(),
            ];
            vec![
                shadow_group(basic)
                    .setup(r#"cibadmin -C -o nodes --xml-text '<node id="node1" uname="node1"/>'"#)
                    .into(),
            ]
        },
    );
}
