//! Node names from corosync's configured node list (cmap keys
//! `nodelist.node.<i>.nodeid`, `.name` and `.ring0_addr`), as Pacemaker
//! names cluster nodes: the `name`, else the first ring address.

use std::collections::BTreeMap;

use crate::core::peers::NodeRef;

/// The cmap prefix of the node list.
pub const NODELIST_PREFIX: &str = "nodelist.node.";

/// The configured nodes, ordered by node id, from `(key, value)` pairs
/// of cmap's node list. Entries without a valid id or any name are left
/// out.
pub fn nodelist<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<NodeRef> {
    #[derive(Default)]
    struct Slot {
        id: Option<u32>,
        name: Option<String>,
        addr: Option<String>,
    }
    let mut slots: BTreeMap<u32, Slot> = BTreeMap::new();
    for (key, value) in entries {
        let Some(rest) = key.strip_prefix(NODELIST_PREFIX) else {
            continue;
        };
        let Some((index, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<u32>() else {
            continue;
        };
        let slot = slots.entry(index).or_default();
        let value = value.trim();
        match field {
            "nodeid" => slot.id = value.parse().ok().filter(|id| *id != 0),
            "name" if !value.is_empty() => slot.name = Some(value.to_string()),
            "ring0_addr" if !value.is_empty() => slot.addr = Some(value.to_string()),
            _ => {}
        }
    }
    let mut out: Vec<NodeRef> = slots
        .into_values()
        .filter_map(|s| Some(NodeRef::new(s.id?, s.name.or(s.addr)?)))
        .collect();
    out.sort();
    out.dedup_by_key(|n| n.id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ids_and_fallbacks() {
        let entries = [
            ("nodelist.node.0.nodeid", "1"),
            ("nodelist.node.0.name", "alpha"),
            ("nodelist.node.0.ring0_addr", "10.0.0.1"),
            ("nodelist.node.1.nodeid", "3"),
            ("nodelist.node.1.ring0_addr", "10.0.0.3"),
            ("nodelist.node.2.nodeid", "x"),
            ("nodelist.node.2.name", "broken"),
            ("nodelist.node.3.name", "no-id"),
            ("nodelist.local_node_pos", "0"),
            ("totem.token", "1000"),
        ];
        let nodes = nodelist(entries);
        assert_eq!(
            nodes,
            vec![NodeRef::new(1, "alpha"), NodeRef::new(3, "10.0.0.3")]
        );
    }
}
