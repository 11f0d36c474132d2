//! The XML element tree the CIB and every other Pacemaker document lives in.
//!
//! Attribute order is preserved as read, since Pacemaker's digests and
//! patchsets depend on it. Whitespace-only text between elements is dropped
//! when parsing; comments are kept, as libxml2 keeps them in the CIB.

mod element;
mod escape;
mod parse;
mod write;

pub use element::{Element, Node};
pub use escape::{escape_attr, escape_text};
pub use parse::{MAX_DEPTH, XmlError, parse};
