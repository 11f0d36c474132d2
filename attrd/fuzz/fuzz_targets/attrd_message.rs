//! Decodes arbitrary bytes as an attribute manager message from CPG
//! `attrd`, and feeds what decodes to a node.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_attrd::core::{AttrdMessage, Attrd, Event};
use pcmk_controld::core::time::Timestamp;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok((from, message)) = AttrdMessage::decode(text) else { return };
    let mut node = Attrd::new("n1", 1);
    node.handle(Timestamp::ZERO, Event::Message { from, message });
    let _ = node.take_commands();
});
