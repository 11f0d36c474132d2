//! Decodes arbitrary bytes as a message from CPG `stonith-ng`, and feeds
//! what decodes to a fencer in a three-node cluster.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_fenced::core::{Fencer, Now};

fuzz_target!(|data: &[u8]| {
    let Ok(r) = pcmk_fenced::wire::decode(data) else {
        return;
    };
    let now = Now {
        mono_ms: 0,
        epoch: (1_700_000_000, 0),
    };
    let mut f = Fencer::new("n1", 1);
    f.membership(now, &["n1".into(), "n2".into(), "n3".into()]);
    if r.is_for("n1") {
        f.peer_message(now, &r.from, r.msg);
    }
    let _ = f.take_output();
});
