//! The machine's clock and time zone, the only input of this module that
//! does not come from its caller.

use super::LocalTime;

impl LocalTime {
    /// The current time and the system time zone's current offset (from
    /// `TZ` or `/etc/localtime`), falling back to UTC when the zone cannot
    /// be determined.
    pub fn system() -> LocalTime {
        let zoned = jiff::Zoned::now();
        LocalTime {
            now: zoned.timestamp().as_second(),
            offset: zoned.offset().seconds(),
        }
    }
}
