//! Any bytes as a network packet: opening it in every crypto mode and
//! decoding the totem message inside must never panic, and a state machine
//! fed the result must survive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_corosyncd::config::typed::{Cipher, Hash};
use pcmk_corosyncd::totem::{codec, Input, Timestamp};
use pcmk_corosyncd::wire::{Codec, ReplayGuard};

fuzz_target!(|data: &[u8]| {
    let key = [5u8; 256];
    let mut guard = ReplayGuard::default();
    for (c, h) in [(Cipher::None, Hash::None), (Cipher::Aes256, Hash::Sha256), (Cipher::None, Hash::Sha512)] {
        let codec = Codec::new(c, h, &key, 1, 1);
        if let Ok((pkt, id)) = codec.open(data) {
            let _ = guard.accept(id);
            let _ = codec::decode(&pkt.body);
        }
    }
    if let Ok(msg) = codec::decode(data) {
        let mut sim = pcmk_corosyncd::totem::sim::Sim::new(2, 1, pcmk_corosyncd::totem::sim::sim_timeouts());
        sim.run_for(100);
        if let Some(srp) = sim.nodes[0].srp.as_mut() {
            srp.handle(Timestamp(2_000_000), Input::Packet { from: 2, msg });
            let _ = srp.take_output();
        }
    }
});
