//! Messages between controllers over the CPG group `crmd`, and their XML
//! wire form (`<crm_message crm_task="..." src="..." crm_host_to="...">`,
//! with Pacemaker's attribute names).

use std::time::Duration;

use pcmk_common::xml::{Element, XmlError, parse};

use super::election::{NoVote, Vote};

/// A message between controllers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrmdMessage {
    /// An election vote (`vote`), broadcast.
    Vote(Vote),
    /// A concession (`no-vote`), sent to the voter.
    NoVote(NoVote),
    /// A node looks for the DC (`join_announce`), broadcast for the DC.
    JoinAnnounce,
    /// The DC offers a join (`join_offer`).
    JoinOffer {
        /// The join round.
        join_id: i32,
        /// The DC's feature set.
        feature_set: String,
        /// The DC is shutting down.
        dc_leaving: bool,
    },
    /// A node asks to join (`join_request`), with its CIB generation.
    JoinRequest {
        /// The join round.
        join_id: i32,
        /// The node's feature set.
        feature_set: String,
        /// The node's `<generation_tuple>` (CIB version attributes).
        generation: Option<Element>,
    },
    /// The DC's answer to a join request (`join_ack_nack`).
    JoinAckNak {
        /// The join round.
        join_id: i32,
        /// Accepted or refused.
        ack: bool,
        /// The DC's feature set.
        feature_set: String,
        /// The DC is shutting down.
        dc_leaving: bool,
    },
    /// A node confirms its join (`join_confirm`) with its operation history.
    JoinConfirm {
        /// The join round.
        join_id: i32,
        /// The node's `node_state` with its `lrm` history.
        node_state: Option<Element>,
    },
    /// A node asks to shut down (`req_shutdown`), broadcast.
    ShutdownReq,
    /// The DC lets a node stop (`do_shutdown`).
    Shutdown,
    /// The DC asks a node's controller to run a resource action
    /// (`lrm_invoke`); the `rsc_op` carries its transition key.
    ExecRequest {
        /// The graph's `rsc_op` element.
        action: Element,
    },
    /// A node reports the outcome of a graph action directly to the DC
    /// (cancellations, deletions, cluster actions and actions that could
    /// not run), as an `lrm_rsc_op` element.
    ExecAck {
        /// The `lrm_rsc_op` describing the outcome.
        op: Element,
    },
    /// Another cluster action from the graph (`crm_event`).
    ClusterAction {
        /// The task.
        task: String,
        /// Its transition key.
        transition_key: String,
        /// The graph's `crm_event` element.
        action: Element,
    },
}

impl CrmdMessage {
    /// The task name on the wire.
    pub fn task(&self) -> &str {
        match self {
            CrmdMessage::Vote(_) => "vote",
            CrmdMessage::NoVote(_) => "no-vote",
            CrmdMessage::JoinAnnounce => "join_announce",
            CrmdMessage::JoinOffer { .. } => "join_offer",
            CrmdMessage::JoinRequest { .. } => "join_request",
            CrmdMessage::JoinAckNak { .. } => "join_ack_nack",
            CrmdMessage::JoinConfirm { .. } => "join_confirm",
            CrmdMessage::ShutdownReq => "req_shutdown",
            CrmdMessage::Shutdown => "do_shutdown",
            CrmdMessage::ExecRequest { .. } => "lrm_invoke",
            CrmdMessage::ExecAck { .. } => "lrm_ack",
            CrmdMessage::ClusterAction { task, .. } => task,
        }
    }

    /// Whether only the DC handles it (sent to the `dc` subsystem).
    pub fn is_for_dc(&self) -> bool {
        matches!(
            self,
            CrmdMessage::JoinAnnounce
                | CrmdMessage::JoinRequest { .. }
                | CrmdMessage::JoinConfirm { .. }
                | CrmdMessage::ExecAck { .. }
        )
    }
}

/// A message with its sender and recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// Name of the sending node.
    pub from: String,
    /// Name of the recipient node; `None` for a broadcast.
    pub to: Option<String>,
    /// The message.
    pub message: CrmdMessage,
}

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Not XML.
    #[error("message is not XML: {0}")]
    Xml(#[from] XmlError),
    /// Not a controller message.
    #[error("not a controller message: <{0}>")]
    NotAMessage(String),
    /// A field is missing or invalid.
    #[error("{task} message lacks a valid {field}")]
    Field {
        /// The message's task.
        task: String,
        /// The missing field.
        field: &'static str,
    },
    /// An unknown task.
    #[error("unknown controller message task '{0}'")]
    UnknownTask(String),
}

const ROOT: &str = "crm_message";

impl Envelope {
    /// The XML form of the message.
    pub fn to_xml(&self) -> Element {
        let mut x = Element::new(ROOT)
            .with_attr("crm_task", self.message.task())
            .with_attr("src", self.from.as_str());
        if let Some(to) = &self.to {
            x.set_attr("crm_host_to", to.as_str());
        }
        match &self.message {
            CrmdMessage::Vote(v) => {
                x.set_attr("election-owner", v.owner.as_str());
                x.set_attr("election-id", v.election_id.to_string());
                x.set_attr("election-age-sec", v.age.as_secs().to_string());
                x.set_attr("election-age-nano-sec", v.age.subsec_micros().to_string());
                x.set_attr("version", v.version.as_str());
            }
            CrmdMessage::NoVote(n) => {
                x.set_attr("election-voter", n.to.as_str());
                x.set_attr("election-owner", n.owner.as_str());
                x.set_attr("election-id", n.election_id.to_string());
                x.set_attr("version", n.version.as_str());
            }
            CrmdMessage::JoinAnnounce | CrmdMessage::ShutdownReq | CrmdMessage::Shutdown => {}
            CrmdMessage::JoinOffer {
                join_id,
                feature_set,
                dc_leaving,
            } => {
                x.set_attr("join_id", join_id.to_string());
                x.set_attr("crm_feature_set", feature_set.as_str());
                x.set_attr("dc-leaving", bool_text(*dc_leaving));
            }
            CrmdMessage::JoinRequest {
                join_id,
                feature_set,
                generation,
            } => {
                x.set_attr("join_id", join_id.to_string());
                x.set_attr("crm_feature_set", feature_set.as_str());
                if let Some(g) = generation {
                    x.push(g.clone());
                }
            }
            CrmdMessage::JoinAckNak {
                join_id,
                ack,
                feature_set,
                dc_leaving,
            } => {
                x.set_attr("join_id", join_id.to_string());
                x.set_attr("join_ack_nack", bool_text(*ack));
                x.set_attr("crm_feature_set", feature_set.as_str());
                x.set_attr("dc-leaving", bool_text(*dc_leaving));
            }
            CrmdMessage::JoinConfirm {
                join_id,
                node_state,
            } => {
                x.set_attr("join_id", join_id.to_string());
                if let Some(s) = node_state {
                    x.push(s.clone());
                }
            }
            CrmdMessage::ExecRequest { action } => x.push(action.clone()),
            CrmdMessage::ExecAck { op } => x.push(op.clone()),
            CrmdMessage::ClusterAction {
                transition_key,
                action,
                ..
            } => {
                x.set_attr("transition-key", transition_key.as_str());
                x.push(action.clone());
            }
        }
        x
    }

    /// The message as wire text.
    pub fn encode(&self) -> String {
        self.to_xml().to_compact()
    }

    /// Decodes wire text.
    pub fn decode(text: &str) -> Result<Envelope, MessageError> {
        Envelope::from_xml(&parse(text)?)
    }

    /// Reads the XML form of a message.
    pub fn from_xml(x: &Element) -> Result<Envelope, MessageError> {
        if x.name != ROOT {
            return Err(MessageError::NotAMessage(x.name.clone()));
        }
        let task = x.attr("crm_task").unwrap_or("").to_string();
        let field = |field: &'static str| MessageError::Field {
            task: task.clone(),
            field,
        };
        let from = x.attr("src").ok_or_else(|| field("src"))?.to_string();
        let to = x.attr("crm_host_to").map(str::to_string);
        let int = |name: &'static str| -> Result<i64, MessageError> {
            x.attr(name)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| field(name))
        };
        let text = |name: &'static str| -> Result<String, MessageError> {
            x.attr(name).map(str::to_string).ok_or_else(|| field(name))
        };
        let join_id = || -> Result<i32, MessageError> {
            i32::try_from(int("join_id")?).map_err(|_| field("join_id"))
        };
        let election_id = || -> Result<u32, MessageError> {
            u32::try_from(int("election-id")?).map_err(|_| field("election-id"))
        };
        let flag = |name: &str| x.attr(name).is_some_and(is_true);
        let child = || x.elements().next().cloned();
        let message = match task.as_str() {
            "vote" => {
                let secs = u64::try_from(int("election-age-sec")?)
                    .map_err(|_| field("election-age-sec"))?;
                let micros = u32::try_from(int("election-age-nano-sec")?)
                    .ok()
                    .filter(|m| *m < 1_000_000)
                    .ok_or_else(|| field("election-age-nano-sec"))?;
                CrmdMessage::Vote(Vote {
                    from: from.clone(),
                    owner: text("election-owner")?,
                    election_id: election_id()?,
                    age: Duration::from_secs(secs) + Duration::from_micros(u64::from(micros)),
                    version: text("version")?,
                })
            }
            "no-vote" => CrmdMessage::NoVote(NoVote {
                from: from.clone(),
                to: x
                    .attr("election-voter")
                    .map(str::to_string)
                    .or_else(|| to.clone())
                    .unwrap_or_default(),
                owner: text("election-owner")?,
                election_id: election_id()?,
                version: x.attr("version").unwrap_or("").to_string(),
            }),
            "join_announce" => CrmdMessage::JoinAnnounce,
            "join_offer" => CrmdMessage::JoinOffer {
                join_id: join_id()?,
                feature_set: text("crm_feature_set")?,
                dc_leaving: flag("dc-leaving"),
            },
            "join_request" => CrmdMessage::JoinRequest {
                join_id: join_id()?,
                feature_set: x.attr("crm_feature_set").unwrap_or("").to_string(),
                generation: child(),
            },
            "join_ack_nack" => CrmdMessage::JoinAckNak {
                join_id: join_id()?,
                ack: flag("join_ack_nack"),
                feature_set: x.attr("crm_feature_set").unwrap_or("").to_string(),
                dc_leaving: flag("dc-leaving"),
            },
            "join_confirm" => CrmdMessage::JoinConfirm {
                join_id: join_id()?,
                node_state: child(),
            },
            "req_shutdown" => CrmdMessage::ShutdownReq,
            "do_shutdown" => CrmdMessage::Shutdown,
            "lrm_invoke" => CrmdMessage::ExecRequest {
                action: child().ok_or_else(|| field("rsc_op"))?,
            },
            "lrm_ack" => CrmdMessage::ExecAck {
                op: child().ok_or_else(|| field("lrm_rsc_op"))?,
            },
            "" => return Err(field("crm_task")),
            other => match child() {
                Some(action) if action.name == "crm_event" => CrmdMessage::ClusterAction {
                    task: other.to_string(),
                    transition_key: text("transition-key")?,
                    action,
                },
                _ => return Err(MessageError::UnknownTask(other.to_string())),
            },
        };
        Ok(Envelope { from, to, message })
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn is_true(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "on" | "yes" | "y" | "1"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(m: CrmdMessage, to: Option<&str>) {
        let e = Envelope {
            from: "n1".into(),
            to: to.map(str::to_string),
            message: m,
        };
        assert_eq!(Envelope::decode(&e.encode()).unwrap(), e);
    }

    #[test]
    fn every_message_round_trips() {
        round_trip(
            CrmdMessage::Vote(Vote {
                from: "n1".into(),
                owner: "1".into(),
                election_id: 3,
                age: Duration::from_micros(5_000_123),
                version: "3.20.5".into(),
            }),
            None,
        );
        round_trip(
            CrmdMessage::NoVote(NoVote {
                from: "n1".into(),
                to: "n2".into(),
                owner: "2".into(),
                election_id: 1,
                version: "3.20.5".into(),
            }),
            Some("n2"),
        );
        round_trip(CrmdMessage::JoinAnnounce, None);
        round_trip(
            CrmdMessage::JoinOffer {
                join_id: 4,
                feature_set: "3.20.5".into(),
                dc_leaving: true,
            },
            Some("n2"),
        );
        round_trip(
            CrmdMessage::JoinRequest {
                join_id: 4,
                feature_set: "3.20.5".into(),
                generation: Some(Element::new("generation_tuple").with_attr("epoch", "3")),
            },
            Some("n1"),
        );
        round_trip(
            CrmdMessage::JoinAckNak {
                join_id: 4,
                ack: false,
                feature_set: "3.20.5".into(),
                dc_leaving: false,
            },
            Some("n2"),
        );
        round_trip(
            CrmdMessage::JoinConfirm {
                join_id: 4,
                node_state: Some(Element::new("node_state")),
            },
            Some("n1"),
        );
        round_trip(CrmdMessage::ShutdownReq, None);
        round_trip(CrmdMessage::Shutdown, Some("n2"));
        round_trip(
            CrmdMessage::ExecRequest {
                action: Element::new("rsc_op").with_attr("id", "3"),
            },
            Some("n2"),
        );
        round_trip(
            CrmdMessage::ExecAck {
                op: Element::new("lrm_rsc_op"),
            },
            Some("n1"),
        );
        round_trip(
            CrmdMessage::ClusterAction {
                task: "clear_failcount".into(),
                transition_key: "1:2:0:u".into(),
                action: Element::new("crm_event"),
            },
            Some("n2"),
        );
    }

    #[test]
    fn bad_messages_are_refused() {
        assert!(matches!(
            Envelope::decode("<x/>"),
            Err(MessageError::NotAMessage(_))
        ));
        assert!(matches!(
            Envelope::decode("garbage"),
            Err(MessageError::Xml(_))
        ));
        assert!(Envelope::decode(r#"<crm_message crm_task="vote" src="a"/>"#).is_err());
        assert!(
            Envelope::decode(r#"<crm_message crm_task="join_offer" src="a" join_id="x"/>"#)
                .is_err()
        );
        assert!(matches!(
            Envelope::decode(r#"<crm_message crm_task="frobnicate" src="a"/>"#),
            Err(MessageError::UnknownTask(_))
        ));
        assert!(Envelope::decode(r#"<crm_message crm_task="vote" src="a" election-owner="1" election-id="-1" election-age-sec="1" election-age-nano-sec="0" version="3"/>"#).is_err());
    }
}
