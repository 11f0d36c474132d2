//! Erase and bump.

use pcmk_common::cib::parse_int;
use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::NodePath;

use crate::tx::Tx;

/// Increases a counter attribute of the root by one (unset counts as 0).
pub fn bump_counter(tx: &mut Tx<'_>, name: &str) {
    let old = tx.doc().attr(name).and_then(parse_int).unwrap_or(0);
    tx.set_attr(&NodePath::root(), name, &old.saturating_add(1).to_string());
}

/// Sets a counter attribute of the root to 1, as Pacemaker "resets" them.
pub fn reset_counter(tx: &mut Tx<'_>, name: &str) {
    tx.set_attr(&NodePath::root(), name, "1");
}

/// The empty configuration of a new CIB.
pub fn empty_configuration() -> Element {
    Element::new("configuration")
        .with_child(Element::new("crm_config"))
        .with_child(Element::new("nodes"))
        .with_child(Element::new("resources"))
        .with_child(Element::new("constraints"))
}

/// Empties the CIB (keeping the root's attributes) and increases
/// `admin_epoch`.
pub fn erase(tx: &mut Tx<'_>) {
    let root = NodePath::root();
    while !tx.doc().children.is_empty() {
        tx.remove(&root.child(0));
    }
    tx.append(&root, Node::Element(empty_configuration()));
    tx.append(&root, Node::Element(Element::new("status")));
    bump_counter(tx, "admin_epoch");
}

/// Increases the epoch.
pub fn bump(tx: &mut Tx<'_>) {
    bump_counter(tx, "epoch");
}
