//! Pacemaker's rules: conditions in the CIB that make constraints,
//! attribute sets and options apply only at certain times, on certain
//! nodes, or to certain resources and operations (`lib/common/rules.c` and
//! `nvpair.c` of Pacemaker 3.0).
//!
//! A `<rule>` combines conditions with `boolean-op` (`and` by default, or
//! `or`); a condition is a nested `<rule>`, an `<expression>` on a node
//! attribute (`attribute`, `operation`, `value`, `type`, `value-source`), a
//! `<date_expression>` (`in_range` with `start`/`end`/`<duration>`, `gt`,
//! `lt`, `date_spec` with `<date_spec>` ranges), an `<rsc_expression>`
//! (`class`, `provider`, `type`) or an `<op_expression>` (`name`,
//! `interval`). `id-ref` stands for the element with that ID.
//!
//! [`Evaluator`] evaluates against a [`RuleInput`], remembers the earliest
//! time a date-based result could change ([`Evaluator::next_change`], the
//! scheduler's recheck time) and collects the configuration errors and
//! warnings Pacemaker would log ([`ConfigMessage`]). A condition that is
//! invalid does not pass, as upstream.
//!
//! [`Evaluator::unpack_nvpair_blocks`] applies Pacemaker's rules for
//! `instance_attributes`, `meta_attributes`, `utilization`,
//! `cluster_property_set` and defaults: blocks sorted by `score` (highest
//! first, a chosen block before all), each used only if its rule passes,
//! and the first value set for a name wins.
//!
//! Location-constraint concerns (`score`, `score-attribute`, `role` on a
//! rule, `rsc-pattern` matching) belong to the scheduler, which passes the
//! pattern's groups in [`RuleInput::rsc_id`] and may expand them with
//! [`replace_submatches`].
//!
//! Deviations: `moon` in `date_spec` is ignored, as in Pacemaker 3.0.

mod compare;
mod date;
mod eval;
mod expr;
mod idref;
mod input;
mod nvpair;
mod submatch;

#[cfg(test)]
mod tests;

pub use compare::{Combine, Comparison, ValueSource, ValueType, compare_by_type};
pub use eval::Evaluator;
pub use idref::{IdIndex, IdRefs, NoIdRefs, resolve_idref};
pub use input::{Attributes, RegexMatch, RuleInput};
pub use nvpair::ValueTable;
pub use submatch::replace_submatches;

use crate::results::PcmkRc;

/// The result of evaluating a rule or condition (Pacemaker's standard
/// return codes for rule evaluation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The condition holds (`pcmk_rc_ok`).
    Satisfied,
    /// A date expression holds: the time is within its range
    /// (`pcmk_rc_within_range`).
    InRange,
    /// The time is before a date expression's range (`pcmk_rc_before_range`).
    BeforeRange,
    /// The time is after a date expression's range, or a value is above a
    /// `lt`/`lte` reference (`pcmk_rc_after_range`).
    AfterRange,
    /// The condition does not hold (`pcmk_rc_op_unsatisfied`).
    Unsatisfied,
    /// The configuration is invalid (`pcmk_rc_unpack_error`); a
    /// [`ConfigMessage`] says why.
    Invalid,
    /// A number in the configuration is out of range (`ERANGE`).
    OutOfRange,
    /// Something the condition needs was not given, such as the time for a
    /// date expression (`EINVAL`).
    MissingInput,
}

impl Outcome {
    /// Whether the condition passes (satisfied or in range).
    pub fn passed(self) -> bool {
        matches!(self, Outcome::Satisfied | Outcome::InRange)
    }

    /// The Pacemaker standard return code.
    pub fn rc(self) -> i32 {
        const ERANGE: i32 = 34;
        const EINVAL: i32 = 22;
        match self {
            Outcome::Satisfied => 0,
            Outcome::InRange => PcmkRc::WithinRange.code(),
            Outcome::BeforeRange => PcmkRc::BeforeRange.code(),
            Outcome::AfterRange => PcmkRc::AfterRange.code(),
            Outcome::Unsatisfied => PcmkRc::OpUnsatisfied.code(),
            Outcome::Invalid => PcmkRc::UnpackError.code(),
            Outcome::OutOfRange => ERANGE,
            Outcome::MissingInput => EINVAL,
        }
    }
}

/// How serious a configuration problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Pacemaker's `pcmk__config_err`.
    Error,
    /// Pacemaker's `pcmk__config_warn`.
    Warning,
}

/// A configuration problem found while evaluating, worded as Pacemaker
/// logs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConfigMessage {
    /// Error or warning.
    pub severity: Severity,
    /// The message.
    pub text: String,
}
