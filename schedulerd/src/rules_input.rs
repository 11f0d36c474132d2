//! What rules are evaluated against, and the evaluation itself (through
//! `pcmk_common::rules`).

use std::collections::HashMap;

use pcmk_common::iso8601::{DateTime, LocalTime};
use pcmk_common::rules::{self, Evaluator, RegexMatch};
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
    /// Resource parameters, for value-source="param".
    pub rsc_params: Option<&'a HashMap<String, String>>,
    /// Resource meta-attributes, for value-source="meta".
    pub rsc_meta: Option<&'a HashMap<String, String>>,
    /// Resource id matched against a pattern, with its groups.
    pub rsc_id: Option<RegexMatch<'a>>,
    /// Operation name, for op expressions.
    pub op_name: Option<&'a str>,
    /// Operation interval.
    pub op_interval_ms: u64,
}

impl<'a> RuleInput<'a> {
    /// The common rules engine's input.
    pub fn to_common(&self) -> rules::RuleInput<'a> {
        rules::RuleInput {
            now: Some(DateTime::from_epoch(self.now, 0)),
            rsc_standard: self.rsc_standard,
            rsc_provider: self.rsc_provider,
            rsc_agent: self.rsc_agent,
            rsc_params: self.rsc_params.map(|p| p as &dyn rules::Attributes),
            rsc_meta: self.rsc_meta.map(|p| p as &dyn rules::Attributes),
            node_attrs: self.node_attrs.map(|p| p as &dyn rules::Attributes),
            op_name: self.op_name,
            op_interval_ms: u32::try_from(self.op_interval_ms).unwrap_or(u32::MAX),
            rsc_id: self.rsc_id,
        }
    }

    /// An evaluator for this input, resolving id-refs in `doc`.
    pub fn evaluator(&self, doc: &'a Element) -> Evaluator<'a> {
        Evaluator::new(self.to_common(), doc).with_local_time(LocalTime::utc(self.now))
    }

    /// Whether `rule` passes in this context; records the time the result
    /// may change in `next_change`.
    pub fn evaluate(
        &self,
        rule: &Element,
        doc: &'a Element,
        next_change: &mut Option<i64>,
    ) -> bool {
        let mut ev = self.evaluator(doc);
        let passed = ev.rule(rule).passed();
        note_change(next_change, ev.next_change());
        passed
    }
}

/// Keeps the earliest future change time.
pub fn note_change(slot: &mut Option<i64>, change: Option<DateTime>) {
    if let Some(t) = change {
        let t = t.epoch_seconds();
        if slot.is_none_or(|s| t < s) {
            *slot = Some(t);
        }
    }
}
