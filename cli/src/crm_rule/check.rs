//! Checking one rule of a CIB at a date (`eval_rule` in `pcmk_rule.c`).

use pcmk_common::iso8601::{DateTime, LocalTime};
use pcmk_common::rules::{Evaluator, NoIdRefs, RuleInput};
use pcmk_common::xml::Element;

/// The result of checking a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheck {
    /// A Pacemaker standard return code: 0 (satisfied), within, before or
    /// after range, or an error.
    pub rc: i32,
    /// Why the rule could not be checked, if it could not.
    pub error: Option<String>,
}

const ENXIO: i32 = 6;
const EOPNOTSUPP: i32 = 95;

fn err(rc: i32, message: &str) -> RuleCheck {
    RuleCheck {
        rc,
        error: Some(message.to_string()),
    }
}

/// Checks whether the rule with ID `rule_id` anywhere in `cib` is in effect
/// at `now`. Only a rule with exactly one date expression (at any depth)
/// can be checked; that expression must have an `operation` other than
/// `date_spec`, or be a `date_spec` giving `years`.
pub fn check_rule(cib: &Element, rule_id: &str, now: &DateTime, local: &LocalTime) -> RuleCheck {
    let matching: Vec<&Element> = cib
        .descendants()
        .filter(|e| e.name == "rule" && e.id() == Some(rule_id))
        .collect();
    let rule = match matching.as_slice() {
        [] => return err(ENXIO, "Rule not found"),
        [one] => *one,
        _ => {
            return err(
                pcmk_common::results::PcmkRc::DuplicateId.code(),
                "Found more than one rule with matching ID",
            );
        }
    };
    let dates: Vec<&Element> = rule
        .descendants()
        .skip(1)
        .filter(|e| e.name == "date_expression")
        .collect();
    let expr = match dates.as_slice() {
        [] => return err(EOPNOTSUPP, "Rule does not have a date expression"),
        [one] => *one,
        _ => return err(EOPNOTSUPP, "Rule has more than one date expression"),
    };
    // As upstream's XPath: an absent operation is neither "!= date_spec"
    // nor "= date_spec".
    let supported = match expr.attr("operation") {
        Some("date_spec") => expr.child("date_spec").is_some_and(|s| s.has_attr("years")),
        Some(_) => true,
        None => false,
    };
    if !supported {
        return err(
            EOPNOTSUPP,
            "Rule must either not use date_spec, or use date_spec with years=",
        );
    }
    let input = RuleInput {
        now: Some(*now),
        ..RuleInput::default()
    };
    let mut ev = Evaluator::new(input, &NoIdRefs).with_local_time(*local);
    let outcome = ev.date_expression(expr);
    let rc = outcome.rc();
    if outcome.passed()
        || rc == pcmk_common::results::PcmkRc::BeforeRange.code()
        || rc == pcmk_common::results::PcmkRc::AfterRange.code()
    {
        RuleCheck { rc, error: None }
    } else {
        err(rc, "Error parsing rule")
    }
}
