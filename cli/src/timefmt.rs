//! Times printed as Pacemaker's tools print them, in the system's time
//! zone (`TZ` or `/etc/localtime`).

/// `ctime()` without its newline (`pcmk__epoch2str(t, 0)`):
/// `Tue May  5 12:04:36 2020`.
pub fn ctime(epoch: i64) -> String {
    let tz = jiff::tz::TimeZone::system();
    match jiff::Timestamp::from_second(epoch) {
        Ok(ts) => ts.to_zoned(tz).strftime("%a %b %e %H:%M:%S %Y").to_string(),
        Err(_) => epoch.to_string(),
    }
}

/// A local time with its offset (`crm_time_log_date |
/// crm_time_log_timeofday | crm_time_log_with_timezone`):
/// `2020-05-05 12:04:36 +02:00`, or `...Z` at offset zero; with
/// microseconds when `usec` is given.
pub fn log_time_usec(epoch: i64, usec: Option<u32>) -> String {
    let tz = jiff::tz::TimeZone::system();
    let Ok(ts) = jiff::Timestamp::from_second(epoch) else {
        return epoch.to_string();
    };
    let z = ts.to_zoned(tz);
    let mut s = z.strftime("%Y-%m-%d %H:%M:%S").to_string();
    if let Some(u) = usec {
        s.push_str(&format!(".{u:06}"));
    }
    let off = z.offset().seconds();
    if off == 0 {
        s.push('Z');
    } else {
        let a = off.unsigned_abs();
        s.push_str(&format!(
            " {}{:02}:{:02}",
            if off < 0 { '-' } else { '+' },
            a / 3600,
            a % 3600 / 60
        ));
    }
    s
}

/// [`log_time_usec`] without microseconds.
pub fn log_time(epoch: i64) -> String {
    log_time_usec(epoch, None)
}

/// The current time in seconds since the epoch.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let s = ctime(0);
        assert_eq!(s.len(), 24, "{s}");
        assert!(s.ends_with("1970") || s.ends_with("1969"));
    }
}
