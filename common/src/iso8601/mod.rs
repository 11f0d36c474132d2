//! ISO 8601 dates, durations and periods, read and written the way
//! Pacemaker's `crm_time` functions (`lib/common/iso8601.c`) and its
//! `iso8601` tool do.
//!
//! * [`DateTime`]: `2019-12-01 13:12:11`, `20191201T131211-05:00`,
//!   `2005-040` (ordinal), `2009-W53-7` (ISO week), `epoch`; compared by UTC
//!   instant, with date arithmetic ([`DateTime::add`]) that clamps to the
//!   end of shorter months as Pacemaker does.
//! * [`Duration`]: `P1Y2M3DT4H5M6S`, `PT30S`, `P2W`, negative amounts.
//! * [`Period`]: `start/end`, `start/duration`, `duration/end`.
//! * [`TimeFormat`]: the display flags (date, time, zone, ordinal, week,
//!   seconds, epoch, duration).
//!
//! Parsing is pure: the current time and the local UTC offset, needed for a
//! time without an offset or a time without a date, come from a
//! [`LocalTime`] the caller passes ([`LocalTime::system`] reads the
//! machine's). Errors carry Pacemaker's message text and the name of the
//! upstream function that reports it.
//!
//! Deviations: none known in results. Upstream quirks kept on purpose: a
//! sum landing exactly on midnight shows as `24:00:00` of the same day, and
//! `P1Y` and `P1D` count as 0 seconds in [`Duration::total_seconds`]
//! (so in interval specifications too).

mod calendar;
mod clock;
mod datetime;
mod duration;
mod error;
mod format;
mod parse;
mod period;
mod scan;
mod time;

pub use datetime::DateTime;
pub use duration::Duration;
pub use error::Iso8601Error;
pub use format::TimeFormat;
pub use period::Period;

/// The current time and the local offset from UTC, used to complete
/// times that lack a date or an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    pub now: i64,
    /// Seconds east of UTC of the local time zone.
    pub offset: i32,
}

impl LocalTime {
    /// The Unix epoch, in UTC.
    pub const UTC_EPOCH: LocalTime = LocalTime { now: 0, offset: 0 };

    /// A fixed moment (seconds since the epoch) in UTC.
    pub fn utc(now: i64) -> LocalTime {
        LocalTime { now, offset: 0 }
    }
}

#[cfg(test)]
mod proptests;
