//! The fencer core: sans-IO.
//!
//! Two halves, as in Pacemaker's `fenced_commands.c` and `fenced_remote.c`:
//!
//! * the **executing** half ([`local`]) keeps the devices, answers "which
//!   of your devices can fence X" (static/dynamic lists, status, host
//!   maps) and runs agent commands per device (action limit, fencing
//!   delays, retries, reboot remapped to off for agents without reboot);
//! * the **owning** half ([`ops`]) drives one fencing request: it
//!   broadcasts a query, collects the peers' replies, picks a peer and
//!   device (topology levels in order, devices of a level in order, a
//!   multi-device reboot done as all off then all on), and records the
//!   outcome in the history.
//!
//! The halves talk only through [`PeerMsg`]s, so a cluster's fencers can
//! exchange them over CPG; a stand-alone fencer loops them back to itself.

#[cfg(test)]
mod cluster_tests;
mod local;
mod membership;
mod ops;
#[cfg(test)]
mod tests;
mod types;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub use local::exec as local_exec;
pub use ops::FenceRequest;
pub use types::{Capability, CmdId, Command, Now, PeerMsg, Reply, RequestId, Timer};

use crate::device::Device;
use crate::history::{History, HistoryEntry};
use crate::topology::{LevelError, TargetSpec, Topology};

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// Missing id or agent.
    #[error("device id and agent are required")]
    Invalid,
    /// Bad topology level.
    #[error(transparent)]
    Level(#[from] LevelError),
}

/// The fencer's state.
#[derive(Debug)]
pub struct Fencer {
    local: String,
    /// Active peer fencers (lower-case names), this node included.
    members: BTreeSet<String>,
    devices: BTreeMap<String, Device>,
    topology: Topology,
    node_attrs: BTreeMap<String, BTreeMap<String, String>>,
    history: History,
    cmds: BTreeMap<CmdId, local::AgentCmd>,
    queues: BTreeMap<String, VecDeque<CmdId>>,
    next_cmd: CmdId,
    searches: BTreeMap<u64, local::Search>,
    next_search: u64,
    ops: BTreeMap<String, ops::FenceOp>,
    next_op: u64,
    rng: u64,
    clock: Now,
    output: Vec<Command>,
}

impl Fencer {
    /// A fencer on node `local`, alone until [`Fencer::membership`] says
    /// otherwise; `seed` drives random fencing delays.
    pub fn new(local: &str, seed: u64) -> Fencer {
        Fencer {
            local: local.to_string(),
            members: BTreeSet::from([local.to_ascii_lowercase()]),
            devices: BTreeMap::new(),
            topology: Topology::default(),
            node_attrs: BTreeMap::new(),
            history: History::default(),
            cmds: BTreeMap::new(),
            queues: BTreeMap::new(),
            next_cmd: 1,
            searches: BTreeMap::new(),
            next_search: 1,
            ops: BTreeMap::new(),
            next_op: 1,
            rng: seed | 1,
            clock: Now {
                mono_ms: 0,
                epoch: (0, 0),
            },
            output: Vec::new(),
        }
    }

    /// Takes the commands produced so far.
    pub fn take_output(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.output)
    }

    /// This node's name.
    pub fn local_node(&self) -> &str {
        &self.local
    }

    /// The number of active peer fencers (this one included).
    pub fn peers(&self) -> usize {
        self.members.len().max(1)
    }

    /// Whether `node` runs an active fencer.
    pub fn is_member(&self, node: &str) -> bool {
        self.members.contains(&node.to_ascii_lowercase())
    }

    fn random(&mut self) -> u64 {
        // xorshift64: deterministic for a given seed.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }

    /// Registers a device (from the API or the CIB). An identical
    /// registration keeps the existing device and its state.
    pub fn register_device(
        &mut self,
        mut dev: Device,
        from_cib: bool,
    ) -> Result<(), RegisterError> {
        if dev.id.is_empty() || dev.agent.is_empty() {
            return Err(RegisterError::Invalid);
        }
        match self.devices.get_mut(&dev.id) {
            Some(old) if old.same_config(&dev) => {
                if from_cib {
                    old.cib_registered = true;
                } else {
                    old.api_registered = true;
                }
            }
            old => {
                if let Some(o) = old {
                    dev.api_registered = o.api_registered;
                    dev.cib_registered = o.cib_registered;
                }
                if from_cib {
                    dev.cib_registered = true;
                } else {
                    dev.api_registered = true;
                }
                tracing::info!(device = %dev.id, agent = %dev.agent, "added '{}' to device list", dev.id);
                self.devices.insert(dev.id.clone(), dev);
            }
        }
        Ok(())
    }

    /// Removes a registration; the device goes when neither the API nor the
    /// CIB registers it any more. Returns whether it was known.
    pub fn remove_device(&mut self, id: &str, from_cib: bool) -> bool {
        let Some(d) = self.devices.get_mut(id) else {
            return false;
        };
        if from_cib {
            d.cib_registered = false;
        } else {
            d.api_registered = false;
            d.verified = false;
        }
        if !d.api_registered && !d.cib_registered {
            self.devices.remove(id);
            self.purge_device_queue(id);
            tracing::info!(device = id, "removed '{id}' from device list");
        }
        true
    }

    /// Registered device ids.
    pub fn device_ids(&self) -> Vec<String> {
        self.devices.keys().cloned().collect()
    }

    /// A registered device.
    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.get(id)
    }

    /// Adds a topology level.
    pub fn register_level(
        &mut self,
        target: TargetSpec,
        index: u32,
        devices: &[String],
    ) -> Result<(), RegisterError> {
        Ok(self.topology.register(target, index, devices)?)
    }

    /// Removes a topology level (0: all of the target's).
    pub fn remove_level(&mut self, target: &TargetSpec, index: u32) -> Result<(), RegisterError> {
        Ok(self.topology.unregister(target, index)?)
    }

    /// Replaces CIB-registered state: devices from the CIB (API ones kept),
    /// the whole topology, and node attributes (for attribute targets).
    pub fn load_cib(
        &mut self,
        devices: Vec<Device>,
        levels: Vec<(TargetSpec, u32, Vec<String>)>,
        node_attrs: BTreeMap<String, BTreeMap<String, String>>,
    ) {
        let stale: Vec<String> = self
            .devices
            .values()
            .filter(|d| d.cib_registered && !devices.iter().any(|n| n.id == d.id))
            .map(|d| d.id.clone())
            .collect();
        for id in stale {
            self.remove_device(&id, true);
        }
        for d in devices {
            if let Err(e) = self.register_device(d, true) {
                tracing::warn!("ignoring fence device from the CIB: {e}");
            }
        }
        self.topology.clear();
        for (t, i, d) in levels {
            if let Err(e) = self.topology.register(t, i, &d) {
                tracing::warn!("ignoring fencing level from the CIB: {e}");
            }
        }
        self.node_attrs = node_attrs;
    }

    /// Topology levels applying to `node`.
    pub fn levels_for(&self, node: &str) -> Vec<(u32, Vec<String>)> {
        let attrs = |n: &str, a: &str| self.node_attrs.get(n).and_then(|m| m.get(a)).cloned();
        self.topology.levels_for(node, &attrs)
    }

    /// The history for `target` (all when `None`), sorted for display.
    pub fn history(&self, target: Option<&str>) -> Vec<HistoryEntry> {
        self.history.list(target)
    }

    /// API: forgets completed operations for `target` (all when `None`),
    /// here at once and on every peer (the cleanup is broadcast, as
    /// Pacemaker does for a client's request).
    pub fn cleanup_history(&mut self, target: Option<&str>) {
        self.history.cleanup(target);
        self.output.push(Command::Send {
            to: None,
            msg: PeerMsg::HistoryCleanup(target.map(str::to_string)),
        });
    }

    /// A message from a peer fencer (or from this node, looped back).
    pub fn peer_message(&mut self, now: Now, from: &str, msg: PeerMsg) {
        self.clock = now;
        match msg {
            PeerMsg::Query {
                op_id,
                target,
                action,
                timeout_s,
                origin,
                client,
            } => {
                if from != self.local {
                    self.record_peer_op(&op_id, &target, &action, &origin, &client);
                }
                self.handle_query(now, &op_id, &target, &action, timeout_s, &origin)
            }
            PeerMsg::Fence {
                op_id,
                target,
                action,
                device,
                timeout_s,
                delay_s,
                origin,
            } => self.handle_fence(
                now, &op_id, &target, &action, device, timeout_s, delay_s, &origin,
            ),
            PeerMsg::QueryReply {
                op_id,
                host,
                devices,
            } => self.handle_query_reply(now, &op_id, &host, devices),
            PeerMsg::FenceReply {
                op_id,
                host,
                device,
                result,
            } => self.handle_fence_reply(now, &op_id, &host, device, result),
            PeerMsg::Done(entry) => {
                if !self.ops.contains_key(&entry.id) && from != self.local {
                    self.history.record(entry.clone());
                    self.output.push(Command::Notify(entry));
                }
            }
            PeerMsg::History(entries) => {
                if from != self.local {
                    self.merge_history(entries);
                }
            }
            PeerMsg::HistoryCleanup(target) => {
                if from != self.local {
                    tracing::info!(
                        "{from} cleaned up the fencing history of {}",
                        target.as_deref().unwrap_or("every node")
                    );
                    self.history.cleanup(target.as_deref());
                }
            }
        }
    }

    /// A timer fired.
    pub fn timer(&mut self, now: Now, id: Timer) {
        self.clock = now;
        match id {
            Timer::Query(op) => self.query_timeout(now, &op),
            Timer::Op(op) => self.op_timeout(now, &op),
            Timer::Peer(op) => self.peer_timeout(now, &op),
            Timer::Delay(cmd) => self.delay_done(cmd),
            Timer::Retry(cmd) => self.retry(cmd),
        }
    }
}
