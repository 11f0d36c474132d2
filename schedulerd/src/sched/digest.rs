//! Operation digests: whether an action's parameters changed since it ran
//! (`pe_digest.c`, `pcmk__check_action_config`).

use std::collections::HashMap;

use pcmk_common::cib::digest_op_params;
use pcmk_common::xml::Element;

use crate::model::{ActionFlags, NodeIdx, RelFlags, RscFlags, RscIdx, Scheduler, op_key};
use crate::values::parse_ll;

/// How a recorded digest compares with the calculated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestResult {
    /// Parameters unchanged.
    Match,
    /// Parameters changed (reloadable).
    Mismatch,
    /// Non-reloadable parameters changed.
    Restart,
    /// No digest recorded.
    Unknown,
}

/// Digests calculated for an action on a node.
#[derive(Debug, Clone)]
pub struct DigestData {
    /// Outcome of the comparison.
    pub rc: DigestResult,
    /// Digest of all parameters.
    pub all: String,
    /// Digest of the non-reloadable parameters, when recorded.
    pub restart: Option<String>,
    /// Digest without the private parameters.
    pub secure: Option<String>,
}

/// Pacemaker-defined fencing parameters (`pcmk_stonith_param`).
fn is_fence_param(name: &str) -> bool {
    if name == "provides" || name == "stonith-timeout" {
        return true;
    }
    let Some(rest) = name.strip_prefix("pcmk_") else {
        return false;
    };
    if matches!(
        name,
        "pcmk_action_limit"
            | "pcmk_delay_base"
            | "pcmk_delay_max"
            | "pcmk_host_argument"
            | "pcmk_host_check"
            | "pcmk_host_list"
            | "pcmk_host_map"
    ) {
        return true;
    }
    match rest.find('_') {
        Some(i) => matches!(&rest[i..], "_action" | "_timeout" | "_retries"),
        None => false,
    }
}

/// Removes the attributes that never count in digests, keeping the timeout
/// of recurring operations (`pcmk__filter_op_for_digest`).
pub(crate) fn filter_for_digest(all: &mut Vec<(String, String)>) {
    let interval = all
        .iter()
        .find(|(k, _)| k == "CRM_meta_interval")
        .and_then(|(_, v)| parse_ll(v))
        .unwrap_or(0);
    let timeout = if interval != 0 {
        all.iter()
            .find(|(k, _)| k == "CRM_meta_timeout")
            .map(|(_, v)| v.clone())
    } else {
        None
    };
    all.retain(|(k, _)| {
        !k.starts_with("CRM_meta_")
            && !matches!(
                k.as_str(),
                "id" | "crm_feature_set"
                    | "op-digest"
                    | "on_node"
                    | "on_node_uuid"
                    | "pcmk_external_ip"
            )
    });
    if let Some(t) = timeout {
        all.push(("CRM_meta_timeout".into(), t));
    }
}

impl Scheduler {
    /// Calculates the digests of an action (`pe__calculate_digests`).
    fn calculate_digests(
        &mut self,
        rsc: RscIdx,
        task: &str,
        interval_ms: u64,
        node: NodeIdx,
        xml_op: Option<&Element>,
        calc_secure: bool,
    ) -> DigestData {
        let mut rc = DigestResult::Match;
        let mut all: Vec<(String, String)> = Vec::new();
        let put = |all: &mut Vec<(String, String)>, k: &str, v: &str| match all
            .iter_mut()
            .find(|(n, _)| n == k)
        {
            Some(slot) => slot.1 = v.to_string(),
            None => all.push((k.to_string(), v.to_string())),
        };
        let params = self.rsc_params(rsc, Some(node));
        for (k, v) in &params {
            put(&mut all, k, v);
        }
        let entry = self.find_action_config(rsc, task, interval_ms, true);
        let action_params: HashMap<String, String> = match entry {
            Some(e) => {
                let ops = self.rsc_ops(rsc);
                let op = ops[e];
                let input = crate::rules_input::RuleInput {
                    now: self.now,
                    node_attrs: Some(&self.nodes[node].attrs),
                    ..Default::default()
                };
                let mut m = HashMap::new();
                crate::nvset::unpack_blocks(
                    op,
                    "instance_attributes",
                    None,
                    &input,
                    &mut m,
                    &self.input,
                );
                m
            }
            None => HashMap::new(),
        };
        if interval_ms == 0 && !action_params.is_empty() {
            rc = DigestResult::Restart;
        }
        for (k, v) in &action_params {
            put(&mut all, k, v);
        }
        let meta = self.unpack_action_meta(rsc, task, interval_ms, entry);
        for (k, v) in &meta {
            if k.contains('#') || k.contains(':') {
                continue;
            }
            put(&mut all, &format!("CRM_meta_{}", k.replace('-', "_")), v);
        }
        let unfiltered = all.clone();
        filter_for_digest(&mut all);
        let mut el = Element::new("parameters");
        el.attrs = all;
        let digest_all = digest_op_params(&el);
        let secure = if calc_secure {
            Some(self.secure_digest(rsc, &params, &unfiltered, xml_op))
        } else {
            None
        };
        let mut restart = None;
        if let Some(op) = xml_op {
            if op.attr("op-restart-digest").is_some() {
                let mut r = el.clone();
                if let Some(list) = op.attr("op-force-restart") {
                    let keep: Vec<&str> = list.split(' ').collect();
                    r.attrs.retain(|(k, _)| keep.contains(&k.as_str()));
                }
                restart = Some(digest_op_params(&r));
            }
        }
        DigestData {
            rc,
            all: digest_all,
            restart,
            secure,
        }
    }

    /// The fence devices whose parameter changes call for unfencing
    /// (those that require it or provide it), in Pacemaker's order
    /// (`find_unfencing_devices`, which prepends).
    pub(crate) fn unfencing_devices(&self) -> Vec<RscIdx> {
        fn walk(s: &Scheduler, rscs: &[RscIdx], found: &mut Vec<RscIdx>) {
            for &r in rscs {
                let rr = &s.rscs[r];
                if !rr.children.is_empty() {
                    walk(s, &rr.children, found);
                } else if rr.has(RscFlags::FENCE_DEVICE)
                    && (rr.has(RscFlags::NEEDS_UNFENCING)
                        || rr
                            .meta
                            .get("provides")
                            .is_some_and(|p| p.eq_ignore_ascii_case("unfencing")))
                {
                    found.push(r);
                }
            }
        }
        let mut found = Vec::new();
        walk(self, &self.top, &mut found);
        found.reverse();
        found
    }

    /// A fence device's parameter digests for unfencing a node, and
    /// whether they differ from those recorded in the node's
    /// `#digests-all`/`#digests-secure` attributes
    /// (`pe__compare_fencing_digest`): (all, secure, changed).
    pub(crate) fn fencing_digest(&mut self, rsc: RscIdx, node: NodeIdx) -> (String, String, bool) {
        let data = self.calculate_digests(rsc, "stonith-on", 0, node, None, true);
        let secure = data.secure.unwrap_or_default();
        let id = self.rscs[rsc].id.clone();
        let agent = self.rscs[rsc].xml.attr("type").unwrap_or("").to_string();
        let recorded = |name: &str| self.nodes[node].attrs.get(name).cloned();
        let changed = match recorded("#digests-all") {
            None => false,
            Some(summary) if summary.contains(&format!("{id}:{agent}:{},", data.all)) => false,
            Some(_) => !recorded("#digests-secure")
                .is_some_and(|s| s.contains(&format!("{id}:{agent}:{secure},"))),
        };
        (data.all, secure, changed)
    }

    /// The digest without private parameters (`calculate_secure_digest`).
    fn secure_digest(
        &self,
        rsc: RscIdx,
        params: &HashMap<String, String>,
        unfiltered: &[(String, String)],
        xml_op: Option<&Element>,
    ) -> String {
        let version = xml_op
            .and_then(|o| o.attr("crm_feature_set"))
            .or_else(|| self.input.attr("crm_feature_set"))
            .unwrap_or(crate::graph::CRM_FEATURE_SET);
        let old_version =
            pcmk_common::values::compare_versions(Some(version), Some("3.16.0")).is_lt();
        let secure_list = match xml_op {
            None => Some(" passwd password user "),
            Some(o) => o.attr("op-secure-params"),
        };
        let mut secure: Vec<(String, String)> = if old_version {
            let mut v: Vec<(String, String)> =
                params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            v.sort();
            v
        } else {
            unfiltered.to_vec()
        };
        if let Some(list) = secure_list {
            let names: Vec<&str> = list.split(' ').collect();
            secure.retain(|(k, _)| !names.contains(&k.as_str()));
        }
        if old_version && self.rscs[rsc].class().eq_ignore_ascii_case("stonith") {
            secure.retain(|(k, _)| !is_fence_param(k));
        }
        filter_for_digest(&mut secure);
        if old_version {
            secure.retain(|(k, _)| k != "CRM_meta_timeout");
        }
        let mut el = Element::new("parameters");
        el.attrs = secure;
        digest_op_params(&el)
    }

    /// Compares an operation's recorded digests with the configuration
    /// (`rsc_action_digest_cmp`).
    pub(crate) fn digest_cmp(
        &mut self,
        rsc: RscIdx,
        xml_op: &Element,
        node: NodeIdx,
    ) -> DigestData {
        let task = xml_op.attr("operation").unwrap_or("").to_string();
        let interval = xml_op
            .attr("interval")
            .and_then(parse_ll)
            .unwrap_or(0)
            .max(0) as u64;
        let key = (node, op_key(&self.rscs[rsc].id, &task, interval));
        let mut data = match self.digest_cache.get(&key) {
            Some(d) => d.clone(),
            None => {
                let sanitized = self.has(crate::model::SchedFlags::SANITIZED);
                let d = self.calculate_digests(rsc, &task, interval, node, Some(xml_op), sanitized);
                self.digest_cache.insert(key, d.clone());
                d
            }
        };
        let recorded_all = xml_op.attr("op-digest");
        let recorded_restart = xml_op.attr("op-restart-digest");
        // A recurring action whose failure expired is rescheduled: its
        // entry counts as recorded with a restart digest nothing matches
        let expired = xml_op.id().is_some_and(|id| {
            self.expired_recurring
                .iter()
                .any(|(r, n, e)| *r == rsc && *n == node && e == id)
        });
        // A missing value on either side matches
        let restart_differs = expired
            || match (&data.restart, recorded_restart) {
                (Some(c), Some(r)) => c != r,
                _ => false,
            };
        data.rc = if restart_differs {
            DigestResult::Restart
        } else if recorded_all.is_none() {
            DigestResult::Unknown
        } else if recorded_all != Some(data.all.as_str()) {
            if interval == 0 && data.rc == DigestResult::Restart {
                DigestResult::Restart
            } else {
                DigestResult::Mismatch
            }
        } else {
            DigestResult::Match
        };
        data
    }

    /// Schedules whatever a changed operation definition needs; returns
    /// whether something was scheduled (`pcmk__check_action_config`).
    pub(crate) fn check_action_config(&mut self, rsc: RscIdx, node: NodeIdx, op: &Element) -> bool {
        let task = op.attr("operation").unwrap_or("").to_string();
        let interval = op.attr("interval").and_then(parse_ll).unwrap_or(0).max(0) as u64;
        if interval > 0 {
            if self
                .find_action_config(rsc, &task, interval, false)
                .is_some()
            {
                // Still configured
            } else if self.has(crate::model::SchedFlags::CANCEL_REMOVED) {
                self.schedule_cancel(rsc, op.attr("call-id"), &task, interval, node);
                return true;
            } else {
                return true;
            }
        }
        let task =
            if interval == 0 && matches!(task.as_str(), "monitor" | "migrate_from" | "promote") {
                "start".to_string()
            } else {
                task
            };
        let data = self.digest_cmp(rsc, op, node);
        let only_sanitized = self.has(crate::model::SchedFlags::SANITIZED)
            && data.rc != DigestResult::Match
            && op.attr("op-secure-digest").is_some()
            && data.secure.as_deref() == op.attr("op-secure-digest");
        if only_sanitized {
            return false;
        }
        match data.rc {
            DigestResult::Restart => {
                self.force_restart(rsc, &task, interval, node);
                true
            }
            DigestResult::Unknown | DigestResult::Mismatch => {
                if interval > 0 {
                    let key = op_key(&self.rscs[rsc].id, &task, interval);
                    let a = self.custom_action(Some(rsc), key, &task, Some(node), true);
                    self.actions[a].set(ActionFlags::RESCHEDULE);
                } else if op.attr("op-restart-digest").is_some() {
                    self.schedule_reload(rsc, node);
                } else {
                    self.force_restart(rsc, &task, interval, node);
                }
                true
            }
            DigestResult::Match => false,
        }
    }

    fn force_restart(&mut self, rsc: RscIdx, task: &str, interval: u64, node: NodeIdx) {
        let key = op_key(&self.rscs[rsc].id, task, interval);
        let a = self.custom_action(Some(rsc), key, task, None, false);
        self.set_reason(a, Some("resource definition change"), true);
        // A changed fence device calls for unfencing the node again
        if self.rscs[rsc].has(RscFlags::FENCE_DEVICE) {
            self.trigger_unfencing(node, "Device parameters changed");
        }
    }

    fn schedule_reload(&mut self, rsc: RscIdx, node: NodeIdx) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.schedule_reload(c, node);
            }
            return;
        }
        if !self.rscs[rsc].has(RscFlags::MANAGED) || self.rscs[rsc].has(RscFlags::FAILED) {
            return;
        }
        if self.rscs[rsc].has(RscFlags::START_PENDING) {
            self.stop_action(rsc, Some(node), false);
            return;
        }
        self.rscs[rsc].flags.set(RscFlags::RELOAD);
        let key = op_key(&self.rscs[rsc].id, "reload-agent", 0);
        let reload = self.custom_action(Some(rsc), key, "reload-agent", Some(node), false);
        self.set_reason(reload, Some("resource definition change"), false);
        let stop = op_key(&self.rscs[rsc].id, "stop", 0);
        let demote = op_key(&self.rscs[rsc].id, "demote", 0);
        let flags = RelFlags::ORDERED | RelFlags::THEN_CANCELS_FIRST;
        self.new_ordering(None, None, Some(reload), Some(rsc), Some(stop), None, flags);
        self.new_ordering(
            None,
            None,
            Some(reload),
            Some(rsc),
            Some(demote),
            None,
            flags,
        );
    }
}

#[cfg(test)]
mod tests {
    use pcmk_common::xml::parse;

    use crate::{ScheduleOptions, schedule};

    /// A resource running with a failed 5 s monitor whose failure expired
    /// (failure-timeout 10 s, failed at 1000, now 2000).
    fn cib(failure_timeout: &str) -> String {
        format!(
            r#"<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
              <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
            <nodes><node id="1" uname="n1"/></nodes>
            <resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy">
              <meta_attributes id="r-m"><nvpair id="r-m1" name="failure-timeout" value="{failure_timeout}"/></meta_attributes>
              <operations><op id="r-mon" name="monitor" interval="5s"/></operations>
            </primitive></resources><constraints/></configuration>
            <status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
              <transient_attributes id="1"><instance_attributes id="s1">
                <nvpair id="s1-f" name="fail-count-r#monitor_5000" value="1"/>
                <nvpair id="s1-l" name="last-failure-r#monitor_5000" value="1000"/>
              </instance_attributes></transient_attributes>
              <lrm id="1"><lrm_resources><lrm_resource id="r" class="ocf" provider="pacemaker" type="Dummy">
                <lrm_rsc_op id="r_last_0" operation_key="r_start_0" operation="start" call-id="1" rc-code="0" op-status="0" interval="0" last-rc-change="900" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" on_node="n1" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>
                <lrm_rsc_op id="r_monitor_5000" operation_key="r_monitor_5000" operation="monitor" call-id="2" rc-code="1" op-status="0" interval="5000" last-rc-change="1000" transition-key="2:1:0:x" transition-magic="0:1;2:1:0:x" on_node="n1" op-digest="4811cef7f7f94e3a35a70be7916cb2fd"/>
              </lrm_resource></lrm_resources></lrm>
            </node_state></status></cib>"#
        )
    }

    fn actions(failure_timeout: &str) -> Vec<String> {
        let cib = parse(&cib(failure_timeout)).unwrap();
        let result = schedule(
            &cib,
            &ScheduleOptions {
                now: 2000,
                ..ScheduleOptions::default()
            },
        );
        result
            .graph
            .descendants()
            .filter(|e| e.name == "rsc_op" || e.name == "crm_event")
            .filter_map(|e| e.attr("operation_key").map(str::to_string))
            .collect()
    }

    #[test]
    fn an_expired_recurring_failure_reschedules_the_monitor_only() {
        let mut got = actions("10s");
        got.sort();
        assert_eq!(got, ["r_clear_failcount_0", "r_monitor_5000"]);
        // Not expired: the failure is recovered (stop, start, monitor)
        let got = actions("2000s");
        assert!(got.iter().any(|k| k == "r_stop_0"), "{got:?}");
        assert!(got.iter().any(|k| k == "r_start_0"), "{got:?}");
    }
}
