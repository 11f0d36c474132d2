//! `crm_mon` and `crm_resource` against a running CIB manager
//! (`pacemaker-based --stand-alone` in a scratch run directory): the
//! status read over `based.sock`, a ban made with `crm_resource` shown by
//! `crm_mon -L` and in XML, then cleared. Skipped when the daemon's
//! binary has not been built.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const CIB: &str = r#"<cib crm_feature_set="3.19.0" validate-with="pacemaker-3.10" epoch="5" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="o1" name="stonith-enabled" value="false"/>
        <nvpair id="o2" name="cluster-infrastructure" value="corosync"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="n1"/>
      <node id="2" uname="n2"/>
    </nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
      <primitive id="d2" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="1"><lrm_resources><lrm_resource id="d1" class="ocf" provider="pacemaker" type="Dummy">
        <lrm_rsc_op id="d1_last_0" operation_key="d1_start_0" operation="start" transition-key="1:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:0;1:1:0:00000000-0000-0000-0000-000000000000" call-id="3" rc-code="0" op-status="0" interval="0" exec-time="10" queue-time="0"/>
      </lrm_resource></lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>
"#;

fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.parent()
        .and_then(Path::parent)
        .map(|d| d.join(name))
        .expect("target directory")
}

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(dir: &Path, tool: &str, args: &[&str]) -> Output {
    Command::new(bin(tool))
        .args(args)
        .env("PCMK_run_dir", dir.join("run"))
        .env("PCMK_state_dir", dir.join("state"))
        .env_remove("CIB_file")
        .env_remove("CIB_shadow")
        .env("LC_ALL", "C")
        .output()
        .expect("run tool")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn status_and_bans_over_the_cib_manager() {
    let based = bin("pacemaker-based");
    if !based.exists() {
        eprintln!("skipping: {} is not built", based.display());
        return;
    }
    let dir = tempfile::tempdir().expect("scratch directory");
    for d in ["run", "state"] {
        std::fs::create_dir_all(dir.path().join(d)).expect("directory");
    }
    let child = Command::new(&based)
        .arg("--stand-alone")
        .env("PCMK_run_dir", dir.path().join("run"))
        .env("PCMK_state_dir", dir.path().join("state"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pacemaker-based");
    let _daemon = Daemon(child);
    let sock = dir.path().join("run/based.sock");
    let start = Instant::now();
    while !sock.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "based.sock never appeared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let cib = dir.path().join("cib.xml");
    std::fs::write(&cib, CIB).expect("write CIB");
    let cib = cib.display().to_string();
    let o = run(dir.path(), "cibadmin", &["--replace", "--xml-file", &cib]);
    assert!(o.status.success(), "cibadmin: {o:?}");

    let o = run(dir.path(), "crm_mon", &["-1"]);
    assert!(o.status.success(), "crm_mon: {o:?}");
    let out = text(&o);
    assert!(out.contains("* Current DC: n1 (version unknown) - partition with quorum"));
    assert!(out.contains("* Online: [ n1 n2 ]"));
    assert!(out.contains("* d1\t(ocf:pacemaker:Dummy):\t Started n1"));
    assert!(!out.contains("d2\t"), "inactive d2 shown without -r: {out}");
    // No fencer runs here: Pacemaker says so in the fencing section.
    assert!(
        out.contains("Failed Fencing Actions:\n  * Failed to get fencing history: Not connected\n")
    );
    let o = run(dir.path(), "crm_mon", &["-1", "-m0"]);
    assert!(!text(&o).contains("Fencing"));
    let o = run(dir.path(), "crm_mon", &["-1", "-r"]);
    assert!(text(&o).contains("* d2\t(ocf:pacemaker:Dummy):\t Stopped"));

    let o = run(dir.path(), "crm_resource", &["--locate", "-r", "d1"]);
    assert_eq!(text(&o), "resource d1 is running on: n1\n");
    let o = run(
        dir.path(),
        "crm_resource",
        &["--ban", "-r", "d1", "-N", "n2"],
    );
    assert!(o.status.success(), "ban: {o:?}");
    let o = run(dir.path(), "crm_mon", &["-1", "-L", "--exclude=summary"]);
    assert!(
        text(&o).contains("* cli-ban-d1-on-n2\tprevents d1 from running on n2"),
        "{}",
        text(&o)
    );
    let o = run(dir.path(), "crm_mon", &["--output-as=xml"]);
    let xml = text(&o);
    assert!(xml.contains(
        r#"<ban id="cli-ban-d1-on-n2" resource="d1" node="n2" weight="-1000000" promoted-only="false" master_only="false"/>"#
    ));
    assert!(xml.contains(r#"<status code="0" message="OK"/>"#));
    assert!(xml.contains(r#"<fence_history status="102"/>"#));

    let o = run(dir.path(), "crm_resource", &["--clear", "-r", "d1"]);
    assert!(o.status.success(), "clear: {o:?}");
    let o = run(dir.path(), "crm_mon", &["-1", "-L"]);
    assert!(!text(&o).contains("Negative Location Constraints"));
}

#[test]
fn no_cluster_running() {
    let dir = tempfile::tempdir().expect("scratch directory");
    for d in ["run", "state"] {
        std::fs::create_dir_all(dir.path().join(d)).expect("directory");
    }
    let o = run(dir.path(), "crm_mon", &["-1"]);
    assert_eq!(o.status.code(), Some(102));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "crm_mon: Error: cluster is not available on this node\n"
    );
}
