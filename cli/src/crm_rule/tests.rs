//! Tests of `crm_rule` with a scripted environment.

use std::collections::HashMap;

use super::*;

struct FakeEnv {
    vars: HashMap<&'static str, String>,
    files: HashMap<String, String>,
    stdin: String,
    now: i64,
}

impl Environment for FakeEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }
    fn read_file(&self, path: &str) -> std::io::Result<String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
    fn read_stdin(&self) -> std::io::Result<String> {
        Ok(self.stdin.clone())
    }
    fn local_time(&self) -> LocalTime {
        LocalTime::utc(self.now)
    }
}

const CIB: &str = r##"<cib><configuration><constraints>
  <rsc_location id="l1" rsc="d"><rule id="expired" score="INFINITY">
    <date_expression id="e1" operation="lt" end="2019-01-01 12:00:00 -05:00"/></rule></rsc_location>
  <rsc_location id="l2" rsc="d"><rule id="spec" score="INFINITY">
    <date_expression id="e2" operation="date_spec"><date_spec id="s2" years="2019"/></date_expression></rule></rsc_location>
  <rsc_location id="l3" rsc="d"><rule id="nospec" score="INFINITY">
    <date_expression id="e3" operation="date_spec"><date_spec id="s3" hours="20"/></date_expression></rule></rsc_location>
  <rsc_location id="l4" rsc="d"><rule id="two" boolean-op="or" score="INFINITY">
    <date_expression id="e4" operation="gt" start="2020-01-01"/><date_expression id="e5" operation="lt" end="2019-01-01"/></rule></rsc_location>
  <rsc_location id="l5" rsc="d"><rule id="none" score="INFINITY">
    <expression id="e6" attribute="#uname" operation="eq" value="n"/></rule></rsc_location>
  <rsc_location id="l6" rsc="d"><rule id="future" score="INFINITY">
    <date_expression id="e7" operation="gt" start="2030-01-01"/></rule></rsc_location>
  <rsc_location id="l7" rsc="d"><rule id="noop" score="INFINITY">
    <date_expression id="e8" start="2000-01-01"/></rule></rsc_location>
</constraints></configuration></cib>"##;

fn env() -> FakeEnv {
    let mut vars = HashMap::new();
    vars.insert("CIB_file", "/cib.xml".to_string());
    let mut files = HashMap::new();
    files.insert("/cib.xml".to_string(), CIB.to_string());
    // 2024-01-01 00:00:00Z
    FakeEnv {
        vars,
        files,
        stdin: String::new(),
        now: 1_704_067_200,
    }
}

fn go(env: &FakeEnv, args: &[&str]) -> (String, String, CrmExit) {
    let mut argv = vec![PROG];
    argv.extend_from_slice(args);
    let (p, exit) = run(&argv, env);
    (p.stdout, p.stderr, exit)
}

#[test]
fn checks() {
    let e = env();
    let cases: &[(&[&str], &str, &str, CrmExit)] = &[
        (
            &["-c", "-r", "expired"],
            "Rule expired is expired\n",
            "",
            CrmExit::Expired,
        ),
        (
            &["-c", "-r", "expired", "-d", "20180101"],
            "Rule expired is still in effect\n",
            "",
            CrmExit::OK,
        ),
        (
            &["-c", "-r", "future"],
            "Rule future has not yet taken effect\n",
            "",
            CrmExit::NotYetInEffect,
        ),
        (
            &["-c", "-r", "spec"],
            "Rule spec is expired\n",
            "",
            CrmExit::Expired,
        ),
        (
            &["-c", "-r", "spec", "-d", "20190201"],
            "Rule spec satisfies conditions\n",
            "",
            CrmExit::OK,
        ),
        (
            &["-c", "-r", "future", "-r", "spec"],
            "Rule future has not yet taken effect\nRule spec is expired\n",
            "",
            CrmExit::Expired,
        ),
        (
            &["-c", "-r", "blah"],
            "",
            "Could not determine whether rule blah is in effect: Rule not found\n",
            CrmExit::NoSuch,
        ),
        (
            &["-c", "-r", "two"],
            "",
            "Could not determine whether rule two is in effect: Rule has more than one date expression\n",
            CrmExit::UnimplementFeature,
        ),
        (
            &["-c", "-r", "nospec"],
            "",
            "Could not determine whether rule nospec is in effect: Rule must either not use date_spec, or use date_spec with years=\n",
            CrmExit::UnimplementFeature,
        ),
        (
            &["-c", "-r", "noop"],
            "",
            "Could not determine whether rule noop is in effect: Rule must either not use date_spec, or use date_spec with years=\n",
            CrmExit::UnimplementFeature,
        ),
        (
            &["-c", "-r", "none"],
            "",
            "Could not determine whether rule none is in effect: Rule does not have a date expression\n",
            CrmExit::UnimplementFeature,
        ),
        (
            &[],
            "",
            "crm_rule: No mode operation given\n",
            CrmExit::Usage,
        ),
        (
            &["-c"],
            "",
            "crm_rule: --check requires use of --rule=\n",
            CrmExit::Usage,
        ),
        (
            &["-c", "-r", "x", "-d", "bogus"],
            "",
            "crm_rule: Invalid date specified: 'bogus'\n",
            CrmExit::DataErr,
        ),
        (
            &["-c", "-r", "x", "-X", "invalidxml"],
            "",
            "crm_rule: Couldn't parse input string: invalidxml\n",
            CrmExit::DataErr,
        ),
    ];
    for (args, stdout, stderr, exit) in cases {
        assert_eq!(
            go(&e, args),
            (stdout.to_string(), stderr.to_string(), *exit),
            "{args:?}"
        );
    }
}

#[test]
fn xml_and_inputs() {
    let mut e = env();
    let (out, _, exit) = go(&e, &["--output-as=xml", "-c", "-r", "blah"]);
    assert_eq!(exit, CrmExit::NoSuch);
    assert!(
        out.contains("<rule-check rule-id=\"blah\" rc=\"105\"/>"),
        "{out}"
    );
    assert!(out.contains(
        "<error>Could not determine whether rule blah is in effect: Rule not found</error>"
    ));
    e.stdin = CIB.to_string();
    e.vars.clear();
    let (out, _, exit) = go(&e, &["-c", "-r", "future", "-X", "-"]);
    assert_eq!(
        (out.as_str(), exit),
        (
            "Rule future has not yet taken effect\n",
            CrmExit::NotYetInEffect
        )
    );
    let (_, err, exit) = go(&e, &["-c", "-r", "future"]);
    assert_eq!(exit, CrmExit::Disconnect);
    assert!(err.contains("Could not connect to the CIB"));
    e.vars.insert("CIB_shadow", "test".to_string());
    e.vars.insert("CIB_shadow_dir", "/shadows".to_string());
    e.files
        .insert("/shadows/shadow.test".to_string(), CIB.to_string());
    let (_, _, exit) = go(&e, &["-c", "-r", "expired"]);
    assert_eq!(exit, CrmExit::Expired);
}
