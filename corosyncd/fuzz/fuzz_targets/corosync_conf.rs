//! Any bytes as corosync.conf: parsing, validation and the cmap view must
//! never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_corosyncd::config::ParsedFiles;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    if let Ok(files) = ParsedFiles::parse(&[("fuzz.conf".to_string(), text)]) {
        let _ = files.config();
        let _ = files.cmap();
    }
});
