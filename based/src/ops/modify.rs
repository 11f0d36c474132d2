//! Modify: merge an object into the matching one.
//!
//! Merging copies the update's attributes onto the target (expanding
//! `name++` and `name+=N` as score increments when asked), then merges
//! each child of the update into the target's first child of the same kind
//! and `id` (or `id-ref`), adding the children that match nothing. Nothing
//! is ever removed.

use pcmk_common::score::Score;
use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::{NodePath, XPathMatch};

use crate::error::CibError;
use crate::notes::Note;
use crate::request::{Request, Target};
use crate::section;
use crate::tx::Tx;

use super::find_first;
use super::query::select;

/// Sets attribute `name` to `value` in `attrs`; with `score`, a value of
/// `name++` or `name+=N` adds to the current value as scores do.
fn set_value(attrs: &mut Vec<(String, String)>, name: &str, value: &str, score: bool) {
    let slot = attrs.iter().position(|(n, _)| n == name);
    let new = match (score, slot) {
        (true, Some(i)) => expand_score(&attrs[i].1, name, value),
        _ => None,
    }
    .unwrap_or_else(|| value.to_string());
    match slot {
        Some(i) => attrs[i].1 = new,
        None => attrs.push((name.to_string(), new)),
    }
}

/// `old + 1` for `name++`, `old + N` for `name+=N` (an invalid old value or
/// increment counts as 0, as Pacemaker counts it); `None` for other values.
fn expand_score(old: &str, name: &str, value: &str) -> Option<String> {
    let rest = value.strip_prefix(name)?.strip_prefix('+')?;
    let add = if rest == "+" || rest.starts_with('+') {
        Score::new(1)
    } else {
        let n = rest.strip_prefix('=')?;
        Score::parse(n).unwrap_or(Score::ZERO)
    };
    let base = Score::parse(old).unwrap_or(Score::ZERO);
    Some((base + add).value().to_string())
}

/// The attribute an update child is matched by: `id`, else `id-ref`.
fn match_key(update: &Element) -> Option<(&'static str, &str)> {
    update
        .id()
        .map(|v| ("id", v))
        .or_else(|| update.attr("id-ref").map(|v| ("id-ref", v)))
}

/// Merges `update` into a fresh copy (the result of merging into an
/// element that did not exist).
pub fn merge_into(target: &mut Element, update: &Element, score: bool) {
    for (k, v) in &update.attrs {
        set_value(&mut target.attrs, k, v, score);
    }
    for child in &update.children {
        match child {
            Node::Element(u) => {
                let key = match_key(u);
                let found = target
                    .elements_mut()
                    .find(|c| c.name == u.name && key.is_none_or(|(a, v)| c.attr(a) == Some(v)));
                match found {
                    Some(c) => merge_into(c, u, score),
                    None => {
                        let mut fresh = Element::new(u.name.clone());
                        merge_into(&mut fresh, u, score);
                        target.push(fresh);
                    }
                }
            }
            Node::Comment(text) => {
                let exists = target
                    .children
                    .iter()
                    .any(|c| matches!(c, Node::Comment(t) if t.eq_ignore_ascii_case(text)));
                if !exists {
                    target.children.push(Node::Comment(text.clone()));
                }
            }
            Node::Text(_) => {}
        }
    }
}

/// Merges `update` into the element at `path`, tracking the changes.
fn merge(tx: &mut Tx<'_>, path: &NodePath, update: &Element, score: bool) {
    tx.update_attrs(path, |attrs| {
        for (k, v) in &update.attrs {
            set_value(attrs, k, v, score);
        }
    });
    for child in &update.children {
        match child {
            Node::Element(u) => {
                let key = match_key(u);
                let found = tx.element(path).and_then(|el| {
                    el.children.iter().position(|c| {
                        matches!(c, Node::Element(c) if c.name == u.name
                            && key.is_none_or(|(a, v)| c.attr(a) == Some(v)))
                    })
                });
                match found {
                    Some(i) => merge(tx, &path.child(i), u, score),
                    None => {
                        let mut fresh = Element::new(u.name.clone());
                        merge_into(&mut fresh, u, score);
                        tx.append(path, Node::Element(fresh));
                    }
                }
            }
            Node::Comment(text) => {
                let exists = tx.element(path).is_some_and(|el| {
                    el.children
                        .iter()
                        .any(|c| matches!(c, Node::Comment(t) if t.eq_ignore_ascii_case(text)))
                });
                if !exists {
                    tx.append(path, Node::Comment(text.clone()));
                }
            }
            Node::Text(_) => {}
        }
    }
}

/// Finds the element under `base` (itself included) of the same kind and
/// `id` as `update` (both without an id counts as the same) and merges
/// `update` into it.
fn update_match(
    tx: &mut Tx<'_>,
    base: &NodePath,
    update: &Element,
    score: bool,
) -> Result<(), CibError> {
    let found = find_first(tx.doc(), base, true, &|e| {
        e.name == update.name && e.id() == update.id()
    })
    .ok_or(CibError::NoSuchObject)?;
    merge(tx, &found, update, score);
    Ok(())
}

/// Performs a modify request.
pub fn modify(tx: &mut Tx<'_>, req: &Request, notes: &mut Vec<Note>) -> Result<(), CibError> {
    let Some(input) = &req.input else {
        return Err(CibError::InvalidArgument(
            "no data to modify with".to_string(),
        ));
    };
    let score = req.options.score_update;
    if let Target::XPath(expr) = &req.target {
        let matches = select(tx.doc(), expr, notes);
        if matches.is_empty() {
            return Err(CibError::NoSuchObject);
        }
        let mut rc = Ok(());
        for m in matches {
            let XPathMatch::Element(p) = m else {
                rc = Err(CibError::NoSuchObject);
                continue;
            };
            if update_match(tx, &p, input, score).is_err() {
                rc = Err(CibError::NoSuchObject);
            } else if !req.options.multiple {
                break;
            }
        }
        return rc;
    }
    let name = req
        .target
        .section()
        .filter(|s| !s.eq_ignore_ascii_case(section::ALL));
    let root = match section::find(tx.doc(), name) {
        Some(p) => p,
        None => create_section(tx, name.unwrap_or_default())?,
    };
    if update_match(tx, &root, input, score).is_ok() {
        return Ok(());
    }
    if !req.options.allow_create {
        return Err(CibError::NoSuchObject);
    }
    tx.append(&root, Node::Element(input.clone()));
    Ok(())
}

/// Creates a missing section under its parent, as a modify of a section
/// that does not exist yet does.
fn create_section(tx: &mut Tx<'_>, name: &str) -> Result<NodePath, CibError> {
    let chain = section::parent_chain(name)
        .ok_or_else(|| CibError::InvalidArgument(format!("unknown section {name}")))?;
    let parent_name = chain.last().copied().unwrap_or("cib");
    let parent = section::find(tx.doc(), Some(parent_name))
        .ok_or_else(|| CibError::InvalidArgument(format!("no {parent_name} to hold {name}")))?;
    tx.append(&parent, Node::Element(Element::new(name)))
        .ok_or_else(|| CibError::InvalidArgument(format!("could not create {name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_expansion() {
        assert_eq!(expand_score("5", "score", "score++").as_deref(), Some("6"));
        assert_eq!(expand_score("5", "score", "score+=3").as_deref(), Some("8"));
        assert_eq!(
            expand_score("INFINITY", "score", "score+=3").as_deref(),
            Some("1000000")
        );
        assert_eq!(expand_score("x", "score", "score++").as_deref(), Some("1"));
        assert_eq!(expand_score("5", "score", "value"), None);
        assert_eq!(expand_score("5", "score", "other++"), None);
        let mut attrs = vec![("admin_epoch".to_string(), "1".to_string())];
        set_value(&mut attrs, "admin_epoch", "admin_epoch++", true);
        assert_eq!(attrs[0].1, "2");
        set_value(&mut attrs, "admin_epoch", "admin_epoch++", false);
        assert_eq!(attrs[0].1, "admin_epoch++");
    }

    #[test]
    fn merge_matches_by_id_then_kind() {
        let mut target = pcmk_common::xml::parse(
            r#"<primitive id="p"><meta_attributes id="m"><nvpair id="n1" name="a" value="1"/></meta_attributes></primitive>"#,
        )
        .unwrap();
        let update = pcmk_common::xml::parse(
            r#"<primitive id="p" description="d"><meta_attributes id="m"><nvpair id="n1" value="2"/><nvpair id="n2" name="b" value="3"/></meta_attributes><operations/></primitive>"#,
        )
        .unwrap();
        merge_into(&mut target, &update, false);
        assert_eq!(
            target.to_compact(),
            r#"<primitive id="p" description="d"><meta_attributes id="m"><nvpair id="n1" name="a" value="2"/><nvpair id="n2" name="b" value="3"/></meta_attributes><operations/></primitive>"#
        );
    }
}
