//! Query: the whole CIB, a section, or the matches of an XPath.

use std::borrow::Cow;

use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::{XPath, XPathMatch};

use crate::error::CibError;
use crate::notes::{Level, Note};
use crate::request::{CallOptions, Target};
use crate::section;

/// Name of the element wrapping several XPath results.
pub const XPATH_QUERY: &str = "xpath-query";
/// Name of the element holding one path with `--node-path`.
pub const XPATH_QUERY_PATH: &str = "xpath-query-path";

/// A shallow copy: name and attributes only.
fn shallow(el: &Element) -> Element {
    let mut copy = Element::new(el.name.clone());
    copy.attrs = el.attrs.clone();
    copy
}

/// The path `--node-path` prints: every ancestor with its `id` when it has
/// one.
fn node_path(chain: &[&Element]) -> String {
    let mut out = String::new();
    for el in chain {
        out.push('/');
        out.push_str(&el.name);
        if let Some(id) = el.id() {
            out.push_str("[@id='");
            out.push_str(id);
            out.push_str("']");
        }
    }
    out
}

/// Answers a query on `cib`. The result borrows from `cib` when it is a
/// part of it as it stands.
pub fn query<'a>(
    cib: &'a Element,
    target: &Target,
    options: &CallOptions,
    notes: &mut Vec<Note>,
) -> Result<Cow<'a, Element>, CibError> {
    match target {
        Target::XPath(expr) => query_xpath(cib, expr, options, notes).map(Cow::Owned),
        Target::All => section_result(cib, None, options),
        Target::Section(s) => section_result(cib, Some(s), options),
    }
}

fn section_result<'a>(
    cib: &'a Element,
    name: Option<&str>,
    options: &CallOptions,
) -> Result<Cow<'a, Element>, CibError> {
    let path = section::find(cib, name).ok_or(CibError::NoSuchObject)?;
    let el = path.element(cib).ok_or(CibError::NoSuchObject)?;
    Ok(if options.no_children {
        Cow::Owned(shallow(el))
    } else {
        Cow::Borrowed(el)
    })
}

/// Evaluates an XPath expression on `cib`; an invalid expression matches
/// nothing (as libxml2's failed evaluation does for Pacemaker), with a note.
pub fn select(cib: &Element, expr: &str, notes: &mut Vec<Note>) -> Vec<XPathMatch> {
    match XPath::parse(expr).and_then(|x| x.select(cib)) {
        Ok(m) => m,
        Err(e) => {
            notes.push(Note::log(
                "pcmk__xpath_search",
                Level::Error,
                format!("Invalid XPath expression {expr}: {e}"),
            ));
            Vec::new()
        }
    }
}

fn query_xpath(
    cib: &Element,
    expr: &str,
    options: &CallOptions,
    notes: &mut Vec<Note>,
) -> Result<Element, CibError> {
    let matches = select(cib, expr, notes);
    if matches.is_empty() {
        return Err(CibError::NoSuchObject);
    }
    let mut answer = (matches.len() > 1).then(|| Element::new(XPATH_QUERY));
    for m in matches {
        let path = match (&m, options.xpath_address) {
            (XPathMatch::Element(p), _) => p.clone(),
            (XPathMatch::Document, _) => m.element_path(),
            (_, true) => m.element_path(),
            (XPathMatch::Attribute { element, name }, false) => {
                let value = element
                    .element(cib)
                    .and_then(|e| e.attr(name))
                    .unwrap_or_default();
                answer
                    .get_or_insert_with(|| Element::new(XPATH_QUERY))
                    .set_attr(name.clone(), value);
                continue;
            }
            (XPathMatch::Text(p) | XPathMatch::Comment(p), false) => {
                if let Some(node) = p.node(cib) {
                    answer
                        .get_or_insert_with(|| Element::new(XPATH_QUERY))
                        .children
                        .push(node.clone());
                }
                continue;
            }
        };
        let Some(el) = path.element(cib) else {
            continue;
        };
        if options.no_children {
            let copy = shallow(el);
            match &mut answer {
                Some(a) => a.push(copy),
                None => answer = Some(copy),
            }
            continue;
        }
        if options.xpath_address {
            let chain = path.ancestry(cib).unwrap_or_default();
            answer
                .get_or_insert_with(|| Element::new(XPATH_QUERY))
                .push(Element::new(XPATH_QUERY_PATH).with_attr("id", node_path(&chain)));
            continue;
        }
        match &mut answer {
            Some(a) => a.children.push(Node::Element(el.clone())),
            None => answer = Some(el.clone()),
        }
    }
    answer.ok_or(CibError::NoSuchObject)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;

    const CIB: &str = r#"<cib epoch="1"><configuration><crm_config/><nodes/><resources><primitive id="a" class="ocf"><op id="a-op"/></primitive><clone id="c"><primitive id="b" class="lsb"/></clone></resources><constraints/></configuration><status/></cib>"#;

    fn q(target: Target, options: CallOptions) -> Result<String, CibError> {
        let cib = parse(CIB).unwrap();
        query(&cib, &target, &options, &mut Vec::new()).map(|e| e.to_compact())
    }

    #[test]
    fn sections_and_xpaths() {
        let none = CallOptions::default();
        assert_eq!(
            q(Target::Section("nodes".into()), none).unwrap(),
            "<nodes/>"
        );
        assert!(q(Target::All, none).unwrap().starts_with("<cib"));
        assert_eq!(
            q(Target::Section("acls".into()), none),
            Err(CibError::NoSuchObject)
        );
        assert_eq!(
            q(Target::XPath("//primitive[@id='a']".into()), none).unwrap(),
            r#"<primitive id="a" class="ocf"><op id="a-op"/></primitive>"#
        );
        assert_eq!(
            q(
                Target::XPath("//primitive".into()),
                CallOptions {
                    no_children: true,
                    ..none
                }
            )
            .unwrap(),
            r#"<xpath-query><primitive id="a" class="ocf"/><primitive id="b" class="lsb"/></xpath-query>"#
        );
        assert_eq!(
            q(
                Target::XPath("//primitive[@id='b']".into()),
                CallOptions {
                    xpath_address: true,
                    ..none
                }
            )
            .unwrap(),
            r#"<xpath-query><xpath-query-path id="/cib/configuration/resources/clone[@id='c']/primitive[@id='b']"/></xpath-query>"#
        );
        assert_eq!(
            q(Target::XPath("//primitive[@id='a']/@class".into()), none).unwrap(),
            r#"<xpath-query class="ocf"/>"#
        );
        assert_eq!(
            q(Target::XPath("//nope".into()), none),
            Err(CibError::NoSuchObject)
        );
        assert_eq!(
            q(Target::XPath("//[".into()), none),
            Err(CibError::NoSuchObject)
        );
    }
}
