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
