//! Ticket dependencies applied during scheduling: a promotable clone
//! that may only be promoted with a ticket it lacks.

use crate::model::{Role, RscIdx, Scheduler};
use crate::values::INFINITY;

impl Scheduler {
    /// Bans a promotable clone from every node when one of its
    /// promoted-role ticket dependencies is revoked or in standby
    /// (`pcmk__require_promotion_tickets`).
    pub(crate) fn require_promotion_tickets(&mut self, rsc: RscIdx) {
        let lacking = self.tickets.deps.iter().any(|d| {
            if d.rsc != rsc || d.role != Role::Promoted {
                return false;
            }
            let t = self.tickets.get(&d.ticket);
            !t.granted || t.standby
        });
        if lacking {
            self.resource_location(rsc, None, -INFINITY, "__stateful_without_ticket__");
        }
    }
}
