//! Writing through ACLs: whether a change is allowed, with Pacemaker's
//! trace messages.
//!
//! Changes tracked by a transaction are checked as Pacemaker checks its
//! tracked changes: every attribute set or removed on an existing element
//! and every removed element needs write access; then every created
//! element needs write access, except "scaffolding" (an element outside
//! the `acls` section with no attribute but `id`), and a refused one is
//! not looked into further. A replaced document is compared with the old
//! one the way Pacemaker infers the changes of a replacement.

use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::{NodePath, XPath, element_xpath};

use crate::notes::{Level, Note};
use crate::tx::Touched;

use super::{Flags, Mode, UserAcls, allows};

const CHECK_FUNC: &str = "pcmk__check_acl";
const CREATE_FUNC: &str = "pcmk__apply_creation_acl";

/// The state of one check.
struct Checker<'a> {
    acls: &'a UserAcls,
    notes: &'a mut Vec<Note>,
    denied: bool,
}

impl Checker<'_> {
    fn trace(&mut self, func: &'static str, text: String) {
        self.notes.push(Note::log(func, Level::Trace, text));
    }

    /// Whether the element at the end of `chain` (root first, with the
    /// bits of each) may be accessed in `mode`; records a denial.
    fn check(&mut self, chain: &[(&Element, u8)], attr: Option<&str>, mode: Mode) -> bool {
        let describe = |prefix: &str, user: &str| {
            let mut xpath = element_xpath(chain.iter().map(|(e, _)| *e));
            if let Some(a) = attr {
                xpath.push_str(&format!("[@{a}]"));
            }
            format!(
                "{prefix}ACL denies user '{user}' {} access to {xpath}",
                mode.text()
            )
        };
        if self.acls.acls.is_empty() {
            let text = describe("Lack of ", &self.acls.user);
            self.trace(CHECK_FUNC, text);
            self.denied = true;
            return false;
        }
        for (depth, (_, bits)) in chain.iter().enumerate().rev() {
            if allows(*bits, mode, false) {
                return true;
            }
            if bits & super::DENY != 0 {
                let prefix = if depth + 1 == chain.len() {
                    ""
                } else {
                    "Parent "
                };
                let text = describe(prefix, &self.acls.user);
                self.trace(CHECK_FUNC, text);
                self.denied = true;
                return false;
            }
        }
        let text = describe("Default ", &self.acls.user);
        self.trace(CHECK_FUNC, text);
        self.denied = true;
        false
    }

    /// Checks the creation of the element at `path` of `doc` and of the
    /// elements under it (Pacemaker's `pcmk__apply_creation_acl`).
    fn creation(&mut self, doc: &Element, flags: &Flags, path: &NodePath) {
        let Some(chain) = with_bits(doc, flags, path) else {
            return;
        };
        let Some((el, _)) = chain.last().copied() else {
            return;
        };
        let id = el.id().unwrap_or("<unset>");
        let scaffolding = el.attrs.iter().all(|(k, _)| k == "id")
            && !element_xpath(chain.iter().map(|(e, _)| *e)).contains("/acls/");
        if scaffolding {
            self.trace(
                CREATE_FUNC,
                format!(
                    "Creation of <{}> scaffolding with id=\"{id}\" is implicitly allowed",
                    el.name
                ),
            );
        } else if self.check(&chain, None, Mode::Write) {
            self.trace(
                CREATE_FUNC,
                format!("ACLs allow creation of <{}> with id=\"{id}\"", el.name),
            );
        } else {
            self.trace(
                CREATE_FUNC,
                format!("ACLs disallow creation of <{}> with id=\"{id}\"", el.name),
            );
            return;
        }
        for (i, c) in el.children.iter().enumerate() {
            if matches!(c, Node::Element(_)) {
                self.creation(doc, flags, &path.child(i));
            }
        }
    }
}

/// The elements from the root to `path` with their bits.
fn with_bits<'d>(
    doc: &'d Element,
    flags: &Flags,
    path: &NodePath,
) -> Option<Vec<(&'d Element, u8)>> {
    let chain = path.ancestry(doc)?;
    if chain.len() != path.indices().len() + 1 {
        return None;
    }
    Some(
        chain
            .into_iter()
            .enumerate()
            .map(|(depth, e)| (e, flags.get(&path.indices()[..depth])))
            .collect(),
    )
}

/// Checks the changes of a transaction made by the user of `acls`:
/// `old` is the document before, `new` after. Returns whether they are
/// allowed; traces go to `notes`.
pub fn check_tracked(
    acls: &UserAcls,
    old: &Element,
    new: &Element,
    touched: &Touched,
    notes: &mut Vec<Note>,
) -> bool {
    let mut cx = Checker {
        acls,
        notes,
        denied: false,
    };
    let new_flags = Flags::compute(acls, new);
    for (path, before) in &touched.attrs {
        let Some(chain) = with_bits(new, &new_flags, path) else {
            continue;
        };
        let Some((el, _)) = chain.last().copied() else {
            continue;
        };
        for (name, value) in before {
            match el.attr(name) {
                Some(v) if v == value => {}
                Some(_) => {
                    cx.check(&chain, Some(name), Mode::Write);
                }
                None => {
                    cx.check(&chain, None, Mode::Write);
                }
            }
        }
        for (name, _) in &el.attrs {
            if !before.iter().any(|(n, _)| n == name) {
                cx.check(&chain, Some(name), Mode::Write);
            }
        }
    }
    if !touched.removed.is_empty() {
        let old_flags = Flags::compute(acls, old);
        for r in &touched.removed {
            let found = XPath::parse(&r.xpath)
                .ok()
                .and_then(|x| x.select_element_paths(old).ok())
                .and_then(|p| p.into_iter().next());
            if let Some(path) = found {
                if let Some(chain) = with_bits(old, &old_flags, &path) {
                    cx.check(&chain, None, Mode::Write);
                }
            }
        }
    }
    for path in &touched.inserted {
        cx.creation(new, &new_flags, path);
    }
    !cx.denied
}

/// Checks the replacement of document `old` by `new` made by the user of
/// `acls`, comparing them as Pacemaker infers the changes of a
/// replacement. Returns whether it is allowed; traces go to `notes`.
pub fn check_replaced(
    acls: &UserAcls,
    old: &Element,
    new: &Element,
    notes: &mut Vec<Note>,
) -> bool {
    let mut cx = Checker {
        acls,
        notes,
        denied: false,
    };
    let new_flags = Flags::compute(acls, new);
    let old_flags = Flags::compute(acls, old);
    let flags = (&old_flags, &new_flags);
    compare(
        &mut cx,
        old,
        &mut Vec::new(),
        new,
        &mut Vec::new(),
        flags,
        new,
    );
    !cx.denied
}

/// Finds, for each child of `old`, the first unmatched child of `new` of
/// the same kind and id (comments: same text at the same position).
fn pair_children(old: &Element, new: &Element) -> Vec<Option<usize>> {
    let mut taken = vec![false; new.children.len()];
    old.children
        .iter()
        .enumerate()
        .map(|(oi, oc)| {
            let found = new.children.iter().enumerate().position(|(ni, nc)| {
                !taken[ni]
                    && match (oc, nc) {
                        (Node::Element(a), Node::Element(b)) => {
                            a.name == b.name && a.id() == b.id()
                        }
                        (Node::Comment(a), Node::Comment(b)) => {
                            oi == ni && a.eq_ignore_ascii_case(b)
                        }
                        _ => false,
                    }
            });
            if let Some(ni) = found {
                taken[ni] = true;
            }
            found
        })
        .collect()
}

fn compare(
    cx: &mut Checker<'_>,
    old: &Element,
    old_path: &mut Vec<usize>,
    new: &Element,
    new_path: &mut Vec<usize>,
    (old_flags, new_flags): (&Flags, &Flags),
    new_doc: &Element,
) {
    let new_np = NodePath::from_indices(new_path.clone());
    if let Some(chain) = with_bits(new_doc, new_flags, &new_np) {
        for (name, value) in &old.attrs {
            match new.attr(name) {
                None => {
                    cx.check(&chain, None, Mode::Write);
                }
                Some(v) if v != value => {
                    cx.check(&chain, Some(name), Mode::Write);
                }
                _ => {}
            }
        }
        for (name, _) in &new.attrs {
            if !old.has_attr(name) {
                cx.check(&chain, Some(name), Mode::Write);
            }
        }
    }
    let pairs = pair_children(old, new);
    for (oi, pair) in pairs.iter().enumerate() {
        let Node::Element(oc) = &old.children[oi] else {
            continue;
        };
        old_path.push(oi);
        match pair {
            None => {
                // A deleted element: its own bits in the old document, its
                // new parent's chain above it.
                if let Some(mut chain) = with_bits(new_doc, new_flags, &new_np) {
                    chain.push((oc, old_flags.get(old_path)));
                    cx.check(&chain, None, Mode::Write);
                }
            }
            Some(ni) => {
                if let Node::Element(nc) = &new.children[*ni] {
                    new_path.push(*ni);
                    compare(
                        cx,
                        oc,
                        old_path,
                        nc,
                        new_path,
                        (old_flags, new_flags),
                        new_doc,
                    );
                    new_path.pop();
                }
            }
        }
        old_path.pop();
    }
    for (ni, nc) in new.children.iter().enumerate() {
        if matches!(nc, Node::Element(_)) && !pairs.contains(&Some(ni)) {
            cx.creation(new_doc, new_flags, &new_np.child(ni));
        }
    }
}
