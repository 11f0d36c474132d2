//! Minimal date handling for `-t` and `execution-date` until
//! `pcmk_common::iso8601` is available.

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats epoch seconds as `YYYY-MM-DD HH:MM:SSZ` (UTC).
pub fn format_epoch(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Parses `YYYY-MM-DD[ T]HH:MM[:SS][Z]`, `YYYY-DDD[THH:MM[:SS]]` or a date
/// alone, as UTC.
pub fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('Z');
    let (date, time) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let days = match parts.as_slice() {
        [y, m, d] => days_from_civil(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        [y, doy] => days_from_civil(y.parse().ok()?, 1, 1) + doy.parse::<i64>().ok()? - 1,
        _ => return None,
    };
    let mut secs = 0;
    if let Some(t) = time {
        let tp: Vec<&str> = t.split(':').collect();
        let h: i64 = tp.first()?.parse().ok()?;
        let mi: i64 = tp.get(1).map_or(Some(0), |v| v.parse().ok())?;
        let se: i64 = tp.get(2).map_or(Some(0), |v| v.parse().ok())?;
        secs = h * 3600 + mi * 60 + se;
    }
    Some(days * 86_400 + secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = parse_datetime("2022-04-01 17:57:38").unwrap();
        assert_eq!(format_epoch(t), "2022-04-01 17:57:38Z");
        assert_eq!(
            parse_datetime("2005-020").unwrap(),
            parse_datetime("2005-01-20").unwrap()
        );
    }
}
