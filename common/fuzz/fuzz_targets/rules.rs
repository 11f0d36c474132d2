//! Fuzzes rule evaluation on arbitrary XML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_common::iso8601::DateTime;
use pcmk_common::rules::{Evaluator, RuleInput};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(doc) = pcmk_common::xml::parse(s) else { return };
    let input = RuleInput { now: Some(DateTime::from_epoch(1_700_000_000, 0)), ..RuleInput::default() };
    let mut ev = Evaluator::new(input, &doc);
    let _ = ev.rule(&doc);
    let mut values = std::collections::BTreeMap::new();
    ev.unpack_nvpair_blocks(&doc, None, None, &mut values);
});
