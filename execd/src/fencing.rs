//! The `stonith` class: fence devices are not run by the executor but
//! handed to the fencer (Pacemaker's `execute_stonith_action()`): a start
//! registers the device with the fencer and checks it with a monitor, a
//! stop unregisters it, a recurring monitor asks the fencer to monitor it,
//! and a probe answers from what the executor did last (running after a
//! successful start, stopped otherwise).

use std::path::Path;

use pcmk_proto::fenced as fpb;
use pcmk_proto::fenced::fencer_client::FencerClient;

use crate::op::{OpSpec, RawOutcome, Termination};
use crate::result::{ExecStatus, ocf};

/// What the executor remembers of a fence device for probes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeState {
    /// Started successfully: probes say running.
    Running,
    /// Never started or stopped: probes say not running.
    Stopped,
}

fn synthetic(rc: i32, status: ExecStatus, reason: Option<String>) -> RawOutcome {
    RawOutcome::without_process(Termination::Synthetic { rc, status, reason })
}

/// Maps a fencer result for `action` to an executor outcome, as
/// Pacemaker's `fencing_rsc_action_complete()` does.
pub fn map_result(action: &str, r: &fpb::Result) -> RawOutcome {
    let reason = (!r.exit_reason.is_empty()).then(|| r.exit_reason.clone());
    let status = ExecStatus::from_code(r.exec_status).unwrap_or(ExecStatus::Error);
    match status {
        ExecStatus::Done if r.exit_status == 0 => synthetic(ocf::OK, ExecStatus::Done, None),
        ExecStatus::Done => synthetic(ocf::UNKNOWN_ERROR, ExecStatus::Done, reason),
        ExecStatus::NotConnected | ExecStatus::Invalid => {
            synthetic(ocf::UNKNOWN_ERROR, ExecStatus::Error, reason)
        }
        ExecStatus::NoFenceDevice => {
            let rc = match action {
                "monitor" => ocf::NOT_RUNNING,
                "stop" => ocf::OK,
                _ => ocf::NOT_INSTALLED,
            };
            synthetic(rc, ExecStatus::Error, reason)
        }
        ExecStatus::NotSupported => synthetic(ocf::UNIMPLEMENT_FEATURE, status, reason),
        s => synthetic(ocf::UNKNOWN_ERROR, s, reason),
    }
}

/// The probe answer from the remembered state.
pub fn probe(state: ProbeState) -> RawOutcome {
    match state {
        ProbeState::Running => synthetic(ocf::OK, ExecStatus::Done, None),
        ProbeState::Stopped => synthetic(ocf::NOT_RUNNING, ExecStatus::Done, None),
    }
}

/// Runs a fence device operation through the fencer at `socket`.
pub async fn run(socket: &Path, spec: &OpSpec) -> RawOutcome {
    let timeout_s = spec.timeout_ms.div_ceil(1000).max(1);
    let mut client = match pcmk_proto::uds::connect(socket).await {
        Ok(c) => FencerClient::new(c),
        Err(_) => {
            return synthetic(
                ocf::UNKNOWN_ERROR,
                ExecStatus::Error,
                Some("No connection to fencer".into()),
            );
        }
    };
    let monitor = |id: String| fpb::DeviceActionRequest {
        device: id,
        action: "monitor".into(),
        target: String::new(),
        timeout_s,
    };
    let failed = |s: tonic::Status| {
        synthetic(
            ocf::UNKNOWN_ERROR,
            ExecStatus::Error,
            Some(s.message().to_string()),
        )
    };
    match spec.action.as_str() {
        "start" => {
            let dev = fpb::Device {
                id: spec.rsc.id.clone(),
                agent: spec.rsc.agent.clone(),
                params: spec.params.clone().into_iter().collect(),
                from_cib: false,
            };
            match client.register_device(dev).await {
                Ok(r) => {
                    let r = r.into_inner();
                    if r.exit_status != 0 || r.exec_status != 0 {
                        return map_result("start", &r);
                    }
                }
                Err(s) => return failed(s),
            }
            match client.device_action(monitor(spec.rsc.id.clone())).await {
                Ok(r) => map_result("start", &r.into_inner()),
                Err(s) => failed(s),
            }
        }
        "stop" => match client
            .remove_device(fpb::DeviceRef {
                id: spec.rsc.id.clone(),
            })
            .await
        {
            Ok(r) => map_result("stop", &r.into_inner()),
            Err(s) => failed(s),
        },
        "monitor" => match client.device_action(monitor(spec.rsc.id.clone())).await {
            Ok(r) => map_result("monitor", &r.into_inner()),
            Err(s) => failed(s),
        },
        _ => synthetic(
            ocf::UNIMPLEMENT_FEATURE,
            ExecStatus::Error,
            Some("Invalid fence device action (bug?)".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc_of(o: &RawOutcome) -> (i32, ExecStatus) {
        match &o.termination {
            Termination::Synthetic { rc, status, .. } => (*rc, *status),
            _ => panic!("not synthetic"),
        }
    }

    #[test]
    fn mapping() {
        let r = |exit_status, exec_status| fpb::Result {
            exit_status,
            exec_status,
            ..Default::default()
        };
        assert_eq!(rc_of(&map_result("start", &r(0, 0))), (0, ExecStatus::Done));
        assert_eq!(
            rc_of(&map_result("monitor", &r(1, 10))),
            (7, ExecStatus::Error)
        );
        assert_eq!(
            rc_of(&map_result("stop", &r(1, 10))),
            (0, ExecStatus::Error)
        );
        assert_eq!(
            rc_of(&map_result("start", &r(1, 10))),
            (5, ExecStatus::Error)
        );
        assert_eq!(
            rc_of(&map_result("start", &r(1, 2))),
            (1, ExecStatus::Timeout)
        );
        assert_eq!(rc_of(&probe(ProbeState::Stopped)), (7, ExecStatus::Done));
    }
}
