//! The query commands of `crm_resource`: resource lists, locations,
//! constraints, why resources are stopped, operation history and the
//! resource configuration, all from the status the scheduler library
//! unpacks.

use pcmk_common::exit::CrmExit;
use pcmk_common::options::{FENCING_PARAMS, OptionFlags, PRIMITIVE_META};
use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, Role, RscFlags, RscIdx, Variant};
use pcmk_schedulerd::unpack::history::{calculate_active_ops, newer_op};

use super::{Ctx, Failed};
use crate::crm_mon::rsc::{self, Sink, show};
use crate::option_list::{option_list_text, option_list_xml};

/// `--list-options primitive|fencing`.
pub(super) fn list_options(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let (name, short, long, options) = match ctx.args.opt_list.as_deref() {
        Some("fencing") => (
            "fence-attributes",
            "Fencing resource common parameters",
            "Special parameters that are available for all fencing resources, regardless of type. They are processed by Pacemaker, rather than by the fence agent or the fencing library.",
            FENCING_PARAMS,
        ),
        _ => (
            "primitive-meta",
            "Primitive meta-attributes",
            "Meta-attributes applicable to primitive resources",
            PRIMITIVE_META,
        ),
    };
    if ctx.out.is_xml() {
        ctx.out.xml(option_list_xml(
            name,
            short,
            long,
            OptionFlags::NONE,
            options,
        ));
    } else {
        option_list_text(
            &mut ctx.out.text,
            short,
            long,
            OptionFlags::NONE,
            options,
            ctx.args.all,
        );
    }
    Ok(CrmExit::OK)
}

/// `cli_resource_search`: where a resource runs (each instance of a clone
/// given by its common id), and whether it is promoted there.
fn search(s: &Scheduler, rsc: RscIdx, requested: &str) -> Vec<(String, bool)> {
    let r = &s.rscs[rsc];
    let parent = s.top_rsc(rsc, false);
    let clone = if r.variant == Variant::Clone {
        Some(rsc)
    } else if s.rscs[parent].variant == Variant::Clone
        && !r.has(RscFlags::UNIQUE)
        && r.history_id.as_deref() == Some(requested)
        && r.id != requested
    {
        Some(parent)
    } else {
        None
    };
    let promoted =
        |c: RscIdx| s.rscs[c].has(RscFlags::PROMOTABLE) && instance_role(s, c) == Role::Promoted;
    let mut list = Vec::new();
    let mut add = |c: RscIdx| {
        for n in rsc::active_nodes(s, c) {
            list.insert(0, (s.nodes[n].name.clone(), promoted(c)));
        }
    };
    match clone {
        None => add(rsc),
        Some(cl) => {
            for &c in &s.rscs[cl].children {
                add(c);
            }
        }
    }
    list
}

fn instance_role(s: &Scheduler, rsc: RscIdx) -> Role {
    let r = &s.rscs[rsc];
    if r.children.is_empty() {
        r.orig_role
    } else {
        r.children
            .iter()
            .map(|&c| instance_role(s, c))
            .max()
            .unwrap_or(Role::Stopped)
    }
}

/// `--locate`.
pub(super) fn locate(ctx: &mut Ctx<'_>, rsc: Option<RscIdx>) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let requested = ctx.args.resource.clone().unwrap_or_default();
    let nodes = search(ctx.sched()?, rsc, &requested);
    if ctx.out.is_xml() {
        let mut e = Element::new("nodes").with_attr("resource", requested.as_str());
        for (n, promoted) in &nodes {
            let mut ne = crate::output::text_element("node", n);
            if *promoted {
                ne.set_attr("state", "promoted");
            }
            e.push(ne);
        }
        ctx.out.xml(e);
        return Ok(CrmExit::OK);
    }
    if !ctx.out.quiet && nodes.is_empty() {
        ctx.out
            .err_raw(&format!("resource {requested} is NOT running"));
        return Ok(CrmExit::OK);
    }
    for (n, promoted) in &nodes {
        if ctx.out.quiet {
            ctx.out.text.item(Some("node"), n);
        } else {
            ctx.out.text.item(
                Some("node"),
                &format!(
                    "resource {requested} is running on: {n}{}",
                    if *promoted { " Promoted" } else { "" }
                ),
            );
        }
    }
    Ok(CrmExit::OK)
}

/// `--list-raw`: every primitive's id.
pub(super) fn list_instances(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    fn leaves(s: &Scheduler, r: RscIdx, v: &mut Vec<String>) {
        if s.rscs[r].children.is_empty() {
            v.push(s.rscs[r].id.clone());
        } else {
            for &c in &s.rscs[r].children {
                leaves(s, c, v);
            }
        }
    }
    let s = ctx.sched()?;
    if s.top.is_empty() {
        ctx.out.err_raw("NO resources configured\n");
        return Ok(CrmExit::NoSuch);
    }
    let mut names = Vec::new();
    for &r in &s.top {
        leaves(s, r, &mut names);
    }
    ctx.out
        .list("Resource Names", None, Some("resource"), &names);
    Ok(CrmExit::OK)
}

/// `--list`: the resource list with status.
pub(super) fn list_resources(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let all = vec!["*".to_string()];
    let opts = show::INACTIVE_RSCS | show::RSC_ONLY | show::PENDING;
    let printed = if ctx.out.is_xml() {
        rsc::resource_list(
            s,
            &mut Sink::Xml(&mut ctx.out.xml_out),
            opts,
            true,
            &all,
            &all,
            false,
        )
    } else {
        rsc::resource_list(
            s,
            &mut Sink::Text(&mut ctx.out.text),
            opts,
            true,
            &all,
            &all,
            false,
        )
    };
    Ok(if printed {
        CrmExit::OK
    } else {
        CrmExit::NoSuch
    })
}

/// `--query-xml` (`expanded`) and `--query-xml-raw`.
pub(super) fn query_xml(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    expanded: bool,
) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let all = vec!["*".to_string()];
    let xml = if expanded {
        Some(s.rscs[rsc].xml.clone())
    } else {
        let id = s.rscs[rsc].xml.id().unwrap_or_default();
        ctx.cib_xml
            .as_ref()
            .and_then(|c| c.child("configuration"))
            .and_then(|c| c.child("resources"))
            .and_then(|r| r.descendants().find(|e| e.id() == Some(id)))
            .cloned()
    };
    let pretty = xml.map(|e| e.to_pretty()).unwrap_or_default();
    if ctx.out.is_xml() {
        ctx.out.xml_out.begin_list("Resource Config");
        rsc::resource(
            s,
            &mut Sink::Xml(&mut ctx.out.xml_out),
            show::PENDING,
            rsc,
            &all,
            &all,
        );
        let e = ctx.out.cdata.element("xml", &pretty);
        ctx.out.xml_out.add(e);
        ctx.out.xml_out.end_list();
    } else {
        rsc::resource(
            s,
            &mut Sink::Text(&mut ctx.out.text),
            show::PENDING,
            rsc,
            &all,
            &all,
        );
        ctx.out.text.raw("Resource XML:\n");
        ctx.out.text.raw(&pretty);
    }
    Ok(CrmExit::OK)
}

/// The history entries of resources on nodes (`find_operations`), each
/// with its resource and node name.
fn find_operations(
    s: &Scheduler,
    rsc_id: Option<&str>,
    node: Option<&str>,
    active_filter: bool,
) -> Vec<(Element, String, String)> {
    let mut out = Vec::new();
    let Some(status) = s.input.child("status") else {
        return out;
    };
    let fencing = s.has(pcmk_schedulerd::model::SchedFlags::FENCING_ENABLED);
    for ns in status.children_named("node_state") {
        let uname = ns.attr("uname").unwrap_or_default();
        if node.is_some_and(|n| !n.eq_ignore_ascii_case(uname)) {
            continue;
        }
        let Some(n) = s.find_node(uname) else {
            continue;
        };
        if !s.nodes[n].online && !fencing {
            continue;
        }
        let lrm_rscs = ns
            .child("lrm")
            .and_then(|l| l.child("lrm_resources"))
            .into_iter()
            .flat_map(|l| l.children_named("lrm_resource"));
        for lr in lrm_rscs {
            let id = lr.id().unwrap_or_default();
            if rsc_id.is_some_and(|r| r != id) {
                continue;
            }
            let mut ops: Vec<&Element> = lr.children_named("lrm_rsc_op").collect();
            ops.reverse();
            ops.sort_by(|a, b| newer_op(a, b));
            let mut chosen: Vec<&Element> = ops.clone();
            if active_filter {
                let (start, stop) = calculate_active_ops(&ops);
                chosen.clear();
                if start >= stop {
                    for (i, op) in ops.iter().enumerate() {
                        if (i as i64) + 1 < start {
                            continue;
                        }
                        chosen.push(op);
                    }
                }
            }
            for op in chosen {
                out.push(((*op).clone(), id.to_string(), uname.to_string()));
            }
        }
    }
    out
}

fn exec_status(status: i64) -> &'static str {
    match status {
        -1 => "Pending",
        0 => "Done",
        1 => "Cancelled",
        2 => "Timed out",
        3 => "Unsupported",
        4 => "Error",
        5 => "Hard error",
        6 => "Not installed",
        7 => "Not connected",
        8 => "Invalid",
        9 => "Removed",
        10 => "Not configured",
        _ => "Unknown",
    }
}

/// `--list-operations` (`active`) and `--list-all-operations`.
pub(super) fn operations(
    ctx: &mut Ctx<'_>,
    active: bool,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let node_name = node.map(|n| s.nodes[n].name.clone());
    let ops = find_operations(
        s,
        ctx.args.resource.as_deref(),
        node_name.as_deref(),
        active,
    );
    if ops.is_empty() {
        return Ok(CrmExit::OK);
    }
    let xml = ctx.out.is_xml();
    if xml {
        ctx.out.xml_out.begin_list("Resource Operations");
    } else {
        ctx.out.text.begin_list(None, Some("Resource Operations"));
    }
    for (op, rsc_id, uname) in &ops {
        let status = op
            .attr("op-status")
            .map_or(-1, |v| i64::from(pcmk_common::values::scan_min_int(v, -1)));
        let key = pcmk_schedulerd::unpack::ops::history_key(op);
        let rsc = super::find_resource(s, rsc_id, super::FIND_HISTORY);
        let last_change = op
            .attr("last-rc-change")
            .and_then(|v| v.trim().parse::<i64>().ok());
        if xml {
            let mut e = Element::new("operation")
                .with_attr("op", key)
                .with_attr("node", uname.as_str())
                .with_attr("call", op.attr("call-id").unwrap_or_default())
                .with_attr("rc", op.attr("rc-code").unwrap_or_default())
                .with_attr("status", exec_status(status));
            if let Some(r) = rsc {
                let x = &s.rscs[r].xml;
                let class = x.attr("class").unwrap_or_default();
                let provider = if class.eq_ignore_ascii_case("ocf") {
                    x.attr("provider").unwrap_or_default()
                } else {
                    ""
                };
                e.set_attr("rsc", rsc::printable_id(s, r));
                e.set_attr(
                    "agent",
                    format!("{class}:{provider}:{}", x.attr("type").unwrap_or_default()),
                );
            }
            if let Some(t) = last_change {
                e.set_attr("last-rc-change", crate::timefmt::ctime(t));
                e.set_attr("exec-time", op.attr("exec-time").unwrap_or_default());
            }
            ctx.out.xml_out.add(e);
        } else {
            let node_str = match rsc {
                Some(r) => {
                    let n = s.current_node(r).or(s.rscs[r].pending_node);
                    rsc::primitive_string(
                        s,
                        r,
                        rsc::printable_id(s, r),
                        n,
                        show::RSC_ONLY | show::PENDING,
                        false,
                    )
                }
                None => format!("Unknown resource {rsc_id}"),
            };
            let change = last_change
                .map(|t| {
                    format!(
                        ", last-rc-change='{}', exec={}ms",
                        crate::timefmt::ctime(t),
                        op.attr("exec-time").unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            ctx.out.text.item(
                None,
                &format!(
                    "{node_str}: {key} (node={uname}, call={}, rc={}{change}): {}",
                    op.attr("call-id").unwrap_or_default(),
                    op.attr("rc-code").unwrap_or_default(),
                    exec_status(status)
                ),
            );
        }
    }
    if xml {
        ctx.out.xml_out.end_list();
    } else {
        ctx.out.text.end_list();
    }
    Ok(CrmExit::OK)
}

/// `--list-cts` (hidden): resources and colocations for the CTS lab.
pub(super) fn cts(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    fn print(s: &Scheduler, r: RscIdx, lines: &mut Vec<String>) {
        let rsc = &s.rscs[r];
        let x = &rsc.xml;
        let host = s.current_node(r).map_or("NA", |n| s.nodes[n].name.as_str());
        let needs_quorum = i32::from(!rsc.has(RscFlags::FENCE_DEVICE));
        lines.push(format!(
            "Resource: {} {} {} {} {} {} {} {} {} {} {:#018x}",
            x.name,
            rsc.id,
            rsc.history_id.as_deref().unwrap_or(&rsc.id),
            rsc.parent.map_or("NA", |p| s.rscs[p].id.as_str()),
            x.attr("provider").unwrap_or("NA"),
            x.attr("class").unwrap_or("(null)"),
            x.attr("type").unwrap_or("(null)"),
            host,
            needs_quorum,
            rsc.flags.0,
            rsc.flags.0
        ));
        for &c in &rsc.children {
            print(s, c, lines);
        }
    }
    let mut lines = Vec::new();
    for &r in &s.top {
        print(s, r, &mut lines);
    }
    if let Some(cons) = s
        .input
        .child("configuration")
        .and_then(|c| c.child("constraints"))
    {
        for c in cons.children_named("rsc_colocation") {
            if c.id().is_none() {
                continue;
            }
            let v = |k: &str| c.attr(k).unwrap_or("NA").to_string();
            lines.push(format!(
                "Constraint rsc_colocation {} {} {} {} {} {}",
                v("id"),
                v("rsc"),
                v("with-rsc"),
                v("score"),
                v("rsc-role"),
                v("with-rsc-role")
            ));
        }
    }
    for l in lines {
        ctx.out.info(&l);
    }
    Ok(CrmExit::OK)
}

/// `--digests`: not available until the scheduler library exposes the
/// digests' parameter sets.
pub(super) fn digests(
    _ctx: &mut Ctx<'_>,
    _rsc: Option<RscIdx>,
    _node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    Err((
        CrmExit::UnimplementFeature,
        Some("--digests is not supported by this version".into()),
    ))
}
