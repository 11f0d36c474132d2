//! Generated CIBs, valid or not, never make the scheduler panic.

use pcmk_common::xml::Element;
use pcmk_schedulerd::{ScheduleOptions, schedule};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "primitive",
    "group",
    "clone",
    "meta_attributes",
    "instance_attributes",
    "nvpair",
    "operations",
    "op",
    "rsc_location",
    "rsc_colocation",
    "rsc_order",
    "resource_set",
    "resource_ref",
    "rule",
    "expression",
    "utilization",
    "node",
    "node_state",
    "lrm",
    "lrm_resources",
    "lrm_resource",
    "lrm_rsc_op",
    "transient_attributes",
];
const ATTRS: &[&str] = &[
    "id",
    "name",
    "value",
    "class",
    "provider",
    "type",
    "rsc",
    "with-rsc",
    "first",
    "then",
    "score",
    "node",
    "operation",
    "interval",
    "rc-code",
    "op-status",
    "call-id",
    "uname",
    "in_ccm",
    "crmd",
    "join",
    "expected",
    "role",
    "kind",
    "symmetrical",
    "sequential",
    "boolean-op",
    "attribute",
    "operation",
    "last-rc-change",
    "transition-key",
    "on_node",
    "target-role",
    "resource-stickiness",
    "migration-threshold",
];
const VALUES: &[&str] = &[
    "r1",
    "r2",
    "g1",
    "n1",
    "n2",
    "INFINITY",
    "-INFINITY",
    "0",
    "1",
    "-1",
    "100",
    "abc",
    "true",
    "false",
    "start",
    "stop",
    "monitor",
    "promote",
    "Started",
    "Promoted",
    "ocf",
    "pacemaker",
    "Dummy",
    "stonith",
    "remote",
    "member",
    "online",
    "banned",
    "7",
    "10s",
    "P1D",
    "3:0:0:8b2c",
    "defined",
    "eq",
    "and",
    "",
];

fn element() -> impl Strategy<Value = Element> {
    let leaf = (
        prop::sample::select(NAMES),
        prop::collection::vec(
            (prop::sample::select(ATTRS), prop::sample::select(VALUES)),
            0..6,
        ),
    )
        .prop_map(|(name, attrs)| {
            let mut e = Element::new(name);
            for (k, v) in attrs {
                e.set_attr(k, v);
            }
            e
        });
    leaf.prop_recursive(4, 40, 5, |inner| {
        (
            prop::sample::select(NAMES),
            prop::collection::vec(
                (prop::sample::select(ATTRS), prop::sample::select(VALUES)),
                0..6,
            ),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(name, attrs, children)| {
                let mut e = Element::new(name);
                for (k, v) in attrs {
                    e.set_attr(k, v);
                }
                for c in children {
                    e.push(c);
                }
                e
            })
    })
}

fn cib(
    nodes: Vec<Element>,
    resources: Vec<Element>,
    constraints: Vec<Element>,
    status: Vec<Element>,
) -> Element {
    let mut n = Element::new("nodes");
    for x in nodes {
        n.push(x);
    }
    let mut r = Element::new("resources");
    for x in resources {
        r.push(x);
    }
    let mut c = Element::new("constraints");
    for x in constraints {
        c.push(x);
    }
    let mut s = Element::new("status");
    for x in status {
        s.push(x);
    }
    Element::new("cib")
        .with_attr("have-quorum", "1")
        .with_child(
            Element::new("configuration")
                .with_child(Element::new("crm_config"))
                .with_child(n)
                .with_child(r)
                .with_child(c),
        )
        .with_child(s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn scheduling_generated_cibs_does_not_panic(
        nodes in prop::collection::vec(element(), 0..4),
        resources in prop::collection::vec(element(), 0..5),
        constraints in prop::collection::vec(element(), 0..4),
        status in prop::collection::vec(element(), 0..4),
    ) {
        let input = cib(nodes, resources, constraints, status);
        let opts = ScheduleOptions { now: 1_700_000_000, show_scores: true, ..ScheduleOptions::default() };
        let mut result = schedule(&input, &opts);
        let mut out = pcmk_schedulerd::output::TextOut::new();
        result.scheduler.cluster_status_text(&mut out, true);
        result.scheduler.transition_summary(&mut out);
        let _ = result.scheduler.dot_graph(true, false);
        let _ = result.graph.to_pretty();
        prop_assert_eq!(result.graph.name.as_str(), "transition_graph");
    }
}
