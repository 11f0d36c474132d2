//! Fencing topology: levels 1-9 per target, each a list of devices used
//! together; levels are tried in order until one succeeds
//! (`fenced_register_level()`, `find_topology_for_host()`).

use std::collections::BTreeMap;

/// Lowest and highest level index.
pub const LEVEL_MIN: u32 = 1;
/// Highest level index.
pub const LEVEL_MAX: u32 = 9;

/// How a topology entry names its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// One node by name (compared caselessly).
    Name(String),
    /// Node names matching a regular expression.
    Pattern(String),
    /// Nodes with a node attribute of this value.
    Attribute {
        /// Attribute name.
        name: String,
        /// Attribute value.
        value: String,
    },
}

impl TargetSpec {
    /// Parses `stonith_admin`'s form: `NAME`, `@PATTERN` or `ATTR=VALUE`.
    pub fn parse_cli(s: &str) -> TargetSpec {
        if let Some((n, v)) = s.split_once('=') {
            TargetSpec::Attribute {
                name: n.to_string(),
                value: v.to_string(),
            }
        } else if let Some(p) = s.strip_prefix('@') {
            TargetSpec::Pattern(p.to_string())
        } else {
            TargetSpec::Name(s.to_string())
        }
    }

    /// The key entries are stored under (Pacemaker's `stonith_level_key()`).
    pub fn key(&self) -> String {
        match self {
            TargetSpec::Name(n) => n.clone(),
            TargetSpec::Pattern(p) => p.clone(),
            TargetSpec::Attribute { name, value } => format!("{name}={value}"),
        }
    }

    fn matches(&self, node: &str, attrs: &dyn Fn(&str, &str) -> Option<String>) -> bool {
        match self {
            TargetSpec::Name(n) => n.eq_ignore_ascii_case(node),
            TargetSpec::Pattern(p) => match regex::Regex::new(p) {
                Ok(re) => re.is_match(node),
                Err(_) => {
                    tracing::info!("bad regex '{p}' for fencing level");
                    false
                }
            },
            TargetSpec::Attribute { name, value } => {
                attrs(node, name).as_deref() == Some(value.as_str())
            }
        }
    }
}

/// Why a level registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LevelError {
    /// Index outside 1-9 (0 allowed for removal: all levels).
    #[error("invalid level number '{0}'")]
    BadIndex(u32),
}

/// The topology entry of one target spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The target spec.
    pub target: TargetSpec,
    /// Devices per level index.
    pub levels: BTreeMap<u32, Vec<String>>,
}

/// All topology entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    entries: BTreeMap<String, Entry>,
}

impl Topology {
    /// Adds devices to a level (appending to an existing level, as Pacemaker does).
    pub fn register(
        &mut self,
        target: TargetSpec,
        index: u32,
        devices: &[String],
    ) -> Result<(), LevelError> {
        if !(LEVEL_MIN..=LEVEL_MAX).contains(&index) {
            return Err(LevelError::BadIndex(index));
        }
        let e = self.entries.entry(target.key()).or_insert_with(|| Entry {
            target,
            levels: BTreeMap::new(),
        });
        e.levels
            .entry(index)
            .or_default()
            .extend(devices.iter().cloned());
        Ok(())
    }

    /// Removes a level (index 0: every level of the target).
    pub fn unregister(&mut self, target: &TargetSpec, index: u32) -> Result<(), LevelError> {
        if index > LEVEL_MAX {
            return Err(LevelError::BadIndex(index));
        }
        let key = target.key();
        if index == 0 {
            self.entries.remove(&key);
        } else if let Some(e) = self.entries.get_mut(&key) {
            e.levels.remove(&index);
            if e.levels.is_empty() {
                self.entries.remove(&key);
            }
        }
        Ok(())
    }

    /// Removes everything (before reloading from the CIB).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The levels for `node`: an entry named exactly first, then the first
    /// entry whose spec matches. `attrs(node, name)` gives node attributes.
    pub fn levels_for(
        &self,
        node: &str,
        attrs: &dyn Fn(&str, &str) -> Option<String>,
    ) -> Vec<(u32, Vec<String>)> {
        let entry = self.entries.get(node).or_else(|| {
            self.entries
                .values()
                .find(|e| e.target.matches(node, attrs))
        });
        entry
            .map(|e| {
                e.levels
                    .iter()
                    .filter(|(_, d)| !d.is_empty())
                    .map(|(i, d)| (*i, d.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every entry.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_and_order() {
        let mut t = Topology::default();
        let none = |_: &str, _: &str| None;
        t.register(TargetSpec::parse_cli("node1"), 2, &["b".into()])
            .unwrap();
        t.register(
            TargetSpec::parse_cli("node1"),
            1,
            &["a".into(), "a2".into()],
        )
        .unwrap();
        t.register(TargetSpec::parse_cli("@node[0-9]+"), 1, &["p".into()])
            .unwrap();
        t.register(TargetSpec::parse_cli("rack=r1"), 1, &["r".into()])
            .unwrap();
        assert_eq!(
            t.levels_for("node1", &none),
            [
                (1, vec!["a".to_string(), "a2".to_string()]),
                (2, vec!["b".to_string()])
            ]
        );
        assert_eq!(t.levels_for("node7", &none), [(1, vec!["p".to_string()])]);
        let attrs = |n: &str, a: &str| (n == "x" && a == "rack").then(|| "r1".to_string());
        assert_eq!(t.levels_for("x", &attrs), [(1, vec!["r".to_string()])]);
        assert!(t.levels_for("y", &attrs).is_empty());
        assert_eq!(
            t.register(TargetSpec::parse_cli("n"), 10, &[]),
            Err(LevelError::BadIndex(10))
        );
        t.unregister(&TargetSpec::parse_cli("node1"), 1).unwrap();
        assert_eq!(t.levels_for("node1", &none), [(2, vec!["b".to_string()])]);
        t.unregister(&TargetSpec::parse_cli("node1"), 0).unwrap();
        assert_eq!(t.levels_for("node1", &none), [(1, vec!["p".to_string()])]);
    }
}
