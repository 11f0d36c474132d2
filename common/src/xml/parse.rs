//! Parsing text into an [`Element`] tree with quick-xml.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::element::{Element, Node};

/// Deepest nesting accepted, as libxml2's default limit; deeper input is
/// refused rather than risking the stack.
pub const MAX_DEPTH: usize = 256;

/// Why a document could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The input holds no element at all.
    #[error("no XML element found in input")]
    Empty,
    /// The input is not well-formed XML.
    #[error("malformed XML at byte {position}: {message}")]
    Syntax {
        /// Byte offset where the parser gave up.
        position: u64,
        /// What was wrong.
        message: String,
    },
    /// Elements are nested more deeply than [`MAX_DEPTH`].
    #[error("XML nested more than {MAX_DEPTH} levels deep")]
    TooDeep,
    /// Content follows the root element.
    #[error("content after the root element at byte {position}")]
    TrailingContent {
        /// Byte offset of the extra content.
        position: u64,
    },
}

fn syntax(reader: &Reader<&[u8]>, message: impl std::fmt::Display) -> XmlError {
    XmlError::Syntax {
        position: reader.buffer_position(),
        message: message.to_string(),
    }
}

/// Builds an element from a start tag. `scratch` collects the attributes
/// so that the element's own list is allocated once, at its exact size.
/// (quick-xml refuses a repeated attribute name.)
fn start_element(
    reader: &Reader<&[u8]>,
    start: &BytesStart<'_>,
    scratch: &mut Vec<(String, String)>,
) -> Result<Element, XmlError> {
    let name = start.name().as_ref().to_string();
    let mut el = Element::new(name);
    scratch.clear();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| syntax(reader, e))?;
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| syntax(reader, e))?
            .into_owned();
        scratch.push((key, value));
    }
    el.attrs = Vec::with_capacity(scratch.len());
    el.attrs.append(scratch);
    Ok(el)
}

/// Whitespace-only text (indentation) seen after an element's last child
/// and not yet stored: dropped when an element follows (the parent then
/// has element children, and [`finish`] drops such text anyway), stored
/// as a text node before anything else. Saves a node per line of
/// indentation in large documents.
#[derive(Default)]
struct PendingSpace {
    text: String,
    held: bool,
}

impl PendingSpace {
    /// Holds `text` if it is indentation that starts a new text node.
    fn hold(&mut self, stack: &[Element], text: &str) -> bool {
        let starts_node = stack
            .last()
            .is_some_and(|top| !matches!(top.children.last(), Some(Node::Text(_))));
        if self.held || !starts_node || !text.trim().is_empty() {
            return false;
        }
        self.text.clear();
        self.text.push_str(text);
        self.held = true;
        true
    }

    /// Stores the held text (something other than an element follows).
    fn flush(&mut self, stack: &mut [Element]) {
        if self.held {
            self.held = false;
            push_text(stack, &self.text);
        }
    }

    /// Forgets the held text (an element follows).
    fn drop_held(&mut self) {
        self.held = false;
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(text);
        } else {
            top.children.push(Node::Text(text.to_string()));
        }
    }
}

/// Drops text children that are only whitespace (indentation).
fn finish(mut el: Element) -> Element {
    if el.children.iter().any(|c| matches!(c, Node::Element(_))) {
        el.children
            .retain(|c| !matches!(c, Node::Text(t) if t.trim().is_empty()));
    } else if el
        .children
        .iter()
        .all(|c| matches!(c, Node::Text(t) if t.trim().is_empty()))
    {
        el.children.clear();
    }
    el
}

/// Parses a whole document and returns its root element.
///
/// The XML declaration, processing instructions and a DOCTYPE are skipped;
/// comments outside the root element are dropped.
pub fn parse(input: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(input);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut scratch = Vec::new();
    let mut space = PendingSpace::default();
    loop {
        let event = reader.read_event().map_err(|e| syntax(&reader, e))?;
        match &event {
            Event::Start(_) | Event::Empty(_) => space.drop_held(),
            Event::Text(t) => {
                if !stack.is_empty() && space.hold(&stack, &t.xml10_content()) {
                    continue;
                }
                space.flush(&mut stack);
            }
            _ => space.flush(&mut stack),
        }
        if root.is_some() {
            match event {
                Event::Eof => break,
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Text(t) if t.trim().is_empty() => continue,
                _ => {
                    return Err(XmlError::TrailingContent {
                        position: reader.buffer_position(),
                    });
                }
            }
        }
        match event {
            Event::Start(s) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                let el = start_element(&reader, &s, &mut scratch)?;
                stack.push(el);
            }
            Event::Empty(s) => {
                let el = start_element(&reader, &s, &mut scratch)?;
                match stack.last_mut() {
                    Some(parent) => parent.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(syntax(&reader, "unexpected closing tag"));
                };
                let el = finish(el);
                match stack.last_mut() {
                    Some(parent) => parent.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if stack.is_empty() {
                    if t.trim().is_empty() {
                        continue;
                    }
                    return Err(syntax(&reader, "text outside the root element"));
                }
                push_text(&mut stack, &t.xml10_content());
            }
            Event::CData(c) => {
                if stack.is_empty() {
                    return Err(syntax(&reader, "CDATA outside the root element"));
                }
                push_text(&mut stack, &c.xml10_content());
            }
            Event::GeneralRef(r) => {
                if stack.is_empty() {
                    return Err(syntax(&reader, "entity outside the root element"));
                }
                let resolved = match r.resolve_char_ref().map_err(|e| syntax(&reader, e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name: &str = &r;
                        match quick_xml::escape::resolve_predefined_entity(name) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(syntax(&reader, format!("unknown entity &{name};")));
                            }
                        }
                    }
                };
                push_text(&mut stack, &resolved);
            }
            Event::Comment(c) => {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Comment(c.to_string()));
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(syntax(&reader, "unexpected end of input"));
                }
                break;
            }
        }
    }
    root.ok_or(XmlError::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attributes_in_order_with_entities() {
        let e = parse(r#"<?xml version="1.0"?><a z="1" b="x&lt;&#10;y" c="t	u"><b/></a>"#).unwrap();
        assert_eq!(e.name, "a");
        assert_eq!(
            e.attrs,
            vec![
                ("z".to_string(), "1".to_string()),
                ("b".to_string(), "x<\ny".to_string()),
                ("c".to_string(), "t u".to_string()),
            ]
        );
        assert_eq!(e.element_count(), 1);
    }

    #[test]
    fn keeps_comments_and_text_drops_indentation() {
        let e = parse("<a>\n  <!-- hi -->\n  <b>some &amp; text</b>\n</a>").unwrap();
        assert_eq!(e.children.len(), 2);
        assert_eq!(e.children[0], Node::Comment(" hi ".to_string()));
        assert_eq!(e.child("b").unwrap().text(), "some & text");
    }

    #[test]
    fn indentation_goes_but_spaces_in_text_and_beside_comments_stay() {
        let e =
            parse("<a>\n  <b>  &amp; x </b>\n  <c> <!-- k --> </c>\n  <d>\n  </d>\n</a>").unwrap();
        assert_eq!(e.children.len(), 3);
        assert_eq!(e.child("b").unwrap().text(), "  & x ");
        assert_eq!(
            e.child("c").unwrap().children,
            vec![
                Node::Text(" ".to_string()),
                Node::Comment(" k ".to_string()),
                Node::Text(" ".to_string()),
            ]
        );
        assert!(e.child("d").unwrap().children.is_empty());
    }

    #[test]
    fn refuses_bad_input() {
        assert_eq!(parse(""), Err(XmlError::Empty));
        assert!(parse("hello").is_err());
        assert!(parse("<primitive").is_err());
        assert!(parse("<a></b>").is_err());
        assert!(parse("<a/><b/>").is_err());
        assert!(parse("<a x='1' x='2'/>").is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep), Err(XmlError::TooDeep));
    }
}
