//! Cluster options (`crm_config`): reads the property sets, resolves the
//! deprecated names and sets the scheduler's flags and policies.

use std::collections::HashMap;

use crate::model::scheduler::NoQuorum;
use crate::model::{SchedFlags, Scheduler};
use crate::nvset;
use crate::rules_input::RuleInput;
use crate::values::{is_true, parse_interval_ms};

/// Deprecated option names and the names that replaced them.
const ALIASES: &[(&str, &str)] = &[
    ("stonith-enabled", "fencing-enabled"),
    ("stonith-action", "fencing-action"),
    ("stonith-timeout", "fencing-timeout"),
    ("stonith-watchdog-timeout", "fencing-watchdog-timeout"),
    ("stonith-max-attempts", "fencing-max-attempts"),
    ("fence-reaction", "fencing-reaction"),
    ("stop-orphan-resources", "stop-removed-resources"),
    ("stop-orphan-actions", "cancel-removed-actions"),
];

/// Defaults of the options the scheduler reads.
const DEFAULTS: &[(&str, &str)] = &[
    ("enable-startup-probes", "true"),
    ("have-watchdog", "false"),
    ("fencing-enabled", "true"),
    ("fencing-action", "reboot"),
    ("fencing-timeout", "60s"),
    ("concurrent-fencing", "true"),
    ("stop-all-resources", "false"),
    ("symmetric-cluster", "true"),
    ("no-quorum-policy", "stop"),
    ("stop-removed-resources", "true"),
    ("cancel-removed-actions", "true"),
    ("maintenance-mode", "false"),
    ("start-failure-is-fatal", "true"),
    ("startup-fencing", "true"),
    ("placement-strategy", "default"),
    ("shutdown-lock", "false"),
    ("shutdown-lock-limit", "0"),
    ("node-pending-timeout", "0"),
    ("fence-remote-without-quorum", "false"),
    ("cluster-delay", "60s"),
    ("batch-limit", "0"),
    ("migration-limit", "-1"),
    ("node-health-strategy", "none"),
    ("node-health-base", "0"),
    ("node-health-green", "0"),
    ("node-health-yellow", "0"),
    ("node-health-red", "-INFINITY"),
    ("priority-fencing-delay", "0"),
    ("pe-error-series-max", "-1"),
    ("pe-warn-series-max", "5000"),
    ("pe-input-series-max", "4000"),
];

/// The value of a cluster option, by current name, with its default.
pub fn option<'a>(options: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    if let Some(v) = options.get(name) {
        return Some(v.as_str());
    }
    for (old, new) in ALIASES {
        if *new == name {
            if let Some(v) = options.get(*old) {
                return Some(v.as_str());
            }
        }
    }
    DEFAULTS.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

impl Scheduler {
    /// A cluster option with its default.
    pub fn opt(&self, name: &str) -> Option<&str> {
        option(&self.options, name)
    }

    fn opt_flag(&mut self, name: &str, flag: u64) {
        if let Some(v) = self.opt(name) {
            let on = is_true(Some(v));
            self.flags.put(flag, on);
        }
    }

    /// Unpacks `crm_config` (`unpack_config`).
    pub(crate) fn unpack_config(&mut self) {
        let input = RuleInput {
            now: self.now,
            ..RuleInput::default()
        };
        let mut options = HashMap::new();
        if let Some(cfg) = self
            .input
            .child("configuration")
            .and_then(|c| c.child("crm_config"))
        {
            nvset::unpack_blocks(
                cfg,
                "cluster_property_set",
                Some("cib-bootstrap-options"),
                &input,
                &mut options,
                &self.input,
            );
        }
        self.options = options;

        self.opt_flag("enable-startup-probes", SchedFlags::PROBE_RESOURCES);
        if is_true(self.opt("have-watchdog")) {
            self.flags.put(SchedFlags::HAVE_FENCING, true);
        }
        if self.unfencing_configured() {
            self.flags.put(SchedFlags::ENABLE_UNFENCING, true);
        }
        self.fence_timeout_ms = self
            .opt("fencing-timeout")
            .and_then(parse_interval_ms)
            .unwrap_or(60_000);
        self.opt_flag("fencing-enabled", SchedFlags::FENCING_ENABLED);
        self.fence_action = self.opt("fencing-action").unwrap_or("reboot").to_string();
        self.opt_flag("concurrent-fencing", SchedFlags::CONCURRENT_FENCING);
        self.priority_fencing_ms = self
            .opt("priority-fencing-delay")
            .and_then(parse_interval_ms)
            .unwrap_or(0);
        self.opt_flag("stop-all-resources", SchedFlags::STOP_ALL);
        self.opt_flag("symmetric-cluster", SchedFlags::SYMMETRIC);

        let nq = self
            .opt("no-quorum-policy")
            .unwrap_or("stop")
            .to_ascii_lowercase();
        self.no_quorum = match nq.as_str() {
            "ignore" => NoQuorum::Ignore,
            "freeze" => NoQuorum::Freeze,
            "demote" => NoQuorum::Demote,
            "fence" | "suicide" => {
                if self.has(SchedFlags::FENCING_ENABLED) {
                    let panic = self
                        .input
                        .attr("no-quorum-panic")
                        .and_then(crate::values::parse_ll)
                        .unwrap_or(0);
                    if panic != 0 || self.has(SchedFlags::QUORATE) {
                        NoQuorum::Fence
                    } else {
                        NoQuorum::Stop
                    }
                } else {
                    self.config_err(
                        "Resetting no-quorum-policy to 'stop' because fencing is disabled",
                    );
                    NoQuorum::Stop
                }
            }
            _ => NoQuorum::Stop,
        };

        self.opt_flag("stop-removed-resources", SchedFlags::STOP_REMOVED);
        self.opt_flag("cancel-removed-actions", SchedFlags::CANCEL_REMOVED);
        self.opt_flag("maintenance-mode", SchedFlags::MAINTENANCE);
        self.opt_flag("start-failure-is-fatal", SchedFlags::START_FAILURE_FATAL);
        if self.has(SchedFlags::FENCING_ENABLED) {
            self.opt_flag("startup-fencing", SchedFlags::STARTUP_FENCING);
        }
        self.placement_strategy = self
            .opt("placement-strategy")
            .unwrap_or("default")
            .to_ascii_lowercase();
        self.opt_flag("shutdown-lock", SchedFlags::SHUTDOWN_LOCK);
        if self.has(SchedFlags::SHUTDOWN_LOCK) {
            self.shutdown_lock_ms = self
                .opt("shutdown-lock-limit")
                .and_then(parse_interval_ms)
                .unwrap_or(0);
        }
        self.node_pending_ms = self
            .opt("node-pending-timeout")
            .and_then(parse_interval_ms)
            .unwrap_or(0);
        self.opt_flag(
            "fence-remote-without-quorum",
            SchedFlags::FENCE_REMOTE_NO_QUORUM,
        );
    }

    /// Whether any resource (or the resource defaults) says it provides or
    /// requires unfencing.
    fn unfencing_configured(&self) -> bool {
        let Some(cfg) = self.input.child("configuration") else {
            return false;
        };
        let matches = |set: &pcmk_common::xml::Element| {
            set.children_named("nvpair").any(|p| {
                matches!(p.attr("name"), Some("provides") | Some("requires"))
                    && p.attr("value") == Some("unfencing")
            })
        };
        let in_rscs = cfg.child("resources").is_some_and(|r| {
            r.descendants()
                .filter(|e| e.name == "meta_attributes")
                .any(matches)
        });
        let in_defaults = cfg
            .child("rsc_defaults")
            .is_some_and(|d| d.children_named("meta_attributes").any(matches));
        in_rscs || in_defaults
    }
}
