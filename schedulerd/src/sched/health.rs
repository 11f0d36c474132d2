//! Node health strategies: the `#health-*` node attributes become a
//! location score of every resource on the node, according to
//! `node-health-strategy` (`pcmk__apply_node_health`).

use pcmk_common::score::{HealthScores, Score};

use crate::model::{Role, Scheduler};
use crate::values::{add_scores, is_true};

/// The values of `node-health-strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthStrategy {
    /// Health attributes are ignored.
    None,
    /// `migrate-on-red`: red is -INFINITY, yellow and green 0.
    MigrateOnRed,
    /// `only-green`: red and yellow are -INFINITY.
    OnlyGreen,
    /// `progressive`: the colours score as configured, from a base.
    Progressive,
    /// `custom`: the colours score as configured.
    Custom,
}

impl Scheduler {
    /// The configured strategy; an unknown value is reported and taken as
    /// `none` once, when the node health is applied.
    pub fn health_strategy(&self) -> Result<HealthStrategy, String> {
        let value = self.opt("node-health-strategy");
        Ok(match value.map(str::to_ascii_lowercase).as_deref() {
            None | Some("none") => HealthStrategy::None,
            Some("migrate-on-red") => HealthStrategy::MigrateOnRed,
            Some("only-green") => HealthStrategy::OnlyGreen,
            Some("progressive") => HealthStrategy::Progressive,
            Some("custom") => HealthStrategy::Custom,
            Some(_) => return Err(value.unwrap_or_default().to_string()),
        })
    }

    /// The scores `red`, `yellow` and `green` stand for under the
    /// configured strategy (`pe__unpack_node_health_scores`).
    pub fn health_colours(&self) -> HealthScores {
        match self.health_strategy().unwrap_or(HealthStrategy::None) {
            HealthStrategy::None => HealthScores::default(),
            HealthStrategy::MigrateOnRed => HealthScores {
                red: Score::MINUS_INFINITY,
                ..HealthScores::default()
            },
            HealthStrategy::OnlyGreen => HealthScores {
                red: Score::MINUS_INFINITY,
                yellow: Score::MINUS_INFINITY,
                ..HealthScores::default()
            },
            HealthStrategy::Progressive | HealthStrategy::Custom => HealthScores {
                red: Score::new(i64::from(self.health_score("node-health-red"))),
                yellow: Score::new(i64::from(self.health_score("node-health-yellow"))),
                green: Score::new(i64::from(self.health_score("node-health-green"))),
            },
        }
    }

    /// The sum of a node's `#health*` attributes (colours scored as the
    /// strategy says; invalid values ignored), from `base`.
    fn node_health_sum(&self, node: usize, base: i32, colours: &HealthScores) -> i32 {
        self.nodes[node]
            .attrs
            .iter()
            .filter(|(k, _)| k.starts_with("#health"))
            .filter_map(|(_, v)| Score::parse_with_health(v, colours).ok())
            .fold(base, |sum, s| add_scores(s.value(), sum))
    }

    /// Adds each node's overall health, when not 0, as a location score
    /// of every top-level resource on that node; resources with
    /// `allow-unhealthy-nodes=true` are spared negative ones.
    pub(crate) fn apply_node_health(&mut self) {
        let strategy = match self.health_strategy() {
            Ok(s) => s,
            Err(v) => {
                self.config_err(format!(
                    "Using default of \"none\" for node-health-strategy because '{v}' is not a valid value"
                ));
                HealthStrategy::None
            }
        };
        if strategy == HealthStrategy::None {
            return;
        }
        let id = self
            .opt("node-health-strategy")
            .unwrap_or_default()
            .to_string();
        let base = if strategy == HealthStrategy::Progressive {
            self.health_score("node-health-base")
        } else {
            0
        };
        let colours = self.health_colours();
        for node in 0..self.nodes.len() {
            let health = self.node_health_sum(node, base, &colours);
            if health == 0 {
                continue;
            }
            for i in 0..self.top.len() {
                let rsc = self.top[i];
                let immune = health < 0
                    && is_true(
                        self.rscs[rsc]
                            .meta
                            .get("allow-unhealthy-nodes")
                            .map(String::as_str),
                    );
                if !immune {
                    self.new_location(&id, rsc, Some((node, health)), None, Role::Unknown);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use pcmk_common::xml::parse;

    use super::*;

    fn cib(strategy: &str, attrs: &str) -> Scheduler {
        let text = format!(
            r#"<cib><configuration><crm_config><cluster_property_set id="o">
              <nvpair id="o1" name="node-health-strategy" value="{strategy}"/>
              <nvpair id="o2" name="node-health-yellow" value="-50"/>
              <nvpair id="o3" name="node-health-base" value="10"/>
              <nvpair id="o4" name="stonith-enabled" value="false"/>
            </cluster_property_set></crm_config>
            <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
            <resources><primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/>
              <primitive id="b" class="ocf" provider="pacemaker" type="Dummy">
                <meta_attributes id="b-m"><nvpair id="b-m1" name="allow-unhealthy-nodes" value="true"/></meta_attributes>
              </primitive></resources><constraints/></configuration>
            <status>
              <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
                <transient_attributes id="1"><instance_attributes id="s1">{attrs}</instance_attributes></transient_attributes>
              </node_state>
              <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
            </status></cib>"#
        );
        Scheduler::unpack(Arc::new(parse(&text).unwrap()), 0)
    }

    fn scores(s: &Scheduler) -> Vec<(String, String, i32)> {
        s.locations
            .iter()
            .flat_map(|l| {
                l.nodes
                    .iter()
                    .map(|&(n, sc)| (s.rscs[l.rsc].id.clone(), s.nodes[n].name.clone(), sc))
            })
            .collect()
    }

    #[test]
    fn red_bans_every_resource_but_the_immune() {
        let mut s = cib(
            "migrate-on-red",
            r##"<nvpair id="h1" name="#health-disk" value="red"/><nvpair id="h2" name="#health-cpu" value="green"/>"##,
        );
        s.apply_node_health();
        assert_eq!(
            scores(&s),
            [("a".to_string(), "n1".to_string(), -1_000_000)]
        );
    }

    #[test]
    fn progressive_sums_from_the_base() {
        let mut s = cib(
            "progressive",
            r##"<nvpair id="h1" name="#health-disk" value="yellow"/><nvpair id="h2" name="#health-cpu" value="5"/><nvpair id="h3" name="#health-x" value="bogus"/>"##,
        );
        s.apply_node_health();
        // n1: 10 - 50 + 5 = -35 (b spared); n2: the base alone, 10
        let mut got = scores(&s);
        got.sort();
        assert_eq!(
            got,
            [
                ("a".to_string(), "n1".to_string(), -35),
                ("a".to_string(), "n2".to_string(), 10),
                ("b".to_string(), "n2".to_string(), 10),
            ]
        );
    }

    #[test]
    fn none_and_unknown_strategies_do_nothing() {
        let attrs = r##"<nvpair id="h1" name="#health-disk" value="red"/>"##;
        let mut s = cib("none", attrs);
        s.apply_node_health();
        assert!(s.locations.is_empty());
        let mut s = cib("sometimes", attrs);
        s.apply_node_health();
        assert!(s.locations.is_empty());
        assert!(s.messages.iter().any(|m| m.text.contains("'sometimes'")));
    }
}
