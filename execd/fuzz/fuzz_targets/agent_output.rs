//! Resource agent output: captured streams with exit reasons, and LSB
//! init script headers turned into meta-data.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut c = pcmk_execd::output::Captured::new(4096);
    for chunk in data.chunks(97) {
        c.push(chunk);
    }
    let _ = c.exit_reason();
    let script = String::from_utf8_lossy(data);
    let md = pcmk_execd::lsb::metadata("fuzz", &script);
    assert!(pcmk_common::xml::parse(&md).is_ok());
});
