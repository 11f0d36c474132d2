//! The CIB operations, as Pacemaker's `cib_ops.c` performs them, written
//! against a [`Tx`] so that every change is tracked.

mod create;
mod delete;
mod misc;
mod modify;
pub mod query;
mod replace;

use pcmk_common::xml::Element;
use pcmk_common::xpath::NodePath;

use crate::error::Failure;
use crate::notes::Note;
use crate::request::{Operation, Request};
use crate::tx::Tx;

pub use misc::{bump_counter, empty_configuration, reset_counter};
pub use modify::merge_into;

/// Runs a changing operation on the document of `tx`; returns the output
/// (if the operation has one). Query, upgrade and patch are handled by the
/// caller.
pub fn run(
    tx: &mut Tx<'_>,
    req: &Request,
    notes: &mut Vec<Note>,
) -> Result<Option<Element>, Failure> {
    match req.op {
        Operation::Create => create::create(tx, req),
        Operation::Modify => modify::modify(tx, req, notes)
            .map(|()| None)
            .map_err(Failure::from),
        Operation::Replace => replace::replace(tx, req, notes)
            .map(|()| None)
            .map_err(Failure::from),
        Operation::Delete => delete::delete(tx, req, notes)
            .map(|()| None)
            .map_err(Failure::from),
        Operation::Erase => {
            misc::erase(tx);
            Ok(None)
        }
        Operation::Bump => {
            misc::bump(tx);
            Ok(None)
        }
        Operation::Query | Operation::Upgrade | Operation::ApplyPatch => Ok(None),
    }
}

/// The first element in the tree under `base` (pre-order, `base` itself
/// first when `include_self`) for which `pred` holds.
pub(crate) fn find_first(
    doc: &Element,
    base: &NodePath,
    include_self: bool,
    pred: &dyn Fn(&Element) -> bool,
) -> Option<NodePath> {
    let el = base.element(doc)?;
    if include_self && pred(el) {
        return Some(base.clone());
    }
    fn walk(el: &Element, path: &mut Vec<usize>, pred: &dyn Fn(&Element) -> bool) -> bool {
        for (i, c) in el.children.iter().enumerate() {
            if let pcmk_common::xml::Node::Element(child) = c {
                path.push(i);
                if pred(child) || walk(child, path, pred) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = base.indices().to_vec();
    walk(el, &mut path, pred).then(|| NodePath::from_indices(path))
}
