//! Resources in the status output (Pacemaker's `primitive`, `group`,
//! `clone` and `resource-list` messages of `lib/pengine/native.c`,
//! `group.c`, `clone.c` and `pe_output.c`), in text and XML, used by
//! `crm_mon` and `crm_resource`.

use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, Role, RscFlags, RscIdx, Variant};
use pcmk_schedulerd::strcmp::numeric_strcasecmp;

use crate::text_out::TextOut;
use crate::xml_out::XmlOut;

mod clone;

pub use clone::clone;

/// What to show (`enum pcmk_show_opt_e`).
pub mod show {
    /// Brief resource summaries.
    pub const BRIEF: u32 = 1 << 0;
    /// Every clone instance.
    pub const CLONE_DETAIL: u32 = 1 << 1;
    /// Node ids.
    pub const NODE_ID: u32 = 1 << 2;
    /// Implicit resources (bundle internals).
    pub const IMPLICIT_RSCS: u32 = 1 << 3;
    /// Operation timings.
    pub const TIMING: u32 = 1 << 4;
    /// Inactive resources.
    pub const INACTIVE_RSCS: u32 = 1 << 5;
    /// Resources grouped by node.
    pub const RSCS_BY_NODE: u32 = 1 << 6;
    /// Pending actions.
    pub const PENDING: u32 = 1 << 7;
    /// Resource lines without node details.
    pub const RSC_ONLY: u32 = 1 << 8;
    /// Failed action details.
    pub const FAILED_DETAIL: u32 = 1 << 9;
    /// Node feature sets.
    pub const FEATURE_SET: u32 = 1 << 10;
    /// Resource descriptions.
    pub const DESCRIPTION: u32 = 1 << 11;
    /// Everything detailed.
    pub const DETAILS: u32 =
        CLONE_DETAIL | NODE_ID | IMPLICIT_RSCS | FAILED_DETAIL | FEATURE_SET | DESCRIPTION;
}

/// Where output goes.
pub enum Sink<'a> {
    /// Text.
    Text(&'a mut TextOut),
    /// XML.
    Xml(&'a mut XmlOut),
}

/// `pcmk__str_in_list` with star matching: whether `s` is in `list` or
/// `list` is `["*"]`.
pub fn in_list(s: &str, list: &[String], casei: bool) -> bool {
    list.iter().any(|l| {
        l == "*"
            || (if casei {
                l.eq_ignore_ascii_case(s)
            } else {
                l == s
            })
    })
}

/// Whether a list holds exactly the wildcard.
fn star_list(list: &[String]) -> bool {
    list.len() == 1 && list[0] == "*"
}

/// The id shown for a resource (`rsc_printable_id`).
pub fn printable_id(s: &Scheduler, rsc: RscIdx) -> &str {
    let r = &s.rscs[rsc];
    if r.has(RscFlags::UNIQUE) {
        &r.id
    } else {
        r.history_id.as_deref().unwrap_or(&r.id)
    }
}

/// Whether a resource is active (`fns->active`).
pub fn active(s: &Scheduler, rsc: RscIdx, all: bool) -> bool {
    let r = &s.rscs[rsc];
    match r.variant {
        Variant::Primitive => r.active.iter().any(|&n| {
            let node = &s.nodes[n];
            node.unclean || node.online || !r.has(RscFlags::MANAGED)
        }),
        Variant::Group => {
            let mut any = false;
            let mut every = true;
            for &c in &r.children {
                if active(s, c, all) {
                    any = true;
                } else {
                    every = false;
                }
            }
            any && (!all || every)
        }
        Variant::Clone | Variant::Bundle => {
            for &c in &r.children {
                let a = active(s, c, all);
                if !all && a {
                    return true;
                }
                if all && !a {
                    return false;
                }
            }
            all
        }
    }
}

/// The nodes a resource (or any of its members) is active on.
pub fn active_nodes(s: &Scheduler, rsc: RscIdx) -> Vec<NodeIdx> {
    let r = &s.rscs[rsc];
    if r.variant == Variant::Primitive {
        return r.active.clone();
    }
    let mut v: Vec<NodeIdx> = Vec::new();
    for &c in &r.children {
        for n in active_nodes(s, c) {
            if !v.contains(&n) {
                v.push(n);
            }
        }
    }
    v
}

/// `pe__rsc_running_on_any`.
pub fn running_on_any(s: &Scheduler, rsc: RscIdx, only_node: &[String]) -> bool {
    active_nodes(s, rsc)
        .iter()
        .any(|&n| in_list(&s.nodes[n].name, only_node, true))
}

/// `pcmk__rsc_filtered_by_node`.
pub fn filtered_by_node(s: &Scheduler, rsc: RscIdx, only_node: &[String]) -> bool {
    active(s, rsc, false) && !running_on_any(s, rsc, only_node)
}

/// The `is_filtered` method of each kind of resource.
pub fn is_filtered(s: &Scheduler, rsc: RscIdx, only_rsc: &[String], check_parent: bool) -> bool {
    let r = &s.rscs[rsc];
    match r.variant {
        Variant::Primitive => {
            if in_list(printable_id(s, rsc), only_rsc, false) || in_list(&r.id, only_rsc, false) {
                return false;
            }
            if check_parent && r.parent.is_some() {
                let up = s.top_rsc(rsc, true);
                return is_filtered(s, up, only_rsc, false);
            }
            true
        }
        Variant::Group => {
            if check_parent {
                let parent = s.top_rsc(rsc, false);
                if in_list(printable_id(s, parent), only_rsc, false) {
                    return false;
                }
            }
            if in_list(printable_id(s, rsc), only_rsc, false) {
                return false;
            }
            if r.id.contains(':') && in_list(&r.id, only_rsc, false) {
                return false;
            }
            r.children
                .iter()
                .all(|&c| is_filtered(s, c, only_rsc, false))
        }
        Variant::Clone | Variant::Bundle => {
            if in_list(printable_id(s, rsc), only_rsc, false) {
                return false;
            }
            if let Some(child_id) = clone_child_id(s, rsc) {
                if in_list(child_id, only_rsc, false) {
                    return false;
                }
            }
            r.children
                .iter()
                .all(|&c| is_filtered(s, c, only_rsc, false))
        }
    }
}

/// The id of a clone's configured child element.
fn clone_child_id(s: &Scheduler, rsc: RscIdx) -> Option<&str> {
    s.rscs[rsc]
        .xml
        .elements()
        .find(|e| matches!(e.name.as_str(), "primitive" | "group"))
        .and_then(|e| e.id())
}

/// The role shown for a primitive (`native_displayable_role`).
fn displayable_role(s: &Scheduler, rsc: RscIdx) -> Role {
    let role = s.rscs[rsc].orig_role;
    if role == Role::Started && s.rscs[s.top_rsc(rsc, false)].has(RscFlags::PROMOTABLE) {
        Role::Unpromoted
    } else {
        role
    }
}

fn pending_state(action: Option<&str>) -> Option<&'static str> {
    match action? {
        "start" => Some("Starting"),
        "stop" => Some("Stopping"),
        "migrate_to" | "migrate_from" => Some("Migrating"),
        "promote" => Some("Promoting"),
        "demote" => Some("Demoting"),
        _ => None,
    }
}

fn displayable_state(s: &Scheduler, rsc: RscIdx, pending: bool) -> &'static str {
    let p = if pending {
        pending_state(s.rscs[rsc].pending_action.as_deref())
    } else {
        None
    };
    p.unwrap_or_else(|| displayable_role(s, rsc).text())
}

/// Whether a class has providers (`pcmk_ra_cap_provider`).
fn has_provider(class: &str) -> bool {
    class.eq_ignore_ascii_case("ocf")
}

/// Pacemaker's description of an exit code (`crm_exit_str`).
pub fn exit_str(rc: i64) -> &'static str {
    pcmk_common::exit::CrmExit::from_code(rc).map_or("Unknown exit status", |e| e.description())
}

/// The failed probe of a resource on a node (`pe__failed_probe_for_rsc`).
pub fn failed_probe<'a>(s: &'a Scheduler, rsc: RscIdx, node: Option<&str>) -> Option<&'a Element> {
    let parent = s.top_rsc(rsc, false);
    let rsc_id = if s.rscs[parent].variant == Variant::Clone {
        clone_child_id(s, parent).unwrap_or(&s.rscs[rsc].id)
    } else {
        s.rscs[rsc].id.as_str()
    };
    s.failed_ops.iter().find(|op| {
        if !pcmk_schedulerd::unpack::ops::mask_probe_failure(op) {
            return false;
        }
        let Some(on) = op.attr("on_node") else {
            return false;
        };
        if node.is_some_and(|n| !on.eq_ignore_ascii_case(n)) {
            return false;
        }
        let key = pcmk_schedulerd::unpack::ops::history_key(op);
        pcmk_schedulerd::model::parse_op_key(key).is_some_and(|(id, _, _)| id == rsc_id)
    })
}

/// The one-line description of a primitive
/// (`pcmk__native_output_string`).
pub fn primitive_string(
    s: &Scheduler,
    rsc: RscIdx,
    name: &str,
    node: Option<NodeIdx>,
    opts: u32,
    show_nodes: bool,
) -> String {
    let r = &s.rscs[rsc];
    let class = r.xml.attr("class").unwrap_or("unknown");
    let kind = r.xml.attr("type").unwrap_or("unknown");
    let provider = if has_provider(class) {
        r.xml.attr("provider")
    } else {
        None
    };
    let multiple = r.active.len() > 1;
    let mut node = node.or(r.lock_node);
    if opts & show::RSC_ONLY != 0 || multiple {
        node = None;
    }
    let mut out = format!(
        "{name}\t({class}{}{}:{kind}):\t",
        if provider.is_some() { ":" } else { "" },
        provider.unwrap_or("")
    );
    let add_word = |out: &mut String, w: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    };
    if r.has(RscFlags::REMOVED) {
        out.push_str(" ORPHANED");
    }
    if r.has(RscFlags::FAILED) {
        out.push_str(" FAILED");
        let role = displayable_role(s, rsc);
        if role > Role::Unpromoted {
            add_word(&mut out, role.text());
        }
    } else {
        add_word(
            &mut out,
            displayable_state(s, rsc, opts & show::PENDING != 0),
        );
    }
    if let Some(n) = node {
        add_word(&mut out, &s.nodes[n].name);
    }
    if displayable_role(s, rsc) == Role::Stopped {
        let nn = node.map(|n| s.nodes[n].name.as_str());
        if let Some(probe) = failed_probe(s, rsc, nn) {
            let rc = probe
                .attr("rc-code")
                .map_or(0, |v| pcmk_common::values::scan_min_int(v, 0));
            out.push_str(&format!(" ({}) ", exit_str(i64::from(rc))));
        }
    }
    let mut flags: Vec<String> = Vec::new();
    if let Some(n) = node {
        if !s.nodes[n].online && s.nodes[n].unclean {
            flags.push("UNCLEAN".into());
        }
        if r.lock_node == Some(n) {
            flags.push("LOCKED".into());
        }
    }
    if opts & show::PENDING != 0 && r.pending_action.as_deref() == Some("monitor") {
        flags.push("Monitoring".into());
    }
    if let Some(tr) = r.meta("target-role") {
        match Role::parse(tr) {
            Role::Stopped => flags.push("disabled".into()),
            Role::Unpromoted if s.rscs[s.top_rsc(rsc, false)].has(RscFlags::PROMOTABLE) => {
                flags.push(format!("target-role:{tr}"));
            }
            _ => {}
        }
    }
    if r.has(RscFlags::BLOCKED) {
        flags.push("blocked".into());
    } else if r.has(RscFlags::MAINTENANCE) {
        flags.push("maintenance".into());
    } else if !r.has(RscFlags::MANAGED) {
        flags.push("unmanaged".into());
    }
    if r.has(RscFlags::IGNORE_FAILURE) {
        flags.push("failure ignored".into());
    }
    if !flags.is_empty() {
        out.push_str(&format!(" ({})", flags.join(", ")));
    }
    if opts & (show::RSC_ONLY | show::DESCRIPTION) != 0 || multiple {
        if let Some(d) = r.xml.attr("description") {
            out.push_str(&format!(" ({d})"));
        }
    }
    if show_nodes && opts & show::RSC_ONLY == 0 && multiple {
        out.push_str(" [");
        for &n in &r.active {
            out.push(' ');
            out.push_str(&s.nodes[n].name);
        }
        out.push_str(" ]");
    }
    out
}

/// A resource's description when asked for (`pe__resource_description`).
fn description(s: &Scheduler, rsc: RscIdx, opts: u32) -> Option<&str> {
    if opts & (show::RSC_ONLY | show::DESCRIPTION) != 0 {
        s.rscs[rsc].xml.attr("description")
    } else {
        None
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// A resource, in the message of its kind. Returns whether anything was
/// printed.
pub fn resource(
    s: &Scheduler,
    sink: &mut Sink<'_>,
    opts: u32,
    rsc: RscIdx,
    only_node: &[String],
    only_rsc: &[String],
) -> bool {
    match s.rscs[rsc].variant {
        Variant::Primitive => primitive(s, sink, opts, rsc, only_rsc),
        Variant::Group => group(s, sink, opts, rsc, only_node, only_rsc),
        Variant::Clone => clone(s, sink, opts, rsc, only_node, only_rsc),
        Variant::Bundle => false,
    }
}

/// The `primitive` message.
pub fn primitive(
    s: &Scheduler,
    sink: &mut Sink<'_>,
    opts: u32,
    rsc: RscIdx,
    only_rsc: &[String],
) -> bool {
    if is_filtered(s, rsc, only_rsc, true) {
        return false;
    }
    let r = &s.rscs[rsc];
    match sink {
        Sink::Text(t) => {
            if pcmk_common::values::is_true(r.meta("internal_rsc"))
                && opts & show::IMPLICIT_RSCS == 0
            {
                return false;
            }
            let node = s.current_node(rsc).or(r.pending_node);
            let line = primitive_string(s, rsc, printable_id(s, rsc), node, opts, true);
            t.item(None, &line);
            true
        }
        Sink::Xml(x) => {
            x.push_parent(primitive_xml(s, rsc, opts));
            for &n in &r.active {
                let node = &s.nodes[n];
                x.add(
                    Element::new("node")
                        .with_attr("name", node.name.as_str())
                        .with_attr("id", node.id.as_str())
                        .with_attr("cached", bool_text(node.online)),
                );
            }
            x.pop_parent();
            true
        }
    }
}

/// The `<resource>` element of a primitive (without its nodes).
pub fn primitive_xml(s: &Scheduler, rsc: RscIdx, opts: u32) -> Element {
    let r = &s.rscs[rsc];
    let pending = opts & show::PENDING != 0;
    let class = r.xml.attr("class").unwrap_or_default();
    let ra = match r.xml.attr("provider") {
        Some(p) => format!("{class}:{p}:{}", r.xml.attr("type").unwrap_or_default()),
        None => format!("{class}:{}", r.xml.attr("type").unwrap_or_default()),
    };
    let mut e = Element::new("resource")
        .with_attr("id", printable_id(s, rsc))
        .with_attr("resource_agent", ra)
        .with_attr("role", displayable_state(s, rsc, pending));
    if let Some(tr) = r.meta("target-role") {
        e.set_attr("target_role", tr);
    }
    let removed = bool_text(r.has(RscFlags::REMOVED));
    e.set_attr("active", bool_text(active(s, rsc, true)));
    e.set_attr("orphaned", removed);
    e.set_attr("removed", removed);
    e.set_attr("blocked", bool_text(r.has(RscFlags::BLOCKED)));
    e.set_attr("maintenance", bool_text(r.has(RscFlags::MAINTENANCE)));
    e.set_attr("managed", bool_text(r.has(RscFlags::MANAGED)));
    e.set_attr("failed", bool_text(r.has(RscFlags::FAILED)));
    e.set_attr(
        "failure_ignored",
        bool_text(r.has(RscFlags::IGNORE_FAILURE)),
    );
    e.set_attr("nodes_running_on", r.active.len().to_string());
    if pending && r.pending_action.as_deref() == Some("monitor") {
        e.set_attr("pending", "Monitoring");
    }
    if let Some(n) = r.lock_node {
        e.set_attr("locked_to", s.nodes[n].name.as_str());
    }
    if let Some(d) = description(s, rsc, opts) {
        e.set_attr("description", d);
    }
    e
}

/// Members of a group that are not fully active.
fn inactive_members(s: &Scheduler, rsc: RscIdx) -> usize {
    s.rscs[rsc]
        .children
        .iter()
        .filter(|&&c| !active(s, c, true))
        .count()
}

fn skip_child(
    s: &Scheduler,
    child: RscIdx,
    parent_passes: bool,
    only_rsc: &[String],
    opts: u32,
) -> bool {
    let star = star_list(only_rsc);
    let filtered = is_filtered(s, child, only_rsc, false);
    let child_active = active(s, child, false);
    let show_inactive = opts & show::INACTIVE_RSCS != 0;
    if !star && !filtered {
        return false;
    }
    if !filtered && (child_active || show_inactive) {
        return false;
    }
    if parent_passes && (child_active || show_inactive) {
        return false;
    }
    true
}

fn group_header(
    s: &Scheduler,
    t: &mut TextOut,
    rsc: RscIdx,
    n_inactive: usize,
    show_inactive: bool,
    desc: Option<&str>,
) {
    let r = &s.rscs[rsc];
    let mut attrs: Vec<String> = Vec::new();
    if n_inactive > 0 && !show_inactive {
        attrs.push(format!(
            "{n_inactive} member{} inactive",
            if n_inactive == 1 { "" } else { "s" }
        ));
    }
    if s.rsc_disabled(rsc) {
        attrs.push("disabled".into());
    }
    if r.has(RscFlags::MAINTENANCE) {
        attrs.push("maintenance".into());
    } else if !r.has(RscFlags::MANAGED) {
        attrs.push("unmanaged".into());
    }
    let desc = desc.map(|d| format!(" ({d})")).unwrap_or_default();
    let title = if attrs.is_empty() {
        format!("Resource Group: {}{desc}", r.id)
    } else {
        format!("Resource Group: {} ({}){desc}", r.id, attrs.join(", "))
    };
    t.begin_list(None, Some(&title));
}

/// The `group` message.
pub fn group(
    s: &Scheduler,
    sink: &mut Sink<'_>,
    opts: u32,
    rsc: RscIdx,
    only_node: &[String],
    only_rsc: &[String],
) -> bool {
    let r = &s.rscs[rsc];
    let parent_passes = in_list(printable_id(s, rsc), only_rsc, false)
        || (r.id.contains(':') && in_list(&r.id, only_rsc, false));
    let desc = description(s, rsc, opts);
    if is_filtered(s, rsc, only_rsc, true) {
        return false;
    }
    let mut printed = false;
    match sink {
        Sink::Xml(x) => {
            for (i, &c) in r.children.iter().enumerate() {
                if skip_child(s, c, parent_passes, only_rsc, opts) {
                    continue;
                }
                if !printed {
                    let mut e = Element::new("group")
                        .with_attr("id", r.id.as_str())
                        .with_attr("number_resources", (r.children.len() - i).to_string())
                        .with_attr("maintenance", bool_text(r.has(RscFlags::MAINTENANCE)))
                        .with_attr("managed", bool_text(r.has(RscFlags::MANAGED)))
                        .with_attr("disabled", bool_text(s.rsc_disabled(rsc)));
                    if let Some(d) = desc {
                        e.set_attr("description", d);
                    }
                    x.push_parent(e);
                    printed = true;
                }
                resource(s, &mut Sink::Xml(x), opts, c, only_node, only_rsc);
            }
            if printed {
                x.pop_parent();
            }
        }
        Sink::Text(t) => {
            let all_active = active(s, rsc, true);
            let partial = active(s, rsc, false);
            let n_inactive = if !all_active && partial {
                inactive_members(s, rsc)
            } else {
                0
            };
            let show_inactive = opts & show::INACTIVE_RSCS != 0;
            if opts & show::BRIEF != 0 {
                let rscs = filter_rsc_list(s, &r.children, only_rsc);
                if !rscs.is_empty() {
                    group_header(s, t, rsc, n_inactive, show_inactive, desc);
                    printed = true;
                    brief_output(s, t, &rscs, opts | show::INACTIVE_RSCS);
                }
            } else {
                for &c in &r.children {
                    if skip_child(s, c, parent_passes, only_rsc, opts) {
                        continue;
                    }
                    if !printed {
                        group_header(s, t, rsc, n_inactive, show_inactive, desc);
                        printed = true;
                    }
                    resource(s, &mut Sink::Text(t), opts, c, only_node, only_rsc);
                }
            }
            if printed {
                t.end_list();
            }
        }
    }
    printed
}

/// `pe__filter_rsc_list`.
pub fn filter_rsc_list(s: &Scheduler, rscs: &[RscIdx], filter: &[String]) -> Vec<RscIdx> {
    let mut v: Vec<RscIdx> = rscs
        .iter()
        .copied()
        .filter(|&r| {
            in_list(printable_id(s, r), filter, false)
                || s.rscs[r]
                    .parent
                    .is_some_and(|p| in_list(printable_id(s, p), filter, false))
        })
        .collect();
    v.reverse();
    v
}

/// `pe__rscs_brief_output`: counts of primitives by agent and node.
pub fn brief_output(s: &Scheduler, t: &mut TextOut, rscs: &[RscIdx], opts: u32) -> bool {
    use std::collections::BTreeMap;
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_node: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for &rsc in rscs {
        let r = &s.rscs[rsc];
        if !r.is_primitive() {
            continue;
        }
        let class = r.xml.attr("class").unwrap_or_default();
        let mut key = class.to_string();
        if has_provider(class) {
            if let Some(p) = r.xml.attr("provider") {
                key.push(':');
                key.push_str(p);
            }
        }
        key.push(':');
        key.push_str(r.xml.attr("type").unwrap_or_default());
        *totals.entry(key.clone()).or_default() += 1;
        for &n in &r.active {
            let node = &s.nodes[n];
            if !node.unclean && !node.online && r.has(RscFlags::MANAGED) {
                continue;
            }
            *by_node
                .entry(node.name.clone())
                .or_default()
                .entry(key.clone())
                .or_default() += 1;
        }
    }
    let mut nodes: Vec<&String> = by_node.keys().collect();
    nodes.sort_by(|a, b| numeric_strcasecmp(a, b));
    let mut printed = false;
    for (kind, total) in &totals {
        let mut active_all = 0;
        for n in &nodes {
            let Some(count) = by_node.get(*n).and_then(|m| m.get(kind)).copied() else {
                continue;
            };
            if count == 0 {
                continue;
            }
            active_all += count;
            let node_name = if opts & show::RSC_ONLY != 0 {
                ""
            } else {
                n.as_str()
            };
            if opts & show::INACTIVE_RSCS != 0 {
                t.item(
                    None,
                    &format!("{count}/{total}\t({kind}):\tActive {node_name}"),
                );
            } else {
                t.item(None, &format!("{count}\t({kind}):\tActive {node_name}"));
            }
            printed = true;
        }
        if opts & show::INACTIVE_RSCS != 0 && active_all == 0 {
            t.item(None, &format!("0/{total}\t({kind}):\tActive"));
            printed = true;
        }
    }
    printed
}

/// The header of a resource list (`print_resource_header`).
fn resource_header(t: &mut Sink<'_>, opts: u32) {
    let title = if opts & show::RSCS_BY_NODE != 0 {
        "Inactive Resources"
    } else if opts & show::INACTIVE_RSCS != 0 {
        "Full List of Resources"
    } else {
        "Active Resources"
    };
    match t {
        Sink::Text(t) => t.begin_list(None, Some(title)),
        Sink::Xml(x) => x.begin_list(title),
    }
}

/// The `resource-list` message. Returns whether resources were shown.
pub fn resource_list(
    s: &Scheduler,
    sink: &mut Sink<'_>,
    opts: u32,
    print_summary: bool,
    only_node: &[String],
    only_rsc: &[String],
    print_spacer: bool,
) -> bool {
    if opts & show::RSCS_BY_NODE != 0 && opts & show::INACTIVE_RSCS == 0 {
        return false;
    }
    let spacer = |sink: &mut Sink<'_>| {
        if print_spacer {
            if let Sink::Text(t) = sink {
                t.spacer();
            }
        }
    };
    let mut printed_header = false;
    let mut rc = false;
    if opts & show::BRIEF != 0 && opts & show::RSCS_BY_NODE == 0 {
        let rscs = filter_rsc_list(s, &s.top, only_rsc);
        spacer(sink);
        resource_header(sink, opts);
        printed_header = true;
        if let Sink::Text(t) = sink {
            rc = brief_output(s, t, &rscs, opts);
        }
    }
    for &rsc in &s.top {
        let r = &s.rscs[rsc];
        let is_active = active(s, rsc, true);
        let partially = active(s, rsc, false);
        if r.has(RscFlags::REMOVED) && !is_active {
            continue;
        }
        let skip = if opts & show::RSCS_BY_NODE != 0 {
            is_active
        } else {
            (opts & show::BRIEF != 0 && r.is_primitive())
                || (!partially && opts & show::INACTIVE_RSCS == 0)
                || (partially && !running_on_any(s, rsc, only_node))
        };
        if skip {
            continue;
        }
        if !printed_header {
            spacer(sink);
            resource_header(sink, opts);
            printed_header = true;
        }
        if resource(s, sink, opts, rsc, only_node, only_rsc) {
            rc = true;
        }
    }
    if print_summary && !rc {
        if !printed_header {
            spacer(sink);
            resource_header(sink, opts);
            printed_header = true;
        }
        let text = if opts & show::RSCS_BY_NODE != 0 {
            "No inactive resources"
        } else if opts & show::INACTIVE_RSCS != 0 {
            "No resources"
        } else {
            "No active resources"
        };
        match sink {
            Sink::Text(t) => t.item(None, text),
            Sink::Xml(x) => x.item(None, text),
        }
    }
    if printed_header {
        match sink {
            Sink::Text(t) => t.end_list(),
            Sink::Xml(x) => x.end_list(),
        }
    }
    rc
}
