//! CDATA sections in XML output (`out->output_xml`): the shared output
//! builds elements of text, so a placeholder stands for each section until
//! the document is printed.

use pcmk_common::xml::{Element, Node};

/// CDATA sections waiting to be put in place.
#[derive(Debug, Default)]
pub struct Cdata {
    items: Vec<(String, String)>,
}

impl Cdata {
    /// An element `name` whose content will be `content` as CDATA.
    pub fn element(&mut self, name: &str, content: &str) -> Element {
        let marker = format!("@@pcmk-cdata-{}-{}@@", std::process::id(), self.items.len());
        self.items.push((marker.clone(), content.to_string()));
        let mut e = Element::new(name);
        e.children.push(Node::Text(marker));
        e
    }

    /// Puts the sections in place in the printed document.
    pub fn fill(&self, printed: &mut String) {
        for (marker, content) in &self.items {
            // "]]>" cannot appear inside a section: split it across two.
            let safe = content.replace("]]>", "]]]]><![CDATA[>");
            *printed = printed.replace(marker, &format!("<![CDATA[{safe}]]>"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_replace_markers() {
        let mut c = Cdata::default();
        let mut root = Element::new("r");
        root.push(c.element("output", "<cib/>\n"));
        let mut text = root.to_pretty();
        c.fill(&mut text);
        assert_eq!(text, "<r>\n  <output><![CDATA[<cib/>\n]]></output>\n</r>\n");
    }
}
