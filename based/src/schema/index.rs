//! The IDs and ID references of a document, kept up to date change by
//! change so that a small change in a large CIB can be checked for
//! duplicate IDs and dangling references without walking the whole CIB.

use std::collections::HashMap;

use super::check::IdRef;

/// How many times each ID is defined and referenced in a document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IdIndex {
    ids: HashMap<String, u32>,
    refs: HashMap<String, u32>,
}

/// A problem found when resolving a change against the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexProblem {
    /// An ID would be defined more than once.
    Duplicate(String),
    /// A new reference names no ID.
    Dangling {
        /// The missing ID.
        id: String,
        /// The attribute holding the reference.
        attr: String,
        /// Path of the element holding it.
        path: String,
    },
    /// An ID that is still referenced would disappear.
    StillReferenced(String),
}

impl IdIndex {
    /// Records the IDs and references of a part of the document.
    pub fn add(&mut self, ids: &[&str], refs: &[IdRef<'_>]) {
        for id in ids {
            *self.ids.entry((*id).to_string()).or_default() += 1;
        }
        for r in refs {
            *self.refs.entry(r.value.to_string()).or_default() += 1;
        }
    }

    /// Forgets the IDs and references of a part of the document.
    pub fn remove(&mut self, ids: &[&str], refs: &[IdRef<'_>]) {
        for id in ids {
            decrement(&mut self.ids, id);
        }
        for r in refs {
            decrement(&mut self.refs, r.value);
        }
    }

    /// Whether `id` is defined.
    pub fn has_id(&self, id: &str) -> bool {
        self.ids.get(id).is_some_and(|n| *n > 0)
    }

    /// How many times `id` is defined.
    pub fn id_count(&self, id: &str) -> u32 {
        self.ids.get(id).copied().unwrap_or(0)
    }

    /// Whether something refers to `id`.
    pub fn is_referenced(&self, id: &str) -> bool {
        self.refs.get(id).is_some_and(|n| *n > 0)
    }

    /// Number of distinct IDs.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no ID is defined.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Applies a change (the IDs and references removed, then those added)
    /// and reports what it breaks. The index is updated either way; the
    /// caller keeps a copy to roll back.
    pub fn apply_change(
        &mut self,
        removed: (&[&str], &[IdRef<'_>]),
        added: (&[&str], &[IdRef<'_>]),
    ) -> Vec<IndexProblem> {
        self.remove(removed.0, removed.1);
        self.add(added.0, added.1);
        let mut problems = Vec::new();
        for id in added.0 {
            if self.id_count(id) > 1
                && !problems.contains(&IndexProblem::Duplicate((*id).to_string()))
            {
                problems.push(IndexProblem::Duplicate((*id).to_string()));
            }
        }
        for r in added.1 {
            if !self.has_id(r.value) {
                problems.push(IndexProblem::Dangling {
                    id: r.value.to_string(),
                    attr: r.attr.to_string(),
                    path: r.path.clone(),
                });
            }
        }
        for id in removed.0 {
            if !self.has_id(id) && self.is_referenced(id) {
                problems.push(IndexProblem::StillReferenced((*id).to_string()));
            }
        }
        problems
    }
}

fn decrement(map: &mut HashMap<String, u32>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(v: &'static str) -> IdRef<'static> {
        IdRef {
            value: v,
            attr: "rsc",
            path: "/x".to_string(),
        }
    }

    #[test]
    fn change_problems() {
        let mut idx = IdIndex::default();
        idx.add(&["a", "b"], &[r("a")]);
        assert!(idx.has_id("a") && idx.is_referenced("a"));
        // Adding a duplicate and a dangling reference.
        let mut copy = idx.clone();
        let p = copy.apply_change((&[], &[]), (&["b"], &[r("zz")]));
        assert_eq!(p.len(), 2);
        assert!(matches!(p[0], IndexProblem::Duplicate(ref id) if id == "b"));
        // Removing a referenced ID.
        let mut copy = idx.clone();
        let p = copy.apply_change((&["a"], &[]), (&[], &[]));
        assert_eq!(p, vec![IndexProblem::StillReferenced("a".to_string())]);
        // Removing it with its reference is fine.
        let mut copy = idx.clone();
        assert!(
            copy.apply_change((&["a"], &[r("a")]), (&[], &[]))
                .is_empty()
        );
        assert!(!copy.has_id("a"));
    }
}
