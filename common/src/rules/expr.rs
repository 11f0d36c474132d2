//! Node attribute, resource and operation expressions.

use std::cmp::Ordering;

use super::Outcome;
use super::compare::{Comparison, ValueSource, ValueType, compare_by_type};
use super::eval::Evaluator;
use super::submatch::replace_submatches;
use crate::values::parse_interval_spec;
use crate::xml::Element;

/// Whether `actual` compares to `reference` as `comparison` asks
/// (`evaluate_attr_comparison`).
fn attr_comparison(
    actual: Option<&str>,
    reference: Option<&str>,
    value_type: ValueType,
    comparison: Comparison,
) -> Outcome {
    let ok_if = |b: bool, otherwise: Outcome| if b { Outcome::Satisfied } else { otherwise };
    match comparison {
        Comparison::Defined => return ok_if(actual.is_some(), Outcome::Unsatisfied),
        Comparison::NotDefined => return ok_if(actual.is_none(), Outcome::Unsatisfied),
        _ => {}
    }
    let cmp = compare_by_type(actual, reference, value_type);
    match comparison {
        Comparison::Eq => return ok_if(cmp == Ordering::Equal, Outcome::Unsatisfied),
        Comparison::Ne => return ok_if(cmp != Ordering::Equal, Outcome::Unsatisfied),
        _ => {}
    }
    if actual.is_none() || reference.is_none() {
        return Outcome::Unsatisfied;
    }
    match comparison {
        Comparison::Lt => ok_if(cmp == Ordering::Less, Outcome::AfterRange),
        Comparison::Lte => ok_if(cmp != Ordering::Greater, Outcome::AfterRange),
        Comparison::Gt => ok_if(cmp == Ordering::Greater, Outcome::BeforeRange),
        Comparison::Gte => ok_if(cmp != Ordering::Less, Outcome::BeforeRange),
        _ => Outcome::Unsatisfied,
    }
}

impl Evaluator<'_> {
    /// Evaluates a node attribute `expression`
    /// (`pcmk__evaluate_attr_expression`). `%0`-`%9` in `attribute` are
    /// replaced by the resource ID's pattern groups.
    pub fn attr_expression(&mut self, expr: &Element) -> Outcome {
        let Some(id) = expr.id().filter(|id| !id.is_empty()) else {
            self.config_err("Treating expression without id as not passing".to_string());
            return Outcome::Invalid;
        };
        let Some(attr) = expr.attr("attribute") else {
            self.config_err(format!(
                "Treating expression {id} as not passing because attribute was not specified"
            ));
            return Outcome::Invalid;
        };
        let expanded = replace_submatches(attr, self.input.rsc_id.as_ref());
        let attr = expanded.as_deref().unwrap_or(attr);

        let op = expr.attr("operation");
        let Some(comparison) = op.and_then(Comparison::parse) else {
            match op {
                None => self.config_err(format!(
                    "Treating expression {id} as not passing because it has no operation"
                )),
                Some(o) => self.config_err(format!(
                    "Treating expression {id} as not passing because '{o}' is not a valid operation"
                )),
            }
            return Outcome::Invalid;
        };

        let source_s = expr.attr("value-source");
        let Some(source) = ValueSource::parse(source_s) else {
            self.config_err(format!(
                "Treating expression {id} as not passing because '{}' is not a valid value-source",
                source_s.unwrap_or("")
            ));
            return Outcome::Invalid;
        };

        let value = expr.attr("value");
        let op_s = op.unwrap_or("");
        let reference = match comparison {
            Comparison::Defined | Comparison::NotDefined => {
                if value.is_some() {
                    self.config_err(format!(
                        "Treating expression {id} as not passing because value is not allowed when operation is {op_s}"
                    ));
                    return Outcome::Invalid;
                }
                None
            }
            _ => {
                let Some(value) = value else {
                    self.config_err(format!(
                        "Treating expression {id} as not passing because value is required when operation is {op_s}"
                    ));
                    return Outcome::Invalid;
                };
                match source {
                    ValueSource::Literal => Some(value),
                    ValueSource::Param => self.input.rsc_params.and_then(|t| t.attr(value)),
                    ValueSource::Meta => self.input.rsc_meta.and_then(|t| t.attr(value)),
                }
            }
        };

        let actual = self.input.node_attrs.and_then(|t| t.attr(attr));
        let type_s = expr.attr("type");
        let Some(value_type) = ValueType::parse(type_s, comparison, actual, reference) else {
            self.config_err(format!(
                "Treating expression {id} as not passing because '{}' is not a valid type",
                type_s.unwrap_or("")
            ));
            return Outcome::Invalid;
        };
        attr_comparison(actual, reference, value_type, comparison)
    }

    /// Evaluates an `rsc_expression` (`pcmk__evaluate_rsc_expression`):
    /// each of `class`, `provider` and `type` given must equal the
    /// resource's (case matters).
    pub fn rsc_expression(&mut self, expr: &Element) -> Outcome {
        if expr.id().is_none_or(str::is_empty) {
            self.config_err("Treating rsc_expression without id as not passing".to_string());
            return Outcome::Invalid;
        }
        let checks = [
            ("class", self.input.rsc_standard),
            ("provider", self.input.rsc_provider),
            ("type", self.input.rsc_agent),
        ];
        for (attr, actual) in checks {
            if let Some(wanted) = expr.attr(attr) {
                if actual != Some(wanted) {
                    return Outcome::Unsatisfied;
                }
            }
        }
        Outcome::Satisfied
    }

    /// Evaluates an `op_expression` (`pcmk__evaluate_op_expression`): the
    /// operation name must match, and the interval too when given.
    pub fn op_expression(&mut self, expr: &Element) -> Outcome {
        let Some(id) = expr.id().filter(|id| !id.is_empty()) else {
            self.config_err("Treating op_expression without id as not passing".to_string());
            return Outcome::Invalid;
        };
        let Some(name) = expr.attr("name") else {
            self.config_err(format!(
                "Treating op_expression {id} as not passing because it has no name"
            ));
            return Outcome::Invalid;
        };
        let interval_s = expr.attr("interval");
        let interval_ms = match parse_interval_spec(interval_s) {
            Ok(ms) => ms,
            Err(_) => {
                self.config_err(format!(
                    "Treating op_expression {id} as not passing because '{}' is not a valid interval",
                    interval_s.unwrap_or("")
                ));
                return Outcome::Invalid;
            }
        };
        if self.input.op_name != Some(name) {
            return Outcome::Unsatisfied;
        }
        if interval_s.is_some() && interval_ms != self.input.op_interval_ms {
            return Outcome::Unsatisfied;
        }
        Outcome::Satisfied
    }
}
