//! The `resources` section: primitives and groups with their
//! meta-attributes, flags and policies (`pe__unpack_resource`).

use std::collections::HashMap;

use pcmk_common::xml::Element;

use crate::model::{
    MultipleActive, Resource, Role, RscFlags, RscIdx, SchedFlags, Scheduler, Variant,
};
use crate::nvset;
use crate::rules_input::RuleInput;
use crate::values::{INFINITY, is_true, parse_bool, parse_interval_ms, parse_score};

fn variant_of(name: &str) -> Option<Variant> {
    match name {
        "primitive" => Some(Variant::Primitive),
        "group" => Some(Variant::Group),
        "clone" | "master" => Some(Variant::Clone),
        "bundle" => Some(Variant::Bundle),
        _ => None,
    }
}

impl Scheduler {
    /// Unpacks every top-level resource (`unpack_resources`).
    pub(crate) fn unpack_resources(&mut self) {
        let input = self.input.clone();
        let Some(section) = input
            .child("configuration")
            .and_then(|c| c.child("resources"))
        else {
            return;
        };
        for xml in section.elements() {
            let id = xml.id().unwrap_or("");
            if id.is_empty() {
                self.config_err(format!("Ignoring <{}> resource without ID", xml.name));
                continue;
            }
            if xml.name == "template" {
                self.templates.entry(id.to_string()).or_default();
                continue;
            }
            match self.unpack_resource(xml, None) {
                Some(r) => self.top.push(r),
                None => self.config_err(format!(
                    "Ignoring <{}> resource '{id}' because configuration is invalid",
                    xml.name
                )),
            }
        }
        for r in self.top.clone() {
            self.unpack_launcher(r);
            self.link_remote_node(r);
        }
        // Stable sort by priority, highest first
        let mut top = std::mem::take(&mut self.top);
        top.sort_by(|a, b| self.rscs[*b].priority.cmp(&self.rscs[*a].priority));
        self.top = top;

        if self.has(SchedFlags::FENCING_ENABLED) && !self.has(SchedFlags::HAVE_FENCING) {
            self.config_err(
                "Resource start-up disabled since no fencing resources have been defined. \
                 Either configure some or disable fencing with the fencing-enabled option. \
                 NOTE: Clusters with shared data need fencing to ensure data integrity.",
            );
        }
    }

    /// Links a resource to the resource that launches it (its `container`
    /// meta-attribute; `unpack_launcher`).
    fn unpack_launcher(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.unpack_launcher(c);
            }
            return;
        }
        let Some(lid) = self.rscs[rsc].meta.get("container").cloned() else {
            return;
        };
        if lid == self.rscs[rsc].id {
            return;
        }
        match self.rsc_by_id.get(&lid).copied() {
            Some(l) => {
                self.rscs[rsc].launcher = Some(l);
                self.rscs[l].launched.push(rsc);
            }
            None => self.config_err(format!(
                "Resource {}: Unknown container {lid}",
                self.rscs[rsc].id
            )),
        }
    }

    /// Links a remote connection to its node (`link_rsc2remotenode`).
    fn link_remote_node(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION) {
            return;
        }
        let Some(node) = self.find_node(&self.rscs[rsc].id.clone()) else {
            return;
        };
        self.nodes[node].remote_rsc = Some(rsc);
        if self.rscs[rsc].launcher.is_none() {
            self.handle_startup_fencing(node);
        } else {
            self.nodes[node]
                .attrs
                .insert("#kind".into(), "container".into());
        }
    }

    /// Expands a `template` reference into a resource element.
    fn expand_template(&mut self, xml: &Element) -> Option<Element> {
        let Some(tref) = xml.attr("template") else {
            return Some(xml.clone());
        };
        let id = xml.id().unwrap_or("");
        if tref == id {
            self.config_err(format!(
                "The resource object '{id}' should not reference itself"
            ));
            return None;
        }
        let template = self
            .input
            .child("configuration")
            .and_then(|c| c.child("resources"))
            .and_then(|r| r.child_by_id("template", tref))
            .cloned();
        let Some(template) = template else {
            self.config_err(format!("No template named '{tref}'"));
            return None;
        };
        let mut out = template.clone();
        out.name = xml.name.clone();
        out.set_attr("id", id);
        let template_ops = out.child("operations").cloned();
        out.retain_elements(|e| e.name != "operations");
        let mut rsc_ops_seen = false;
        for child in xml.elements() {
            let mut c = child.clone();
            if c.name == "operations" && !rsc_ops_seen {
                rsc_ops_seen = true;
                if let Some(tops) = &template_ops {
                    let key = |op: &Element| {
                        let role = op.attr("role").unwrap_or("Unknown");
                        let role = match role {
                            "Started" | "Unpromoted" | "Slave" => "Unknown",
                            r => r,
                        };
                        format!("{}-{role}", op.attr("name").unwrap_or(""))
                    };
                    let have: Vec<String> = c.elements().map(key).collect();
                    for op in tops.elements() {
                        if !have.contains(&key(op)) {
                            c.push(op.clone());
                        }
                    }
                }
            }
            out.push(c);
        }
        if !rsc_ops_seen {
            if let Some(tops) = template_ops {
                out.push(tops);
            }
        }
        self.templates
            .entry(tref.to_string())
            .or_default()
            .push(id.to_string());
        Some(out)
    }

    /// Unpacks one resource and its children; returns its index.
    pub(crate) fn unpack_resource(
        &mut self,
        xml: &Element,
        parent: Option<RscIdx>,
    ) -> Option<RscIdx> {
        let Some(id) = xml.id().map(str::to_string) else {
            self.config_err(format!("Ignoring <{}> configuration without id", xml.name));
            return None;
        };
        let xml = self.expand_template(xml)?;
        let Some(variant) = variant_of(&xml.name) else {
            self.config_err(format!(
                "Ignoring resource '{id}' of unknown type '{}'",
                xml.name
            ));
            return None;
        };
        let full_id = match xml.attr("clone") {
            Some(n) => format!("{id}:{n}"),
            None => id.clone(),
        };
        let idx = self.rscs.len();
        self.rscs
            .push(Resource::new(full_id.clone(), xml.clone(), variant, parent));
        self.rscs[idx].allowed = vec![None; self.nodes.len()];
        self.unpack_meta(idx);

        let rsc = &mut self.rscs[idx];
        rsc.flags.set(RscFlags::UNASSIGNED);
        if !self.flags.has(SchedFlags::MAINTENANCE) {
            rsc.flags.set(RscFlags::MANAGED);
        }
        rsc.orig_role = Role::Stopped;
        rsc.next_role = Role::Unknown;
        self.unpack_rsc_policies(idx);

        let ok = match variant {
            Variant::Primitive => self.check_cloned_primitive(idx),
            Variant::Group => self.unpack_group(idx),
            Variant::Clone => self.unpack_clone(idx),
            Variant::Bundle => {
                self.config_err(format!("Resource '{id}': bundles are not supported yet"));
                false
            }
        };
        if !ok {
            self.rscs.truncate(idx);
            return None;
        }
        self.rsc_by_id.entry(full_id).or_insert(idx);

        if self.has(SchedFlags::SYMMETRIC) {
            self.resource_location(idx, None, 0, "symmetric_default");
        }
        let input = RuleInput {
            now: self.now,
            ..RuleInput::default()
        };
        let util = nvset::unpack_blocks_ordered(&xml, "utilization", &input, &self.input);
        self.rscs[idx].utilization = util;
        Some(idx)
    }

    /// Evaluates a resource's meta-attributes (`get_meta_attributes`).
    fn unpack_meta(&mut self, idx: RscIdx) {
        let xml = self.rscs[idx].xml.clone();
        let mut meta: HashMap<String, String> = HashMap::new();
        for (k, v) in &xml.attrs {
            if v.eq_ignore_ascii_case("#default") {
                continue;
            }
            meta.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let input = RuleInput {
            now: self.now,
            rsc_standard: xml.attr("class"),
            rsc_provider: xml.attr("provider"),
            rsc_agent: xml.attr("type"),
            ..RuleInput::default()
        };
        nvset::unpack_blocks(
            &xml,
            "meta_attributes",
            None,
            &input,
            &mut meta,
            &self.input,
        );
        // Explicit meta-attributes of ancestors, nearest first
        let mut p = self.rscs[idx].parent;
        let mut parent_meta = HashMap::new();
        while let Some(pi) = p {
            let pxml = &self.rscs[pi].xml;
            nvset::unpack_blocks(
                pxml,
                "meta_attributes",
                None,
                &input,
                &mut parent_meta,
                &self.input,
            );
            p = self.rscs[pi].parent;
        }
        for (k, v) in parent_meta {
            meta.entry(k).or_insert(v);
        }
        if let Some(defaults) = &self.rsc_defaults {
            nvset::unpack_blocks(
                defaults,
                "meta_attributes",
                None,
                &input,
                &mut meta,
                &self.input,
            );
        }
        if let Some(pi) = self.rscs[idx].parent {
            let inherited: Vec<(String, String)> = self.rscs[pi]
                .meta
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in inherited {
                meta.entry(k).or_insert(v);
            }
        }
        self.rscs[idx].meta = meta;
    }

    /// Sets flags and policies from the meta-attributes.
    fn unpack_rsc_policies(&mut self, idx: RscIdx) {
        let id = self.rscs[idx].id.clone();
        let meta = self.rscs[idx].meta.clone();
        let get = |k: &str| meta.get(k).map(String::as_str);

        let priority = match get("priority") {
            None => 0,
            Some(v) => parse_score(v).unwrap_or_else(|| {
                self.config_warn(format!(
                    "Using default (0) for resource {id} priority because '{v}' is not a valid value"
                ));
                0
            }),
        };
        let critical = get("critical").is_none_or(|v| is_true(Some(v)));
        let notify = is_true(get("notify"));
        let is_remote = is_remote_xml(&self.rscs[idx].xml);
        let guest = is_remote && get("container").is_some();
        let remote_node = is_remote && !guest;
        let migrate = get("allow-migrate");
        let migratable = is_true(migrate) || (migrate.is_none() && remote_node);

        let stickiness = match get("resource-stickiness") {
            None => 0,
            Some(v) if v.eq_ignore_ascii_case("default") => 0,
            Some(v) => parse_score(v).unwrap_or(0),
        };
        let threshold = match get("migration-threshold") {
            None => INFINITY,
            Some(v) => match parse_score(v) {
                Some(t) if t >= 0 => t,
                _ => INFINITY,
            },
        };
        let multiple = match get("multiple-active")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("stop_only") => MultipleActive::Stop,
            Some("block") => MultipleActive::Block,
            Some("stop_unexpected") => MultipleActive::StopUnexpected,
            _ => MultipleActive::Restart,
        };
        let failure_timeout = get("failure-timeout")
            .and_then(parse_interval_ms)
            .unwrap_or(0);
        let class = self.rscs[idx].class().to_string();
        let top = self.top_rsc(idx, false);
        let in_clone = self.rscs[top].variant == Variant::Clone;

        let maintenance_mode = self.has(SchedFlags::MAINTENANCE);
        {
            let r = &mut self.rscs[idx];
            r.priority = priority;
            if critical {
                r.flags.set(RscFlags::CRITICAL);
            }
            if notify {
                r.flags.set(RscFlags::NOTIFY);
            }
            if is_remote {
                r.flags.set(RscFlags::REMOTE_CONNECTION);
            }
            if migratable {
                r.flags.set(RscFlags::MIGRATABLE);
            }
            if let Some(v) = get("is-managed") {
                if !v.eq_ignore_ascii_case("default") {
                    if is_true(Some(v)) {
                        r.flags.set(RscFlags::MANAGED);
                    } else {
                        r.flags.clear(RscFlags::MANAGED);
                    }
                }
            }
            if is_true(get("maintenance")) || maintenance_mode {
                r.flags.clear(RscFlags::MANAGED);
                r.flags.set(RscFlags::MAINTENANCE);
            }
            if in_clone {
                let unique = match get("globally-unique") {
                    Some(v) => is_true(Some(v)),
                    None => get("clone-node-max")
                        .and_then(crate::values::parse_ll)
                        .is_some_and(|n| n > 1),
                };
                if unique {
                    r.flags.set(RscFlags::UNIQUE);
                }
                if is_true(get("promotable")) {
                    r.flags.set(RscFlags::PROMOTABLE);
                }
            } else {
                r.flags.set(RscFlags::UNIQUE);
            }
            r.multiply_active = multiple;
            r.stickiness = stickiness;
            r.ban_after_failures = threshold;
            r.failure_expiration_ms = failure_timeout;
        }
        if class.eq_ignore_ascii_case("stonith") {
            self.flags.put(SchedFlags::HAVE_FENCING, true);
            self.rscs[idx].flags.set(RscFlags::FENCE_DEVICE);
        }
        if is_remote {
            // A reconnect interval works as the connection's failure
            // timeout (overriding any configured one), and keeps a failed
            // connection stopped until its failure is cleared
            let params = self.rsc_params(idx, None);
            if let Some(v) = params.get("reconnect_interval") {
                let ms = crate::values::parse_interval_ms(v).unwrap_or(0);
                self.rscs[idx].remote_reconnect_ms = ms;
                self.rscs[idx].failure_expiration_ms = ms;
            }
        }
        let requires = get("requires").map(str::to_string);
        self.unpack_requires(idx, requires.as_deref(), false);
        if let Some(role) = self.target_role(idx) {
            self.rscs[idx].next_role = role;
        }
    }

    /// Parses the `requires` meta-attribute (`unpack_requires`).
    fn unpack_requires(&mut self, idx: RscIdx, value: Option<&str>, is_default: bool) {
        let id = self.rscs[idx].id.clone();
        let lower = value.map(str::to_ascii_lowercase);
        match lower.as_deref() {
            Some("nothing") => {}
            Some("quorum") => self.rscs[idx].flags.set(RscFlags::NEEDS_QUORUM),
            Some("fencing") => {
                self.rscs[idx].flags.set(RscFlags::NEEDS_FENCING);
                if !self.has(SchedFlags::FENCING_ENABLED) {
                    self.config_warn(format!("{id} requires fencing but fencing is disabled"));
                }
            }
            Some("unfencing") => {
                if self.rscs[idx].has(RscFlags::FENCE_DEVICE) {
                    self.config_warn(format!(
                        "Resetting \"requires\" for {id} to \"quorum\" because fencing devices cannot require unfencing"
                    ));
                    self.unpack_requires(idx, Some("quorum"), true);
                    return;
                }
                if !self.has(SchedFlags::FENCING_ENABLED) {
                    self.config_warn(format!(
                        "Resetting \"requires\" for {id} to \"quorum\" because fencing is disabled"
                    ));
                    self.unpack_requires(idx, Some("quorum"), true);
                    return;
                }
                self.rscs[idx]
                    .flags
                    .set(RscFlags::NEEDS_FENCING | RscFlags::NEEDS_UNFENCING);
            }
            _ => {
                let r = &self.rscs[idx];
                let default = if r.has(RscFlags::FENCE_DEVICE)
                    || (r.is_primitive() && is_remote_xml(&r.xml))
                {
                    "quorum"
                } else if self.has(SchedFlags::ENABLE_UNFENCING) {
                    "unfencing"
                } else if self.has(SchedFlags::FENCING_ENABLED) {
                    "fencing"
                } else if self.no_quorum == crate::model::scheduler::NoQuorum::Ignore {
                    "nothing"
                } else {
                    "quorum"
                };
                if let Some(v) = value {
                    if !is_default {
                        self.config_err(format!(
                            "Resetting 'requires' for {id} to '{default}' because '{v}' is not valid"
                        ));
                    }
                }
                self.unpack_requires(idx, Some(default), true);
            }
        }
    }

    /// The configured target role, if it limits the resource
    /// (`get_target_role`).
    pub(crate) fn target_role(&mut self, idx: RscIdx) -> Option<Role> {
        let value = self.rscs[idx].meta("target-role")?.to_string();
        if value.eq_ignore_ascii_case("started") || value.eq_ignore_ascii_case("default") {
            return None;
        }
        let role = Role::parse(&value);
        let id = self.rscs[idx].id.clone();
        if role == Role::Unknown {
            self.config_err(format!(
                "Ignoring 'target-role' for {id} because '{value}' is not valid"
            ));
            return None;
        }
        if role > Role::Started {
            let top = self.top_rsc(idx, false);
            if self.rscs[top].has(RscFlags::PROMOTABLE) {
                if role > Role::Unpromoted {
                    return None;
                }
            } else {
                self.config_err(format!(
                    "Ignoring 'target-role' for {id} because '{value}' only makes sense for promotable clones"
                ));
                return None;
            }
        }
        Some(role)
    }

    /// Unpacks a group's members (`group_unpack`).
    fn unpack_group(&mut self, idx: RscIdx) -> bool {
        let xml = self.rscs[idx].xml.clone();
        let clone_id = xml.attr("clone").map(str::to_string);
        let mut children = Vec::new();
        for member in xml.children_named("primitive") {
            let mut member = member.clone();
            if let Some(c) = &clone_id {
                member.set_attr("clone", c.clone());
            }
            if let Some(c) = self.unpack_resource(&member, Some(idx)) {
                children.push(c);
            }
        }
        if children.is_empty() {
            let id = self.rscs[idx].id.clone();
            self.config_err(format!("Group {id} has no members"));
            return false;
        }
        self.rscs[idx].children = children;
        true
    }

    /// Whether a group is ordered / colocated (both default to true).
    pub(crate) fn group_flag(&self, idx: RscIdx, name: &str) -> bool {
        match self.rscs[idx].meta(name) {
            None => true,
            Some(v) => parse_bool(v).unwrap_or(true),
        }
    }
}

/// Whether a resource XML is an `ocf:pacemaker:remote` connection.
pub fn is_remote_xml(xml: &Element) -> bool {
    xml.name == "primitive"
        && xml
            .attr("class")
            .is_some_and(|c| c.eq_ignore_ascii_case("ocf"))
        && xml
            .attr("provider")
            .is_some_and(|c| c.eq_ignore_ascii_case("pacemaker"))
        && xml
            .attr("type")
            .is_some_and(|c| c.eq_ignore_ascii_case("remote"))
}
