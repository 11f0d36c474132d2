//! Name/value blocks (`meta_attributes`, `instance_attributes`,
//! `utilization`, `cluster_property_set`): which blocks apply, in which
//! order, and which value wins.
//!
//! Blocks are taken highest score first (a named block first of all); the
//! first block to set a name wins. Rules inside blocks are evaluated by
//! [`crate::rules_input`].

use std::collections::HashMap;

use pcmk_common::xml::Element;

use crate::rules_input::RuleInput;
use crate::values::score_or;

/// Resolves an `id-ref` against the whole document.
pub fn resolve_idref<'a>(el: &'a Element, doc: &'a Element) -> Option<&'a Element> {
    match el.attr("id-ref") {
        Some(r) => doc
            .descendants()
            .find(|e| e.name == el.name && e.id() == Some(r)),
        None => Some(el),
    }
}

/// Unpacks every `set_name` child block of `xml` into `values` without
/// overwriting names already set.
pub fn unpack_blocks(
    xml: &Element,
    set_name: &str,
    first_id: Option<&str>,
    input: &RuleInput<'_>,
    values: &mut HashMap<String, String>,
    doc: &Element,
) {
    let mut blocks: Vec<&Element> = xml
        .children_named(set_name)
        .filter_map(|b| resolve_idref(b, doc))
        .collect();
    // Stable sort: first_id first, then higher score first
    blocks.sort_by(|a, b| {
        let a_first = first_id.is_some() && a.id() == first_id;
        let b_first = first_id.is_some() && b.id() == first_id;
        if a_first != b_first {
            return b_first.cmp(&a_first);
        }
        let sa = score_or(a.attr("score"), 0);
        let sb = score_or(b.attr("score"), 0);
        sb.cmp(&sa)
    });
    for block in blocks {
        if let Some(rule) = block.child("rule") {
            if !input.evaluate(rule) {
                continue;
            }
        }
        for pair in block.children_named("nvpair") {
            let Some(pair) = resolve_idref(pair, doc) else {
                continue;
            };
            let (Some(name), Some(value)) = (pair.attr("name"), pair.attr("value")) else {
                continue;
            };
            if value.eq_ignore_ascii_case("#default") {
                values.remove(name);
            } else if !values.contains_key(name) {
                values.insert(name.to_string(), value.to_string());
            }
        }
    }
}

/// Like [`unpack_blocks`] but keeps the document order of names, for
/// utilization and other lists printed in order.
pub fn unpack_blocks_ordered(
    xml: &Element,
    set_name: &str,
    input: &RuleInput<'_>,
    doc: &Element,
) -> Vec<(String, String)> {
    let mut map = HashMap::new();
    unpack_blocks(xml, set_name, None, input, &mut map, doc);
    let mut out: Vec<(String, String)> = map.into_iter().collect();
    out.sort();
    out
}
