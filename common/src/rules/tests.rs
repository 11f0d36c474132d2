//! Table-driven tests of rule evaluation, covering the behaviours of
//! Pacemaker's unit tests for `lib/common/rules.c` and `nvpair.c`.

use std::collections::HashMap;

use super::*;
use crate::iso8601::DateTime;
use crate::xml::{Element, parse};

fn xml(s: &str) -> Element {
    parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn at(now: &str) -> RuleInput<'static> {
    RuleInput {
        now: Some(DateTime::parse(now).unwrap()),
        ..RuleInput::default()
    }
}

fn date_expr(input: RuleInput<'_>, expr: &str) -> (Outcome, Option<String>) {
    let e = xml(expr);
    let mut ev = Evaluator::new(input, &NoIdRefs);
    let out = ev.date_expression(&e);
    (out, ev.next_change().map(|t| t.to_string()))
}

#[test]
fn date_expressions() {
    use Outcome::*;
    let now = "2024-01-01 12:00:00Z";
    let cases: &[(&str, Outcome, Option<&str>)] = &[
        // Missing id, bad operation
        (
            r##"<date_expression operation="lt" end="2025-01-01"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="xx" end="2025-01-01"/>"##,
            Invalid,
            None,
        ),
        // lt
        (
            r##"<date_expression id="d" operation="lt"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="lt" end="bad"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="lt" end="2024-01-01 13:00:00Z"/>"##,
            InRange,
            Some("2024-01-01 13:00:00Z"),
        ),
        (
            r##"<date_expression id="d" operation="LT" end="2024-01-01 12:00:00Z"/>"##,
            AfterRange,
            None,
        ),
        // gt
        (
            r##"<date_expression id="d" operation="gt"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="gt" start="2024-13-01"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="gt" start="2024-01-01 11:59:59Z"/>"##,
            InRange,
            None,
        ),
        (
            r##"<date_expression id="d" operation="gt" start="2024-01-01 12:00:00Z"/>"##,
            BeforeRange,
            Some("2024-01-01 12:00:01Z"),
        ),
        // in_range (default operation)
        (r##"<date_expression id="d"/>"##, Invalid, None),
        (
            r##"<date_expression id="d" start="x" end="y"/>"##,
            Invalid,
            None,
        ),
        (r##"<date_expression id="d" start="x"/>"##, Invalid, None),
        (
            r##"<date_expression id="d" start="2024-01-02"/>"##,
            BeforeRange,
            Some("2024-01-02 00:00:00Z"),
        ),
        (
            r##"<date_expression id="d" start="2023-12-31"/>"##,
            InRange,
            None,
        ),
        (r##"<date_expression id="d" end="x"/>"##, Invalid, None),
        (
            r##"<date_expression id="d" end="2024-01-01 12:00:00Z"/>"##,
            InRange,
            Some("2024-01-01 12:00:01Z"),
        ),
        (
            r##"<date_expression id="d" end="2024-01-01 11:00:00Z"/>"##,
            AfterRange,
            None,
        ),
        (
            r##"<date_expression id="d" start="2023-01-01" end="x"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" start="x" end="2025-01-01"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="in_range" start="2023-01-01" end="2025-01-01"/>"##,
            InRange,
            Some("2025-01-01 00:00:01Z"),
        ),
        (
            r##"<date_expression id="d" start="2024-06-01" end="2025-01-01"/>"##,
            BeforeRange,
            Some("2024-06-01 00:00:00Z"),
        ),
        // in_range with a duration
        (
            r##"<date_expression id="d" start="2024-01-01 11:00:00Z"><duration id="u" hours="x"/></date_expression>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" start="2024-01-01 11:00:00Z"><duration hours="2"/></date_expression>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" start="2024-01-01 11:00:00Z"><duration id="u" hours="2"/></date_expression>"##,
            InRange,
            Some("2024-01-01 13:00:01Z"),
        ),
        (
            r##"<date_expression id="d" start="2024-01-01 11:00:00Z"><duration id="u" minutes="30"/></date_expression>"##,
            AfterRange,
            None,
        ),
        (
            r##"<date_expression id="d" start="2023-12-01"><duration id="u" months="1" weeks="1"/></date_expression>"##,
            InRange,
            Some("2024-01-08 00:00:01Z"),
        ),
        // date_spec
        (
            r##"<date_expression id="d" operation="date_spec"/>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="date_spec"><date_spec id="s" years="a"/></date_expression>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="date_spec"><date_spec years="2024"/></date_expression>"##,
            Invalid,
            None,
        ),
        (
            r##"<date_expression id="d" operation="date_spec"><date_spec id="s" years="2024" hours="9-17"/></date_expression>"##,
            Satisfied,
            None,
        ),
        (
            r##"<date_expression id="d" operation="date_spec"><date_spec id="s" years="2023"/></date_expression>"##,
            AfterRange,
            None,
        ),
    ];
    for (expr, want, change) in cases {
        let (got, next) = date_expr(at(now), expr);
        assert_eq!(got, *want, "{expr}");
        assert_eq!(next.as_deref(), *change, "{expr}");
    }
    // No time given
    let (got, _) = date_expr(
        RuleInput::default(),
        r##"<date_expression id="d" operation="gt" start="2020-01-01"/>"##,
    );
    assert_eq!(got, Outcome::MissingInput);
}

#[test]
fn date_specs() {
    use Outcome::*;
    // 2024-01-01 was a Monday: week 1 of 2024, day 1 of the year.
    let now = DateTime::parse("2024-01-01 12:30:45Z").unwrap();
    let cases: &[(&str, Outcome)] = &[
        (r##"<date_spec id="s"/>"##, Satisfied),
        (r##"<date_spec id="s" years="2024"/>"##, Satisfied),
        (r##"<date_spec id="s" years="2025-"/>"##, BeforeRange),
        (r##"<date_spec id="s" years="-2023"/>"##, AfterRange),
        (
            r##"<date_spec id="s" months="1" monthdays="1"/>"##,
            Satisfied,
        ),
        (r##"<date_spec id="s" monthdays="2-31"/>"##, BeforeRange),
        (
            r##"<date_spec id="s" hours="9-12" minutes="30" seconds="40-50"/>"##,
            Satisfied,
        ),
        (r##"<date_spec id="s" hours="13-"/>"##, BeforeRange),
        (r##"<date_spec id="s" yeardays="1"/>"##, Satisfied),
        (
            r##"<date_spec id="s" weekyears="2024" weeks="1" weekdays="1"/>"##,
            Satisfied,
        ),
        (r##"<date_spec id="s" weekdays="6-7"/>"##, BeforeRange),
        (
            r##"<date_spec id="s" weekdays="1-5" moon="4"/>"##,
            Satisfied,
        ),
        (r##"<date_spec id="s" hours="9-x"/>"##, Invalid),
        (r##"<date_spec id="s" hours="-"/>"##, Invalid),
        (
            r##"<date_spec id="s" years="2023" hours="-"/>"##,
            AfterRange,
        ),
    ];
    for (spec, want) in cases {
        let e = xml(spec);
        let mut ev = Evaluator::new(RuleInput::default(), &NoIdRefs);
        assert_eq!(ev.date_spec(&e, Some("d"), &now), *want, "{spec}");
    }
    // Local fields are used as given, not converted to UTC.
    let local = DateTime::parse("2024-01-01 23:30:00 +02:00").unwrap();
    let e = xml(r##"<date_spec id="s" hours="23"/>"##);
    let mut ev = Evaluator::new(RuleInput::default(), &NoIdRefs);
    assert_eq!(ev.date_spec(&e, None, &local), Satisfied);
}

fn attrs(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn attr_expressions() {
    use Outcome::*;
    let node = attrs(&[
        ("#uname", "node1"),
        ("num", "10"),
        ("dec", "2.5"),
        ("ver", "1.10.2"),
        ("empty", ""),
        ("word", "Alpha"),
        ("db-weight", "5"),
    ]);
    let params = attrs(&[("p", "10"), ("q", "3")]);
    let meta = attrs(&[("m", "node1")]);
    let groups = [Some(0..6), Some(0..2)];
    let m = RegexMatch {
        text: "db-rsc",
        groups: &groups,
    };
    let input = RuleInput {
        node_attrs: Some(&node),
        rsc_params: Some(&params),
        rsc_meta: Some(&meta),
        rsc_id: Some(m),
        ..RuleInput::default()
    };
    let cases: &[(&str, Outcome)] = &[
        (
            r##"<expression attribute="num" operation="eq" value="10"/>"##,
            Invalid,
        ),
        (
            r##"<expression id="e" operation="eq" value="10"/>"##,
            Invalid,
        ),
        (
            r##"<expression id="e" attribute="num" value="10"/>"##,
            Invalid,
        ),
        (
            r##"<expression id="e" attribute="num" operation="like" value="10"/>"##,
            Invalid,
        ),
        // Submatches in the attribute name
        (
            r##"<expression id="e" attribute="%1-weight" operation="eq" value="5"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="%1-weight" operation="eq" value="6"/>"##,
            Unsatisfied,
        ),
        // Value sources
        (
            r##"<expression id="e" attribute="num" operation="eq" value="10" value-source="bogus"/>"##,
            Invalid,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="10" value-source="literal"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="11"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="nope" operation="eq" value="10"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="p" value-source="param"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="q" value-source="param"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="zz" value-source="param"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="#uname" operation="eq" value="m" value-source="meta"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="#uname" operation="ne" value="m" value-source="meta"/>"##,
            Unsatisfied,
        ),
        // Types
        (
            r##"<expression id="e" attribute="dec" operation="gt" value="2"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="gt" value="9"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="gt" value="9" type="string"/>"##,
            BeforeRange,
        ),
        (
            r##"<expression id="e" attribute="num" operation="gt" value="9" type="float"/>"##,
            Invalid,
        ),
        (
            r##"<expression id="e" attribute="word" operation="eq" value="ALPHA" type="string"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="10.9" type="integer"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq" value="10.0" type="number"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="dec" operation="lt" value="2.4" type="number"/>"##,
            AfterRange,
        ),
        (
            r##"<expression id="e" attribute="ver" operation="gt" value="1.9" type="version"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="ver" operation="eq" value="1.10.2.0" type="version"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="ver" operation="lt" value="1.10" type="version"/>"##,
            AfterRange,
        ),
        // Operations
        (
            r##"<expression id="e" attribute="num" operation="lt" value="11"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="lt" value="10"/>"##,
            AfterRange,
        ),
        (
            r##"<expression id="e" attribute="num" operation="lte" value="10"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="lte" value="9"/>"##,
            AfterRange,
        ),
        (
            r##"<expression id="e" attribute="num" operation="gte" value="10"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="gte" value="11"/>"##,
            BeforeRange,
        ),
        (
            r##"<expression id="e" attribute="nope" operation="lt" value="11"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="empty" operation="eq" value=""/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="nope" operation="eq" value=""/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="nope" operation="ne" value=""/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="defined"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="empty" operation="defined"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="nope" operation="defined"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="defined" value="1"/>"##,
            Invalid,
        ),
        (
            r##"<expression id="e" attribute="nope" operation="not_defined"/>"##,
            Satisfied,
        ),
        (
            r##"<expression id="e" attribute="empty" operation="not_defined"/>"##,
            Unsatisfied,
        ),
        (
            r##"<expression id="e" attribute="num" operation="eq"/>"##,
            Invalid,
        ),
    ];
    for (expr, want) in cases {
        let e = xml(expr);
        let mut ev = Evaluator::new(input, &NoIdRefs);
        assert_eq!(ev.attr_expression(&e), *want, "{expr}");
    }
}

#[test]
fn rsc_and_op_expressions() {
    use Outcome::*;
    let input = RuleInput {
        rsc_standard: Some("ocf"),
        rsc_provider: Some("heartbeat"),
        rsc_agent: Some("IPaddr2"),
        op_name: Some("monitor"),
        op_interval_ms: 10_000,
        ..RuleInput::default()
    };
    let cases: &[(&str, Outcome)] = &[
        (r##"<rsc_expression class="ocf"/>"##, Invalid),
        (r##"<rsc_expression id="r" class="stonith"/>"##, Unsatisfied),
        (
            r##"<rsc_expression id="r" class="ocf" provider="pacemaker"/>"##,
            Unsatisfied,
        ),
        (r##"<rsc_expression id="r" type="Dummy"/>"##, Unsatisfied),
        (r##"<rsc_expression id="r" type="ipaddr2"/>"##, Unsatisfied),
        (
            r##"<rsc_expression id="r" provider="heartbeat" type="IPaddr2"/>"##,
            Satisfied,
        ),
        (r##"<rsc_expression id="r"/>"##, Satisfied),
        (
            r##"<rsc_expression id="r" class="ocf" provider="heartbeat" type="IPaddr2"/>"##,
            Satisfied,
        ),
        (r##"<op_expression name="monitor"/>"##, Invalid),
        (r##"<op_expression id="o"/>"##, Invalid),
        (r##"<op_expression id="o" name="start"/>"##, Unsatisfied),
        (
            r##"<op_expression id="o" name="monitor" interval="bad"/>"##,
            Invalid,
        ),
        (r##"<op_expression id="o" name="monitor"/>"##, Satisfied),
        (
            r##"<op_expression id="o" name="monitor" interval="9s"/>"##,
            Unsatisfied,
        ),
        (
            r##"<op_expression id="o" name="monitor" interval="10s"/>"##,
            Satisfied,
        ),
        (
            r##"<op_expression id="o" name="monitor" interval="PT10S"/>"##,
            Satisfied,
        ),
        (
            r##"<op_expression id="o" name="start" interval="10s"/>"##,
            Unsatisfied,
        ),
    ];
    for (expr, want) in cases {
        let e = xml(expr);
        let mut ev = Evaluator::new(input, &NoIdRefs);
        assert_eq!(ev.condition(&e), *want, "{expr}");
    }
    // Nothing known about the resource or operation
    let mut ev = Evaluator::new(RuleInput::default(), &NoIdRefs);
    assert_eq!(
        ev.condition(&xml(r##"<op_expression id="o" name="monitor"/>"##)),
        Unsatisfied
    );
    assert_eq!(
        ev.condition(&xml(r##"<rsc_expression id="r" class="ocf"/>"##)),
        Unsatisfied
    );
}

#[test]
fn rules_and_conditions() {
    use Outcome::*;
    let doc = xml(r##"<cib><rule id="shared" boolean-op="or">
             <expression id="s1" attribute="#uname" operation="eq" value="node2"/>
             <expression id="s2" attribute="#uname" operation="eq" value="node1"/>
           </rule></cib>"##);
    let node = attrs(&[("#uname", "node1"), ("#kind", "cluster")]);
    let input = RuleInput {
        node_attrs: Some(&node),
        now: Some(DateTime::parse("2024-06-01 00:00:00Z").unwrap()),
        ..RuleInput::default()
    };
    let pass = r##"<expression id="p" attribute="#uname" operation="eq" value="node1"/>"##;
    let fail = r##"<expression id="f" attribute="#uname" operation="eq" value="node9"/>"##;
    let cases: Vec<(String, Outcome)> = vec![
        (r##"<rule/>"##.into(), Invalid),
        (r##"<rule id-ref="shared"/>"##.into(), Satisfied),
        (r##"<rule id-ref="missing"/>"##.into(), Invalid),
        (r##"<rule id="r"/>"##.into(), Satisfied),
        (r##"<rule id="r" boolean-op="and"/>"##.into(), Satisfied),
        (r##"<rule id="r" boolean-op="or"/>"##.into(), Satisfied),
        (format!(r##"<rule id="r">{pass}{fail}</rule>"##), Unsatisfied),
        (format!(r##"<rule id="r" boolean-op="xor">{pass}</rule>"##), Invalid),
        (format!(r##"<rule id="r" boolean-op="and">{pass}{pass}</rule>"##), Satisfied),
        (format!(r##"<rule id="r" boolean-op="and">{pass}</rule>"##), Satisfied),
        (format!(r##"<rule id="r" boolean-op="and">{fail}{pass}</rule>"##), Unsatisfied),
        (format!(r##"<rule id="r" boolean-op="and">{fail}{fail}</rule>"##), Unsatisfied),
        (format!(r##"<rule id="r" boolean-op="or">{fail}{pass}</rule>"##), Satisfied),
        (format!(r##"<rule id="r" boolean-op="or">{pass}{pass}</rule>"##), Satisfied),
        (format!(r##"<rule id="r" boolean-op="or">{pass}</rule>"##), Satisfied),
        (format!(r##"<rule id="r" boolean-op="or">{fail}{fail}</rule>"##), Unsatisfied),
        // Nested rules and other condition kinds
        (format!(r##"<rule id="r"><rule id="n" boolean-op="or">{fail}{pass}</rule></rule>"##), Satisfied),
        (r##"<rule id="r"><expression id="k" attribute="#kind" operation="eq" value="cluster"/></rule>"##.into(), Satisfied),
        (r##"<rule id="r"><date_expression id="d" operation="gt" start="2024-01-01"/></rule>"##.into(), Satisfied),
        (r##"<rule id="r"><date_expression id="d" operation="lt" end="2024-01-01"/></rule>"##.into(), Unsatisfied),
        (r##"<rule id="r"><bogus id="b"/></rule>"##.into(), Unsatisfied),
        (format!(r##"<rule id="r" boolean-op="or"><bogus id="b"/>{pass}</rule>"##), Satisfied),
    ];
    for (rule, want) in &cases {
        let e = xml(rule);
        let mut ev = Evaluator::new(input, &doc);
        assert_eq!(ev.rule(&e), *want, "{rule}");
    }
    let mut ev = Evaluator::new(input, &doc);
    assert_eq!(ev.condition(&xml(r##"<bogus id="b"/>"##)), Invalid);
    assert!(!ev.messages().is_empty());
}

#[test]
fn next_change_is_the_earliest() {
    let input = at("2024-01-01 00:00:00Z");
    let rule = xml(r##"<rule id="r" boolean-op="or">
             <date_expression id="a" operation="gt" start="2024-03-01"/>
             <date_expression id="b" operation="gt" start="2024-02-01"/>
           </rule>"##);
    let mut ev = Evaluator::new(input, &NoIdRefs);
    assert_eq!(ev.rule(&rule), Outcome::Unsatisfied);
    assert_eq!(
        ev.next_change().map(|t| t.to_string()).as_deref(),
        Some("2024-02-01 00:00:01Z")
    );
}

const BLOCKS: &str = r##"<xml>
  <meta_attributes id="ia1" score="100">
    <nvpair id="nvp1-1" name="name1" value="1"/>
    <nvpair id="nvp1-2" name="name2" value="1"/>
    <rule id="rp"><date_expression id="ep" operation="gt" start="2024-11-05 00:00:00"/></rule>
  </meta_attributes>
  <instance_attributes id="ia2" score="2">
    <nvpair id="nvp2-1" name="name1" value="2"/>
    <nvpair id="nvp2-2" name="name2" value="2"/>
    <nvpair id="nvp2-3" name="name3" value="2"/>
  </instance_attributes>
  <instance_attributes id="ia3" score="30">
    <nvpair id="nvp3-1" name="name1" value="3"/>
    <nvpair id="nvp3-2" name="name2" value="3"/>
    <nvpair id="nvp3-3" name="name3" value="3"/>
  </instance_attributes>
</xml>"##;

fn unpack(
    input: RuleInput<'_>,
    element: Option<&str>,
    first: Option<&str>,
) -> (HashMap<String, String>, Option<String>) {
    let doc = xml(BLOCKS);
    let mut values = HashMap::new();
    let mut ev = Evaluator::new(input, &doc);
    ev.unpack_nvpair_blocks(&doc, element, first, &mut values);
    (values, ev.next_change().map(|t| t.to_string()))
}

fn get<'a>(v: &'a HashMap<String, String>, k: &str) -> Option<&'a str> {
    v.get(k).map(String::as_str)
}

#[test]
fn nvpair_blocks() {
    // Rule passes: the highest score wins each name.
    let (v, _) = unpack(at("2024-11-06 15:00:00"), None, Some("id1"));
    assert_eq!(
        (get(&v, "name1"), get(&v, "name2"), get(&v, "name3")),
        (Some("1"), Some("1"), Some("3"))
    );
    // Rule fails: that block is skipped, and the recheck time is noted.
    let (v, next) = unpack(at("2024-11-04 15:00:00"), None, Some("id1"));
    assert_eq!(
        (get(&v, "name1"), get(&v, "name2"), get(&v, "name3")),
        (Some("3"), Some("3"), Some("3"))
    );
    assert_eq!(next.as_deref(), Some("2024-11-05 00:00:01Z"));
    // Element names filter blocks.
    let (v, _) = unpack(at("2024-11-06 15:00:00"), Some("meta_attributes"), None);
    assert_eq!(v.len(), 2);
    let (v, _) = unpack(at("2024-11-06 15:00:00"), Some("instance_attributes"), None);
    assert_eq!(get(&v, "name1"), Some("3"));
    // A chosen block comes first; with no input the rule cannot pass.
    let (v, _) = unpack(RuleInput::default(), None, Some("ia2"));
    assert_eq!(
        (get(&v, "name1"), get(&v, "name2"), get(&v, "name3")),
        (Some("2"), Some("2"), Some("2"))
    );
}

#[test]
fn nvpair_ties_refs_and_defaults() {
    let doc = xml(r##"<cib><resources><primitive id="p">
             <meta_attributes id="m1"><nvpair id="a1" name="target-role" value="Stopped"/></meta_attributes>
             <meta_attributes id="m2"><nvpair id="a2" name="target-role" value="Started"/>
               <nvpair id-ref="shared-pair"/><nvpair id="a3" name="gone" value="#default"/></meta_attributes>
             <meta_attributes id-ref="elsewhere"/>
           </primitive></resources>
           <rsc_defaults><meta_attributes id="elsewhere" score="-5"><nvpair id="e1" name="from-ref" value="yes"/>
             <nvpair id="shared-pair" name="shared" value="1"/></meta_attributes></rsc_defaults></cib>"##);
    let Some(primitive) = doc.find_id("p") else {
        panic!("no primitive")
    };
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("gone".into(), "x".into());
    let mut ev = Evaluator::new(RuleInput::default(), &doc);
    ev.unpack_nvpair_blocks(primitive, Some("meta_attributes"), None, &mut values);
    // Equal scores: the later block wins, as upstream.
    assert_eq!(get(&values, "target-role"), Some("Started"));
    assert_eq!(get(&values, "shared"), Some("1"));
    assert_eq!(get(&values, "from-ref"), Some("yes"));
    assert_eq!(get(&values, "gone"), None);
    assert!(
        ev.messages()
            .iter()
            .any(|m| m.severity == Severity::Warning)
    );
}
