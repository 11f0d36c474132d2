//! Behaviour tests of the XPath module: expectations written by hand,
//! differential checks against libxml2's `xmllint` when it is installed,
//! and property tests that no input makes the parser or evaluator panic.

use proptest::prelude::*;

use super::*;
use crate::xml::{Node, parse};

const CIB: &str = r#"<cib epoch="3" num_updates="1" admin_epoch="0"><configuration><crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o-stonith" name="stonith-enabled" value="false"/><nvpair id="o-name" name="cluster-name" value="mycluster"/></cluster_property_set></crm_config><nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes><!-- resources follow --><resources><primitive id="dummy" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="dummy-params"><nvpair id="dummy-fake" name="fake" value="0"/><nvpair id="dummy-sleep" name="op_sleep" value="3"/></instance_attributes><operations><op id="dummy-monitor" name="monitor" interval="10s"/><op id="dummy-start" name="start" interval="0" timeout="20s"/></operations></primitive><group id="grp"><primitive id="g1" class="ocf" provider="heartbeat" type="IPaddr2"/><primitive id="g2" class="stonith" type="fence_xvm"/></group></resources><constraints><rsc_location id="loc" rsc="dummy" node="node1" score="100"/></constraints></configuration><status><node_state id="1" uname="node1"><lrm id="1">some text</lrm></node_state></status></cib>"#;

fn cib() -> Element {
    parse(CIB).unwrap()
}

fn ids(xp: &str) -> Vec<String> {
    let root = cib();
    XPath::parse(xp)
        .unwrap()
        .select_elements(&root)
        .unwrap()
        .iter()
        .map(|e| e.id().unwrap_or(&e.name).to_string())
        .collect()
}

fn value(xp: &str) -> XPathValue {
    XPath::parse(xp).unwrap().evaluate(&cib()).unwrap()
}

#[test]
fn absolute_and_descendant_paths() {
    assert_eq!(ids("/cib"), ["cib"]);
    assert_eq!(ids("cib"), ["cib"]);
    assert_eq!(ids("/"), ["cib"]);
    assert_eq!(ids("/cib/configuration/nodes/node"), ["1", "2"]);
    assert_eq!(ids("//primitive"), ["dummy", "g1", "g2"]);
    assert_eq!(ids("//primitive[@id='dummy']"), ["dummy"]);
    assert_eq!(ids(r#"//primitive[@id="g2"]"#), ["g2"]);
    assert_eq!(ids("/cib/configuration/resources/*"), ["dummy", "grp"]);
    assert_eq!(ids("//group//primitive"), ["g1", "g2"]);
    assert_eq!(ids("//nothing"), Vec::<String>::new());
    assert_eq!(
        ids("//cib/configuration/crm_config//cluster_property_set//nvpair[@name='cluster-name']"),
        ["o-name"]
    );
}

#[test]
fn predicates_and_functions() {
    assert_eq!(
        ids("//primitive[@class='ocf' and @provider='heartbeat']"),
        ["g1"]
    );
    assert_eq!(
        ids("//primitive[@class='stonith' or @id='dummy']"),
        ["dummy", "g2"]
    );
    assert_eq!(ids("//op[@timeout]"), ["dummy-start"]);
    assert_eq!(ids("//op[not(@timeout)]"), ["dummy-monitor"]);
    assert_eq!(ids("//primitive[@class!='ocf']"), ["g2"]);
    assert_eq!(
        ids("//nvpair[contains(@id, 'dummy')]"),
        ["dummy-fake", "dummy-sleep"]
    );
    assert_eq!(ids("//nvpair[starts-with(@name, 'op_')]"), ["dummy-sleep"]);
    assert_eq!(ids("//op[1]"), ["dummy-monitor"]);
    assert_eq!(ids("//op[last()]"), ["dummy-start"]);
    assert_eq!(ids("//primitive[position()=2]"), ["g2"]);
    assert_eq!(ids("(//primitive)[2]"), ["g1"]);
    assert_eq!(ids("(//primitive)[last()]"), ["g2"]);
    assert_eq!(ids("//*[name()='group']"), ["grp"]);
    assert_eq!(ids("//*[local-name()='rsc_location']"), ["loc"]);
    assert_eq!(ids("//rsc_location[@score > 50]"), ["loc"]);
    assert_eq!(ids("//node[@id = 1 + 1]"), ["2"]);
    assert_eq!(ids("//op[@id='dummy-start']/.."), ["operations"]);
    assert_eq!(ids("//primitive[operations/op/@name='monitor']"), ["dummy"]);
    assert_eq!(ids("//node | //rsc_location"), ["1", "2", "loc"]);
    assert_eq!(
        ids("//op[@id='dummy-start']/ancestor::*[@id][1]"),
        ["dummy"]
    );
    assert_eq!(
        ids("//op[@id='dummy-start']/preceding-sibling::op"),
        ["dummy-monitor"]
    );
    assert_eq!(ids("//node[@id='1']/following-sibling::*"), ["2"]);
    assert_eq!(ids("//lrm[text()='some text']"), ["1"]);
    assert_eq!(
        ids("//nvpair[@id='o-name']/preceding::nvpair"),
        ["o-stonith"]
    );
}

#[test]
fn attributes_text_comments_and_scalars() {
    let root = cib();
    let m = XPath::parse("//primitive[@id='dummy']/@type")
        .unwrap()
        .select(&root)
        .unwrap();
    assert_eq!(
        m,
        vec![XPathMatch::Attribute {
            element: NodePath::from_indices(vec![0, 3, 0]),
            name: "type".into()
        }]
    );
    let m = XPath::parse("//comment()").unwrap().select(&root).unwrap();
    assert_eq!(
        m,
        vec![XPathMatch::Comment(NodePath::from_indices(vec![0, 2]))]
    );
    assert!(matches!(
        NodePath::from_indices(vec![0, 2]).node(&root),
        Some(Node::Comment(c)) if c == " resources follow "
    ));
    let m = XPath::parse("//lrm/text()").unwrap().select(&root).unwrap();
    assert_eq!(
        m,
        vec![XPathMatch::Text(NodePath::from_indices(vec![1, 0, 0, 0]))]
    );
    assert_eq!(m[0].element_path(), NodePath::from_indices(vec![1, 0, 0]));
    assert_eq!(value("count(//nvpair)"), XPathValue::Number(4.0));
    assert_eq!(
        value("string(//primitive/@id)"),
        XPathValue::String("dummy".into())
    );
    assert_eq!(value("//op/@interval = '0'"), XPathValue::Boolean(true));
    assert_eq!(
        value("sum(//instance_attributes/nvpair/@value)"),
        XPathValue::Number(3.0)
    );
    assert_eq!(
        value("concat(substring('abcdef', 2, 3), translate('a-b', '-', '_'))"),
        XPathValue::String("bcda_b".into())
    );
    assert_eq!(
        value("normalize-space('  a   b ')"),
        XPathValue::String("a b".into())
    );
    assert_eq!(
        value("substring-after('a=b', '=')"),
        XPathValue::String("b".into())
    );
    assert_eq!(value("7 mod 3 + -(2 div 4)"), XPathValue::Number(0.5));
    assert_eq!(
        value("round(2.5) + floor(-1.5) + ceiling(1.2)"),
        XPathValue::Number(3.0)
    );
    assert!(
        XPath::parse("count(//op)")
            .unwrap()
            .select(&root)
            .unwrap()
            .is_empty()
    );
    let paths = XPath::parse("//op")
        .unwrap()
        .select_element_paths(&root)
        .unwrap();
    assert_eq!(paths.len(), 2);
    assert_eq!(
        paths[0].xpath(&root).unwrap(),
        "/cib/configuration/resources/primitive[@id='dummy']/operations/op[@id='dummy-monitor']"
    );
}

#[test]
fn type_errors_are_reported() {
    let root = cib();
    for bad in ["'a'/b", "'a'[1]", "1 | //op", "count('x')"] {
        assert!(
            matches!(
                XPath::parse(bad).unwrap().select(&root),
                Err(XPathError::Type(_))
            ),
            "{bad}"
        );
    }
}

#[test]
fn selected_paths_support_deletion() {
    let mut root = cib();
    let paths = XPath::parse("//nvpair[contains(@id,'dummy')] | //instance_attributes")
        .unwrap()
        .select_element_paths(&root)
        .unwrap();
    assert_eq!(paths.len(), 3);
    let removed = remove_nodes(&mut root, &paths);
    assert_eq!(removed.len(), 1);
    assert!(
        XPath::parse("//nvpair[contains(@id,'dummy')]")
            .unwrap()
            .select(&root)
            .unwrap()
            .is_empty()
    );
}

/// Expressions compared with libxml2 (`xmllint --xpath`).
const DIFFERENTIAL: &[&str] = &[
    "/cib",
    "//primitive",
    "//primitive[@id='dummy']",
    "//primitive/@id",
    "//op[1]",
    "//op[last()]",
    "(//op)[1]",
    "//*[@id][2]",
    "//nvpair[@value > 0]",
    "//nvpair[@value = '0']",
    "//node[@id < 2]",
    "//primitive[not(@provider)]",
    "//*[contains(name(), 'attr')]",
    "//*[starts-with(@id, 'dummy')]",
    "//primitive/ancestor::*",
    "//op/ancestor-or-self::*[2]",
    "//op[2]/preceding::*",
    "//nodes/following::*[1]",
    "//node/following-sibling::node()",
    "//primitive[@id='g2']/preceding-sibling::*",
    "//comment()",
    "//text()",
    "//node()[self::comment() or self::nvpair]",
    "//@*[. = 'node1']",
    "count(//*)",
    "count(//@*)",
    "sum(//node/@id)",
    "string(//nvpair[2]/@name)",
    "//primitive[count(*) > 0]",
    "//*[position() mod 2 = 0]",
    "//resources/*[last() - 1]",
    "//op[@interval = 0]",
    "//op[@interval != '10s']",
    "//op/@*[name() != 'id']",
    "//primitive[.//op[@name='start']]",
    "/cib/configuration/*[3]",
    "//node_state/lrm/..",
    "//*[string-length(@id) = 1]",
    "//nvpair[@name = //nvpair/@name]",
    "//*[@id = //rsc_location/@rsc]",
    "//primitive | //group | //primitive",
    "(//primitive | //op)[3]",
    "//*[not(*)][@id][position() < 4]",
    "//@id[. = '1']/..",
    "normalize-space(//lrm)",
    "boolean(//lrm)",
    "//rsc_location/@score * 2 - 1",
    "//*[1][@id]",
    "/descendant::*[5]",
    "//cluster_property_set/nvpair[2]/preceding-sibling::nvpair",
    "/cib/configuration/resources/primitive[@id='dummy']/operations/op[2]",
    "/cib/status//lrm",
    "/cib/configuration/resources//primitive[position()=last()]",
    "/cib/configuration/nodes/node[@uname='node2']/@id",
    "/cib/nothing/x",
    "/cib/configuration/resources/*[.//op]",
    "/cib/configuration/resources/group/primitive[string(@class)='ocf']",
    "string(/cib/status)",
];

fn xmllint_result(file: &std::path::Path, expr: &str) -> Option<String> {
    let out = std::process::Command::new("xmllint")
        .arg("--xpath")
        .arg(expr)
        .arg(file)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    Some(text.trim_end_matches('\n').to_string())
}

fn our_result(root: &Element, expr: &str) -> String {
    let xp = XPath::parse(expr).unwrap();
    let doc = xp.doc(root);
    let v = xp.eval_on(&doc).unwrap();
    match v {
        Value::Nodes(items) => items
            .iter()
            .map(|&i| match i {
                Item::Attr(..) => format!(" {}=\"{}\"", doc.name(i), doc.string_value(i)),
                Item::Node(n) => match doc.entry(n).kind {
                    Kind::Element(e) => e.to_compact(),
                    Kind::Text(t) => t.to_string(),
                    Kind::Comment(c) => format!("<!--{c}-->"),
                    Kind::Document => "(document)".into(),
                },
            })
            .collect::<Vec<_>>()
            .join("\n"),
        v => doc.to_str(&v),
    }
}

#[test]
fn agrees_with_libxml2() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: xmllint (libxml2) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cib.xml");
    std::fs::write(&file, CIB).unwrap();
    let root = cib();
    let mut failures = Vec::new();
    for expr in DIFFERENTIAL {
        let Some(expected) = xmllint_result(&file, expr) else {
            continue;
        };
        let ours = our_result(&root, expr);
        if ours != expected {
            failures.push(format!(
                "{expr}\n  libxml2: {expected:?}\n  ours:    {ours:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pieces from which random, mostly well-formed expressions are built.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "/",
        "//",
        "cib",
        "primitive",
        "op",
        "*",
        "@id",
        "@*",
        ".",
        "..",
        "[",
        "]",
        "(",
        ")",
        "1",
        "2.5",
        "'x'",
        "\"dummy\"",
        "=",
        "!=",
        "<",
        ">=",
        " and ",
        " or ",
        " div ",
        " mod ",
        "+",
        "-",
        "|",
        ",",
        "position()",
        "last()",
        "count(",
        "contains(",
        "not(",
        "name()",
        "text()",
        "node()",
        "comment()",
        "ancestor::",
        "following::",
        "preceding-sibling::",
        "self::",
        "substring(",
        "translate(",
        "$v",
        "::",
        "@",
    ])
}

proptest! {
    #[test]
    fn parser_never_panics(s in "\\PC{0,80}") {
        let _ = XPath::parse(&s);
    }

    #[test]
    fn parser_never_panics_on_xpath_like_input(s in "[/@\\[\\]()*.|='\"a-z0-9:!<> ,$-]{0,60}") {
        let _ = XPath::parse(&s);
    }

    #[test]
    fn evaluation_never_panics(parts in prop::collection::vec(fragment(), 1..14)) {
        let expr = parts.concat();
        if let Ok(xp) = XPath::parse(&expr) {
            let root = cib();
            let _ = xp.evaluate(&root);
            if let Ok(matches) = xp.select(&root) {
                for m in matches {
                    if let XPathMatch::Element(p) = &m {
                        prop_assert!(p.element(&root).is_some());
                    }
                }
            }
        }
    }
}
