//! Tickets (`<ticket_state>` in the status section) and the `rsc_ticket`
//! constraints that make resources depend on them.

use std::collections::HashMap;

use super::{Role, RscIdx};

/// The state of one ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ticket {
    /// Whether the ticket is granted to this site.
    pub granted: bool,
    /// Whether the ticket is in standby.
    pub standby: bool,
    /// When the ticket was last granted (epoch seconds), if known.
    pub last_granted: Option<i64>,
}

/// What happens to dependent resources when their ticket is revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossPolicy {
    /// Stop the resources.
    Stop,
    /// Demote promoted instances (stop others).
    Demote,
    /// Fence the nodes running the resources.
    Fence,
    /// Leave the resources as they are, unmanaged.
    Freeze,
}

/// One resource's dependency on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RscTicket {
    /// The constraint (or resource set) id.
    pub id: String,
    /// The dependent resource.
    pub rsc: RscIdx,
    /// The ticket's id.
    pub ticket: String,
    /// Role the dependency applies to (`Unknown` for any).
    pub role: Role,
    /// What to do on loss of the ticket.
    pub loss: LossPolicy,
}

/// Every ticket known to the scheduler and every dependency on them.
#[derive(Debug, Clone, Default)]
pub struct Tickets {
    /// Tickets by id.
    pub by_id: HashMap<String, Ticket>,
    /// Resource dependencies in configuration order.
    pub deps: Vec<RscTicket>,
}

impl Tickets {
    /// The state of a ticket (a ticket with no state is neither granted
    /// nor in standby).
    pub fn get(&self, id: &str) -> Ticket {
        self.by_id.get(id).cloned().unwrap_or_default()
    }
}
