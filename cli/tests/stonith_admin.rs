//! `stonith_admin` against a running `pacemaker-fenced --stand-alone`, with
//! a fence agent written here that records what it is asked.

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(name)
}

const AGENT: &str = r#"#!/bin/sh
# Records its standard input, then acts on it.
args=$(cat)
get() { printf '%s\n' "$args" | sed -n "s/^$1=//p" | tail -n 1; }
action=$(get action)
log=$(get log)
[ -n "$log" ] && { printf -- '---\n%s\n' "$args" >> "$log"; }
case "$action" in
metadata) cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="fence_recorder" shortdesc="Records what it is asked">
<longdesc>Test fence agent</longdesc>
<parameters>
<parameter name="action" required="1"><content type="string"/></parameter>
<parameter name="port" required="1"><content type="string"/></parameter>
<parameter name="log"><content type="string"/></parameter>
<parameter name="fail"><content type="string"/></parameter>
</parameters>
<actions>
<action name="on"/><action name="off"/><action name="reboot"/><action name="list"/>
<action name="status"/><action name="monitor"/><action name="metadata"/><action name="validate-all"/>
</actions>
</resource-agent>
XML
exit 0;;
list) echo node1; echo node2; exit 0;;
monitor|status|validate-all) exit 0;;
esac
[ "$(get fail)" = yes ] && { echo "failing on purpose" >&2; exit 1; }
exit 0
"#;

struct Daemon {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Daemon {
    fn start() -> Option<Daemon> {
        Self::start_with(None)
    }

    /// Starts the fencer; `cib` is a CIB text written to a file it reads
    /// (`{log}` replaced by the agent log path).
    fn start_with(cib: Option<&str>) -> Option<Daemon> {
        let fenced = bin("pacemaker-fenced");
        if !fenced.exists() || !bin("stonith_admin").exists() {
            eprintln!("skipping: binaries not built (run ./scripts/test)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let sbin = dir.path().join("sbin");
        std::fs::create_dir_all(&sbin).unwrap();
        let agent = sbin.join("fence_recorder");
        std::fs::write(&agent, AGENT).unwrap();
        std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = Command::new(fenced);
        if let Some(cib) = cib {
            let path = dir.path().join("cib.xml");
            let log = dir.path().join("agent.log");
            std::fs::write(&path, cib.replace("{log}", &log.display().to_string())).unwrap();
            cmd.env("PCMK_fenced_cib_file", path);
        }
        let child = cmd
            .arg("--stand-alone")
            .env("PCMK_run_dir", dir.path().join("run"))
            .env("PCMK_fence_agent_dir", &sbin)
            .env("PCMK_node_name", "local")
            .stderr(std::fs::File::create(dir.path().join("fenced.log")).unwrap())
            .spawn()
            .unwrap();
        let d = Daemon { child, dir };
        let sock = d.dir.path().join("run/fenced.sock");
        let t = Instant::now();
        while !sock.exists() {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "fenced did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(d)
    }

    fn admin(&self, args: &[&str]) -> Output {
        Command::new(bin("stonith_admin"))
            .args(args)
            .env("PCMK_run_dir", self.dir.path().join("run"))
            .env("PCMK_fence_agent_dir", self.dir.path().join("sbin"))
            .output()
            .unwrap()
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("agent.log")
    }
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed: {o:?}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn records(log: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.split("---\n")
        .filter(|b| !b.trim().is_empty())
        .map(|b| b.lines().map(str::to_string).collect())
        .collect()
}

#[test]
fn register_list_reboot_with_two_levels_and_history() {
    let Some(d) = Daemon::start() else { return };
    let log = format!("log={}", d.log().display());
    ok(&d.admin(&[
        "-R",
        "bad",
        "-a",
        "fence_recorder",
        "-o",
        "pcmk_host_list=node1 node2",
        "-o",
        "fail=yes",
        "-o",
        &log,
    ]));
    ok(&d.admin(&[
        "-R",
        "good",
        "-a",
        "fence_recorder",
        "-o",
        "pcmk_host_map=node1:vm1;node2:vm2",
        "-o",
        &log,
    ]));
    ok(&d.admin(&["-r", "node1", "-i", "1", "-v", "bad"]));
    ok(&d.admin(&["-r", "node1", "-i", "2", "-v", "good"]));
    assert_eq!(ok(&d.admin(&["-L"])), "bad\ngood\n2 fence devices found\n");
    assert_eq!(
        ok(&d.admin(&["-l", "node2"])),
        "bad\ngood\n2 fence devices found\n"
    );
    assert_eq!(ok(&d.admin(&["-l", "node9"])), "0 fence devices found\n");
    let xml = ok(&d.admin(&["-L", "--output-as=xml"]));
    assert!(
        xml.contains(r#"<list name="registered fence devices" count="2">"#),
        "{xml}"
    );
    assert!(xml.contains(r#"<item name="device">good</item>"#));
    assert!(xml.contains(r#"<status code="0" message="OK"/>"#));

    // Level 1 fails (tried twice), level 2 succeeds.
    ok(&d.admin(&["-B", "node1", "-t", "20"]));
    let recs = records(&d.log());
    let fences: Vec<&Vec<String>> = recs
        .iter()
        .filter(|r| r.iter().any(|l| l == "action=reboot"))
        .collect();
    assert_eq!(fences.len(), 3, "{recs:?}");
    assert!(
        fences[0].contains(&"fail=yes".to_string()) && fences[1].contains(&"fail=yes".to_string())
    );
    assert!(fences[0].contains(&"port=node1".to_string()));
    let good = fences[2];
    assert!(good.contains(&"nodename=node1".to_string()));
    assert!(
        good.contains(&"port=vm1".to_string()),
        "host map gives the port: {good:?}"
    );
    assert!(
        !good.iter().any(|l| l.starts_with("pcmk_")),
        "pcmk_* parameters are not passed: {good:?}"
    );

    // History.
    let h = ok(&d.admin(&["-H", "node1"]));
    assert!(
        h.starts_with("reboot of node1 successful: delegate=local, client=stonith_admin."),
        "{h}"
    );
    assert!(h.ends_with("1 event found\n"), "{h}");
    let hx = ok(&d.admin(&["-H", "*", "-V", "--output-as=xml"]));
    assert!(
        hx.contains(r#"<list name="fencing history" count="1">"#),
        "{hx}"
    );
    assert!(hx.contains(r#"action="reboot" target="node1""#) && hx.contains(r#"status="success""#));
    let q = ok(&d.admin(&["-H", "node1", "-q"]));
    assert!(q.lines().next().unwrap().parse::<i64>().is_ok(), "{q}");

    // A target nothing can fence.
    let o = d.admin(&["-F", "node9", "-t", "5"]);
    assert_eq!(o.status.code(), Some(105), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("stonith_admin: Couldn't fence node9: No such device")
    );
    assert_eq!(ok(&d.admin(&["-H", "*", "-V"])).lines().count(), 3);

    // Cleanup forgets completed operations.
    assert_eq!(
        ok(&d.admin(&["-H", "*", "--cleanup"])),
        "cleaning up fencing-history\n"
    );
    assert_eq!(ok(&d.admin(&["-H", "*", "-V"])), "0 events found\n");

    // Targets of a device, device status, deregistration.
    assert_eq!(
        ok(&d.admin(&["-s", "good"])),
        "node1\nnode2\n2 fence targets found\n"
    );
    ok(&d.admin(&["-Q", "good"]));
    ok(&d.admin(&["-d", "node1", "-i", "1"]));
    ok(&d.admin(&["-D", "bad"]));
    assert_eq!(ok(&d.admin(&["-L"])), "good\n1 fence device found\n");
}

#[test]
fn local_commands_and_errors() {
    let Some(d) = Daemon::start() else { return };
    let o = ok(&d.admin(&["-I"]));
    assert_eq!(o, "fence_recorder\n1 fence device found\n");
    let md = ok(&d.admin(&["-M", "-a", "fence_recorder"]));
    assert!(
        md.contains(r#"<parameter name="port" required="0">"#),
        "{md}"
    );
    assert!(md.contains(r#"<action name="stop""#));
    let v = ok(&d.admin(&["-K", "-a", "fence_recorder", "-o", "ipaddr=x"]));
    assert_eq!(v, "Validation of fence_recorder succeeded\n");
    let o = d.admin(&["-R", "x"]);
    assert_eq!(o.status.code(), Some(64));
    let o = d.admin(&["-R", "x", "-a", "fence_missing"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("Can't register device x using agent fence_missing")
    );
    let o = Command::new(bin("stonith_admin"))
        .args(["-L"])
        .env("PCMK_run_dir", d.dir.path().join("nothing-here"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(102));
}

#[test]
fn devices_and_topology_from_a_cib_file() {
    let cib = r#"<cib><configuration><crm_config/><nodes/>
      <resources>
        <primitive id="ipmi-bad" class="stonith" type="fence_recorder">
          <instance_attributes id="a1"><nvpair id="a1-1" name="pcmk_host_list" value="node1"/>
            <nvpair id="a1-2" name="fail" value="yes"/><nvpair id="a1-3" name="log" value="{log}"/>
            <nvpair id="a1-4" name="pcmk_off_retries" value="1"/></instance_attributes>
        </primitive>
        <primitive id="pdu" class="stonith" type="fence_recorder">
          <instance_attributes id="a2"><nvpair id="a2-1" name="pcmk_host_map" value="node1:outlet4"/>
            <nvpair id="a2-2" name="log" value="{log}"/></instance_attributes>
        </primitive>
        <primitive id="off" class="stonith" type="fence_recorder">
          <meta_attributes id="m3"><nvpair id="m3-1" name="target-role" value="Stopped"/></meta_attributes>
        </primitive>
      </resources><constraints/>
      <fencing-topology>
        <fencing-level id="l1" target-pattern="node[0-9]" index="1" devices="ipmi-bad"/>
        <fencing-level id="l2" target-pattern="node[0-9]" index="2" devices="pdu"/>
      </fencing-topology></configuration><status/></cib>"#;
    let Some(d) = Daemon::start_with(Some(cib)) else {
        return;
    };
    assert_eq!(
        ok(&d.admin(&["-L"])),
        "ipmi-bad\npdu\n2 fence devices found\n"
    );
    ok(&d.admin(&["-F", "node1", "-t", "20"]));
    let recs = records(&d.log());
    let offs: Vec<&Vec<String>> = recs
        .iter()
        .filter(|r| r.iter().any(|l| l == "action=off"))
        .collect();
    assert_eq!(offs.len(), 2, "{recs:?}");
    assert!(offs[0].contains(&"fail=yes".to_string()));
    assert!(
        offs[1].contains(&"port=outlet4".to_string()),
        "{:?}",
        offs[1]
    );
    let h = ok(&d.admin(&["-H", "node1"]));
    assert!(h.starts_with("turning off of node1 successful"), "{h}");
    // A manual confirmation is recorded without running anything.
    let before = records(&d.log()).len();
    ok(&d.admin(&["-C", "node5"]));
    assert_eq!(records(&d.log()).len(), before);
    let h = ok(&d.admin(&["-H", "node5"]));
    assert!(
        h.starts_with("turning off of node5 successful: delegate=a human"),
        "{h}"
    );
}
