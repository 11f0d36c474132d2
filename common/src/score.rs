//! Scores: integers bounded by ±1,000,000, where the bounds mean
//! `INFINITY` and `-INFINITY`, as Pacemaker uses for placement, ordering and
//! colocation decisions.

use std::fmt;
use std::ops::{Add, AddAssign};
use std::str::FromStr;

use crate::values::{IntError, scan_ll};

/// The numeric value of `INFINITY` (`PCMK_SCORE_INFINITY`).
pub const SCORE_INFINITY: i32 = 1_000_000;

/// A score, always within `-INFINITY..=INFINITY`.
///
/// Addition follows `pcmk__add_scores`: `-INFINITY` wins over everything,
/// then `INFINITY`, and finite sums are clipped to the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Score(i32);

/// Why a score could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a valid score")]
pub struct ScoreError(pub String);

/// The scores node health colours stand for (`node-health-red`,
/// `node-health-yellow`, `node-health-green`); Pacemaker's default for all
/// three is 0 until the scheduler reads the cluster options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HealthScores {
    /// Score of `red`.
    pub red: Score,
    /// Score of `yellow`.
    pub yellow: Score,
    /// Score of `green`.
    pub green: Score,
}

impl Score {
    /// `INFINITY`.
    pub const INFINITY: Score = Score(SCORE_INFINITY);
    /// `-INFINITY`.
    pub const MINUS_INFINITY: Score = Score(-SCORE_INFINITY);
    /// Zero.
    pub const ZERO: Score = Score(0);

    /// A score from any integer, clipped to the bounds.
    pub fn new(value: i64) -> Score {
        let clipped = value.clamp(-i64::from(SCORE_INFINITY), i64::from(SCORE_INFINITY));
        Score(i32::try_from(clipped).unwrap_or(0))
    }

    /// The numeric value (±1,000,000 for the infinities).
    pub fn value(self) -> i32 {
        self.0
    }

    /// Whether this is `INFINITY`.
    pub fn is_infinity(self) -> bool {
        self.0 >= SCORE_INFINITY
    }

    /// Whether this is `-INFINITY`.
    pub fn is_minus_infinity(self) -> bool {
        self.0 <= -SCORE_INFINITY
    }

    /// Reads a score as `pcmk_parse_score` does, with `red`/`yellow`/`green`
    /// as 0: `INFINITY`, `+INFINITY`, `-INFINITY` (exact case), or an integer
    /// (trailing characters ignored, clipped to the bounds).
    pub fn parse(text: &str) -> Result<Score, ScoreError> {
        Score::parse_with_health(text, &HealthScores::default())
    }

    /// Like [`Score::parse`], with the scores node health colours stand for.
    pub fn parse_with_health(text: &str, health: &HealthScores) -> Result<Score, ScoreError> {
        if is_minus_infinity(text) {
            return Ok(Score::MINUS_INFINITY);
        }
        if is_infinity(text) {
            return Ok(Score::INFINITY);
        }
        if text.eq_ignore_ascii_case("red") {
            return Ok(health.red);
        }
        if text.eq_ignore_ascii_case("yellow") {
            return Ok(health.yellow);
        }
        if text.eq_ignore_ascii_case("green") {
            return Ok(health.green);
        }
        match scan_ll(text) {
            Ok(v) | Err(IntError::Overflow(v)) => Ok(Score::new(v)),
            Err(_) => Err(ScoreError(text.to_string())),
        }
    }

    /// Reads a score, using `default` when it is missing or invalid, as
    /// `char2score` (default 0) and `pcmk__xe_get_score` do.
    pub fn parse_or(text: Option<&str>, default: Score) -> Score {
        text.and_then(|t| Score::parse(t).ok()).unwrap_or(default)
    }
}

/// Whether `text` is `INFINITY` or `+INFINITY` (`pcmk_str_is_infinity`).
pub fn is_infinity(text: &str) -> bool {
    text == "INFINITY" || text == "+INFINITY"
}

/// Whether `text` is `-INFINITY` (`pcmk_str_is_minus_infinity`).
pub fn is_minus_infinity(text: &str) -> bool {
    text == "-INFINITY"
}

impl Add for Score {
    type Output = Score;

    fn add(self, other: Score) -> Score {
        if self.is_minus_infinity() || other.is_minus_infinity() {
            return Score::MINUS_INFINITY;
        }
        if self.is_infinity() || other.is_infinity() {
            return Score::INFINITY;
        }
        Score::new(i64::from(self.0) + i64::from(other.0))
    }
}

impl AddAssign for Score {
    fn add_assign(&mut self, other: Score) {
        *self = *self + other;
    }
}

impl FromStr for Score {
    type Err = ScoreError;

    fn from_str(s: &str) -> Result<Score, ScoreError> {
        Score::parse(s)
    }
}

impl From<i32> for Score {
    fn from(v: i32) -> Score {
        Score::new(i64::from(v))
    }
}

impl fmt::Display for Score {
    /// `INFINITY`, `-INFINITY` or the number (`pcmk_readable_score`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_infinity() {
            f.write_str("INFINITY")
        } else if self.is_minus_infinity() {
            f.write_str("-INFINITY")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_scores() {
        let ok: &[(&str, i32)] = &[
            ("INFINITY", SCORE_INFINITY),
            ("+INFINITY", SCORE_INFINITY),
            ("-INFINITY", -SCORE_INFINITY),
            ("100", 100),
            ("-100", -100),
            ("  42abc", 42),
            ("2000000", SCORE_INFINITY),
            ("-2000000", -SCORE_INFINITY),
            ("99999999999999999999", SCORE_INFINITY),
            ("red", 0),
            ("GREEN", 0),
        ];
        for (text, want) in ok {
            assert_eq!(Score::parse(text).map(Score::value), Ok(*want), "{text}");
        }
        for bad in ["infinity", "abc", "", "Infinity"] {
            assert!(Score::parse(bad).is_err(), "{bad}");
        }
        let health = HealthScores {
            red: Score::MINUS_INFINITY,
            yellow: Score::new(-10),
            green: Score::new(5),
        };
        assert_eq!(
            Score::parse_with_health("red", &health),
            Ok(Score::MINUS_INFINITY)
        );
        assert_eq!(
            Score::parse_with_health("Yellow", &health),
            Ok(Score::new(-10))
        );
        assert_eq!(Score::parse_or(Some("x"), Score::new(7)), Score::new(7));
        assert_eq!(Score::parse_or(None, Score::ZERO), Score::ZERO);
    }

    #[test]
    fn add_scores() {
        let inf = Score::INFINITY;
        let minf = Score::MINUS_INFINITY;
        let cases = [
            (Score::new(1), Score::new(2), Score::new(3)),
            (inf, minf, minf),
            (minf, inf, minf),
            (inf, Score::new(-5), inf),
            (Score::new(999_999), Score::new(1), inf),
            (Score::new(-999_999), Score::new(-1), minf),
            (Score::new(600_000), Score::new(600_000), inf),
            (
                Score::new(500_000),
                Score::new(-700_000),
                Score::new(-200_000),
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(a + b, want, "{a} + {b}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(Score::INFINITY.to_string(), "INFINITY");
        assert_eq!(Score::MINUS_INFINITY.to_string(), "-INFINITY");
        assert_eq!(Score::new(-12).to_string(), "-12");
        assert_eq!("5".parse::<Score>(), Ok(Score::new(5)));
    }
}
