//! Starts pacemaker-schedulerd on a temporary run directory, asks it for a
//! transition and checks the graph and the saved input.

use std::process::{Child, Command};
use std::time::Duration;

use pcmk_proto::schedulerd as pb;

const CIB: &str = r#"<cib admin_epoch="0" epoch="1" num_updates="0" have-quorum="1" dc-uuid="n1">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="fencing-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/></nodes>
    <resources><primitive id="r1" class="ocf" provider="pacemaker" type="Dummy"/></resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="n1"><lrm_resources/></lrm>
    </node_state>
  </status>
</cib>"#;

struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn computes_a_transition_and_saves_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("run");
    let state = dir.path().join("state");
    let _daemon = Daemon(
        Command::new(env!("CARGO_BIN_EXE_pacemaker-schedulerd"))
            .env("PCMK_run_dir", &run)
            .env("PCMK_state_dir", &state)
            .spawn()
            .unwrap(),
    );
    let sock = run.join("schedulerd.sock");
    let mut channel = None;
    for _ in 0..200 {
        if sock.exists() {
            if let Ok(c) = pcmk_proto::uds::connect(&sock).await {
                channel = Some(c);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut client = pb::scheduler_client::SchedulerClient::new(channel.expect("daemon socket"));
    let reply = client
        .compute(pb::ComputeRequest {
            cib_xml: CIB.into(),
            now: 1_700_000_000,
            transition_id: 7,
            save_input: true,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        reply.graph_xml.contains("transition_id=\"7\""),
        "{}",
        reply.graph_xml
    );
    assert!(reply.graph_xml.contains("operation_key=\"r1_start_0\""));
    assert!(reply.errors.is_empty(), "{:?}", reply.errors);
    assert!(
        reply.input_file.ends_with("pe-input-0.bz2"),
        "{}",
        reply.input_file
    );
    let saved =
        pcmk_schedulerd::series::read_input(std::path::Path::new(&reply.input_file)).unwrap();
    assert_eq!(saved, CIB);

    let bad = client
        .compute(pb::ComputeRequest {
            cib_xml: "<cib".into(),
            ..pb::ComputeRequest::default()
        })
        .await;
    assert_eq!(bad.unwrap_err().code(), tonic::Code::InvalidArgument);
}
