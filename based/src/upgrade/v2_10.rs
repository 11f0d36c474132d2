//! 2.10 to 3.0 (`upgrade-2.10-0.xsl` to `upgrade-2.10-2.xsl`): names that
//! schema 3.0 no longer accepts are renamed, moved or dropped.
//!
//! The pipeline first unfolds `id-ref` references to name/value sets into
//! copies (ids prefixed `_cibtr-2_`, ids inside `__cibtr-2_SET__`), so that
//! each copy can be changed where it is used; the main step renames and
//! moves; the last step folds each copy back into a reference when the
//! original still exists.
//!
//! Carried over from Pacemaker's tables: cluster properties (renamed to
//! their dashed names, dropped, or moved to `rsc_defaults`/`op_defaults`),
//! node type `normal`, fencing parameters `pcmk_*_cmd` and
//! `pcmk_arg_map`, the `isolation*` and `resource-failure-stickiness`
//! meta-attributes, the operation attribute `requires` and operation
//! `instance_attributes` that were really meta-attributes, and the
//! colocation `score-attribute`s. The messages are Pacemaker's.

use pcmk_common::xml::Element;

use super::Messages;

const PREFIX: &str = "cibtr-2";
const NVSETS: [&str; 3] = [
    "cluster_property_set",
    "instance_attributes",
    "meta_attributes",
];

fn find_by_name_and_id<'a>(doc: &'a Element, name: &str, id: &str) -> Vec<&'a Element> {
    doc.descendants()
        .filter(|e| e.name == name && e.id() == Some(id))
        .collect()
}

fn prefix_ids(el: &mut Element, prefix: &str) {
    if el.name != "resource_ref" {
        if let Some(id) = el.id().map(str::to_string) {
            el.set_attr("id", format!("{prefix}{id}"));
        }
    }
    for c in el.elements_mut() {
        prefix_ids(c, prefix);
    }
}

fn unfold(el: &mut Element, doc: &Element) -> Result<(), String> {
    for c in el.elements_mut() {
        let Some(idref) = c.attr("id-ref").map(str::to_string) else {
            unfold(c, doc)?;
            continue;
        };
        if !NVSETS.contains(&c.name.as_str()) {
            unfold(c, doc)?;
            continue;
        }
        let originals = find_by_name_and_id(doc, &c.name, &idref);
        let original = match originals.as_slice() {
            [one] => *one,
            [] => {
                return Err(format!(
                    "INTERNAL ERROR:{}: dangling @id-ref ({idref}): no such @id found within the \
                     same element class",
                    c.name
                ));
            }
            _ => {
                return Err(format!(
                    "INTERNAL ERROR:{}: dangling @id-ref ({idref}): more than one @id found within \
                     the same element class",
                    c.name
                ));
            }
        };
        let mut copy = Element::new(c.name.clone());
        copy.set_attr("id", format!("_{PREFIX}_{idref}"));
        copy.attrs
            .extend(original.attrs.iter().filter(|(k, _)| k != "id").cloned());
        copy.children = original.children.clone();
        let inner = format!("__{PREFIX}_{idref}__");
        for ch in copy.elements_mut() {
            prefix_ids(ch, &inner);
        }
        *c = copy;
    }
    Ok(())
}

/// `upgrade-2.10-0.xsl`: unfolds references to name/value sets.
pub fn enter(doc: &mut Element, _m: &mut Messages) -> Result<(), String> {
    let snapshot = doc.clone();
    unfold(doc, &snapshot)
}

fn refold(el: &mut Element, doc: &Element, m: &mut Messages) {
    let prefix = format!("_{PREFIX}_");
    for c in el.elements_mut() {
        let original_id = c
            .id()
            .and_then(|id| id.strip_prefix(&prefix))
            .map(str::to_string);
        match original_id {
            Some(orig) if NVSETS.contains(&c.name.as_str()) => {
                if find_by_name_and_id(doc, &c.name, &orig).is_empty() {
                    m.debug(format!(
                        "{}: original element pointed to with @id-ref ({orig}) disappeared during upgrade",
                        c.name
                    ));
                } else {
                    let mut r = Element::new(c.name.clone());
                    r.set_attr("id-ref", orig);
                    *c = r;
                }
            }
            _ => refold(c, doc, m),
        }
    }
}

/// `upgrade-2.10-2.xsl`: folds the copies back into references.
pub fn leave(doc: &mut Element, m: &mut Messages) -> Result<(), String> {
    let snapshot = doc.clone();
    refold(doc, &snapshot, m);
    Ok(())
}

/// One replacement of a table (see `cibtr:replace`).
struct Replace {
    what: &'static str,
    with: &'static str,
    /// Section to move to (rsc_defaults, op_defaults, meta_attributes...).
    place: Option<&'static str>,
    /// Values (or operation names) the replacement is limited to.
    in_case_of: Option<&'static str>,
    redefined_as: Option<&'static str>,
    extra: Option<&'static str>,
    severity: Option<&'static str>,
}

const fn r(what: &'static str, with: &'static str) -> Replace {
    Replace {
        what,
        with,
        place: None,
        in_case_of: None,
        redefined_as: None,
        extra: None,
        severity: None,
    }
}

impl Replace {
    const fn place(self, place: &'static str) -> Self {
        Replace {
            place: Some(place),
            ..self
        }
    }
    const fn when(self, in_case_of: &'static str) -> Self {
        Replace {
            in_case_of: Some(in_case_of),
            ..self
        }
    }
    const fn redefine(self, v: &'static str) -> Self {
        Replace {
            redefined_as: Some(v),
            ..self
        }
    }
    const fn extra(self, e: &'static str) -> Self {
        Replace {
            extra: Some(e),
            ..self
        }
    }
    const fn severity(self, s: &'static str) -> Self {
        Replace {
            severity: Some(s),
            ..self
        }
    }

    /// The message Pacemaker's `cibtr:MapMsg` emits, with its extra line.
    fn messages(&self, prefix: &str, context: &str, m: &mut Messages) {
        let mut text = format!("{prefix}: ");
        if !context.is_empty() {
            text.push_str(&format!("{context}: "));
        }
        if self.with.is_empty() {
            text.push_str(&format!("dropping {}", self.what));
        } else {
            if let Some(place) = self.place {
                text.push_str(&format!("moving {} under {place}", self.what));
            } else if self.with == self.what {
                text.push_str(&format!("keeping {}", self.what));
            } else {
                text.push_str(&format!("renaming {}", self.what));
            }
            text.push_str(&format!(" as {}", self.with));
            if self.place.is_some() {
                text.push_str(" unless already defined there");
            }
        }
        if let Some(v) = self.redefined_as {
            text.push_str(&format!(", redefined as {v}"));
            if self.in_case_of.is_some() {
                text.push(',');
            }
        }
        if let Some(c) = self.in_case_of {
            text.push_str(&format!(" for matching {c}"));
        }
        let severity = self.severity.unwrap_or(if self.extra.is_some() {
            "INFO"
        } else {
            "DEBUG"
        });
        let emit = |m: &mut Messages, t: String| match severity {
            "WARNING" => m.warning(t),
            "INFO" => m.info(t),
            _ => m.debug(t),
        };
        emit(m, text);
        if let Some(e) = self.extra {
            emit(m, format!("{prefix}: ... {e}"));
        }
    }
}

/// The replacement for `what` given the value (or operation name) `case`.
fn lookup<'t>(table: &'t [Replace], what: &str, case: &str) -> Option<&'t Replace> {
    let matches = |r: &&Replace| {
        r.in_case_of
            .is_some_and(|c| c.split('|').any(|x| x == case))
    };
    table
        .iter()
        .filter(|r| r.what == what)
        .find(matches)
        .or_else(|| {
            table
                .iter()
                .find(|r| r.what == what && r.in_case_of.is_none())
        })
}

const CLUSTER: &[Replace] = &[
    r("cluster-infrastructure", "")
        .when("heartbeat|openais|classic openais|classic openais (with plugin)|cman")
        .extra("corosync (2+) infrastructure can be used instead, though the value is not of significance"),
    r("cluster_recheck_interval", "cluster-recheck-interval"),
    r("dc_deadtime", "dc-deadtime"),
    r("default-action-timeout", "timeout").place("op_defaults"),
    r("default_action_timeout", "timeout").place("op_defaults"),
    r("default-migration-threshold", "").extra("migration-threshold in rsc_defaults can be configured instead"),
    r("default_migration_threshold", "").extra("migration-threshold in rsc_defaults can be configured instead"),
    r("default-resource-stickiness", "resource-stickiness").place("rsc_defaults"),
    r("default_resource_stickiness", "resource-stickiness").place("rsc_defaults"),
    r("default-resource-failure-stickiness", "migration-threshold").place("rsc_defaults").when("-INFINITY").redefine("1"),
    r("default-resource-failure-stickiness", "").extra("migration-threshold in rsc_defaults can be configured instead"),
    r("default_resource_failure_stickiness", "migration-threshold").place("rsc_defaults").when("-INFINITY").redefine("1"),
    r("default_resource_failure_stickiness", "").extra("migration-threshold in rsc_defaults can be configured instead"),
    r("election_timeout", "election-timeout"),
    r("expected-quorum-votes", "").extra("corosync (2+) infrastructure tracks quorum on its own"),
    r("is-managed-default", "is-managed").place("rsc_defaults"),
    r("is_managed_default", "is-managed").place("rsc_defaults"),
    r("no_quorum_policy", "no-quorum-policy"),
    r("notification-agent", "").extra("standalone alerts can be configured instead"),
    r("notification-recipient", "").extra("standalone alerts can be configured instead"),
    r("remove_after_stop", "remove-after-stop"),
    r("shutdown_escalation", "shutdown-escalation"),
    r("startup_fencing", "startup-fencing"),
    r("stonith_action", "stonith-action"),
    r("stonith_enabled", "stonith-enabled"),
    r("stop_orphan_actions", "stop-orphan-actions"),
    r("stop_orphan_resources", "stop-orphan-resources"),
    r("symmetric_cluster", "symmetric-cluster"),
    r("transition_idle_timeout", "cluster-delay"),
];

const RSC_INSTANCE: &[Replace] = &[
    r("pcmk_list_cmd", "pcmk_list_action"),
    r("pcmk_monitor_cmd", "pcmk_monitor_action"),
    r("pcmk_off_cmd", "pcmk_off_action"),
    r("pcmk_on_cmd", "pcmk_on_action"),
    r("pcmk_reboot_cmd", "pcmk_reboot_action"),
    r("pcmk_status_cmd", "pcmk_status_action"),
];

const ISOLATION: &str =
    "i.e. resource at hand disabled; isolation wrappers obsoleted with bundle resources";

const RSC_META: &[Replace] = &[
    r("isolation", "target-role")
        .redefine("Stopped")
        .extra(ISOLATION)
        .severity("WARNING"),
    r("isolation-host", "target-role")
        .redefine("Stopped")
        .extra(ISOLATION)
        .severity("WARNING"),
    r("isolation-instance", "target-role")
        .redefine("Stopped")
        .extra(ISOLATION)
        .severity("WARNING"),
    r("isolation-wrapper", "target-role")
        .redefine("Stopped")
        .extra(ISOLATION)
        .severity("WARNING"),
    r("resource-failure-stickiness", "migration-threshold")
        .when("-INFINITY")
        .redefine("1"),
    r("resource-failure-stickiness", "").extra("migration-threshold can be configured instead"),
    r("resource_failure_stickiness", "migration-threshold")
        .when("-INFINITY")
        .redefine("1"),
    r("resource_failure_stickiness", "").extra("migration-threshold can be configured instead"),
];

const OP_START_PROMOTE: &str = "only start/promote operation taken into account";

const OP_ATTRS: &[Replace] = &[
    r("requires", "").extra(OP_START_PROMOTE),
    r("requires", "requires")
        .when("start|promote")
        .place("meta_attributes"),
];

const OP_INSTANCE: &[Replace] = &[
    r("requires", "").extra(OP_START_PROMOTE),
    r("requires", "requires")
        .when("start|promote")
        .place("per-resource-meta_attributes"),
    r("interval-origin", "interval-origin").place("meta_attributes"),
    r("start-delay", "start-delay").place("meta_attributes"),
    r("enabled", "enabled").place("meta_attributes"),
    r("on-fail", "on-fail").place("meta_attributes"),
    r("record-pending", "record-pending").place("meta_attributes"),
    r("role", "role").place("meta_attributes"),
    r("timeout", "timeout").place("meta_attributes"),
];

const COLOCATION: &[Replace] = &[
    r("score-attribute", "").extra("was never in effect"),
    r("score-attribute-mangle", "").extra("was never in effect"),
];

/// Puts `name=value` in the first rule-less `meta_attributes` of `holder`
/// unless some rule-less set there already defines it; creates the set
/// (id `ID-meta_attributes`) if there is none.
fn add_meta(holder: &mut Element, id_base: &str, name: &str, value: &str) {
    let defined = holder
        .children_named("meta_attributes")
        .filter(|s| s.child("rule").is_none())
        .any(|s| {
            s.children_named("nvpair")
                .any(|n| n.attr("name") == Some(name))
        });
    if defined {
        return;
    }
    let pair = |set_id: &str| {
        Element::new("nvpair")
            .with_attr("id", format!("{set_id}-{name}"))
            .with_attr("name", name)
            .with_attr("value", value)
    };
    if let Some(set) = holder
        .elements_mut()
        .find(|s| s.name == "meta_attributes" && s.child("rule").is_none() && s.id().is_some())
    {
        let set_id = set.id().unwrap_or_default().to_string();
        set.push(pair(&set_id));
        return;
    }
    let set_id = format!("{id_base}-meta_attributes");
    let set = Element::new("meta_attributes")
        .with_attr("id", set_id.clone())
        .with_child(pair(&set_id));
    holder.push(set);
}

fn cluster_properties(doc: &mut Element, m: &mut Messages) {
    let mut moves: Vec<(&'static str, String, String)> = Vec::new();
    let Some(config) = doc.child_mut("configuration") else {
        return;
    };
    if let Some(crm) = config.child_mut("crm_config") {
        for set in crm
            .elements_mut()
            .filter(|s| s.name == "cluster_property_set")
        {
            set.retain_elements(|nv| {
                if nv.name != "nvpair" {
                    return true;
                }
                let (name, value) = (
                    nv.attr("name").unwrap_or_default(),
                    nv.attr("value").unwrap_or_default(),
                );
                let Some(rep) = lookup(CLUSTER, name, value) else {
                    return true;
                };
                rep.messages("Cluster properties", nv.id().unwrap_or_default(), m);
                if rep.with.is_empty() {
                    return false;
                }
                if let Some(place) = rep.place {
                    let v = rep.redefined_as.unwrap_or(value).to_string();
                    moves.push((place, rep.with.to_string(), v));
                    return false;
                }
                true
            });
            for nv in set.elements_mut().filter(|e| e.name == "nvpair") {
                let (name, value) = (
                    nv.attr("name").unwrap_or_default().to_string(),
                    nv.attr("value").unwrap_or_default().to_string(),
                );
                if let Some(rep) = lookup(CLUSTER, &name, &value) {
                    nv.set_attr("name", rep.with);
                    if let Some(v) = rep.redefined_as {
                        nv.set_attr("value", v);
                    }
                }
            }
        }
    }
    for (place, name, value) in moves {
        let section = config.child_or_insert(place);
        add_meta(section, place, &name, &value);
    }
}

fn nvset_renames(set: &mut Element, table: &[Replace], prefix: &str, m: &mut Messages) {
    let set_id = set.id().unwrap_or_default().to_string();
    set.retain_elements(|nv| {
        if nv.name != "nvpair" {
            return true;
        }
        let (name, value) = (
            nv.attr("name").unwrap_or_default(),
            nv.attr("value").unwrap_or_default(),
        );
        match lookup(table, name, value) {
            Some(rep) => {
                rep.messages(prefix, &set_id, m);
                !rep.with.is_empty()
            }
            None => true,
        }
    });
    for nv in set.elements_mut().filter(|e| e.name == "nvpair") {
        let (name, value) = (
            nv.attr("name").unwrap_or_default().to_string(),
            nv.attr("value").unwrap_or_default().to_string(),
        );
        if let Some(rep) = lookup(table, &name, &value) {
            nv.set_attr("name", rep.with);
            if let Some(v) = rep.redefined_as {
                nv.set_attr("value", v);
            }
        }
    }
}

fn arg_map(set: &mut Element, m: &mut Messages) {
    for nv in set
        .elements_mut()
        .filter(|e| e.name == "nvpair" && e.attr("name") == Some("pcmk_arg_map"))
    {
        let value = nv.attr("value").unwrap_or_default().to_string();
        if let Some(port) = value.strip_prefix("port:").filter(|p| !p.contains(',')) {
            m.debug(format!(
                "Resource instance_attributes: {}: renaming pcmk_arg_map as pcmk_host_argument for matching port: prefix that will, meanwhile, get dropped",
                nv.id().unwrap_or_default()
            ));
            let port = port.to_string();
            nv.set_attr("name", "pcmk_host_argument");
            nv.set_attr("value", port);
        }
    }
    let set_id = set.id().unwrap_or_default().to_string();
    set.retain_elements(|nv| {
        let drop = nv.name == "nvpair" && nv.attr("name") == Some("pcmk_arg_map");
        if drop {
            m.debug(format!(
                "Resource instance_attributes: {set_id}: dropping pcmk_arg_map"
            ));
        }
        !drop
    });
}

/// Handles the `requires` attribute and the meta-attribute-like
/// instance attributes of the operations of a primitive or template.
fn operations(rsc: &mut Element, m: &mut Messages) {
    let rsc_id = rsc.id().unwrap_or_default().to_string();
    let mut to_rsc_meta: Vec<(String, String)> = Vec::new();
    if let Some(ops) = rsc.child_mut("operations") {
        for op in ops.elements_mut().filter(|e| e.name == "op") {
            let op_id = op.id().unwrap_or_default().to_string();
            let op_name = op.attr("name").unwrap_or_default().to_string();
            if let Some(req) = op.remove_attr("requires") {
                if let Some(rep) = lookup(OP_ATTRS, "requires", &op_name) {
                    rep.messages("Resources-operation", &format!("{op_id} (rsc={rsc_id})"), m);
                    if rep.place.is_some() {
                        to_rsc_meta.push(("requires".to_string(), req));
                    }
                }
            }
            let mut to_op_meta: Vec<(String, String)> = Vec::new();
            for set in op
                .elements_mut()
                .filter(|s| s.name == "instance_attributes" && s.child("rule").is_none())
            {
                let set_id = set.id().unwrap_or_default().to_string();
                set.retain_elements(|nv| {
                    if nv.name != "nvpair" {
                        return true;
                    }
                    let name = nv.attr("name").unwrap_or_default();
                    let Some(rep) = lookup(OP_INSTANCE, name, &op_name) else {
                        return true;
                    };
                    rep.messages(
                        "Resources-operation instance_attributes",
                        &format!("{op_id} (rsc={rsc_id}, meta={set_id})"),
                        m,
                    );
                    let value = nv.attr("value").unwrap_or_default().to_string();
                    match rep.place {
                        Some("per-resource-meta_attributes") => {
                            to_rsc_meta.push((rep.with.to_string(), value))
                        }
                        Some(_) => to_op_meta.push((rep.with.to_string(), value)),
                        None => {}
                    }
                    false
                });
            }
            op.retain_elements(|s| {
                !(s.name == "instance_attributes"
                    && s.id().is_some()
                    && s.elements().next().is_none())
            });
            for (name, value) in to_op_meta {
                if op.has_attr(&name) {
                    continue;
                }
                add_meta(op, &op_id, &name, &value);
            }
        }
    }
    for (name, value) in to_rsc_meta {
        add_meta(rsc, &rsc_id, &name, &value);
    }
}

fn resources(el: &mut Element, m: &mut Messages) {
    for c in el.elements_mut() {
        match c.name.as_str() {
            "primitive" | "template" => {
                for set in c.elements_mut() {
                    match set.name.as_str() {
                        "instance_attributes" => {
                            arg_map(set, m);
                            nvset_renames(set, RSC_INSTANCE, "Resource instance_attributes", m);
                        }
                        "meta_attributes" => {
                            nvset_renames(set, RSC_META, "Resource meta_attributes", m);
                        }
                        _ => {}
                    }
                }
                operations(c, m);
            }
            _ => resources(c, m),
        }
    }
}

/// `upgrade-2.10-1.xsl`: the renames, moves and drops.
pub fn upgrade(doc: &mut Element, m: &mut Messages) -> Result<(), String> {
    cluster_properties(doc, m);
    let Some(config) = doc.child_mut("configuration") else {
        return Ok(());
    };
    if let Some(nodes) = config.child_mut("nodes") {
        for node in nodes.elements_mut().filter(|n| n.name == "node") {
            if node.attr("type") == Some("normal") {
                let rep = r("type", "type").when("normal").redefine("member");
                rep.messages("Cluster node", node.id().unwrap_or_default(), m);
                node.set_attr("type", "member");
            }
        }
    }
    if let Some(res) = config.child_mut("resources") {
        resources(res, m);
    }
    if let Some(cons) = config.child_mut("constraints") {
        for col in cons.elements_mut().filter(|c| c.name == "rsc_colocation") {
            for rep in COLOCATION {
                if col.has_attr(rep.what) {
                    rep.messages("Constraints-colocation", col.id().unwrap_or_default(), m);
                    col.remove_attr(rep.what);
                }
            }
        }
    }
    Ok(())
}
