//! The model of the CIB, element by element, after Pacemaker 3.0.2's
//! RelaxNG files (`cib-1.2`, `options-4.0`, `nodes-4.0`, `nvset-4.0`,
//! `rule-4.0`, `resources-4.0`, `constraints-4.0`, `fencing-4.0`,
//! `acls-3.8`, `tags-3.3`, `alerts-4.0`, `status-1.0` and their earlier
//! versions).
//!
//! The 4.0 schema is modelled exactly; the 3.x series through the version
//! ranges attached to elements, attributes and name restrictions. Schemas
//! before 3.0 are checked with the 3.x model minus its name restrictions
//! (a superset of what they allow, apart from the additions they lack such
//! as tags before 1.3 and alerts before 2.5).

mod constraints;
mod misc;
mod nvset;
mod resources;

use pcmk_common::xml::{Element, Node};

use super::check::Checker;
use super::spec::{Content, Elem, Span, elem, maybe, one, opt, req, text};
use super::types::Ty;
use super::version::Schema;

/// The root element, `cib`.
pub static CIB: Elem = elem(
    "cib",
    &[
        req("validate-with", Ty::Text),
        req("admin_epoch", Ty::NonNegInteger),
        req("epoch", Ty::NonNegInteger),
        req("num_updates", Ty::NonNegInteger),
        text("crm_feature_set"),
        opt("remote-tls-port", Ty::NonNegInteger),
        opt("remote-clear-port", Ty::NonNegInteger),
        opt("have-quorum", Ty::Boolean),
        text("dc-uuid"),
        text("cib-last-written"),
        opt("no-quorum-panic", Ty::Boolean),
        text("update-origin"),
        text("update-client"),
        text("update-user"),
        text("execution-date"),
    ],
    &[one(&CONFIGURATION), maybe(&STATUS)],
    Some(check_cib),
);

fn check_cib(el: &Element, cx: &mut Checker<'_>, path: &str) {
    if let Some(v) = el.attr("validate-with") {
        if Schema::parse(v).is_none() {
            cx.fail(path, format!("Unknown schema '{v}' in validate-with"));
        }
    }
    let mut seen_status = false;
    for c in &el.children {
        if let Node::Element(e) = c {
            match e.name.as_str() {
                "status" => seen_status = true,
                "configuration" if seen_status => {
                    cx.fail(path, "Element configuration must come before status");
                }
                _ => {}
            }
        }
    }
}

/// `configuration`: the sections.
pub static CONFIGURATION: Elem = elem(
    "configuration",
    &[],
    &[
        one(&CRM_CONFIG),
        one(&NODES),
        one(&resources::RESOURCES),
        one(&constraints::CONSTRAINTS),
        maybe(&RSC_DEFAULTS),
        maybe(&OP_DEFAULTS),
        maybe(&misc::FENCING_TOPOLOGY),
        maybe(&misc::ACLS),
        maybe(&misc::ACLS_V1).in_span(Span::until(1, 3)),
        maybe(&misc::TAGS).in_span(Span::since(1, 3)),
        maybe(&misc::ALERTS).in_span(Span::since(2, 5)),
    ],
    None,
);

/// `status`: anything goes (the schema leaves it open).
pub static STATUS: Elem = Elem {
    name: "status",
    attrs: &[],
    children: &[],
    content: Content::Any,
    id_ref_form: false,
    check: None,
};

/// `crm_config`: cluster options.
pub static CRM_CONFIG: Elem = elem(
    "crm_config",
    &[],
    &[super::spec::many(&nvset::CLUSTER_PROPERTY_SET)],
    None,
);

/// `rsc_defaults`: resource meta-attribute defaults.
pub static RSC_DEFAULTS: Elem = elem(
    "rsc_defaults",
    &[],
    &[super::spec::many(&nvset::META_RSC_DEFAULTS)],
    None,
);

/// `op_defaults`: operation meta-attribute defaults.
pub static OP_DEFAULTS: Elem = elem(
    "op_defaults",
    &[],
    &[super::spec::many(&nvset::META_OP_DEFAULTS)],
    None,
);

/// `nodes`: the configured nodes.
pub static NODES: Elem = elem("nodes", &[], &[super::spec::many(&NODE)], None);

const NODE_TYPES_4: &[&str] = &["member", "remote"];
const NODE_TYPES_3: &[&str] = &["member", "ping", "remote"];
const NODE_TYPES_2: &[&str] = &["normal", "member", "ping", "remote"];

/// `node`.
pub static NODE: Elem = elem(
    "node",
    &[
        req("id", Ty::Text),
        req("uname", Ty::Text),
        opt("type", Ty::Enum(NODE_TYPES_4)).in_span(Span::since(4, 0)),
        opt("type", Ty::Enum(NODE_TYPES_3)).in_span(Span::between((3, 0), (3, 10))),
        opt("type", Ty::Enum(NODE_TYPES_2)).in_span(Span::until(2, 10)),
        text("description"),
        opt("score", Ty::Score),
    ],
    &[
        super::spec::many(&nvset::INSTANCE_ATTRIBUTES),
        super::spec::many(&nvset::UTILIZATION),
    ],
    None,
);

/// Fails unless exactly one of the attribute groups is present; each
/// group is a list of attributes of which the first decides presence.
pub(crate) fn one_of(el: &Element, cx: &mut Checker<'_>, path: &str, choices: &[&str]) {
    let present: Vec<&str> = choices.iter().copied().filter(|a| el.has_attr(a)).collect();
    match present.len() {
        1 => {}
        0 => cx.fail(
            path,
            format!(
                "Element {} needs one of the attributes {}",
                el.name,
                choices.join(", ")
            ),
        ),
        _ => cx.fail(
            path,
            format!(
                "Element {} may have only one of the attributes {}",
                el.name,
                present.join(", ")
            ),
        ),
    }
}

/// Fails if both attributes are present.
pub(crate) fn not_both(el: &Element, cx: &mut Checker<'_>, path: &str, a: &str, b: &str) {
    if el.has_attr(a) && el.has_attr(b) {
        cx.fail(
            path,
            format!("Element {} may not have both {a} and {b}", el.name),
        );
    }
}

/// Number of child elements named `name`.
pub(crate) fn count(el: &Element, name: &str) -> usize {
    el.elements().filter(|e| e.name == name).count()
}
