//! Cluster tickets as the tools show them: the ticket states of the CIB
//! status (`<tickets><ticket_state>`) and the tickets named by
//! `rsc_ticket` constraints that never had a state (Pacemaker's
//! `unpack_tickets_state()` and the ticket entries its constraint
//! unpacking creates).

use pcmk_common::values::parse_bool;
use pcmk_common::xml::Element;

/// One ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// Ticket id.
    pub id: String,
    /// Attributes of its state, in document order (`id` excluded).
    pub state: Vec<(String, String)>,
    /// Granted to this site.
    pub granted: bool,
    /// In standby.
    pub standby: bool,
    /// When it was last granted (epoch seconds), if known.
    pub last_granted: Option<i64>,
}

impl Ticket {
    fn new(id: &str) -> Ticket {
        Ticket {
            id: id.to_string(),
            state: Vec::new(),
            granted: false,
            standby: false,
            last_granted: None,
        }
    }

    /// A state attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.state
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `granted` or `revoked`.
    pub fn status(&self) -> &'static str {
        if self.granted { "granted" } else { "revoked" }
    }
}

/// Every ticket of `cib`, sorted by id.
pub fn tickets(cib: &Element) -> Vec<Ticket> {
    let mut list: Vec<Ticket> = Vec::new();
    let find = |id: &str, list: &mut Vec<Ticket>| -> usize {
        match list.iter().position(|t| t.id == id) {
            Some(i) => i,
            None => {
                list.push(Ticket::new(id));
                list.len() - 1
            }
        }
    };
    let states = cib
        .child("status")
        .and_then(|s| s.child("tickets"))
        .into_iter()
        .flat_map(|t| t.children_named("ticket_state"));
    for st in states {
        let Some(id) = st.id().filter(|i| !i.is_empty()) else {
            continue;
        };
        let i = find(id, &mut list);
        let t = &mut list[i];
        for (k, v) in &st.attrs {
            if k == "id" {
                continue;
            }
            match t.state.iter_mut().find(|(n, _)| n == k) {
                Some(slot) => slot.1.clone_from(v),
                None => t.state.push((k.clone(), v.clone())),
            }
        }
        t.granted = t.attr("granted").and_then(parse_bool).unwrap_or(false);
        t.standby = t.attr("standby").and_then(parse_bool).unwrap_or(false);
        if let Some(lg) = t.attr("last-granted") {
            t.last_granted = Some(lg.trim().parse::<i64>().unwrap_or(0));
        }
    }
    let constraints = cib
        .child("configuration")
        .and_then(|c| c.child("constraints"));
    if let Some(c) = constraints {
        for rt in c.children_named("rsc_ticket") {
            if let Some(id) = rt.attr("ticket").filter(|t| !t.is_empty()) {
                find(id, &mut list);
            }
        }
    }
    list.sort_by(|a, b| a.id.cmp(&b.id));
    list
}
