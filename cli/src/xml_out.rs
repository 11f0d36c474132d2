//! Pacemaker's XML formatter (`lib/common/output_xml.c`) for the cluster
//! tools: elements nested under a stack of open parents, lists named by
//! their title (`Full List of Resources` becomes `<resources>`), items as
//! `<item>` text.

use pcmk_common::xml::{Element, Node};

/// The element names of well-known list titles.
const SUBSTITUTIONS: &[(&str, &str)] = &[
    ("Active Resources", "resources"),
    ("Assignment Scores", "allocations"),
    (
        "Assignment Scores and Utilization Information",
        "allocations_utilizations",
    ),
    ("Cluster Summary", "summary"),
    ("Current cluster status", "cluster_status"),
    ("Executing Cluster Transition", "transition"),
    ("Failed Resource Actions", "failures"),
    ("Fencing History", "fence_history"),
    ("Full List of Resources", "resources"),
    ("Inactive Resources", "resources"),
    ("Migration Summary", "node_history"),
    ("Negative Location Constraints", "bans"),
    ("Node Attributes", "node_attributes"),
    ("Operations", "node_history"),
    ("Resource Config", "resource_config"),
    ("Resource Operations", "operations"),
    ("Revised Cluster Status", "revised_cluster_status"),
    ("Timings", "timings"),
    ("Transition Summary", "actions"),
    ("Utilization Information", "utilizations"),
];

/// XML output being built.
#[derive(Debug, Clone, Default)]
pub struct XmlOut {
    /// Finished top-level elements.
    pub roots: Vec<Element>,
    stack: Vec<Element>,
    /// Lists are `<list name=.. count=..>` rather than named elements.
    pub list_element: bool,
}

impl XmlOut {
    /// An empty builder.
    pub fn new() -> XmlOut {
        XmlOut::default()
    }

    /// Adds an element under the current parent.
    pub fn add(&mut self, e: Element) {
        match self.stack.last_mut() {
            Some(p) => p.push(e),
            None => self.roots.push(e),
        }
    }

    /// Opens an element that the next ones go into.
    pub fn push_parent(&mut self, e: Element) {
        self.stack.push(e);
    }

    /// Closes the current parent.
    pub fn pop_parent(&mut self) {
        if let Some(e) = self.stack.pop() {
            self.add(e);
        }
    }

    /// The element name of a list titled `title`.
    pub fn list_name(title: &str) -> String {
        SUBSTITUTIONS
            .iter()
            .find(|(from, _)| *from == title)
            .map_or_else(|| title.to_ascii_lowercase(), |(_, to)| (*to).to_string())
    }

    /// Opens a list.
    pub fn begin_list(&mut self, title: &str) {
        let name = Self::list_name(title);
        if self.list_element {
            self.push_parent(Element::new("list").with_attr("name", name));
        } else {
            self.push_parent(Element::new(name));
        }
    }

    /// Closes a list.
    pub fn end_list(&mut self) {
        if self.list_element {
            if let Some(top) = self.stack.last_mut() {
                let n = top.element_count();
                top.set_attr("count", n.to_string());
            }
        }
        self.pop_parent();
    }

    /// A list item.
    pub fn item(&mut self, name: Option<&str>, text: &str) {
        let mut e = Element::new("item");
        e.children.push(Node::Text(text.to_string()));
        if let Some(n) = name {
            e.set_attr("name", n);
        }
        self.add(e);
    }

    /// Closes every open parent and returns the top-level elements.
    pub fn finish(mut self) -> Vec<Element> {
        while !self.stack.is_empty() {
            self.pop_parent();
        }
        self.roots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        let mut x = XmlOut::new();
        x.begin_list("Tickets");
        x.add(Element::new("ticket").with_attr("id", "a"));
        x.end_list();
        x.list_element = true;
        x.begin_list("Things");
        x.item(None, "one");
        x.end_list();
        let roots = x.finish();
        assert_eq!(roots[0].name, "tickets");
        assert_eq!(roots[1].attr("count"), Some("1"));
        assert_eq!(roots[1].attr("name"), Some("things"));
    }
}
