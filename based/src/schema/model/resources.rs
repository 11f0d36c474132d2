//! The `resources` section: primitives, templates, groups, clones,
//! bundles and operations.

use pcmk_common::xml::Element;

use super::super::check::Checker;
use super::super::spec::{Attr, Child, Elem, Span, elem, many, maybe, opt, req, some, text};
use super::super::types::Ty;
use super::super::version::SchemaVersion;
use super::nvset::{
    INSTANCE_ATTRIBUTES, INSTANCE_OP, INSTANCE_PRIMITIVE, META_OP, META_PRIMITIVE, META_RSC,
    UTILIZATION,
};
use super::{count, not_both, one_of};

/// `resources`.
pub static RESOURCES: Elem = elem(
    "resources",
    &[],
    &[
        many(&PRIMITIVE),
        many(&TEMPLATE),
        many(&GROUP),
        many(&CLONE),
        many(&MASTER).in_span(Span::until(3, 10)),
        many(&BUNDLE).in_span(Span::since(2, 8)),
    ],
    None,
);

const PRIMITIVE_CHILDREN: &[Child] = &[
    many(&INSTANCE_PRIMITIVE),
    many(&META_PRIMITIVE),
    many(&UTILIZATION),
    maybe(&OPERATIONS),
];

/// `primitive`.
pub static PRIMITIVE: Elem = elem(
    "primitive",
    &[
        req("id", Ty::Id),
        text("class"),
        text("provider"),
        text("type"),
        opt("template", Ty::IdRef),
        text("description"),
    ],
    PRIMITIVE_CHILDREN,
    Some(check_primitive),
);

static TEMPLATE: Elem = elem(
    "template",
    &[
        req("id", Ty::Id),
        req("class", Ty::Text),
        text("provider"),
        req("type", Ty::Text),
        text("description"),
    ],
    PRIMITIVE_CHILDREN,
    Some(check_class),
);

const CLASSES_4: &[&str] = &["ocf", "lsb", "heartbeat", "stonith", "service", "systemd"];
const CLASSES_3: &[&str] = &[
    "ocf",
    "lsb",
    "heartbeat",
    "stonith",
    "service",
    "systemd",
    "upstart",
    "nagios",
];

fn check_primitive(el: &Element, cx: &mut Checker<'_>, path: &str) {
    if el.has_attr("template") {
        for a in ["class", "provider", "type"] {
            if el.has_attr(a) {
                cx.fail(
                    path,
                    format!("Element primitive may not have {a} when it uses a template"),
                );
            }
        }
        return;
    }
    if !el.has_attr("class") || !el.has_attr("type") {
        cx.fail(
            path,
            "Element primitive needs class and type attributes (or a template)",
        );
    }
    check_class(el, cx, path);
}

fn check_class(el: &Element, cx: &mut Checker<'_>, path: &str) {
    let Some(class) = el.attr("class") else {
        return;
    };
    let classes = if cx.version() >= SchemaVersion::new(4, 0) {
        CLASSES_4
    } else {
        CLASSES_3
    };
    if !classes.contains(&class) {
        cx.fail(
            path,
            format!(
                "Invalid value '{class}' for attribute class of element {}: expected one of {}",
                el.name,
                classes.join(", ")
            ),
        );
    }
    match (class == "ocf", el.has_attr("provider")) {
        (true, false) => cx.fail(
            path,
            format!("Element {} of class ocf needs a provider", el.name),
        ),
        (false, true) => cx.fail(
            path,
            format!(
                "Element {} may have a provider only with class ocf",
                el.name
            ),
        ),
        _ => {}
    }
}

const RSC_ATTRS: &[Attr] = &[req("id", Ty::Id), text("description")];

static GROUP: Elem = elem(
    "group",
    RSC_ATTRS,
    &[
        many(&INSTANCE_ATTRIBUTES),
        many(&META_RSC),
        some(&PRIMITIVE),
    ],
    None,
);

const CLONE_CHILDREN: &[Child] = &[
    many(&INSTANCE_ATTRIBUTES),
    many(&META_RSC),
    maybe(&PRIMITIVE),
    maybe(&GROUP),
];

static CLONE: Elem = elem("clone", RSC_ATTRS, CLONE_CHILDREN, Some(check_clone));
static MASTER: Elem = elem("master", RSC_ATTRS, CLONE_CHILDREN, Some(check_clone));

fn check_clone(el: &Element, cx: &mut Checker<'_>, path: &str) {
    if count(el, "primitive") + count(el, "group") != 1 {
        cx.fail(
            path,
            format!(
                "Element {} must contain exactly one primitive or group",
                el.name
            ),
        );
    }
}

static BUNDLE: Elem = elem(
    "bundle",
    RSC_ATTRS,
    &[
        many(&INSTANCE_ATTRIBUTES),
        many(&META_RSC),
        maybe(&DOCKER),
        maybe(&PODMAN).in_span(Span::since(3, 2)),
        maybe(&RKT).in_span(Span::until(3, 10)),
        maybe(&NETWORK),
        maybe(&STORAGE),
        maybe(&PRIMITIVE),
    ],
    Some(check_bundle),
);

fn check_bundle(el: &Element, cx: &mut Checker<'_>, path: &str) {
    if count(el, "docker") + count(el, "podman") + count(el, "rkt") != 1 {
        cx.fail(
            path,
            "Element bundle must contain exactly one container (docker, podman or rkt)",
        );
    }
}

const CONTAINER_ATTRS: &[Attr] = &[
    req("image", Ty::Text),
    opt("replicas", Ty::Integer),
    opt("replicas-per-host", Ty::Integer),
    opt("promoted-max", Ty::Integer),
    opt("masters", Ty::Integer).in_span(Span::until(3, 10)),
    text("run-command"),
    text("network"),
    text("options"),
];

fn check_container(el: &Element, cx: &mut Checker<'_>, path: &str) {
    not_both(el, cx, path, "masters", "promoted-max");
}

static DOCKER: Elem = elem("docker", CONTAINER_ATTRS, &[], Some(check_container));
static PODMAN: Elem = elem("podman", CONTAINER_ATTRS, &[], Some(check_container));
static RKT: Elem = elem("rkt", CONTAINER_ATTRS, &[], Some(check_container));

static NETWORK: Elem = elem(
    "network",
    &[
        text("ip-range-start"),
        opt("control-port", Ty::Integer),
        text("host-interface"),
        opt("host-netmask", Ty::Integer),
        opt("add-host", Ty::Boolean),
    ],
    &[many(&PORT_MAPPING)],
    None,
);

static PORT_MAPPING: Elem = elem(
    "port-mapping",
    &[
        req("id", Ty::Id),
        opt("port", Ty::Integer),
        opt("internal-port", Ty::Integer),
        opt("range", Ty::PortRange),
    ],
    &[],
    Some(check_port_mapping),
);

fn check_port_mapping(el: &Element, cx: &mut Checker<'_>, path: &str) {
    one_of(el, cx, path, &["port", "range"]);
    not_both(el, cx, path, "range", "internal-port");
}

static STORAGE: Elem = elem("storage", &[], &[many(&STORAGE_MAPPING)], None);

static STORAGE_MAPPING: Elem = elem(
    "storage-mapping",
    &[
        req("id", Ty::Id),
        text("source-dir"),
        text("source-dir-root"),
        req("target-dir", Ty::Text),
        text("options"),
    ],
    &[],
    Some(|el, cx, path| one_of(el, cx, path, &["source-dir", "source-dir-root"])),
);

static OPERATIONS: Elem = elem(
    "operations",
    &[opt("id", Ty::Id), opt("id-ref", Ty::IdRef)],
    &[many(&OP)],
    None,
);

const ROLES_OP_NEW: &[&str] = &[
    "Stopped",
    "Started",
    "Promoted",
    "Unpromoted",
    "Slave",
    "Master",
];
const ROLES_OP_OLD: &[&str] = &["Stopped", "Started", "Slave", "Master"];
const ON_FAIL_NEW: &[&str] = &[
    "ignore",
    "block",
    "demote",
    "stop",
    "restart",
    "standby",
    "fence",
    "restart-container",
];
const ON_FAIL_OLD: &[&str] = &[
    "ignore",
    "block",
    "stop",
    "restart",
    "standby",
    "fence",
    "restart-container",
];

static OP: Elem = elem(
    "op",
    &[
        req("id", Ty::Id),
        req("name", Ty::Text),
        req("interval", Ty::Text),
        text("description"),
        text("start-delay"),
        text("interval-origin"),
        text("timeout"),
        opt("enabled", Ty::Boolean),
        opt("record-pending", Ty::Boolean),
        opt("role", Ty::Enum(ROLES_OP_NEW)).in_span(Span::since(3, 7)),
        opt("role", Ty::Enum(ROLES_OP_OLD)).in_span(Span::until(3, 6)),
        opt("on-fail", Ty::Enum(ON_FAIL_NEW)).in_span(Span::since(3, 4)),
        opt("on-fail", Ty::Enum(ON_FAIL_OLD)).in_span(Span::until(3, 3)),
        opt(
            "requires",
            Ty::Enum(&["nothing", "quorum", "fencing", "unfencing"]),
        )
        .in_span(Span::until(2, 10)),
    ],
    &[many(&INSTANCE_OP), many(&META_OP)],
    Some(|el, cx, path| not_both(el, cx, path, "start-delay", "interval-origin")),
);
