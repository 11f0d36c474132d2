//! Create: add objects to a section, failing if one exists already.

use pcmk_common::xml::{Element, Node};

use crate::error::{CibError, Failure};
use crate::request::{Request, Target};
use crate::section;
use crate::tx::Tx;

/// Attribute that a legacy use case gives special meaning on creation; it
/// is not copied into the CIB.
const REPLACE_ATTR: &str = "replace";

fn strip_replace(el: &mut Element) {
    el.remove_attr(REPLACE_ATTR);
    for c in el.elements_mut() {
        strip_replace(c);
    }
}

fn failed_update(target: &Element, reason: &CibError) -> Element {
    let mut f = Element::new("failed_update");
    f.push(target.clone());
    f.set_attr("id", target.id().unwrap_or_default());
    f.set_attr("object_type", target.name.clone());
    f.set_attr("operation", "cib_create");
    f.set_attr("reason", reason.to_string());
    if target.id().is_none() {
        f.remove_attr("id");
    }
    f
}

/// Adds `obj` under the section at `parent` unless a child of the same
/// kind (and id, if it has one) exists there.
fn add_object(
    tx: &mut Tx<'_>,
    parent: Option<&pcmk_common::xpath::NodePath>,
    obj: &Element,
) -> Result<(), CibError> {
    let Some(parent) = parent else {
        return Err(CibError::InvalidArgument(
            "no section to create the object in".to_string(),
        ));
    };
    let parent_el = tx.element(parent).ok_or(CibError::NoSuchObject)?;
    let exists = parent_el
        .elements()
        .any(|c| c.name == obj.name && (obj.id().is_none() || c.id() == obj.id()));
    if exists {
        return Err(CibError::Exists);
    }
    let mut copy = obj.clone();
    strip_replace(&mut copy);
    tx.append(parent, Node::Element(copy));
    Ok(())
}

/// Performs a create request.
pub fn create(
    tx: &mut Tx<'_>,
    req: &Request,
) -> Result<Option<pcmk_common::xml::Element>, Failure> {
    let Some(input) = &req.input else {
        return Err(CibError::InvalidArgument("no data to create".to_string()).into());
    };
    let name = match &req.target {
        Target::All => None,
        Target::Section(s)
            if s.eq_ignore_ascii_case(section::ALL) || s.eq_ignore_ascii_case("cib") =>
        {
            None
        }
        Target::Section(s) => Some(s.as_str()),
        // Pacemaker treats an XPath here as a section name it cannot find.
        Target::XPath(x) => Some(x.as_str()),
    };
    let name = if input.name == "cib" { None } else { name };
    let Some(name) = name else {
        let as_modify = Request {
            target: Target::All,
            ..req.clone()
        };
        return super::modify::modify(tx, &as_modify, &mut Vec::new())
            .map(|()| None)
            .map_err(Failure::from);
    };
    let parent = section::find(tx.doc(), Some(name));
    let mut failed = Element::new("failed");
    let objects: Vec<&Element> = if input.name == name {
        input.elements().collect()
    } else {
        vec![input]
    };
    let mut error = None;
    for obj in objects {
        if let Err(e) = add_object(tx, parent.as_ref(), obj) {
            failed.push(failed_update(obj, &e));
            error = Some(e);
            break;
        }
    }
    match error {
        None => Ok(None),
        Some(error) => Err(Failure {
            error,
            output: Some(Box::new(failed)),
            notes: Vec::new(),
        }),
    }
}
