//! A v2 patchset as text, the way Pacemaker's tools show one (the
//! `xml-patchset` message): the version header, then one line or block per
//! change.

use pcmk_common::cib::parse_int;
use pcmk_common::xml::{Element, Node, escape_attr};

fn versions(patchset: &Element) -> ([i32; 3], [i32; 3]) {
    let read = |which: &str| {
        let mut v = [0; 3];
        if let Some(e) = patchset.child("version").and_then(|v| v.child(which)) {
            for (i, f) in ["admin_epoch", "epoch", "num_updates"].iter().enumerate() {
                v[i] = e.attr(f).and_then(parse_int).unwrap_or(0);
            }
        }
        v
    };
    (read("source"), read("target"))
}

fn open_tag(el: &Element, with_children: bool) -> String {
    let mut s = format!("<{}", el.name);
    for (k, v) in &el.attrs {
        s.push_str(&format!(" {k}=\"{}\"", escape_attr(v)));
    }
    s.push_str(if with_children { ">" } else { "/>" });
    s
}

/// The lines of a created node and its children (`pcmk__xml_show`).
fn show_created(lines: &mut Vec<String>, prefix: &str, el: &Element) {
    lines.push(format!("{prefix} {}", open_tag(el, false)));
    if el.children.is_empty() {
        return;
    }
    let blank: String = prefix
        .chars()
        .enumerate()
        .map(|(i, c)| if i < 2 { c } else { ' ' })
        .collect();
    fn children(lines: &mut Vec<String>, prefix: &str, el: &Element, depth: usize) {
        for c in &el.children {
            match c {
                Node::Element(e) => {
                    let pad = " ".repeat(2 * depth);
                    if e.children.is_empty() {
                        lines.push(format!("{prefix} {pad}{}", open_tag(e, false)));
                    } else {
                        lines.push(format!("{prefix} {pad}{}", open_tag(e, true)));
                        children(lines, prefix, e, depth + 1);
                        lines.push(format!("{prefix} {pad}</{}>", e.name));
                    }
                }
                Node::Comment(t) => lines.push(format!("{}<!--{t}-->", " ".repeat(2 * depth))),
                Node::Text(_) => {}
            }
        }
    }
    children(lines, &blank, el, 1);
    lines.push(format!("{blank} </{}>", el.name));
}

/// The text lines of `patchset`.
pub fn lines(patchset: &Element) -> Vec<String> {
    let mut out = Vec::new();
    let (del, add) = versions(patchset);
    if add != del {
        out.push(format!(
            "Diff: --- {}.{}.{} {}",
            del[0],
            del[1],
            del[2],
            patchset.attr("format").unwrap_or("(no format)")
        ));
        out.push(format!(
            "Diff: +++ {}.{}.{} {}",
            add[0],
            add[1],
            add[2],
            patchset.attr("digest").unwrap_or("(no digest)")
        ));
    } else if add != [0, 0, 0] {
        out.push(format!(
            "Local-only Change: {}.{}.{}",
            add[0], add[1], add[2]
        ));
    }
    for change in patchset.children_named("change") {
        let path = change.attr("path").unwrap_or_default();
        match change.attr("operation") {
            Some("create") => {
                for c in change.elements() {
                    show_created(&mut out, &format!("++ {path}: "), c);
                }
            }
            Some("move") => out.push(format!(
                "+~ {path} moved to offset {}",
                change.attr("position").unwrap_or_default()
            )),
            Some("modify") => {
                let mut set = Vec::new();
                let mut unset = Vec::new();
                for a in change
                    .child("change-list")
                    .iter()
                    .flat_map(|l| l.elements())
                {
                    let name = a.attr("name").unwrap_or_default();
                    match a.attr("operation") {
                        Some("set") => {
                            set.push(format!("@{name}={}", a.attr("value").unwrap_or_default()))
                        }
                        Some("unset") => unset.push(format!("@{name}")),
                        _ => {}
                    }
                }
                if !set.is_empty() {
                    out.push(format!("+  {path}:  {}", set.join(", ")));
                }
                if !unset.is_empty() {
                    out.push(format!("-- {path}:  {}", unset.join(", ")));
                }
            }
            Some("delete") => match change.attr("position").and_then(parse_int) {
                Some(p) if p >= 0 => out.push(format!("-- {path} ({p})")),
                _ => out.push(format!("-- {path}")),
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;

    #[test]
    fn pacemaker_layout() {
        let p = parse(r#"<diff format="2"><version><source admin_epoch="1" epoch="1" num_updates="173"/><target admin_epoch="1" epoch="4" num_updates="1"/></version><change operation="delete" path="/cib/configuration/op_defaults"/><change operation="modify" path="/cib"><change-list><change-attr name="epoch" operation="set" value="4"/><change-attr name="num_updates" operation="set" value="1"/></change-list><change-result><cib/></change-result></change><change operation="create" path="/cib/configuration/resources" position="9"><primitive id="dummy1" class="ocf"><operations><op id="o"/></operations></primitive></change></diff>"#).unwrap();
        assert_eq!(
            lines(&p),
            vec![
                "Diff: --- 1.1.173 2",
                "Diff: +++ 1.4.1 (no digest)",
                "-- /cib/configuration/op_defaults",
                "+  /cib:  @epoch=4, @num_updates=1",
                "++ /cib/configuration/resources:  <primitive id=\"dummy1\" class=\"ocf\"/>",
                "++                                  <operations>",
                "++                                    <op id=\"o\"/>",
                "++                                  </operations>",
                "++                                </primitive>",
            ]
        );
    }
}
