//! The sections of a CIB and where they sit (Pacemaker's `cib_sections[]`
//! in `lib/common/cib.c`): what `cibadmin -o/--scope` accepts and what a
//! patchset can be asked about.

/// A named part of the CIB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Element name (and scope name).
    pub name: &'static str,
    /// Absolute path of the parent element (`None` for the root).
    pub parent: Option<&'static str>,
    /// Absolute path of the element.
    pub path: &'static str,
}

/// Every section, the root first.
pub const SECTIONS: &[Section] = &[
    Section {
        name: "cib",
        parent: None,
        path: "/cib",
    },
    Section {
        name: "status",
        parent: Some("/cib"),
        path: "/cib/status",
    },
    Section {
        name: "configuration",
        parent: Some("/cib"),
        path: "/cib/configuration",
    },
    Section {
        name: "crm_config",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/crm_config",
    },
    Section {
        name: "nodes",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/nodes",
    },
    Section {
        name: "resources",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/resources",
    },
    Section {
        name: "constraints",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/constraints",
    },
    Section {
        name: "op_defaults",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/op_defaults",
    },
    Section {
        name: "rsc_defaults",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/rsc_defaults",
    },
    Section {
        name: "acls",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/acls",
    },
    Section {
        name: "fencing-topology",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/fencing-topology",
    },
    Section {
        name: "tags",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/tags",
    },
    Section {
        name: "alerts",
        parent: Some("/cib/configuration"),
        path: "/cib/configuration/alerts",
    },
    Section {
        name: "all",
        parent: None,
        path: "/cib",
    },
];

/// The section called `name` (exact, case-sensitive, as Pacemaker looks it
/// up).
pub fn section(name: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(
            section("resources").map(|s| s.path),
            Some("/cib/configuration/resources")
        );
        assert_eq!(section("status").and_then(|s| s.parent), Some("/cib"));
        assert_eq!(section("all").map(|s| s.path), Some("/cib"));
        assert!(section("Resources").is_none());
    }
}
