//! Fuzzes the ISO 8601 readers and what is done with their results.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_common::iso8601::{DateTime, Duration, LocalTime, Period, TimeFormat};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let local = LocalTime { now: 1_700_000_000, offset: 3600 };
    if let Ok(d) = DateTime::parse_at(s, &local) {
        let _ = d.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WEEKS);
        let _ = d.epoch_seconds();
    }
    if let Ok(d) = Duration::parse(s) {
        let _ = d.to_string();
        let _ = DateTime::from_epoch(0, 0).add(&d);
    }
    let _ = Period::parse_at(s, &local);
});
