//! Checks op-digest against the digests real Pacemaker recorded in the
//! status sections of its scheduler regression inputs (read at run time
//! from `../shared/pacemaker-cts`, skipped when absent): for every one-shot
//! `start` of a primitive with plain instance attributes, the digest of
//! those attributes must match what Pacemaker wrote. A few inputs change
//! parameters on purpose (to test restarts), so the test asks for a large
//! majority rather than all.

mod common;

use std::collections::BTreeMap;

use pcmk_common::xml::{Element, parse};
use pcmk_controld::core::history::op_digest;

fn primitives(cib: &Element) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in cib.descendants().filter(|e| e.name == "primitive") {
        let sets: Vec<&Element> = p.children_named("instance_attributes").collect();
        if sets.len() != 1 || sets[0].child("rule").is_some() {
            continue;
        }
        let params: BTreeMap<String, String> = sets[0]
            .children_named("nvpair")
            .filter_map(|n| Some((n.attr("name")?.to_string(), n.attr("value")?.to_string())))
            .collect();
        if let (Some(id), false) = (p.id(), params.is_empty()) {
            out.insert(id.to_string(), params);
        }
    }
    out
}

#[test]
fn op_digests_match_pacemakers() {
    let Some(dir) = common::cts_dir() else {
        eprintln!("skipping: Pacemaker's scheduler suite (../shared/pacemaker-cts) is not present");
        return;
    };
    let (mut matched, mut missed) = (0usize, 0usize);
    for f in common::files(&dir.join("scheduler/xml"), "xml") {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(cib) = parse(&text) else { continue };
        let prims = primitives(&cib);
        for r in cib.descendants().filter(|e| e.name == "lrm_resource") {
            let Some(id) = r.id() else { continue };
            let base = id.split(':').next().unwrap_or(id);
            let Some(params) = prims.get(base) else {
                continue;
            };
            for op in r.children_named("lrm_rsc_op") {
                if op.attr("operation") != Some("start") || op.attr("interval") != Some("0") {
                    continue;
                }
                let Some(recorded) = op.attr("op-digest") else {
                    continue;
                };
                if op_digest(params) == recorded {
                    matched += 1;
                } else {
                    missed += 1;
                }
            }
        }
    }
    eprintln!("op-digest: {matched} match, {missed} differ");
    assert!(matched >= 1000, "too few digests matched: {matched}");
    assert!(
        matched * 100 >= (matched + missed) * 90,
        "{matched} match, {missed} differ"
    );
}
