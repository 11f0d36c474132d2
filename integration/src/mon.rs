//! What tests and benchmarks read from the tools' text: `crm_mon -1`
//! (DC, quorum, online and offline nodes, where a resource is started) and
//! where the lab's Dummy agent says a resource runs (its state files).

use std::path::PathBuf;

use crate::lab::Lab;

/// The parts of `crm_mon -1` text output a cluster test looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonView {
    /// `Current DC: NAME`, when there is one.
    pub dc: Option<String>,
    /// `partition with quorum` (true) or `partition WITHOUT quorum` (false).
    pub quorum: Option<bool>,
    /// `Online: [ ... ]`.
    pub online: Vec<String>,
    /// `OFFLINE: [ ... ]`.
    pub offline: Vec<String>,
    /// Nodes listed as `Node NAME: standby`.
    pub standby: Vec<String>,
    /// The whole text, for failure messages.
    pub text: String,
}

impl MonView {
    /// Reads `crm_mon -1` text.
    pub fn parse(text: &str) -> MonView {
        let mut v = MonView {
            text: text.to_string(),
            ..MonView::default()
        };
        for line in text.lines() {
            let l = line.trim_start().trim_start_matches("* ");
            if let Some(rest) = l.strip_prefix("Current DC: ") {
                let name = rest.split_whitespace().next().unwrap_or("");
                v.dc = (name != "NONE" && !name.is_empty()).then(|| name.to_string());
                if rest.contains("partition with quorum") {
                    v.quorum = Some(true);
                } else if rest.contains("partition WITHOUT quorum") {
                    v.quorum = Some(false);
                }
            } else if let Some(rest) = l.strip_prefix("Online: [") {
                v.online = names(rest);
            } else if let Some(rest) = l.strip_prefix("OFFLINE: [") {
                v.offline = names(rest);
            } else if let Some(rest) = l.strip_prefix("Node ")
                && let Some((name, state)) = rest.split_once(':')
                && state.trim().starts_with("standby")
            {
                v.standby.push(name.trim().to_string());
            }
        }
        v
    }

    /// The nodes `crm_mon` lists resource `rsc` as `Started` on (more
    /// than one when it is active on several).
    pub fn started_on(&self, rsc: &str) -> Vec<String> {
        let mut out = Vec::new();
        for line in self.text.lines() {
            let l = line.trim_start().trim_start_matches("* ");
            let Some(rest) = l.strip_prefix(rsc) else {
                continue;
            };
            if !rest.starts_with([' ', '\t', '(']) {
                continue;
            }
            let Some((_, state)) = rest.split_once("):") else {
                continue;
            };
            let state = state.trim();
            if let Some(where_) = state.strip_prefix("Started ") {
                let where_ = where_.trim();
                if let Some(list) = where_.strip_prefix('[') {
                    out.extend(names(list));
                } else if let Some(n) = where_.split_whitespace().next() {
                    out.push(n.to_string());
                }
            }
        }
        out
    }
}

/// The names in `a b c ]`.
fn names(rest: &str) -> Vec<String> {
    rest.split(']')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

impl Lab {
    /// `crm_mon -1` as node `k` sees it (an empty view when it fails).
    pub fn mon(&self, k: u32) -> MonView {
        match self.exec(k, "crm_mon", &["-1"]) {
            Ok((_, out, err)) => MonView::parse(&format!("{out}{err}")),
            Err(e) => MonView {
                text: format!("crm_mon failed: {e:#}"),
                ..MonView::default()
            },
        }
    }

    /// The state file the lab's Dummy agent keeps for resource `rsc` on
    /// node `k` while it runs there.
    pub fn dummy_state(&self, k: u32, rsc: &str) -> PathBuf {
        self.node_dir(k)
            .join("run")
            .join(format!("pcmk-lab-Dummy-{rsc}.state"))
    }

    /// The nodes whose Dummy agent runs resource `rsc`, by its state files.
    pub fn dummy_running(&self, rsc: &str) -> Vec<u32> {
        (1..=self.nodes)
            .filter(|&k| self.dummy_state(k, rsc).exists())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_crm_mon_text() {
        let text = "Cluster Summary:\n  * Stack: corosync\n  * Current DC: node2 (version 3.0.2) - partition with quorum\n  * 3 nodes configured\n\nNode List:\n  * Node node1: standby\n  * Online: [ node2 node3 ]\n  * OFFLINE: [ node4 ]\n\nFull List of Resources:\n  * rsc1\t(ocf:pcmk-lab:Dummy):\t Started node3\n  * rsc10\t(ocf:pcmk-lab:Dummy):\t Stopped\n  * rsc2\t(ocf:pcmk-lab:Dummy):\t Started [ node1 node2 ]\n";
        let v = MonView::parse(text);
        assert_eq!(v.dc.as_deref(), Some("node2"));
        assert_eq!(v.quorum, Some(true));
        assert_eq!(v.online, ["node2", "node3"]);
        assert_eq!(v.offline, ["node4"]);
        assert_eq!(v.standby, ["node1"]);
        assert_eq!(v.started_on("rsc1"), ["node3"]);
        assert!(v.started_on("rsc10").is_empty());
        assert_eq!(v.started_on("rsc2"), ["node1", "node2"]);
        let v = MonView::parse("  * Current DC: NONE\n");
        assert_eq!((v.dc, v.quorum), (None, None));
        let v = MonView::parse("  * Current DC: node1 (1) - partition WITHOUT quorum\n");
        assert_eq!(v.quorum, Some(false));
    }
}
