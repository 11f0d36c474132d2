//! Fuzzes patchset application: the input is a patchset applied (with and
//! without version checks) to a fixed CIB, and diffed back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_common::patchset::{DiffOptions, apply_patchset, create_patchset};

const CIB: &str = r#"<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><!--c--><nodes><node id="1"/></nodes><resources><primitive id="a"><op id="m"/><op id="s"/></primitive></resources></configuration><status/></cib>"#;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(patch) = pcmk_common::xml::parse(s) else { return };
    let Ok(cib) = pcmk_common::xml::parse(CIB) else { return };
    let _ = apply_patchset(&cib, &patch, true);
    if let Ok(result) = apply_patchset(&cib, &patch, false) {
        // Whatever the patch did, diffing gives a patchset that redoes it.
        if let Some(d) = create_patchset(&cib, &result, DiffOptions::default()) {
            let _ = apply_patchset(&cib, &d.patchset, false);
        }
    }
});
