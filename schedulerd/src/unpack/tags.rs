//! Tags and templates in constraints: a constraint that names a tag or a
//! resource template is rewritten into resource sets of the resources it
//! stands for (`pcmk__expand_tags_in_sets`, `pcmk__tag_to_set`).

use pcmk_common::xml::{Element, Node};

use crate::model::Scheduler;

impl Scheduler {
    /// Reads the `tags` section (`unpack_tags`).
    pub(crate) fn unpack_tags(&mut self) {
        let input = self.input.clone();
        let Some(section) = input.child("configuration").and_then(|c| c.child("tags")) else {
            return;
        };
        for tag in section.children_named("tag") {
            let Some(id) = tag.id() else {
                self.config_err("Ignoring <tag> without id");
                continue;
            };
            let refs: Vec<String> = tag
                .children_named("obj_ref")
                .filter_map(|r| r.id().map(str::to_string))
                .collect();
            self.tags.entry(id.to_string()).or_default().extend(refs);
        }
    }

    /// The resources a tag or template stands for, if `id` names one with
    /// at least one resource.
    fn tag_refs(&self, id: &str) -> Option<Vec<String>> {
        if let Some(list) = self.templates.get(id) {
            return (!list.is_empty()).then(|| list.clone());
        }
        self.tags.get(id).filter(|l| !l.is_empty()).cloned()
    }

    /// Whether `id` is a resource, a tag or a template (with resources).
    fn valid_rsc_or_tag(&self, id: &str) -> (bool, Option<Vec<String>>) {
        if self.constraint_rsc_pub(id).is_some() {
            return (true, None);
        }
        match self.tag_refs(id) {
            Some(refs) => (true, Some(refs)),
            None => (false, None),
        }
    }

    /// Replaces tag references inside resource sets by their resources.
    fn expand_tags_in_sets(&mut self, xml: &Element) -> Option<Element> {
        xml.child("resource_set")?;
        let mut out = xml.clone();
        let mut any = false;
        for set in out.elements_mut() {
            if set.name != "resource_set" {
                continue;
            }
            let mut children = Vec::new();
            for child in std::mem::take(&mut set.children) {
                let e = match &child {
                    Node::Element(e) if e.name == "resource_ref" => e,
                    _ => {
                        children.push(child);
                        continue;
                    }
                };
                let id = e.id().unwrap_or("").to_string();
                match self.valid_rsc_or_tag(&id) {
                    (false, _) => {
                        let cid = xml.id().unwrap_or("").to_string();
                        self.config_err(format!(
                            "Ignoring resource sets for constraint '{cid}' because '{id}' is not a valid resource or tag"
                        ));
                        return None;
                    }
                    (true, None) => children.push(child),
                    (true, Some(refs)) => {
                        any = true;
                        for r in refs {
                            children.push(Node::Element(
                                Element::new("resource_ref").with_attr("id", r),
                            ));
                        }
                    }
                }
            }
            set.children = children;
        }
        any.then_some(out)
    }

    /// Turns a tag or template named by `attr` into a resource set
    /// (`pcmk__tag_to_set`); returns false if the reference is invalid and
    /// whether a set was made.
    fn tag_to_set(&self, xml: &mut Element, attr: &str, convert_rsc: bool) -> Option<bool> {
        let Some(id) = xml.attr(attr).map(str::to_string) else {
            return Some(false);
        };
        let (valid, refs) = self.valid_rsc_or_tag(&id);
        if !valid {
            return None;
        }
        let (refs, from_tag) = match refs {
            Some(r) => (r, true),
            None if convert_rsc => (vec![id.clone()], false),
            None => return Some(false),
        };
        let mut set = Element::new("resource_set").with_attr("id", id.clone());
        for r in refs.iter() {
            set.push(Element::new("resource_ref").with_attr("id", r.clone()));
        }
        if from_tag {
            set.set_attr("sequential", "false");
        }
        xml.push(set);
        xml.remove_attr(attr);
        Some(true)
    }

    /// A constraint with its tag and template references expanded, or
    /// `None` to use it as it is.
    pub(crate) fn expand_constraint_tags(&mut self, xml: &Element) -> Option<Element> {
        if let Some(x) = self.expand_tags_in_sets(xml) {
            return Some(x);
        }
        if xml.child("resource_set").is_some() {
            return None;
        }
        let (first, second, first_extra, second_extra, convert) = match xml.name.as_str() {
            "rsc_order" => ("first", "then", "first-action", "then-action", true),
            "rsc_colocation" => ("rsc", "with-rsc", "rsc-role", "with-rsc-role", true),
            "rsc_location" => ("rsc", "", "role", "", false),
            "rsc_ticket" => ("rsc", "", "rsc-role", "", false),
            _ => return None,
        };
        let ids: Vec<&str> = [first, second]
            .into_iter()
            .filter(|a| !a.is_empty())
            .filter_map(|a| xml.attr(a))
            .collect();
        if ids
            .iter()
            .all(|id| self.tag_refs(id).is_none() || self.constraint_rsc_pub(id).is_some())
        {
            return None;
        }
        let mut out = xml.clone();
        let mut any = false;
        for (attr, extra) in [(first, first_extra), (second, second_extra)] {
            if attr.is_empty() {
                continue;
            }
            let made = self.tag_to_set(&mut out, attr, convert)?;
            if made {
                any = true;
                if let Some(v) = out.attr(extra).map(str::to_string) {
                    let key = if extra.ends_with("action") {
                        "action"
                    } else {
                        "role"
                    };
                    if let Some(set) = out.elements_mut().rfind(|e| e.name == "resource_set") {
                        set.set_attr(key, v);
                    }
                    out.remove_attr(extra);
                }
            }
        }
        any.then_some(out)
    }
}
