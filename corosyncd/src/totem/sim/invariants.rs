//! The properties a totem run must keep, each checked over the nodes'
//! histories. They come from the Totem paper's safety properties and
//! extended virtual synchrony (Moser et al., "Extended Virtual Synchrony",
//! ICDCS 1994):
//!
//! | check | property |
//! |---|---|
//! | [`no_duplicates`] | a node delivers a message at most once |
//! | [`sender_order`] | a sender's messages are delivered in the order it sent them |
//! | [`agreed_order`] | any two nodes deliver the messages they both deliver in the same order |
//! | [`same_configurations`] | nodes that install a ring install the same member list, and each is in it |
//! | [`virtual_synchrony`] | nodes moving together from one configuration to the next deliver the same messages in between, and the same transitional configuration |
//! | [`no_split_brain`] | two live nodes whose memberships are disjoint are never both quorate (votequorum) |
//! | [`self_delivery`] | a node that never crashed delivers every message it submitted (checked once settled) |

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Event, MsgId, Sim};
use crate::totem::command::ConfKind;
use crate::totem::{NodeId, RingId};

fn histories(sim: &Sim) -> Vec<(String, &[Event])> {
    let mut out = Vec::new();
    for n in &sim.nodes {
        for (i, h) in n.past.iter().enumerate() {
            out.push((format!("node {} (incarnation {i})", n.id), h.as_slice()));
        }
        out.push((
            format!("node {} (incarnation {})", n.id, n.incarnation),
            n.history.as_slice(),
        ));
    }
    out
}

fn delivered(h: &[Event]) -> impl Iterator<Item = MsgId> + '_ {
    h.iter().filter_map(|e| match e {
        Event::Deliver { id, .. } => Some(*id),
        Event::Conf(_) => None,
    })
}

/// A node delivers a message at most once.
pub fn no_duplicates(sim: &Sim) -> Result<(), String> {
    for (name, h) in histories(sim) {
        let mut seen = HashSet::new();
        for id in delivered(h) {
            if !seen.insert(id) {
                return Err(format!("{name} delivered {id:?} twice"));
            }
        }
    }
    Ok(())
}

/// A sender's messages are delivered in the order it submitted them.
pub fn sender_order(sim: &Sim) -> Result<(), String> {
    for (name, h) in histories(sim) {
        let mut last: HashMap<(NodeId, u32), u64> = HashMap::new();
        for e in h {
            if let Event::Deliver { sender, id } = e {
                if *sender != id.0 {
                    return Err(format!("{name} delivered {id:?} as coming from {sender}"));
                }
                let l = last.entry((id.0, id.1)).or_insert(0);
                if id.2 <= *l {
                    return Err(format!("{name} delivered {id:?} after counter {l}"));
                }
                *l = id.2;
            }
        }
    }
    Ok(())
}

/// Any two nodes deliver their common messages in the same order.
pub fn agreed_order(sim: &Sim) -> Result<(), String> {
    let hs = histories(sim);
    let lists: Vec<(String, Vec<MsgId>)> = hs
        .iter()
        .map(|(n, h)| (n.clone(), delivered(h).collect()))
        .collect();
    for (i, (na, a)) in lists.iter().enumerate() {
        let sa: HashSet<&MsgId> = a.iter().collect();
        for (nb, b) in lists.iter().skip(i + 1) {
            let sb: HashSet<&MsgId> = b.iter().collect();
            let ca: Vec<&MsgId> = a.iter().filter(|m| sb.contains(m)).collect();
            let cb: Vec<&MsgId> = b.iter().filter(|m| sa.contains(m)).collect();
            if ca != cb {
                let at = ca.iter().zip(&cb).position(|(x, y)| x != y).unwrap_or(0);
                return Err(format!(
                    "{na} and {nb} disagree on the order at common message {at}: {:?} vs {:?}",
                    ca.get(at),
                    cb.get(at)
                ));
            }
        }
    }
    Ok(())
}

/// Every installation of a ring has the same members, and the installing node is one of them.
pub fn same_configurations(sim: &Sim) -> Result<(), String> {
    let mut rings: BTreeMap<RingId, Vec<NodeId>> = BTreeMap::new();
    for n in &sim.nodes {
        for h in n.past.iter().chain(std::iter::once(&n.history)) {
            let mut last_seq = None;
            for e in h {
                let Event::Conf(c) = e else { continue };
                if c.kind != ConfKind::Regular {
                    continue;
                }
                if !c.members.contains(&n.id) {
                    return Err(format!(
                        "node {} installed ring {} without itself",
                        n.id, c.ring_id
                    ));
                }
                if last_seq.is_some_and(|s| s >= c.ring_id.seq) {
                    return Err(format!(
                        "node {} installed ring {} out of order",
                        n.id, c.ring_id
                    ));
                }
                last_seq = Some(c.ring_id.seq);
                let prev = rings.entry(c.ring_id).or_insert_with(|| c.members.clone());
                if *prev != c.members {
                    return Err(format!(
                        "ring {} installed with members {:?} and {:?}",
                        c.ring_id, prev, c.members
                    ));
                }
            }
        }
    }
    Ok(())
}

/// One stretch of a history between two regular configurations.
struct Segment {
    from: RingId,
    to: RingId,
    trans: Vec<NodeId>,
    msgs: Vec<MsgId>,
}

fn segments(h: &[Event]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut from: Option<RingId> = None;
    let mut trans = Vec::new();
    let mut msgs = Vec::new();
    for e in h {
        match e {
            Event::Deliver { id, .. } => msgs.push(*id),
            Event::Conf(c) if c.kind == ConfKind::Transitional => trans = c.members.clone(),
            Event::Conf(c) => {
                if let Some(f) = from {
                    out.push(Segment {
                        from: f,
                        to: c.ring_id,
                        trans: std::mem::take(&mut trans),
                        msgs: std::mem::take(&mut msgs),
                    });
                }
                msgs.clear();
                trans.clear();
                from = Some(c.ring_id);
            }
        }
    }
    out
}

/// Nodes that move together from one configuration to the next delivered the same messages in between.
pub fn virtual_synchrony(sim: &Sim) -> Result<(), String> {
    type Seen = (String, Vec<NodeId>, Vec<MsgId>);
    let mut seen: HashMap<(RingId, RingId), Seen> = HashMap::new();
    for (name, h) in histories(sim) {
        for s in segments(h) {
            match seen.get(&(s.from, s.to)) {
                None => {
                    seen.insert((s.from, s.to), (name.clone(), s.trans, s.msgs));
                }
                Some((other, trans, msgs)) => {
                    if *trans != s.trans {
                        return Err(format!(
                            "{name} and {other} moved from {} to {} with transitional configurations {:?} and {:?}",
                            s.from, s.to, s.trans, trans
                        ));
                    }
                    if *msgs != s.msgs {
                        return Err(format!(
                            "{name} and {other} moved from {} to {} after delivering different messages ({} vs {})",
                            s.from,
                            s.to,
                            s.msgs.len(),
                            msgs.len()
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// A node that never crashed delivered every message it submitted.
pub fn self_delivery(sim: &Sim) -> Result<(), String> {
    for n in &sim.nodes {
        if n.srp.is_none() {
            continue;
        }
        let got: HashSet<MsgId> = delivered(&n.history).collect();
        if let Some(m) = n.submitted.iter().find(|m| !got.contains(m)) {
            return Err(format!(
                "node {} never delivered its own message {m:?}",
                n.id
            ));
        }
    }
    Ok(())
}

/// Two live nodes with disjoint memberships are never both quorate.
pub fn no_split_brain(sim: &Sim) -> Result<(), String> {
    let quorate: Vec<(NodeId, Vec<NodeId>)> = sim
        .nodes
        .iter()
        .filter(|n| n.srp.is_some() && n.quorum.quorate())
        .map(|n| (n.id, n.quorum.status().members))
        .collect();
    for (i, (a, ma)) in quorate.iter().enumerate() {
        for (b, mb) in quorate.iter().skip(i + 1) {
            if !ma.iter().any(|x| mb.contains(x)) {
                return Err(format!("nodes {a} {ma:?} and {b} {mb:?} are both quorate"));
            }
        }
    }
    Ok(())
}

/// Every safety check (all but [`self_delivery`], which needs a settled cluster).
pub fn check_safety(sim: &Sim) -> Result<(), String> {
    no_duplicates(sim)?;
    sender_order(sim)?;
    agreed_order(sim)?;
    same_configurations(sim)?;
    no_split_brain(sim)?;
    virtual_synchrony(sim)
}
