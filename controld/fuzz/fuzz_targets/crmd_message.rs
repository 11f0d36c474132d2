//! Decodes arbitrary bytes as a controller message from CPG `crmd`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_controld::core::message::Envelope;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(e) = Envelope::decode(text) {
            let again = Envelope::decode(&e.encode()).expect("re-decodes");
            assert_eq!(again, e);
        }
    }
});
