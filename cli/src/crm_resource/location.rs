//! `--move`, `--ban` and `--clear`: the `cli-prefer-*` and `cli-ban-*`
//! location constraints, with an optional lifetime (Pacemaker's
//! `crm_resource_ban.c` and `cli_resource_move()`).

use pcmk_based::request::{CallOptions, Operation};
use pcmk_common::exit::CrmExit;
use pcmk_common::iso8601::{DateTime, Duration, LocalTime, TimeFormat};
use pcmk_common::xml::Element;
use pcmk_common::xpath::XPath;
use pcmk_schedulerd::model::{NodeIdx, Role, RscFlags, RscIdx};

use super::{Ctx, Failed};

/// When a constraint given `lifetime` ends, as Pacemaker writes it
/// (`parse_cli_lifetime`); `Err` after reporting an invalid duration.
fn lifetime_end(ctx: &mut Ctx<'_>, lifetime: Option<&str>) -> Result<Option<String>, ()> {
    let Some(l) = lifetime else {
        return Ok(None);
    };
    let Ok(duration) = Duration::parse(l) else {
        ctx.out.err_raw(&format!(
            "Invalid duration specified: {l}\nPlease refer to https://en.wikipedia.org/wiki/ISO_8601#Durations for examples of valid durations"
        ));
        return Err(());
    };
    let now = DateTime::now(&LocalTime::system());
    let later = now.add(&duration);
    let s = later.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WITH_TIMEZONE);
    ctx.out
        .info(&format!("Migration will take effect until: {s}"));
    Ok(Some(s))
}

fn modify_constraints(ctx: &mut Ctx<'_>, fragment: Element) -> Result<(), CrmExit> {
    let r = ctx.cib().map_err(|(e, _)| e)?.change(
        Operation::Modify,
        Some("constraints"),
        fragment,
        CallOptions::default(),
    );
    ctx.drain_log();
    r.map(|_| ()).map_err(|f| f.exit)
}

/// `cli_resource_ban`: a `cli-ban-RSC-on-NODE` constraint.
pub(super) fn ban_on(
    ctx: &mut Ctx<'_>,
    rsc_id: &str,
    host: &str,
    promoted_only: bool,
    promoted_role: &str,
) -> Result<(), CrmExit> {
    let lifetime = ctx.args.lifetime.clone();
    let Ok(later) = lifetime_end(ctx, lifetime.as_deref()) else {
        return Err(CrmExit::Usage);
    };
    let id = format!("cli-ban-{rsc_id}-on-{host}");
    ctx.out.info(&format!(
        "WARNING: Creating rsc_location constraint '{id}' with a score of -INFINITY for resource {rsc_id} on {host}.\n\tThis will prevent {rsc_id} from {} on {host} until the constraint is removed using the clear option or by editing the CIB with an appropriate tool.\n\tThis will be the case even if {host} is the last node in the cluster",
        if promoted_only { "being promoted" } else { "running" }
    ));
    let mut location = Element::new("rsc_location")
        .with_attr("id", id.as_str())
        .with_attr("rsc", rsc_id)
        .with_attr(
            "role",
            if promoted_only {
                promoted_role
            } else {
                "Started"
            },
        );
    match &later {
        None => {
            location.set_attr("node", host);
            location.set_attr("score", "-INFINITY");
        }
        Some(end) => {
            let rule = Element::new("rule")
                .with_attr("id", format!("{id}-rule"))
                .with_attr("score", "-INFINITY")
                .with_attr("boolean-op", "and")
                .with_child(
                    Element::new("expression")
                        .with_attr("id", format!("{id}-expr"))
                        .with_attr("attribute", "#uname")
                        .with_attr("operation", "eq")
                        .with_attr("value", host)
                        .with_attr("type", "string"),
                )
                .with_child(
                    Element::new("date_expression")
                        .with_attr("id", format!("{id}-lifetime"))
                        .with_attr("operation", "lt")
                        .with_attr("end", end.as_str()),
                );
            location.push(rule);
        }
    }
    let r = modify_constraints(ctx, Element::new("constraints").with_child(location));
    if r.is_err()
        && promoted_only
        && promoted_role == "Promoted"
        && ban_on(ctx, rsc_id, host, promoted_only, "Master").is_ok()
    {
        return Ok(());
    }
    r
}

/// `cli_resource_prefer`: a `cli-prefer-RSC` constraint.
fn prefer(
    ctx: &mut Ctx<'_>,
    rsc_id: &str,
    host: &str,
    promoted_only: bool,
    promoted_role: &str,
) -> Result<(), CrmExit> {
    let lifetime = ctx.args.lifetime.clone();
    let Ok(later) = lifetime_end(ctx, lifetime.as_deref()) else {
        return Err(CrmExit::Usage);
    };
    let mut location = Element::new("rsc_location")
        .with_attr("id", format!("cli-prefer-{rsc_id}"))
        .with_attr("rsc", rsc_id)
        .with_attr(
            "role",
            if promoted_only {
                promoted_role
            } else {
                "Started"
            },
        );
    match &later {
        None => {
            location.set_attr("node", host);
            location.set_attr("score", "INFINITY");
        }
        Some(end) => {
            location.push(
                Element::new("rule")
                    .with_attr("id", format!("cli-prefer-rule-{rsc_id}"))
                    .with_attr("score", "INFINITY")
                    .with_attr("boolean-op", "and")
                    .with_child(
                        Element::new("expression")
                            .with_attr("id", format!("cli-prefer-expr-{rsc_id}"))
                            .with_attr("attribute", "#uname")
                            .with_attr("operation", "eq")
                            .with_attr("value", host)
                            .with_attr("type", "string"),
                    )
                    .with_child(
                        Element::new("date_expression")
                            .with_attr("id", format!("cli-prefer-lifetime-end-{rsc_id}"))
                            .with_attr("operation", "lt")
                            .with_attr("end", end.as_str()),
                    ),
            );
        }
    }
    let r = modify_constraints(ctx, Element::new("constraints").with_child(location));
    if r.is_err()
        && promoted_only
        && promoted_role == "Promoted"
        && prefer(ctx, rsc_id, host, promoted_only, "Master").is_ok()
    {
        return Ok(());
    }
    r
}

/// `cli_resource_clear` for one node, or every node of the status.
pub(super) fn clear_on(
    ctx: &mut Ctx<'_>,
    rsc_id: &str,
    host: Option<&str>,
    clear_bans: bool,
    force: bool,
) -> Result<(), CrmExit> {
    let Some(host) = host else {
        let names: Vec<String> = ctx
            .sched()
            .map_err(|(e, _)| e)?
            .node_order
            .iter()
            .map(|&n| {
                ctx.sched
                    .as_ref()
                    .map(|s| s.nodes[n].name.clone())
                    .unwrap_or_default()
            })
            .collect();
        for n in names {
            clear_on(ctx, rsc_id, Some(&n), clear_bans, force)?;
        }
        return Ok(());
    };
    let xpath = format!(
        "//rsc_location[@id='cli-prefer-{rsc_id}'][rule[@id='cli-prefer-rule-{rsc_id}']/expression[@attribute='#uname' and @value='{host}']]"
    );
    let r = ctx.cib().map_err(|(e, _)| e)?.delete_xpath(&xpath, false);
    ctx.drain_log();
    match r {
        Ok(_) => {}
        Err(f) if f.is_no_such() => {}
        Err(f) => return Err(f.exit),
    }
    let mut fragment = Element::new("constraints");
    if clear_bans {
        fragment.push(
            Element::new("rsc_location").with_attr("id", format!("cli-ban-{rsc_id}-on-{host}")),
        );
    }
    let mut prefer = Element::new("rsc_location").with_attr("id", format!("cli-prefer-{rsc_id}"));
    if !force {
        prefer.set_attr("node", host);
    }
    fragment.push(prefer);
    let r = ctx.cib().map_err(|(e, _)| e)?.change(
        Operation::Delete,
        Some("constraints"),
        fragment,
        CallOptions::default(),
    );
    ctx.drain_log();
    match r {
        Ok(_) => Ok(()),
        Err(f) if f.is_no_such() => Ok(()),
        Err(f) => Err(f.exit),
    }
}

/// The node a resource is active on and how many it is active on
/// (`pe__find_active_requires`).
fn active_requires(ctx: &Ctx<'_>, rsc: RscIdx) -> (Option<NodeIdx>, usize) {
    let Some(s) = ctx.sched.as_ref() else {
        return (None, 0);
    };
    let leaves = leaves(s, rsc);
    let mut nodes: Vec<NodeIdx> = Vec::new();
    let mut first = None;
    for l in leaves {
        let (n, _, _) = s.active_node(l);
        for &a in &s.rscs[l].active {
            if !nodes.contains(&a) {
                nodes.push(a);
            }
        }
        if first.is_none() {
            first = n;
        }
    }
    let count = if s.rscs[rsc].is_primitive() {
        s.active_node(rsc).1
    } else {
        nodes.len()
    };
    (first.or_else(|| nodes.first().copied()), count)
}

/// The primitives under a resource.
fn leaves(s: &pcmk_schedulerd::Scheduler, rsc: RscIdx) -> Vec<RscIdx> {
    if s.rscs[rsc].children.is_empty() {
        return vec![rsc];
    }
    s.rscs[rsc]
        .children
        .iter()
        .flat_map(|&c| leaves(s, c))
        .collect()
}

/// The promoted instances of a promotable clone, with their nodes.
fn promoted_instances(ctx: &Ctx<'_>, rsc: RscIdx) -> Vec<(RscIdx, Option<NodeIdx>)> {
    let Some(s) = ctx.sched.as_ref() else {
        return Vec::new();
    };
    s.rscs[rsc]
        .children
        .iter()
        .filter(|&&c| s.rscs[c].orig_role == Role::Promoted)
        .map(|&c| (c, s.current_node(c)))
        .collect()
}

/// `ban_or_move`: bans the resource from where it runs.
fn ban_or_move(ctx: &mut Ctx<'_>, rsc: RscIdx) -> Result<CrmExit, Failed> {
    let rsc_id = ctx.args.resource.clone().unwrap_or_default();
    let promoted_only = ctx.args.promoted;
    let (current, nactive) = active_requires(ctx, rsc);
    let promotable = ctx.sched()?.rscs[rsc].has(RscFlags::PROMOTABLE);
    if nactive == 1 {
        let host = ctx.sched()?.node_name(current).to_string();
        return ban_on(ctx, &rsc_id, &host, promoted_only, "Promoted")
            .map(|()| CrmExit::OK)
            .map_err(|e| (e, None));
    }
    if promotable {
        let promoted = promoted_instances(ctx, rsc);
        if promoted.len() == 1 {
            if let (_, Some(n)) = promoted[0] {
                let host = ctx.sched()?.nodes[n].name.clone();
                return ban_on(ctx, &rsc_id, &host, promoted_only, "Promoted")
                    .map(|()| CrmExit::OK)
                    .map_err(|e| (e, None));
            }
        }
        return Err((
            CrmExit::Usage,
            Some(format!(
                "Resource '{rsc_id}' not moved: active in {nactive} locations (promoted in {}).\nTo prevent '{rsc_id}' from running on a specific location, specify a node.To prevent '{rsc_id}' from being promoted at a specific location, specify a node and the --promoted option.",
                promoted.len()
            )),
        ));
    }
    Err((
        CrmExit::Usage,
        Some(format!(
            "Resource '{rsc_id}' not moved: active in {nactive} locations.\nTo prevent '{rsc_id}' from running on a specific location, specify a node."
        )),
    ))
}

/// `--ban`.
pub(super) fn ban(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    match node {
        None => ban_or_move(ctx, rsc),
        Some(n) => {
            let rsc_id = ctx.args.resource.clone().unwrap_or_default();
            let host = ctx.sched()?.nodes[n].name.clone();
            let promoted = ctx.args.promoted;
            ban_on(ctx, &rsc_id, &host, promoted, "Promoted")
                .map(|()| CrmExit::OK)
                .map_err(|e| (e, None))
        }
    }
}

/// `--move`.
pub(super) fn do_move(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let Some(mut rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let Some(dest) = node else {
        return ban_or_move(ctx, rsc);
    };
    let mut rsc_id = ctx.args.resource.clone().unwrap_or_default();
    let force = ctx.args.force;
    let mut promoted_only = ctx.args.promoted;
    if promoted_only && !ctx.sched()?.rscs[rsc].has(RscFlags::PROMOTABLE) {
        let p = super::uber_parent(ctx.sched()?, rsc);
        if ctx.sched()?.rscs[p].has(RscFlags::PROMOTABLE) {
            let pid = ctx.sched()?.rscs[p].id.clone();
            ctx.out.info(&format!(
                "Using parent '{}' for move instead of '{rsc_id}'",
                ctx.sched()?.rscs[rsc].id
            ));
            rsc_id = pid;
            rsc = p;
        } else {
            ctx.out.info(&format!(
                "Ignoring --promoted option: {rsc_id} is not promotable"
            ));
            promoted_only = false;
        }
    }
    let (mut current, mut count) = active_requires(ctx, rsc);
    if ctx.sched()?.rscs[rsc].has(RscFlags::PROMOTABLE) {
        let promoted = promoted_instances(ctx, rsc);
        if promoted_only || !promoted.is_empty() {
            count = promoted.len();
            current = promoted.last().and_then(|(_, n)| *n);
            if let Some((c, _)) = promoted.last() {
                rsc = *c;
            }
        }
    }
    let is_clone = ctx.sched()?.rscs[rsc].variant == pcmk_schedulerd::model::Variant::Clone;
    if count > 1 {
        if !is_clone {
            return Err((CrmExit::Multiple, None));
        }
        current = None;
    }
    let mut cur_is_dest = false;
    if current == Some(dest) {
        if !force {
            return Err((CrmExit::Exists, None));
        }
        cur_is_dest = true;
    }
    let dest_name = ctx.sched()?.nodes[dest].name.clone();
    let _ = clear_on(ctx, &rsc_id, None, false, force);
    let _ = clear_on(ctx, &rsc_id, Some(&dest_name), true, force);
    let r = prefer(ctx, &rsc_id, &dest_name, promoted_only, "Promoted");
    if force && !cur_is_dest {
        if let Some(c) = current {
            let host = ctx.sched()?.nodes[c].name.clone();
            let _ = ban_on(ctx, &rsc_id, &host, promoted_only, "Promoted");
        } else if count > 1 {
            let active = if promoted_only { "promoted" } else { "active" };
            ctx.out.info(&format!(
                "Resource '{rsc_id}' is currently {active} in {count} locations. One may now move to {dest_name}"
            ));
            ctx.out.info(&format!(
                "To prevent '{rsc_id}' from being {active} at a specific location, specify a node"
            ));
        }
    }
    r.map(|()| CrmExit::OK).map_err(|e| (e, None))
}

/// The ids of every `rsc_location` constraint, sorted.
fn constraint_ids(cib: &Element) -> Vec<String> {
    let mut ids: Vec<String> = XPath::parse("//rsc_location")
        .and_then(|x| x.select_elements(cib))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.id().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// `--clear` (with `--expired`: only constraints whose lifetime ended).
pub(super) fn clear(ctx: &mut Ctx<'_>, node: Option<NodeIdx>) -> Result<CrmExit, Failed> {
    let quiet = ctx.out.quiet;
    let before = if quiet {
        Vec::new()
    } else {
        ctx.cib_xml.as_ref().map(constraint_ids).unwrap_or_default()
    };
    let rsc_id = ctx.args.resource.clone();
    let node_name = match node {
        Some(n) => Some(ctx.sched()?.nodes[n].name.clone()),
        None => None,
    };
    let r = if ctx.args.clear_expired {
        clear_expired(ctx, rsc_id.as_deref(), node_name.as_deref())
    } else {
        let force = ctx.args.force;
        clear_on(
            ctx,
            rsc_id.as_deref().unwrap_or_default(),
            node_name.as_deref(),
            true,
            force,
        )
    };
    if quiet {
        return r.map(|()| CrmExit::OK).map_err(|e| (e, None));
    }
    super::unpack(ctx)?;
    let after = ctx.cib_xml.as_ref().map(constraint_ids).unwrap_or_default();
    for id in before.iter().filter(|b| !after.contains(b)) {
        ctx.out.info(&format!("Removing constraint: {id}"));
    }
    r.map(|()| CrmExit::OK).map_err(|e| (e, None))
}

/// `cli_resource_clear_all_expired`.
fn clear_expired(ctx: &mut Ctx<'_>, rsc: Option<&str>, node: Option<&str>) -> Result<(), CrmExit> {
    let Some(cib) = ctx.cib_xml.clone() else {
        return Ok(());
    };
    let now = DateTime::now(&LocalTime::system());
    let promoted = ctx.args.promoted;
    let locations = XPath::parse("//rsc_location")
        .and_then(|x| x.select_elements(&cib))
        .unwrap_or_default();
    for cons in locations {
        let Some(xpath) = clear_xpath(cons, rsc, node, promoted) else {
            continue;
        };
        let Some(expr) = XPath::parse(&xpath)
            .and_then(|x| x.select_elements(&cib))
            .ok()
            .and_then(|v| v.into_iter().next())
        else {
            continue;
        };
        let Some(end) = expr
            .attr("end")
            .and_then(|e| DateTime::parse_at(e, &LocalTime::system()).ok())
        else {
            continue;
        };
        if now > end {
            let fragment = Element::new("constraints").with_child(
                Element::new("rsc_location").with_attr("id", cons.id().unwrap_or_default()),
            );
            let r = ctx.cib().map_err(|(e, _)| e)?.change(
                Operation::Delete,
                Some("constraints"),
                fragment,
                CallOptions::default(),
            );
            ctx.drain_log();
            r.map_err(|f| f.exit)?;
        }
    }
    Ok(())
}

/// `build_clear_xpath_string`: where a `cli-*` constraint's lifetime is.
fn clear_xpath(
    cons: &Element,
    rsc: Option<&str>,
    node: Option<&str>,
    promoted: bool,
) -> Option<String> {
    let id = cons.id()?;
    if !id.starts_with("cli-ban-") && !id.starts_with("cli-prefer-") {
        return None;
    }
    let role_rule = "@role='Promoted' or @role='Master'";
    let mut buf = String::from("//rsc_location");
    let rsc_role = match (rsc, promoted) {
        (Some(r), true) => Some(format!("@rsc='{r}' and ({role_rule})")),
        (Some(r), false) => Some(format!("@rsc='{r}'")),
        (None, true) => Some(role_rule.to_string()),
        (None, false) => None,
    };
    if node.is_some() || rsc.is_some() || promoted {
        buf.push('[');
        if let Some(n) = node {
            buf.push_str(&format!("@node='{n}'"));
            if promoted || rsc.is_some() {
                buf.push_str(" and ");
            }
        }
        if let Some(rr) = &rsc_role {
            buf.push_str(rr);
        }
        buf.push(']');
    }
    if let Some(n) = node {
        buf.push_str("|//rsc_location");
        if let Some(rr) = &rsc_role {
            buf.push_str(&format!("[{rr}]"));
        }
        buf.push_str(&format!(
            "/rule[expression[@attribute='#uname' and @value='{n}']]"
        ));
    }
    buf.push_str("//date_expression[@id='");
    if id.starts_with("cli-ban-") {
        buf.push_str(&format!("{id}-lifetime']"));
    } else {
        buf.push_str(&format!(
            "cli-prefer-lifetime-end-{}']",
            cons.attr("rsc").unwrap_or_default()
        ));
    }
    Some(buf)
}
