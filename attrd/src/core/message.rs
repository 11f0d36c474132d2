//! Messages between attribute managers over the CPG group `attrd`, and
//! their XML wire form (`<attrd_message task="update" attr_name=...>`,
//! with Pacemaker's attribute names).

use std::time::Duration;

use pcmk_common::xml::{Element, XmlError, parse};
use pcmk_controld::core::election::{NoVote, Vote};

/// One attribute value carried in an update or a sync response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueUpdate {
    /// Attribute name.
    pub name: String,
    /// New value; `None` deletes it.
    pub value: Option<String>,
    /// Node the value is for; `None` applies to every node that has one.
    pub host: Option<String>,
    /// That node's CIB id, if the sender knows it.
    pub host_id: Option<String>,
    /// `instance_attributes` (default) or `utilization`.
    pub set_type: Option<String>,
    /// Id of the attribute set to write into.
    pub set_id: Option<String>,
    /// User whose ACLs apply to the CIB write.
    pub user: Option<String>,
    /// Write delay (dampening), if given.
    pub dampen: Option<Duration>,
    /// Never written to the CIB.
    pub private: bool,
    /// The node is a Pacemaker Remote node.
    pub remote: bool,
    /// Write even if unchanged (sync of local-only values).
    pub force_write: bool,
    /// The change's version (Lamport clock and origin node), if known.
    pub version: Option<(u64, String)>,
}

/// What an update message changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateTask {
    /// The value (`update`).
    Value,
    /// The value and the dampening (`update-both`).
    Both,
    /// Only the dampening (`update-delay`).
    Delay,
}

impl UpdateTask {
    fn wire(self) -> &'static str {
        match self {
            UpdateTask::Value => "update",
            UpdateTask::Both => "update-both",
            UpdateTask::Delay => "update-delay",
        }
    }
}

/// A message between attribute managers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrdMessage {
    /// Set (or delete) values.
    Update {
        /// What changes.
        task: UpdateTask,
        /// The values.
        updates: Vec<ValueUpdate>,
    },
    /// Every value the sender has (`sync-response`), sent by the writer to
    /// a node that joins, or by any node to announce local-only values.
    SyncResponse {
        /// The sender won the writer election.
        writer: bool,
        /// The values.
        values: Vec<ValueUpdate>,
    },
    /// Forget every value of a node (`peer-remove`).
    Remove {
        /// The node.
        host: String,
        /// Also forget the node itself.
        reap: bool,
    },
    /// Clear fail counts and last failures (`clear-failure`).
    ClearFailure {
        /// Only for this resource.
        rsc: Option<String>,
        /// Only for this operation.
        op: Option<String>,
        /// Only for this interval (milliseconds).
        interval_ms: u64,
        /// Only on this node.
        host: Option<String>,
        /// The clearing's version (Lamport clock and origin node).
        version: Option<(u64, String)>,
    },
    /// The sender's protocol version, so peers learn its name.
    Protocol {
        /// The version.
        version: u32,
    },
    /// A writer election vote.
    Vote(Vote),
    /// A writer election concession.
    NoVote(NoVote),
}

/// The attrd protocol version spoken (Pacemaker 3.0's).
pub const PROTOCOL_VERSION: u32 = 7;

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttrdMessageError {
    /// Not XML.
    #[error("message is not XML: {0}")]
    Xml(#[from] XmlError),
    /// Not an attrd message.
    #[error("not an attribute manager message: <{0}>")]
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
    #[error("unknown attribute manager task '{0}'")]
    UnknownTask(String),
}

const ROOT: &str = "attrd_message";

fn put(x: &mut Element, name: &str, v: &Option<String>) {
    if let Some(v) = v {
        x.set_attr(name, v.as_str());
    }
}

fn put_version(x: &mut Element, v: &Option<(u64, String)>) {
    if let Some((clock, origin)) = v {
        x.set_attr("attr_clock", clock.to_string());
        x.set_attr("attr_origin", origin.as_str());
    }
}

fn read_version(x: &Element) -> Option<(u64, String)> {
    let clock = x.attr("attr_clock")?.trim().parse().ok()?;
    Some((clock, x.attr("attr_origin")?.to_string()))
}

fn flag(b: bool) -> &'static str {
    if b { "1" } else { "0" }
}

impl ValueUpdate {
    fn write(&self, x: &mut Element) {
        x.set_attr("attr_name", self.name.as_str());
        put(x, "attr_value", &self.value);
        put(x, "attr_host", &self.host);
        put(x, "attr_host_id", &self.host_id);
        put(x, "attr_set_type", &self.set_type);
        put(x, "attr_set", &self.set_id);
        put(x, "attr_user", &self.user);
        if let Some(d) = self.dampen {
            x.set_attr("attr_dampening", format!("{}ms", d.as_millis()));
        }
        x.set_attr("attr_is_private", flag(self.private));
        x.set_attr("attr_is_remote", flag(self.remote));
        x.set_attr("attrd_is_force_write", flag(self.force_write));
        put_version(x, &self.version);
    }

    fn read(x: &Element) -> Option<ValueUpdate> {
        let get = |n: &str| x.attr(n).map(str::to_string);
        let on = |n: &str| {
            x.attr(n)
                .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
        };
        Some(ValueUpdate {
            name: get("attr_name")?,
            value: get("attr_value"),
            host: get("attr_host"),
            host_id: get("attr_host_id"),
            set_type: get("attr_set_type"),
            set_id: get("attr_set"),
            user: get("attr_user"),
            dampen: x
                .attr("attr_dampening")
                .and_then(pcmk_controld::core::interval::parse_interval),
            private: on("attr_is_private"),
            remote: on("attr_is_remote"),
            force_write: on("attrd_is_force_write"),
            version: read_version(x),
        })
    }
}

impl AttrdMessage {
    /// The XML form, as sent by node `from`.
    pub fn to_xml(&self, from: &str) -> Element {
        let mut x = Element::new(ROOT).with_attr("src", from);
        let op = |u: &ValueUpdate| {
            let mut e = Element::new("op");
            u.write(&mut e);
            e
        };
        match self {
            AttrdMessage::Update { task, updates } => {
                x.set_attr("task", task.wire());
                for u in updates {
                    x.push(op(u));
                }
            }
            AttrdMessage::SyncResponse { writer, values } => {
                x.set_attr("task", "sync-response");
                // Pacemaker sends its election state; 3 means "won".
                x.set_attr("attr_writer", if *writer { "3" } else { "0" });
                for u in values {
                    x.push(op(u));
                }
            }
            AttrdMessage::Remove { host, reap } => {
                x.set_attr("task", "peer-remove");
                x.set_attr("attr_host", host.as_str());
                x.set_attr("reap", if *reap { "true" } else { "false" });
            }
            AttrdMessage::ClearFailure {
                rsc,
                op,
                interval_ms,
                host,
                version,
            } => {
                x.set_attr("task", "clear-failure");
                put_version(&mut x, version);
                put(&mut x, "attr_resource", rsc);
                put(&mut x, "attr_clear_operation", op);
                x.set_attr("attr_clear_interval", format!("{interval_ms}ms"));
                put(&mut x, "attr_host", host);
            }
            AttrdMessage::Protocol { version } => {
                x.set_attr("task", "update");
                x.set_attr("attr_name", "#attrd-protocol");
                x.set_attr("attr_value", version.to_string());
                x.set_attr("attr_is_private", "1");
                x.set_attr("attr_protocol", "1");
            }
            AttrdMessage::Vote(v) => {
                x.set_attr("crm_task", "vote");
                x.set_attr("election-owner", v.owner.as_str());
                x.set_attr("election-id", v.election_id.to_string());
                x.set_attr("election-age-sec", v.age.as_secs().to_string());
                x.set_attr("election-age-nano-sec", v.age.subsec_micros().to_string());
                x.set_attr("version", v.version.as_str());
            }
            AttrdMessage::NoVote(n) => {
                x.set_attr("crm_task", "no-vote");
                x.set_attr("crm_host_to", n.to.as_str());
                x.set_attr("election-owner", n.owner.as_str());
                x.set_attr("election-id", n.election_id.to_string());
                x.set_attr("version", n.version.as_str());
            }
        }
        x
    }

    /// Wire text, as sent by `from`.
    pub fn encode(&self, from: &str) -> String {
        self.to_xml(from).to_compact()
    }

    /// Decodes wire text: the sender's name and the message.
    pub fn decode(text: &str) -> Result<(String, AttrdMessage), AttrdMessageError> {
        AttrdMessage::from_xml(&parse(text)?)
    }

    /// Reads the XML form: the sender's name and the message.
    pub fn from_xml(x: &Element) -> Result<(String, AttrdMessage), AttrdMessageError> {
        if x.name != ROOT {
            return Err(AttrdMessageError::NotAMessage(x.name.clone()));
        }
        let task = x
            .attr("crm_task")
            .or_else(|| x.attr("task"))
            .unwrap_or("")
            .to_string();
        let field = |field: &'static str| AttrdMessageError::Field {
            task: task.clone(),
            field,
        };
        let from = x.attr("src").ok_or_else(|| field("src"))?.to_string();
        let text = |n: &'static str| x.attr(n).map(str::to_string).ok_or_else(|| field(n));
        let int = |n: &'static str| -> Result<u64, AttrdMessageError> {
            x.attr(n)
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| field(n))
        };
        let updates = || -> Result<Vec<ValueUpdate>, AttrdMessageError> {
            if x.element_count() == 0 {
                return Ok(vec![
                    ValueUpdate::read(x).ok_or_else(|| field("attr_name"))?,
                ]);
            }
            x.children_named("op")
                .map(|c| ValueUpdate::read(c).ok_or_else(|| field("attr_name")))
                .collect()
        };
        let msg = match task.as_str() {
            "vote" => {
                let micros = int("election-age-nano-sec")?;
                if micros >= 1_000_000 {
                    return Err(field("election-age-nano-sec"));
                }
                AttrdMessage::Vote(Vote {
                    from: from.clone(),
                    owner: text("election-owner")?,
                    election_id: u32::try_from(int("election-id")?)
                        .map_err(|_| field("election-id"))?,
                    age: Duration::from_secs(int("election-age-sec")?)
                        + Duration::from_micros(micros),
                    version: text("version")?,
                })
            }
            "no-vote" => AttrdMessage::NoVote(NoVote {
                from: from.clone(),
                to: text("crm_host_to")?,
                owner: text("election-owner")?,
                election_id: u32::try_from(int("election-id")?)
                    .map_err(|_| field("election-id"))?,
                version: x.attr("version").unwrap_or("").to_string(),
            }),
            "update" if x.attr("attr_protocol").is_some() => AttrdMessage::Protocol {
                version: x
                    .attr("attr_value")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            },
            "update" => AttrdMessage::Update {
                task: UpdateTask::Value,
                updates: updates()?,
            },
            "update-both" => AttrdMessage::Update {
                task: UpdateTask::Both,
                updates: updates()?,
            },
            "update-delay" => AttrdMessage::Update {
                task: UpdateTask::Delay,
                updates: updates()?,
            },
            "sync-response" => AttrdMessage::SyncResponse {
                writer: x.attr("attr_writer") == Some("3"),
                values: x
                    .elements()
                    .map(|c| ValueUpdate::read(c).ok_or_else(|| field("attr_name")))
                    .collect::<Result<_, _>>()?,
            },
            "peer-remove" => AttrdMessage::Remove {
                host: text("attr_host")?,
                reap: x.attr("reap").is_none_or(|v| v == "true" || v == "1"),
            },
            "clear-failure" => AttrdMessage::ClearFailure {
                rsc: x.attr("attr_resource").map(str::to_string),
                op: x.attr("attr_clear_operation").map(str::to_string),
                interval_ms: x
                    .attr("attr_clear_interval")
                    .and_then(pcmk_controld::core::interval::parse_interval)
                    .map_or(0, |d| d.as_millis() as u64),
                host: x.attr("attr_host").map(str::to_string),
                version: read_version(x),
            },
            "" => return Err(field("task")),
            other => return Err(AttrdMessageError::UnknownTask(other.to_string())),
        };
        Ok((from, msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rt(m: AttrdMessage) {
        let (from, back) = AttrdMessage::decode(&m.encode("n1")).unwrap();
        assert_eq!((from.as_str(), back), ("n1", m));
    }

    #[test]
    fn round_trips() {
        let u = ValueUpdate {
            name: "pingd".into(),
            value: Some("100".into()),
            host: Some("n2".into()),
            host_id: Some("2".into()),
            set_type: Some("instance_attributes".into()),
            set_id: None,
            user: Some("hacluster".into()),
            dampen: Some(Duration::from_secs(5)),
            private: false,
            remote: false,
            force_write: true,
            version: Some((7, "n1".into())),
        };
        rt(AttrdMessage::Update {
            task: UpdateTask::Both,
            updates: vec![
                u.clone(),
                ValueUpdate {
                    name: "x".into(),
                    ..Default::default()
                },
            ],
        });
        rt(AttrdMessage::SyncResponse {
            writer: true,
            values: vec![u],
        });
        rt(AttrdMessage::Remove {
            host: "n3".into(),
            reap: false,
        });
        rt(AttrdMessage::ClearFailure {
            rsc: Some("d".into()),
            op: None,
            interval_ms: 10000,
            host: None,
            version: Some((3, "n2".into())),
        });
        rt(AttrdMessage::Protocol {
            version: PROTOCOL_VERSION,
        });
        rt(AttrdMessage::Vote(Vote {
            from: "n1".into(),
            owner: "1".into(),
            election_id: 2,
            age: Duration::from_secs(60),
            version: "3.20.5".into(),
        }));
        rt(AttrdMessage::NoVote(NoVote {
            from: "n1".into(),
            to: "n2".into(),
            owner: "2".into(),
            election_id: 2,
            version: "3.20.5".into(),
        }));
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(AttrdMessage::decode("<x/>").is_err());
        assert!(AttrdMessage::decode("not xml").is_err());
        assert!(AttrdMessage::decode(r#"<attrd_message task="update" src="a"/>"#).is_err());
        assert!(matches!(
            AttrdMessage::decode(r#"<attrd_message task="nope" src="a"/>"#),
            Err(AttrdMessageError::UnknownTask(_))
        ));
        // A single update may also be carried in the root element.
        let (_, m) = AttrdMessage::decode(
            r#"<attrd_message task="update" src="a" attr_name="x" attr_value="1"/>"#,
        )
        .unwrap();
        assert!(
            matches!(m, AttrdMessage::Update { updates, .. } if updates[0].value.as_deref() == Some("1"))
        );
    }
}
