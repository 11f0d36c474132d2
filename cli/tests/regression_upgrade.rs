//! Replays `regression.upgrade.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `UpgradeRegressionTest`) against our `cibadmin` and `crm_shadow`.

mod cts_cib;

use cts_cib::{replay, shadow_group, test};

const RESOURCES: &str = r#"
<resources>
  <primitive id="mySmartFuse" class="ocf" provider="experiment" type="SmartFuse">
    <operations>
      <op id="mySmartFuse-start" name="start" interval="0" timeout="40s"/>
      <op id="mySmartFuse-monitor-inputpower" name="monitor" interval="30s">
        <instance_attributes id="mySmartFuse-inputpower-instanceparams">
          <nvpair id="mySmartFuse-inputpower-requires" name="requires" value="inputpower"/>
        </instance_attributes>
      </op>
      <op id="mySmartFuse-monitor-outputpower" name="monitor" interval="2s">
        <instance_attributes id="mySmartFuse-outputpower-instanceparams">
          <nvpair id="mySmartFuse-outputpower-requires" name="requires" value="outputpower"/>
        </instance_attributes>
      </op>
    </operations>
    <instance_attributes id="mySmartFuse-params">
      <nvpair id="mySmartFuse-params-ip" name="ip" value="192.0.2.10"/>
    </instance_attributes>
<!-- a bit hairy but valid -->
    <instance_attributes id-ref="mySmartFuse-outputpower-instanceparams"/>
  </primitive>
</resources>
"#;

#[test]
fn regression_upgrade() {
    replay("upgrade", env!("CARGO_BIN_EXE_cibadmin"), |_| {
        let tests = vec![
            test(
                "Set fencing-enabled=false",
                "crm_attribute -n fencing-enabled -v false",
            )
            .update_cib()
            .into(),
            test(
                "Configure the initial resource",
                "cibadmin -M -o resources -p",
            )
            .update_cib()
            .stdin(RESOURCES)
            .into(),
            test(
                "Upgrade to latest CIB schema (trigger 2.10.xsl + the wrapping)",
                "cibadmin --upgrade --force -V -V",
            )
            .update_cib()
            .into(),
            test(
                "Query a resource instance attribute (shall survive)",
                "crm_resource -r mySmartFuse -g requires",
            )
            .update_cib()
            .into(),
        ];
        vec![
            shadow_group(tests)
                .validate_with("pacemaker-2.10")
                .env(
                    "PCMK_trace_functions",
                    Some("apply_upgrade,pcmk__update_schema"),
                )
                .into(),
        ]
    });
}
