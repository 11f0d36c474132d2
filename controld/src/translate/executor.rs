//! The executor's wire types (`execd.proto`) and the core's requests and
//! results: a graph action's attributes split into instance parameters
//! and `CRM_meta_*` meta attributes on the way out, and joined back on
//! the way in (the operation digests are computed over both).

use std::collections::BTreeMap;

use pcmk_proto::execd as pb;

use crate::core::controller::ExecRequest;
use crate::core::history::{OpResult, RscInfo};
use crate::core::keys::ExecStatus;

/// Prefix of meta attributes among a graph action's attributes.
pub const META_PREFIX: &str = "CRM_meta_";

/// The executor's view of a resource.
pub fn resource(rsc: &RscInfo) -> pb::Resource {
    pb::Resource {
        id: rsc.id.clone(),
        class: rsc.standard.clone(),
        provider: rsc.provider.clone().unwrap_or_default(),
        r#type: rsc.kind.clone(),
    }
}

/// The core's view of a resource.
pub fn rsc_info(r: &pb::Resource) -> RscInfo {
    RscInfo {
        id: r.id.clone(),
        standard: r.class.clone(),
        provider: (!r.provider.is_empty()).then(|| r.provider.clone()),
        kind: r.r#type.clone(),
    }
}

fn millis_u32(ms: u128) -> u32 {
    u32::try_from(ms).unwrap_or(u32::MAX)
}

/// Splits graph attributes into instance parameters and meta attributes
/// (without their prefix).
pub fn split_params(
    all: &BTreeMap<String, String>,
) -> (
    std::collections::HashMap<String, String>,
    std::collections::HashMap<String, String>,
) {
    let mut params = std::collections::HashMap::new();
    let mut meta = std::collections::HashMap::new();
    for (k, v) in all {
        match k.strip_prefix(META_PREFIX) {
            Some(m) => {
                meta.insert(m.to_string(), v.clone());
            }
            None => {
                params.insert(k.clone(), v.clone());
            }
        }
    }
    (params, meta)
}

/// The executor request for an operation (anything but `cancel`).
pub fn exec_request(req: &ExecRequest) -> pb::ExecRequest {
    let (params, meta) = split_params(&req.params);
    let start_delay_ms = meta
        .get("start_delay")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(0);
    pb::ExecRequest {
        rsc: Some(resource(&req.rsc)),
        action: req.task.clone(),
        interval_ms: u32::try_from(req.interval_ms).unwrap_or(u32::MAX),
        timeout_ms: millis_u32(req.timeout.as_millis()),
        start_delay_ms,
        params,
        meta,
        user_data: req.transition_key.clone().unwrap_or_default(),
        // Recurring results only matter when they change, as with
        // Pacemaker's executor.
        notify_changes_only: req.interval_ms > 0,
    }
}

/// The executor request cancelling the recurring operation a graph's
/// `cancel` action names (its `CRM_meta_operation` and interval).
pub fn cancel_request(req: &ExecRequest) -> pb::CancelRequest {
    pb::CancelRequest {
        rsc_id: req.rsc.id.clone(),
        action: req
            .params
            .get("CRM_meta_operation")
            .cloned()
            .unwrap_or_else(|| "monitor".to_string()),
        interval_ms: u32::try_from(req.interval_ms).unwrap_or(u32::MAX),
    }
}

/// The core's result for one executor result; `None` when it names no
/// resource or action.
pub fn op_result(r: &pb::OpResult) -> Option<(RscInfo, OpResult)> {
    if r.rsc_id.is_empty() || r.action.is_empty() {
        return None;
    }
    let rsc = match &r.rsc {
        Some(x) if x.id == r.rsc_id => rsc_info(x),
        _ => RscInfo {
            id: r.rsc_id.clone(),
            ..RscInfo::default()
        },
    };
    let mut params: BTreeMap<String, String> = r
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &r.meta {
        params.insert(format!("{META_PREFIX}{k}"), v.clone());
    }
    let op = OpResult {
        rsc_id: r.rsc_id.clone(),
        task: r.action.clone(),
        interval_ms: u64::from(r.interval_ms),
        call_id: r.call_id,
        rc: r.rc,
        status: ExecStatus::from_code(r.op_status).unwrap_or(ExecStatus::Error),
        exit_reason: (!r.exit_reason.is_empty()).then(|| r.exit_reason.clone()),
        t_run: r.run_time,
        t_rcchange: r.rc_change_time,
        exec_time: r.exec_time_ms,
        queue_time: r.queue_time_ms,
        params,
        transition_key: (!r.user_data.is_empty()).then(|| r.user_data.clone()),
    };
    Some((rsc, op))
}

/// The result recorded for an operation the executor could not even
/// start (unreachable, or it refused the request), so that the DC is not
/// left waiting for it.
pub fn failed_to_start(
    req: &ExecRequest,
    status: ExecStatus,
    reason: &str,
    epoch: i64,
) -> (RscInfo, OpResult) {
    let op = OpResult {
        rsc_id: req.rsc.id.clone(),
        task: req.task.clone(),
        interval_ms: req.interval_ms,
        call_id: -1,
        rc: 1,
        status,
        exit_reason: Some(reason.to_string()),
        t_run: epoch,
        t_rcchange: epoch,
        exec_time: 0,
        queue_time: 0,
        params: req.params.clone(),
        transition_key: req.transition_key.clone(),
    };
    (req.rsc.clone(), op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn request() -> ExecRequest {
        let mut params = BTreeMap::new();
        params.insert("state".to_string(), "/tmp/x".to_string());
        params.insert("CRM_meta_timeout".to_string(), "20000".to_string());
        params.insert("CRM_meta_start_delay".to_string(), "5".to_string());
        ExecRequest {
            rsc: RscInfo {
                id: "d".into(),
                standard: "ocf".into(),
                provider: Some("pacemaker".into()),
                kind: "Dummy".into(),
            },
            task: "monitor".into(),
            interval_ms: 10_000,
            params,
            timeout: Duration::from_secs(20),
            transition_key: Some("4:2:0:uuid".into()),
        }
    }

    #[test]
    fn request_and_result_round_trip() {
        let req = request();
        let wire = exec_request(&req);
        assert_eq!(wire.params.get("state").map(String::as_str), Some("/tmp/x"));
        assert_eq!(wire.meta.get("timeout").map(String::as_str), Some("20000"));
        assert_eq!(wire.start_delay_ms, 5);
        assert_eq!(wire.timeout_ms, 20_000);
        assert!(wire.notify_changes_only);
        let result = pb::OpResult {
            rsc_id: "d".into(),
            action: "monitor".into(),
            interval_ms: 10_000,
            call_id: 9,
            rc: 7,
            op_status: 0,
            params: wire.params.clone(),
            meta: wire.meta.clone(),
            user_data: wire.user_data.clone(),
            rsc: wire.rsc.clone(),
            run_time: 1_700_000_000,
            ..pb::OpResult::default()
        };
        let (rsc, op) = op_result(&result).unwrap();
        assert_eq!(rsc, req.rsc);
        assert_eq!(op.params, req.params);
        assert_eq!(op.transition_key, req.transition_key);
        assert_eq!((op.rc, op.status, op.call_id), (7, ExecStatus::Done, 9));
    }

    #[test]
    fn odd_results() {
        assert!(op_result(&pb::OpResult::default()).is_none());
        let r = pb::OpResult {
            rsc_id: "d".into(),
            action: "start".into(),
            op_status: 99,
            ..pb::OpResult::default()
        };
        let (rsc, op) = op_result(&r).unwrap();
        assert_eq!(rsc.id, "d");
        assert_eq!(op.status, ExecStatus::Error);
        assert_eq!(op.transition_key, None);
    }

    #[test]
    fn cancel_names_the_recurring_operation() {
        let mut req = request();
        req.task = "cancel".into();
        req.params
            .insert("CRM_meta_operation".into(), "monitor".into());
        let c = cancel_request(&req);
        assert_eq!(
            (c.rsc_id.as_str(), c.action.as_str(), c.interval_ms),
            ("d", "monitor", 10_000)
        );
    }
}
