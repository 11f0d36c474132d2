//! Unpacking a CIB into the working set (`cluster_status`).

pub(crate) mod clone;
mod config;
pub(crate) mod constraints;
pub mod failcount;
pub mod history;
mod migration;
mod nodes;
pub mod ops;
mod remote;
mod resources;
mod status;
mod tags;
mod tickets;

pub use config::option;
pub use resources::is_remote_xml;

use pcmk_common::xml::Element;

use crate::model::{RscFlags, SchedFlags, Scheduler};
use crate::values::is_true;

impl Scheduler {
    /// Unpacks a CIB (configuration and status) at time `now`.
    pub fn unpack(input: impl Into<std::sync::Arc<Element>>, now: i64) -> Scheduler {
        Scheduler::unpack_with(input, now, SchedFlags::default())
    }

    /// Unpacks a CIB with some scheduler flags set from the start
    /// (scores output, sanitized simulation).
    pub fn unpack_with(
        input: impl Into<std::sync::Arc<Element>>,
        now: i64,
        flags: SchedFlags,
    ) -> Scheduler {
        let mut s = Scheduler::new(input, now);
        s.flags = flags;
        s.flags
            .put(SchedFlags::QUORATE, is_true(s.input.attr("have-quorum")));
        let input = s.input.clone();
        let cfg = input.child("configuration");
        s.op_defaults = cfg.and_then(|c| c.child("op_defaults")).cloned();
        s.rsc_defaults = cfg.and_then(|c| c.child("rsc_defaults")).cloned();
        s.unpack_config();
        s.unpack_nodes();
        s.unpack_remote_nodes();
        s.unpack_resources();
        s.unpack_status();
        for r in s.top.clone() {
            s.count_resource(r);
        }
        s
    }

    fn count_resource(&mut self, rsc: usize) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.count_resource(c);
            }
            return;
        }
        let r = &self.rscs[rsc];
        if !r.has(RscFlags::REMOVED) || r.orig_role > crate::model::Role::Stopped {
            self.ninstances += 1;
            if self.rsc_disabled(rsc) {
                self.disabled_resources += 1;
            }
            if self.rscs[rsc].has(RscFlags::BLOCKED) {
                self.blocked_resources += 1;
            }
        }
    }

    /// Whether a resource is disabled by its target role
    /// (`pe__resource_is_disabled`).
    pub fn rsc_disabled(&self, rsc: usize) -> bool {
        let mut cur = Some(rsc);
        while let Some(r) = cur {
            if let Some(tr) = self.rscs[r].meta("target-role") {
                let role = crate::model::Role::parse(tr);
                let promotable = self.rscs[self.top_rsc(r, false)].has(RscFlags::PROMOTABLE);
                if role == crate::model::Role::Stopped
                    || (role == crate::model::Role::Unpromoted && promotable)
                {
                    return true;
                }
            }
            cur = None;
            let _ = r;
        }
        false
    }
}
