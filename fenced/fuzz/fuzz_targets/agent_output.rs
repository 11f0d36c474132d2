//! Fence agent output: `list` output, host maps and meta-data.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = pcmk_fenced::device::parse_targets(&text);
    let _ = pcmk_fenced::device::parse_host_map(&text);
    if let Ok(mut md) = pcmk_common::xml::parse(&text) {
        let _ = pcmk_fenced::metadata::agent_info(&md);
        pcmk_fenced::metadata::fudge(&mut md);
    }
});
