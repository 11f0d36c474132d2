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

fn start_element(reader: &Reader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, XmlError> {
    let name = start.name().as_ref().to_string();
    let mut el = Element::new(name);
    for attr in start.attributes() {
        let attr = attr.map_err(|e| syntax(reader, e))?;
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| syntax(reader, e))?
            .into_owned();
        if el.has_attr(&key) {
            return Err(syntax(reader, format!("attribute {key} redefined")));
        }
        el.attrs.push((key, value));
    }
    Ok(el)
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
    loop {
        let event = reader.read_event().map_err(|e| syntax(&reader, e))?;
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
                let el = start_element(&reader, &s)?;
                stack.push(el);
            }
            Event::Empty(s) => {
                let el = start_element(&reader, &s)?;
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
