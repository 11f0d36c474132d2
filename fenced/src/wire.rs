//! How fencers reach each other: [`PeerMsg`]s as XML on CPG group
//! `stonith-ng`, with Pacemaker's attribute names where it has one.
//!
//! CPG only multicasts, so a message for one node names it in `st_dest`
//! and the others drop it; every message names its sender in `src`.

use pcmk_common::xml::{Element, XmlError, parse};

use crate::core::{Capability, PeerMsg};
use crate::history::{FenceResult, HistoryEntry, OpState};

/// The CPG group of the fencers.
pub const CPG_GROUP: &str = "stonith-ng";

const ROOT: &str = "stonith_command";

/// Why bytes from a peer are not a message.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Not XML.
    #[error("not XML: {0}")]
    Xml(#[from] XmlError),
    /// Another root element.
    #[error("not a fencer message: <{0}>")]
    NotAMessage(String),
    /// A required field is missing or malformed.
    #[error("fencer message '{op}' lacks a valid '{field}'")]
    Field {
        /// The message's operation.
        op: String,
        /// The field.
        field: &'static str,
    },
}

/// A message as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Sender's node name.
    pub from: String,
    /// The node it is for, if only one.
    pub to: Option<String>,
    /// The message.
    pub msg: PeerMsg,
}

impl Received {
    /// Whether node `local` should process it.
    pub fn is_for(&self, local: &str) -> bool {
        self.to
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case(local))
    }
}

/// Text safe in an XML 1.0 attribute (agents may print anything).
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\t' | '\r') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fn result_xml(r: &FenceResult) -> Element {
    let mut x = Element::new("st_result")
        .with_attr("exit_status", r.exit_status.to_string())
        .with_attr("exec_status", r.exec_status.to_string());
    if let Some(reason) = &r.exit_reason {
        x.set_attr("exit_reason", clean(reason));
    }
    if let Some(out) = &r.output {
        x.set_attr("output", clean(out));
    }
    x
}

fn entry_xml(e: &HistoryEntry) -> Element {
    let mut x = Element::new("st_history")
        .with_attr("st_remote_op", e.id.as_str())
        .with_attr("st_target", e.target.as_str())
        .with_attr("st_device_action", e.action.as_str())
        .with_attr("st_origin", e.origin.as_str())
        .with_attr("st_clientname", e.client.as_str())
        .with_attr("st_state", e.state.code().to_string())
        .with_attr("st_date", e.completed.0.to_string())
        .with_attr("st_date_nsec", e.completed.1.to_string());
    if let Some(d) = &e.delegate {
        x.set_attr("st_delegate", d.as_str());
    }
    x.push(result_xml(&e.result));
    x
}

/// The wire form of `msg` from node `from`, for `to` (everyone when
/// `None`).
pub fn encode(msg: &PeerMsg, from: &str, to: Option<&str>) -> Vec<u8> {
    let mut x = Element::new(ROOT).with_attr("src", from);
    if let Some(to) = to {
        x.set_attr("st_dest", to);
    }
    match msg {
        PeerMsg::Query {
            op_id,
            target,
            action,
            timeout_s,
            origin,
            client,
        } => {
            x.set_attr("st_op", "st_query");
            x.set_attr("st_remote_op", op_id.as_str());
            x.set_attr("st_target", target.as_str());
            x.set_attr("st_device_action", action.as_str());
            x.set_attr("st_timeout", timeout_s.to_string());
            x.set_attr("st_origin", origin.as_str());
            x.set_attr("st_clientname", client.as_str());
        }
        PeerMsg::QueryReply {
            op_id,
            host,
            devices,
        } => {
            x.set_attr("st_op", "st_query_reply");
            x.set_attr("st_remote_op", op_id.as_str());
            x.set_attr("st_host", host.as_str());
            for d in devices {
                x.push(
                    Element::new("st_device_id")
                        .with_attr("id", d.device.as_str())
                        .with_attr("verified", bool_text(d.verified))
                        .with_attr("supports_on", bool_text(d.supports_on))
                        .with_attr("timeout", d.timeout_s.to_string())
                        .with_attr("delay_max", d.delay_max_s.to_string()),
                );
            }
        }
        PeerMsg::Fence {
            op_id,
            target,
            action,
            device,
            timeout_s,
            delay_s,
            origin,
        } => {
            x.set_attr("st_op", "st_fence");
            x.set_attr("st_remote_op", op_id.as_str());
            x.set_attr("st_target", target.as_str());
            x.set_attr("st_device_action", action.as_str());
            if let Some(d) = device {
                x.set_attr("st_device_id", d.as_str());
            }
            x.set_attr("st_timeout", timeout_s.to_string());
            x.set_attr("st_delay", delay_s.to_string());
            x.set_attr("st_origin", origin.as_str());
        }
        PeerMsg::FenceReply {
            op_id,
            host,
            device,
            result,
        } => {
            x.set_attr("st_op", "st_fence_reply");
            x.set_attr("st_remote_op", op_id.as_str());
            x.set_attr("st_host", host.as_str());
            if let Some(d) = device {
                x.set_attr("st_device_id", d.as_str());
            }
            x.push(result_xml(result));
        }
        PeerMsg::Done(e) => {
            x.set_attr("st_op", "st_notify_done");
            x.push(entry_xml(e));
        }
        PeerMsg::History(entries) => {
            x.set_attr("st_op", "st_fence_history");
            for e in entries {
                x.push(entry_xml(e));
            }
        }
        PeerMsg::HistoryCleanup(target) => {
            x.set_attr("st_op", "st_fence_history_cleanup");
            if let Some(t) = target {
                x.set_attr("st_target", t.as_str());
            }
        }
    }
    x.to_compact().into_bytes()
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

struct Fields<'a> {
    x: &'a Element,
    op: &'a str,
}

impl Fields<'_> {
    fn err(&self, field: &'static str) -> WireError {
        WireError::Field {
            op: self.op.to_string(),
            field,
        }
    }

    fn text(&self, name: &'static str) -> Result<String, WireError> {
        self.x
            .attr(name)
            .map(str::to_string)
            .ok_or_else(|| self.err(name))
    }

    fn num<T: std::str::FromStr>(&self, name: &'static str) -> Result<T, WireError> {
        self.x
            .attr(name)
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| self.err(name))
    }

    fn opt(&self, name: &str) -> Option<String> {
        self.x.attr(name).map(str::to_string)
    }
}

fn result_from(x: &Element, op: &str) -> Result<FenceResult, WireError> {
    let f = Fields { x, op };
    Ok(FenceResult {
        exit_status: f.num("exit_status")?,
        exec_status: f.num("exec_status")?,
        exit_reason: f.opt("exit_reason"),
        output: f.opt("output"),
    })
}

fn state_from(code: i32) -> Option<OpState> {
    [
        OpState::Query,
        OpState::Exec,
        OpState::Done,
        OpState::Duplicate,
        OpState::Failed,
    ]
    .into_iter()
    .find(|s| s.code() == code)
}

fn entry_from(x: &Element, op: &str) -> Result<HistoryEntry, WireError> {
    let f = Fields { x, op };
    let result = x
        .child("st_result")
        .ok_or_else(|| f.err("st_result"))
        .and_then(|r| result_from(r, op))?;
    Ok(HistoryEntry {
        id: f.text("st_remote_op")?,
        target: f.text("st_target")?,
        action: f.text("st_device_action")?,
        origin: f.text("st_origin")?,
        delegate: f.opt("st_delegate"),
        client: f.opt("st_clientname").unwrap_or_default(),
        state: state_from(f.num("st_state")?).ok_or_else(|| f.err("st_state"))?,
        completed: (f.num("st_date")?, f.num("st_date_nsec")?),
        result,
    })
}

/// Reads a message from the wire.
pub fn decode(data: &[u8]) -> Result<Received, WireError> {
    let text = String::from_utf8_lossy(data);
    let x = parse(&text)?;
    if x.name != ROOT {
        return Err(WireError::NotAMessage(x.name.clone()));
    }
    let op = x.attr("st_op").unwrap_or("").to_string();
    let f = Fields { x: &x, op: &op };
    let from = f.text("src")?;
    let msg = match op.as_str() {
        "st_query" => PeerMsg::Query {
            op_id: f.text("st_remote_op")?,
            target: f.text("st_target")?,
            action: f.text("st_device_action")?,
            timeout_s: f.num("st_timeout")?,
            origin: f.text("st_origin")?,
            client: f.opt("st_clientname").unwrap_or_default(),
        },
        "st_query_reply" => {
            let mut devices = Vec::new();
            for d in x.children_named("st_device_id") {
                let g = Fields { x: d, op: &op };
                devices.push(Capability {
                    device: g.text("id")?,
                    verified: d.attr("verified") == Some("true"),
                    supports_on: d.attr("supports_on") == Some("true"),
                    timeout_s: g.num("timeout")?,
                    delay_max_s: g.num("delay_max")?,
                });
            }
            PeerMsg::QueryReply {
                op_id: f.text("st_remote_op")?,
                host: f.text("st_host")?,
                devices,
            }
        }
        "st_fence" => PeerMsg::Fence {
            op_id: f.text("st_remote_op")?,
            target: f.text("st_target")?,
            action: f.text("st_device_action")?,
            device: f.opt("st_device_id"),
            timeout_s: f.num("st_timeout")?,
            delay_s: f.num("st_delay")?,
            origin: f.text("st_origin")?,
        },
        "st_fence_reply" => PeerMsg::FenceReply {
            op_id: f.text("st_remote_op")?,
            host: f.text("st_host")?,
            device: f.opt("st_device_id"),
            result: x
                .child("st_result")
                .ok_or_else(|| f.err("st_result"))
                .and_then(|r| result_from(r, &op))?,
        },
        "st_notify_done" => PeerMsg::Done(
            x.child("st_history")
                .ok_or_else(|| f.err("st_history"))
                .and_then(|e| entry_from(e, &op))?,
        ),
        "st_fence_history" => PeerMsg::History(
            x.children_named("st_history")
                .map(|e| entry_from(e, &op))
                .collect::<Result<_, _>>()?,
        ),
        "st_fence_history_cleanup" => PeerMsg::HistoryCleanup(f.opt("st_target")),
        _ => return Err(f.err("st_op")),
    };
    Ok(Received {
        to: x.attr("st_dest").map(str::to_string),
        from,
        msg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 _.\\-<>&\"'\n]{0,20}"
    }

    fn result() -> impl Strategy<Value = FenceResult> {
        (
            -5i32..300,
            0i32..12,
            proptest::option::of(text()),
            proptest::option::of(text()),
        )
            .prop_map(|(a, b, c, d)| FenceResult {
                exit_status: a,
                exec_status: b,
                exit_reason: c,
                output: d,
            })
    }

    fn entry() -> impl Strategy<Value = HistoryEntry> {
        (
            text(),
            text(),
            text(),
            proptest::option::of(text()),
            0usize..5,
            any::<(i64, i64)>(),
            result(),
        )
            .prop_map(|(id, target, origin, delegate, st, completed, result)| {
                HistoryEntry {
                    id,
                    target,
                    action: "reboot".into(),
                    origin,
                    delegate,
                    client: "c".into(),
                    state: [
                        OpState::Query,
                        OpState::Exec,
                        OpState::Done,
                        OpState::Duplicate,
                        OpState::Failed,
                    ][st],
                    completed,
                    result,
                }
            })
    }

    fn msg() -> impl Strategy<Value = PeerMsg> {
        prop_oneof![
            (text(), text(), any::<u32>(), text()).prop_map(|(op_id, target, t, origin)| {
                PeerMsg::Query {
                    op_id,
                    target,
                    action: "off".into(),
                    timeout_s: t,
                    origin,
                    client: "stonith_admin".into(),
                }
            }),
            (
                text(),
                proptest::collection::vec((text(), any::<bool>(), any::<u32>()), 0..3)
            )
                .prop_map(|(op_id, ds)| PeerMsg::QueryReply {
                    op_id,
                    host: "n2".into(),
                    devices: ds
                        .into_iter()
                        .map(|(device, v, t)| Capability {
                            device,
                            verified: v,
                            supports_on: !v,
                            timeout_s: t,
                            delay_max_s: t / 2,
                        })
                        .collect(),
                }),
            (text(), proptest::option::of(text()), any::<i32>()).prop_map(|(op_id, device, d)| {
                PeerMsg::Fence {
                    op_id,
                    target: "n3".into(),
                    action: "reboot".into(),
                    device,
                    timeout_s: 60,
                    delay_s: d,
                    origin: "n1".into(),
                }
            }),
            (text(), proptest::option::of(text()), result()).prop_map(|(op_id, device, result)| {
                PeerMsg::FenceReply {
                    op_id,
                    host: "n2".into(),
                    device,
                    result,
                }
            }),
            entry().prop_map(PeerMsg::Done),
            proptest::collection::vec(entry(), 0..4).prop_map(PeerMsg::History),
            proptest::option::of(text()).prop_map(PeerMsg::HistoryCleanup),
        ]
    }

    proptest! {
        #[test]
        fn round_trip(m in msg(), to in proptest::option::of("[a-z0-9]{1,8}")) {
            let r = decode(&encode(&m, "n1", to.as_deref())).unwrap();
            prop_assert_eq!(r.from, "n1");
            prop_assert_eq!(r.to, to);
            prop_assert_eq!(r.msg, m);
        }

        #[test]
        fn garbage_is_an_error_not_a_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&data);
        }
    }

    #[test]
    fn control_characters_in_output_survive_as_replacements() {
        let m = PeerMsg::FenceReply {
            op_id: "x".into(),
            host: "n2".into(),
            device: None,
            result: FenceResult {
                output: Some("a\u{0}b\u{1b}c\n".into()),
                ..FenceResult::ok()
            },
        };
        let r = decode(&encode(&m, "n2", Some("n1"))).unwrap();
        assert!(r.is_for("N1") && !r.is_for("n3"));
        let PeerMsg::FenceReply { result, .. } = r.msg else {
            panic!()
        };
        assert_eq!(result.output.as_deref(), Some("a\u{fffd}b\u{fffd}c\n"));
    }

    #[test]
    fn missing_fields_are_reported() {
        let e = decode(br#"<stonith_command src="n1" st_op="st_fence"/>"#).unwrap_err();
        assert!(e.to_string().contains("st_remote_op"), "{e}");
        assert!(decode(b"<cib/>").is_err());
        assert!(decode(br#"<stonith_command src="n1" st_op="nope"/>"#).is_err());
    }
}
