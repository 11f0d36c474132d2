//! What rules are evaluated against, and the evaluation hook.
//!
//! Rule evaluation itself belongs to `pcmk_common::rules` (branch
//! `rules`); until it lands, a rule is treated as not passing, so blocks and
//! location rules that depend on one are skipped.

use std::collections::HashMap;

use pcmk_common::xml::Element;

/// The context a rule is evaluated in.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleInput<'a> {
    /// Effective time (epoch seconds).
    pub now: i64,
    /// Attributes of the node, for node expressions.
    pub node_attrs: Option<&'a HashMap<String, String>>,
    /// Resource class, for rsc expressions.
    pub rsc_standard: Option<&'a str>,
    /// Resource provider.
    pub rsc_provider: Option<&'a str>,
    /// Resource agent.
    pub rsc_agent: Option<&'a str>,
    /// Operation name, for op expressions.
    pub op_name: Option<&'a str>,
    /// Operation interval.
    pub op_interval_ms: u64,
}

impl RuleInput<'_> {
    /// Whether `rule` passes in this context.
    pub fn evaluate(&self, rule: &Element) -> bool {
        let _ = rule;
        false
    }
}
