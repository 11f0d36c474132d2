//! How attribute managers reach each other: CPG group `attrd`, or, run
//! stand-alone, a loop back to the node itself.
//!
//! CPG only multicasts, so a message for one node carries its name in a
//! `pcmk_dest` attribute and the others drop it; each message sent by this
//! process carries a sequence number (`pcmk_seq`), so that a client's
//! update is answered once its broadcast has come back (every member has
//! then received it, in the same order).

use pcmk_common::xml::{Element, parse};

use crate::core::{AttrdMessage, AttrdMessageError};

/// The CPG group of the attribute managers.
pub const CPG_GROUP: &str = "attrd";

const DEST: &str = "pcmk_dest";
const SEQ: &str = "pcmk_seq";

/// The wire form of `message` from node `from`, for `to` (everyone when
/// `None`), numbered `seq` by its sender.
pub fn encode(message: &AttrdMessage, from: &str, to: Option<&str>, seq: u64) -> Vec<u8> {
    let mut x = message.to_xml(from);
    if let Some(to) = to {
        x.set_attr(DEST, to);
    }
    x.set_attr(SEQ, seq.to_string());
    x.to_compact().into_bytes()
}

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The sender's name, as the message gives it.
    pub from: String,
    /// The node it is for, if only one.
    pub to: Option<String>,
    /// The sender's sequence number.
    pub seq: Option<u64>,
    /// The message.
    pub message: AttrdMessage,
}

impl Received {
    /// Whether node `local` should process it.
    pub fn is_for(&self, local: &str) -> bool {
        self.to
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case(local))
    }
}

/// Reads a message from the wire.
pub fn decode(data: &[u8]) -> Result<Received, AttrdMessageError> {
    let text = String::from_utf8_lossy(data);
    let x: Element = parse(&text)?;
    let (from, message) = AttrdMessage::from_xml(&x)?;
    Ok(Received {
        from,
        to: x.attr(DEST).map(str::to_string),
        seq: x.attr(SEQ).and_then(|s| s.parse().ok()),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::PROTOCOL_VERSION;

    #[test]
    fn envelope_round_trip() {
        let m = AttrdMessage::Protocol {
            version: PROTOCOL_VERSION,
        };
        let r = decode(&encode(&m, "n1", Some("n2"), 7)).unwrap();
        assert_eq!(
            r,
            Received {
                from: "n1".into(),
                to: Some("n2".into()),
                seq: Some(7),
                message: m.clone(),
            }
        );
        assert!(r.is_for("N2") && !r.is_for("n3"));
        let r = decode(&encode(&m, "n1", None, 1)).unwrap();
        assert!(r.is_for("n3"));
        assert!(decode(b"\xff\xfe").is_err());
        assert!(decode(b"<attrd_message task='update'/>").is_err());
    }
}
