//! Name/value pairs in the CIB, found, set and deleted the way
//! Pacemaker's tools do it (`lib/cib/cib_attrs.c`): cluster options,
//! resource and operation defaults, permanent node attributes (`nodes`),
//! transient node attributes (`status`) and ticket attributes.
//!
//! Every operation is a CIB request: an XPath query to find the pair,
//! then a modify (creating the enclosing node, set and pair as needed) or
//! a delete of the pair by id, so it behaves the same on a CIB file and
//! through the CIB manager.

use pcmk_based::request::{CallOptions, Operation};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use crate::cib_session::{CibSession, Failure};
use crate::output::Output;

/// Where a pair lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttrTarget<'a> {
    /// The section (`crm_config`, `nodes`, `status`, `rsc_defaults`,
    /// `op_defaults`, `tickets`).
    pub section: &'a str,
    /// The node's id, for node attributes.
    pub node_uuid: Option<&'a str>,
    /// The kind of set (`instance_attributes`, `utilization`...).
    pub set_type: Option<&'a str>,
    /// The id of the set.
    pub set_name: Option<&'a str>,
    /// The id of the pair.
    pub attr_id: Option<&'a str>,
    /// The name of the pair.
    pub attr_name: Option<&'a str>,
}

/// The absolute path of a section (`pcmk_cib_xpath_for`).
pub fn section_xpath(section: &str) -> Option<&'static str> {
    pcmk_common::cib::section(section).map(|s| s.path)
}

/// Finds the pairs matching `t` (`find_attr`): one `<nvpair>`, or several
/// wrapped in `<xpath-query>`.
pub fn find_attr(
    cib: &mut CibSession,
    out: &mut Output,
    t: &AttrTarget<'_>,
) -> Result<Element, Failure> {
    let mut set_type = t.set_type.unwrap_or("instance_attributes");
    let mut section = t.section;
    let mut node_uuid = t.node_uuid;
    let mut node_type: Option<&str> = None;
    if section.eq_ignore_ascii_case("crm_config") {
        node_uuid = None;
        set_type = "cluster_property_set";
    } else if section.eq_ignore_ascii_case("op_defaults")
        || section.eq_ignore_ascii_case("rsc_defaults")
    {
        node_uuid = None;
        set_type = "meta_attributes";
    } else if section.eq_ignore_ascii_case("tickets") {
        node_uuid = None;
        section = "status";
        node_type = Some("tickets");
    } else if node_uuid.is_none() {
        return Err(Failure::invalid());
    }
    let Some(base) = section_xpath(section) else {
        return Err(Failure::new(
            CrmExit::Protocol,
            "No message of desired type",
        ));
    };
    let mut xpath = base.to_string();
    if node_type == Some("tickets") {
        xpath.push_str("//tickets");
    } else if let Some(uuid) = node_uuid {
        let mut node_el = "node";
        if section.eq_ignore_ascii_case("status") {
            node_el = "node_state";
            set_type = "transient_attributes";
        }
        xpath.push_str(&format!("//{node_el}[@id='{uuid}']"));
    }
    xpath.push_str(&format!("//{set_type}"));
    if let Some(set) = t.set_name {
        xpath.push_str(&format!("[@id='{set}']"));
    }
    xpath.push_str("//nvpair");
    match (t.attr_id, t.attr_name) {
        (Some(id), Some(name)) => xpath.push_str(&format!("[@id='{id}' and @name='{name}']")),
        (Some(id), None) => xpath.push_str(&format!("[@id='{id}']")),
        (None, Some(name)) => xpath.push_str(&format!("[@name='{name}']")),
        (None, None) => {}
    }
    let r = cib.xpath(&xpath);
    cib.drain_log(out);
    r
}

/// Whether a search result holds several matches.
pub fn is_multiple(result: &Element) -> bool {
    result.elements().next().is_some()
}

/// The matches of a search result, one or several.
pub fn matches(result: &Element) -> Vec<&Element> {
    if is_multiple(result) {
        result.elements().collect()
    } else {
        vec![result]
    }
}

/// Lists several matches of `name` (`pcmk__warn_multiple_name_matches`).
pub fn warn_multiple(out: &mut Output, result: &Element, name: Option<&str>) {
    let Some(name) = name else { return };
    if !is_multiple(result) {
        return;
    }
    out.info(&format!("Multiple attributes match name={name}"));
    for m in result.elements() {
        out.info(&format!(
            "  Value: {} \t(id={})",
            m.attr("value").unwrap_or("(null)"),
            m.id().unwrap_or("(null)")
        ));
    }
}

/// Whether `c` may start an XML name.
fn is_name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// Whether `c` may appear in an XML name.
fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Makes `id` a valid XML ID (`pcmk__xml_sanitize_id`): an invalid first
/// character becomes `_`, other invalid characters `.`.
pub fn sanitize_id(id: &str) -> String {
    id.chars()
        .enumerate()
        .map(|(i, c)| match (i, c) {
            (0, c) if !is_name_start(c) => '_',
            (_, c) if i > 0 && !is_name_char(c) => '.',
            (_, c) => c,
        })
        .collect()
}

/// An `<nvpair>` (`crm_create_nvpair_xml`).
pub fn nvpair(
    id: Option<&str>,
    parent_id: Option<&str>,
    name: Option<&str>,
    value: Option<&str>,
) -> Element {
    let mut e = Element::new("nvpair");
    match id {
        Some(id) => e.set_attr("id", id),
        None => e.set_attr(
            "id",
            sanitize_id(&format!(
                "{}-{}",
                parent_id.unwrap_or("nvpair"),
                name.unwrap_or_default()
            )),
        ),
    }
    if let Some(n) = name {
        e.set_attr("name", n);
    }
    if let Some(v) = value {
        e.set_attr("value", v);
    }
    e
}

/// Sets a pair (`cib__update_node_attr`), creating what is missing.
/// `remote` creates a missing node entry as a remote node.
pub fn update_attr(
    cib: &mut CibSession,
    out: &mut Output,
    t: &AttrTarget<'_>,
    value: &str,
    remote: bool,
    options: CallOptions,
) -> Result<(), Failure> {
    let mut attr_id = t.attr_id.map(str::to_string);
    let mut attr_name = t.attr_name.map(str::to_string);
    let mut section = t.section.to_string();
    let mut set_name = t.set_name.map(str::to_string);
    let top = match find_attr(cib, out, t) {
        Ok(found) => {
            if is_multiple(&found) {
                warn_multiple(out, &found, t.attr_name);
                return Err(Failure::not_unique());
            }
            attr_id = found.id().map(str::to_string);
            None
        }
        Err(f) if !f.is_no_such() => return Err(f),
        Err(_) => Some(new_container(
            &mut section,
            t,
            remote,
            &mut set_name,
            &mut attr_id,
            &mut attr_name,
        )?),
    };
    let pair = nvpair(attr_id.as_deref(), None, attr_name.as_deref(), Some(value));
    let mut chain = top.unwrap_or_default();
    chain.push(pair);
    let Some(input) = nest(chain) else {
        return Err(Failure::invalid());
    };
    let result = cib.change(Operation::Modify, Some(&section), input, options);
    cib.drain_log(out);
    if let Err(f) = &result {
        out.err(&format!(
            "Error setting {}={value} (section={section}, set={}): {}",
            attr_name.as_deref().unwrap_or("(null)"),
            set_name.as_deref().unwrap_or("<null>"),
            f.text
        ));
    }
    result.map(|_| ())
}

/// Nests a chain of elements, outermost first: each inside the one
/// before it.
fn nest(mut chain: Vec<Element>) -> Option<Element> {
    let mut inner = chain.pop()?;
    while let Some(mut outer) = chain.pop() {
        outer.push(inner);
        inner = outer;
    }
    Some(inner)
}

/// The elements enclosing a new pair (node, set), and the ids chosen for
/// the set and the pair.
fn new_container(
    section: &mut String,
    t: &AttrTarget<'_>,
    remote: bool,
    set_name: &mut Option<String>,
    attr_id: &mut Option<String>,
    attr_name: &mut Option<String>,
) -> Result<Vec<Element>, Failure> {
    let mut node_uuid = t.node_uuid.map(str::to_string);
    let mut tickets = false;
    let mut top: Vec<Element> = Vec::new();
    let mut tag: Option<String> = None;
    if section.eq_ignore_ascii_case("tickets") {
        node_uuid = None;
        *section = "status".to_string();
        tickets = true;
        top = vec![Element::new("status"), Element::new("tickets")];
    } else if section.eq_ignore_ascii_case("nodes") {
        let Some(uuid) = &node_uuid else {
            return Err(Failure::invalid());
        };
        if remote {
            top = vec![
                Element::new("nodes"),
                Element::new("node")
                    .with_attr("type", "remote")
                    .with_attr("id", uuid.as_str())
                    .with_attr("uname", uuid.as_str()),
            ];
        } else {
            tag = Some("node".to_string());
        }
    } else if section.eq_ignore_ascii_case("status") {
        tag = Some("transient_attributes".to_string());
        let Some(uuid) = &node_uuid else {
            return Err(Failure::invalid());
        };
        top = vec![Element::new("node_state").with_attr("id", uuid.as_str())];
    } else {
        tag = Some(section.clone());
        node_uuid = None;
    }
    if set_name.is_none() {
        *set_name = Some(if section.eq_ignore_ascii_case("crm_config") {
            "cib-bootstrap-options".to_string()
        } else if tickets {
            format!("{section}-tickets")
        } else if let Some(uuid) = &node_uuid {
            match t.set_type {
                Some(st) => format!("{section}-{uuid}-{st}"),
                None => format!("{section}-{uuid}"),
            }
        } else {
            format!("{section}-options")
        });
    }
    let set = set_name.clone().unwrap_or_default();
    if attr_id.is_none() {
        *attr_id = Some(sanitize_id(&format!(
            "{set}-{}",
            attr_name.as_deref().unwrap_or("(null)")
        )));
    } else if attr_name.is_none() {
        attr_name.clone_from(attr_id);
    }
    let mut chain = top;
    if let Some(tag) = tag {
        let mut e = Element::new(tag);
        if let Some(uuid) = &node_uuid {
            e.set_attr("id", uuid.as_str());
        }
        chain.push(e);
    }
    let set_el = if node_uuid.is_none() && !tickets {
        if section.eq_ignore_ascii_case("crm_config") {
            "cluster_property_set"
        } else {
            "meta_attributes"
        }
    } else {
        t.set_type.unwrap_or("instance_attributes")
    };
    chain.push(Element::new(set_el).with_attr("id", set.as_str()));
    Ok(chain)
}

/// Deletes a pair (`cib__delete_node_attr`); returns the id deleted, if
/// it was looked up. Reports `Deleted ...` as Pacemaker does.
pub fn delete_attr(
    cib: &mut CibSession,
    out: &mut Output,
    t: &AttrTarget<'_>,
    value: Option<&str>,
) -> Result<(), Failure> {
    let mut looked_up: Option<String> = None;
    let attr_id = match t.attr_id {
        Some(id) => id.to_string(),
        None => {
            let found = find_attr(cib, out, t)?;
            if is_multiple(&found) {
                warn_multiple(out, &found, t.attr_name);
                return Ok(());
            }
            let id = found.id().unwrap_or_default().to_string();
            looked_up = Some(id.clone());
            id
        }
    };
    let pair = nvpair(Some(&attr_id), None, t.attr_name, value);
    let r = cib.change(
        Operation::Delete,
        Some(t.section),
        pair,
        CallOptions::default(),
    );
    cib.drain_log(out);
    r?;
    out.info(&format!(
        "Deleted {} {}: id={}{}{}",
        t.section,
        if t.node_uuid.is_some() {
            "attribute"
        } else {
            "option"
        },
        looked_up.as_deref().unwrap_or("(null)"),
        t.set_name.map(|s| format!(" set={s}")).unwrap_or_default(),
        t.attr_name
            .map(|n| format!(" name={n}"))
            .unwrap_or_default(),
    ));
    Ok(())
}

/// A node's id from its name (`query_node_uuid`): a cluster or remote
/// node of the `nodes` section, a remote connection, a guest node or a
/// remote node known only from the status. Returns the id and whether it
/// is a Pacemaker Remote node.
pub fn query_node_uuid(cib: &mut CibSession, uname: &str) -> Result<(String, bool), Failure> {
    const UP: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const LOW: &str = "abcdefghijklmnopqrstuvwxyz";
    let host = uname.to_ascii_lowercase();
    let xpath = format!(
        "/cib/configuration/nodes/node[translate(@uname,'{UP}','{LOW}') ='{host}']\
         |/cib/configuration/resources/primitive[@class='ocf'][@provider='pacemaker'][@type='remote'][translate(@id,'{UP}','{LOW}') ='{host}']\
         |/cib/configuration/resources/primitive/meta_attributes/nvpair[@name='remote-node'][translate(@value,'{UP}','{LOW}') ='{host}']\
         |/cib/status/node_state[@remote_node='true'][translate(@id,'{UP}','{LOW}') ='{host}']"
    );
    let result = cib.xpath(&xpath).map_err(|_| Failure::no_such())?;
    let first = if result.name == "xpath-query" {
        result
            .elements()
            .next()
            .cloned()
            .ok_or_else(Failure::no_such)?
    } else {
        result
    };
    let found = match first.name.as_str() {
        "node" => {
            if first
                .attr("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("remote"))
            {
                first.attr("uname").map(|u| (u.to_string(), true))
            } else {
                first.id().map(|u| (u.to_string(), false))
            }
        }
        "primitive" => first.id().map(|u| (u.to_string(), true)),
        "nvpair" => first.attr("value").map(|u| (u.to_string(), true)),
        "node_state" => first.attr("uname").map(|u| {
            (
                u.to_string(),
                pcmk_common::values::parse_bool(first.attr("remote_node").unwrap_or(""))
                    .unwrap_or(false),
            )
        }),
        _ => None,
    };
    found.ok_or_else(Failure::no_such)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(
            sanitize_id("status-1-#feature-set"),
            "status-1-.feature-set"
        );
        assert_eq!(sanitize_id("1abc"), "_abc");
        let p = nvpair(None, Some("set"), Some("a b"), Some("v"));
        assert_eq!(p.id(), Some("set-a.b"));
    }
}
