//! Writing attribute values into the CIB status section (the writer's
//! job, after `attrd_cib.c`): one transaction per attribute, each value
//! set as `node_state/transient_attributes/<set>/nvpair` or deleted.

use std::time::Duration;

use pcmk_common::xml::Element;
use pcmk_controld::core::alerts::AlertEvent;
use pcmk_controld::core::controller::CibOp;

use super::{Attrd, Command, TimerId};

/// Delay before retrying a failed write of an undampened attribute.
const RETRY_DELAY: Duration = Duration::from_secs(2);

impl Attrd {
    /// Writes an attribute if we are the writer, else makes sure there is
    /// one (`attrd_write_or_elect_attribute()`).
    pub(super) fn write_or_elect(&mut self, name: &str) {
        if self.is_writer() {
            self.write_attribute(name, false);
        } else {
            self.start_election_if_needed();
        }
    }

    /// `attrd_write_attributes()`: every attribute (`all`) or the changed
    /// ones; `no_delay` overrides dampening.
    pub(super) fn write_attributes(&mut self, all: bool, no_delay: bool) {
        let names: Vec<String> = self.attributes.keys().cloned().collect();
        for name in names {
            let Some(a) = self.attributes.get_mut(&name) else {
                continue;
            };
            if (!all && a.node_unknown) || a.force_write {
                a.changed = true;
            }
            if all || a.changed {
                let ignore_delay = no_delay || a.force_write;
                self.write_attribute(&name, ignore_delay);
            }
        }
    }

    /// `write_attribute()`.
    fn write_attribute(&mut self, name: &str, ignore_delay: bool) {
        let standalone = self.standalone;
        let Some(a) = self.attributes.get_mut(name) else {
            return;
        };
        let should_write = !standalone && !a.private;
        if should_write {
            if let Some(call) = a.update {
                tracing::info!("Write out of '{name}' delayed: update {call} in progress");
                return;
            }
            if a.timer_running {
                if ignore_delay {
                    a.timer_running = false;
                    self.out.push(Command::StopTimer {
                        timer: TimerId::Dampen(name.to_string()),
                    });
                    tracing::debug!("Overriding '{name}' write delay");
                } else {
                    tracing::info!("Delaying write of '{name}'");
                    return;
                }
            }
        }
        let Some(a) = self.attributes.get_mut(name) else {
            return;
        };
        a.changed = false;
        a.force_write = false;
        a.node_unknown = false;
        if !should_write {
            tracing::info!("Processed {} private change(s) for {name}", a.values.len());
            return;
        }
        let mut ops = Vec::new();
        let mut alerts = Vec::new();
        let mut unknown = false;
        let keys: Vec<String> = a.values.keys().cloned().collect();
        for key in keys {
            let node_id = match a.values.get(&key) {
                Some(v) if v.remote => Some(v.node.clone()),
                Some(_) => self.node_ids.get(&key).cloned(),
                None => None,
            };
            let set_id = node_id
                .as_deref()
                .map(|id| a.set_id_for(id))
                .unwrap_or_default();
            let nvpair_id = node_id
                .as_deref()
                .map(|id| a.nvpair_id_for(id))
                .unwrap_or_default();
            let set_type = a.set_type.clone();
            let Some(v) = a.values.get_mut(&key) else {
                continue;
            };
            let Some(node_id) = node_id else {
                tracing::info!(
                    "Cannot write {name}[{}]='{}' to CIB because node's XML ID is unknown (will retry if learned)",
                    v.node,
                    v.current.as_deref().unwrap_or("(unset)")
                );
                unknown = true;
                continue;
            };
            v.requested = v.current.clone();
            alerts.push(AlertEvent::Attribute {
                node: v.node.clone(),
                // A remote node's id is its name: no cluster id.
                nodeid: if v.remote {
                    0
                } else {
                    node_id.parse().unwrap_or(0)
                },
                name: name.to_string(),
                value: v.current.clone().unwrap_or_default(),
            });
            ops.push(match &v.current {
                Some(value) => CibOp::Modify {
                    section: "status".into(),
                    xml: Element::new("node_state").with_attr("id", node_id.as_str()).with_child(
                        Element::new("transient_attributes")
                            .with_attr("id", node_id.as_str())
                            .with_child(
                                Element::new(set_type.as_str()).with_attr("id", set_id).with_child(
                                    Element::new("nvpair")
                                        .with_attr("id", nvpair_id)
                                        .with_attr("name", name)
                                        .with_attr("value", value.as_str()),
                                ),
                            ),
                    ),
                },
                None => CibOp::Delete {
                    xpath: format!(
                        "/cib/status/node_state[@id='{node_id}']/transient_attributes[@id='{node_id}']/{set_type}[@id='{set_id}']/nvpair[@id='{nvpair_id}' and @name='{name}']"
                    ),
                },
            });
        }
        a.node_unknown = unknown;
        if ops.is_empty() {
            return;
        }
        self.next_call += 1;
        let call = self.next_call;
        a.update = Some(call);
        let user = a.user.clone();
        tracing::info!(
            "Sent CIB request {call} with {} change(s) for {name}",
            ops.len()
        );
        self.pending.insert(call, name.to_string());
        self.out.push(Command::Cib {
            call_id: Some(call),
            op: CibOp::Transaction(ops),
            user,
        });
        // Every value written, changed or not (`send_alert_attributes_value()`).
        if !self.alerts.is_empty() {
            let now = self.wall_time();
            for event in &alerts {
                for run in self.alerts.runs(event, now) {
                    tracing::info!(
                        alert = %run.id,
                        "Sending attribute alert via {} to {}",
                        run.id,
                        run.recipient.as_deref().unwrap_or("(null)")
                    );
                    self.out.push(Command::Alert(run));
                }
            }
        }
    }

    /// Erases every transient attribute of `node` from the CIB.
    pub(super) fn erase_transient(&mut self, node: &str) {
        if self.standalone {
            return;
        }
        tracing::debug!("Clearing transient node attributes for {node} from CIB");
        self.out.push(Command::Cib {
            call_id: None,
            op: CibOp::Delete {
                xpath: format!("//node_state[@uname='{node}']/transient_attributes"),
            },
            user: None,
        });
    }

    /// `attrd_cib_callback()`.
    pub(super) fn cib_reply(&mut self, call_id: u64, ok: bool) {
        let Some(name) = self.pending.remove(&call_id) else {
            return;
        };
        let writer = self.is_writer();
        let Some(a) = self.attributes.get_mut(&name) else {
            tracing::info!("Attribute {name} no longer exists");
            return;
        };
        a.update = None;
        for v in a.values.values_mut() {
            if ok {
                tracing::info!(
                    "* Wrote {name}[{}]={}",
                    v.node,
                    v.requested.as_deref().unwrap_or("(unset)")
                );
                v.requested = None;
            } else {
                tracing::warn!("* Could not write {name}[{}]", v.node);
                a.changed = true;
            }
        }
        if ok {
            a.retry_delay = None;
        }
        if a.changed && writer {
            if ok {
                self.write_attribute(&name, false);
            } else if !a.timer_running {
                let after = if a.dampen.is_zero() {
                    RETRY_DELAY
                } else {
                    a.dampen
                };
                a.retry_delay = Some(after);
                a.timer_running = true;
                self.out.push(Command::StartTimer {
                    timer: TimerId::Dampen(name),
                    after,
                });
            }
        }
    }
}
