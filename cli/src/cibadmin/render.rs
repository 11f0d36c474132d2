//! `cibadmin --show-access`: the CIB annotated with a user's access, as
//! Pacemaker renders it (`pcmk__acl_evaled_render()` running
//! `access-render-2.xsl` over the pretty-printed, annotated CIB).

use std::collections::HashSet;

use pcmk_based::acl::{Access, AccessMap};
use pcmk_common::xml::{Element, Node};

/// The render modes of `-S/--show-access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// ANSI colours: green writable, blue readable, red denied.
    Color,
    /// Elements in namespaces `pcmk-access-writable` and so on.
    Namespace,
    /// Plain text markers where the access changes.
    Text,
}

impl How {
    /// The mode named by the option's value (`auto` and no value: colour
    /// on a terminal, text otherwise).
    pub fn parse(value: &str, terminal: bool) -> Option<How> {
        match value {
            "" | "auto" => Some(if terminal { How::Color } else { How::Text }),
            "color" => Some(How::Color),
            "namespace" => Some(How::Namespace),
            "text" => Some(How::Text),
            _ => None,
        }
    }
}

const NS_BASE: &str = "http://clusterlabs.org/ns/pacemaker/access/";

/// The stylesheet's parameters for one mode.
struct Params {
    writable: &'static str,
    readable: &'static str,
    denied: &'static str,
    reset: &'static str,
    extra_spacing: bool,
    self_reproducing: bool,
}

impl Params {
    fn of(how: How) -> Params {
        match how {
            How::Color => Params {
                writable: "\x1b[32m",
                readable: "\x1b[34m",
                denied: "\x1b[31m",
                reset: "\x1b[0m",
                extra_spacing: false,
                self_reproducing: true,
            },
            How::Namespace => Params {
                writable: "pcmk-access-writable:",
                readable: "pcmk-access-readable:",
                denied: "pcmk-access-denied:",
                reset: "",
                extra_spacing: false,
                self_reproducing: true,
            },
            How::Text => Params {
                writable: "vvv---[ WRITABLE ]---vvv",
                readable: "vvv---[ READABLE ]---vvv",
                denied: "vvv---[ ~DENIED~ ]---vvv",
                reset: "",
                extra_spacing: true,
                self_reproducing: false,
            },
        }
    }

    fn annotation(&self, a: Access) -> &'static str {
        match a {
            Access::Writable => self.writable,
            Access::Readable => self.readable,
            Access::Denied => self.denied,
        }
    }

    /// Whether an annotation is a namespace prefix (ends with a colon and
    /// has no other).
    fn is_prefix(&self, annotation: &str) -> bool {
        self.self_reproducing
            && annotation
                .split_once(':')
                .is_some_and(|(_, rest)| rest.is_empty())
    }
}

struct Renderer<'a> {
    access: &'a AccessMap,
    params: Params,
    out: String,
}

fn indent(depth: usize) -> String {
    format!("\n{}", "  ".repeat(depth))
}

impl Renderer<'_> {
    fn element(
        &mut self,
        el: &Element,
        path: &mut Vec<usize>,
        parent: Option<Access>,
        preceding_text: Option<&str>,
    ) {
        let depth = path.len();
        let access = self.access.access(path);
        let p = &self.params;
        let annotation = if parent != Some(access) || !p.reset.is_empty() {
            p.annotation(access)
        } else {
            ""
        };
        let prefix = p.is_prefix(annotation);
        if prefix {
            self.out.push('<');
            self.out.push_str(annotation);
        } else if p.extra_spacing && !annotation.is_empty() {
            self.out.push_str(preceding_text.unwrap_or(""));
            self.out.push_str(annotation);
            self.out.push_str(preceding_text.unwrap_or("\n"));
            self.out.push('<');
        } else {
            self.out.push_str(annotation);
            self.out.push('<');
        }
        self.out.push_str(&el.name);
        for (k, v) in &el.attrs {
            self.out.push_str(&format!(" {k}=\"{v}\""));
        }
        if depth == 0 && self.params.self_reproducing && self.params.is_prefix(self.params.writable)
        {
            self.declarations(el);
        }
        let shown: Vec<(usize, &Node)> = el
            .children
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Node::Element(_) | Node::Comment(_)))
            .collect();
        if shown.is_empty() {
            self.out.push_str("/>");
        } else {
            self.out.push('>');
            let ws = indent(depth + 1);
            for (i, child) in shown {
                self.out.push_str(&ws);
                match child {
                    Node::Element(e) => {
                        path.push(i);
                        self.element(e, path, Some(access), Some(&ws));
                        path.pop();
                    }
                    Node::Comment(c) => {
                        self.out.push_str(&format!("<!-- {c} -->\n"));
                    }
                    Node::Text(_) => {}
                }
            }
            self.out.push_str(&indent(depth));
            if prefix {
                self.out.push_str(&format!("</{annotation}{}>", el.name));
            } else {
                if !self.params.extra_spacing {
                    self.out.push_str(annotation);
                }
                self.out.push_str(&format!("</{}>", el.name));
            }
        }
        self.out.push_str(self.params.reset);
    }

    /// The namespace declarations of the root, for the classes in use.
    fn declarations(&mut self, root: &Element) {
        let mut used = HashSet::new();
        let mut path = Vec::new();
        collect(root, &mut path, self.access, &mut used);
        for (a, name) in [
            (Access::Writable, "writable"),
            (Access::Readable, "readable"),
            (Access::Denied, "denied"),
        ] {
            if used.contains(&a) {
                self.out
                    .push_str(&format!(" xmlns:pcmk-access-{name}=\"{NS_BASE}{name}\""));
            }
        }
    }
}

fn collect(el: &Element, path: &mut Vec<usize>, access: &AccessMap, used: &mut HashSet<Access>) {
    used.insert(access.access(path));
    for (i, c) in el.children.iter().enumerate() {
        if let Node::Element(e) = c {
            path.push(i);
            collect(e, path, access, used);
            path.pop();
        }
    }
}

/// The CIB `cib` rendered with the access `access` gives `user`.
pub fn render(cib: &Element, user: &str, access: &AccessMap, how: How) -> String {
    let mut r = Renderer {
        access,
        params: Params::of(how),
        out: format!("<!-- ACLs as evaluated for user {user} -->\n"),
    };
    r.element(cib, &mut Vec::new(), None, None);
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_based::acl::{NoGroups, unpack};
    use pcmk_common::xml::parse;

    fn cib() -> Element {
        parse(r#"<cib epoch="3"><configuration><crm_config/><nodes/><resources/><constraints/><acls><acl_role id="r"><acl_permission id="deny-acls" kind="deny" xpath="/cib/configuration/acls"/><acl_permission id="w" kind="write" xpath="/cib/configuration/resources"/><acl_permission id="read-rest" kind="read" xpath="/cib"/></acl_role><acl_target id="tony"><role id="r"/></acl_target></acls></configuration><status/></cib>"#).unwrap()
    }

    #[test]
    fn modes() {
        let doc = cib();
        let acls = unpack(&doc, "tony", &NoGroups);
        let map = AccessMap::new(&acls, &doc);
        let text = render(&doc, "tony", &map, How::Text);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "<!-- ACLs as evaluated for user tony -->");
        assert_eq!(lines[1], "vvv---[ READABLE ]---vvv");
        assert_eq!(lines[2], r#"<cib epoch="3">"#);
        assert!(text.contains("    <nodes/>\n    \n    vvv---[ WRITABLE ]---vvv\n    <resources/>\n    <constraints/>\n    \n    vvv---[ ~DENIED~ ]---vvv\n    <acls>"));
        let ns = render(&doc, "tony", &map, How::Namespace);
        assert!(ns.contains(r#"<pcmk-access-readable:cib epoch="3" xmlns:pcmk-access-writable="http://clusterlabs.org/ns/pacemaker/access/writable" xmlns:pcmk-access-readable"#));
        assert!(ns.contains("<pcmk-access-writable:resources/>"));
        assert!(ns.ends_with("</pcmk-access-readable:cib>"));
        let color = render(&doc, "tony", &map, How::Color);
        assert!(color.contains("    \x1b[32m<resources/>\x1b[0m\n"));
        assert!(color.ends_with("\x1b[34m</cib>\x1b[0m"));
    }
}
