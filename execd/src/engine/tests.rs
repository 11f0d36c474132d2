use super::*;
use crate::op::{StartFailure, Termination};
use crate::output::Captured;

fn now(ms: u64) -> Now {
    Now {
        mono_ms: ms,
        epoch_s: 1_700_000_000 + i64::try_from(ms / 1000).unwrap(),
    }
}

fn req(rsc: &str, action: &str, interval: u32, delay: u32) -> ExecRequest {
    ExecRequest {
        spec: OpSpec {
            rsc: ResourceDef {
                id: rsc.into(),
                class: "ocf".into(),
                provider: Some("heartbeat".into()),
                agent: "Dummy".into(),
            },
            action: action.into(),
            interval_ms: interval,
            timeout_ms: 1000,
            params: BTreeMap::new(),
            meta: BTreeMap::new(),
        },
        start_delay_ms: delay,
        user_data: "ud".into(),
        notify_changes_only: false,
    }
}

fn exited(code: i32, stderr: &str) -> RawOutcome {
    let mut err = Captured::new(1024);
    err.push(stderr.as_bytes());
    RawOutcome {
        termination: Termination::Exited(code),
        stdout: Captured::new(1024),
        stderr: err,
        pid: Some(42),
    }
}

fn spawned(cmds: &[Command]) -> Vec<(CallId, String)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Spawn { call_id, spec } => Some((*call_id, spec.action.clone())),
            _ => None,
        })
        .collect()
}

fn notified(cmds: &[Command]) -> Vec<OpResult> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Notify(r) => Some((**r).clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn one_operation_at_a_time_per_resource_in_order() {
    let mut e = Engine::new(EngineConfig::default());
    let a = e.exec(now(0), req("r", "start", 0, 0)).unwrap();
    let b = e.exec(now(1), req("r", "monitor", 0, 0)).unwrap();
    let c = e.exec(now(2), req("other", "start", 0, 0)).unwrap();
    let out = e.take_output();
    assert_eq!(spawned(&out), [(a, "start".into()), (c, "start".into())]);
    e.agent_done(now(10), a, exited(0, ""));
    let out = e.take_output();
    let res = notified(&out);
    assert_eq!(res.len(), 1);
    assert_eq!(
        (res[0].call_id, res[0].rc, res[0].status),
        (a, 0, ExecStatus::Done)
    );
    assert_eq!(res[0].exec_time_ms, 10);
    assert_eq!(spawned(&out), [(b, "monitor".into())]);
    e.agent_done(now(30), b, exited(7, ""));
    let res = notified(&e.take_output());
    assert_eq!(res[0].rc, 7);
    assert_eq!(res[0].queue_time_ms, 9);
    assert_eq!(e.history(Some("r")).len(), 2);
}

#[test]
fn start_delay_holds_the_queue() {
    let mut e = Engine::new(EngineConfig::default());
    let a = e.exec(now(0), req("r", "monitor", 0, 500)).unwrap();
    let out = e.take_output();
    assert!(spawned(&out).is_empty());
    assert!(out.contains(&Command::SetTimer {
        id: TimerId {
            call_id: a,
            kind: TimerKind::StartDelay
        },
        after_ms: 500
    }));
    e.timer(
        now(500),
        TimerId {
            call_id: a,
            kind: TimerKind::StartDelay,
        },
    );
    assert_eq!(spawned(&e.take_output()), [(a, "monitor".into())]);
}

#[test]
fn timeout_terminates_then_kills_and_reports_timeout() {
    let mut e = Engine::new(EngineConfig {
        kill_grace_ms: 200,
        default_timeout_ms: 20_000,
    });
    let a = e.exec(now(0), req("r", "start", 0, 0)).unwrap();
    e.take_output();
    e.timer(
        now(1000),
        TimerId {
            call_id: a,
            kind: TimerKind::Timeout,
        },
    );
    let out = e.take_output();
    assert_eq!(
        out,
        [
            Command::Signal {
                call_id: a,
                signal: KillSignal::Term
            },
            Command::SetTimer {
                id: TimerId {
                    call_id: a,
                    kind: TimerKind::Kill
                },
                after_ms: 200
            },
        ]
    );
    e.timer(
        now(1200),
        TimerId {
            call_id: a,
            kind: TimerKind::Kill,
        },
    );
    assert_eq!(
        e.take_output(),
        [Command::Signal {
            call_id: a,
            signal: KillSignal::Kill
        }]
    );
    let mut o = exited(0, "");
    o.termination = Termination::Signaled(9);
    e.agent_done(now(1201), a, o);
    let r = &notified(&e.take_output())[0];
    assert_eq!((r.rc, r.status), (1, ExecStatus::Timeout));
    assert_eq!(
        r.exit_reason.as_deref(),
        Some("Resource agent did not complete within 1s")
    );
}

#[test]
fn recurring_reschedules_and_cancel_stops_it() {
    let mut e = Engine::new(EngineConfig::default());
    let m = e.exec(now(0), req("r", "monitor", 100, 0)).unwrap();
    e.take_output();
    e.agent_done(now(5), m, exited(0, ""));
    let out = e.take_output();
    assert!(out.contains(&Command::SetTimer {
        id: TimerId {
            call_id: m,
            kind: TimerKind::Recur
        },
        after_ms: 100
    }));
    e.timer(
        now(105),
        TimerId {
            call_id: m,
            kind: TimerKind::Recur,
        },
    );
    assert_eq!(spawned(&e.take_output()), [(m, "monitor".into())]);
    e.agent_done(now(110), m, exited(7, "ocf-exitreason:gone\n"));
    let r = &notified(&e.take_output())[0];
    assert_eq!(r.rc, 7);
    assert_eq!(r.exit_reason.as_deref(), Some("gone"));
    assert_eq!(r.rc_change_time, now(110).epoch_s);
    assert_eq!(e.recurring(Some("r"))["r"].len(), 1);
    // Cancel while waiting: reported at once.
    e.cancel(now(120), "r", "monitor", 100).unwrap();
    let r = &notified(&e.take_output())[0];
    assert_eq!((r.call_id, r.status), (m, ExecStatus::Cancelled));
    assert!(e.recurring(Some("r"))["r"].is_empty());
    assert_eq!(
        e.cancel(now(121), "r", "monitor", 100),
        Err(EngineError::NoSuchOperation)
    );
    assert_eq!(e.live_operations(), 0);
}

#[test]
fn cancel_of_running_recurring_kills_and_reports_cancelled() {
    let mut e = Engine::new(EngineConfig::default());
    let m = e.exec(now(0), req("r", "monitor", 100, 0)).unwrap();
    e.take_output();
    e.cancel(now(1), "r", "monitor", 100).unwrap();
    assert_eq!(
        e.take_output(),
        [Command::Signal {
            call_id: m,
            signal: KillSignal::Kill
        }]
    );
    let mut o = exited(0, "");
    o.termination = Termination::Signaled(9);
    e.agent_done(now(2), m, o);
    let out = e.take_output();
    let r = &notified(&out)[0];
    assert_eq!((r.rc, r.status), (0, ExecStatus::Cancelled));
    assert!(!out.iter().any(|c| matches!(
        c,
        Command::SetTimer {
            id: TimerId {
                kind: TimerKind::Recur,
                ..
            },
            ..
        }
    )));
}

#[test]
fn stop_cancels_recurring_first() {
    let mut e = Engine::new(EngineConfig::default());
    let m = e.exec(now(0), req("r", "monitor", 100, 0)).unwrap();
    e.agent_done(now(1), m, exited(0, ""));
    e.take_output();
    let s = e.exec(now(2), req("r", "stop", 0, 0)).unwrap();
    let out = e.take_output();
    let res = notified(&out);
    assert_eq!((res[0].call_id, res[0].status), (m, ExecStatus::Cancelled));
    assert_eq!(spawned(&out), [(s, "stop".into())]);
}

#[test]
fn duplicate_recurring_is_merged_and_run_now() {
    let mut e = Engine::new(EngineConfig::default());
    let m = e.exec(now(0), req("r", "monitor", 100, 0)).unwrap();
    e.agent_done(now(1), m, exited(0, ""));
    e.take_output();
    let m2 = e.exec(now(2), req("r", "monitor", 100, 0)).unwrap();
    assert_ne!(m, m2);
    let out = e.take_output();
    // Same internal operation, run again now.
    assert_eq!(spawned(&out), [(m, "monitor".into())]);
    e.agent_done(now(3), m, exited(0, ""));
    assert_eq!(notified(&e.take_output())[0].call_id, m2);
    assert_eq!(e.recurring(None)["r"].len(), 1);
}

#[test]
fn notify_changes_only() {
    let mut e = Engine::new(EngineConfig::default());
    let mut r = req("r", "monitor", 10, 0);
    r.notify_changes_only = true;
    let m = e.exec(now(0), r).unwrap();
    e.agent_done(now(1), m, exited(0, ""));
    assert_eq!(notified(&e.take_output()).len(), 1);
    e.timer(
        now(11),
        TimerId {
            call_id: m,
            kind: TimerKind::Recur,
        },
    );
    e.agent_done(now(12), m, exited(0, ""));
    assert_eq!(notified(&e.take_output()).len(), 0);
    e.timer(
        now(22),
        TimerId {
            call_id: m,
            kind: TimerKind::Recur,
        },
    );
    e.agent_done(now(23), m, exited(7, ""));
    assert_eq!(notified(&e.take_output()).len(), 1);
}

#[test]
fn unregister_cancels_queued_and_flags_running() {
    let mut e = Engine::new(EngineConfig::default());
    let a = e.exec(now(0), req("r", "start", 0, 0)).unwrap();
    let b = e.exec(now(0), req("r", "monitor", 0, 0)).unwrap();
    e.take_output();
    assert!(e.unregister(now(1), "r"));
    let res = notified(&e.take_output());
    assert_eq!((res[0].call_id, res[0].status), (b, ExecStatus::Cancelled));
    e.agent_done(now(2), a, exited(0, ""));
    let res = notified(&e.take_output());
    assert!(res[0].rsc_deleted);
    assert!(e.resource("r").is_none());
}

#[test]
fn outcome_mapping() {
    let spec = req("r", "start", 0, 0).spec;
    let o = |t| RawOutcome::without_process(t);
    assert_eq!(
        map_outcome(
            &spec,
            Some(Standard::Ocf),
            &o(Termination::NotStarted(StartFailure::NotInstalled(
                "x: No such file or directory".into()
            ))),
            false,
            false
        ),
        (
            5,
            ExecStatus::NotInstalled,
            Some("x: No such file or directory".into())
        )
    );
    assert_eq!(
        map_outcome(
            &spec,
            Some(Standard::Ocf),
            &o(Termination::Exited(200)),
            false,
            false
        )
        .0,
        1
    );
    assert_eq!(
        map_outcome(
            &spec,
            Some(Standard::Ocf),
            &o(Termination::Signaled(11)),
            false,
            false
        ),
        (
            1,
            ExecStatus::Error,
            Some("Resource agent interrupted by Segmentation fault signal".into())
        )
    );
    assert_eq!(
        map_outcome(
            &spec,
            Some(Standard::Lsb),
            &o(Termination::Exited(3)),
            false,
            false
        )
        .0,
        3
    );
    let mut mon = spec.clone();
    mon.action = "monitor".into();
    assert_eq!(
        map_outcome(
            &mon,
            Some(Standard::Lsb),
            &o(Termination::Exited(3)),
            false,
            false
        )
        .0,
        7
    );
}
