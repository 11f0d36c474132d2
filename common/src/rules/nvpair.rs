//! Name/value sets (`instance_attributes`, `meta_attributes`,
//! `utilization`, `cluster_property_set`...) evaluated into a table, as
//! `pcmk__unpack_nvpair_blocks` does.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use super::eval::Evaluator;
use super::idref::resolve_idref;
use crate::score::Score;
use crate::xml::Element;

/// A table name/value pairs are unpacked into.
pub trait ValueTable {
    /// The value of `name`, if set.
    fn value(&self, name: &str) -> Option<&str>;
    /// Sets `name` to `value`.
    fn set(&mut self, name: &str, value: &str);
    /// Removes `name`.
    fn unset(&mut self, name: &str);
}

impl<S: BuildHasher> ValueTable for HashMap<String, String, S> {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
    fn set(&mut self, name: &str, value: &str) {
        self.insert(name.to_string(), value.to_string());
    }
    fn unset(&mut self, name: &str) {
        self.remove(name);
    }
}

impl ValueTable for BTreeMap<String, String> {
    fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
    fn set(&mut self, name: &str, value: &str) {
        self.insert(name.to_string(), value.to_string());
    }
    fn unset(&mut self, name: &str) {
        self.remove(name);
    }
}

impl Evaluator<'_> {
    /// The score of a block (`pcmk__xe_get_score`, 0 when missing or
    /// invalid, with a warning for invalid).
    fn block_score(&mut self, block: &Element) -> Score {
        let Some(s) = block.attr("score") else {
            return Score::ZERO;
        };
        match Score::parse(s) {
            Ok(score) => score,
            Err(_) => {
                self.config_warn(format!(
                    "Using 0 as {} score because '{s}' is not a valid score: Bad input value provided",
                    block.id().unwrap_or("(null)")
                ));
                Score::ZERO
            }
        }
    }

    /// Unpacks the name/value blocks that are children of `xml` into
    /// `values`.
    ///
    /// Only blocks named `element_name` are used when it is given. A block
    /// with an `id-ref` stands for the block it names. Blocks are taken in
    /// order of priority: the block whose ID is `first_id` first, then by
    /// `score`, highest first; among equal scores the block later in the
    /// document comes first, as upstream. A block whose `rule` does not
    /// pass is skipped. A name already in `values` keeps its value (so the
    /// first block to set a name wins), and the value `#default` removes
    /// the name instead (deprecated upstream).
    pub fn unpack_nvpair_blocks(
        &mut self,
        xml: &Element,
        element_name: Option<&str>,
        first_id: Option<&str>,
        values: &mut dyn ValueTable,
    ) {
        let refs = self.refs();
        let mut blocks: Vec<&Element> = Vec::new();
        for child in xml.elements() {
            if element_name.is_some_and(|n| n != child.name) {
                continue;
            }
            match resolve_idref(child, refs) {
                Ok(block) => blocks.push(block),
                Err(r) => self.config_err(format!(
                    "Ignoring invalid {} configuration: id-ref '{r}' does not reference a valid object",
                    child.name
                )),
            }
        }
        blocks.reverse();
        let mut keyed: Vec<(bool, Score, &Element)> = Vec::with_capacity(blocks.len());
        for block in blocks {
            let is_first = first_id.is_some() && block.id() == first_id;
            let score = self.block_score(block);
            keyed.push((is_first, score, block));
        }
        // Stable: ties keep the (reversed) document order.
        keyed.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        for (_, _, block) in keyed {
            self.unpack_nvpair_block(block, values);
        }
    }

    /// Unpacks one block, if its rule (its first `rule` child) passes
    /// (`pcmk__unpack_nvpair_block`).
    pub fn unpack_nvpair_block(&mut self, block: &Element, values: &mut dyn ValueTable) {
        if let Some(rule) = block.child("rule") {
            if !self.rule(rule).passed() {
                return;
            }
        }
        // Legacy form: the pairs inside an <attributes> child.
        let holder = match block.elements().next() {
            Some(first) if first.name == "attributes" => first,
            _ => block,
        };
        let refs = self.refs();
        for child in holder.children_named("nvpair") {
            let Ok(pair) = resolve_idref(child, refs) else {
                if let Some(r) = child.attr("id-ref") {
                    self.config_err(format!(
                        "Ignoring invalid nvpair configuration: id-ref '{r}' does not reference a valid object"
                    ));
                }
                continue;
            };
            let (Some(name), Some(value)) = (pair.attr("name"), pair.attr("value")) else {
                continue;
            };
            if value.eq_ignore_ascii_case("#default") {
                self.config_warn(format!(
                    "Support for setting meta-attributes (such as {name}) to the explicit value '#default' is deprecated and will be removed in a future release"
                ));
                values.unset(name);
            } else if values.value(name).is_none() {
                values.set(name, value);
            }
        }
    }
}
