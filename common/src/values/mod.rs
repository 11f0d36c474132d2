//! Pacemaker's parsers of configuration values: integers the way `strtoll`
//! reads them, booleans, time intervals and durations in milliseconds,
//! version strings and integer ranges.
//!
//! Pacemaker reads most values leniently (leading white space is skipped,
//! trailing garbage after a number is ignored, out-of-range numbers are
//! clipped); these functions keep that behaviour so that a configuration
//! means the same thing here as it does upstream.

mod boolean;
mod int;
mod interval;
mod number;
mod version;

pub use boolean::{is_true, parse_bool};
pub use int::{IntError, Scanned, parse_ll_range, scan_ll, scan_min_int, strtoll};
pub use interval::{DurationError, get_msec, parse_interval_spec, parse_ms, readable_interval};
pub use number::{scan_double, strtod_prefix};
pub use version::compare_versions;

#[cfg(test)]
mod proptests;
