//! The commands of `crm_resource` that act on the running cluster:
//! `--cleanup`, `--refresh` and `--fail` (through the attribute manager
//! and the controller; a dry run on a CIB file), `--delete`, and the
//! waiting commands `--wait` and `--restart`, which follow the transition
//! the scheduler library computes from the CIB.

use std::time::{Duration, Instant};

use pcmk_based::request::{CallOptions, Operation};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_schedulerd::model::{NodeIdx, RscFlags, RscIdx};
use pcmk_schedulerd::{ScheduleOptions, schedule};

use super::{Ctx, Failed, uber_parent};
use crate::daemons::{self, ResourceRef};

/// `--delete -t TYPE`.
pub(super) fn delete(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let Some(kind) = ctx.args.rsc_type.clone() else {
        return Err((
            CrmExit::Usage,
            Some("You need to specify a resource type with -t".into()),
        ));
    };
    let id = ctx.args.resource.clone().unwrap_or_default();
    let r = ctx.cib()?.change(
        Operation::Delete,
        Some("resources"),
        Element::new(kind).with_attr("id", id.as_str()),
        CallOptions::default(),
    );
    ctx.drain_log();
    match r {
        Ok(_) => Ok(CrmExit::OK),
        Err(f) => Err((
            f.exit,
            Some(format!("Could not delete resource {id}: {}", f.text)),
        )),
    }
}

/// The nodes a clean-up of `rsc` covers when no node is given.
fn cleanup_nodes(ctx: &Ctx<'_>, rsc: RscIdx) -> Vec<NodeIdx> {
    let Some(s) = ctx.sched.as_ref() else {
        return Vec::new();
    };
    let r = &s.rscs[rsc];
    let mut nodes: Vec<NodeIdx> = r.probed.iter().copied().collect();
    if nodes.is_empty() {
        nodes = if ctx.args.force {
            (0..s.nodes.len()).collect()
        } else if r.has(RscFlags::EXCLUSIVE_PROBES) {
            (0..s.nodes.len())
                .filter(|&n| s.allowed(rsc, n).is_some_and(|a| a.score >= 0))
                .collect()
        } else {
            (0..s.nodes.len())
                .filter(|&n| s.allowed(rsc, n).is_some())
                .collect()
        };
    }
    nodes.sort_unstable();
    nodes
}

/// `cli_resource_delete`: forgets a resource's history (and fail counts
/// when `just_failures`) on a node or on every node it was seen on.
fn resource_delete(
    ctx: &mut Ctx<'_>,
    rsc: RscIdx,
    node: Option<NodeIdx>,
    just_failures: bool,
) -> Result<(), CrmExit> {
    let (children, rsc_id) = match ctx.sched.as_ref() {
        Some(s) => (s.rscs[rsc].children.clone(), s.rscs[rsc].id.clone()),
        None => return Ok(()),
    };
    if !children.is_empty() {
        for c in children {
            resource_delete(ctx, c, node, just_failures)?;
        }
        return Ok(());
    }
    let Some(node) = node else {
        for n in cleanup_nodes(ctx, rsc) {
            let online = ctx.sched.as_ref().is_some_and(|s| s.nodes[n].online);
            if !online {
                continue;
            }
            resource_delete(ctx, rsc, Some(n), just_failures)?;
        }
        return Ok(());
    };
    let Some(s) = ctx.sched.as_ref() else {
        return Ok(());
    };
    let node_name = s.nodes[node].name.clone();
    if !s.nodes[node].probes_allowed {
        ctx.out.err_raw(&format!(
            "Unable to clean up {rsc_id} because resource discovery disabled on {node_name}"
        ));
        return Err(CrmExit::UnimplementFeature);
    }
    if !ctx.controller {
        ctx.out.err_raw(&format!(
            "Dry run: skipping clean-up of {rsc_id} on {node_name} due to CIB_file"
        ));
        return Ok(());
    }
    let r = &s.rscs[rsc];
    let fail_name = if r.has(RscFlags::UNIQUE) {
        r.history_id.clone().unwrap_or_else(|| r.id.clone())
    } else {
        super::clone_strip(r.history_id.as_deref().unwrap_or(&r.id)).to_string()
    };
    let op = ctx.args.operation.clone();
    let interval = ctx.args.interval.clone();
    if let Err(f) = daemons::attrd_clear_failures(
        Some(&fail_name),
        op.as_deref(),
        interval.as_deref(),
        Some(&node_name),
    ) {
        ctx.out.err_raw(&format!(
            "Unable to clean up {rsc_id} failures on {node_name}: {}",
            f.text
        ));
        return Err(f.exit);
    }
    let rref = ResourceRef {
        node: node_name.clone(),
        resource: r.history_id.clone().unwrap_or_else(|| r.id.clone()),
        class: r.xml.attr("class").unwrap_or_default().to_string(),
        provider: r.xml.attr("provider").unwrap_or_default().to_string(),
        agent: r.xml.attr("type").unwrap_or_default().to_string(),
        operation: if just_failures {
            op.unwrap_or_default()
        } else {
            String::new()
        },
        interval_ms: interval
            .as_deref()
            .and_then(|i| pcmk_common::values::parse_interval_spec(Some(i)).ok())
            .map_or(0, u64::from),
    };
    match daemons::delete_resource_history(&rref) {
        Ok(()) => {
            ctx.out.info(&format!("Cleaned up {rsc_id} on {node_name}"));
            Ok(())
        }
        Err(f) => {
            ctx.out.err_raw(&format!(
                "Cleaned {rsc_id} failures on {node_name}, but unable to clean history: {}",
                f.text
            ));
            Err(f.exit)
        }
    }
}

/// `--cleanup`.
pub(super) fn cleanup(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    match rsc {
        Some(mut r) => {
            if !ctx.args.force {
                r = uber_parent(ctx.sched()?, r);
            }
            match resource_delete(ctx, r, node, true) {
                Ok(()) => {
                    if !ctx.out.quiet {
                        super::why::show_checks(ctx, r, node)?;
                    }
                    Ok(CrmExit::OK)
                }
                Err(_) => Ok(CrmExit::OK),
            }
        }
        None => cleanup_all(ctx, node),
    }
}

/// `cli_cleanup_all`.
fn cleanup_all(ctx: &mut Ctx<'_>, node: Option<NodeIdx>) -> Result<CrmExit, Failed> {
    let node_name = match node {
        Some(n) => Some(ctx.sched()?.nodes[n].name.clone()),
        None => None,
    };
    let shown = node_name.clone().unwrap_or_else(|| "all nodes".into());
    if !ctx.controller {
        ctx.out.info(&format!(
            "Dry run: skipping clean-up of {shown} due to CIB_file"
        ));
        return Ok(CrmExit::OK);
    }
    let op = ctx.args.operation.clone();
    let interval = ctx.args.interval.clone();
    if let Err(f) = daemons::attrd_clear_failures(
        None,
        op.as_deref(),
        interval.as_deref(),
        node_name.as_deref(),
    ) {
        ctx.out.err_raw(&format!(
            "Unable to clean up all failures on {shown}: {}",
            f.text
        ));
        return Ok(f.exit);
    }
    // The history of every failed operation on the node(s).
    let s = ctx.sched()?;
    let mut targets: Vec<(RscIdx, NodeIdx)> = Vec::new();
    for op_xml in &s.failed_ops {
        let Some(rid) = op_xml.attr("rsc-id") else {
            continue;
        };
        let Some(uname) = op_xml.attr("uname").or_else(|| op_xml.attr("on_node")) else {
            continue;
        };
        let Some(n) = s.find_node(uname) else {
            continue;
        };
        if node.is_some_and(|want| want != n) {
            continue;
        }
        if let Some(op) = &op {
            if op_xml.attr("operation") != Some(op.as_str()) {
                continue;
            }
        }
        if let Some(r) = super::find_resource(s, rid, super::FIND_HISTORY) {
            if !targets.contains(&(r, n)) {
                targets.push((r, n));
            }
        }
    }
    let mut failed = None;
    for (r, n) in targets {
        if let Err(e) = resource_delete(ctx, r, Some(n), true) {
            failed = Some(e);
            break;
        }
    }
    match failed {
        None => {
            ctx.out
                .info(&format!("Cleaned up all resources on {shown}"));
            Ok(CrmExit::OK)
        }
        Some(e) => {
            ctx.out.err_raw(&format!(
                "Cleaned all resource failures on {shown}, but unable to clean history: {}",
                e.description()
            ));
            Ok(e)
        }
    }
}

/// `--refresh`.
pub(super) fn refresh(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    match rsc {
        Some(mut r) => {
            if !ctx.args.force {
                r = uber_parent(ctx.sched()?, r);
            }
            if resource_delete(ctx, r, node, false).is_ok() && !ctx.out.quiet {
                super::why::show_checks(ctx, r, node)?;
            }
            Ok(CrmExit::OK)
        }
        None => {
            let node_name = match node {
                Some(n) => Some(ctx.sched()?.nodes[n].name.clone()),
                None => None,
            };
            let shown = node_name.clone().unwrap_or_else(|| "all nodes".into());
            if !ctx.controller {
                ctx.out.info(&format!(
                    "Dry run: skipping clean-up of {shown} due to CIB_file"
                ));
                return Ok(CrmExit::OK);
            }
            let _ = daemons::attrd_clear_failures(None, None, None, node_name.as_deref());
            match daemons::reprobe(node_name.as_deref()) {
                Ok(()) => Ok(CrmExit::OK),
                Err(f) => Ok(f.exit),
            }
        }
    }
}

/// `--fail`.
pub(super) fn fail(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let (Some(rsc), Some(node)) = (rsc, node) else {
        return Ok(CrmExit::OK);
    };
    let s = ctx.sched()?;
    let requested = ctx.args.resource.clone().unwrap_or_default();
    let r = &s.rscs[rsc];
    if !r.is_primitive() {
        ctx.out.err_raw(&format!(
            "We can only process primitive resources, not {requested}"
        ));
        return Ok(CrmExit::Software);
    }
    if !s.nodes[node].online {
        ctx.out
            .err_raw(&format!("Node {} is not online", s.nodes[node].name));
        return Ok(CrmExit::Disconnect);
    }
    if !ctx.controller {
        ctx.out.err_raw(&format!(
            "Dry run: skipping fail of {requested} on {} due to CIB_file",
            s.nodes[node].name
        ));
        return Ok(CrmExit::OK);
    }
    let rref = ResourceRef {
        node: s.nodes[node].name.clone(),
        resource: r.history_id.clone().unwrap_or_else(|| r.id.clone()),
        class: r.xml.attr("class").unwrap_or_default().to_string(),
        provider: r.xml.attr("provider").unwrap_or_default().to_string(),
        agent: r.xml.attr("type").unwrap_or_default().to_string(),
        ..ResourceRef::default()
    };
    match daemons::fail_resource(&rref) {
        Ok(()) => Ok(CrmExit::OK),
        Err(f) => Ok(f.exit),
    }
}

/// Whether the CIB's transition still has actions to run
/// (`pcmk__simulate` on the current CIB).
fn actions_pending(ctx: &mut Ctx<'_>) -> Result<bool, Failed> {
    let doc = ctx.cib()?.whole().map_err(|f| (f.exit, None))?;
    ctx.drain_log();
    let result = schedule(
        &doc,
        &ScheduleOptions {
            now: crate::timefmt::now(),
            ..ScheduleOptions::default()
        },
    );
    Ok(result
        .graph
        .descendants()
        .any(|e| e.name == "rsc_op" || e.name == "crm_event"))
}

/// The time limit of `--wait` and `--restart` (`-T`), if any.
fn timeout(ctx: &Ctx<'_>) -> Option<Duration> {
    ctx.args
        .timeout
        .as_deref()
        .and_then(|t| pcmk_common::values::parse_ms(t).ok())
        .filter(|ms| *ms > 0)
        .and_then(|ms| u64::try_from(ms).ok())
        .map(Duration::from_millis)
}

/// `--wait`: until the transition the CIB calls for is empty.
pub(super) fn wait(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let limit = timeout(ctx);
    let start = Instant::now();
    let mut printed = false;
    loop {
        if !actions_pending(ctx)? {
            return Ok(CrmExit::OK);
        }
        if limit.is_some_and(|l| start.elapsed() >= l) {
            return Err((
                CrmExit::Timeout,
                Some("Timed out waiting for cluster to stabilize".into()),
            ));
        }
        if !printed && !ctx.out.quiet {
            ctx.out
                .info("Waiting for cluster to become idle (scheduler output empty)");
            printed = true;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// `--restart`: stops the resource through its target role, waits for
/// the stop, then restores the role and waits for the start.
pub(super) fn restart(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let s = ctx.sched()?;
    let r = &s.rscs[rsc];
    let id = ctx.args.resource.clone().unwrap_or_default();
    if !r.has(RscFlags::MANAGED) {
        ctx.out.err_raw("Unmanaged resources cannot be restarted.");
        return Ok(CrmExit::UnimplementFeature);
    }
    if super::super::crm_mon::rsc::active_nodes(s, rsc).is_empty() {
        ctx.out
            .err_raw(&format!("Resource '{id}' not restarted: not active"));
        return Ok(CrmExit::Software);
    }
    let _ = node;
    let top = s.rscs[s.top_rsc(rsc, false)].id.clone();
    let had_role = s.rscs[s.top_rsc(rsc, false)]
        .meta("target-role")
        .map(str::to_string);
    let set_role = |ctx: &mut Ctx<'_>, value: Option<&str>| -> Result<(), Failed> {
        let set_id = format!("{top}-meta_attributes");
        let pair_id = format!("{set_id}-target-role");
        let cib = ctx.cib()?;
        let r = match value {
            Some(v) => {
                let kind = cib
                    .xpath(&format!("/cib/configuration/resources//*[@id='{top}']"))
                    .map(|e| e.name.clone())
                    .unwrap_or_else(|_| "primitive".into());
                cib.change(
                    Operation::Modify,
                    Some("resources"),
                    Element::new(kind).with_attr("id", top.as_str()).with_child(
                        Element::new("meta_attributes").with_attr("id", set_id.as_str()).with_child(
                            Element::new("nvpair")
                                .with_attr("id", pair_id.as_str())
                                .with_attr("name", "target-role")
                                .with_attr("value", v),
                        ),
                    ),
                    CallOptions {
                        allow_create: true,
                        ..CallOptions::default()
                    },
                )
            }
            None => cib.delete_xpath(
                &format!("/cib/configuration/resources//*[@id='{top}']/meta_attributes/nvpair[@name='target-role']"),
                true,
            ),
        };
        ctx.drain_log();
        r.map(|_| ()).map_err(|f| (f.exit, Some(f.text)))
    };
    set_role(ctx, Some("Stopped"))?;
    let stopped = wait(ctx);
    set_role(ctx, had_role.as_deref())?;
    stopped?;
    wait(ctx)
}
