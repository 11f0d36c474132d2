//! Our own CIB validator, modelled on Pacemaker 3.0.2's RelaxNG schemas
//! (no libxml2).
//!
//! A CIB names its schema in `validate-with`. Validation checks that every
//! element stands where the schema allows it, carries only the attributes
//! it may, with values of the right type (booleans, integers, scores,
//! enumerations), that `xsd:ID` values are unique and that `xsd:IDREF`
//! values (`rsc`, `with-rsc`, `first`, `then`, `id-ref`, role references,
//! ...) name an existing ID. Each violation names the path of the offending
//! element.
//!
//! Besides whole documents, a part of a document can be checked in its
//! context ([`check_subtree`]) so that a change touching a few elements of
//! a large CIB is validated without walking all of it; the caller then
//! resolves the IDs and references of the part against an [`IdIndex`] of
//! the rest.

mod check;
mod index;
mod model;
mod spec;
mod types;
mod version;

use pcmk_common::xml::Element;

pub use check::{IdRef, Violation, push_step};
pub use index::{IdIndex, IndexProblem};
pub use types::is_ncname;
pub use version::{KNOWN_VERSIONS, LATEST, NONE_NAME, Schema, SchemaVersion};

use check::Checker;
use spec::Elem;

/// Why a document does not validate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// The CIB has no `validate-with`.
    #[error("Cannot validate CIB with missing validate-with (manually edit to use a known schema)")]
    Missing,
    /// `validate-with` names an unknown schema.
    #[error(
        "Cannot validate CIB with unknown validate-with '{0}' (manually edit to use a known schema)"
    )]
    Unknown(String),
    /// The document breaks its schema.
    #[error("{} schema violation(s), first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Violation>),
}

impl SchemaError {
    /// One line per problem, for showing to a user.
    pub fn lines(&self) -> Vec<String> {
        match self {
            SchemaError::Invalid(v) => v.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// The schema a CIB declares.
pub fn configured_schema(cib: &Element) -> Result<Schema, SchemaError> {
    let name = cib.attr("validate-with").ok_or(SchemaError::Missing)?;
    Schema::parse(name).ok_or_else(|| SchemaError::Unknown(name.to_string()))
}

/// Validates a whole CIB against the schema it declares.
pub fn validate(cib: &Element) -> Result<(), SchemaError> {
    match configured_schema(cib)? {
        Schema::None => Ok(()),
        Schema::Pacemaker(v) => validate_with(cib, v),
    }
}

/// Validates a whole CIB against schema version `v`, whatever it declares.
pub fn validate_with(cib: &Element, v: SchemaVersion) -> Result<(), SchemaError> {
    let violations = violations_with(cib, v);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(SchemaError::Invalid(violations))
    }
}

/// Every violation of schema version `v` in the document.
pub fn violations_with(cib: &Element, v: SchemaVersion) -> Vec<Violation> {
    let mut cx = Checker::new(v);
    let mut path = String::new();
    if cib.name != model::CIB.name {
        cx.fail("/", format!("Expected element cib, found {}", cib.name));
        return cx.finish();
    }
    cx.walk(cib, &model::CIB, &mut path);
    cx.finish()
}

/// Builds the index of IDs and references of a whole CIB, as validation
/// with version `v` sees them.
pub fn index_of(cib: &Element, v: SchemaVersion) -> IdIndex {
    let mut cx = Checker::new(v);
    let mut path = String::new();
    cx.walk(cib, &model::CIB, &mut path);
    let (_, ids, refs) = cx.finish_partial();
    let mut index = IdIndex::default();
    index.add(&ids, &refs);
    index
}

/// The definition of the element at the end of `chain`, a list of
/// elements from the root `cib` down; `None` if the schema does not allow
/// an element there.
pub fn spec_at(chain: &[&Element], v: SchemaVersion) -> Option<Position> {
    spec_at_names(chain.iter().map(|e| e.name.as_str()), v)
}

/// Like [`spec_at`], given the element names from the root down.
pub fn spec_at_names<'n>(
    mut names: impl Iterator<Item = &'n str>,
    v: SchemaVersion,
) -> Option<Position> {
    if names.next()? != model::CIB.name {
        return None;
    }
    let mut spec: &'static Elem = &model::CIB;
    for name in names {
        if spec.content != spec::Content::Elements {
            return Some(Position { spec, open: true });
        }
        spec = spec.child(name, v)?.spec;
    }
    Some(Position {
        spec,
        open: spec.content != spec::Content::Elements,
    })
}

/// Where an element stands in the schema.
#[derive(Debug, Clone, Copy)]
pub struct Position {
    spec: &'static Elem,
    /// Inside a part the schema leaves open (status): anything goes.
    pub open: bool,
}

/// The result of checking part of a document.
#[derive(Debug, Default)]
pub struct PartCheck<'d> {
    /// Violations found.
    pub violations: Vec<Violation>,
    /// IDs defined in the part.
    pub ids: Vec<&'d str>,
    /// References made in the part.
    pub refs: Vec<IdRef<'d>>,
}

/// Checks `el` and everything under it, standing at `pos`; `parent_path`
/// is the path of its parent. IDs and references are returned for the
/// caller to resolve.
pub fn check_subtree<'d>(
    el: &'d Element,
    pos: Position,
    parent_path: &str,
    v: SchemaVersion,
) -> PartCheck<'d> {
    if pos.open {
        return PartCheck::default();
    }
    let mut cx = Checker::new(v);
    let mut path = parent_path.to_string();
    cx.walk(el, pos.spec, &mut path);
    let (violations, ids, refs) = cx.finish_partial();
    PartCheck {
        violations,
        ids,
        refs,
    }
}

/// Checks `el` itself (its attributes, the number and kind of its
/// children and the rules linking them) without descending; `path` is the
/// element's own path.
pub fn check_element<'d>(
    el: &'d Element,
    pos: Position,
    path: &str,
    v: SchemaVersion,
) -> PartCheck<'d> {
    if pos.open {
        return PartCheck::default();
    }
    let mut cx = Checker::new(v);
    cx.check_one(el, pos.spec, path);
    let (violations, ids, refs) = cx.finish_partial();
    PartCheck {
        violations,
        ids,
        refs,
    }
}

#[cfg(test)]
mod tests;
