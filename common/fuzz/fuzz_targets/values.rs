//! Fuzzes the value parsers (scores, intervals, ranges, versions).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_common::score::Score;
use pcmk_common::values;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = Score::parse(s);
    let _ = values::parse_interval_spec(Some(s));
    let _ = values::get_msec(s);
    let _ = values::parse_ll_range(s);
    let _ = values::compare_versions(Some(s), Some("3.0.2"));
    let _ = values::scan_double(s);
});
