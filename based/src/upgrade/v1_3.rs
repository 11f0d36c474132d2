//! 1.3 to 2.0 (`upgrade-1.3-0.xsl`): the ACL syntax of schema 2.0.
//!
//! `acl_user` becomes `acl_target`, `role_ref` becomes `role`, and the
//! `read`/`write`/`deny` rules become `acl_permission`s of the `kind`
//! they were; a user with rules of its own gets a role `auto-ID` holding
//! them.

use pcmk_common::xml::{Element, Node};

use super::Messages;

fn permission(rule: &Element, m: &mut Messages) -> Element {
    let mut p = Element::new("acl_permission");
    if let Some(id) = rule.id() {
        p.set_attr("id", id);
    }
    p.set_attr("kind", rule.name.clone());
    if let Some(r) = rule.attr("ref") {
        p.set_attr("reference", r);
        if rule.has_attr("attribute") {
            m.plain(
                "ACLs: @attribute cannot accompany @ref for upgrade-1.3.xsl purposes, ignoring",
            );
        }
    } else if let Some(tag) = rule.attr("tag") {
        p.set_attr("object-type", tag);
        if let Some(a) = rule.attr("attribute") {
            m.plain("ACLs: @attribute (with @tag) handling generalized a bit for upgrade-1.3.xsl purposes");
            p.set_attr("attribute", a);
        }
    } else if let Some(xpath) = rule.attr("xpath") {
        match rule.attr("attribute") {
            Some(a) => {
                m.plain("ACLs: @attribute (with @xpath) handling generalized a bit for upgrade-1.3.xsl purposes");
                p.set_attr("xpath", format!("{xpath}[@{a}]"));
            }
            None => p.set_attr("xpath", xpath),
        }
    }
    p
}

fn is_rule(e: &Element) -> bool {
    matches!(e.name.as_str(), "read" | "write" | "deny")
}

fn convert(el: &Element, m: &mut Messages) -> Vec<Node> {
    match el.name.as_str() {
        "role_ref" => {
            let mut r = el.clone();
            r.name = "role".to_string();
            vec![Node::Element(r)]
        }
        n if is_rule(el) && n != "acl_user" => vec![Node::Element(permission(el, m))],
        "acl_user" => {
            let mut target = Element::new("acl_target");
            target.attrs = el.attrs.clone();
            let has_roles = el.elements().any(|c| c.name == "role_ref");
            if has_roles {
                for c in &el.children {
                    match c {
                        Node::Element(e) => target.children.extend(convert(e, m)),
                        other => target.children.push(other.clone()),
                    }
                }
                return vec![Node::Element(target)];
            }
            let rules: Vec<&Element> = el.elements().filter(|e| is_rule(e)).collect();
            if rules.is_empty() {
                return vec![Node::Element(target)];
            }
            let role_id = format!("auto-{}", el.id().unwrap_or_default());
            target.push(Element::new("role").with_attr("id", role_id.clone()));
            let mut role = Element::new("acl_role").with_attr("id", role_id);
            for c in el.elements() {
                role.children.extend(convert(c, m));
            }
            vec![Node::Element(target), Node::Element(role)]
        }
        _ => {
            let mut copy = Element::new(el.name.clone());
            copy.attrs = el.attrs.clone();
            for c in &el.children {
                match c {
                    Node::Element(e) => copy.children.extend(convert(e, m)),
                    other => copy.children.push(other.clone()),
                }
            }
            vec![Node::Element(copy)]
        }
    }
}

/// The transformation.
pub fn upgrade_1_3_0(doc: &mut Element, m: &mut Messages) -> Result<(), String> {
    let mut new = match convert(doc, m).into_iter().next() {
        Some(Node::Element(e)) => e,
        _ => return Err("no root element".to_string()),
    };
    new.set_attr("validate-with", "pacemaker-2.0");
    *doc = new;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;

    #[test]
    fn converts_acls() {
        let mut doc = parse(r#"<cib validate-with="pacemaker-1.3"><configuration><acls><acl_user id="u1"><read id="r1" xpath="/cib"/><deny id="d1" tag="nvpair" attribute="value"/></acl_user><acl_user id="u2"><role_ref id="ro"/></acl_user><acl_role id="ro"><write id="w1" ref="x"/></acl_role></acls></configuration></cib>"#).unwrap();
        let mut m = Messages::default();
        upgrade_1_3_0(&mut doc, &mut m).unwrap();
        assert_eq!(
            doc.to_compact(),
            r#"<cib validate-with="pacemaker-2.0"><configuration><acls><acl_target id="u1"><role id="auto-u1"/></acl_target><acl_role id="auto-u1"><acl_permission id="r1" kind="read" xpath="/cib"/><acl_permission id="d1" kind="deny" object-type="nvpair" attribute="value"/></acl_role><acl_target id="u2"><role id="ro"/></acl_target><acl_role id="ro"><acl_permission id="w1" kind="write" reference="x"/></acl_role></acls></configuration></cib>"#
        );
    }
}
