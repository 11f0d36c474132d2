//! 3.10 to 4.0 (`upgrade-3.10-0.xsl` to `upgrade-3.10-99.xsl`): what
//! schema 4.0 dropped.
//!
//! * step 0 resolves `id-ref` references into marked copies and step 99
//!   turns the copies whose original survived back into references;
//! * step 1 sorts name/value sets by score (after the other children,
//!   `cib-bootstrap-options` first), drops pairs without a value and the
//!   `moon` of date specs, renames the `crmd-*` cluster properties, drops
//!   `remove-after-stop`, turns `stonith-action=poweroff` into `off` and
//!   drops fencing levels above 9;
//! * step 2 keeps one pair per name and set (honouring `#default`), turns
//!   ping nodes into banned member nodes, legacy `master` resources into
//!   promotable clones, `masters` into `promoted-max`, and splits location
//!   constraints with several rules;
//! * step 3 folds `lifetime` rules of location constraints into their rule
//!   and drops the other `lifetime`s;
//! * step 4 drops nagios and upstart resources, rkt bundles and the
//!   `restart-type`, `can_fail` and `role_after_failure` meta-attributes.
//!
//! The messages are Pacemaker's.

use pcmk_common::score::Score;
use pcmk_common::xml::{Element, Node};

use super::Messages;

const PREFIX: &str = "pcmk__3_10_upgrade-";
/// Marks a copy made by step 0 (removed by step 99).
const COPY_MARK: &str = "__pcmk_upgrade_copy";

fn walk_mut(el: &mut Element, f: &mut dyn FnMut(&mut Element)) {
    f(el);
    for c in el.elements_mut() {
        walk_mut(c, f);
    }
}

/// Step 0: references to copies.
pub fn step0(doc: &mut Element, _m: &mut Messages) -> Result<(), String> {
    let snapshot = doc.clone();
    let mut missing = None;
    walk_mut(doc, &mut |el| {
        for c in el.elements_mut() {
            let Some(idref) = c.attr("id-ref").map(str::to_string) else {
                continue;
            };
            if c.name == "nvpair" && c.has_attr("name") {
                continue;
            }
            match snapshot.descendants().find(|e| e.id() == Some(&idref)) {
                Some(original) => {
                    let mut copy = original.clone();
                    copy.set_attr(COPY_MARK, "1");
                    *c = copy;
                }
                None => missing = Some(idref),
            }
        }
    });
    match missing {
        Some(id) => Err(format!("id-ref {id} refers to nothing")),
        None => Ok(()),
    }
}

/// Step 99: copies back to references.
pub fn step99(doc: &mut Element, _m: &mut Messages) -> Result<(), String> {
    let snapshot = doc.clone();
    walk_mut(doc, &mut |el| {
        for c in el.elements_mut() {
            if c.remove_attr(COPY_MARK).is_none() {
                continue;
            }
            let Some(id) = c.id().map(str::to_string) else {
                continue;
            };
            let original_exists = snapshot
                .descendants()
                .any(|e| e.id() == Some(&id) && e.name == c.name && !e.has_attr(COPY_MARK));
            if original_exists {
                *c = Element::new(c.name.clone()).with_attr("id-ref", id);
            }
        }
    });
    walk_mut(doc, &mut |el| {
        el.remove_attr(COPY_MARK);
    });
    Ok(())
}

const NVSET_NAMES: [&str; 4] = [
    "cluster_property_set",
    "instance_attributes",
    "meta_attributes",
    "utilization",
];

/// Sort key of an nvset: bootstrap options first, then by score, highest
/// first.
fn nvset_key(e: &Element) -> (bool, i64) {
    let bootstrap = e.name == "cluster_property_set" && e.id() == Some("cib-bootstrap-options");
    let score = e
        .attr("score")
        .and_then(|s| Score::parse(s).ok())
        .map_or(0, |s| i64::from(s.value()));
    (!bootstrap, -score)
}

fn sort_nvsets(el: &mut Element) {
    let children = std::mem::take(&mut el.children);
    let (mut sets, others): (Vec<Node>, Vec<Node>) = children
        .into_iter()
        .partition(|c| matches!(c, Node::Element(e) if NVSET_NAMES.contains(&e.name.as_str())));
    sets.sort_by_key(|n| match n {
        Node::Element(e) => nvset_key(e),
        _ => (true, 0),
    });
    el.children = others;
    el.children.extend(sets);
    for c in el.elements_mut() {
        sort_nvsets(c);
    }
}

/// Step 1.
pub fn step1(doc: &mut Element, m: &mut Messages) -> Result<(), String> {
    sort_nvsets(doc);
    walk_mut(doc, &mut |el| {
        if NVSET_NAMES.contains(&el.name.as_str()) {
            el.retain_elements(|nv| {
                nv.name != "nvpair" || nv.has_attr("value") || nv.has_attr("id-ref")
            });
        }
        if el.name == "date_spec" && el.remove_attr("moon").is_some() {
            m.warning(format!(
                "Dropping moon attribute from date spec {} because moon phase is no longer supported",
                el.id().unwrap_or_default()
            ));
        }
        if el.name == "cluster_property_set" {
            el.retain_elements(|nv| {
                let drop = nv.name == "nvpair" && nv.attr("name") == Some("remove-after-stop");
                if drop {
                    m.warning(format!(
                        "Dropping nvpair {} because the remove-after-stop property is unsupported",
                        nv.id().unwrap_or_default()
                    ));
                }
                !drop
            });
            for nv in el.elements_mut().filter(|e| e.name == "nvpair") {
                let renamed = match nv.attr("name") {
                    Some("crmd-finalization-timeout") => Some("join-finalization-timeout"),
                    Some("crmd-integration-timeout") => Some("join-integration-timeout"),
                    Some("crmd-transition-delay") => Some("transition-delay"),
                    _ => None,
                };
                if let Some(n) = renamed {
                    nv.set_attr("name", n);
                }
                if nv.attr("name") == Some("stonith-action") && nv.attr("value") == Some("poweroff")
                {
                    nv.set_attr("value", "off");
                }
            }
        }
        if el.name == "fencing-topology" {
            el.retain_elements(|l| {
                !(l.name == "fencing-level"
                    && l.attr("index")
                        .and_then(|i| i.trim().parse::<u64>().ok())
                        .is_some_and(|i| i > 9))
            });
        }
    });
    Ok(())
}

/// Keeps the nvpairs that take effect when a set names a pair several
/// times (`#default` unsets what comes before it).
fn dedupe_pairs(set: &mut Element) {
    let pairs: Vec<(Option<String>, Option<String>)> = set
        .children
        .iter()
        .filter_map(|c| match c {
            Node::Element(e) if e.name == "nvpair" => Some((
                e.attr("name").map(str::to_string),
                e.attr("value").map(str::to_string),
            )),
            _ => None,
        })
        .collect();
    let keep: Vec<bool> = pairs
        .iter()
        .enumerate()
        .map(|(i, (name, value))| {
            let Some(name) = name else { return true };
            let same = |j: &usize| pairs[*j].0.as_deref() == Some(name);
            let after_default = (i + 1..pairs.len())
                .filter(same)
                .any(|j| pairs[j].1.as_deref() == Some("#default"));
            if value.as_deref() == Some("#default") {
                return !(i + 1..pairs.len()).any(|j| same(&j));
            }
            if after_default {
                return false;
            }
            let before: Vec<usize> = (0..i).filter(same).collect();
            match before
                .iter()
                .rposition(|j| pairs[*j].1.as_deref() == Some("#default"))
            {
                None => before.is_empty(),
                Some(k) => k + 1 == before.len(),
            }
        })
        .collect();
    let mut n = 0;
    set.retain_elements(|e| {
        if e.name != "nvpair" {
            return true;
        }
        let k = keep.get(n).copied().unwrap_or(true);
        n += 1;
        k
    });
}

/// Step 2.
pub fn step2(doc: &mut Element, _m: &mut Messages) -> Result<(), String> {
    let mut ping_unames = Vec::new();
    walk_mut(doc, &mut |el| {
        if NVSET_NAMES.contains(&el.name.as_str()) {
            dedupe_pairs(el);
        }
        if el.name == "node" && el.attr("type") == Some("ping") {
            el.set_attr("type", "member");
            ping_unames.push(el.attr("uname").unwrap_or_default().to_string());
        }
        if el.name == "master" {
            el.name = "clone".to_string();
            let meta_id = format!(
                "{PREFIX}promotable-legacy-{}-meta_attributes",
                el.id().unwrap_or_default()
            );
            let meta = Element::new("meta_attributes")
                .with_attr("id", meta_id.clone())
                .with_attr("score", "INFINITY")
                .with_child(
                    Element::new("nvpair")
                        .with_attr("id", format!("{meta_id}-promotable"))
                        .with_attr("name", "promotable")
                        .with_attr("value", "true"),
                );
            el.children.insert(0, Node::Element(meta));
        }
        if let Some(v) = el.remove_attr("masters") {
            el.set_attr("promoted-max", v);
        }
        if el.name == "constraints" {
            split_location_rules(el);
        }
    });
    if !ping_unames.is_empty() {
        if let Some(cons) = doc
            .child_mut("configuration")
            .and_then(|c| c.child_mut("constraints"))
        {
            for uname in ping_unames {
                cons.push(
                    Element::new("rsc_location")
                        .with_attr("id", format!("{PREFIX}ping-node-ban-{uname}"))
                        .with_attr("rsc-pattern", ".*")
                        .with_attr("node", uname)
                        .with_attr("score", "-INFINITY")
                        .with_attr("resource-discovery", "never"),
                );
            }
        }
    }
    Ok(())
}

fn split_location_rules(constraints: &mut Element) {
    let children = std::mem::take(&mut constraints.children);
    for c in children {
        match c {
            Node::Element(loc)
                if loc.name == "rsc_location" && loc.children_named("rule").count() > 1 =>
            {
                let id = loc.id().unwrap_or_default().to_string();
                let rules: Vec<Element> = loc.children_named("rule").cloned().collect();
                for (i, rule) in rules.into_iter().enumerate() {
                    let mut new = Element::new("rsc_location");
                    new.attrs = loc.attrs.clone();
                    new.set_attr("id", format!("{PREFIX}{id}-{}", i + 1));
                    for s in loc.children_named("resource_set") {
                        new.push(s.clone());
                    }
                    new.push(rule);
                    for l in loc.children_named("lifetime") {
                        new.push(l.clone());
                    }
                    constraints.push(new);
                }
            }
            other => constraints.children.push(other),
        }
    }
}

/// Step 3.
pub fn step3(doc: &mut Element, _m: &mut Messages) -> Result<(), String> {
    walk_mut(doc, &mut |el| match el.name.as_str() {
        "rsc_location" => {
            let Some(pos) = el
                .children
                .iter()
                .position(|c| matches!(c, Node::Element(e) if e.name == "lifetime"))
            else {
                return;
            };
            let Node::Element(lifetime) = el.children.remove(pos) else {
                return;
            };
            let id = el.id().unwrap_or_default().to_string();
            let mut rules: Vec<Element> = lifetime.children_named("rule").cloned().collect();
            let life_rule = if rules.len() == 1 {
                rules.remove(0)
            } else {
                let mut or = Element::new("rule")
                    .with_attr("id", format!("{PREFIX}{id}-lifetime"))
                    .with_attr("boolean-op", "or");
                for r in rules {
                    or.push(r);
                }
                or
            };
            match el
                .children
                .iter()
                .position(|c| matches!(c, Node::Element(e) if e.name == "rule"))
            {
                None => {
                    // Node and score become the rule's.
                    let mut rule = life_rule;
                    if let Some(score) = el.remove_attr("score") {
                        rule.set_attr("score", score);
                    }
                    el.push(rule);
                }
                Some(i) => {
                    let Node::Element(existing) = el.children.remove(i) else {
                        return;
                    };
                    let mut and = Element::new("rule")
                        .with_attr("id", format!("{PREFIX}{id}-with-lifetime"))
                        .with_attr("boolean-op", "and");
                    if let Some(s) = existing.attr("score") {
                        and.set_attr("score", s);
                    }
                    and.push(existing);
                    and.push(life_rule);
                    el.children.insert(i, Node::Element(and));
                }
            }
        }
        "rsc_colocation" | "rsc_order" => el.retain_elements(|c| c.name != "lifetime"),
        _ => {}
    });
    Ok(())
}

/// Step 4.
pub fn step4(doc: &mut Element, m: &mut Messages) -> Result<(), String> {
    walk_mut(doc, &mut |el| {
        if matches!(el.name.as_str(), "resources" | "group" | "clone" | "master") {
            el.retain_elements(|r| {
                let class = r.attr("class").map(str::to_ascii_lowercase);
                let dropped = matches!(r.name.as_str(), "primitive" | "template")
                    && matches!(class.as_deref(), Some("nagios" | "upstart"));
                if dropped {
                    m.warning(format!(
                        "Dropping resource {} because {} resources are no longer supported",
                        r.id().unwrap_or_default(),
                        class.unwrap_or_default()
                    ));
                }
                let rkt = r.name == "bundle" && r.child("rkt").is_some();
                if rkt {
                    m.warning(format!(
                        "Dropping bundle resource {} because rkt containers are no longer supported",
                        r.id().unwrap_or_default()
                    ));
                }
                !dropped && !rkt
            });
        }
        if el.name == "meta_attributes" {
            el.retain_elements(|nv| {
                !(nv.name == "nvpair"
                    && matches!(
                        nv.attr("name"),
                        Some("restart-type" | "can_fail" | "role_after_failure")
                    ))
            });
        }
    });
    Ok(())
}
