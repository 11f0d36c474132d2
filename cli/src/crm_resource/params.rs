//! `--set-parameter`, `--get-parameter` and `--delete-parameter`: resource
//! instance attributes, meta-attributes, utilization and XML attributes of
//! the resource element (`cli_resource_update_attribute()`,
//! `cli_resource_delete_attribute()` of Pacemaker's `crm_resource`).

use pcmk_based::request::{CallOptions, Operation};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_schedulerd::model::{RscIdx, Variant};

use super::{Ctx, Failed, SetType, clone_strip};
use crate::cib_attrs::{is_multiple, nvpair};
use crate::cib_session::Failure;

/// A search for a resource's name/value pair (`find_resource_attr`).
struct Find<'a> {
    rsc: &'a str,
    set_type: Option<&'a str>,
    set_name: Option<&'a str>,
    attr_id: Option<&'a str>,
    attr_name: Option<&'a str>,
}

/// Finds a resource's pair; several matches are listed and are
/// `ENOTUNIQ` (the result is still returned).
fn find_attr(ctx: &mut Ctx<'_>, f: &Find<'_>) -> (Result<Element, Failure>, bool) {
    let mut xpath = format!("/cib/configuration/resources//*[@id=\"{}\"]", f.rsc);
    if let Some(t) = f.set_type {
        xpath.push_str(&format!("/{t}"));
        if let Some(s) = f.set_name {
            xpath.push_str(&format!("[@id=\"{s}\"]"));
        }
    }
    xpath.push_str("//nvpair");
    match (f.attr_id, f.attr_name) {
        (Some(id), Some(name)) => xpath.push_str(&format!("[@id='{id}' and @name='{name}']")),
        (Some(id), None) => xpath.push_str(&format!("[@id='{id}']")),
        (None, Some(name)) => xpath.push_str(&format!("[@name='{name}']")),
        (None, None) => {}
    }
    let r = match ctx.cib() {
        Ok(c) => c.xpath(&xpath),
        Err(_) => Err(Failure::new(
            CrmExit::Disconnect,
            "Transport endpoint is not connected",
        )),
    };
    ctx.drain_log();
    let mut multiple = false;
    if let Ok(found) = &r {
        if is_multiple(found) {
            multiple = true;
            if let Some(name) = f.attr_name {
                ctx.out
                    .info(&format!("Multiple attributes match name={name}"));
                for m in found.elements() {
                    ctx.out.info(&format!(
                        "  Value: {} \t(id={})",
                        m.attr("value").unwrap_or("(null)"),
                        m.id().unwrap_or("(null)")
                    ));
                }
            }
            ctx.out.line("");
        }
    }
    (r, multiple)
}

/// The resource's element in the CIB as read at start-up.
fn cib_rsc(ctx: &Ctx<'_>, rsc: RscIdx) -> Option<Element> {
    let s = ctx.sched.as_ref()?;
    let id = s.rscs[rsc].xml.id()?;
    ctx.cib_xml
        .as_ref()?
        .child("configuration")?
        .child("resources")?
        .descendants()
        .find(|e| e.id() == Some(id))
        .cloned()
}

fn rc_of(f: &Failure) -> Failed {
    (f.exit, None)
}

/// One change made, for the `attribute-changed` messages.
struct Changed {
    element: String,
    rsc_id: String,
    set_type: String,
    set_id: Option<String>,
    attr_id: String,
    name: String,
    value: String,
    lookup_id: String,
}

/// `find_matching_attr_resources`: the resources an update or delete
/// applies to.
fn matching_resources(
    ctx: &mut Ctx<'_>,
    rsc: RscIdx,
    requested: &str,
    cmd: &str,
) -> Result<Vec<RscIdx>, Failed> {
    let a = ctx.args;
    let set_type = a.set_type.element();
    if a.force {
        return Ok(vec![rsc]);
    }
    let (parent, children, variant) = {
        let s = ctx.sched()?;
        let r = &s.rscs[rsc];
        (r.parent, r.children.clone(), r.variant)
    };
    let name = a.prop_name.clone().unwrap_or_default();
    let parent_is_clone = parent.is_some_and(|p| {
        ctx.sched
            .as_ref()
            .is_some_and(|s| s.rscs[p].variant == Variant::Clone)
    });
    if parent_is_clone {
        let f = Find {
            rsc: requested,
            set_type: Some(set_type),
            set_name: a.prop_set.as_deref(),
            attr_id: a.prop_id.as_deref(),
            attr_name: a.prop_name.as_deref(),
        };
        let (r, multiple) = find_attr(ctx, &f);
        let mut target = rsc;
        if r.is_err() || multiple {
            if let Some(p) = parent {
                target = p;
                let pid = ctx.sched()?.rscs[p].id.clone();
                ctx.out.info(&format!(
                    "Performing {cmd} of '{name}' on '{pid}', the parent of '{requested}'"
                ));
            }
        }
        return Ok(vec![target]);
    }
    if parent.is_none() && !children.is_empty() && variant == Variant::Clone {
        let child = children[0];
        let (is_prim, lookup) = {
            let s = ctx.sched()?;
            (
                s.rscs[child].variant == Variant::Primitive,
                clone_strip(&s.rscs[child].id).to_string(),
            )
        };
        let mut target = rsc;
        if is_prim {
            let f = Find {
                rsc: &lookup,
                set_type: Some(set_type),
                set_name: a.prop_set.as_deref(),
                attr_id: a.prop_id.as_deref(),
                attr_name: a.prop_name.as_deref(),
            };
            let (r, multiple) = find_attr(ctx, &f);
            if r.is_ok() && !multiple {
                target = child;
                ctx.out.info(&format!(
                    "A value for '{name}' already exists in child '{lookup}', performing {cmd} on that instead of '{requested}'"
                ));
            }
        }
        return Ok(vec![target]);
    }
    let mut result = Vec::new();
    recurse_matching(ctx, rsc, 0, &mut result)?;
    Ok(result)
}

fn recurse_matching(
    ctx: &mut Ctx<'_>,
    rsc: RscIdx,
    depth: usize,
    result: &mut Vec<RscIdx>,
) -> Result<(), Failed> {
    let (children, is_clone, lookup) = {
        let s = ctx.sched()?;
        let r = &s.rscs[rsc];
        (
            r.children.clone(),
            r.variant == Variant::Clone,
            clone_strip(&r.id).to_string(),
        )
    };
    for c in children {
        recurse_matching(ctx, c, depth + 1, result)?;
        if is_clone {
            break;
        }
    }
    let a = ctx.args;
    let f = Find {
        rsc: &lookup,
        set_type: Some(a.set_type.element()),
        set_name: a.prop_set.as_deref(),
        attr_id: a.prop_id.as_deref(),
        attr_name: a.prop_name.as_deref(),
    };
    let (r, multiple) = find_attr(ctx, &f);
    if depth == 0 || (r.is_ok() && !multiple) {
        result.push(rsc);
    }
    Ok(())
}

/// `--set-parameter NAME -v VALUE`.
pub(super) fn set(ctx: &mut Ctx<'_>, rsc: Option<RscIdx>) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let a = ctx.args;
    let value = match a.prop_value.as_deref() {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => {
            return Err((
                CrmExit::Usage,
                Some("You need to supply a value with the -v option".into()),
            ));
        }
    };
    let name = a.prop_name.clone().unwrap_or_default();
    if a.set_type == SetType::Element {
        let Some(mut xml) = cib_rsc(ctx, rsc) else {
            return Err((CrmExit::NoSuch, None));
        };
        xml.set_attr(name.as_str(), value.as_str());
        let r = ctx.cib()?.change(
            Operation::Replace,
            Some("resources"),
            xml,
            CallOptions::default(),
        );
        ctx.drain_log();
        r.map_err(|f| rc_of(&f))?;
        ctx.out
            .info(&format!("Set attribute: name={name} value={value}"));
        return Ok(CrmExit::OK);
    }
    let requested = a.resource.clone().unwrap_or_default();
    let mut results = Vec::new();
    if a.recursive && a.set_type == SetType::Meta {
        ctx.sched
            .as_mut()
            .map(pcmk_schedulerd::Scheduler::unpack_constraints);
    }
    let mut visited = Vec::new();
    update_attribute(
        ctx,
        rsc,
        &requested,
        &name,
        &value,
        &mut visited,
        &mut results,
        true,
    )?;
    changed_list(ctx, &results);
    Ok(CrmExit::OK)
}

#[allow(clippy::too_many_arguments)]
fn update_attribute(
    ctx: &mut Ctx<'_>,
    rsc: RscIdx,
    requested: &str,
    name: &str,
    value: &str,
    visited: &mut Vec<RscIdx>,
    results: &mut Vec<Changed>,
    top_call: bool,
) -> Result<(), Failed> {
    let a = ctx.args;
    let force = a.force;
    let (attr_set, attr_id) = if top_call {
        (a.prop_set.clone(), a.prop_id.clone())
    } else {
        (None, None)
    };
    let set_type = a.set_type.element();
    let top_id = {
        let s = ctx.sched()?;
        s.rscs[s.top_rsc(rsc, false)].id.clone()
    };
    if attr_id.is_none() && !force {
        let f = Find {
            rsc: &top_id,
            set_type: None,
            set_name: None,
            attr_id: None,
            attr_name: Some(name),
        };
        let _ = find_attr(ctx, &f);
    }
    // resources_with_attr
    let mut resources = if a.set_type == SetType::Instance {
        if !force {
            let f = Find {
                rsc: &top_id,
                set_type: Some("meta_attributes"),
                set_name: attr_set.as_deref(),
                attr_id: attr_id.as_deref(),
                attr_name: Some(name),
            };
            let (r, multiple) = find_attr(ctx, &f);
            if let Ok(found) = r {
                let found_id = if multiple {
                    None
                } else {
                    found.id().map(str::to_string)
                };
                if !ctx.out.quiet {
                    let shown = found_id.as_deref().unwrap_or("(null)");
                    ctx.out.err_raw(&format!(
                        "WARNING: There is already a meta attribute for '{top_id}' called '{name}' (id={shown})"
                    ));
                    ctx.out.err_raw(&format!(
                        "         Delete '{shown}' first or use the force option to override"
                    ));
                }
                return Err((CrmExit::Multiple, None));
            }
        }
        vec![rsc]
    } else {
        matching_resources(ctx, rsc, requested, "update")?
    };
    if attr_set.is_some() || attr_id.is_some() {
        if let Some(last) = resources.pop() {
            resources = vec![last];
        }
    }
    for r in resources {
        let (lookup, element_name) = {
            let s = ctx.sched()?;
            (
                clone_strip(&s.rscs[r].id).to_string(),
                s.rscs[r].xml.name.clone(),
            )
        };
        let f = Find {
            rsc: &lookup,
            set_type: Some(set_type),
            set_name: attr_set.as_deref(),
            attr_id: attr_id.as_deref(),
            attr_name: Some(name),
        };
        let (found, multiple) = find_attr(ctx, &f);
        if multiple {
            return Err((CrmExit::Multiple, None));
        }
        let (input, rsc_attr_id, set_id) = match found {
            Ok(pair) => {
                let id = pair.id().unwrap_or_default().to_string();
                (
                    nvpair(Some(&id), None, Some(name), Some(value)),
                    id,
                    attr_set.clone(),
                )
            }
            Err(f) if f.is_no_such() => {
                let set_id = attr_set
                    .clone()
                    .unwrap_or_else(|| format!("{lookup}-{set_type}"));
                let pair_id = attr_id
                    .clone()
                    .unwrap_or_else(|| format!("{set_id}-{name}"));
                if cib_rsc(ctx, r).is_none() {
                    return Err((CrmExit::NoSuch, None));
                }
                let top = Element::new(element_name.as_str())
                    .with_attr("id", lookup.as_str())
                    .with_child(
                        Element::new(set_type)
                            .with_attr("id", set_id.as_str())
                            .with_child(nvpair(Some(&pair_id), None, Some(name), Some(value))),
                    );
                (top, pair_id, Some(set_id))
            }
            Err(f) => return Err(rc_of(&f)),
        };
        let rsc_id = ctx.sched()?.rscs[r].id.clone();
        let res = ctx.cib()?.change(
            Operation::Modify,
            Some("resources"),
            input,
            CallOptions::default(),
        );
        ctx.drain_log();
        res.map_err(|f| rc_of(&f))?;
        results.push(Changed {
            element: element_name,
            rsc_id,
            set_type: set_type.to_string(),
            set_id,
            attr_id: rsc_attr_id,
            name: name.to_string(),
            value: value.to_string(),
            lookup_id: lookup.clone(),
        });
        if ctx.args.recursive && ctx.args.set_type == SetType::Meta {
            visited.push(r);
            let deps: Vec<(RscIdx, i32)> = {
                let s = ctx.sched()?;
                s.rscs[r]
                    .with_this
                    .iter()
                    .map(|&c| (s.colocations[c].dependent, s.colocations[c].score))
                    .collect()
            };
            for (dep, score) in deps {
                if visited.contains(&dep) || score <= 0 {
                    continue;
                }
                let dep_id = ctx.sched()?.rscs[dep].id.clone();
                update_attribute(ctx, dep, &dep_id, name, value, visited, results, false)?;
            }
        }
    }
    Ok(())
}

/// The `attribute-changed-list` message.
fn changed_list(ctx: &mut Ctx<'_>, results: &[Changed]) {
    if results.is_empty() {
        return;
    }
    if ctx.out.is_xml() {
        ctx.out
            .xml_out
            .push_parent(Element::new("resource-settings"));
        for c in results {
            ctx.out
                .xml_out
                .push_parent(Element::new(c.element.as_str()).with_attr("id", c.rsc_id.as_str()));
            let mut set = Element::new(c.set_type.as_str());
            if let Some(s) = &c.set_id {
                set.set_attr("id", s.as_str());
            }
            ctx.out.xml_out.push_parent(set);
            ctx.out.xml_out.add(
                Element::new("nvpair")
                    .with_attr("id", c.attr_id.as_str())
                    .with_attr("value", c.value.as_str())
                    .with_attr("name", c.name.as_str()),
            );
            ctx.out.xml_out.pop_parent();
            ctx.out.xml_out.pop_parent();
        }
        ctx.out.xml_out.pop_parent();
        return;
    }
    for c in results {
        ctx.out.info(&format!(
            "Set '{}' option: id={}{} name={} value={}",
            c.lookup_id,
            c.attr_id,
            c.set_id
                .as_deref()
                .map(|s| format!(" set={s}"))
                .unwrap_or_default(),
            c.name,
            c.value
        ));
    }
}

/// `--get-parameter NAME`.
pub(super) fn get(ctx: &mut Ctx<'_>, rsc: Option<RscIdx>) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let name = ctx.args.prop_name.clone().unwrap_or_default();
    let s = ctx.sched()?;
    let (current, count, _) = s.active_node(rsc);
    let r = &s.rscs[rsc];
    let mut warn = None;
    let current = if count > 1 {
        warn = Some(format!(
            "{} is active on more than one node, returning the default value for {}",
            r.id,
            if name.is_empty() {
                "unspecified property"
            } else {
                &name
            }
        ));
        None
    } else {
        current
    };
    let value = match ctx.args.set_type {
        SetType::Instance => s.rsc_params(rsc, current).get(&name).cloned(),
        SetType::Meta => r.meta(&name).map(str::to_string),
        SetType::Element => r.xml.attr(&name).map(str::to_string),
        SetType::Utilization => r
            .utilization
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone()),
    };
    let rsc_id = r.id.clone();
    if let Some(w) = warn {
        ctx.out.err_raw(&w);
    }
    match value {
        Some(v) => {
            if ctx.out.is_xml() {
                ctx.out.xml_out.begin_list("Attributes");
                ctx.out.xml_out.item(Some(&name), &v);
                ctx.out.xml_out.end_list();
            } else {
                ctx.out.line(&v);
            }
        }
        None => ctx
            .out
            .err_raw(&format!("Attribute '{name}' not found for '{rsc_id}'")),
    }
    Ok(CrmExit::OK)
}

/// `--delete-parameter NAME`.
pub(super) fn delete(ctx: &mut Ctx<'_>, rsc: Option<RscIdx>) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let a = ctx.args;
    let name = a.prop_name.clone().unwrap_or_default();
    if a.prop_id.is_none() && !a.force {
        let top_id = {
            let s = ctx.sched()?;
            s.rscs[s.top_rsc(rsc, false)].id.clone()
        };
        let f = Find {
            rsc: &top_id,
            set_type: None,
            set_name: None,
            attr_id: None,
            attr_name: Some(&name),
        };
        let _ = find_attr(ctx, &f);
    }
    if a.set_type == SetType::Element {
        let Some(mut xml) = cib_rsc(ctx, rsc) else {
            return Err((CrmExit::NoSuch, None));
        };
        xml.remove_attr(&name);
        let r = ctx.cib()?.change(
            Operation::Replace,
            Some("resources"),
            xml,
            CallOptions::default(),
        );
        ctx.drain_log();
        r.map_err(|f| rc_of(&f))?;
        ctx.out.info(&format!("Deleted attribute: {name}"));
        return Ok(CrmExit::OK);
    }
    let requested = a.resource.clone().unwrap_or_default();
    let resources = if a.set_type == SetType::Meta {
        matching_resources(ctx, rsc, &requested, "delete")?
    } else {
        vec![rsc]
    };
    let mut last = Ok(CrmExit::OK);
    for r in resources {
        let lookup = clone_strip(&ctx.sched()?.rscs[r].id).to_string();
        let f = Find {
            rsc: &lookup,
            set_type: Some(a.set_type.element()),
            set_name: a.prop_set.as_deref(),
            attr_id: a.prop_id.as_deref(),
            attr_name: Some(&name),
        };
        let (found, multiple) = find_attr(ctx, &f);
        if multiple {
            return Err((CrmExit::Multiple, None));
        }
        let found_id = match found {
            Ok(p) => p.id().unwrap_or_default().to_string(),
            Err(f) if f.is_no_such() => continue,
            Err(f) => return Err(rc_of(&f)),
        };
        let id = a.prop_id.clone().unwrap_or_else(|| found_id.clone());
        let pair = nvpair(Some(&id), None, Some(&name), None);
        let res = ctx.cib()?.change(
            Operation::Delete,
            Some("resources"),
            pair,
            CallOptions::default(),
        );
        ctx.drain_log();
        match res {
            Ok(_) => {
                ctx.out.info(&format!(
                    "Deleted '{lookup}' option: id={found_id}{} name={name}",
                    a.prop_set
                        .as_deref()
                        .map(|s| format!(" set={s}"))
                        .unwrap_or_default()
                ));
            }
            Err(f) => last = Err(rc_of(&f)),
        }
    }
    last
}
