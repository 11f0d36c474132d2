//! Prints how long XPath queries, digests and patchsets take on a large
//! synthetic CIB (2,000 primitives, 8 nodes, 32,000 operation history
//! entries). Run with `cargo bench -p pcmk-common --bench cib`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use pcmk_common::cib::{digest_for_disk, digest_xml};
use pcmk_common::patchset::{
    DiffOptions, apply_patchset, create_patchset, create_patchset_bumping,
};
use pcmk_common::xml::{Element, parse};
use pcmk_common::xpath::XPath;

const RESOURCES: usize = 2000;
const NODES: usize = 8;

fn synthetic_cib() -> String {
    let mut s = String::with_capacity(16 << 20);
    s.push_str(r#"<cib crm_feature_set="3.19.0" validate-with="pacemaker-3.10" epoch="10" num_updates="5" admin_epoch="0"><configuration><crm_config><cluster_property_set id="opts"><nvpair id="opts-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes>"#);
    for n in 1..=NODES {
        let _ = write!(s, r#"<node id="{n}" uname="node{n}"/>"#);
    }
    s.push_str("</nodes><resources>");
    for r in 0..RESOURCES {
        let _ = write!(
            s,
            r#"<primitive id="rsc{r}" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="rsc{r}-params"><nvpair id="rsc{r}-delay" name="delay" value="{r}"/></instance_attributes><operations><op id="rsc{r}-monitor" name="monitor" interval="10s" timeout="20s"/></operations></primitive>"#
        );
    }
    s.push_str("</resources><constraints/></configuration><status>");
    for n in 1..=NODES {
        let _ = write!(
            s,
            r#"<node_state id="{n}" uname="node{n}" in_ccm="true" crmd="online" crm-debug-origin="do_update_resource" join="member" expected="member"><lrm id="{n}"><lrm_resources>"#
        );
        for r in 0..RESOURCES {
            let _ = write!(
                s,
                r#"<lrm_resource id="rsc{r}" type="Dummy" class="ocf" provider="pacemaker"><lrm_rsc_op id="rsc{r}_last_0" operation_key="rsc{r}_start_0" operation="start" crm-debug-origin="do_update_resource" crm_feature_set="3.19.0" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="{r}" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="10" queue-time="0" op-digest="0123456789abcdef0123456789abcdef"/><lrm_rsc_op id="rsc{r}_monitor_10000" operation_key="rsc{r}_monitor_10000" operation="monitor" call-id="{r}" rc-code="0" op-status="0" interval="10000" last-rc-change="1700000000" exec-time="5" queue-time="0"/></lrm_resource>"#
            );
        }
        s.push_str("</lrm_resources></lrm></node_state>");
    }
    s.push_str("</status></cib>");
    s
}

/// CPU time this thread has used (Linux `schedstat`), if readable: on a
/// busy machine it says more than wall time.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Median wall and CPU time of `runs` calls of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> (Duration, Option<Duration>) {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_time());
        f();
        wall.push(t.elapsed());
        if let (Some(c0), Some(c1)) = (c, cpu_time()) {
            cpu.push(c1.saturating_sub(c0));
        }
    }
    wall.sort();
    cpu.sort();
    (wall[runs / 2], cpu.get(cpu.len() / 2).copied())
}

fn report(what: &str, (wall, cpu): (Duration, Option<Duration>)) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    match cpu {
        Some(c) => println!("{what:<58} {:>9.3} ms wall {:>9.3} ms cpu", ms(wall), ms(c)),
        None => println!("{what:<58} {:>9.3} ms wall", ms(wall)),
    }
}

fn main() {
    let text = synthetic_cib();
    let cib = parse(&text).expect("synthetic CIB parses");
    println!(
        "CIB: {:.1} MB, {} elements",
        text.len() as f64 / 1e6,
        cib.descendants().count()
    );
    report(
        "parse",
        median(3, || {
            let _ = parse(&text);
        }),
    );

    for expr in [
        "/cib/configuration/resources/primitive[@id='rsc1000']",
        "//primitive[@id='rsc1000']",
        "//lrm_rsc_op[@operation='monitor' and @rc-code!='0']",
        "/cib/status/node_state[@uname='node3']//lrm_resource[@id='rsc7']",
    ] {
        let xp = XPath::parse(expr).expect("valid expression");
        let d = median(9, || {
            let _ = xp.select(&cib);
        });
        report(&format!("xpath {expr}"), d);
    }

    report(
        "digest (filtered, as patchsets carry)",
        median(9, || {
            let _ = digest_xml(&cib, true);
        }),
    );
    report(
        "digest (on disk, cib.xml.sig)",
        median(9, || {
            let _ = digest_for_disk(&cib);
        }),
    );

    // One configuration change and one status change.
    let mut config_change = cib.clone();
    if let Some(nv) = config_change.find_id_mut("rsc1500-delay") {
        nv.set_attr("value", "changed");
    }
    let mut status_change = cib.clone();
    if let Some(op) = status_change.find_id_mut("rsc42_monitor_10000") {
        op.set_attr("rc-code", "7");
    }
    for (what, new) in [
        ("configuration", &config_change),
        ("status", &status_change),
    ] {
        let d = median(5, || {
            let _ = create_patchset(&cib, new, DiffOptions::default());
        });
        report(&format!("diff, one {what} attribute changed"), d);
        let mut bumped = new.clone();
        let patch = create_patchset_bumping(&cib, &mut bumped, DiffOptions::default())
            .expect("a change")
            .patchset;
        let d = median(5, || {
            let _ = apply_patchset(&cib, &patch, true);
        });
        report(&format!("apply (copy + patch + checks), {what}"), d);
    }
    let d = median(5, || {
        let _: Element = cib.clone();
    });
    report("clone of the whole CIB (part of each apply above)", d);
}

/// Finding an element by id, mutably (the bench edits copies).
trait FindIdMut {
    fn find_id_mut(&mut self, id: &str) -> Option<&mut Element>;
}

impl FindIdMut for Element {
    fn find_id_mut(&mut self, id: &str) -> Option<&mut Element> {
        if self.id() == Some(id) {
            return Some(self);
        }
        self.elements_mut().find_map(|c| c.find_id_mut(id))
    }
}
