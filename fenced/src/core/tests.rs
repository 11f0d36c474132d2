//! Core scenarios with a scripted runtime: messages loop back (stand-alone),
//! agent results come from a script.

use std::collections::BTreeMap;

use super::*;
use crate::device::Device;
use crate::history::{FenceResult, OpState};
use crate::metadata::AgentInfo;

fn now() -> Now {
    Now {
        mono_ms: 0,
        epoch: (1_700_000_000, 0),
    }
}

fn device(id: &str, params: &[(&str, &str)], info: AgentInfo) -> Device {
    Device::new(
        id,
        "fence_test",
        params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        info,
    )
}

fn full_info() -> AgentInfo {
    AgentInfo {
        supports_list: true,
        supports_status: true,
        supports_reboot: true,
        supports_on: true,
        default_host_arg: Some("port".into()),
        ..AgentInfo::default()
    }
}

/// Runs the fencer until idle; `agent` answers each agent run with
/// (device id from args?, action) -> result. Returns replies and runs.
struct Harness {
    f: Fencer,
    runs: Vec<(String, BTreeMap<String, String>)>,
    replies: Vec<(RequestId, Reply)>,
}

impl Harness {
    fn new() -> Self {
        Harness {
            f: Fencer::new("local", 7),
            runs: Vec::new(),
            replies: Vec::new(),
        }
    }

    fn settle(&mut self, agent: &dyn Fn(&BTreeMap<String, String>) -> FenceResult) {
        for _ in 0..1000 {
            let out = self.f.take_output();
            if out.is_empty() {
                return;
            }
            for c in out {
                match c {
                    Command::Send { msg, .. } => self.f.peer_message(now(), "local", msg),
                    Command::RunAgent {
                        cmd,
                        agent: a,
                        args,
                        ..
                    } => {
                        let args: BTreeMap<String, String> = args.into_iter().collect();
                        let r = agent(&args);
                        self.runs.push((a, args));
                        self.f.agent_done(now(), cmd, r);
                    }
                    Command::SetTimer {
                        id: id @ (Timer::Retry(_) | Timer::Delay(_)),
                        ..
                    } => self.f.timer(now(), id),
                    Command::Reply { request, reply } => self.replies.push((request, reply)),
                    _ => {}
                }
            }
        }
        panic!("fencer never settled");
    }
}

fn fail_if(param: &'static str) -> impl Fn(&BTreeMap<String, String>) -> FenceResult {
    move |a| {
        if a.get("fail").map(String::as_str) == Some(param) {
            FenceResult {
                exit_status: 1,
                exec_status: 0,
                exit_reason: None,
                output: None,
            }
        } else if a.get("action").map(String::as_str) == Some("list") {
            FenceResult {
                output: Some("node1\nnode2\n".into()),
                ..FenceResult::ok()
            }
        } else {
            FenceResult::ok()
        }
    }
}

fn fence_request(target: &str, action: &str) -> FenceRequest {
    FenceRequest {
        target: target.into(),
        action: action.into(),
        timeout_s: 60,
        delay_s: 0,
        tolerance_s: 0,
        client: "test".into(),
        manual_ack: false,
    }
}

#[test]
fn two_levels_first_fails() {
    let mut h = Harness::new();
    h.f.register_device(
        device(
            "bad",
            &[("pcmk_host_list", "node1"), ("fail", "yes")],
            full_info(),
        ),
        false,
    )
    .unwrap();
    h.f.register_device(
        device("good", &[("pcmk_host_list", "node1")], full_info()),
        false,
    )
    .unwrap();
    h.f.register_level(TargetSpec::parse_cli("node1"), 1, &["bad".into()])
        .unwrap();
    h.f.register_level(TargetSpec::parse_cli("node1"), 2, &["good".into()])
        .unwrap();
    h.f.fence(now(), 1, fence_request("node1", "reboot"));
    h.settle(&fail_if("yes"));
    // bad tried twice (retries), then good.
    let actions: Vec<(&str, &str)> = h
        .runs
        .iter()
        .map(|(_, a)| {
            (
                a.get("fail").map_or("good", |_| "bad"),
                a["action"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [("bad", "reboot"), ("bad", "reboot"), ("good", "reboot")]
    );
    assert_eq!(h.runs[2].1["port"], "node1");
    assert_eq!(h.runs[2].1["nodename"], "node1");
    let Some((1, Reply::Fence(r, e))) = h.replies.first() else {
        panic!("no reply: {:?}", h.replies)
    };
    assert!(r.is_ok());
    assert_eq!(e.state, OpState::Done);
    assert_eq!(e.delegate.as_deref(), Some("local"));
    assert_eq!(h.f.history(Some("node1")).len(), 1);
}

#[test]
fn all_levels_fail() {
    let mut h = Harness::new();
    h.f.register_device(
        device(
            "bad",
            &[
                ("pcmk_host_list", "node1"),
                ("fail", "yes"),
                ("pcmk_reboot_retries", "1"),
            ],
            full_info(),
        ),
        false,
    )
    .unwrap();
    h.f.register_level(TargetSpec::parse_cli("node1"), 1, &["bad".into()])
        .unwrap();
    h.f.fence(now(), 1, fence_request("node1", "reboot"));
    h.settle(&fail_if("yes"));
    assert_eq!(h.runs.len(), 1);
    let Some((1, Reply::Fence(r, e))) = h.replies.first() else {
        panic!()
    };
    assert!(!r.is_ok());
    assert_eq!(e.state, OpState::Failed);
}

#[test]
fn multi_device_reboot_is_off_then_on() {
    let mut h = Harness::new();
    for id in ["psu1", "psu2"] {
        h.f.register_device(
            device(
                id,
                &[("pcmk_host_list", "node1"), ("ident", id)],
                full_info(),
            ),
            false,
        )
        .unwrap();
    }
    h.f.register_level(
        TargetSpec::parse_cli("node1"),
        1,
        &["psu1".into(), "psu2".into()],
    )
    .unwrap();
    h.f.fence(now(), 1, fence_request("node1", "reboot"));
    h.settle(&fail_if("never"));
    let seq: Vec<String> = h
        .runs
        .iter()
        .map(|(_, a)| format!("{}:{}", a["ident"], a["action"]))
        .collect();
    assert_eq!(seq, ["psu1:off", "psu2:off", "psu1:on", "psu2:on"]);
    assert!(matches!(&h.replies[0].1, Reply::Fence(r, _) if r.is_ok()));
}

#[test]
fn device_selection_without_topology() {
    let mut h = Harness::new();
    h.f.register_device(
        device("static", &[("pcmk_host_list", "a b")], full_info()),
        false,
    )
    .unwrap();
    h.f.register_device(
        device("mapped", &[("pcmk_host_map", "c:port-c")], full_info()),
        false,
    )
    .unwrap();
    h.f.register_device(device("dynamic", &[], full_info()), false)
        .unwrap();
    h.f.register_device(
        device(
            "nothing",
            &[("pcmk_host_check", "static-list")],
            full_info(),
        ),
        false,
    )
    .unwrap();
    h.f.query(now(), 1, Some("node1"), "off", 30);
    h.settle(&fail_if("never"));
    h.f.query(now(), 2, Some("c"), "off", 30);
    h.f.query(now(), 3, None, "off", 30);
    h.settle(&fail_if("never"));
    let get = |r: RequestId| match h.replies.iter().find(|(q, _)| *q == r) {
        Some((_, Reply::Devices(d))) => d.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(get(1), ["dynamic"]);
    assert_eq!(get(2), ["mapped"]);
    assert_eq!(get(3), ["dynamic", "mapped", "nothing", "static"]);
    // The dynamic list ran once and is cached for later searches.
    assert_eq!(
        h.runs.iter().filter(|(_, a)| a["action"] == "list").count(),
        1
    );
    // Fencing "c" uses the mapped port.
    h.f.fence(now(), 4, fence_request("c", "off"));
    h.settle(&fail_if("never"));
    let last = &h.runs.last().unwrap().1;
    assert_eq!(
        (last["action"].as_str(), last["port"].as_str()),
        ("off", "port-c")
    );
}

#[test]
fn no_device_and_reboot_remap_and_tolerance() {
    let mut h = Harness::new();
    h.f.fence(now(), 1, fence_request("ghost", "off"));
    h.settle(&fail_if("never"));
    let Some((1, Reply::Fence(r, _))) = h.replies.first() else {
        panic!()
    };
    assert_eq!(r.exec_status, local::exec::NO_FENCE_DEVICE);
    // An agent without reboot gets "off".
    let info = AgentInfo {
        supports_reboot: false,
        ..full_info()
    };
    h.f.register_device(device("offonly", &[("pcmk_host_list", "n")], info), false)
        .unwrap();
    h.f.fence(now(), 2, fence_request("n", "reboot"));
    h.settle(&fail_if("never"));
    assert_eq!(h.runs.last().unwrap().1["action"], "off");
    // Tolerance: a recent success answers at once.
    let before = h.runs.len();
    let mut req = fence_request("n", "reboot");
    req.tolerance_s = 60;
    h.f.fence(now(), 3, req);
    h.settle(&fail_if("never"));
    assert_eq!(h.runs.len(), before);
    assert!(matches!(&h.replies.last().unwrap().1, Reply::Fence(r, _) if r.is_ok()));
}

#[test]
fn manual_confirmation_is_recorded_as_done_by_a_human() {
    let mut h = Harness::new();
    let mut req = fence_request("node3", "off");
    req.manual_ack = true;
    h.f.fence(now(), 1, req);
    h.settle(&fail_if("never"));
    assert!(h.runs.is_empty());
    let Some((1, Reply::Fence(r, e))) = h.replies.first() else {
        panic!()
    };
    assert!(r.is_ok());
    assert_eq!(
        (e.state, e.delegate.as_deref()),
        (OpState::Done, Some("a human"))
    );
}
