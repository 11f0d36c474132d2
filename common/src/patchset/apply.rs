//! Applying a v2 patchset (`xml_apply_patchset()` and
//! `apply_v2_patchset()` in Pacemaker's `lib/common/patchset.c`).
//!
//! Changes run in two passes, as in Pacemaker. The first takes the changes
//! in order: `delete` removes its target (a missing target is not an
//! error), `modify` replaces all attributes with those of its
//! `change-result`, and `create` and `move` only find their target (a
//! moved node is parked as its parent's last child). The second pass runs
//! the creates and moves sorted by position (stable), inserting and moving
//! nodes to their positions. Targets are found by the simple paths
//! patchsets use (`/tag[@id='ID']/...`), read as Pacemaker reads them.
//!
//! Pacemaker keeps going after a failed change and reports the last
//! failure; so does this code.

use crate::cib::parse_int;
use crate::xml::{Element, Node};
use crate::xpath::NodePath;

use super::PatchError;
use super::names::*;

/// Index in `children` of the `pos`-th non-text child.
fn nontext_index(children: &[Node], pos: usize) -> Option<usize> {
    children
        .iter()
        .enumerate()
        .filter(|(_, c)| !matches!(c, Node::Text(_)))
        .nth(pos)
        .map(|(i, _)| i)
}

/// Position of child `idx` among the non-text children.
fn position_of(children: &[Node], idx: usize) -> usize {
    children[..idx.min(children.len())]
        .iter()
        .filter(|c| !matches!(c, Node::Text(_)))
        .count()
}

fn is_c_space(c: char) -> bool {
    c == ' ' || ('\t'..='\r').contains(&c)
}

/// Splits `/SECTION` off `key` like `sscanf(key, "/%[^/]%s")`: returns the
/// section and, when something follows, the next word (up to white space).
fn next_section(key: &str) -> Option<(&str, Option<&str>)> {
    let after = key.strip_prefix('/')?;
    let len = after.find('/').unwrap_or(after.len());
    if len == 0 {
        return None;
    }
    let tail = after[len..].trim_start_matches(is_c_space);
    let word = &tail[..tail.find(is_c_space).unwrap_or(tail.len())];
    Some((&after[..len], (!word.is_empty()).then_some(word)))
}

/// Splits `TAG[@id='ID']` like `sscanf(section, "%[^[][@id='%[^']")`.
fn split_section(section: &str) -> Option<(&str, Option<&str>)> {
    let tag_len = section.find('[').unwrap_or(section.len());
    if tag_len == 0 {
        return None;
    }
    let id = section[tag_len..].strip_prefix("[@id='").and_then(|rest| {
        let end = rest.find('\'').unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    });
    Some((&section[..tag_len], id))
}

/// The first child of the node at `parent` (`None`: the document node)
/// named `name`, with `id` if given; a comment must also be at `position`
/// when that is not negative.
fn first_matching(
    root: &Element,
    parent: Option<&NodePath>,
    name: &str,
    id: Option<&str>,
    position: i64,
) -> Option<NodePath> {
    let Some(parent) = parent else {
        let ok = root.name == name && id.is_none_or(|id| root.id() == Some(id));
        return ok.then(NodePath::root);
    };
    let el = parent.element(root)?;
    let mut pos = 0i64;
    for (i, c) in el.children.iter().enumerate() {
        let found = match c {
            Node::Text(_) => continue,
            Node::Element(e) => e.name == name && id.is_none_or(|id| e.id() == Some(id)),
            Node::Comment(_) => {
                name == "comment" && id.is_none() && (position < 0 || position == pos)
            }
        };
        if found {
            return Some(parent.child(i));
        }
        pos += 1;
    }
    None
}

/// Finds the node a change's path designates (`search_v2_xpath()`).
/// `position` selects among comments for the last step (negative: any).
pub(crate) fn search(root: &Element, key: &str, position: i64) -> Option<NodePath> {
    let mut current: Option<NodePath> = None;
    let mut rest = key;
    loop {
        let (section, next) = next_section(rest)?;
        let (tag, id) = split_section(section)?;
        let pos = if next.is_none() { position } else { -1 };
        current = Some(first_matching(root, current.as_ref(), tag, id, pos)?);
        match next {
            Some(n) => rest = n,
            None => return current,
        }
    }
}

/// Checks that a patchset applies to a CIB at its current version
/// (`check_patchset_versions()`).
pub(crate) fn check_versions(cib: &Element, patchset: &Element) -> Result<(), PatchError> {
    use crate::cib::names::{ADMIN_EPOCH, EPOCH, NUM_UPDATES};
    const FIELDS: [&str; 3] = [ADMIN_EPOCH, EPOCH, NUM_UPDATES];
    let mut current = [0i32; 3];
    for (c, f) in current.iter_mut().zip(FIELDS) {
        *c = cib.attr(f).and_then(parse_int).unwrap_or(0).max(0);
    }
    let mut source = current;
    let mut target = [current[0], current[1], current[2].saturating_add(1)];
    if patchset.attr(FORMAT).and_then(parse_int) != Some(2) {
        return Err(PatchError::InvalidArgument(format!(
            "unknown patch format {}",
            patchset.attr(FORMAT).unwrap_or("(none)")
        )));
    }
    let version = patchset.child(VERSION);
    for (name, dest) in [(SOURCE, &mut source), (TARGET, &mut target)] {
        if let Some(el) = version.and_then(|v| v.child(name)) {
            for (d, f) in dest.iter_mut().zip(FIELDS) {
                *d = el.attr(f).and_then(parse_int).ok_or_else(|| {
                    PatchError::InvalidArgument(format!("invalid {f} in {name} version"))
                })?;
            }
        }
    }
    let show = |v: &[i32; 3]| format!("{}.{}.{}", v[0], v[1], v[2]);
    for i in 0..3 {
        if current[i] < source[i] {
            return Err(PatchError::DiffFailed(format!(
                "current {} is too low ({} < {})",
                FIELDS[i],
                show(&current),
                show(&source)
            )));
        }
        if current[i] > source[i] {
            return Err(PatchError::OldData(format!(
                "current {} is too high ({} > {})",
                FIELDS[i],
                show(&current),
                show(&source)
            )));
        }
    }
    if (0..3).any(|i| target[i] > source[i]) {
        Ok(())
    } else {
        Err(PatchError::OldData(format!(
            "versions did not change in patch {}",
            show(&target)
        )))
    }
}

/// A create or move waiting for the second pass, with the (kept up to
/// date) path of the node it acts on; `None` once that node is gone.
struct Pending<'p> {
    change: &'p Element,
    create: bool,
    path: Option<Vec<usize>>,
}

/// Updates pending paths for the removal of the node at `at`; returns the
/// pending entries inside the removed subtree with their paths relative
/// to it.
fn on_remove(pending: &mut [Pending<'_>], at: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let Some((&idx, parent)) = at.split_last() else {
        return Vec::new();
    };
    let d = parent.len();
    let mut inside = Vec::new();
    for (k, p) in pending.iter_mut().enumerate() {
        let Some(path) = &mut p.path else { continue };
        if path.starts_with(at) {
            inside.push((k, path[at.len()..].to_vec()));
            p.path = None;
        } else if path.len() > d && path[..d] == *parent && path[d] > idx {
            path[d] -= 1;
        }
    }
    inside
}

/// Updates pending paths for an insertion at `at`, re-rooting `moved`
/// entries (from [`on_remove`]) under it.
fn on_insert(pending: &mut [Pending<'_>], at: &[usize], moved: Vec<(usize, Vec<usize>)>) {
    let Some((&idx, parent)) = at.split_last() else {
        return;
    };
    let d = parent.len();
    for p in pending.iter_mut() {
        let Some(path) = &mut p.path else { continue };
        if path.len() > d && path[..d] == *parent && path[d] >= idx {
            path[d] += 1;
        }
    }
    for (k, suffix) in moved {
        let mut full = at.to_vec();
        full.extend(suffix);
        pending[k].path = Some(full);
    }
}

/// Moves the node at `from` to index `to` among its parent's children
/// (`to` counted after the removal); returns its new path.
fn move_within(
    root: &mut Element,
    pending: &mut [Pending<'_>],
    from: &[usize],
    to: Option<usize>,
) -> Option<Vec<usize>> {
    let (&idx, parent_path) = from.split_last()?;
    let parent = NodePath::from_indices(parent_path.to_vec()).element_mut(root)?;
    if idx >= parent.children.len() {
        return None;
    }
    let node = parent.children.remove(idx);
    let moved = on_remove(pending, from);
    let to = to
        .unwrap_or(parent.children.len())
        .min(parent.children.len());
    parent.children.insert(to, node);
    let mut new_path = parent_path.to_vec();
    new_path.push(to);
    on_insert(pending, &new_path, moved);
    Some(new_path)
}

/// Applies the changes of a v2 patchset to `root` in place.
pub(crate) fn apply_changes(root: &mut Element, patchset: &Element) -> Result<(), PatchError> {
    let mut failure: Option<PatchError> = None;
    let mut pending: Vec<Pending<'_>> = Vec::new();
    for change in patchset.elements() {
        let Some(op) = change.attr(OPERATION) else {
            continue;
        };
        let xpath = change.attr(PATH).unwrap_or("");
        let position = if op == OP_DELETE {
            change.attr(POSITION).and_then(parse_int).unwrap_or(-1)
        } else {
            -1
        };
        let Some(found) = search(root, xpath, i64::from(position)) else {
            if op != OP_DELETE {
                failure = Some(PatchError::DiffFailed(format!("no {op} match for {xpath}")));
            }
            continue;
        };
        match op {
            OP_CREATE | OP_MOVE => {
                pending.push(Pending {
                    change,
                    create: op == OP_CREATE,
                    path: Some(found.indices().to_vec()),
                });
                if op == OP_MOVE && !found.is_root() {
                    // Park the node after its last sibling for now.
                    move_within(root, &mut pending, found.indices(), None);
                }
            }
            OP_DELETE => {
                if found.is_root() {
                    failure = Some(PatchError::DiffFailed(format!(
                        "refusing to delete the root element ({xpath})"
                    )));
                    continue;
                }
                on_remove(&mut pending, found.indices());
                crate::xpath::remove_nodes(root, &[found]);
            }
            OP_MODIFY => {
                let result = change
                    .child(CHANGE_RESULT)
                    .and_then(|r| r.children.iter().find(|c| !matches!(c, Node::Text(_))));
                let Some(result) = result else {
                    failure = Some(PatchError::NoMessage(format!(
                        "modify of {xpath} has no change-result"
                    )));
                    continue;
                };
                if let Some(el) = found.element_mut(root) {
                    el.attrs.clear();
                    if let Node::Element(r) = result {
                        for (k, v) in &r.attrs {
                            el.set_attr(k.as_str(), v.as_str());
                        }
                    }
                }
            }
            other => {
                failure = Some(PatchError::DiffFailed(format!("unknown operation {other}")));
            }
        }
    }

    let sort_key = |p: &Pending<'_>| p.change.attr(POSITION).and_then(parse_int).unwrap_or(-1);
    let mut order: Vec<usize> = (0..pending.len()).collect();
    order.sort_by_key(|&k| sort_key(&pending[k]));
    for k in order {
        let change = pending[k].change;
        let position = change.attr(POSITION).and_then(parse_int).unwrap_or(0);
        let Some(path) = pending[k].path.clone() else {
            failure = Some(PatchError::DiffFailed(format!(
                "target of {} {} was removed",
                change.attr(OPERATION).unwrap_or(""),
                change.attr(PATH).unwrap_or("")
            )));
            continue;
        };
        let result = if pending[k].create {
            create_at(root, &mut pending, &path, change, position)
        } else {
            move_to(root, &mut pending, &path, position)
        };
        if let Err(e) = result {
            failure = Some(e);
        }
    }
    failure.map_or(Ok(()), Err)
}

fn create_at(
    root: &mut Element,
    pending: &mut [Pending<'_>],
    parent_path: &[usize],
    change: &Element,
    position: i32,
) -> Result<(), PatchError> {
    let failed = || {
        PatchError::DiffFailed(format!(
            "cannot create under {}",
            change.attr(PATH).unwrap_or("")
        ))
    };
    let node = change.children.first().cloned().ok_or_else(failed)?;
    let parent = NodePath::from_indices(parent_path.to_vec())
        .element_mut(root)
        .ok_or_else(failed)?;
    let idx = usize::try_from(position)
        .ok()
        .and_then(|p| nontext_index(&parent.children, p))
        .unwrap_or(parent.children.len());
    parent.children.insert(idx, node);
    let mut at = parent_path.to_vec();
    at.push(idx);
    on_insert(pending, &at, Vec::new());
    Ok(())
}

fn move_to(
    root: &mut Element,
    pending: &mut [Pending<'_>],
    path: &[usize],
    position: i32,
) -> Result<(), PatchError> {
    let failed = |why: &str| PatchError::DiffFailed(format!("move failed: {why}"));
    let Some((&idx, parent_path)) = path.split_last() else {
        return if position == 0 {
            Ok(())
        } else {
            Err(failed("the root element cannot move"))
        };
    };
    let parent = NodePath::from_indices(parent_path.to_vec())
        .element(root)
        .ok_or_else(|| failed("target vanished"))?;
    let current = position_of(&parent.children, idx);
    let mut final_idx = idx;
    if i64::from(position) != current as i64 {
        let mut p = i64::from(position);
        if p > current as i64 {
            p += 1; // skip the node itself
        }
        let before = usize::try_from(p)
            .ok()
            .and_then(|p| nontext_index(&parent.children, p));
        let to = before.map(|b| if b > idx { b - 1 } else { b });
        let new_path =
            move_within(root, pending, path, to).ok_or_else(|| failed("target vanished"))?;
        final_idx = new_path.last().copied().unwrap_or(0);
    }
    let parent = NodePath::from_indices(parent_path.to_vec())
        .element(root)
        .ok_or_else(|| failed("target vanished"))?;
    let now = position_of(&parent.children, final_idx);
    if i64::from(position) == now as i64 {
        Ok(())
    } else {
        Err(failed(&format!(
            "moved to position {now} instead of {position}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn reads_paths_like_pacemaker() {
        let root = parse(
            "<cib><configuration><!--a--><resources><primitive id='x'/><primitive id='y'/></resources><!--b--></configuration></cib>",
        )
        .unwrap();
        let p = |s, pos| search(&root, s, pos).map(|p| p.indices().to_vec());
        assert_eq!(p("/cib", -1), Some(vec![]));
        assert_eq!(
            p("/cib/configuration/resources/primitive[@id='y']", -1),
            Some(vec![0, 1, 1])
        );
        assert_eq!(
            p("/cib/configuration/resources/primitive", -1),
            Some(vec![0, 1, 0])
        );
        // Double quotes are not understood: the tag alone is matched.
        assert_eq!(
            p("/cib/configuration/resources/primitive[@id=\"y\"]", -1),
            Some(vec![0, 1, 0])
        );
        assert_eq!(p("/cib/configuration/comment", -1), Some(vec![0, 0]));
        assert_eq!(p("/cib/configuration/comment", 2), Some(vec![0, 2]));
        assert_eq!(p("/cib/configuration/comment", 1), None);
        assert_eq!(
            p("/cib/configuration/resources/primitive[@id='z']", -1),
            None
        );
        assert_eq!(p("cib", -1), None);
        assert_eq!(p("", -1), None);
        assert_eq!(p("//cib", -1), None);
        // The rest of the path ends at white space, as with sscanf's %s.
        assert_eq!(p("/cib/configuration junk/x", -1), Some(vec![0]));
    }
}
