//! What the controller needs from an agent's meta-data to record reload and
//! secure digests (after `controld_metadata.c`): which parameters are
//! reloadable, unique or private, and whether the agent can reload.

use pcmk_common::xml::{Element, parse};

use crate::core::version::compare_versions;

/// A parameter of an agent, with the flags that matter for digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamMeta {
    /// The parameter's name.
    pub name: String,
    /// It can change without a restart (`reloadable="1"`, OCF 1.1).
    pub reloadable: bool,
    /// It must be unique across resources (`unique="1"`).
    pub unique: bool,
    /// It is sensitive and kept out of the secure digest (`private="1"`).
    pub private: bool,
}

/// The parts of an agent's meta-data the controller uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentMetadata {
    /// The agent supports `reload-agent` (and OCF 1.1).
    pub supports_reload_agent: bool,
    /// A pre-OCF-1.1 agent with a `reload` action.
    pub supports_legacy_reload: bool,
    /// Parameters, in the order the controller keeps them: reverse
    /// document order, as upstream prepends to its list.
    pub params: Vec<ParamMeta>,
}

/// Why meta-data could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// The text is not XML.
    #[error("metadata is not valid XML: {0}")]
    NotXml(String),
}

fn is_true(v: Option<&str>) -> bool {
    v.is_some_and(|v| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "on" | "yes" | "y" | "1"
        )
    })
}

impl AgentMetadata {
    /// Reads the meta-data text of an agent of class `standard`.
    pub fn parse(standard: &str, text: &str) -> Result<AgentMetadata, MetadataError> {
        let xml = parse(text).map_err(|e| MetadataError::NotXml(e.to_string()))?;
        Ok(Self::from_xml(standard, &xml))
    }

    /// Reads parsed meta-data (`<resource-agent>`).
    pub fn from_xml(standard: &str, xml: &Element) -> AgentMetadata {
        let ocf_1_1 = standard == "ocf"
            && xml
                .child("version")
                .is_some_and(|v| compare_versions(v.text().trim(), "1.1").is_ge());
        let mut md = AgentMetadata::default();
        if let Some(actions) = xml.child("actions") {
            for a in actions.children_named("action") {
                match a.attr("name") {
                    Some("reload-agent") if ocf_1_1 => md.supports_reload_agent = true,
                    Some(n) if !ocf_1_1 && n.eq_ignore_ascii_case("reload") => {
                        md.supports_legacy_reload = true;
                    }
                    _ => {}
                }
            }
        }
        if let Some(params) = xml.child("parameters") {
            for p in params.children_named("parameter") {
                let Some(name) = p.attr("name") else {
                    continue;
                };
                md.params.insert(
                    0,
                    ParamMeta {
                        name: name.to_string(),
                        reloadable: is_true(p.attr("reloadable")),
                        unique: is_true(p.attr("unique")),
                        private: is_true(p.attr("private")),
                    },
                );
            }
        }
        // Agents that mark nothing private get the usual suspects.
        if !md.params.iter().any(|p| p.private) {
            for p in &mut md.params {
                if matches!(p.name.as_str(), "password" | "passwd" | "user") {
                    p.private = true;
                }
            }
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_order_and_implicit_private() {
        let text = r#"<resource-agent name="X"><version>1.1</version>
          <parameters>
            <parameter name="state" unique="1"/>
            <parameter name="delay" reloadable="true"/>
            <parameter name="passwd"/>
          </parameters>
          <actions><action name="start"/><action name="reload-agent"/></actions>
        </resource-agent>"#;
        let md = AgentMetadata::parse("ocf", text).unwrap();
        assert!(md.supports_reload_agent && !md.supports_legacy_reload);
        let names: Vec<_> = md.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["passwd", "delay", "state"]);
        assert!(md.params[0].private && md.params[1].reloadable && md.params[2].unique);

        let old = r#"<resource-agent><version>1.0</version><actions><action name="reload"/></actions></resource-agent>"#;
        let md = AgentMetadata::parse("ocf", old).unwrap();
        assert!(md.supports_legacy_reload && !md.supports_reload_agent);
        assert!(AgentMetadata::parse("ocf", "not xml").is_err());
    }
}
