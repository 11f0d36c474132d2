//! The transition graph as the scheduler writes it, unpacked for execution
//! (after `pcmk__unpack_graph()` in Pacemaker's pcmk_graph_consumer.c).
//!
//! ```text
//! <transition_graph transition_id="3" cluster-delay="60s" batch-limit="0" ...>
//!   <synapse id="0" priority="1000000">
//!     <action_set> <rsc_op id="7" .../> </action_set>
//!     <inputs> <trigger> <pseudo_event id="6" .../> </trigger> </inputs>
//!   </synapse>
//! </transition_graph>
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use pcmk_common::xml::Element;

use crate::core::interval::parse_interval;

/// The score Pacemaker calls INFINITY.
pub const SCORE_INFINITY: i32 = 1_000_000;

/// Why a graph could not be unpacked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The root element is not `<transition_graph>`.
    #[error("expected <transition_graph>, found <{0}>")]
    NotAGraph(String),
    /// A required attribute of the graph is missing or invalid.
    #[error("transition graph has no valid {0}")]
    BadAttribute(&'static str),
}

/// The kind of a graph action, from its element name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// `<rsc_op>`: a resource operation run by a node's executor.
    Resource,
    /// `<pseudo_event>`: an ordering point, confirmed as soon as it fires.
    Pseudo,
    /// `<crm_event>`: a cluster action (fencing, shutdown, clear failcount...).
    Cluster,
}

/// One action of the graph.
#[derive(Debug, Clone)]
pub struct GraphAction {
    /// The action number (unique in the graph).
    pub id: i32,
    /// What kind of action it is.
    pub kind: ActionKind,
    /// The action's XML, as the scheduler wrote it.
    pub xml: Element,
    /// Its parameters: the attributes and `<param>`s of `<attributes>`.
    pub params: BTreeMap<String, String>,
    /// Time allowed for it: `CRM_meta_timeout` plus `CRM_meta_start_delay`.
    pub timeout: Duration,
    /// Its recurrence (`CRM_meta_interval`), zero for one-shot actions.
    pub interval: Duration,
    /// It has been initiated.
    pub executed: bool,
    /// Its result is known.
    pub confirmed: bool,
    /// It failed (or could not run).
    pub failed: bool,
}

impl GraphAction {
    /// The `operation` attribute (start, stop, monitor, stonith, ...).
    pub fn task(&self) -> &str {
        self.xml.attr("operation").unwrap_or("")
    }

    /// The `operation_key` attribute (`rsc_start_0`).
    pub fn key(&self) -> &str {
        self.xml.attr("operation_key").unwrap_or("")
    }

    /// The node it runs on (`on_node`).
    pub fn on_node(&self) -> Option<&str> {
        self.xml.attr("on_node")
    }

    /// The node id it runs on (`on_node_uuid`).
    pub fn on_node_uuid(&self) -> Option<&str> {
        self.xml.attr("on_node_uuid")
    }

    /// The node that routes it (`router_node`), if not `on_node` itself.
    pub fn router_node(&self) -> Option<&str> {
        self.xml.attr("router_node")
    }

    /// A meta-attribute (`CRM_meta_<name>`) from its parameters.
    pub fn meta(&self, name: &str) -> Option<&str> {
        self.params
            .get(&format!("CRM_meta_{name}"))
            .map(String::as_str)
    }

    /// The result the scheduler expects (`CRM_meta_op_target_rc`, default 0).
    pub fn target_rc(&self) -> i32 {
        self.meta("op_target_rc")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Whether the graph need not wait for the result (`CRM_meta_op_no_wait`).
    pub fn no_wait(&self) -> bool {
        self.meta("op_no_wait").is_some_and(is_true)
    }

    /// Whether this is a fencing action.
    pub fn is_fencing(&self) -> bool {
        self.kind == ActionKind::Cluster && self.task() == "stonith"
    }
}

/// An input of a synapse: an action that must be confirmed first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynapseInput {
    /// The action's number.
    pub id: i32,
    /// Whether it has been confirmed (successfully, for this synapse).
    pub confirmed: bool,
}

/// A synapse: actions to run together once all inputs are confirmed.
#[derive(Debug, Clone)]
pub struct Synapse {
    /// The synapse number.
    pub id: i32,
    /// Its priority: during an abort, only synapses at or above the abort
    /// priority may still fire.
    pub priority: i32,
    /// Indices of its actions in [`Graph::actions`].
    pub actions: Vec<usize>,
    /// Its inputs.
    pub inputs: Vec<SynapseInput>,
    /// All inputs are confirmed.
    pub ready: bool,
    /// Its actions have been initiated.
    pub executed: bool,
    /// All its actions are confirmed.
    pub confirmed: bool,
    /// One of its actions failed and nothing more will come of it.
    pub failed: bool,
}

/// What to do once the graph completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GraphNext {
    /// Nothing more: the transition is done.
    Done,
    /// Stop and wait (a halt).
    Wait,
    /// Compute a new transition.
    Restart,
    /// Shut this node down.
    Shutdown,
}

/// An unpacked transition graph with its execution state.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The transition number.
    pub id: i32,
    /// Where the graph came from (the pe-input file), for logs.
    pub source: String,
    /// `cluster-delay`: added to every action timeout for messaging.
    pub network_delay: Duration,
    /// `fencing-timeout` (`stonith-timeout`), else the cluster delay.
    pub fencing_timeout: Duration,
    /// `batch-limit`: at most this many actions in flight (0: no fixed limit).
    pub batch_limit: i32,
    /// `migration-limit`: migrations in flight per node (-1: no limit).
    pub migration_limit: i32,
    /// `failed-stop-offset`: fail count value after a failed stop.
    pub failed_stop_offset: Option<String>,
    /// `failed-start-offset`: fail count value after a failed start.
    pub failed_start_offset: Option<String>,
    /// `recheck-by`: when to recompute, in seconds since the epoch.
    pub recheck_by: Option<i64>,
    /// All actions of the graph, in document order.
    pub actions: Vec<GraphAction>,
    /// The synapses, in document order.
    pub synapses: Vec<Synapse>,
    /// Only synapses with at least this priority may fire.
    pub abort_priority: i32,
    /// What to do on completion.
    pub completion_action: GraphNext,
    /// Why the graph was aborted, if it was.
    pub abort_reason: Option<String>,
    /// The graph has finished (whatever the outcome).
    pub complete: bool,
}

fn is_true(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "on" | "yes" | "y" | "1"
    )
}

fn parse_int_min(v: Option<&str>, min: i32, default: i32) -> i32 {
    v.and_then(|s| s.trim().parse::<i64>().ok())
        .map(|n| n.clamp(i64::from(min), i64::from(i32::MAX)) as i32)
        .unwrap_or(default)
}

fn unpack_params(xml: &Element) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    if let Some(attrs) = xml.child("attributes") {
        for (k, v) in &attrs.attrs {
            params.insert(k.clone(), v.clone());
        }
        for p in attrs.children_named("param") {
            if let (Some(k), Some(v)) = (p.attr("name"), p.attr("value")) {
                params.insert(k.to_string(), v.to_string());
            }
        }
    }
    params
}

fn unpack_action(xml: &Element) -> Option<GraphAction> {
    let kind = match xml.name.as_str() {
        "rsc_op" => ActionKind::Resource,
        "pseudo_event" => ActionKind::Pseudo,
        "crm_event" => ActionKind::Cluster,
        other => {
            tracing::error!("Ignoring transition graph action of unknown type '{other}' (bug?)");
            return None;
        }
    };
    let Some(id) = xml.id() else {
        tracing::error!("Ignoring transition graph action without id (bug?)");
        return None;
    };
    let id = parse_int_min(Some(id), -1, -1);
    let params = unpack_params(xml);
    let ms = |name: &str| {
        params
            .get(name)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map_or(0, |n| n.max(0) as u64)
    };
    let timeout = Duration::from_millis(ms("CRM_meta_timeout") + ms("CRM_meta_start_delay"));
    let interval = Duration::from_millis(ms("CRM_meta_interval"));
    Some(GraphAction {
        id,
        kind,
        xml: xml.clone(),
        params,
        timeout,
        interval,
        executed: false,
        confirmed: false,
        failed: false,
    })
}

impl Graph {
    /// Unpacks `xml` (a `<transition_graph>`), naming it `source` in logs.
    pub fn unpack(xml: &Element, source: &str) -> Result<Graph, GraphError> {
        if xml.name != "transition_graph" {
            return Err(GraphError::NotAGraph(xml.name.clone()));
        }
        let id = xml
            .attr("transition_id")
            .ok_or(GraphError::BadAttribute("transition_id"))?;
        let id = parse_int_min(Some(id), -1, 1);
        let network_delay = xml
            .attr("cluster-delay")
            .and_then(parse_interval)
            .ok_or(GraphError::BadAttribute("cluster-delay"))?;
        let fencing_timeout = xml
            .attr("fencing-timeout")
            .or_else(|| xml.attr("stonith-timeout"))
            .and_then(parse_interval)
            .unwrap_or(network_delay);
        let batch_limit = parse_int_min(xml.attr("batch-limit"), -1, 0);
        let migration_limit = parse_int_min(xml.attr("migration-limit"), -1, -1);
        let mut graph = Graph {
            id,
            source: source.to_string(),
            network_delay,
            fencing_timeout,
            batch_limit,
            migration_limit,
            failed_stop_offset: xml.attr("failed-stop-offset").map(str::to_string),
            failed_start_offset: xml.attr("failed-start-offset").map(str::to_string),
            recheck_by: xml.attr("recheck-by").and_then(|v| v.parse().ok()),
            actions: Vec::new(),
            synapses: Vec::new(),
            abort_priority: 0,
            completion_action: GraphNext::Done,
            abort_reason: None,
            complete: false,
        };
        for s in xml.children_named("synapse") {
            let sid = parse_int_min(s.id(), 0, 0);
            let mut synapse = Synapse {
                id: sid,
                priority: parse_int_min(s.attr("priority"), 0, 0),
                actions: Vec::new(),
                inputs: Vec::new(),
                ready: false,
                executed: false,
                confirmed: false,
                failed: false,
            };
            for set in s.children_named("action_set") {
                for a in set.elements() {
                    if let Some(action) = unpack_action(a) {
                        synapse.actions.push(graph.actions.len());
                        graph.actions.push(action);
                    }
                }
            }
            for inputs in s.children_named("inputs") {
                for trigger in inputs.children_named("trigger") {
                    for input in trigger.elements() {
                        if let Some(action) = unpack_action(input) {
                            synapse.inputs.push(SynapseInput {
                                id: action.id,
                                confirmed: false,
                            });
                        }
                    }
                }
            }
            graph.synapses.push(synapse);
        }
        tracing::debug!(
            "Unpacked transition {} from {}: {} actions in {} synapses",
            graph.id,
            graph.source,
            graph.actions.len(),
            graph.synapses.len()
        );
        Ok(graph)
    }

    /// The index of action `id` in [`Graph::actions`].
    pub fn action_index(&self, id: i32) -> Option<usize> {
        self.actions.iter().position(|a| a.id == id)
    }

    /// The action numbered `id`.
    pub fn action(&self, id: i32) -> Option<&GraphAction> {
        self.actions.iter().find(|a| a.id == id)
    }

    /// Propagates the confirmation of action `idx` to every synapse
    /// (`pcmk__update_graph()`): executed synapses count their confirmed
    /// actions; waiting synapses count their confirmed inputs, unless the
    /// action failed (a failed input only counts for INFINITY synapses).
    pub fn update(&mut self, idx: usize) {
        let (id, failed) = (self.actions[idx].id, self.actions[idx].failed);
        // Inputs name actions by number; several inputs may share one.
        for si in 0..self.synapses.len() {
            let s = &self.synapses[si];
            if s.confirmed || s.failed {
                continue;
            }
            if s.executed {
                let all = s
                    .actions
                    .iter()
                    .all(|&a| a == idx || self.actions[a].confirmed);
                if s.actions.contains(&idx) {
                    self.actions[idx].confirmed = true;
                }
                if all {
                    self.synapses[si].confirmed = true;
                }
            } else if !failed || s.priority == SCORE_INFINITY {
                let s = &mut self.synapses[si];
                let mut ready = true;
                for input in &mut s.inputs {
                    if input.id == id {
                        input.confirmed = true;
                    } else if !input.confirmed {
                        ready = false;
                    }
                }
                if ready {
                    s.ready = true;
                }
            }
        }
    }

    /// Raises the abort priority and the completion action, if higher
    /// (`update_abort_priority()`); true when anything changed.
    pub fn raise_abort(&mut self, priority: i32, next: GraphNext, reason: &str) -> bool {
        let mut changed = false;
        if self.abort_priority < priority {
            self.abort_priority = priority;
            self.abort_reason = Some(reason.to_string());
            changed = true;
        }
        if self.completion_action < next {
            self.completion_action = next;
            changed = true;
        }
        changed
    }
}

#[cfg(test)]
#[path = "graph_tests.rs"]
mod tests;
