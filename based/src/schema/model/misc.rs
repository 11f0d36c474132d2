//! Fencing topology, ACLs, tags and alerts.

use pcmk_common::xml::Element;

use super::super::check::Checker;
use super::super::spec::{Content, Elem, elem, many, maybe, opt, req, some, text};
use super::super::types::Ty;
use super::nvset::{INSTANCE_ATTRIBUTES, META_ATTRIBUTES};

/// `fencing-topology`.
pub static FENCING_TOPOLOGY: Elem = elem("fencing-topology", &[], &[many(&FENCING_LEVEL)], None);

static FENCING_LEVEL: Elem = elem(
    "fencing-level",
    &[
        req("id", Ty::Id),
        text("target"),
        text("target-pattern"),
        text("target-attribute"),
        text("target-value"),
        req("index", Ty::LevelIndex),
        req("devices", Ty::Devices),
    ],
    &[],
    Some(check_level),
);

fn check_level(el: &Element, cx: &mut Checker<'_>, path: &str) {
    let by_attr = el.has_attr("target-attribute") || el.has_attr("target-value");
    let forms = usize::from(el.has_attr("target"))
        + usize::from(el.has_attr("target-pattern"))
        + usize::from(by_attr);
    if forms != 1 {
        cx.fail(
            path,
            "Element fencing-level needs exactly one of target, target-pattern, or \
             target-attribute with target-value",
        );
    } else if by_attr && !(el.has_attr("target-attribute") && el.has_attr("target-value")) {
        cx.fail(
            path,
            "Element fencing-level needs both target-attribute and target-value",
        );
    }
}

/// `acls` (the syntax of schema 2.0 and later).
pub static ACLS: Elem = elem(
    "acls",
    &[],
    &[many(&ACL_TARGET), many(&ACL_GROUP), many(&ACL_ROLE)],
    None,
);

/// `acls` of the 1.x schemas (`acl_user`, `read`/`write`/`deny`), not
/// checked in detail.
pub static ACLS_V1: Elem = Elem {
    name: "acls",
    attrs: &[],
    children: &[],
    content: Content::Any,
    id_ref_form: false,
    check: None,
};

static ROLE_REF: Elem = elem("role", &[req("id", Ty::IdRef)], &[], None);

static ACL_TARGET: Elem = elem(
    "acl_target",
    &[req("id", Ty::Text), text("name")],
    &[many(&ROLE_REF)],
    None,
);

static ACL_GROUP: Elem = elem(
    "acl_group",
    &[req("id", Ty::Id), text("name")],
    &[many(&ROLE_REF)],
    None,
);

static ACL_ROLE: Elem = elem(
    "acl_role",
    &[req("id", Ty::Id), text("description")],
    &[many(&ACL_PERMISSION)],
    None,
);

static ACL_PERMISSION: Elem = elem(
    "acl_permission",
    &[
        req("id", Ty::Id),
        req("kind", Ty::Enum(&["read", "write", "deny"])),
        text("xpath"),
        opt("reference", Ty::IdRef),
        text("object-type"),
        text("attribute"),
        text("description"),
    ],
    &[],
    Some(check_permission),
);

fn check_permission(el: &Element, cx: &mut Checker<'_>, path: &str) {
    super::one_of(el, cx, path, &["xpath", "reference", "object-type"]);
    if el.has_attr("attribute") && !el.has_attr("object-type") {
        cx.fail(
            path,
            "Element acl_permission may have attribute only with object-type",
        );
    }
}

/// `tags`.
pub static TAGS: Elem = elem("tags", &[], &[many(&TAG)], None);

static TAG: Elem = elem("tag", &[req("id", Ty::Id)], &[some(&OBJ_REF)], None);

static OBJ_REF: Elem = elem("obj_ref", &[req("id", Ty::Text)], &[], None);

/// `alerts`.
pub static ALERTS: Elem = elem("alerts", &[], &[many(&ALERT)], None);

static ALERT: Elem = elem(
    "alert",
    &[
        req("id", Ty::Id),
        text("description"),
        req("path", Ty::Text),
    ],
    &[
        many(&META_ATTRIBUTES),
        many(&INSTANCE_ATTRIBUTES),
        maybe(&SELECT),
        many(&RECIPIENT),
    ],
    None,
);

static SELECT: Elem = elem(
    "select",
    &[],
    &[
        maybe(&SELECT_ATTRIBUTES),
        maybe(&SELECT_FENCING),
        maybe(&SELECT_NODES),
        maybe(&SELECT_RESOURCES),
    ],
    None,
);

static SELECT_ATTRIBUTES: Elem = elem("select_attributes", &[], &[many(&ATTRIBUTE)], None);

static ATTRIBUTE: Elem = elem(
    "attribute",
    &[req("id", Ty::Id), req("name", Ty::Text)],
    &[],
    None,
);

static SELECT_FENCING: Elem = elem("select_fencing", &[], &[], None);
static SELECT_NODES: Elem = elem("select_nodes", &[], &[], None);
static SELECT_RESOURCES: Elem = elem("select_resources", &[], &[], None);

static RECIPIENT: Elem = elem(
    "recipient",
    &[
        req("id", Ty::Id),
        text("description"),
        req("value", Ty::Text),
    ],
    &[many(&META_ATTRIBUTES), many(&INSTANCE_ATTRIBUTES)],
    None,
);
