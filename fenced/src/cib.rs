//! Fencing configuration from the CIB: primitives of class `stonith` and
//! `fencing-topology` levels, plus node attributes (for levels that target
//! by attribute) and the location constraints that keep a device off a
//! node. In a cluster the CIB comes from the CIB manager
//! ([`crate::cluster::watch_cib`]); stand-alone, from a file
//! ([`ENV_CIB_FILE`]) through [`CibSource`].

use std::collections::BTreeMap;

use pcmk_common::xml::Element;

use crate::topology::TargetSpec;

/// Environment variable naming a CIB file to read devices and topology from.
pub const ENV_CIB_FILE: &str = "PCMK_fenced_cib_file";

/// A fence device as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceConfig {
    /// Resource id.
    pub id: String,
    /// Agent (the primitive's type).
    pub agent: String,
    /// Instance attributes.
    pub params: BTreeMap<String, String>,
    /// The `provides` meta attribute says `unfencing`.
    pub provides_unfencing: bool,
    /// `target-role` is Stopped (the device is not used).
    pub disabled: bool,
}

/// What the fencer takes from a CIB.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FencingConfig {
    /// Fence devices.
    pub devices: Vec<DeviceConfig>,
    /// Levels: target, index, devices.
    pub levels: Vec<(TargetSpec, u32, Vec<String>)>,
    /// Node attributes by node name.
    pub node_attrs: BTreeMap<String, BTreeMap<String, String>>,
    /// Location scores of resources on nodes (`rsc_location` with a
    /// `node` and a `score`): resource, node, score.
    pub locations: Vec<(String, String, i32)>,
    /// `symmetric-cluster` (true unless set to false): without it, a
    /// device may only run where a location constraint allows it.
    pub symmetric: bool,
}

impl FencingConfig {
    /// Whether `node` may use device `id`, as Pacemaker's fencer asks the
    /// scheduler: not where a location constraint bans it (a negative
    /// score), and in an asymmetric cluster only where one allows it.
    /// Constraints with rules are not evaluated.
    pub fn allowed_on(&self, id: &str, node: &str) -> bool {
        let scores: Vec<i32> = self
            .locations
            .iter()
            .filter(|(r, n, _)| r == id && n.eq_ignore_ascii_case(node))
            .map(|(_, _, s)| *s)
            .collect();
        if scores.iter().any(|&s| s < 0) {
            return false;
        }
        self.symmetric || !scores.is_empty()
    }
}

fn nvpairs(set: Option<&Element>, into: &mut BTreeMap<String, String>) {
    let Some(set) = set else { return };
    for nv in set.children_named("nvpair") {
        if let (Some(n), Some(v)) = (nv.attr("name"), nv.attr("value")) {
            into.insert(n.to_string(), v.to_string());
        }
    }
}

/// Reads the fencing configuration from a CIB document.
pub fn parse(cib: &Element) -> FencingConfig {
    let mut cfg = FencingConfig {
        symmetric: true,
        ..FencingConfig::default()
    };
    let Some(conf) = cib.child("configuration") else {
        return cfg;
    };
    if let Some(crm) = conf.child("crm_config") {
        let mut opts = BTreeMap::new();
        for set in crm.children_named("cluster_property_set") {
            nvpairs(Some(set), &mut opts);
        }
        cfg.symmetric = opts.get("symmetric-cluster").is_none_or(|v| {
            !matches!(
                v.to_ascii_lowercase().as_str(),
                "false" | "no" | "off" | "0" | "n"
            )
        });
    }
    if let Some(cons) = conf.child("constraints") {
        for c in cons.children_named("rsc_location") {
            if let (Some(rsc), Some(node), Some(score)) =
                (c.attr("rsc"), c.attr("node"), c.attr("score"))
            {
                if let Ok(s) = pcmk_common::score::Score::parse(score) {
                    cfg.locations
                        .push((rsc.to_string(), node.to_string(), s.value()));
                }
            }
        }
    }
    if let Some(resources) = conf.child("resources") {
        for p in resources.descendants().filter(|e| e.name == "primitive") {
            if p.attr("class") != Some("stonith") {
                continue;
            }
            let (Some(id), Some(agent)) = (p.id(), p.attr("type")) else {
                continue;
            };
            let mut params = BTreeMap::new();
            for set in p.children_named("instance_attributes") {
                nvpairs(Some(set), &mut params);
            }
            let mut meta = BTreeMap::new();
            for set in p.children_named("meta_attributes") {
                nvpairs(Some(set), &mut meta);
            }
            cfg.devices.push(DeviceConfig {
                id: id.to_string(),
                agent: agent.to_string(),
                params,
                provides_unfencing: meta
                    .get("provides")
                    .is_some_and(|v| v.eq_ignore_ascii_case("unfencing")),
                disabled: meta
                    .get("target-role")
                    .is_some_and(|v| v.eq_ignore_ascii_case("stopped")),
            });
        }
    }
    if let Some(topo) = conf.child("fencing-topology") {
        for l in topo.children_named("fencing-level") {
            let target = if let Some(t) = l.attr("target") {
                TargetSpec::Name(t.to_string())
            } else if let Some(p) = l.attr("target-pattern") {
                TargetSpec::Pattern(p.to_string())
            } else if let (Some(n), Some(v)) = (l.attr("target-attribute"), l.attr("target-value"))
            {
                TargetSpec::Attribute {
                    name: n.to_string(),
                    value: v.to_string(),
                }
            } else {
                tracing::warn!(
                    "ignoring fencing level {} without a valid target",
                    l.id().unwrap_or("")
                );
                continue;
            };
            let Some(index) = l.attr("index").and_then(|i| i.parse().ok()) else {
                continue;
            };
            let devices = l
                .attr("devices")
                .map(|d| d.split(',').map(str::to_string).collect())
                .unwrap_or_default();
            cfg.levels.push((target, index, devices));
        }
    }
    if let Some(nodes) = conf.child("nodes") {
        for n in nodes.children_named("node") {
            let Some(uname) = n.attr("uname") else {
                continue;
            };
            let mut attrs = BTreeMap::new();
            for set in n.children_named("instance_attributes") {
                nvpairs(Some(set), &mut attrs);
            }
            cfg.node_attrs.insert(uname.to_string(), attrs);
        }
    }
    cfg
}

/// Where the fencer's CIB comes from: a file now, the CIB daemon's
/// subscription later. Each call gives the current configuration.
pub trait CibSource: Send {
    /// The current fencing configuration, or why it cannot be read.
    fn load(&mut self) -> Result<FencingConfig, String>;
}

/// A CIB read from a file.
#[derive(Debug, Clone)]
pub struct FileCib(pub std::path::PathBuf);

impl CibSource for FileCib {
    fn load(&mut self) -> Result<FencingConfig, String> {
        let text = std::fs::read_to_string(&self.0)
            .map_err(|e| format!("cannot read {}: {e}", self.0.display()))?;
        let doc = pcmk_common::xml::parse(&text)
            .map_err(|e| format!("cannot parse {}: {e}", self.0.display()))?;
        Ok(parse(&doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_devices_levels_and_nodes() {
        let doc = pcmk_common::xml::parse(
            r#"<cib><configuration><crm_config/>
            <nodes><node id="1" uname="n1"><instance_attributes id="a"><nvpair id="x" name="rack" value="r1"/></instance_attributes></node></nodes>
            <resources>
              <primitive id="f1" class="stonith" type="fence_x"><instance_attributes id="i"><nvpair id="p" name="pcmk_host_list" value="n1 n2"/></instance_attributes>
                <meta_attributes id="m"><nvpair id="m1" name="provides" value="unfencing"/></meta_attributes></primitive>
              <primitive id="d" class="ocf" provider="heartbeat" type="Dummy"/>
              <group id="g"><primitive id="f2" class="stonith" type="fence_y"/></group>
            </resources>
            <constraints/>
            <fencing-topology>
              <fencing-level id="l1" target="n1" index="1" devices="f1,f2"/>
              <fencing-level id="l2" target-pattern="n.*" index="2" devices="f2"/>
              <fencing-level id="l3" target-attribute="rack" target-value="r1" index="1" devices="f1"/>
              <fencing-level id="bad" index="1" devices="f1"/>
            </fencing-topology></configuration><status/></cib>"#,
        )
        .unwrap();
        let c = parse(&doc);
        assert_eq!(c.devices.len(), 2);
        assert_eq!(c.devices[0].params["pcmk_host_list"], "n1 n2");
        assert!(c.devices[0].provides_unfencing);
        assert_eq!(c.levels.len(), 3);
        assert_eq!(c.levels[0].2, ["f1", "f2"]);
        assert_eq!(c.node_attrs["n1"]["rack"], "r1");
        assert!(c.symmetric && c.allowed_on("f1", "n1"));
    }

    #[test]
    fn location_constraints_keep_devices_off_nodes() {
        let doc = pcmk_common::xml::parse(
            r#"<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="s" name="symmetric-cluster" value="false"/></cluster_property_set></crm_config>
            <nodes/><resources><primitive id="f1" class="stonith" type="fence_x"/></resources>
            <constraints>
              <rsc_location id="a" rsc="f1" node="n1" score="100"/>
              <rsc_location id="b" rsc="f1" node="n2" score="-INFINITY"/>
              <rsc_location id="c" rsc="f1" node="n3" score="bogus"/>
            </constraints></configuration><status/></cib>"#,
        )
        .unwrap();
        let mut c = parse(&doc);
        assert!(!c.symmetric);
        assert!(c.allowed_on("f1", "N1"));
        assert!(!c.allowed_on("f1", "n2"));
        assert!(
            !c.allowed_on("f1", "n3"),
            "asymmetric: not allowed without a constraint"
        );
        c.symmetric = true;
        assert!(c.allowed_on("f1", "n3") && !c.allowed_on("f1", "n2"));
    }
}
