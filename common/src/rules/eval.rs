//! The evaluator: rules and the dispatch of their conditions.

use super::compare::Combine;
use super::idref::{IdRefs, resolve_idref};
use super::input::RuleInput;
use super::{ConfigMessage, Outcome, Severity};
use crate::iso8601::{DateTime, LocalTime};
use crate::xml::Element;

/// Evaluates rules against one [`RuleInput`], keeping the earliest time a
/// result may change and the configuration messages raised.
pub struct Evaluator<'a> {
    /// The values conditions are checked against; callers may change it
    /// between evaluations (for example the node attributes, node by node).
    pub input: RuleInput<'a>,
    /// Local time zone and current time, for dates in rules given without
    /// an offset or without a date.
    pub local: LocalTime,
    refs: &'a dyn IdRefs,
    next_change: Option<DateTime>,
    messages: Vec<ConfigMessage>,
}

/// What kind of condition an element is (`pcmk__condition_type`).
enum ConditionKind {
    Rule,
    Attribute,
    Date,
    Resource,
    Operation,
    Unknown,
}

fn condition_kind(xml: &Element) -> ConditionKind {
    match xml.name.as_str() {
        "date_expression" => ConditionKind::Date,
        "rsc_expression" => ConditionKind::Resource,
        "op_expression" => ConditionKind::Operation,
        "rule" => ConditionKind::Rule,
        // Node attribute and location (#uname, #kind, #id) expressions are
        // evaluated alike.
        "expression" => ConditionKind::Attribute,
        _ => ConditionKind::Unknown,
    }
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `input`, resolving `id-ref`s with `refs`.
    pub fn new(input: RuleInput<'a>, refs: &'a dyn IdRefs) -> Evaluator<'a> {
        Evaluator {
            input,
            local: LocalTime::UTC_EPOCH,
            refs,
            next_change: None,
            messages: Vec::new(),
        }
    }

    /// Sets the local time used for dates without an offset.
    #[must_use]
    pub fn with_local_time(mut self, local: LocalTime) -> Evaluator<'a> {
        self.local = local;
        self
    }

    /// The earliest time at which a date-based result seen so far could
    /// change, if any (the scheduler rechecks then).
    pub fn next_change(&self) -> Option<DateTime> {
        self.next_change
    }

    /// The configuration errors and warnings raised so far.
    pub fn messages(&self) -> &[ConfigMessage] {
        &self.messages
    }

    /// Takes the configuration messages raised so far.
    pub fn take_messages(&mut self) -> Vec<ConfigMessage> {
        std::mem::take(&mut self.messages)
    }

    pub(crate) fn refs(&self) -> &'a dyn IdRefs {
        self.refs
    }

    pub(crate) fn config_err(&mut self, text: String) {
        self.messages.push(ConfigMessage {
            severity: Severity::Error,
            text,
        });
    }

    pub(crate) fn config_warn(&mut self, text: String) {
        self.messages.push(ConfigMessage {
            severity: Severity::Warning,
            text,
        });
    }

    /// Records `t` as a time the result may change, if earlier than the one
    /// known (`pcmk__set_time_if_earlier`).
    pub(crate) fn note_change(&mut self, t: DateTime) {
        if self.next_change.is_none_or(|known| t < known) {
            self.next_change = Some(t);
        }
    }

    /// Evaluates a rule and all its conditions (`pcmk_evaluate_rule`):
    /// [`Outcome::Satisfied`] or [`Outcome::Unsatisfied`], or
    /// [`Outcome::Invalid`] for a rule that cannot be evaluated.
    pub fn rule(&mut self, rule: &Element) -> Outcome {
        let refs = self.refs;
        let rule = match resolve_idref(rule, refs) {
            Ok(r) => r,
            Err(r) => {
                self.config_err(format!(
                    "Ignoring invalid rule configuration: id-ref '{r}' does not reference a valid object"
                ));
                return Outcome::Invalid;
            }
        };
        let Some(id) = rule.id().filter(|id| !id.is_empty()) else {
            self.config_err("Treating rule without id as not passing".to_string());
            return Outcome::Invalid;
        };
        let op = rule.attr("boolean-op");
        let Some(combine) = Combine::parse(op) else {
            self.config_err(format!(
                "Treating rule {id} as not passing because '{}' is not a valid boolean-op",
                op.unwrap_or("")
            ));
            return Outcome::Invalid;
        };
        let mut result = match combine {
            Combine::And => Outcome::Satisfied,
            Combine::Or => Outcome::Unsatisfied,
        };
        let mut empty = true;
        for condition in rule.elements() {
            empty = false;
            let passed = self.condition(condition).passed();
            match (combine, passed) {
                (Combine::Or, true) => {
                    result = Outcome::Satisfied;
                    break;
                }
                (Combine::And, false) => {
                    result = Outcome::Unsatisfied;
                    break;
                }
                _ => {}
            }
        }
        if empty {
            self.config_warn(format!(
                "Ignoring rule {id} because it contains no conditions"
            ));
            result = Outcome::Satisfied;
        }
        result
    }

    /// Evaluates one condition of a rule (`pcmk__evaluate_condition`); a
    /// date expression in range counts as [`Outcome::Satisfied`].
    pub fn condition(&mut self, condition: &Element) -> Outcome {
        match condition_kind(condition) {
            ConditionKind::Rule => self.rule(condition),
            ConditionKind::Attribute => self.attr_expression(condition),
            ConditionKind::Date => match self.date_expression(condition) {
                Outcome::InRange => Outcome::Satisfied,
                other => other,
            },
            ConditionKind::Resource => self.rsc_expression(condition),
            ConditionKind::Operation => self.op_expression(condition),
            ConditionKind::Unknown => {
                self.config_err(format!(
                    "Treating rule condition {} as not passing because {} is not a valid condition type",
                    condition.id().unwrap_or("without ID"),
                    condition.name
                ));
                Outcome::Invalid
            }
        }
    }
}
