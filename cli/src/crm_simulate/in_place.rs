//! `crm_simulate --in-place`: store the simulated changes in the CIB
//! (the CIB manager, a shadow or a file), the way Pacemaker's injections
//! do: a configuration entry for each node brought up, down or failed
//! that has none, its `node_state`, then the status the simulation left.

use pcmk_based::request::{CallOptions, Operation};
use pcmk_common::xml::Element;

use super::Options;
use crate::cib_session::{CibSession, Failure};

fn config_has_node(cib: &Element, name: &str) -> bool {
    cib.child("configuration")
        .and_then(|c| c.child("nodes"))
        .is_some_and(|n| {
            n.children_named("node")
                .any(|e| e.attr("uname") == Some(name))
        })
}

fn node_state<'a>(cib: &'a Element, name: &str) -> Option<&'a Element> {
    cib.child("status")?
        .children_named("node_state")
        .find(|e| e.attr("uname") == Some(name))
}

/// Applies `after` (the CIB the run produced from `before`) to the CIB
/// through `session`.
pub fn store(
    session: &mut CibSession,
    before: &Element,
    after: &Element,
    opts: &Options,
) -> Result<(), Failure> {
    let mut current = before.clone();
    let inj = &opts.injections;
    let nodes = inj
        .node_up
        .iter()
        .chain(&inj.node_down)
        .chain(&inj.node_fail);
    for name in nodes {
        if !config_has_node(&current, name) {
            let node = Element::new("node")
                .with_attr("id", name.as_str())
                .with_attr("uname", name.as_str());
            session.change(
                Operation::Create,
                Some("nodes"),
                node,
                CallOptions::default(),
            )?;
            current = session.whole()?;
        }
        let Some(state) = node_state(after, name) else {
            continue;
        };
        if node_state(&current, name).is_none() {
            let mut fresh = Element::new("node_state");
            for key in ["id", "uname"] {
                if let Some(v) = state.attr(key) {
                    fresh.set_attr(key, v);
                }
            }
            session.change(
                Operation::Create,
                Some("status"),
                fresh,
                CallOptions::default(),
            )?;
        }
        let mut attrs = Element::new("node_state");
        attrs.attrs = state.attrs.clone();
        session.change(
            Operation::Modify,
            Some("status"),
            attrs,
            CallOptions::default(),
        )?;
        current = session.whole()?;
    }
    if opts.simulate {
        if let Some(status) = after.child("status") {
            if current.child("status") != Some(status) {
                session.change(
                    Operation::Replace,
                    Some("status"),
                    status.clone(),
                    CallOptions::default(),
                )?;
            }
        }
    }
    Ok(())
}
