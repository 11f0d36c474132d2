//! Clones: their settings, their numbered instances, and which instance a
//! history entry belongs to (`clone_unpack`, `find_anonymous_clone`).

use crate::model::{CloneData, NodeIdx, RscFlags, RscIdx, Scheduler, Variant};
use crate::values::parse_ll;

/// A clone's id without the instance suffix (`clone_strip`).
pub fn strip_instance(id: &str) -> &str {
    match id.rfind(':') {
        Some(i) => &id[..i],
        None => id,
    }
}

impl Scheduler {
    /// A non-negative integer meta-attribute: the default when unset, 0
    /// when invalid.
    fn meta_count(&self, rsc: RscIdx, name: &str, default: i32) -> i32 {
        match self.rscs[rsc].meta(name) {
            None => default,
            Some(v) => parse_ll(v).map_or(0, |n| n.clamp(0, i64::from(i32::MAX)) as i32),
        }
    }

    /// Unpacks a clone's settings and creates its instances.
    pub(crate) fn unpack_clone(&mut self, idx: RscIdx) -> bool {
        let id = self.rscs[idx].id.clone();
        let promotable = self.rscs[idx].has(RscFlags::PROMOTABLE);
        let (promoted_max, promoted_node_max) = if promotable {
            (
                self.meta_count(idx, "promoted-max", 1),
                self.meta_count(idx, "promoted-node-max", 1),
            )
        } else {
            (0, 0)
        };
        let mut clone_node_max = self.meta_count(idx, "clone-node-max", 1);
        let num_nodes = i32::try_from(self.nodes.len()).unwrap_or(i32::MAX).max(1);
        let clone_max = self.meta_count(idx, "clone-max", num_nodes);
        let ordered = crate::values::is_true(self.rscs[idx].meta("ordered"));
        let unique = self.rscs[idx].has(RscFlags::UNIQUE);
        if !unique && clone_node_max > 1 {
            self.config_err(format!(
                "Ignoring clone-node-max of {clone_node_max} for {id} because anonymous clones support only one instance per node"
            ));
            clone_node_max = 1;
        }
        let child_xml = self.rscs[idx]
            .xml
            .elements()
            .find(|e| e.name == "primitive" || e.name == "group")
            .cloned();
        let Some(child_xml) = child_xml else {
            self.config_err(format!("{id} has nothing to clone"));
            return false;
        };
        let r = &mut self.rscs[idx];
        r.meta
            .entry("resource-stickiness".into())
            .or_insert_with(|| "1".into());
        r.meta.insert(
            "globally-unique".into(),
            if unique { "true" } else { "false" }.into(),
        );
        r.clone = Some(Box::new(CloneData {
            clone_max,
            clone_node_max,
            promoted_max,
            promoted_node_max,
            total_clones: 0,
            ordered,
            child_xml,
            notify: Vec::new(),
            promotion_added: false,
            promotion_constrained: false,
        }));
        if clone_max <= 0 {
            return self.create_clone_child(idx).is_some();
        }
        let mut n = 0;
        while n < self.clone_max(idx) {
            if self.create_clone_child(idx).is_none() {
                return false;
            }
            n += 1;
        }
        true
    }

    /// Checks a primitive cloned directly against what its agent standard
    /// supports: only OCF and fencing agents can be unique, only OCF
    /// agents promotable.
    pub(crate) fn check_cloned_primitive(&mut self, idx: RscIdx) -> bool {
        if self.rscs[idx].parent.is_none() {
            return true;
        }
        let parent = self.uber_parent(idx);
        if self.rscs[parent].variant != Variant::Clone {
            return true;
        }
        let class = self.rscs[idx].class().to_ascii_lowercase();
        let unique_ok = class == "ocf" || class == "stonith";
        if !unique_ok && self.rscs[idx].has(RscFlags::UNIQUE) {
            let (pid, rid) = (self.rscs[parent].id.clone(), self.rscs[idx].id.clone());
            self.config_warn(format!(
                "Ignoring globally-unique for {pid} because {class} resources such as {rid} can be used only as anonymous clones"
            ));
            let nodes = i32::try_from(self.nodes.len()).unwrap_or(i32::MAX);
            if let Some(d) = self.rscs[parent].clone.as_mut() {
                d.clone_node_max = 1;
                d.clone_max = d.clone_max.min(nodes);
            }
            self.clear_flag_recursive(parent, RscFlags::UNIQUE);
            self.rscs[idx].flags.clear(RscFlags::UNIQUE);
        }
        if self.rscs[parent].has(RscFlags::PROMOTABLE) && class != "ocf" {
            let rid = self.rscs[idx].id.clone();
            self.config_err(format!(
                "Resource {rid} is of type {class} and therefore cannot be used as a promotable clone resource"
            ));
            return false;
        }
        true
    }

    fn clear_flag_recursive(&mut self, rsc: RscIdx, flag: u64) {
        self.rscs[rsc].flags.clear(flag);
        for c in self.rscs[rsc].children.clone() {
            self.clear_flag_recursive(c, flag);
        }
    }

    /// Creates the next numbered instance of a clone
    /// (`pe__create_clone_child`); instances beyond clone-max are removed.
    pub(crate) fn create_clone_child(&mut self, clone: RscIdx) -> Option<RscIdx> {
        let data = self.rscs[clone].clone.as_ref()?;
        let removed = data.total_clones >= data.clone_max;
        let number = data.total_clones;
        let clone_max = data.clone_max;
        let mut xml = data.child_xml.clone();
        xml.set_attr("clone", number.to_string());
        let child = self.unpack_resource(&xml, Some(clone))?;
        if let Some(d) = self.rscs[clone].clone.as_mut() {
            d.total_clones += 1;
        }
        self.rscs[clone].children.push(child);
        if removed {
            self.set_flag_recursive(child, RscFlags::REMOVED);
        }
        self.rscs[child]
            .meta
            .insert("clone-max".into(), clone_max.to_string());
        Some(child)
    }

    /// Sets a flag on a resource and everything below it.
    pub(crate) fn set_flag_recursive(&mut self, rsc: RscIdx, flag: u64) {
        self.rscs[rsc].flags.set(flag);
        for c in self.rscs[rsc].children.clone() {
            self.set_flag_recursive(c, flag);
        }
    }

    /// The clone settings governing a resource (its top-level clone).
    pub fn clone_data(&self, rsc: RscIdx) -> Option<&CloneData> {
        let top = self.top_rsc(rsc, false);
        self.rscs[top].clone.as_deref()
    }

    /// Instances allowed in total (`pe__clone_max`).
    pub fn clone_max(&self, rsc: RscIdx) -> i32 {
        self.clone_data(rsc).map_or(1, |d| d.clone_max)
    }

    /// Instances allowed per node (`pe__clone_node_max`).
    pub fn clone_node_max(&self, rsc: RscIdx) -> i32 {
        self.clone_data(rsc).map_or(1, |d| d.clone_node_max)
    }

    /// Promoted instances allowed in total.
    pub fn promoted_max(&self, rsc: RscIdx) -> i32 {
        self.clone_data(rsc).map_or(0, |d| d.promoted_max)
    }

    /// Promoted instances allowed per node.
    pub fn promoted_node_max(&self, rsc: RscIdx) -> i32 {
        self.clone_data(rsc).map_or(0, |d| d.promoted_node_max)
    }

    /// Every name a resource is known by: ids and history names
    /// (what `pe_find_resource` matches).
    pub fn resource_names(&self) -> std::collections::HashSet<String> {
        let mut out = std::collections::HashSet::new();
        for r in &self.rscs {
            out.insert(r.id.clone());
            if let Some(h) = &r.history_id {
                out.insert(h.clone());
            }
        }
        out
    }

    /// Whether a resource is an anonymous clone.
    pub fn is_anonymous_clone(&self, rsc: RscIdx) -> bool {
        self.rscs[rsc].variant == Variant::Clone && !self.rscs[rsc].has(RscFlags::UNIQUE)
    }

    /// The primitive in a clone instance whose configured id is `base`
    /// (`find_rsc` with clone-only matching).
    pub(crate) fn find_in_instance(&self, instance: RscIdx, base: &str) -> Option<RscIdx> {
        let r = &self.rscs[instance];
        if r.is_primitive() {
            if r.id == base || r.xml.id() == Some(base) {
                return Some(instance);
            }
            return None;
        }
        if r.id == base || r.xml.id() == Some(base) {
            return Some(instance);
        }
        r.children
            .iter()
            .find_map(|&c| self.find_in_instance(c, base))
    }

    /// Nodes an instance is active or pending on.
    fn instance_locations(&self, rsc: RscIdx, out: &mut Vec<NodeIdx>) {
        let r = &self.rscs[rsc];
        if r.children.is_empty() {
            for &n in &r.active {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
            if let Some(n) = r.pending_node {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        } else {
            for &c in &r.children {
                self.instance_locations(c, out);
            }
        }
    }

    /// Whether a clone has an instance for every node.
    pub fn is_universal_clone(&self, rsc: RscIdx) -> bool {
        self.rscs[rsc]
            .clone
            .as_ref()
            .is_some_and(|d| usize::try_from(d.clone_max).ok() == Some(self.nodes.len()))
    }

    /// Chooses the instance of an anonymous clone that a node's history of
    /// `base` belongs to: the one active there, else an inactive one, else
    /// a new removed one (`find_anonymous_clone`).
    pub(crate) fn find_anonymous_clone(
        &mut self,
        node: NodeIdx,
        parent: RscIdx,
        base: &str,
    ) -> Option<RscIdx> {
        let mut found = None;
        let mut inactive = None;
        let mut skip_inactive = false;
        for child in self.rscs[parent].children.clone() {
            let mut locations = Vec::new();
            self.instance_locations(child, &mut locations);
            if !locations.is_empty() {
                if locations[0] == node {
                    if let Some(r) = self.find_in_instance(child, base) {
                        if self.rscs[r].active.is_empty() {
                            found = Some(r);
                        } else {
                            skip_inactive = true;
                        }
                    }
                }
            } else if !skip_inactive
                && inactive.is_none()
                && !self.rscs[child].has(RscFlags::BLOCKED)
            {
                inactive = self.find_in_instance(child, base);
                if let Some(i) = inactive {
                    if self.rscs[i].pending_node.is_some_and(|p| p != node) {
                        inactive = None;
                    }
                }
            }
            if found.is_some() {
                break;
            }
        }
        if found.is_none() && !skip_inactive {
            found = inactive;
        }
        if let Some(r) = found {
            let n = &self.nodes[node];
            if !self.rscs[r].has(RscFlags::NEEDS_FENCING)
                && (!n.online || n.unclean)
                && !self.is_guest_node(node)
                && !self.is_universal_clone(parent)
            {
                found = None;
            }
        }
        if found.is_none() {
            let top = self.create_clone_child(parent)?;
            found = self.find_in_instance(top, base);
        }
        found
    }

    /// Finds the resource a history entry belongs to, matching anonymous
    /// clone instances by name (`unpack_find_resource`).
    pub(crate) fn find_history_resource(&mut self, node: NodeIdx, rsc_id: &str) -> Option<RscIdx> {
        let mut rsc;
        let parent;
        match self.find_rsc(rsc_id) {
            None => {
                let clone0 = format!("{}:0", strip_instance(rsc_id));
                let c0 = self.find_rsc(&clone0)?;
                if self.rscs[c0].has(RscFlags::UNIQUE) {
                    return None;
                }
                rsc = Some(c0);
                parent = self.uber_parent(c0);
            }
            Some(r) if self.rscs[r].variant != Variant::Primitive => return None,
            Some(r) => {
                rsc = Some(r);
                parent = self.uber_parent(r);
            }
        }
        if self.is_anonymous_clone(parent) {
            let base = strip_instance(rsc_id).to_string();
            rsc = self.find_anonymous_clone(node, parent, &base);
        }
        let r = rsc?;
        if self.rscs[r].id != rsc_id && self.rscs[r].history_id.as_deref() != Some(rsc_id) {
            self.rscs[r].history_id = Some(rsc_id.to_string());
        }
        Some(r)
    }
}
