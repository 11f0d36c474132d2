//! The XPath 1.0 subset tools use to address the CIB.
//!
//! `cibadmin --xpath`, `crm_resource`, `crm_attribute`, pcs and crmsh
//! address CIB elements with XPath 1.0 expressions that Pacemaker evaluates
//! with libxml2. This module implements XPath 1.0 over
//! [`crate::xml::Element`] trees: absolute and relative location
//! paths, `//`, `.`, `..`, `*`, every axis but `namespace`, node tests
//! (`node()`, `text()`, `comment()`), predicates (numeric and boolean),
//! `and`/`or`, comparisons, arithmetic, `|` unions, filter expressions and
//! the core function library (`contains()`, `starts-with()`, `position()`,
//! `last()`, `count()`, `name()`, `local-name()`, `not()`, `concat()`,
//! `substring*()`, `normalize-space()`, `translate()`, ...).
//!
//! Not supported, each refused with [`XPathError::Unsupported`] naming it:
//! variables (`$x`), namespace prefixes and the `namespace` axis, the `id()`
//! and `lang()` functions, and any function outside XPath 1.0's core library.
//!
//! Evaluation starts at the document node, as libxml2's does: `/cib` and
//! `cib` both select the root element of a CIB.
//!
//! ```
//! use pcmk_common::xml::parse;
//! use pcmk_common::xpath::{XPath, XPathMatch};
//!
//! let cib = parse("<cib><configuration><resources>\
//!     <primitive id='d' class='ocf'/></resources></configuration></cib>").unwrap();
//! let xp = XPath::parse("//primitive[@id='d']/@class").unwrap();
//! let found = xp.select(&cib).unwrap();
//! assert!(matches!(&found[0], XPathMatch::Attribute { name, .. } if name == "class"));
//! let prims = XPath::parse("//primitive").unwrap().select_elements(&cib).unwrap();
//! assert_eq!(prims[0].id(), Some("d"));
//! ```

mod ast;
mod doc;
mod eval;
mod functions;
mod lexer;
mod parser;
mod path;
mod scope;

use crate::xml::Element;

use doc::{Doc, Item, Kind};
use eval::{Ctx, Value};

pub use parser::MAX_NESTING;
pub(crate) use path::push_step as push_element_step;
pub use path::{NodePath, element_xpath, remove_nodes};

/// Why an XPath expression could not be parsed or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XPathError {
    /// The expression is empty.
    #[error("empty XPath expression")]
    Empty,
    /// The expression is not valid XPath 1.0.
    #[error("invalid XPath expression at offset {position}: {message}")]
    Syntax {
        /// Byte offset in the expression where the problem was found.
        position: usize,
        /// What was wrong.
        message: String,
    },
    /// The expression is valid XPath but uses something this
    /// implementation does not support; the text names it.
    #[error("unsupported XPath construct: {0}")]
    Unsupported(String),
    /// Parentheses, predicates or function calls nest more than
    /// [`MAX_NESTING`] levels deep.
    #[error("XPath expression nested more than {MAX_NESTING} levels deep")]
    TooDeep,
    /// An operand has the wrong type (a path or predicate applied to
    /// something that is not a node-set, for instance).
    #[error("XPath type error: {0}")]
    Type(String),
}

/// A node an expression selected, located in the tree it was evaluated on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum XPathMatch {
    /// The document node (`/`), standing for the whole tree.
    Document,
    /// An element.
    Element(NodePath),
    /// Attribute `name` of the element at `element`.
    Attribute {
        /// Path of the element carrying the attribute.
        element: NodePath,
        /// The attribute's name.
        name: String,
    },
    /// A text node (the path's last index is its place among its parent's
    /// children).
    Text(NodePath),
    /// A comment (located like a text node).
    Comment(NodePath),
}

impl XPathMatch {
    /// The element a match stands for, as Pacemaker maps XPath results to
    /// elements: the element itself, the root element for the document
    /// node, the parent element for attributes, text and comments.
    pub fn element_path(&self) -> NodePath {
        match self {
            XPathMatch::Document => NodePath::root(),
            XPathMatch::Element(p) => p.clone(),
            XPathMatch::Attribute { element, .. } => element.clone(),
            XPathMatch::Text(p) | XPathMatch::Comment(p) => p.parent().unwrap_or_default(),
        }
    }
}

/// The result of evaluating an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum XPathValue {
    /// Selected nodes, in document order.
    NodeSet(Vec<XPathMatch>),
    /// A boolean (`@a = 'x'`, `not(...)`).
    Boolean(bool),
    /// A number (`count(//op)`).
    Number(f64),
    /// A string (`string(@id)`).
    String(String),
}

/// A parsed XPath expression, ready to be evaluated on any tree.
#[derive(Debug, Clone, PartialEq)]
pub struct XPath {
    source: String,
    expr: ast::Expr,
}

impl XPath {
    /// Parses an expression.
    pub fn parse(source: &str) -> Result<XPath, XPathError> {
        let expr = parser::parse(source)?;
        Ok(XPath {
            source: source.to_string(),
            expr,
        })
    }

    /// The expression as it was given.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The flattened view of `root` this expression needs.
    fn doc<'a>(&self, root: &'a Element) -> Doc<'a> {
        Doc::pruned(root, &scope::fixed_prefix(&self.expr))
    }

    fn eval_on<'a>(&self, doc: &Doc<'a>) -> Result<Value, XPathError> {
        doc.eval(
            &self.expr,
            Ctx {
                item: Item::Node(0),
                pos: 1,
                size: 1,
            },
        )
    }

    /// Evaluates the expression with the document node of `root`'s tree as
    /// context node.
    pub fn evaluate(&self, root: &Element) -> Result<XPathValue, XPathError> {
        let doc = self.doc(root);
        Ok(match self.eval_on(&doc)? {
            Value::Nodes(items) => {
                XPathValue::NodeSet(items.into_iter().map(|i| to_match(&doc, i)).collect())
            }
            Value::Bool(b) => XPathValue::Boolean(b),
            Value::Num(n) => XPathValue::Number(n),
            Value::Str(s) => XPathValue::String(s),
        })
    }

    /// The nodes the expression selects, in document order. An expression
    /// whose value is not a node-set (`count(//op)`) selects nothing, as
    /// Pacemaker treats such results as "no match".
    pub fn select(&self, root: &Element) -> Result<Vec<XPathMatch>, XPathError> {
        match self.evaluate(root)? {
            XPathValue::NodeSet(m) => Ok(m),
            _ => Ok(Vec::new()),
        }
    }

    /// The elements the expression selects, in document order (the
    /// document node counts as the root element; attributes, text and
    /// comments are left out).
    pub fn select_elements<'a>(&self, root: &'a Element) -> Result<Vec<&'a Element>, XPathError> {
        let doc = self.doc(root);
        let Value::Nodes(items) = self.eval_on(&doc)? else {
            return Ok(Vec::new());
        };
        Ok(items
            .into_iter()
            .filter_map(|i| match i {
                Item::Node(0) => Some(root),
                Item::Node(n) => doc.element(n),
                Item::Attr(..) => None,
            })
            .collect())
    }

    /// The paths of the elements the expression selects, in document order
    /// (with the same rules as [`XPath::select_elements`]).
    pub fn select_element_paths(&self, root: &Element) -> Result<Vec<NodePath>, XPathError> {
        Ok(self
            .select(root)?
            .into_iter()
            .filter_map(|m| match m {
                XPathMatch::Document => Some(NodePath::root()),
                XPathMatch::Element(p) => Some(p),
                _ => None,
            })
            .collect())
    }
}

impl std::str::FromStr for XPath {
    type Err = XPathError;

    fn from_str(s: &str) -> Result<XPath, XPathError> {
        XPath::parse(s)
    }
}

impl std::fmt::Display for XPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.source)
    }
}

fn to_match(doc: &Doc<'_>, item: Item) -> XPathMatch {
    match item {
        Item::Attr(e, k) => XPathMatch::Attribute {
            element: doc.path(e).unwrap_or_default(),
            name: doc
                .element(e)
                .and_then(|el| el.attrs.get(k as usize))
                .map(|(n, _)| n.clone())
                .unwrap_or_default(),
        },
        Item::Node(i) => {
            let path = doc.path(i);
            match (doc.entry(i).kind, path) {
                (Kind::Element(_), Some(p)) => XPathMatch::Element(p),
                (Kind::Text(_), Some(p)) => XPathMatch::Text(p),
                (Kind::Comment(_), Some(p)) => XPathMatch::Comment(p),
                _ => XPathMatch::Document,
            }
        }
    }
}

#[cfg(test)]
mod tests;
