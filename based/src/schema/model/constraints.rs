//! The `constraints` section: location, colocation, order and ticket
//! constraints and resource sets.

use pcmk_common::xml::Element;

use super::super::check::Checker;
use super::super::spec::{Attr, Elem, Span, elem, many, maybe, opt, req, some, text};
use super::super::types::Ty;
use super::nvset::{RULE, multiple_location_rules};
use super::{count, not_both, one_of};

/// `constraints`.
pub static CONSTRAINTS: Elem = elem(
    "constraints",
    &[],
    &[
        many(&RSC_LOCATION),
        many(&RSC_COLOCATION),
        many(&RSC_ORDER),
        many(&RSC_TICKET),
    ],
    None,
);

const ROLES_NEW: &[&str] = &[
    "Stopped",
    "Started",
    "Promoted",
    "Unpromoted",
    "Master",
    "Slave",
];
const ROLES_OLD: &[&str] = &["Stopped", "Started", "Master", "Slave"];
const ACTIONS: &[&str] = &["start", "promote", "demote", "stop"];
const ORDER_KINDS: &[&str] = &["Optional", "Mandatory", "Serialize"];

const fn role(name: &'static str) -> [Attr; 2] {
    [
        opt(name, Ty::Enum(ROLES_NEW)).in_span(Span::since(3, 7)),
        opt(name, Ty::Enum(ROLES_OLD)).in_span(Span::until(3, 6)),
    ]
}

const LOCATION_ROLE: [Attr; 2] = role("role");

static RSC_LOCATION: Elem = elem(
    "rsc_location",
    &[
        req("id", Ty::Id),
        opt("rsc", Ty::IdRef),
        text("rsc-pattern"),
        LOCATION_ROLE[0],
        LOCATION_ROLE[1],
        opt("score", Ty::Score),
        text("node"),
        opt(
            "resource-discovery",
            Ty::Enum(&["always", "never", "exclusive"]),
        ),
    ],
    &[
        many(&RESOURCE_SET),
        many(&RULE),
        maybe(&LIFETIME).in_span(Span::until(3, 10)),
    ],
    Some(check_location),
);

fn check_location(el: &Element, cx: &mut Checker<'_>, path: &str) {
    let sets = count(el, "resource_set");
    if sets == 0 {
        one_of(el, cx, path, &["rsc", "rsc-pattern"]);
    } else {
        for a in ["rsc", "rsc-pattern", "role"] {
            if el.has_attr(a) {
                cx.fail(
                    path,
                    format!("Element rsc_location may not have {a} along with resource sets"),
                );
            }
        }
    }
    let rules = count(el, "rule");
    let by_node = el.has_attr("node") || el.has_attr("score");
    if rules > 0 {
        if by_node {
            cx.fail(
                path,
                "Element rsc_location may not have node or score along with a rule",
            );
        }
        if rules > 1 && !multiple_location_rules(cx.version()) {
            cx.fail(
                path,
                format!(
                    "Element rsc_location may contain only one rule with schema {}",
                    cx.version()
                ),
            );
        }
    } else if !(el.has_attr("node") && el.has_attr("score")) {
        cx.fail(
            path,
            "Element rsc_location needs either node and score attributes or a rule",
        );
    }
}

const SET_ROLE: [Attr; 2] = role("role");

static RESOURCE_SET: Elem = Elem {
    name: "resource_set",
    attrs: &[
        req("id", Ty::Id),
        opt("sequential", Ty::Boolean),
        opt("require-all", Ty::Boolean),
        opt("ordering", Ty::Enum(&["group", "listed"])),
        opt("action", Ty::Enum(ACTIONS)),
        SET_ROLE[0],
        SET_ROLE[1],
        opt("score", Ty::Score),
        opt("kind", Ty::Enum(ORDER_KINDS)),
    ],
    children: &[some(&RESOURCE_REF)],
    content: super::super::spec::Content::Elements,
    id_ref_form: true,
    check: Some(|el, cx, path| not_both(el, cx, path, "score", "kind")),
};

static RESOURCE_REF: Elem = elem("resource_ref", &[req("id", Ty::IdRef)], &[], None);

const RSC_ROLE: [Attr; 2] = role("rsc-role");
const WITH_RSC_ROLE: [Attr; 2] = role("with-rsc-role");

static RSC_COLOCATION: Elem = elem(
    "rsc_colocation",
    &[
        req("id", Ty::Id),
        opt("score", Ty::Score),
        text("influence"),
        opt("rsc", Ty::IdRef),
        opt("with-rsc", Ty::IdRef),
        text("node-attribute"),
        RSC_ROLE[0],
        RSC_ROLE[1],
        WITH_RSC_ROLE[0],
        WITH_RSC_ROLE[1],
    ],
    &[
        many(&RESOURCE_SET),
        maybe(&LIFETIME).in_span(Span::until(3, 10)),
    ],
    Some(check_colocation),
);

/// Fails unless the element uses either resource sets or the listed
/// attributes (all of `required`, optionally `optional`), but not both.
fn sets_or_attrs(
    el: &Element,
    cx: &mut Checker<'_>,
    path: &str,
    required: &[&str],
    optional: &[&str],
) {
    if count(el, "resource_set") > 0 {
        for a in required.iter().chain(optional) {
            if el.has_attr(a) {
                cx.fail(
                    path,
                    format!(
                        "Element {} may not have {a} along with resource sets",
                        el.name
                    ),
                );
            }
        }
        return;
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|a| !el.has_attr(a))
        .collect();
    if !missing.is_empty() {
        cx.fail(
            path,
            format!(
                "Element {} needs resource sets or the attributes {}",
                el.name,
                required.join(", ")
            ),
        );
    }
}

fn check_colocation(el: &Element, cx: &mut Checker<'_>, path: &str) {
    sets_or_attrs(
        el,
        cx,
        path,
        &["rsc", "with-rsc"],
        &["node-attribute", "rsc-role", "with-rsc-role"],
    );
}

static RSC_ORDER: Elem = elem(
    "rsc_order",
    &[
        req("id", Ty::Id),
        opt("symmetrical", Ty::Boolean),
        opt("require-all", Ty::Boolean),
        opt("score", Ty::Score),
        opt("kind", Ty::Enum(ORDER_KINDS)),
        opt("first", Ty::IdRef),
        opt("then", Ty::IdRef),
        opt("first-action", Ty::Enum(ACTIONS)),
        opt("then-action", Ty::Enum(ACTIONS)),
    ],
    &[
        many(&RESOURCE_SET),
        maybe(&LIFETIME).in_span(Span::until(3, 10)),
    ],
    Some(check_order),
);

fn check_order(el: &Element, cx: &mut Checker<'_>, path: &str) {
    not_both(el, cx, path, "score", "kind");
    sets_or_attrs(
        el,
        cx,
        path,
        &["first", "then"],
        &["first-action", "then-action"],
    );
}

static RSC_TICKET: Elem = elem(
    "rsc_ticket",
    &[
        req("id", Ty::Id),
        opt("rsc", Ty::IdRef),
        RSC_ROLE[0],
        RSC_ROLE[1],
        req("ticket", Ty::Text),
        opt(
            "loss-policy",
            Ty::Enum(&["stop", "demote", "fence", "freeze"]),
        ),
    ],
    &[many(&RESOURCE_SET)],
    Some(|el, cx, path| sets_or_attrs(el, cx, path, &["rsc"], &["rsc-role"])),
);

static LIFETIME: Elem = elem("lifetime", &[], &[some(&RULE)], None);
