//! Fence devices: their parameters and what Pacemaker derives from them
//! (`pcmk_host_list`, `pcmk_host_map`, `pcmk_host_check`, action aliases,
//! timeouts, retries, delays and limits), following
//! `daemons/fenced/fenced_commands.c`.

use std::collections::BTreeMap;

use crate::duration::parse_ms;
use crate::metadata::AgentInfo;

/// How a device decides whether it can fence a target (`pcmk_host_check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostCheck {
    /// `static-list`: the host list / host map.
    StaticList,
    /// `dynamic-list`: the agent's `list` output.
    DynamicList,
    /// `status`: ask the agent about each target.
    Status,
    /// `none`: it can fence anything.
    None,
    /// An unknown value (the device can fence nothing).
    Invalid,
}

/// Seconds a dynamic target list stays fresh.
pub const TARGET_CACHE_S: i64 = 60;

/// A registered fence device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Device id.
    pub id: String,
    /// Fence agent (e.g. `fence_ipmilan`).
    pub agent: String,
    /// All parameters, `pcmk_*` included.
    pub params: BTreeMap<String, String>,
    /// Targets from `pcmk_host_list` and the values of `pcmk_host_map`,
    /// or the last dynamic list.
    pub targets: Vec<String>,
    /// When the dynamic list was read (epoch seconds), if ever.
    pub targets_age: Option<i64>,
    /// Node name to port/plug (`pcmk_host_map`), names compared caselessly.
    pub aliases: BTreeMap<String, String>,
    /// What the agent's meta-data says.
    pub info: AgentInfo,
    /// Registered through the API (started by the executor or stonith_admin).
    pub api_registered: bool,
    /// Registered from the CIB.
    pub cib_registered: bool,
    /// A list/monitor/status has succeeded at least once.
    pub verified: bool,
    /// The CIB marks it `provides=unfencing`.
    pub provides_unfencing: bool,
}

/// Splits a target list (agent `list` output or `pcmk_host_list`) into
/// names, as Pacemaker's `stonith__parse_targets()` does: lines (also
/// literal `\n`), then entries separated by spaces, commas or semicolons,
/// each the leading `[A-Za-z0-9_.-]` run; `on`/`off` status words and lines
/// with "invalid" or "variable" are skipped.
pub fn parse_targets(spec: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in spec.replace("\\n", "\n").lines() {
        if line.contains("invalid") || line.contains("variable") {
            continue;
        }
        for entry in line.split(|c: char| c.is_whitespace() || c == ',' || c == ';') {
            let name: String = entry
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .collect();
            if name.is_empty()
                || name.eq_ignore_ascii_case("on")
                || name.eq_ignore_ascii_case("off")
            {
                continue;
            }
            out.push(name);
        }
    }
    out
}

/// Parses `pcmk_host_map` (`node:port;node2:port2`, `=` also accepted).
pub fn parse_host_map(map: &str) -> Vec<(String, String)> {
    map.trim()
        .split([';', ' ', '\t'])
        .filter(|m| !m.is_empty())
        .filter_map(|m| {
            let (k, v) = m.split_once([':', '='])?;
            if k.is_empty() || v.is_empty() {
                tracing::error!("pcmk_host_map: Malformed mapping '{m}'");
                return None;
            }
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

/// Whether `name` is one of the `pcmk_*` parameters Pacemaker handles
/// itself (never passed to the agent), as `pcmk_stonith_param()` says.
pub fn is_pacemaker_param(name: &str) -> bool {
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

/// Whether `action` fences (reboot or off), as opposed to unfencing or queries.
pub fn is_fencing_action(action: &str) -> bool {
    action == "reboot" || action == "off"
}

impl Device {
    /// Builds a device from its id, agent and parameters.
    pub fn new(id: &str, agent: &str, params: BTreeMap<String, String>, info: AgentInfo) -> Device {
        let mut targets = params
            .get("pcmk_host_list")
            .map(|v| parse_targets(v))
            .unwrap_or_default();
        let mut aliases = BTreeMap::new();
        if let Some(map) = params.get("pcmk_host_map") {
            for (node, port) in parse_host_map(map) {
                targets.push(port.clone());
                aliases.insert(node.to_ascii_lowercase(), port);
            }
        }
        let mut d = Device {
            id: id.to_string(),
            agent: agent.to_string(),
            params,
            targets,
            targets_age: None,
            aliases,
            info,
            api_registered: false,
            cib_registered: false,
            verified: false,
            provides_unfencing: false,
        };
        if d.host_check() != HostCheck::StaticList {
            d.targets.clear();
        }
        d
    }

    /// The effective `pcmk_host_check`.
    pub fn host_check(&self) -> HostCheck {
        if let Some(v) = self.params.get("pcmk_host_check") {
            return match v.to_ascii_lowercase().as_str() {
                "static-list" => HostCheck::StaticList,
                "dynamic-list" => HostCheck::DynamicList,
                "status" => HostCheck::Status,
                "none" => HostCheck::None,
                _ => HostCheck::Invalid,
            };
        }
        if self.params.contains_key("pcmk_host_list") || self.params.contains_key("pcmk_host_map") {
            HostCheck::StaticList
        } else if self.info.supports_list {
            HostCheck::DynamicList
        } else if self.info.supports_status {
            HostCheck::Status
        } else {
            HostCheck::None
        }
    }

    /// The port/plug `target` is known as on this device, if mapped.
    pub fn alias(&self, target: &str) -> Option<&str> {
        self.aliases
            .get(&target.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Whether the static list or host map names `target`.
    pub fn static_match(&self, target: &str) -> bool {
        self.targets.iter().any(|t| t.eq_ignore_ascii_case(target)) || self.alias(target).is_some()
    }

    /// Whether the cached dynamic list names `target` (or its alias).
    pub fn dynamic_match(&self, target: &str) -> bool {
        let name = self.alias(target).unwrap_or(target);
        self.targets.iter().any(|t| t.eq_ignore_ascii_case(name))
    }

    /// Whether the dynamic list may be used without running `list` again.
    pub fn target_cache_fresh(&self, now_s: i64) -> bool {
        !self.targets.is_empty() && self.targets_age.is_some_and(|a| now_s < a + TARGET_CACHE_S)
    }

    /// The action run for `action` after the `reboot`-to-`off` remap of
    /// agents without reboot.
    pub fn remapped_action<'a>(&self, action: &'a str) -> &'a str {
        if action == "reboot" && !self.info.supports_reboot {
            "off"
        } else {
            action
        }
    }

    /// Timeout in seconds for `action`: `pcmk_<action>_timeout` or `default_s`.
    pub fn action_timeout_s(&self, action: &str, default_s: u32) -> u32 {
        let action = self.remapped_action(action);
        self.params
            .get(&format!("pcmk_{action}_timeout"))
            .and_then(|v| parse_ms(v))
            .map_or(default_s, |ms| {
                u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX)
            })
    }

    /// Attempts allowed for `action` (`pcmk_<action>_retries`, default 2).
    pub fn action_retries(&self, action: &str) -> u32 {
        self.params
            .get(&format!("pcmk_{action}_retries"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(2)
    }

    /// Concurrent actions allowed (`pcmk_action_limit`; -1 unlimited).
    pub fn action_limit(&self) -> i32 {
        match self
            .params
            .get("pcmk_action_limit")
            .and_then(|v| v.trim().parse::<i32>().ok())
        {
            None | Some(0) => 1,
            Some(n) => n,
        }
    }

    /// The configured `pcmk_reboot_action` (default `reboot`).
    pub fn reboot_action(&self) -> &str {
        self.params
            .get("pcmk_reboot_action")
            .map_or("reboot", String::as_str)
    }

    /// (base, max) fencing delay in seconds for `action` on `target`.
    pub fn delays_s(&self, action: &str, target: Option<&str>) -> (u32, u32) {
        if !is_fencing_action(action) {
            return (0, 0);
        }
        let to_s = |ms: u64| u32::try_from(ms / 1000).unwrap_or(u32::MAX);
        let max = self
            .params
            .get("pcmk_delay_max")
            .and_then(|v| parse_ms(v))
            .map_or(0, to_s);
        let base = self.params.get("pcmk_delay_base").map_or(0, |v| {
            let v = v.trim();
            let mapped = if v.contains(':') {
                target.and_then(|t| {
                    v.split([';', ' ', '\t'])
                        .filter_map(|m| m.split_once(':'))
                        .find(|(n, _)| n.eq_ignore_ascii_case(t))
                        .map(|(_, d)| d.to_string())
                })
            } else {
                None
            };
            parse_ms(mapped.as_deref().unwrap_or(v)).map_or(0, to_s)
        });
        let max = if max == 0 { base } else { max };
        (base.min(max), max)
    }

    /// Whether the agent supports `on`.
    pub fn supports_on(&self) -> bool {
        self.info.supports_on
    }

    /// Whether this device must be used to unfence (`on` required).
    pub fn auto_unfence(&self) -> bool {
        self.info.auto_unfence || self.provides_unfencing
    }

    /// Whether two registrations describe the same device (meta
    /// attributes and the feature set aside).
    pub fn same_config(&self, other: &Device) -> bool {
        let relevant = |p: &BTreeMap<String, String>| -> BTreeMap<String, String> {
            p.iter()
                .filter(|(k, _)| !k.starts_with("CRM_meta_") && k.as_str() != "crm_feature_set")
                .map(|(k, v)| (k.clone(), v.to_ascii_lowercase()))
                .collect()
        };
        self.agent.eq_ignore_ascii_case(&other.agent)
            && relevant(&self.params) == relevant(&other.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(params: &[(&str, &str)], info: AgentInfo) -> Device {
        Device::new(
            "d",
            "fence_x",
            params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            info,
        )
    }

    #[test]
    fn target_lists() {
        assert_eq!(
            parse_targets("node1 node2,node3;node4\nnode5"),
            ["node1", "node2", "node3", "node4", "node5"]
        );
        assert_eq!(parse_targets("a\\nb"), ["a", "b"]);
        assert_eq!(
            parse_targets("vm1,on\nvm2,off\ninvalid option x"),
            ["vm1", "vm2"]
        );
        assert_eq!(parse_targets("n1:extra"), ["n1"]);
        assert_eq!(
            parse_host_map("n1:1;n2=2 n3:3;bad"),
            [
                ("n1".to_string(), "1".to_string()),
                ("n2".to_string(), "2".to_string()),
                ("n3".to_string(), "3".to_string())
            ]
        );
    }

    proptest::proptest! {
        /// Agent list output of any shape yields only well-formed names.
        #[test]
        fn parsed_targets_are_names(text in "[ -~\n\t]{0,300}") {
            for t in parse_targets(&text) {
                proptest::prop_assert!(!t.is_empty());
                proptest::prop_assert!(t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')));
                proptest::prop_assert!(!t.eq_ignore_ascii_case("on") && !t.eq_ignore_ascii_case("off"));
            }
            let _ = parse_host_map(&text);
        }
    }

    #[test]
    fn host_check_defaults() {
        let list_info = AgentInfo {
            supports_list: true,
            ..AgentInfo::default()
        };
        assert_eq!(
            dev(&[("pcmk_host_list", "a b")], list_info.clone()).host_check(),
            HostCheck::StaticList
        );
        assert_eq!(
            dev(&[("pcmk_host_map", "a:1")], list_info.clone()).host_check(),
            HostCheck::StaticList
        );
        assert_eq!(
            dev(&[], list_info.clone()).host_check(),
            HostCheck::DynamicList
        );
        let status_info = AgentInfo {
            supports_status: true,
            ..AgentInfo::default()
        };
        assert_eq!(dev(&[], status_info).host_check(), HostCheck::Status);
        assert_eq!(dev(&[], AgentInfo::default()).host_check(), HostCheck::None);
        assert_eq!(
            dev(&[("pcmk_host_check", "bogus")], AgentInfo::default()).host_check(),
            HostCheck::Invalid
        );
        let d = dev(&[("pcmk_host_map", "Node1:port1")], AgentInfo::default());
        assert!(d.static_match("node1"));
        assert_eq!(d.alias("NODE1"), Some("port1"));
        // Targets only kept for static lists.
        assert!(
            dev(
                &[("pcmk_host_list", "a"), ("pcmk_host_check", "none")],
                AgentInfo::default()
            )
            .targets
            .is_empty()
        );
    }

    #[test]
    fn per_action_settings() {
        let d = dev(
            &[
                ("pcmk_off_timeout", "90s"),
                ("pcmk_reboot_retries", "5"),
                ("pcmk_delay_base", "n1:2s;n2:4s"),
                ("pcmk_delay_max", "10"),
                ("pcmk_action_limit", "0"),
            ],
            AgentInfo::default(),
        );
        // No reboot support: reboot uses off's timeout.
        assert_eq!(d.action_timeout_s("reboot", 60), 90);
        assert_eq!(d.action_timeout_s("on", 60), 60);
        assert_eq!(d.action_retries("reboot"), 5);
        assert_eq!(d.action_retries("off"), 2);
        assert_eq!(d.delays_s("reboot", Some("n2")), (4, 10));
        assert_eq!(d.delays_s("on", Some("n2")), (0, 0));
        assert_eq!(d.action_limit(), 1);
        assert!(is_pacemaker_param("pcmk_reboot_action"));
        assert!(is_pacemaker_param("pcmk_host_list"));
        assert!(!is_pacemaker_param("pcmk_foo"));
        assert!(!is_pacemaker_param("ipaddr"));
    }
}
