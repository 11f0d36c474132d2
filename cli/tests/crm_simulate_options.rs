//! `crm_simulate`'s synthetic events and input sources, run as the binary:
//! the CIB from standard input (the default) or `-x`, `--op-inject`,
//! tickets, `--show-attrs`/`--show-failcounts`, `--in-place` on a file,
//! `--profile`, and usage errors.

#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::process::{Command, Stdio};

const CIB: &str = r#"<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" have-quorum="1">
  <configuration>
    <crm_config><cluster_property_set id="opts"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>
      <node id="1" uname="n1"><instance_attributes id="n1-ia"><nvpair id="n1-ram" name="ram" value="1024M"/></instance_attributes></node>
      <node id="2" uname="n2"/>
    </nodes>
    <resources>
      <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="d-mon" name="monitor" interval="10s"/></operations></primitive>
      <primitive id="t" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints><rsc_ticket id="tk" rsc="t" ticket="T1"/></constraints>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="1"><lrm_resources>
        <lrm_resource id="d" class="ocf" provider="pacemaker" type="Dummy">
          <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" call-id="3" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" on_node="n1" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>
          <lrm_rsc_op id="d_monitor_10000" operation_key="d_monitor_10000" operation="monitor" call-id="4" rc-code="0" op-status="0" interval="10000" transition-key="2:1:0:x" transition-magic="0:0;2:1:0:x" on_node="n1"/>
        </lrm_resource>
        <lrm_resource id="t" class="ocf" provider="pacemaker" type="Dummy">
          <lrm_rsc_op id="t_last_0" operation_key="t_monitor_0" operation="monitor" call-id="1" rc-code="7" op-status="0" interval="0" transition-key="3:1:7:x" transition-magic="0:7;3:1:7:x" on_node="n1"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>
"#;

fn crm_simulate(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm_simulate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The lines of the list titled `title`.
fn section<'a>(out: &'a str, title: &str) -> Vec<&'a str> {
    out.lines()
        .skip_while(|l| *l != format!("{title}:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_cib_comes_from_standard_input_by_default() {
    let (code, out, err) = crm_simulate(&["-R"], CIB);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Current cluster status:"), "{out}");
    // The ticket is not granted: t stays stopped
    assert_eq!(section(&out, "Transition Summary"), Vec::<&str>::new());
}

#[test]
fn injected_failure_and_ticket_are_acted_upon() {
    let (code, out, err) = crm_simulate(
        &["-S", "-i", "d_monitor_10000@n1=7", "-g", "T1", "-c", "-A"],
        CIB,
    );
    assert_eq!(code, 0, "{err}");
    let mods = section(&out, "Performing Requested Modifications");
    assert_eq!(mods[0], "  * Granting ticket T1");
    assert_eq!(
        mods[1],
        "  * Injecting d_monitor_10000@n1=7 into the configuration"
    );
    assert_eq!(
        mods[2],
        "  * Injecting attribute fail-count-d#monitor_10000=1 into /node_state '1'"
    );
    assert!(mods[3].starts_with("  * Injecting attribute last-failure-d#monitor_10000="));
    let summary = section(&out, "Transition Summary");
    assert!(
        summary.iter().any(|l| l.starts_with("  * Recover    d ")),
        "{out}"
    );
    assert!(
        summary.iter().any(|l| l.starts_with("  * Start      t ")),
        "{out}"
    );
    // -A and -c add their sections to both status lists
    assert_eq!(out.matches("  * Node Attributes:").count(), 2, "{out}");
    assert!(out.contains("      * ram                             \t: 1024M     "));
    assert!(
        out.contains("d: migration-threshold=1000000 fail-count=1"),
        "{out}"
    );
    assert!(
        out.contains("d_monitor_10000 on n1 'Not running' (7)"),
        "{out}"
    );
}

#[test]
fn in_place_stores_the_result_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cib.xml");
    std::fs::write(&path, CIB).unwrap();
    let p = path.to_str().unwrap();
    let (code, _, err) = crm_simulate(&["-x", p, "-X", "-g", "T1", "-Q"], "");
    assert_eq!(code, 0, "{err}");
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(r#"<ticket_state id="T1" granted="true"/>"#),
        "{after}"
    );
    assert!(after.contains(r#"operation_key="t_start_0""#), "{after}");
    // Run again: nothing left to do
    let (_, out, _) = crm_simulate(&["-x", p, "-R"], "");
    assert_eq!(section(&out, "Transition Summary"), Vec::<&str>::new());
}

/// What pcs runs to preview a change (`simulate_cib_xml`): the CIB piped
/// in, the resulting CIB and graph saved.
#[test]
fn the_command_line_pcs_uses() {
    let dir = tempfile::tempdir().unwrap();
    let (out_cib, graph) = (dir.path().join("new.xml"), dir.path().join("graph.xml"));
    let granted = CIB.replace(
        "<status>",
        r#"<status><tickets><ticket_state id="T1" granted="true"/></tickets>"#,
    );
    let (code, out, err) = crm_simulate(
        &[
            "--simulate",
            "--save-output",
            out_cib.to_str().unwrap(),
            "--save-graph",
            graph.to_str().unwrap(),
            "--xml-pipe",
        ],
        &granted,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Revised Cluster Status:"), "{out}");
    let new_cib = pcmk_common::xml::parse(&std::fs::read_to_string(&out_cib).unwrap()).unwrap();
    assert!(
        new_cib
            .descendants()
            .any(|e| e.attr("operation_key") == Some("t_start_0")),
        "t started in the saved CIB"
    );
    let graph = pcmk_common::xml::parse(&std::fs::read_to_string(&graph).unwrap()).unwrap();
    assert_eq!(graph.name, "transition_graph");
    assert!(
        graph
            .descendants()
            .any(|e| e.attr("operation_key") == Some("t_start_0"))
    );
}

#[test]
fn profile_times_each_xml_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.xml"), CIB).unwrap();
    std::fs::write(dir.path().join("a.xml"), CIB).unwrap();
    std::fs::write(dir.path().join(".hidden.xml"), CIB).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = crm_simulate(&["-P", d, "-N", "2"], "");
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Timings:");
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with(&format!("  * Testing {d}/a.xml ... ")));
    assert!(lines[2].starts_with(&format!("  * Testing {d}/b.xml ... ")));
    assert!(lines[2].ends_with(" secs"));
}

#[test]
fn bad_command_lines_are_usage_errors() {
    let (code, _, err) = crm_simulate(&["--bogus"], "");
    assert_eq!(
        (code, err.trim()),
        (64, "crm_simulate: Unknown option --bogus")
    );
    let (code, _, err) = crm_simulate(&["-P", ".", "-N", "many"], "");
    assert_eq!(code, 64, "{err}");
    let (code, _, err) = crm_simulate(&["-R", "-i", "nonsense"], CIB);
    assert_eq!(code, 0);
    assert!(
        err.contains("Invalid operation spec: nonsense.  Only found 1 fields"),
        "{err}"
    );
    let (code, out, _) = crm_simulate(&["--help-all"], "");
    assert_eq!(code, 0);
    assert!(out.contains("  -i, --op-inject=OPSPEC"), "{out}");
}
