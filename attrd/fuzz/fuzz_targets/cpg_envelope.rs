//! Decodes arbitrary bytes as the daemon receives them from CPG `attrd`
//! (the envelope with destination and sequence number around a message).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = pcmk_attrd::daemon::decode(data) {
        let _ = r.is_for("n1");
    }
});
