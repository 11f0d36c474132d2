//! The attribute manager's sans-IO core (Pacemaker's `daemons/attrd`).
//!
//! Primer: every node keeps every node's attribute values. A client's
//! update is broadcast over CPG `attrd` and applied by every node when it
//! arrives, so all copies stay the same. One node, the *writer*, elected
//! like the DC, writes values into the CIB status section
//! (`node_state/transient_attributes`), after the attribute's dampening
//! delay if it has one. Private attributes are never written. When a node
//! joins, the writer sends it every value (a sync response); a node whose
//! local values the writer did not know broadcasts them back. When a node
//! leaves the cluster, everyone forgets its values and the writer erases
//! them from the CIB; when only its attribute manager goes (a crash, a
//! respawn) its values are kept, as in Pacemaker, until it returns: a new
//! attribute manager erases its own node's stale values from the CIB at
//! start-up, and its own (empty) state then wins over what the writer's
//! sync offers for its node (a node's values for itself take priority).
//!
//! Deviation: every value carries a version (a Lamport clock and the node
//! that made the change), and a change applies only over an older version.
//! Without it, a writer's sync snapshot taken just before an update that
//! CPG orders ahead of the snapshot overwrites the newer value on every
//! other node (found by the seeded random test below).
//!
//! The shell feeds [`Event`]s and client requests (`update`, `query`,
//! `refresh`, `clear_failure`, `remove_peer`) and carries out the
//! [`Command`]s. Nothing here performs I/O or reads a clock.

mod attribute;
mod election;
mod io;
mod message;
mod value;
mod writer;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use pcmk_controld::core::alerts::{AlertList, WallTime};
use pcmk_controld::core::election::{Election, ElectionState};
use pcmk_controld::core::peers::NodeRef;
use pcmk_controld::core::time::Timestamp;

pub use attribute::{Attribute, NodeValue, Version};
pub use io::{Command, Event, TimerId};
pub use message::{AttrdMessage, AttrdMessageError, PROTOCOL_VERSION, UpdateTask, ValueUpdate};
pub use value::{
    SCORE_INFINITY, expand, failure_pattern, needs_expansion, parse_score, sanitize_id,
};

/// Why a client request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttrdError {
    /// The attribute does not exist (exit code 105).
    #[error("attribute {0} does not exist")]
    NoSuchAttribute(String),
    /// The request names no attribute.
    #[error("no attribute name given")]
    NoName,
    /// The pattern is not a valid regular expression.
    #[error("invalid attribute pattern {0}")]
    BadPattern(String),
    /// No attribute matches the pattern (exit code 112... rather unsatisfied).
    #[error("no attribute matches pattern {0}")]
    NoMatch(String),
    /// The set type is neither `instance_attributes` nor `utilization`.
    #[error("invalid set type {0}")]
    BadSetType(String),
    /// No node of that name or id is known.
    #[error("node {0} is not known")]
    UnknownNode(String),
}

impl AttrdError {
    /// Pacemaker's exit code for this error at a tool's boundary.
    pub fn exit_code(&self) -> pcmk_common::exit::CrmExit {
        use pcmk_common::exit::CrmExit;
        match self {
            AttrdError::NoSuchAttribute(_) | AttrdError::UnknownNode(_) => CrmExit::NoSuch,
            AttrdError::NoName | AttrdError::BadSetType(_) => CrmExit::InvalidParam,
            AttrdError::BadPattern(_) => CrmExit::InvalidParam,
            AttrdError::NoMatch(_) => CrmExit::Unsatisfied,
        }
    }
}

/// A client's update (`attrd_updater -U/-D/-B/-Y`, `crm_attribute -l reboot`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateRequest {
    /// Attribute name (or `pattern`).
    pub name: Option<String>,
    /// A regular expression selecting existing attributes instead of `name`.
    pub pattern: Option<String>,
    /// New value; `None` deletes. `value++` / `value+=N` increment.
    pub value: Option<String>,
    /// Node; `None` means the local node.
    pub host: Option<String>,
    /// Write delay to set (`--delay`).
    pub dampen: Option<Duration>,
    /// Change only the delay (`-Y`), or both value and delay (`-B`).
    pub task: Option<UpdateTask>,
    /// `instance_attributes` (default) or `utilization`.
    pub set_type: Option<String>,
    /// Id of the set to write into.
    pub set_id: Option<String>,
    /// Never write to the CIB (`--private`).
    pub private: bool,
    /// The CIB user whose ACLs apply.
    pub user: Option<String>,
}

/// The attribute manager of one node.
#[derive(Debug)]
pub struct Attrd {
    name: String,
    id: String,
    now: Timestamp,
    started: Timestamp,
    attributes: BTreeMap<String, Attribute>,
    node_ids: BTreeMap<String, String>,
    members: BTreeSet<String>,
    election: Election,
    writer: Option<String>,
    removed_peers: BTreeSet<String>,
    shutting_down: bool,
    standalone: bool,
    next_call: u64,
    pending: BTreeMap<u64, String>,
    clock: u64,
    /// The configured alerts (attribute alerts are the writer's).
    alerts: AlertList,
    /// Wall-clock time at `Timestamp::ZERO`, for alert timestamps.
    wall_base: WallTime,
    out: Vec<Command>,
}

impl Attrd {
    /// The attribute manager of node `name` with cluster id `id`.
    pub fn new(name: &str, id: u32) -> Attrd {
        Attrd {
            name: name.to_string(),
            id: id.to_string(),
            now: Timestamp::ZERO,
            started: Timestamp::ZERO,
            attributes: BTreeMap::new(),
            node_ids: BTreeMap::from([(name.to_ascii_lowercase(), id.to_string())]),
            members: BTreeSet::new(),
            election: Election::new(),
            writer: None,
            removed_peers: BTreeSet::new(),
            shutting_down: false,
            standalone: false,
            next_call: 0,
            pending: BTreeMap::new(),
            clock: 0,
            alerts: AlertList::default(),
            wall_base: WallTime { secs: 0, usec: 0 },
            out: Vec::new(),
        }
    }

    /// Sets the wall-clock time at `Timestamp::ZERO` (seconds since the
    /// epoch, microseconds), which alert timestamps count from.
    pub fn set_wall_clock(&mut self, secs: i64, usec: u32) {
        self.wall_base = WallTime { secs, usec };
    }

    /// Wall-clock time now.
    fn wall_time(&self) -> WallTime {
        self.wall_base.plus_millis(self.now.as_millis())
    }

    /// Runs without a cluster: nothing is written to the CIB.
    pub fn set_standalone(&mut self, standalone: bool) {
        self.standalone = standalone;
    }

    /// This node's name.
    pub fn node_name(&self) -> &str {
        &self.name
    }

    /// Whether this node is the writer.
    pub fn is_writer(&self) -> bool {
        self.election.state() == ElectionState::Won
    }

    /// The writer this node knows of.
    pub fn writer(&self) -> Option<&str> {
        self.writer.as_deref()
    }

    /// Every attribute.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.values()
    }

    /// Commands produced since the last call.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.out)
    }

    /// A new version for a change made here.
    fn tick(&mut self) -> Version {
        self.clock += 1;
        (self.clock, self.name.clone())
    }

    /// Moves the Lamport clock past a version seen in a message.
    fn observe(&mut self, v: &Option<Version>) {
        if let Some((c, _)) = v {
            self.clock = self.clock.max(*c);
        }
    }

    fn broadcast(&mut self, message: AttrdMessage) {
        self.out.push(Command::Send { to: None, message });
    }

    /// Handles one event at time `now`.
    pub fn handle(&mut self, now: Timestamp, event: Event) {
        self.now = now;
        match event {
            Event::Start => {
                self.started = now;
                // Our values from a previous life are stale.
                let me = self.name.clone();
                self.erase_transient(&me);
            }
            Event::Peers { members } => self.peers_changed(members),
            Event::NodeLost { name } => self.remove_values(&name, "loss"),
            Event::Message { from, message } => self.message(&from, message),
            Event::Timer(TimerId::Dampen(name)) => {
                if let Some(a) = self.attributes.get_mut(&name) {
                    a.timer_running = false;
                }
                self.write_or_elect(&name);
            }
            Event::Timer(TimerId::Election) => {
                tracing::info!("Declaring local node as winner after election timed out");
                self.election.timed_out();
                self.won_election();
            }
            Event::CibReply { call_id, ok } => self.cib_reply(call_id, ok),
            Event::CibStatusReset => {
                if self.is_writer() && !self.shutting_down {
                    tracing::info!("Updating all attributes after the status section was reset");
                    self.write_attributes(true, false);
                }
            }
            Event::Shutdown => self.shutting_down = true,
            Event::Alerts(list) => {
                tracing::info!("Read {} alert(s) from the configuration", list.len());
                self.alerts = list;
            }
        }
    }

    /// The value of attribute `name` on `host`, or on every node
    /// (`attrd_updater -Q`, `-A`).
    pub fn query(
        &self,
        name: &str,
        host: Option<&str>,
    ) -> Result<Vec<(String, Option<String>)>, AttrdError> {
        let a = self
            .attributes
            .get(name)
            .ok_or_else(|| AttrdError::NoSuchAttribute(name.to_string()))?;
        Ok(a.values
            .values()
            .filter(|v| host.is_none_or(|h| v.node.eq_ignore_ascii_case(h)))
            .map(|v| (v.node.clone(), v.current.clone()))
            .collect())
    }

    /// A client's update: expands increments against the local copy and
    /// broadcasts the change, which every node applies on delivery.
    pub fn update(&mut self, req: UpdateRequest) -> Result<(), AttrdError> {
        let task = req.task.unwrap_or(UpdateTask::Value);
        if let Some(t) = &req.set_type {
            if !req.private && t != "instance_attributes" && t != "utilization" {
                return Err(AttrdError::BadSetType(t.clone()));
            }
        }
        let names: Vec<String> = match (&req.name, &req.pattern) {
            (Some(n), _) => vec![n.clone()],
            (None, Some(p)) => {
                let re = regex::Regex::new(p).map_err(|_| AttrdError::BadPattern(p.clone()))?;
                let m: Vec<String> = self
                    .attributes
                    .keys()
                    .filter(|k| re.is_match(k))
                    .cloned()
                    .collect();
                if m.is_empty() {
                    return Err(AttrdError::NoMatch(p.clone()));
                }
                m
            }
            (None, None) => return Err(AttrdError::NoName),
        };
        let host = req.host.clone().unwrap_or_else(|| self.name.clone());
        let version = self.tick();
        let mut updates = Vec::new();
        for name in names {
            let existing = self.attributes.get(&name);
            if existing.is_none() && task == UpdateTask::Delay {
                return Err(AttrdError::NoSuchAttribute(name));
            }
            let mut value = req.value.clone();
            if let Some(v) = value.as_deref().filter(|v| needs_expansion(v)) {
                let old = existing
                    .and_then(|a| a.value(&host))
                    .and_then(|v| v.current.clone());
                let n = expand(v, old.as_deref());
                tracing::info!("Expanded {name}={v} to {n}");
                value = Some(n.to_string());
            }
            updates.push(ValueUpdate {
                name,
                value,
                host: Some(host.clone()),
                host_id: self.node_ids.get(&host.to_ascii_lowercase()).cloned(),
                set_type: req.set_type.clone(),
                set_id: req.set_id.clone(),
                user: req.user.clone(),
                dampen: req.dampen,
                private: req.private,
                remote: false,
                force_write: false,
                version: Some(version.clone()),
            });
        }
        tracing::debug!("Broadcasting {} update(s) for {host}", updates.len());
        self.broadcast(AttrdMessage::Update { task, updates });
        Ok(())
    }

    /// Writes every attribute now (`attrd_updater -R`).
    pub fn refresh(&mut self) {
        tracing::info!("Updating all attributes");
        self.write_attributes(true, true);
    }

    /// Clears fail counts (`crm_resource --cleanup`, `crm_failcount -D`).
    pub fn clear_failure(
        &mut self,
        rsc: Option<&str>,
        op: Option<&str>,
        interval_ms: u64,
        host: Option<&str>,
    ) {
        let version = Some(self.tick());
        self.broadcast(AttrdMessage::ClearFailure {
            rsc: rsc.map(str::to_string),
            op: op.map(str::to_string),
            interval_ms,
            host: host.map(str::to_string),
            version,
        });
    }

    /// Forgets every value of a node (`crm_node -R`).
    pub fn remove_peer(&mut self, host: &str) {
        tracing::info!("Client is requesting all values for {host} be removed");
        self.broadcast(AttrdMessage::Remove {
            host: host.to_string(),
            reap: true,
        });
    }

    fn peers_changed(&mut self, members: Vec<NodeRef>) {
        let new: BTreeSet<String> = members
            .iter()
            .map(|m| m.name.to_ascii_lowercase())
            .collect();
        for m in &members {
            self.node_ids
                .insert(m.name.to_ascii_lowercase(), m.id.to_string());
        }
        let gone: Vec<String> = self.members.difference(&new).cloned().collect();
        let came: Vec<NodeRef> = members
            .iter()
            .filter(|m| !self.members.contains(&m.name.to_ascii_lowercase()))
            .cloned()
            .collect();
        self.members = new;
        for g in gone {
            self.peer_lost(&g);
        }
        let mut peer_came = false;
        for c in came {
            if c.name.eq_ignore_ascii_case(&self.name) {
                continue;
            }
            peer_came = true;
            if self.is_writer() {
                self.sync_to(Some(&c.name));
            } else {
                self.out.push(Command::Send {
                    to: Some(c.name.clone()),
                    message: AttrdMessage::Protocol {
                        version: PROTOCOL_VERSION,
                    },
                });
            }
        }
        if self.is_writer() {
            // A new attribute manager erased its node's values from the
            // CIB when it started (Pacemaker's writer rewrites everything
            // after the election the newcomer triggers); otherwise values
            // of nodes we could not place may now be writable.
            self.write_attributes(peer_came, false);
        }
    }

    /// An attribute manager left the group (its node may still be a
    /// member: its values stay until [`Event::NodeLost`]).
    fn peer_lost(&mut self, node: &str) {
        self.election.remove_voter(node);
        if self
            .writer
            .as_deref()
            .is_some_and(|w| w.eq_ignore_ascii_case(node))
        {
            tracing::info!("Lost attribute writer {node}");
            self.writer = None;
            self.election.clear_dampening();
            self.start_election_if_needed();
        } else if self.election.state() == ElectionState::InProgress {
            self.check_election();
        }
    }

    /// `attrd_peer_remove()`.
    fn remove_values(&mut self, host: &str, source: &str) {
        tracing::info!("Removing all {host} attributes for {source}");
        let key = host.to_ascii_lowercase();
        for a in self.attributes.values_mut() {
            a.values.remove(&key);
        }
        if self.is_writer() {
            self.erase_transient(host);
        } else {
            self.removed_peers.insert(key);
            self.start_election_if_needed();
        }
    }

    fn message(&mut self, from: &str, message: AttrdMessage) {
        match message {
            AttrdMessage::Vote(_) | AttrdMessage::NoVote(_) => self.election_op(from, message),
            _ if self.shutting_down => {}
            AttrdMessage::Update { task, updates } => {
                for u in &updates {
                    self.observe(&u.version);
                }
                for u in updates {
                    self.peer_update(from, task, &u, false);
                }
            }
            AttrdMessage::SyncResponse { writer, values } => {
                if writer {
                    self.new_writer(from);
                }
                for u in &values {
                    self.observe(&u.version);
                }
                if !from.eq_ignore_ascii_case(&self.name) {
                    tracing::info!("Processing sync-response from {from}");
                    if writer {
                        for a in self.attributes.values_mut() {
                            for v in a.values.values_mut() {
                                v.from_peer = false;
                            }
                        }
                    }
                    for u in &values {
                        self.peer_update(from, UpdateTask::Both, u, true);
                    }
                    if writer {
                        self.broadcast_unseen_local_values();
                    }
                }
            }
            AttrdMessage::Remove { host, .. } => self.remove_values(&host, from),
            AttrdMessage::ClearFailure {
                rsc,
                op,
                interval_ms,
                host,
                version,
            } => {
                self.observe(&version);
                let pattern = failure_pattern(rsc.as_deref(), op.as_deref(), interval_ms);
                let Ok(re) = regex::Regex::new(&pattern) else {
                    tracing::info!("Ignoring invalid request to clear failures");
                    return;
                };
                let names: Vec<String> = self
                    .attributes
                    .keys()
                    .filter(|k| re.is_match(k))
                    .cloned()
                    .collect();
                for name in names {
                    let u = ValueUpdate {
                        name,
                        host: host.clone(),
                        version: version.clone(),
                        ..Default::default()
                    };
                    self.peer_update(from, UpdateTask::Value, &u, false);
                }
            }
            AttrdMessage::Protocol { .. } => {}
        }
    }

    /// A value update from a peer (`attrd_peer_update_one()`).
    fn peer_update(&mut self, from: &str, task: UpdateTask, u: &ValueUpdate, filter: bool) {
        if !self.attributes.contains_key(&u.name) {
            if task == UpdateTask::Delay {
                tracing::warn!("Could not update {}: attribute not found", u.name);
                return;
            }
            let set_type = u
                .set_type
                .clone()
                .unwrap_or_else(|| "instance_attributes".into());
            if !u.private && set_type != "instance_attributes" && set_type != "utilization" {
                tracing::warn!(
                    "Ignoring attribute {} with invalid set type {set_type}",
                    u.name
                );
                return;
            }
            let mut a = Attribute::new(&u.name);
            a.set_type = set_type;
            a.set_id = u.set_id.clone();
            a.user = u.user.clone();
            a.private = u.private;
            a.dampen = u.dampen.unwrap_or(Duration::ZERO);
            self.attributes.insert(u.name.clone(), a);
        }
        if matches!(task, UpdateTask::Delay | UpdateTask::Both) {
            if let Some(d) = u.dampen {
                self.set_dampening(&u.name, d);
            }
            if task == UpdateTask::Delay {
                return;
            }
        }
        let hosts: Vec<String> = match &u.host {
            Some(h) => vec![h.clone()],
            None => self.attributes[&u.name]
                .values
                .values()
                .map(|v| v.node.clone())
                .collect(),
        };
        for host in hosts {
            self.update_on_host(from, u, &host, filter);
        }
    }

    fn set_dampening(&mut self, name: &str, d: Duration) {
        let Some(a) = self.attributes.get_mut(name) else {
            return;
        };
        if a.dampen != d {
            tracing::debug!("Update attribute {name} delay to {}ms", d.as_millis());
            a.dampen = d;
            if a.timer_running {
                self.out.push(Command::StopTimer {
                    timer: TimerId::Dampen(name.to_string()),
                });
                if let Some(a) = self.attributes.get_mut(name) {
                    a.timer_running = false;
                }
                self.write_or_elect(name);
            }
        }
    }

    /// `update_attr_on_host()`.
    fn update_on_host(&mut self, from: &str, u: &ValueUpdate, host: &str, filter: bool) {
        let key = host.to_ascii_lowercase();
        self.removed_peers.remove(&key);
        if let Some(id) = &u.host_id {
            self.node_ids
                .entry(key.clone())
                .or_insert_with(|| id.clone());
        }
        let me = self.name.clone();
        let Some(a) = self.attributes.get_mut(&u.name) else {
            return;
        };
        let v = a.values.entry(key.clone()).or_insert_with(|| NodeValue {
            node: host.to_string(),
            current: None,
            requested: None,
            remote: false,
            from_peer: false,
            version: None,
        });
        v.remote |= u.remote;
        if let (Some(new), Some(old)) = (&u.version, &v.version) {
            if new <= old {
                // A change we already have, or an older snapshot of it.
                tracing::trace!("{}[{host}] from {from} is older than ours", u.name);
                v.from_peer = true;
                return;
            }
        }
        let changed = !match (&v.current, &u.value) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => true,
            _ => false,
        };
        if changed && filter && host.eq_ignore_ascii_case(&me) {
            tracing::info!(
                "{}[{host}]: local value '{}' takes priority over '{}' from {from}",
                u.name,
                v.current.as_deref().unwrap_or("(unset)"),
                u.value.as_deref().unwrap_or("(unset)")
            );
            // Re-announce our value as the newest.
            let version = self.tick();
            if let Some(v) = self
                .attributes
                .get_mut(&u.name)
                .and_then(|a| a.values.get_mut(&key))
            {
                v.version = Some(version);
            }
            let back = self.value_update(&u.name, &key, false);
            if let Some(back) = back {
                self.broadcast(AttrdMessage::Update {
                    task: UpdateTask::Value,
                    updates: vec![back],
                });
            }
        } else if changed {
            tracing::info!(
                "Setting {}[{host}]: {} -> {} | from {from}",
                u.name,
                v.current.as_deref().unwrap_or("(unset)"),
                u.value.as_deref().unwrap_or("(unset)")
            );
            v.current = u.value.clone();
            v.version = u.version.clone();
            a.changed = true;
            if !a.dampen.is_zero() {
                a.timer_running = true;
                let after = a.dampen;
                self.out.push(Command::StartTimer {
                    timer: TimerId::Dampen(u.name.clone()),
                    after,
                });
            } else {
                let name = u.name.clone();
                self.write_or_elect(&name);
            }
        } else {
            if u.version > v.version {
                v.version = u.version.clone();
            }
            if u.force_write && !a.dampen.is_zero() {
                a.force_write = true;
            }
        }
        if let Some(v) = self
            .attributes
            .get_mut(&u.name)
            .and_then(|a| a.values.get_mut(&key))
        {
            v.from_peer = true;
        }
    }

    /// The wire form of attribute `name`'s value on node `key`.
    fn value_update(&self, name: &str, key: &str, force_write: bool) -> Option<ValueUpdate> {
        let a = self.attributes.get(name)?;
        let v = a.values.get(key)?;
        Some(ValueUpdate {
            name: a.name.clone(),
            value: v.current.clone(),
            host: Some(v.node.clone()),
            host_id: self.node_ids.get(key).cloned(),
            set_type: Some(a.set_type.clone()),
            set_id: a.set_id.clone(),
            user: a.user.clone(),
            dampen: Some(a.dampen),
            private: a.private,
            remote: v.remote,
            force_write,
            version: v.version.clone(),
        })
    }

    /// Sends every value to `peer`, or to everyone (`attrd_peer_sync()`).
    fn sync_to(&mut self, peer: Option<&str>) {
        let mut values = Vec::new();
        for (name, a) in &self.attributes {
            for key in a.values.keys() {
                if let Some(u) = self.value_update(name, key, false) {
                    values.push(u);
                }
            }
        }
        tracing::debug!("Syncing values to {}", peer.unwrap_or("all peers"));
        self.out.push(Command::Send {
            to: peer.map(str::to_string),
            message: AttrdMessage::SyncResponse {
                writer: self.is_writer(),
                values,
            },
        });
    }

    fn broadcast_unseen_local_values(&mut self) {
        let me = self.name.to_ascii_lowercase();
        let mut values = Vec::new();
        for (name, a) in &self.attributes {
            if let Some(v) = a.values.get(&me) {
                if !v.from_peer {
                    if let Some(u) = self.value_update(name, &me, !a.dampen.is_zero()) {
                        values.push(u);
                    }
                }
            }
        }
        if !values.is_empty() {
            tracing::debug!("Broadcasting local-only values");
            self.broadcast(AttrdMessage::SyncResponse {
                writer: false,
                values,
            });
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
