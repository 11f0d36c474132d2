//! The building blocks of the schema model: what an element may carry
//! (attributes with types) and hold (children with counts), each valid over
//! a range of schema versions.

use pcmk_common::xml::Element;

use super::check::Checker;
use super::types::Ty;
use super::version::SchemaVersion;

/// An inclusive range of schema versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First version the item is valid in.
    pub since: SchemaVersion,
    /// Last version the item is valid in.
    pub until: SchemaVersion,
}

impl Span {
    /// Every version.
    pub const ALL: Span = Span {
        since: SchemaVersion::new(0, 0),
        until: SchemaVersion::new(255, 255),
    };

    /// From `major.minor` on.
    pub const fn since(major: u8, minor: u8) -> Span {
        Span {
            since: SchemaVersion::new(major, minor),
            until: SchemaVersion::new(255, 255),
        }
    }

    /// Up to and including `major.minor`.
    pub const fn until(major: u8, minor: u8) -> Span {
        Span {
            since: SchemaVersion::new(0, 0),
            until: SchemaVersion::new(major, minor),
        }
    }

    /// From `since` to `until`, both included.
    pub const fn between(since: (u8, u8), until: (u8, u8)) -> Span {
        Span {
            since: SchemaVersion::new(since.0, since.1),
            until: SchemaVersion::new(until.0, until.1),
        }
    }

    /// Whether `v` is in the range.
    pub fn contains(self, v: SchemaVersion) -> bool {
        self.since <= v && v <= self.until
    }
}

/// An attribute an element may carry.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    /// Attribute name.
    pub name: &'static str,
    /// Value type.
    pub ty: Ty,
    /// Whether the element must carry it.
    pub required: bool,
    /// Versions in which this definition applies.
    pub span: Span,
}

/// A child element an element may hold.
#[derive(Debug, Clone, Copy)]
pub struct Child {
    /// The child's definition.
    pub spec: &'static Elem,
    /// Fewest occurrences.
    pub min: u32,
    /// Most occurrences.
    pub max: u32,
    /// Versions in which the child is allowed.
    pub span: Span,
}

/// No upper bound on occurrences.
pub const MANY: u32 = u32::MAX;

/// What an element may contain besides its declared children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Only the declared child elements (and comments).
    Elements,
    /// Anything at all (the status section).
    Any,
}

/// Checks that do not fit the tables (choices between attribute groups).
pub type CheckFn = fn(&Element, &mut Checker<'_>, &str);

/// The definition of an element in one context.
#[derive(Debug)]
pub struct Elem {
    /// Element name.
    pub name: &'static str,
    /// Attributes it may carry.
    pub attrs: &'static [Attr],
    /// Children it may hold.
    pub children: &'static [Child],
    /// Extra content allowed.
    pub content: Content,
    /// The element may instead be a bare reference: `id-ref` only.
    pub id_ref_form: bool,
    /// Extra checks.
    pub check: Option<CheckFn>,
}

impl Elem {
    /// The definition of attribute `name` in version `v`.
    pub fn attr(&self, name: &str, v: SchemaVersion) -> Option<&'static Attr> {
        self.attrs
            .iter()
            .find(|a| a.name == name && a.span.contains(v))
    }

    /// The definition of child element `name` in version `v`.
    pub fn child(&self, name: &str, v: SchemaVersion) -> Option<&'static Child> {
        self.children
            .iter()
            .find(|c| c.spec.name == name && c.span.contains(v))
    }
}

/// An optional attribute of type `ty`.
pub const fn opt(name: &'static str, ty: Ty) -> Attr {
    Attr {
        name,
        ty,
        required: false,
        span: Span::ALL,
    }
}

/// A required attribute of type `ty`.
pub const fn req(name: &'static str, ty: Ty) -> Attr {
    Attr {
        name,
        ty,
        required: true,
        span: Span::ALL,
    }
}

/// An optional text attribute.
pub const fn text(name: &'static str) -> Attr {
    opt(name, Ty::Text)
}

impl Attr {
    /// The same attribute, valid only in `span`.
    pub const fn in_span(self, span: Span) -> Attr {
        Attr { span, ..self }
    }
}

/// Any number of `spec` children.
pub const fn many(spec: &'static Elem) -> Child {
    Child {
        spec,
        min: 0,
        max: MANY,
        span: Span::ALL,
    }
}

/// At most one `spec` child.
pub const fn maybe(spec: &'static Elem) -> Child {
    Child {
        spec,
        min: 0,
        max: 1,
        span: Span::ALL,
    }
}

/// Exactly one `spec` child.
pub const fn one(spec: &'static Elem) -> Child {
    Child {
        spec,
        min: 1,
        max: 1,
        span: Span::ALL,
    }
}

/// One or more `spec` children.
pub const fn some(spec: &'static Elem) -> Child {
    Child {
        spec,
        min: 1,
        max: MANY,
        span: Span::ALL,
    }
}

impl Child {
    /// The same child, allowed only in `span`.
    pub const fn in_span(self, span: Span) -> Child {
        Child { span, ..self }
    }
}

/// An element holding only the declared attributes and children.
pub const fn elem(
    name: &'static str,
    attrs: &'static [Attr],
    children: &'static [Child],
    check: Option<CheckFn>,
) -> Elem {
    Elem {
        name,
        attrs,
        children,
        content: Content::Elements,
        id_ref_form: false,
        check,
    }
}
