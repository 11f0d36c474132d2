//! Resource agent standards (classes) and what each supports, as
//! Pacemaker's `pcmk_get_ra_caps()` describes them.

use std::fmt;

/// A resource agent standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standard {
    /// OCF resource agents (`ocf:PROVIDER:TYPE`).
    Ocf,
    /// LSB init scripts.
    Lsb,
    /// systemd units, driven through D-Bus.
    Systemd,
    /// Alias resolved to `lsb` or `systemd` per agent.
    Service,
    /// Fence devices, handed to the fencer.
    Stonith,
}

impl Standard {
    /// Parses a class name, case-insensitively as Pacemaker does.
    pub fn parse(s: &str) -> Option<Standard> {
        match s.to_ascii_lowercase().as_str() {
            "ocf" => Some(Standard::Ocf),
            "lsb" => Some(Standard::Lsb),
            "systemd" => Some(Standard::Systemd),
            "service" => Some(Standard::Service),
            "stonith" => Some(Standard::Stonith),
            _ => None,
        }
    }

    /// The class name.
    pub fn as_str(self) -> &'static str {
        match self {
            Standard::Ocf => "ocf",
            Standard::Lsb => "lsb",
            Standard::Systemd => "systemd",
            Standard::Service => "service",
            Standard::Stonith => "stonith",
        }
    }

    /// Whether agents of this class have a provider.
    pub fn has_provider(self) -> bool {
        self == Standard::Ocf
    }

    /// Whether the class calls its monitor action `status`.
    pub fn monitor_is_status(self) -> bool {
        matches!(self, Standard::Lsb | Standard::Systemd | Standard::Service)
    }

    /// Whether the class takes instance parameters.
    pub fn takes_params(self) -> bool {
        matches!(self, Standard::Ocf | Standard::Stonith)
    }

    /// Whether tools may run agents of this class directly (`crm_resource --force-*`).
    pub fn cli_exec(self) -> bool {
        matches!(self, Standard::Ocf | Standard::Lsb)
    }

    /// The action name an agent of this class is called with for `action`.
    pub fn agent_action(self, action: &str) -> String {
        if self.monitor_is_status() && action.eq_ignore_ascii_case("monitor") {
            "status".to_string()
        } else {
            action.to_string()
        }
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An agent specification `class[:provider]:type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSpec {
    /// The class as given (kept verbatim for messages).
    pub class: String,
    /// The provider, for classes that have one.
    pub provider: Option<String>,
    /// The agent name.
    pub agent: String,
}

impl AgentSpec {
    /// Parses `class:provider:type` or `class:type` (a systemd unit name may
    /// itself contain colons).
    pub fn parse(spec: &str) -> Option<AgentSpec> {
        let (class, rest) = spec.split_once(':')?;
        if class.is_empty() {
            return None;
        }
        let std = Standard::parse(class);
        if std.is_some_and(Standard::has_provider) {
            let (provider, agent) = rest.split_once(':')?;
            if provider.is_empty() || agent.is_empty() || agent.contains(':') {
                return None;
            }
            return Some(AgentSpec {
                class: class.to_string(),
                provider: Some(provider.to_string()),
                agent: agent.to_string(),
            });
        }
        if rest.is_empty() {
            return None;
        }
        Some(AgentSpec {
            class: class.to_string(),
            provider: None,
            agent: rest.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_specs() {
        let s = AgentSpec::parse("ocf:heartbeat:Dummy").unwrap();
        assert_eq!(s.provider.as_deref(), Some("heartbeat"));
        assert_eq!(s.agent, "Dummy");
        assert!(AgentSpec::parse("ocf:Dummy").is_none());
        assert!(AgentSpec::parse("ocf::Dummy").is_none());
        let s = AgentSpec::parse("systemd:getty@tty1:x").unwrap();
        assert_eq!(s.agent, "getty@tty1:x");
        assert!(AgentSpec::parse("lsb:").is_none());
        assert_eq!(Standard::parse("OCF"), Some(Standard::Ocf));
        assert_eq!(Standard::Lsb.agent_action("monitor"), "status");
        assert_eq!(Standard::Ocf.agent_action("monitor"), "monitor");
    }
}
