//! Walking a document (or a part of it) against the model.

use std::collections::HashMap;
use std::fmt;

use pcmk_common::xml::{Element, Node};

use super::spec::{Content, Elem, MANY};
use super::types::Ty;
use super::version::SchemaVersion;

/// One way in which a document does not conform to its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// XPath of the offending element (`/cib/configuration/...`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The middle part is what libxml2 prints, so that scripts grepping
        // Pacemaker's output still find it.
        write!(
            f,
            "{}: Relax-NG validity error : {}",
            self.path, self.message
        )
    }
}

/// An `IDREF` found while walking, resolved at the end.
#[derive(Debug)]
pub struct IdRef<'d> {
    /// The referenced ID.
    pub value: &'d str,
    /// The attribute holding the reference.
    pub attr: &'d str,
    /// Path of the element holding it.
    pub path: String,
}

/// State of one validation: the version, violations found so far, and the
/// IDs and references seen.
#[derive(Debug)]
pub struct Checker<'d> {
    version: SchemaVersion,
    violations: Vec<Violation>,
    ids: HashMap<&'d str, ()>,
    refs: Vec<IdRef<'d>>,
}

/// Appends the XPath step of `el` to `path`, as Pacemaker writes it.
pub fn push_step(path: &mut String, el: &Element) {
    path.push('/');
    path.push_str(&el.name);
    if let Some(id) = el.id() {
        path.push_str("[@id='");
        path.push_str(id);
        path.push_str("']");
    }
}

impl<'d> Checker<'d> {
    /// A checker for schema version `version`.
    pub fn new(version: SchemaVersion) -> Self {
        Checker {
            version,
            violations: Vec::new(),
            ids: HashMap::new(),
            refs: Vec::new(),
        }
    }

    /// The schema version being checked against.
    pub fn version(&self) -> SchemaVersion {
        self.version
    }

    /// Records a violation at `path`.
    pub fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.violations.push(Violation {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// Ends the walk: resolves references and returns every violation.
    pub fn finish(mut self) -> Vec<Violation> {
        let refs = std::mem::take(&mut self.refs);
        for r in refs {
            if !self.ids.contains_key(r.value) {
                self.fail(
                    &r.path,
                    format!(
                        "Attribute {}='{}' does not refer to any ID in the document",
                        r.attr, r.value
                    ),
                );
            }
        }
        self.violations
    }

    /// Ends the walk without resolving references, for checking a part of
    /// a document: returns the violations, the IDs defined and the
    /// references made in the part.
    pub fn finish_partial(self) -> (Vec<Violation>, Vec<&'d str>, Vec<IdRef<'d>>) {
        let ids = self.ids.into_keys().collect();
        (self.violations, ids, self.refs)
    }

    /// Checks `el` and everything under it against `spec`; `path` is the
    /// path of `el`'s parent and is restored on return.
    pub fn walk(&mut self, el: &'d Element, spec: &'static Elem, path: &mut String) {
        let len = path.len();
        push_step(path, el);
        self.check_one(el, spec, path);
        if spec.content == Content::Elements && !(spec.id_ref_form && el.has_attr("id-ref")) {
            for child in el.elements() {
                if let Some(c) = spec.child(&child.name, self.version) {
                    self.walk(child, c.spec, path);
                }
            }
        }
        path.truncate(len);
    }

    /// Checks `el` itself (attributes, counts of children, extra checks)
    /// without descending; `path` is the element's own path.
    pub fn check_one(&mut self, el: &'d Element, spec: &'static Elem, path: &str) {
        if spec.content == Content::Any {
            return;
        }
        if spec.id_ref_form && el.has_attr("id-ref") {
            self.check_reference_form(el, spec, path);
            return;
        }
        self.check_attrs(el, spec, path);
        self.check_children(el, spec, path);
        if let Some(check) = spec.check {
            check(el, self, path);
        }
    }

    fn check_reference_form(&mut self, el: &'d Element, spec: &'static Elem, path: &str) {
        for (name, value) in &el.attrs {
            match name.as_str() {
                "id-ref" => self.check_value(el, name, value, Ty::IdRef, path),
                // Before 4.0, an nvpair reference may also name the pair.
                "name" if el.name == "nvpair" && self.version < SchemaVersion::new(4, 0) => {}
                _ => self.fail(
                    path,
                    format!(
                        "Invalid attribute {name} for element {} (it refers to another with id-ref)",
                        spec.name
                    ),
                ),
            }
        }
        if el.elements().next().is_some() {
            self.fail(
                path,
                format!(
                    "Element {} refers to another with id-ref and may not have children",
                    spec.name
                ),
            );
        }
    }

    fn check_attrs(&mut self, el: &'d Element, spec: &'static Elem, path: &str) {
        let v = self.version;
        for (name, value) in &el.attrs {
            match spec.attr(name, v) {
                Some(a) => self.check_value(el, name, value, a.ty, path),
                None => self.fail(
                    path,
                    format!("Invalid attribute {name} for element {}", spec.name),
                ),
            }
        }
        for a in spec.attrs {
            if a.required && a.span.contains(v) && !el.has_attr(a.name) {
                self.fail(
                    path,
                    format!(
                        "Element {} is missing required attribute {}",
                        spec.name, a.name
                    ),
                );
            }
        }
    }

    fn check_value(&mut self, el: &'d Element, name: &'d str, value: &'d str, ty: Ty, path: &str) {
        if !ty.accepts(value) {
            self.fail(
                path,
                format!(
                    "Invalid value '{value}' for attribute {name} of element {}: expected {}",
                    el.name,
                    ty.describe()
                ),
            );
            return;
        }
        match ty {
            Ty::Id => {
                let id = value.trim();
                if self.ids.insert(id, ()).is_some() {
                    self.fail(path, format!("ID {id} is defined more than once"));
                }
            }
            Ty::IdRef => self.refs.push(IdRef {
                value: value.trim(),
                attr: name,
                path: path.to_string(),
            }),
            _ => {}
        }
    }

    fn check_children(&mut self, el: &'d Element, spec: &'static Elem, path: &str) {
        let v = self.version;
        let mut counts = [0u32; 32];
        for node in &el.children {
            match node {
                Node::Element(child) => match spec
                    .children
                    .iter()
                    .position(|c| c.spec.name == child.name && c.span.contains(v))
                {
                    Some(i) => {
                        if let Some(n) = counts.get_mut(i) {
                            *n += 1;
                        }
                    }
                    None => self.fail(
                        path,
                        format!(
                            "Did not expect element {} there (in {})",
                            child.name, spec.name
                        ),
                    ),
                },
                Node::Text(t) if !t.trim().is_empty() => {
                    self.fail(path, format!("Element {} may not contain text", spec.name));
                }
                _ => {}
            }
        }
        for (i, c) in spec.children.iter().enumerate() {
            if !c.span.contains(v) {
                continue;
            }
            let n = counts.get(i).copied().unwrap_or(0);
            if n < c.min {
                let what = if c.min == 1 {
                    "a".to_string()
                } else {
                    format!("at least {}", c.min)
                };
                self.fail(
                    path,
                    format!(
                        "Element {} must contain {what} {} element",
                        spec.name, c.spec.name
                    ),
                );
            } else if c.max != MANY && n > c.max {
                self.fail(
                    path,
                    format!(
                        "Element {} may contain at most {} {} element{}",
                        spec.name,
                        c.max,
                        c.spec.name,
                        if c.max == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
}
