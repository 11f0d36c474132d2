//! The cluster options the controller uses, with Pacemaker's defaults.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::core::interval::parse_interval;

/// Cluster options read from `crm_config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerOptions {
    /// `dc-deadtime`: how long to wait for a DC before an election (20s).
    pub dc_deadtime: Duration,
    /// `election-timeout`: how long an election may take (2min).
    pub election_timeout: Duration,
    /// `join-integration-timeout` (3min).
    pub join_integration_timeout: Duration,
    /// `join-finalization-timeout` (30min).
    pub join_finalization_timeout: Duration,
    /// `shutdown-escalation` (20min).
    pub shutdown_escalation: Duration,
    /// `transition-delay` (0s).
    pub transition_delay: Duration,
    /// `cluster-recheck-interval` (15min; 0 disables).
    pub cluster_recheck_interval: Duration,
    /// `node-action-limit` (0: no fixed limit).
    pub node_action_limit: u32,
    /// `fencing-max-attempts` (`stonith-max-attempts`): failed fencing
    /// attempts of one target before the controller stops retrying (10).
    pub fencing_max_attempts: u32,
    /// `cluster-name`, if set.
    pub cluster_name: Option<String>,
}

impl Default for ControllerOptions {
    fn default() -> Self {
        ControllerOptions {
            dc_deadtime: Duration::from_secs(20),
            election_timeout: Duration::from_secs(120),
            join_integration_timeout: Duration::from_secs(180),
            join_finalization_timeout: Duration::from_secs(1800),
            shutdown_escalation: Duration::from_secs(1200),
            transition_delay: Duration::ZERO,
            cluster_recheck_interval: Duration::from_secs(900),
            node_action_limit: 0,
            fencing_max_attempts: 10,
            cluster_name: None,
        }
    }
}

impl ControllerOptions {
    /// The options from `crm_config` name/value pairs; invalid or missing
    /// values keep their defaults.
    pub fn from_pairs(pairs: &BTreeMap<String, String>) -> ControllerOptions {
        let mut o = ControllerOptions::default();
        let dur = |name: &str, slot: &mut Duration| {
            if let Some(d) = pairs.get(name).and_then(|v| parse_interval(v)) {
                *slot = d;
            }
        };
        dur("dc-deadtime", &mut o.dc_deadtime);
        dur("election-timeout", &mut o.election_timeout);
        dur("join-integration-timeout", &mut o.join_integration_timeout);
        dur(
            "join-finalization-timeout",
            &mut o.join_finalization_timeout,
        );
        dur("shutdown-escalation", &mut o.shutdown_escalation);
        dur("transition-delay", &mut o.transition_delay);
        dur("cluster-recheck-interval", &mut o.cluster_recheck_interval);
        if let Some(n) = pairs
            .get("node-action-limit")
            .and_then(|v| v.trim().parse().ok())
        {
            o.node_action_limit = n;
        }
        if let Some(n) = pairs
            .get("fencing-max-attempts")
            .or_else(|| pairs.get("stonith-max-attempts"))
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|&n| n > 0)
        {
            o.fencing_max_attempts = n;
        }
        o.cluster_name = pairs.get("cluster-name").cloned();
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let mut p = BTreeMap::new();
        p.insert("dc-deadtime".to_string(), "5s".to_string());
        p.insert("election-timeout".to_string(), "bogus".to_string());
        p.insert("node-action-limit".to_string(), "4".to_string());
        let o = ControllerOptions::from_pairs(&p);
        assert_eq!(o.dc_deadtime, Duration::from_secs(5));
        assert_eq!(o.election_timeout, Duration::from_secs(120));
        assert_eq!(o.node_action_limit, 4);
        assert_eq!(o.fencing_max_attempts, 10);
        p.insert("stonith-max-attempts".to_string(), "3".to_string());
        assert_eq!(ControllerOptions::from_pairs(&p).fencing_max_attempts, 3);
        p.insert("fencing-max-attempts".to_string(), "0".to_string());
        assert_eq!(ControllerOptions::from_pairs(&p).fencing_max_attempts, 10);
        p.insert("fencing-max-attempts".to_string(), "5".to_string());
        assert_eq!(ControllerOptions::from_pairs(&p).fencing_max_attempts, 5);
    }
}
