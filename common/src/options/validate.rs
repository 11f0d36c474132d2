//! Pacemaker's checks of option values.

use crate::score::{is_infinity, is_minus_infinity};
use crate::values::{parse_bool, parse_interval_spec, scan_ll, strtod_prefix};

/// A check of an option value (the `pcmk__valid_*` functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Validator {
    /// A boolean (`true`, `on`, `yes`, `y`, `1`, `false`, ...).
    Boolean,
    /// An interval specification (`10s`, `5min`, `PT1H`, plain seconds).
    IntervalSpec,
    /// An integer (trailing text ignored) or ±`INFINITY`.
    Int,
    /// An integer above 0 or `INFINITY`.
    PositiveInt,
    /// `stop`, `freeze`, `ignore`, `demote`, `fence` or `suicide`
    /// (case-insensitive).
    NoQuorumPolicy,
    /// A non-negative number optionally followed by `%...`.
    Percentage,
    /// `default`, `utilization`, `minimal` or `balanced` (case-insensitive).
    PlacementStrategy,
    /// `off` or `reboot` (exact case).
    FencingAction,
    /// `none`, `custom`, `only-green`, `progressive` or `migrate-on-red`
    /// (case-insensitive).
    HealthStrategy,
    /// A TCP port: an integer from 0 to 65535.
    Port,
    /// An integer of at least 0.
    NonNegativeInt,
}

fn any_case(value: &str, allowed: &[&str]) -> bool {
    allowed.iter().any(|a| a.eq_ignore_ascii_case(value))
}

impl Validator {
    /// Whether `value` passes this check.
    pub fn check(self, value: &str) -> bool {
        match self {
            Validator::Boolean => parse_bool(value).is_some(),
            Validator::IntervalSpec => parse_interval_spec(Some(value)).is_ok(),
            Validator::Int => {
                is_infinity(value) || is_minus_infinity(value) || scan_ll(value).is_ok()
            }
            Validator::PositiveInt => is_infinity(value) || scan_ll(value).is_ok_and(|n| n > 0),
            Validator::NoQuorumPolicy => any_case(
                value,
                &["stop", "freeze", "ignore", "demote", "fence", "suicide"],
            ),
            Validator::Percentage => {
                // strtof: the number may be absent (then 0), and what
                // follows must start with '%' or be nothing.
                let (number, rest) = strtod_prefix(value).unwrap_or((0.0, value));
                (rest.is_empty() || rest.starts_with('%')) && number >= 0.0
            }
            Validator::PlacementStrategy => {
                any_case(value, &["default", "utilization", "minimal", "balanced"])
            }
            Validator::FencingAction => value == "off" || value == "reboot",
            Validator::HealthStrategy => any_case(
                value,
                &[
                    "none",
                    "custom",
                    "only-green",
                    "progressive",
                    "migrate-on-red",
                ],
            ),
            Validator::Port => scan_ll(value).is_ok_and(|n| (0..=65_535).contains(&n)),
            Validator::NonNegativeInt => scan_ll(value).is_ok_and(|n| n >= 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        let cases: &[(Validator, &str, bool)] = &[
            (Validator::Boolean, "yes", true),
            (Validator::Boolean, "maybe", false),
            (Validator::IntervalSpec, "15min", true),
            (Validator::IntervalSpec, "PT1H", true),
            (Validator::IntervalSpec, "-1", false),
            (Validator::IntervalSpec, "soon", false),
            (Validator::Int, "-INFINITY", true),
            (Validator::Int, "12abc", true),
            (Validator::Int, "abc", false),
            (Validator::PositiveInt, "INFINITY", true),
            (Validator::PositiveInt, "0", false),
            (Validator::PositiveInt, "-INFINITY", false),
            (Validator::NoQuorumPolicy, "Freeze", true),
            (Validator::NoQuorumPolicy, "suicide", true),
            (Validator::NoQuorumPolicy, "panic", false),
            (Validator::Percentage, "80%", true),
            (Validator::Percentage, "80", true),
            (Validator::Percentage, "-1%", false),
            (Validator::Percentage, "80x", false),
            (Validator::PlacementStrategy, "Balanced", true),
            (Validator::PlacementStrategy, "random", false),
            (Validator::FencingAction, "reboot", true),
            (Validator::FencingAction, "Reboot", false),
            (Validator::FencingAction, "poweroff", false),
            (Validator::HealthStrategy, "migrate-on-red", true),
            (Validator::HealthStrategy, "green", false),
            (Validator::Port, "3121", true),
            (Validator::Port, "70000", false),
            (Validator::NonNegativeInt, "0", true),
            (Validator::NonNegativeInt, "-1", false),
        ];
        for (v, value, want) in cases {
            assert_eq!(v.check(value), *want, "{v:?} {value}");
        }
    }
}
