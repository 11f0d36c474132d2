//! Delete: the first object matching an element, or XPath matches.

use pcmk_common::xml::Element;
use pcmk_common::xpath::XPathMatch;

use crate::error::CibError;
use crate::notes::{Level, Note};
use crate::request::{Request, Target};
use crate::section;
use crate::tx::Tx;

use super::find_first;
use super::query::select;

/// Whether `el` is of the kind of `search` and has every attribute of
/// `search` with the same value (ignoring case, as Pacemaker compares).
fn matches(el: &Element, search: &Element) -> bool {
    el.name == search.name
        && search
            .attrs
            .iter()
            .all(|(k, v)| el.attr(k).is_some_and(|x| x.eq_ignore_ascii_case(v)))
}

/// Performs a delete request.
pub fn delete(tx: &mut Tx<'_>, req: &Request, notes: &mut Vec<Note>) -> Result<(), CibError> {
    if let Target::XPath(expr) = &req.target {
        let mut found = select(tx.doc(), expr, notes);
        if found.is_empty() {
            notes.push(Note::log(
                "process_delete_xpath",
                Level::Debug,
                format!("{expr} was already removed"),
            ));
            return Ok(());
        }
        if req.options.multiple {
            // Reverse document order, so that removing a node does not
            // move the ones still to remove.
            found.reverse();
        }
        for m in found {
            match m {
                XPathMatch::Document => {
                    return Err(CibError::InvalidArgument(format!(
                        "cannot delete the whole CIB ({expr})"
                    )));
                }
                XPathMatch::Element(p) if p.is_root() => {
                    return Err(CibError::InvalidArgument(format!(
                        "cannot delete the whole CIB ({expr})"
                    )));
                }
                XPathMatch::Attribute { element, name } => {
                    tx.remove_attr(&element, &name);
                }
                XPathMatch::Element(p) | XPathMatch::Text(p) | XPathMatch::Comment(p) => {
                    tx.remove(&p);
                }
            }
            if !req.options.multiple {
                break;
            }
        }
        return Ok(());
    }
    let Some(input) = &req.input else {
        return Err(CibError::InvalidArgument("no object to delete".to_string()));
    };
    let Some(root) = section::find(tx.doc(), req.target.section()) else {
        // Pacemaker ignores a delete in a section it cannot find.
        return Ok(());
    };
    let searches: Vec<&Element> = match req.target.section() {
        Some(s) if input.name == s => input.elements().collect(),
        _ => vec![input],
    };
    for search in searches {
        if let Some(p) = find_first(tx.doc(), &root, false, &|e| matches(e, search)) {
            tx.remove(&p);
        }
    }
    Ok(())
}
