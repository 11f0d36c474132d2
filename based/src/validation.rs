//! Validating the CIB after each change, at the cost of the change.
//!
//! A CIB known to be valid stays valid if every element a change created,
//! modified or removed a child of still fits the schema where it stands,
//! no ID is now defined twice and no reference is left dangling. The
//! [`IdIndex`] of the CIB makes the last two checks independent of its
//! size. A change to `validate-with`, a replaced document, or a CIB not
//! known to be valid is validated in full.

use std::collections::HashSet;

use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::{NodePath, element_xpath};

use crate::schema::{
    self, IdIndex, IdRef, PartCheck, Position, Schema, SchemaError, SchemaVersion, Violation,
};
use crate::tx::Touched;

/// What is known about the validity of the current CIB.
#[derive(Debug, Clone, Default)]
pub struct Validity {
    /// The schema the CIB was last validated against, and the index of
    /// its IDs: `None` when its validity is not known.
    known: Option<(SchemaVersion, IdIndex)>,
}

/// The change to the index made by a validated change, to undo it if the
/// change is dropped after all.
#[derive(Debug, Default)]
pub struct IndexChange {
    removed: (Vec<String>, Vec<String>),
    added: (Vec<String>, Vec<String>),
    rebuilt: Option<Option<(SchemaVersion, IdIndex)>>,
}

fn to_violations(e: SchemaError) -> Vec<Violation> {
    match e {
        SchemaError::Invalid(v) => v,
        other => vec![Violation {
            path: "/cib".to_string(),
            message: other.to_string(),
        }],
    }
}

/// IDs and references (by value) collected from parts of a document.
#[derive(Debug, Default)]
struct Collected {
    ids: Vec<String>,
    refs: Vec<(String, String, String)>,
}

impl Collected {
    fn take(&mut self, part: PartCheck<'_>) -> Vec<Violation> {
        self.ids.extend(part.ids.iter().map(|s| (*s).to_string()));
        self.refs.extend(
            part.refs
                .iter()
                .map(|r| (r.value.to_string(), r.attr.to_string(), r.path.clone())),
        );
        part.violations
    }
}

impl Validity {
    /// Nothing known: the next check validates in full.
    pub fn unknown() -> Self {
        Validity { known: None }
    }

    /// Validates `doc` in full and remembers the result.
    pub fn check_full(&mut self, doc: &Element) -> Result<(), Vec<Violation>> {
        match schema::configured_schema(doc).map_err(to_violations)? {
            Schema::None => {
                self.known = None;
                Ok(())
            }
            Schema::Pacemaker(v) => {
                let violations = schema::violations_with(doc, v);
                if violations.is_empty() {
                    self.known = Some((v, schema::index_of(doc, v)));
                    Ok(())
                } else {
                    self.known = None;
                    Err(violations)
                }
            }
        }
    }

    /// Checks `doc` after the changes `touched`; on success the index is
    /// updated and the returned value undoes that if the change is dropped.
    pub fn check_change(
        &mut self,
        doc: &Element,
        touched: &Touched,
    ) -> Result<IndexChange, Vec<Violation>> {
        let schema = schema::configured_schema(doc).map_err(to_violations)?;
        let full = match (&self.known, schema) {
            (_, Schema::None) => {
                let before = self.known.take();
                return Ok(IndexChange {
                    rebuilt: Some(before),
                    ..IndexChange::default()
                });
            }
            (Some((known, _)), Schema::Pacemaker(v)) => *known != v || touched.replaced.is_some(),
            (None, _) => true,
        };
        if full {
            let before = self.known.clone();
            self.check_full(doc)?;
            return Ok(IndexChange {
                rebuilt: Some(before),
                ..IndexChange::default()
            });
        }
        let Some((v, index)) = &mut self.known else {
            return Ok(IndexChange::default());
        };
        let v = *v;
        let mut violations = Vec::new();
        let mut removed = Collected::default();
        let mut added = Collected::default();
        let mut parents: HashSet<NodePath> = HashSet::new();

        for r in &touched.removed {
            if let Node::Element(el) = &r.node {
                let names = r
                    .ancestors
                    .iter()
                    .map(String::as_str)
                    .chain([el.name.as_str()]);
                if let Some(pos) = schema::spec_at_names(names, v) {
                    let parent_path = r.xpath.rsplit_once('/').map_or("", |(p, _)| p);
                    let _ = removed.take(schema::check_subtree(el, pos, parent_path, v));
                }
            }
            if let Some(p) = &r.parent_now {
                parents.insert(p.clone());
            }
        }
        for path in &touched.inserted {
            if let Some(p) = path.parent() {
                parents.insert(p);
            }
            let Some(chain) = path.ancestry(doc) else {
                continue;
            };
            let Some(Node::Element(el)) = path.node(doc) else {
                continue;
            };
            let Some(pos) = schema::spec_at(&chain, v) else {
                // Not allowed there: the parent's check reports it.
                continue;
            };
            let parent_path = element_xpath(chain[..chain.len() - 1].iter().copied());
            violations.extend(added.take(schema::check_subtree(el, pos, &parent_path, v)));
        }
        let olds: Vec<(NodePath, Element)> = touched
            .attrs
            .iter()
            .filter_map(|(path, before)| {
                let el = path.element(doc)?;
                let mut old = Element::new(el.name.clone());
                old.attrs = before.clone();
                Some((path.clone(), old))
            })
            .collect();
        for (path, old) in &olds {
            let (Some(chain), Some(el)) = (path.ancestry(doc), path.element(doc)) else {
                continue;
            };
            let Some(pos) = schema::spec_at(&chain, v) else {
                continue;
            };
            let xpath = element_xpath(chain.iter().copied());
            violations.extend(added.take(schema::check_element(el, pos, &xpath, v)));
            let _ = removed.take(schema::check_element(old, pos, &xpath, v));
            parents.remove(path);
        }
        for p in &parents {
            violations.extend(check_parent(doc, p, v));
        }
        // The element checks above also collected the IDs of parents; only
        // their own attributes, which did not change, so they cancel out.
        let rem_refs = as_refs(&removed.refs);
        let add_refs = as_refs(&added.refs);
        let rem_ids: Vec<&str> = removed.ids.iter().map(String::as_str).collect();
        let add_ids: Vec<&str> = added.ids.iter().map(String::as_str).collect();
        for problem in index.apply_change((&rem_ids, &rem_refs), (&add_ids, &add_refs)) {
            violations.push(problem_violation(problem));
        }
        let change = IndexChange {
            removed: (
                removed.ids,
                removed.refs.iter().map(|r| r.0.clone()).collect(),
            ),
            added: (added.ids, added.refs.iter().map(|r| r.0.clone()).collect()),
            rebuilt: None,
        };
        if violations.is_empty() {
            Ok(change)
        } else {
            self.undo(change);
            Err(violations)
        }
    }

    /// Undoes the index change of a change that is dropped.
    pub fn undo(&mut self, change: IndexChange) {
        if let Some(before) = change.rebuilt {
            self.known = before;
            return;
        }
        if let Some((_, index)) = &mut self.known {
            fn refs(v: &[String]) -> Vec<IdRef<'_>> {
                v.iter()
                    .map(|value| IdRef {
                        value,
                        attr: "",
                        path: String::new(),
                    })
                    .collect()
            }
            let add_ids: Vec<&str> = change.added.0.iter().map(String::as_str).collect();
            let rem_ids: Vec<&str> = change.removed.0.iter().map(String::as_str).collect();
            index.remove(&add_ids, &refs(&change.added.1));
            index.add(&rem_ids, &refs(&change.removed.1));
        }
    }

    /// Whether the CIB is known to be valid.
    pub fn is_known(&self) -> bool {
        self.known.is_some()
    }
}

fn as_refs(v: &[(String, String, String)]) -> Vec<IdRef<'_>> {
    v.iter()
        .map(|(value, attr, path)| IdRef {
            value,
            attr,
            path: path.clone(),
        })
        .collect()
}

/// Checks an element whose children changed (its counts and choices).
fn check_parent(doc: &Element, path: &NodePath, v: SchemaVersion) -> Vec<Violation> {
    let (Some(chain), Some(el)) = (path.ancestry(doc), path.element(doc)) else {
        return Vec::new();
    };
    let Some(pos): Option<Position> = schema::spec_at(&chain, v) else {
        return Vec::new();
    };
    let xpath = element_xpath(chain.iter().copied());
    let part = schema::check_element(el, pos, &xpath, v);
    // The parent's own IDs did not change: only its violations count.
    part.violations
}

fn problem_violation(p: schema::IndexProblem) -> Violation {
    match p {
        schema::IndexProblem::Duplicate(id) => Violation {
            path: "/cib".to_string(),
            message: format!("ID {id} is defined more than once"),
        },
        schema::IndexProblem::Dangling { id, attr, path } => Violation {
            path,
            message: format!("Attribute {attr}='{id}' does not refer to any ID in the document"),
        },
        schema::IndexProblem::StillReferenced(id) => Violation {
            path: "/cib".to_string(),
            message: format!("ID {id} is removed but still referred to"),
        },
    }
}
