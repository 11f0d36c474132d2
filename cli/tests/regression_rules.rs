//! `crm_rule` against Pacemaker's `regression.rules.exp`.

mod support;

use pcmk_common::iso8601::{DateTime, LocalTime, TimeFormat};
use support::{Case, check, group};

/// A configuration with the rules the upstream test checks: one with two
/// date expressions, an expired one, one starting `tomorrow`, date_spec
/// rules with and without `years`, and one without date expression.
fn rule_cib(tomorrow: &str) -> String {
    format!(
        r##"<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9">
  <configuration>
    <crm_config>
      <cluster_property_set id="options">
        <nvpair id="options-fencing" name="fencing-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <primitive id="dummy" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>
    <constraints>
      <rsc_location id="loc-two-dates" rsc="dummy">
        <rule id="cli-rule-too-many-date-expressions" score="INFINITY" boolean-op="or">
          <date_expression id="two-dates-1" operation="gt" start="2020-01-01 01:00:00 -0500"/>
          <date_expression id="two-dates-2" operation="lt" end="2019-01-01 01:00:00 -0500"/>
        </rule>
      </rsc_location>
      <rsc_location id="loc-expired" rsc="dummy">
        <rule id="cli-prefer-rule-dummy-expired" score="INFINITY">
          <date_expression id="expired-end" operation="lt" end="2019-01-01 12:00:00 -05:00"/>
        </rule>
      </rsc_location>
      <rsc_location id="loc-not-yet" rsc="dummy">
        <rule id="cli-prefer-rule-dummy-not-yet" score="INFINITY">
          <date_expression id="not-yet-start" operation="gt" start="{tomorrow}"/>
        </rule>
      </rsc_location>
      <rsc_location id="loc-years" rsc="dummy">
        <rule id="cli-prefer-rule-dummy-date_spec-only-years" score="INFINITY">
          <date_expression id="years-expr" operation="date_spec">
            <date_spec id="years-spec" years="2019"/>
          </date_expression>
        </rule>
      </rsc_location>
      <rsc_location id="loc-no-years" rsc="dummy">
        <rule id="cli-prefer-rule-dummy-date_spec-without-years" score="INFINITY">
          <date_expression id="no-years-expr" operation="date_spec">
            <date_spec id="no-years-spec" hours="20" months="1,3,5,7"/>
          </date_expression>
        </rule>
      </rsc_location>
      <rsc_location id="loc-no-date" rsc="dummy">
        <rule id="cli-no-date_expression-rule" score="INFINITY">
          <expression id="uname-expr" attribute="#uname" operation="eq" value="node3"/>
        </rule>
      </rsc_location>
    </constraints>
  </configuration>
  <status/>
</cib>
"##
    )
}

fn cases(cib_file: &str) -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(group("crm_rule given no arguments", "crm_rule"));
    v.extend(group("crm_rule given no rule to check", "crm_rule -c"));
    v.extend(group(
        "crm_rule given invalid input XML",
        "crm_rule -c -r blahblah -X invalidxml",
    ));
    v.extend(
        group(
            "crm_rule given invalid input XML on stdin",
            "crm_rule -c -r blahblah -X -",
        )
        .into_iter()
        .map(|c| c.stdin("invalidxml\n")),
    );
    let with_cib = [
        (
            "Try to check a rule that doesn't exist",
            "crm_rule -c -r blahblah",
        ),
        (
            "Try to check a rule that has too many date_expressions",
            "crm_rule -c -r cli-rule-too-many-date-expressions",
        ),
        (
            "Verify basic rule is expired",
            "crm_rule -c -r cli-prefer-rule-dummy-expired",
        ),
        (
            "Verify basic rule worked in the past",
            "crm_rule -c -r cli-prefer-rule-dummy-expired -d 20180101",
        ),
        (
            "Verify basic rule is not yet in effect",
            "crm_rule -c -r cli-prefer-rule-dummy-not-yet",
        ),
        (
            "Verify date_spec rule with years has expired",
            "crm_rule -c -r cli-prefer-rule-dummy-date_spec-only-years",
        ),
        (
            "Verify multiple rules at once",
            "crm_rule -c -r cli-prefer-rule-dummy-not-yet -r cli-prefer-rule-dummy-date_spec-only-years",
        ),
        (
            "Verify date_spec rule with years is in effect",
            "crm_rule -c -r cli-prefer-rule-dummy-date_spec-only-years -d 20190201",
        ),
        (
            "Try to check a rule whose date_spec does not contain years=",
            "crm_rule -c -r cli-prefer-rule-dummy-date_spec-without-years",
        ),
        (
            "Try to check a rule with no date_expression",
            "crm_rule -c -r cli-no-date_expression-rule",
        ),
    ];
    for (title, cmd) in with_cib {
        v.extend(
            group(title, cmd)
                .into_iter()
                .map(|c| c.env("CIB_file", cib_file)),
        );
    }
    v
}

#[test]
fn rules() {
    let local = LocalTime::system();
    let mut tomorrow = DateTime::now(&local);
    tomorrow.add_days(1);
    let tomorrow =
        tomorrow.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WITH_TIMEZONE);
    let dir = std::env::temp_dir().join(format!("pcmk-cli-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let cib = dir.join("cib.xml");
    std::fs::write(&cib, rule_cib(&tomorrow)).expect("write CIB");
    check(
        "rules",
        &cases(&cib.display().to_string()),
        env!("CARGO_BIN_EXE_crm_rule"),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
