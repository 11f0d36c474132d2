//! Name/value sets (`instance_attributes`, `meta_attributes`,
//! `utilization`, `cluster_property_set`), their pairs, and rules.
//!
//! Some contexts refuse pair names whose support was dropped, so that users
//! do not set options believing they still work: the 3.x series refused
//! the names that `upgrade-2.10` renames, 4.0 those that `upgrade-3.10`
//! drops.

use pcmk_common::xml::Element;

use super::super::check::Checker;
use super::super::spec::{Content, Elem, Span, elem, many, maybe, opt, req, text};
use super::super::types::Ty;
use super::super::version::SchemaVersion;
use super::{count, not_both};

const V3: Span = Span::between((3, 0), (3, 10));
const V4: Span = Span::since(4, 0);

/// Declares an nvset definition named `$name` whose pairs follow `$pair`.
macro_rules! nvset {
    ($(#[$doc:meta])* $id:ident, $name:literal, $pair:expr) => {
        $(#[$doc])*
        pub static $id: Elem = Elem {
            name: $name,
            attrs: &[req("id", Ty::Id), opt("score", Ty::Score)],
            children: &[maybe(&RULE), many(&$pair)],
            content: Content::Elements,
            id_ref_form: true,
            check: None,
        };
    };
}

const NVPAIR_ATTRS: &[super::super::spec::Attr] = &[
    req("id", Ty::Id),
    req("name", Ty::Text),
    req("value", Ty::Text).in_span(V4),
    text("value").in_span(Span::until(3, 10)),
];

/// Builds an `nvpair` definition with extra name checks.
const fn nvpair(check: Option<super::super::spec::CheckFn>) -> Elem {
    Elem {
        name: "nvpair",
        attrs: NVPAIR_ATTRS,
        children: &[],
        content: Content::Elements,
        id_ref_form: true,
        check,
    }
}

/// A pair with no name restriction.
pub static NVPAIR: Elem = nvpair(None);
static NVPAIR_CLUSTER: Elem = nvpair(Some(check_cluster_pair));
static NVPAIR_RSC_META: Elem = nvpair(Some(check_rsc_meta_pair));
static NVPAIR_PRIM_META: Elem = nvpair(Some(check_prim_meta_pair));
static NVPAIR_PRIM_INSTANCE: Elem = nvpair(Some(check_prim_instance_pair));
static NVPAIR_OP_META: Elem = nvpair(Some(check_op_meta_pair));
static NVPAIR_OP_DEFAULTS: Elem = nvpair(Some(check_op_defaults_pair));
static NVPAIR_OP_INSTANCE: Elem = nvpair(Some(check_op_instance_pair));

nvset!(
    /// `instance_attributes` with any pair names.
    INSTANCE_ATTRIBUTES,
    "instance_attributes",
    NVPAIR
);
nvset!(
    /// `meta_attributes` with any pair names.
    META_ATTRIBUTES,
    "meta_attributes",
    NVPAIR
);
nvset!(
    /// `utilization`.
    UTILIZATION,
    "utilization",
    NVPAIR
);
nvset!(
    /// `cluster_property_set` in `crm_config`.
    CLUSTER_PROPERTY_SET,
    "cluster_property_set",
    NVPAIR_CLUSTER
);
nvset!(
    /// `meta_attributes` of groups, clones and bundles.
    META_RSC,
    "meta_attributes",
    NVPAIR_RSC_META
);
nvset!(
    /// `meta_attributes` of primitives and templates.
    META_PRIMITIVE,
    "meta_attributes",
    NVPAIR_PRIM_META
);
nvset!(
    /// `instance_attributes` of primitives and templates.
    INSTANCE_PRIMITIVE,
    "instance_attributes",
    NVPAIR_PRIM_INSTANCE
);
nvset!(
    /// `meta_attributes` in `rsc_defaults`.
    META_RSC_DEFAULTS,
    "meta_attributes",
    NVPAIR_RSC_META
);
nvset!(
    /// `meta_attributes` in `op_defaults`.
    META_OP_DEFAULTS,
    "meta_attributes",
    NVPAIR_OP_DEFAULTS
);
nvset!(
    /// `meta_attributes` of operations.
    META_OP,
    "meta_attributes",
    NVPAIR_OP_META
);
nvset!(
    /// `instance_attributes` of operations.
    INSTANCE_OP,
    "instance_attributes",
    NVPAIR_OP_INSTANCE
);

/// Fails if the pair's name is in `names` and `span` covers the version.
fn refuse(el: &Element, cx: &mut Checker<'_>, path: &str, span: Span, names: &[&str]) {
    if !span.contains(cx.version()) {
        return;
    }
    if let Some(name) = el.attr("name") {
        if names.contains(&name) {
            cx.fail(
                path,
                format!(
                    "Name '{name}' of nvpair is not supported here by schema {} \
                     (support was dropped)",
                    cx.version()
                ),
            );
        }
    }
}

const OLD_INFRASTRUCTURES: &[&str] = &[
    "heartbeat",
    "openais",
    "classic openais",
    "classic openais (with plugin)",
    "cman",
];

const OLD_CLUSTER_NAMES: &[&str] = &[
    "cluster_recheck_interval",
    "dc_deadtime",
    "default-action-timeout",
    "default_action_timeout",
    "default-migration-threshold",
    "default_migration_threshold",
    "default-resource-failure-stickiness",
    "default_resource_failure_stickiness",
    "default-resource-stickiness",
    "default_resource_stickiness",
    "election_timeout",
    "expected-quorum-votes",
    "is-managed-default",
    "is_managed_default",
    "no_quorum_policy",
    "notification-agent",
    "notification-recipient",
    "remove_after_stop",
    "shutdown_escalation",
    "startup_fencing",
    "stonith_action",
    "stonith_enabled",
    "stop_orphan_actions",
    "stop_orphan_resources",
    "symmetric_cluster",
    "transition_idle_timeout",
];

const DROPPED_CLUSTER_NAMES: &[&str] = &[
    "crmd-finalization-timeout",
    "crmd-integration-timeout",
    "crmd-transition-delay",
    "remove-after-stop",
];

fn check_cluster_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    let name = el.attr("name").unwrap_or_default();
    let value = el.attr("value").unwrap_or_default();
    let v = cx.version();
    if V3.contains(v) {
        if name == "cluster-infrastructure" && OLD_INFRASTRUCTURES.contains(&value) {
            cx.fail(
                path,
                format!("Value '{value}' of cluster-infrastructure is not supported by schema {v}"),
            );
        }
        refuse(el, cx, path, V3, OLD_CLUSTER_NAMES);
    } else if V4.contains(v) {
        refuse(el, cx, path, V4, DROPPED_CLUSTER_NAMES);
        if name == "stonith-action" && value == "poweroff" {
            cx.fail(
                path,
                format!("Value 'poweroff' of stonith-action is not supported by schema {v}"),
            );
        }
    }
}

fn check_rsc_meta_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    refuse(el, cx, path, V4, &["restart-type"]);
}

fn check_prim_meta_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    refuse(
        el,
        cx,
        path,
        V3,
        &[
            "isolation",
            "isolation-host",
            "isolation-instance",
            "isolation-wrapper",
        ],
    );
    refuse(el, cx, path, V4, &["restart-type"]);
}

fn check_prim_instance_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    refuse(
        el,
        cx,
        path,
        V3,
        &[
            "pcmk_arg_map",
            "pcmk_list_cmd",
            "pcmk_monitor_cmd",
            "pcmk_off_cmd",
            "pcmk_on_cmd",
            "pcmk_reboot_cmd",
            "pcmk_status_cmd",
        ],
    );
}

fn check_op_meta_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    refuse(el, cx, path, V3, &["requires"]);
    refuse(el, cx, path, V4, &["can_fail", "role_after_failure"]);
}

fn check_op_defaults_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    refuse(el, cx, path, V4, &["can_fail", "role_after_failure"]);
}

fn check_op_instance_pair(el: &Element, cx: &mut Checker<'_>, path: &str) {
    refuse(
        el,
        cx,
        path,
        V3,
        &[
            "interval-origin",
            "start-delay",
            "enabled",
            "on-fail",
            "record-pending",
            "role",
            "timeout",
            "requires",
        ],
    );
}

/// `rule` (the 4.0 schema allows the same content in every context).
pub static RULE: Elem = Elem {
    name: "rule",
    attrs: &[
        req("id", Ty::Id),
        opt("boolean-op", Ty::Enum(&["or", "and"])),
        text("role"),
        opt("score", Ty::Score),
        text("score-attribute"),
    ],
    children: &[
        many(&EXPRESSION),
        many(&DATE_EXPRESSION),
        many(&RSC_EXPRESSION),
        many(&OP_EXPRESSION),
        many(&RULE),
    ],
    content: Content::Elements,
    id_ref_form: true,
    check: Some(check_rule),
};

fn check_rule(el: &Element, cx: &mut Checker<'_>, path: &str) {
    not_both(el, cx, path, "score", "score-attribute");
    if el.elements().next().is_none() {
        cx.fail(path, "Element rule must contain at least one expression");
    }
}

static EXPRESSION: Elem = elem(
    "expression",
    &[
        req("id", Ty::Id),
        req("attribute", Ty::Text),
        req(
            "operation",
            Ty::Enum(&[
                "defined",
                "not_defined",
                "lt",
                "gt",
                "lte",
                "gte",
                "eq",
                "ne",
            ]),
        ),
        text("value"),
        opt(
            "type",
            Ty::Enum(&["string", "integer", "number", "version"]),
        ),
        opt("value-source", Ty::Enum(&["literal", "param", "meta"])),
    ],
    &[],
    None,
);

static DATE_EXPRESSION: Elem = elem(
    "date_expression",
    &[
        req("id", Ty::Id),
        req(
            "operation",
            Ty::Enum(&["in_range", "gt", "lt", "date_spec"]),
        ),
        text("start"),
        text("end"),
    ],
    &[maybe(&DURATION), maybe(&DATE_SPEC)],
    Some(check_date_expression),
);

fn check_date_expression(el: &Element, cx: &mut Checker<'_>, path: &str) {
    let has = |a| el.has_attr(a);
    let durations = count(el, "duration");
    let specs = count(el, "date_spec");
    let ok = match el.attr("operation") {
        Some("in_range") => (has("start") || has("end")) && specs == 0,
        Some("gt") => has("start") && !has("end") && durations == 0 && specs == 0,
        Some("lt") => has("end") && !has("start") && durations == 0 && specs == 0,
        Some("date_spec") => specs == 1 && !has("start") && !has("end") && durations == 0,
        _ => return,
    };
    if !ok {
        cx.fail(
            path,
            format!(
                "Element date_expression with operation '{}' has the wrong start, end, \
                 duration or date_spec",
                el.attr("operation").unwrap_or_default()
            ),
        );
    }
}

const DATE_FIELDS: &[super::super::spec::Attr] = &[
    req("id", Ty::Id),
    text("years"),
    text("months"),
    text("monthdays"),
    text("hours"),
    text("minutes"),
    text("seconds"),
    text("yeardays"),
    text("weekyears"),
    text("weeks"),
    text("weekdays"),
    text("yearsdays"),
    text("moon").in_span(Span::until(3, 10)),
];

static DATE_SPEC: Elem = elem("date_spec", DATE_FIELDS, &[], None);

static DURATION: Elem = elem(
    "duration",
    &[
        req("id", Ty::Id),
        text("years"),
        text("months"),
        text("weeks"),
        text("days"),
        text("hours"),
        text("minutes"),
        text("seconds"),
        text("monthdays"),
        text("weekdays"),
        text("yearsdays"),
        text("weekyears"),
        text("moon"),
    ],
    &[],
    None,
);

static RSC_EXPRESSION: Elem = elem(
    "rsc_expression",
    &[
        req("id", Ty::Id),
        text("class"),
        text("provider"),
        text("type"),
    ],
    &[],
    None,
);

static OP_EXPRESSION: Elem = elem(
    "op_expression",
    &[req("id", Ty::Id), req("name", Ty::Text), text("interval")],
    &[],
    None,
);

/// Whether `v` allows more than one rule per location constraint.
pub fn multiple_location_rules(v: SchemaVersion) -> bool {
    v < SchemaVersion::new(4, 0)
}
