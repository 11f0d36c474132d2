use super::*;

const KEY: &str = "5:2:0:0a0b0c0d-0000-0000-0000-000000000001";

fn op(task: &str, interval_ms: u64, rc: i32, status: ExecStatus) -> OpResult {
    let mut params = BTreeMap::new();
    params.insert("state".to_string(), "/run/x".to_string());
    params.insert("passwd".to_string(), "secret".to_string());
    params.insert("CRM_meta_timeout".to_string(), "20000".to_string());
    params.insert("crm_feature_set".to_string(), "3.20.5".to_string());
    OpResult {
        rsc_id: "d".into(),
        task: task.into(),
        interval_ms,
        call_id: 12,
        rc,
        status,
        exit_reason: Some("boom".into()),
        t_run: 1_700_000_000,
        t_rcchange: 1_700_000_005,
        exec_time: 21,
        queue_time: 1,
        params,
        transition_key: Some(KEY.into()),
    }
}

fn ocf() -> RscInfo {
    RscInfo {
        id: "d".into(),
        standard: "ocf".into(),
        provider: Some("pacemaker".into()),
        kind: "Dummy".into(),
    }
}

#[test]
fn successful_start_is_recorded_as_last() {
    let mut rsc = Element::new("lrm_resource");
    let ids = create_history_xml(
        &mut rsc,
        &op("start", 0, 0, ExecStatus::Done),
        "3.20.5",
        0,
        "n1",
        "test",
    );
    assert_eq!(ids, ["d_last_0"]);
    let x = rsc.child("lrm_rsc_op").unwrap();
    let attrs: Vec<(&str, &str)> = x
        .attrs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        attrs,
        [
            ("id", "d_last_0"),
            ("operation_key", "d_start_0"),
            ("operation", "start"),
            ("crm-debug-origin", "test"),
            ("crm_feature_set", "3.20.5"),
            ("transition-key", KEY),
            (
                "transition-magic",
                "0:0;5:2:0:0a0b0c0d-0000-0000-0000-000000000001"
            ),
            ("exit-reason", ""),
            ("on_node", "n1"),
            ("call-id", "12"),
            ("rc-code", "0"),
            ("op-status", "0"),
            ("interval", "0"),
            ("last-rc-change", "1700000000"),
            ("exec-time", "21"),
            ("queue-time", "1"),
            // md5(' <parameters passwd="secret" state="/run/x"/>\n')
            ("op-digest", "a73fd290a518e5333002926b218f4dcc"),
        ]
    );
}

#[test]
fn failures_update_last_failure_and_last() {
    let mut rsc = Element::new("lrm_resource");
    let ids = create_history_xml(
        &mut rsc,
        &op("start", 0, 1, ExecStatus::Done),
        "3.20.5",
        0,
        "n1",
        "t",
    );
    assert_eq!(ids, ["d_last_failure_0", "d_last_0"]);
    assert_eq!(rsc.element_count(), 2);
    assert_eq!(
        rsc.child("lrm_rsc_op").unwrap().attr("exit-reason"),
        Some("boom")
    );
    // A failed recurring monitor only updates last_failure; a later success
    // with the same id overwrites in place.
    let mut rsc = Element::new("lrm_resource");
    let ids = create_history_xml(
        &mut rsc,
        &op("monitor", 10000, 7, ExecStatus::Done),
        "3.20.5",
        0,
        "n1",
        "t",
    );
    assert_eq!(ids, ["d_last_failure_0"]);
    let x = rsc.child("lrm_rsc_op").unwrap();
    assert_eq!(x.attr("last-rc-change"), Some("1700000005"));
    create_history_xml(
        &mut rsc,
        &op("monitor", 10000, 7, ExecStatus::Timeout),
        "3.20.5",
        0,
        "n1",
        "t",
    );
    assert_eq!(rsc.element_count(), 1);
    assert_eq!(
        rsc.child("lrm_rsc_op").unwrap().attr("op-status"),
        Some("2")
    );
    let mut rsc = Element::new("lrm_resource");
    assert_eq!(
        create_history_xml(
            &mut rsc,
            &op("monitor", 10000, 0, ExecStatus::Done),
            "3.20.5",
            0,
            "n1",
            "t"
        ),
        ["d_monitor_10000"]
    );
}

#[test]
fn outside_operations_get_a_fake_key_and_reloads_map_to_start() {
    let mut o = op("reload-agent", 0, 0, ExecStatus::Done);
    o.transition_key = None;
    let mut rsc = Element::new("lrm_resource");
    create_history_xml(&mut rsc, &o, "3.20.5", 0, "n1", "t");
    let x = rsc.child("lrm_rsc_op").unwrap();
    assert_eq!(x.attr("operation"), Some("start"));
    assert_eq!(
        x.attr("transition-key"),
        Some("12:-1:0:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
    );
}

#[test]
fn restart_and_secure_digests_follow_the_metadata() {
    let md = AgentMetadata::parse(
        "ocf",
        r#"<resource-agent><version>1.1</version><parameters>
             <parameter name="state" unique="1"/><parameter name="passwd"/>
             <parameter name="delay" reloadable="1"/></parameters>
           <actions><action name="reload-agent"/></actions></resource-agent>"#,
    )
    .unwrap();
    let mut rsc = Element::new("lrm_resource");
    add_resource_history(
        &mut rsc,
        &ocf(),
        &op("start", 0, 0, ExecStatus::Done),
        "n1",
        Some(&md),
        "t",
    );
    let x = rsc.child("lrm_rsc_op").unwrap();
    // Non-reloadable parameters, in the controller's (reversed) order.
    assert_eq!(x.attr("op-force-restart"), Some("  passwd state  "));
    assert_eq!(
        x.attr("op-restart-digest"),
        Some("a73fd290a518e5333002926b218f4dcc")
    );
    assert_eq!(x.attr("op-secure-params"), Some("  passwd  "));
    // md5(' <parameters state="/run/x"/>\n')
    assert_eq!(
        x.attr("op-secure-digest"),
        Some("6c40858de0a9ab143520439e33679af3")
    );
    // Recurring operations have no restart digest; lsb has no digests.
    let mut rsc = Element::new("lrm_resource");
    add_resource_history(
        &mut rsc,
        &ocf(),
        &op("monitor", 10000, 0, ExecStatus::Done),
        "n1",
        Some(&md),
        "t",
    );
    assert!(
        !rsc.child("lrm_rsc_op")
            .unwrap()
            .has_attr("op-restart-digest")
    );
    let lsb = RscInfo {
        standard: "lsb".into(),
        ..ocf()
    };
    let mut rsc = Element::new("lrm_resource");
    add_resource_history(
        &mut rsc,
        &lsb,
        &op("start", 0, 0, ExecStatus::Done),
        "n1",
        Some(&md),
        "t",
    );
    assert!(
        !rsc.child("lrm_rsc_op")
            .unwrap()
            .has_attr("op-secure-params")
    );
}
