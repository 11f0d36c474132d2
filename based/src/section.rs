//! The sections of the CIB that requests can be scoped to.

use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::NodePath;

/// Sections inside `configuration`.
pub const CONFIG_SECTIONS: &[&str] = &[
    "crm_config",
    "nodes",
    "resources",
    "constraints",
    "op_defaults",
    "rsc_defaults",
    "acls",
    "fencing-topology",
    "tags",
    "alerts",
];

/// The scope names `cibadmin --scope` accepts.
pub const SCOPES: &[&str] = &[
    "configuration",
    "nodes",
    "resources",
    "constraints",
    "crm_config",
    "rsc_defaults",
    "op_defaults",
    "acls",
    "fencing-topology",
    "tags",
    "alerts",
    "status",
];

/// Pacemaker's pseudo-section standing for the whole CIB.
pub const ALL: &str = "all";

/// Whether `name` is a section Pacemaker knows (including `cib` and `all`).
pub fn is_known(name: &str) -> bool {
    name == "cib"
        || name == ALL
        || name == "status"
        || name == "configuration"
        || CONFIG_SECTIONS.contains(&name)
}

/// The names of the elements from the root down to the parent of section
/// `name` (`None` for unknown sections and the root).
pub fn parent_chain(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "status" | "configuration" => Some(&["cib"]),
        n if CONFIG_SECTIONS.contains(&n) => Some(&["cib", "configuration"]),
        _ => None,
    }
}

/// The only child element of `el` named `name` (`None` if there is none
/// or more than one, as Pacemaker's lookup requires a single match).
fn only_child(el: &Element, name: &str) -> Option<usize> {
    let mut found = None;
    for (i, c) in el.children.iter().enumerate() {
        if matches!(c, Node::Element(e) if e.name == name) {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}

/// Where section `name` is (`None` or `all` or `cib`: the root); `None`
/// when it does not exist or the name is unknown.
pub fn find(cib: &Element, name: Option<&str>) -> Option<NodePath> {
    let name = match name {
        None => return (cib.name == "cib").then(NodePath::root),
        Some(n) if n == ALL || n == "cib" => return (cib.name == "cib").then(NodePath::root),
        Some(n) => n,
    };
    let chain = parent_chain(name)?;
    if cib.name != chain[0] {
        return None;
    }
    let mut path = Vec::with_capacity(chain.len());
    let mut el = cib;
    for step in &chain[1..] {
        let i = only_child(el, step)?;
        path.push(i);
        el = match &el.children[i] {
            Node::Element(e) => e,
            _ => return None,
        };
    }
    path.push(only_child(el, name)?);
    Some(NodePath::from_indices(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;

    #[test]
    fn finds_sections() {
        let cib = parse(
            "<cib><configuration><crm_config/><nodes/><resources/></configuration><status/></cib>",
        )
        .unwrap();
        assert_eq!(find(&cib, None), Some(NodePath::root()));
        assert_eq!(find(&cib, Some("all")), Some(NodePath::root()));
        assert_eq!(
            find(&cib, Some("status")),
            Some(NodePath::from_indices(vec![1]))
        );
        assert_eq!(
            find(&cib, Some("resources")),
            Some(NodePath::from_indices(vec![0, 2]))
        );
        assert_eq!(find(&cib, Some("acls")), None);
        assert_eq!(find(&cib, Some("bogus")), None);
        assert_eq!(parent_chain("acls"), Some(&["cib", "configuration"][..]));
        assert!(is_known("fencing-topology") && !is_known("bogus"));
    }
}
