//! The `constraints` section: location, colocation and ordering
//! constraints (`pcmk__unpack_constraints`).

use pcmk_common::xml::Element;

use crate::model::{
    ColocFlags, Location, ProbeMode, RelFlags, Role, RscFlags, RscIdx, Scheduler, Variant,
};
use crate::values::{is_true, parse_bool, parse_score};

/// Kind of an ordering constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderKind {
    Optional,
    Mandatory,
    Serialize,
}

/// Symmetry of an ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symmetry {
    Asymmetric,
    Symmetric,
    SymmetricInverse,
}

fn invert_action(action: &str) -> Option<&'static str> {
    Some(match action {
        "start" => "stop",
        "stop" => "start",
        "promote" => "demote",
        "demote" => "promote",
        "promoted" => "demoted",
        "demoted" => "promoted",
        "running" => "stopped",
        "stopped" => "running",
        _ => return None,
    })
}

fn is_up_action(action: &str) -> bool {
    matches!(action, "start" | "promote")
}

impl Scheduler {
    /// Unpacks every constraint.
    pub fn unpack_constraints(&mut self) {
        let input = self.input.clone();
        let Some(section) = input
            .child("configuration")
            .and_then(|c| c.child("constraints"))
        else {
            return;
        };
        self.unpack_tags();
        for xml in section.elements() {
            let Some(id) = xml.id() else {
                self.config_err(format!("Ignoring <{}> constraint without id", xml.name));
                continue;
            };
            if xml.has_attr("lifetime") {
                self.config_warn(format!(
                    "Support for 'lifetime' attribute (in {id}) is deprecated"
                ));
            }
            let expanded = self.expand_constraint_tags(xml);
            let xml = expanded.as_ref().unwrap_or(xml);
            match xml.name.as_str() {
                "rsc_order" => self.unpack_order(xml),
                "rsc_colocation" => self.unpack_colocation(xml),
                "rsc_location" => self.unpack_location(xml),
                "rsc_ticket" => self.unpack_rsc_ticket(xml),
                other => self.config_err(format!("Unsupported constraint type: {other}")),
            }
        }
    }

    /// The resource a constraint's reference names.
    pub(crate) fn constraint_rsc_pub(&self, id: &str) -> Option<RscIdx> {
        self.constraint_rsc(id)
    }

    fn constraint_rsc(&self, id: &str) -> Option<RscIdx> {
        if let Some(r) = self.find_rsc(id) {
            return Some(r);
        }
        // A clone instance known by this name in its history stands for
        // its clone (`pcmk__find_constraint_resource`)
        self.rscs
            .iter()
            .position(|r| r.history_id.as_deref() == Some(id))
            .map(|r| self.uber_parent(r))
    }

    fn unpack_location(&mut self, xml: &Element) {
        if xml.child("resource_set").is_some() {
            for set in xml.children_named("resource_set") {
                for r in set.children_named("resource_ref") {
                    let Some(rid) = r.id() else { continue };
                    let rsc = self.constraint_rsc(rid);
                    self.unpack_rsc_location(xml, rsc, rid, set.attr("role"), xml.attr("score"));
                }
            }
            return;
        }
        if let Some(rid) = xml.attr("rsc") {
            let rsc = self.constraint_rsc(rid);
            self.unpack_rsc_location(xml, rsc, rid, None, None);
        }
        if let Some(pattern) = xml.attr("rsc-pattern") {
            let (invert, pat) = match pattern.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, pattern),
            };
            let Ok(re) = regex::Regex::new(pat) else {
                let id = xml.id().unwrap_or("");
                self.config_err(format!(
                    "Ignoring constraint '{id}' because rsc-pattern has invalid value '{pattern}'"
                ));
                return;
            };
            for r in self.top.clone() {
                let rid = self.rscs[r].id.clone();
                let caps = re.captures(&rid);
                match (caps, invert) {
                    (Some(c), false) => {
                        let groups: Vec<Option<std::ops::Range<usize>>> =
                            (0..c.len()).map(|i| c.get(i).map(|m| m.range())).collect();
                        self.unpack_rsc_location_matched(xml, r, &rid, &groups);
                    }
                    (None, true) => self.unpack_rsc_location(xml, Some(r), &rid, None, None),
                    _ => {}
                }
            }
        }
    }

    fn unpack_rsc_location_matched(
        &mut self,
        xml: &Element,
        rsc: RscIdx,
        rsc_id: &str,
        groups: &[Option<std::ops::Range<usize>>],
    ) {
        if xml.attr("node").is_some() && xml.attr("score").is_some() {
            self.unpack_rsc_location(xml, Some(rsc), rsc_id, None, None);
        } else if let Some(rule) = xml.child("rule") {
            let id = xml.id().unwrap_or("").to_string();
            self.generate_location_rule(
                rsc,
                rule,
                xml.attr("resource-discovery"),
                &id,
                Some((rsc_id, groups)),
            );
        }
    }

    fn unpack_rsc_location(
        &mut self,
        xml: &Element,
        rsc: Option<RscIdx>,
        rsc_id: &str,
        role: Option<&str>,
        score: Option<&str>,
    ) {
        let id = xml.id().unwrap_or("").to_string();
        let Some(rsc) = rsc else {
            self.config_warn(format!(
                "Ignoring constraint '{id}' because resource '{rsc_id}' does not exist"
            ));
            return;
        };
        let score = score.or_else(|| xml.attr("score"));
        let discovery = xml.attr("resource-discovery");
        let node = xml.attr("node");
        if let (Some(node), Some(score)) = (node, score) {
            let Some(n) = self.find_node(node) else {
                return;
            };
            let Some(score) = parse_score(score) else {
                self.config_err(format!(
                    "Ignoring location constraint {id} because '{score}' is not a valid score"
                ));
                return;
            };
            let role_spec = role.or_else(|| xml.attr("role"));
            let role = match role_spec {
                None => Role::Unknown,
                Some(r) => {
                    match Role::parse(r) {
                        Role::Unknown => {
                            self.config_err(format!("Ignoring location constraint {id} because '{r}' is not a valid role"));
                            return;
                        }
                        Role::Started | Role::Unpromoted => Role::Unknown,
                        r => r,
                    }
                }
            };
            self.new_location(&id, rsc, Some((n, score)), discovery, role);
        } else if let Some(rule) = xml.child("rule") {
            self.generate_location_rule(rsc, rule, discovery, &id, None);
        }
    }

    /// Creates a location from a rule, with the nodes where it passes
    /// (`generate_location_rule`).
    fn generate_location_rule(
        &mut self,
        rsc: RscIdx,
        rule: &Element,
        discovery: Option<&str>,
        constraint_id: &str,
        rsc_match: Option<(&str, &[Option<std::ops::Range<usize>>])>,
    ) {
        let Some(rule) = crate::nvset::resolve_idref(rule, &self.input).cloned() else {
            return;
        };
        let Some(rule_id) = rule.id().map(str::to_string) else {
            self.config_err(format!(
                "Ignoring location constraint '{constraint_id}' because its rule has no id"
            ));
            return;
        };
        let role = match rule.attr("role") {
            None => Role::Unknown,
            Some(r) => match Role::parse(r) {
                Role::Unknown => {
                    self.config_err(format!(
                        "Ignoring location constraint '{constraint_id}' because rule '{rule_id}' has invalid role '{r}'"
                    ));
                    return;
                }
                Role::Started | Role::Unpromoted => Role::Unknown,
                r => r,
            },
        };
        match rule.attr("boolean-op") {
            None | Some("and") | Some("or") => {}
            Some(b) => {
                self.config_err(format!(
                    "Ignoring location constraint '{constraint_id}' because rule '{rule_id}' has invalid boolean-op '{b}'"
                ));
                return;
            }
        }
        let regex_match =
            rsc_match.map(|(text, groups)| pcmk_common::rules::RegexMatch { text, groups });
        let score_attr = rule.attr("score-attribute").map(|name| {
            pcmk_common::rules::replace_submatches(name, regex_match.as_ref())
                .unwrap_or_else(|| name.to_string())
        });
        let mut score = 0;
        if score_attr.is_none() {
            match rule.attr("score") {
                None => {
                    self.config_err(format!(
                        "Ignoring location constraint rule {rule_id} because neither score nor score-attribute was specified"
                    ));
                    return;
                }
                Some(s) => match parse_score(s) {
                    Some(v) => score = v,
                    None => {
                        self.config_err(format!(
                            "Ignoring location constraint rule {rule_id} because '{s}' is not a valid score"
                        ));
                        return;
                    }
                },
            }
        }
        let mut nodes = Vec::new();
        let mut next_change = None;
        let meta = self.rscs[rsc].meta.clone();
        for i in 0..self.node_order.len() {
            let node = self.node_order[i];
            let params = self.rsc_params(rsc, Some(node));
            let input = crate::rules_input::RuleInput {
                now: self.now,
                node_attrs: Some(&self.nodes[node].attrs),
                rsc_params: Some(&params),
                rsc_meta: Some(&meta),
                rsc_id: regex_match,
                ..Default::default()
            };
            if !input.evaluate(&rule, &self.input, &mut next_change) {
                continue;
            }
            let mut node_score = score;
            if let Some(attr) = &score_attr {
                match self.nodes[node]
                    .attr(attr)
                    .filter(|v| !v.is_empty())
                    .map(parse_score)
                {
                    Some(Some(v)) => node_score = v,
                    _ => continue,
                }
            }
            nodes.insert(0, (node, node_score));
        }
        if let Some(t) = next_change {
            self.update_recheck(t);
        }
        self.new_location(&rule_id, rsc, None, discovery, role);
        if let Some(l) = self.locations.last_mut() {
            l.nodes = nodes;
        }
    }

    /// Records a location constraint (`pcmk__new_location`).
    pub(crate) fn new_location(
        &mut self,
        id: &str,
        rsc: RscIdx,
        node: Option<(usize, i32)>,
        discovery: Option<&str>,
        role: Role,
    ) {
        let mode = match discovery.map(str::to_ascii_lowercase).as_deref() {
            None | Some("always") => ProbeMode::Always,
            Some("never") => ProbeMode::Never,
            Some("exclusive") => {
                self.rscs[rsc].flags.set(RscFlags::EXCLUSIVE_PROBES);
                ProbeMode::Exclusive
            }
            Some(other) => {
                self.config_err(format!(
                    "Invalid resource-discovery value {other} in location constraint"
                ));
                ProbeMode::Always
            }
        };
        self.locations.push(Location {
            id: id.to_string(),
            rsc,
            role,
            discovery: mode,
            nodes: node.into_iter().collect(),
        });
    }

    fn unpack_colocation(&mut self, xml: &Element) {
        let id = xml.id().unwrap_or("").to_string();
        let score = match xml.attr("score") {
            None => 0,
            Some(s) => match parse_score(s) {
                Some(v) => v,
                None => {
                    self.config_err(format!(
                        "Ignoring colocation {id} because '{s}' is not a valid score"
                    ));
                    return;
                }
            },
        };
        if xml.child("resource_set").is_some() {
            let influence = xml.attr("influence").map(str::to_string);
            let mut last: Option<Element> = None;
            for set in xml.children_named("resource_set") {
                let Some(set) = crate::nvset::resolve_idref(set, &self.input).cloned() else {
                    return;
                };
                if set.id().is_none_or(str::is_empty) {
                    self.config_err("Ignoring resource_set without id");
                    continue;
                }
                self.unpack_colocation_set(&set, score, &id, influence.as_deref());
                if let Some(l) = &last {
                    self.colocate_rsc_sets(&id, l, &set, score, influence.as_deref());
                }
                last = Some(set);
            }
            return;
        }
        let dep_id = xml.attr("rsc").unwrap_or("");
        let pri_id = xml.attr("with-rsc").unwrap_or("");
        let Some(dependent) = self.constraint_rsc(dep_id) else {
            self.config_err(format!(
                "Ignoring constraint '{id}' because resource '{dep_id}' does not exist"
            ));
            return;
        };
        let Some(primary) = self.constraint_rsc(pri_id) else {
            self.config_err(format!(
                "Ignoring constraint '{id}' because resource '{pri_id}' does not exist"
            ));
            return;
        };
        let flags =
            ColocFlags::EXPLICIT | self.unpack_influence(&id, dependent, xml.attr("influence"));
        let Some(drole) = self.constraint_role(&id, xml.attr("rsc-role")) else {
            return;
        };
        let Some(prole) = self.constraint_role(&id, xml.attr("with-rsc-role")) else {
            return;
        };
        self.new_colocation(
            &id,
            xml.attr("node-attribute"),
            score,
            dependent,
            primary,
            drole,
            prole,
            flags,
        );
    }

    fn constraint_role(&mut self, id: &str, spec: Option<&str>) -> Option<Role> {
        match spec {
            None => Some(Role::Unknown),
            Some(s) => match Role::parse(s) {
                Role::Unknown => {
                    self.config_err(format!(
                        "Ignoring constraint {id} because '{s}' is not a valid role"
                    ));
                    None
                }
                Role::Started => Some(Role::Unknown),
                r => Some(r),
            },
        }
    }

    fn unpack_influence(&mut self, id: &str, rsc: RscIdx, value: Option<&str>) -> u32 {
        if let Some(v) = value {
            match parse_bool(v) {
                Some(true) => return ColocFlags::INFLUENCE,
                Some(false) => return 0,
                None => self.config_err(format!(
                    "Constraint '{id}' has invalid value for influence (using default)"
                )),
            }
        }
        if self.rscs[rsc].has(RscFlags::CRITICAL) {
            ColocFlags::INFLUENCE
        } else {
            0
        }
    }

    fn order_kind(&mut self, xml: &Element) -> OrderKind {
        match xml.attr("kind") {
            None => match xml.attr("score") {
                Some(s) if parse_score(s).unwrap_or(0) == 0 => OrderKind::Optional,
                _ => OrderKind::Mandatory,
            },
            Some("Mandatory") => OrderKind::Mandatory,
            Some("Optional") => OrderKind::Optional,
            Some("Serialize") => OrderKind::Serialize,
            Some(other) => {
                let id = xml.id().unwrap_or("missing ID").to_string();
                self.config_err(format!("Resetting 'kind' for constraint {id} to 'Mandatory' because '{other}' is not valid"));
                OrderKind::Mandatory
            }
        }
    }

    fn order_symmetry(
        &mut self,
        xml: &Element,
        parent_kind: OrderKind,
        parent_symmetrical: Option<&str>,
    ) -> Symmetry {
        let mut kind = parent_kind;
        if xml.has_attr("kind") || xml.has_attr("score") {
            kind = self.order_kind(xml);
        }
        let explicit = xml
            .attr("symmetrical")
            .and_then(parse_bool)
            .or_else(|| parent_symmetrical.map(|p| is_true(Some(p))));
        match explicit {
            Some(true) if kind == OrderKind::Serialize => Symmetry::Asymmetric,
            Some(true) => Symmetry::Symmetric,
            Some(false) => Symmetry::Asymmetric,
            None if kind == OrderKind::Serialize => Symmetry::Asymmetric,
            None => Symmetry::Symmetric,
        }
    }

    fn unpack_order(&mut self, xml: &Element) {
        if xml.child("resource_set").is_some() {
            let id = xml.id().unwrap_or("").to_string();
            let kind = self.order_kind(xml);
            let symmetry = self.order_symmetry(xml, kind, None);
            let invert = xml.attr("symmetrical").map(str::to_string);
            let mut last: Option<Element> = None;
            for set in xml.children_named("resource_set") {
                let Some(set) = crate::nvset::resolve_idref(set, &self.input).cloned() else {
                    return;
                };
                if self
                    .unpack_order_set(&set, kind, invert.as_deref())
                    .is_none()
                {
                    return;
                }
                if let Some(l) = &last {
                    if self.order_rsc_sets(&id, l, &set, kind, symmetry).is_none() {
                        return;
                    }
                    if symmetry == Symmetry::Symmetric
                        && self
                            .order_rsc_sets(&id, &set, l, kind, Symmetry::SymmetricInverse)
                            .is_none()
                    {
                        return;
                    }
                }
                last = Some(set);
            }
            return;
        }
        let id = xml.id().unwrap_or("").to_string();
        let Some(first_id) = xml.attr("first") else {
            self.config_err(format!("Ignoring constraint '{id}' without first"));
            return;
        };
        let Some(first) = self.constraint_rsc(first_id) else {
            self.config_err(format!(
                "Ignoring constraint '{id}' because resource '{first_id}' does not exist"
            ));
            return;
        };
        let Some(then_id) = xml.attr("then") else {
            self.config_err(format!("Ignoring constraint '{id}' without then"));
            return;
        };
        let Some(then) = self.constraint_rsc(then_id) else {
            self.config_err(format!(
                "Ignoring constraint '{id}' because resource '{then_id}' does not exist"
            ));
            return;
        };
        let action_first = xml.attr("first-action").unwrap_or("start").to_string();
        let action_then = xml.attr("then-action").unwrap_or(&action_first).to_string();
        let kind = self.order_kind(xml);
        let symmetry = self.order_symmetry(xml, kind, None);
        let flags = flags_for_kind(kind, &action_first, symmetry);
        let min = self.minimum_first_instances(first, xml);
        if min > 0 {
            let task = format!("clone-one-or-more:{id}");
            let met = self.get_pseudo_op(&task);
            self.actions[met].required_runnable_before = min;
            for c in self.rscs[first].children.clone() {
                let key = crate::model::op_key(&self.rscs[c].id, &action_first, 0);
                self.new_ordering(
                    Some(c),
                    Some(key),
                    None,
                    None,
                    None,
                    Some(met),
                    RelFlags::MIN_RUNNABLE | RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
                );
            }
            let key = crate::model::op_key(&self.rscs[then].id, &action_then, 0);
            self.new_ordering(
                None,
                None,
                Some(met),
                Some(then),
                Some(key),
                None,
                flags | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
            );
        } else {
            self.order_rsc_actions(first, &action_first, then, &action_then, flags);
        }
        if symmetry == Symmetry::Symmetric {
            match (invert_action(&action_first), invert_action(&action_then)) {
                (Some(f), Some(t)) => {
                    let flags = flags_for_kind(kind, f, Symmetry::SymmetricInverse);
                    self.order_rsc_actions(then, t, first, f, flags);
                }
                _ => self.config_warn(format!(
                    "Cannot invert constraint '{id}' (please specify inverse manually)"
                )),
            }
        }
    }

    /// The resources of a set, in order; `None` (after an error) when one
    /// does not exist.
    fn set_resources(&mut self, set: &Element, context: &str) -> Option<Vec<RscIdx>> {
        let mut out = Vec::new();
        for r in set.children_named("resource_ref") {
            let rid = r.id().unwrap_or("");
            match self.constraint_rsc(rid) {
                Some(x) => out.push(x),
                None => {
                    self.config_err(format!("{context}: No resource found for {rid}"));
                    return None;
                }
            }
        }
        Some(out)
    }

    fn unpack_colocation_set(
        &mut self,
        set: &Element,
        score: i32,
        coloc_id: &str,
        influence: Option<&str>,
    ) {
        let set_id = set.id().unwrap_or("").to_string();
        let local_score = match set.attr("score") {
            None => score,
            Some(s) => match parse_score(s) {
                Some(v) => v,
                None => {
                    self.config_err(format!("Ignoring colocation '{coloc_id}' for set '{set_id}' because '{s}' is not a valid score"));
                    return;
                }
            },
        };
        if local_score == 0 {
            return;
        }
        let with_previous = set
            .attr("ordering")
            .is_none_or(|o| o.eq_ignore_ascii_case("group"));
        if set.attr("sequential").and_then(parse_bool) == Some(false) {
            return;
        }
        let Some(role) = self.constraint_role(coloc_id, set.attr("role")) else {
            return;
        };
        let mut resources = Vec::new();
        for r in set.children_named("resource_ref") {
            let rid = r.id().unwrap_or("");
            match self.constraint_rsc(rid) {
                Some(x) => resources.push(x),
                None => {
                    self.config_err(format!(
                        "Ignoring {rid} and later resources in set {set_id}: No such resource"
                    ));
                    break;
                }
            }
        }
        if local_score > 0 {
            let mut other: Option<RscIdx> = None;
            for &resource in &resources {
                if let Some(o) = other {
                    let flags =
                        ColocFlags::EXPLICIT | self.unpack_influence(coloc_id, resource, influence);
                    if with_previous {
                        self.new_colocation(
                            &set_id,
                            None,
                            local_score,
                            resource,
                            o,
                            role,
                            role,
                            flags,
                        );
                    } else {
                        self.new_colocation(
                            &set_id,
                            None,
                            local_score,
                            o,
                            resource,
                            role,
                            role,
                            flags,
                        );
                    }
                }
                other = Some(resource);
            }
        } else {
            for (i, &resource) in resources.iter().enumerate() {
                let flags =
                    ColocFlags::EXPLICIT | self.unpack_influence(coloc_id, resource, influence);
                for &o in &resources[..i] {
                    if self.rscs[o].id == self.rscs[resource].id {
                        break;
                    }
                    self.new_colocation(&set_id, None, local_score, resource, o, role, role, flags);
                }
            }
        }
    }

    fn colocate_rsc_sets(
        &mut self,
        id: &str,
        set1: &Element,
        set2: &Element,
        score: i32,
        influence: Option<&str>,
    ) {
        if score == 0 {
            return;
        }
        let Some(role1) = self.constraint_role(id, set1.attr("role")) else {
            return;
        };
        let Some(role2) = self.constraint_role(id, set2.attr("role")) else {
            return;
        };
        let seq = |s: &Element| s.attr("sequential").and_then(parse_bool).unwrap_or(true);
        let refs = |s: &Element| -> Vec<String> {
            s.children_named("resource_ref")
                .filter_map(|r| r.id().map(str::to_string))
                .collect()
        };
        let (refs1, refs2) = (refs(set1), refs(set2));
        let mut rsc1 = None;
        if seq(set1) {
            if let Some(first) = refs1.first() {
                match self.constraint_rsc(first) {
                    Some(r) => rsc1 = Some(r),
                    None => {
                        self.config_err(format!("Ignoring colocation of set with set because first resource {first} not found"));
                        return;
                    }
                }
            }
        }
        let mut rsc2 = None;
        if seq(set2) {
            let last = refs2.last().cloned().unwrap_or_default();
            match self.constraint_rsc(&last) {
                Some(r) => rsc2 = Some(r),
                None => {
                    self.config_err(format!(
                        "Ignoring colocation of set with set because last resource {last} not found"
                    ));
                    return;
                }
            }
        }
        match (rsc1, rsc2) {
            (Some(r1), Some(r2)) => {
                let flags = ColocFlags::EXPLICIT | self.unpack_influence(id, r1, influence);
                self.new_colocation(id, None, score, r1, r2, role1, role2, flags);
            }
            (Some(r1), None) => {
                let flags = ColocFlags::EXPLICIT | self.unpack_influence(id, r1, influence);
                for rid in &refs2 {
                    if let Some(r2) = self.constraint_rsc(rid) {
                        self.new_colocation(id, None, score, r1, r2, role1, role2, flags);
                    }
                }
            }
            (None, Some(r2)) => {
                for rid in &refs1 {
                    if let Some(r1) = self.constraint_rsc(rid) {
                        let flags = ColocFlags::EXPLICIT | self.unpack_influence(id, r1, influence);
                        self.new_colocation(id, None, score, r1, r2, role1, role2, flags);
                    }
                }
            }
            (None, None) => {
                for rid1 in &refs1 {
                    let Some(r1) = self.constraint_rsc(rid1) else {
                        continue;
                    };
                    let flags = ColocFlags::EXPLICIT | self.unpack_influence(id, r1, influence);
                    for rid2 in &refs2 {
                        if let Some(r2) = self.constraint_rsc(rid2) {
                            self.new_colocation(id, None, score, r1, r2, role1, role2, flags);
                        }
                    }
                }
            }
        }
    }

    fn unpack_order_set(
        &mut self,
        set: &Element,
        parent_kind: OrderKind,
        parent_symmetrical: Option<&str>,
    ) -> Option<()> {
        let id = set.id().unwrap_or("").to_string();
        let action = set.attr("action").unwrap_or("start").to_string();
        let local_kind = if set.has_attr("kind") {
            self.order_kind(set)
        } else {
            parent_kind
        };
        let sequential = is_true(Some(set.attr("sequential").unwrap_or("1")));
        let symmetry = self.order_symmetry(set, parent_kind, parent_symmetrical);
        let flags = flags_for_kind(local_kind, &action, symmetry);
        let resources = self.set_resources(set, &id)?;
        if resources.len() == 1 {
            return Some(());
        }
        let mut last: Option<RscIdx> = None;
        for (i, &resource) in resources.iter().enumerate() {
            if local_kind == OrderKind::Serialize {
                for &then in &resources[i + 1..] {
                    self.order_rsc_actions(resource, &action, then, &action, flags);
                }
            } else if sequential {
                if let Some(l) = last {
                    self.order_rsc_actions(l, &action, resource, &action, flags);
                }
                last = Some(resource);
            }
        }
        if symmetry == Symmetry::Asymmetric {
            return Some(());
        }
        let Some(inverse) = invert_action(&action) else {
            return Some(());
        };
        let flags = flags_for_kind(local_kind, inverse, Symmetry::SymmetricInverse);
        let mut last: Option<RscIdx> = None;
        for &resource in &resources {
            if sequential {
                if let Some(l) = last {
                    self.order_rsc_actions(resource, inverse, l, inverse, flags);
                }
                last = Some(resource);
            }
        }
        Some(())
    }

    fn order_rsc_sets(
        &mut self,
        id: &str,
        set1: &Element,
        set2: &Element,
        kind: OrderKind,
        symmetry: Symmetry,
    ) -> Option<()> {
        let mut action1 = set1.attr("action").unwrap_or("start").to_string();
        let mut action2 = set2.attr("action").unwrap_or("start").to_string();
        let mut require_all = set1
            .attr("require-all")
            .and_then(parse_bool)
            .unwrap_or(true);
        if symmetry == Symmetry::SymmetricInverse {
            action1 = invert_action(&action1).unwrap_or("").to_string();
            action2 = invert_action(&action2).unwrap_or("").to_string();
        }
        if action1 == "stop" || action1 == "demote" {
            require_all = true;
        }
        let flags = flags_for_kind(kind, &action1, symmetry);
        let refs = |s: &Element| -> Vec<String> {
            s.children_named("resource_ref")
                .filter_map(|r| r.id().map(str::to_string))
                .collect()
        };
        let (refs1, refs2) = (refs(set1), refs(set2));
        let lookup = |s: &mut Scheduler, rid: &str| -> Option<RscIdx> {
            let r = s.constraint_rsc(rid);
            if r.is_none() {
                s.config_err(format!("{id}: No resource found for {rid}"));
            }
            r
        };
        if !require_all {
            let task = format!("one-or-more:{}", set1.id().unwrap_or(""));
            let unordered = self.get_pseudo_op(&task);
            self.actions[unordered].required_runnable_before = 1;
            for rid in &refs1 {
                let r1 = lookup(self, rid)?;
                let key = crate::model::op_key(&self.rscs[r1].id, &action1, 0);
                self.new_ordering(
                    Some(r1),
                    Some(key),
                    None,
                    None,
                    None,
                    Some(unordered),
                    RelFlags::MIN_RUNNABLE | RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
                );
            }
            for rid in &refs2 {
                let r2 = lookup(self, rid)?;
                let key = crate::model::op_key(&self.rscs[r2].id, &action2, 0);
                self.new_ordering(
                    None,
                    None,
                    Some(unordered),
                    Some(r2),
                    Some(key),
                    None,
                    flags | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                );
            }
            return Some(());
        }
        let explicit_seq = |s: &Element| s.attr("sequential").and_then(parse_bool) == Some(true);
        let mut rsc1 = None;
        if explicit_seq(set1) {
            let pick = if symmetry == Symmetry::SymmetricInverse {
                refs1.first()
            } else {
                refs1.last()
            };
            if let Some(rid) = pick {
                rsc1 = Some(lookup(self, rid)?);
            }
        }
        let mut rsc2 = None;
        if explicit_seq(set2) {
            let pick = if symmetry == Symmetry::SymmetricInverse {
                refs2.last()
            } else {
                refs2.first()
            };
            if let Some(rid) = pick {
                rsc2 = Some(lookup(self, rid)?);
            }
        }
        match (rsc1, rsc2) {
            (Some(r1), Some(r2)) => self.order_rsc_actions(r1, &action1, r2, &action2, flags),
            (Some(r1), None) => {
                for rid in &refs2 {
                    let r2 = lookup(self, rid)?;
                    self.order_rsc_actions(r1, &action1, r2, &action2, flags);
                }
            }
            (None, Some(r2)) => {
                for rid in &refs1 {
                    let r1 = lookup(self, rid)?;
                    self.order_rsc_actions(r1, &action1, r2, &action2, flags);
                }
            }
            (None, None) => {
                for rid1 in &refs1 {
                    let r1 = lookup(self, rid1)?;
                    for rid2 in &refs2 {
                        let r2 = lookup(self, rid2)?;
                        self.order_rsc_actions(r1, &action1, r2, &action2, flags);
                    }
                }
            }
        }
        Some(())
    }

    fn minimum_first_instances(&self, rsc: RscIdx, xml: &Element) -> i32 {
        if self.rscs[rsc].variant != Variant::Clone {
            return 0;
        }
        if let Some(m) = self.rscs[rsc].meta("clone-min") {
            return crate::values::parse_ll(m).unwrap_or(0).max(0) as i32;
        }
        if xml.attr("require-all").and_then(parse_bool) == Some(false) {
            return 1;
        }
        0
    }
}

fn flags_for_kind(kind: OrderKind, first: &str, symmetry: Symmetry) -> u32 {
    match kind {
        OrderKind::Optional => RelFlags::ORDERED,
        OrderKind::Serialize => RelFlags::SERIALIZE,
        OrderKind::Mandatory => {
            RelFlags::ORDERED
                | match symmetry {
                    Symmetry::Asymmetric => RelFlags::ASYMMETRIC,
                    Symmetry::Symmetric => {
                        RelFlags::FIRST_IMPLIES_THEN
                            | if is_up_action(first) {
                                RelFlags::UNRUNNABLE_FIRST_BLOCKS
                            } else {
                                0
                            }
                    }
                    Symmetry::SymmetricInverse => RelFlags::THEN_IMPLIES_FIRST,
                }
        }
    }
}
