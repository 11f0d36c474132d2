//! Writing an [`Element`] tree as text, compact or indented as Pacemaker does.

use std::fmt::Write as _;

use super::element::{Element, Node};
use super::escape::{escape_attr, escape_text};

impl Element {
    /// The element as one line with no whitespace between tags: the form
    /// digests are computed over and the form sent on the wire.
    pub fn to_compact(&self) -> String {
        let mut out = String::with_capacity(256);
        write_compact(self, &mut out);
        out
    }

    /// The element indented by two spaces per level, each element on its
    /// own line, as `cibadmin -Q` prints it and as `cib.xml` is written.
    pub fn to_pretty(&self) -> String {
        let mut out = String::with_capacity(1024);
        write_pretty(self, 0, &mut out);
        out
    }

    /// Like [`Element::to_pretty`], starting at indentation `depth`.
    pub fn to_pretty_at(&self, depth: usize) -> String {
        let mut out = String::with_capacity(1024);
        write_pretty(self, depth, &mut out);
        out
    }

    /// Writes the start tag (`<name a="v"`) without closing it.
    fn open_tag(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape_attr(v));
        }
    }
}

fn write_compact(e: &Element, out: &mut String) {
    e.open_tag(out);
    if e.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for c in &e.children {
        match c {
            Node::Element(child) => write_compact(child, out),
            Node::Text(t) => out.push_str(&escape_text(t)),
            Node::Comment(t) => {
                let _ = write!(out, "<!--{t}-->");
            }
        }
    }
    let _ = write!(out, "</{}>", e.name);
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_pretty(e: &Element, depth: usize, out: &mut String) {
    indent(depth, out);
    e.open_tag(out);
    if e.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    if e.children.iter().all(|c| matches!(c, Node::Text(_))) {
        out.push('>');
        for c in &e.children {
            if let Node::Text(t) = c {
                out.push_str(&escape_text(t));
            }
        }
        let _ = writeln!(out, "</{}>", e.name);
        return;
    }
    out.push_str(">\n");
    for c in &e.children {
        match c {
            Node::Element(child) => write_pretty(child, depth + 1, out),
            Node::Text(t) => {
                indent(depth + 1, out);
                out.push_str(&escape_text(t));
                out.push('\n');
            }
            Node::Comment(t) => {
                indent(depth + 1, out);
                let _ = writeln!(out, "<!--{t}-->");
            }
        }
    }
    indent(depth, out);
    let _ = writeln!(out, "</{}>", e.name);
}

#[cfg(test)]
mod tests {
    use crate::xml::parse;

    #[test]
    fn pretty_matches_pacemaker_layout() {
        let src = r#"<cib epoch="1"><configuration><crm_config/><resources><!-- c --><primitive id="a" description="x&lt;y &amp; &quot;q&quot; 'a' &#10;nl"/></resources></configuration><status/></cib>"#;
        let e = parse(src).unwrap();
        let expected = "<cib epoch=\"1\">\n  <configuration>\n    <crm_config/>\n    <resources>\n      <!-- c -->\n      <primitive id=\"a\" description=\"x&lt;y &amp; &quot;q&quot; 'a' &#x0A;nl\"/>\n    </resources>\n  </configuration>\n  <status/>\n</cib>\n";
        assert_eq!(e.to_pretty(), expected);
    }

    #[test]
    fn compact_round_trips() {
        let src = r#"<a x="1"><b y="&amp;"/><!--c--><t>text &lt;</t></a>"#;
        let e = parse(src).unwrap();
        assert_eq!(e.to_compact(), src);
        assert_eq!(parse(&e.to_pretty()).unwrap(), e);
    }
}
