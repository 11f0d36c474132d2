//! Name/value blocks (`meta_attributes`, `instance_attributes`,
//! `utilization`, `cluster_property_set`), evaluated with their rules by
//! `pcmk_common::rules`.

use std::collections::HashMap;

use pcmk_common::xml::Element;

use crate::rules_input::{RuleInput, note_change};

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
/// overwriting names already set; returns when the result may change.
pub fn unpack_blocks(
    xml: &Element,
    set_name: &str,
    first_id: Option<&str>,
    input: &RuleInput<'_>,
    values: &mut HashMap<String, String>,
    doc: &Element,
) -> Option<i64> {
    let mut ev = input.evaluator(doc);
    ev.unpack_nvpair_blocks(xml, Some(set_name), first_id, values);
    let mut change = None;
    note_change(&mut change, ev.next_change());
    change
}

/// Like [`unpack_blocks`] but as a sorted list (utilization).
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
