//! Conversions between the core's requests and `cib.proto`'s messages.

use pcmk_common::cib::CibVersion;
use pcmk_common::xml::{XmlError, parse};
use pcmk_proto::cib as pb;

use crate::request::{CallOptions, Operation, Request, Target};

/// Why a wire request cannot be carried out.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The operation is missing or unknown.
    #[error("Protocol not supported")]
    UnknownOperation,
    /// The input is not XML.
    #[error("Bad input value provided")]
    BadInput(#[source] XmlError),
}

/// The wire name of an operation.
pub fn op_to_wire(op: Operation) -> pb::CibOp {
    match op {
        Operation::Query => pb::CibOp::Query,
        Operation::Create => pb::CibOp::Create,
        Operation::Modify => pb::CibOp::Modify,
        Operation::Replace => pb::CibOp::Replace,
        Operation::Delete => pb::CibOp::Delete,
        Operation::Erase => pb::CibOp::Erase,
        Operation::Bump => pb::CibOp::Bump,
        Operation::Upgrade => pb::CibOp::Upgrade,
        Operation::ApplyPatch => pb::CibOp::ApplyPatch,
    }
}

/// The operation of a wire code.
pub fn op_from_wire(op: i32) -> Option<Operation> {
    Some(match pb::CibOp::try_from(op).ok()? {
        pb::CibOp::Unspecified => return None,
        pb::CibOp::Query => Operation::Query,
        pb::CibOp::Create => Operation::Create,
        pb::CibOp::Modify => Operation::Modify,
        pb::CibOp::Replace => Operation::Replace,
        pb::CibOp::Delete => Operation::Delete,
        pb::CibOp::Erase => Operation::Erase,
        pb::CibOp::Bump => Operation::Bump,
        pb::CibOp::Upgrade => Operation::Upgrade,
        pb::CibOp::ApplyPatch => Operation::ApplyPatch,
    })
}

fn options_to_wire(o: &CallOptions) -> pb::CallOptions {
    pb::CallOptions {
        allow_create: o.allow_create,
        multiple: o.multiple,
        no_children: o.no_children,
        xpath_address: o.xpath_address,
        verbose: o.verbose,
        score_update: o.score_update,
        dry_run: o.dry_run,
        inhibit_notify: o.inhibit_notify,
        no_mtime: o.no_mtime,
    }
}

fn options_from_wire(o: Option<&pb::CallOptions>) -> CallOptions {
    let Some(o) = o else {
        return CallOptions::default();
    };
    CallOptions {
        allow_create: o.allow_create,
        multiple: o.multiple,
        no_children: o.no_children,
        xpath_address: o.xpath_address,
        verbose: o.verbose,
        score_update: o.score_update,
        dry_run: o.dry_run,
        inhibit_notify: o.inhibit_notify,
        no_mtime: o.no_mtime,
    }
}

fn empty_none(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// A wire request for `req`.
pub fn request_to_wire(req: &Request, format: pb::OutputFormat) -> pb::CibRequest {
    pb::CibRequest {
        op: op_to_wire(req.op) as i32,
        target: match &req.target {
            Target::All => None,
            Target::Section(s) => Some(pb::cib_request::Target::Scope(s.clone())),
            Target::XPath(x) => Some(pb::cib_request::Target::Xpath(x.clone())),
        },
        input: req
            .input
            .as_ref()
            .map(|i| i.to_compact())
            .unwrap_or_default(),
        options: Some(options_to_wire(&req.options)),
        user: req.user.clone().unwrap_or_default(),
        client_name: req.client_name.clone().unwrap_or_default(),
        max_schema: req.max_schema.clone().unwrap_or_default(),
        output_format: format as i32,
    }
}

/// The request a wire request stands for (user and origin are the
/// receiver's to fill in).
pub fn request_from_wire(w: &pb::CibRequest) -> Result<Request, WireError> {
    let op = op_from_wire(w.op).ok_or(WireError::UnknownOperation)?;
    let target = match &w.target {
        None => Target::All,
        Some(pb::cib_request::Target::Scope(s)) => Target::Section(s.clone()),
        Some(pb::cib_request::Target::Xpath(x)) => Target::XPath(x.clone()),
    };
    let input = if w.input.trim().is_empty() {
        None
    } else {
        Some(parse(&w.input).map_err(WireError::BadInput)?)
    };
    Ok(Request {
        op,
        target,
        input,
        options: options_from_wire(w.options.as_ref()),
        user: empty_none(&w.user),
        client_name: empty_none(&w.client_name),
        origin: None,
        max_schema: empty_none(&w.max_schema),
    })
}

/// A version on the wire.
pub fn version_to_wire(v: CibVersion) -> pb::CibVersion {
    let n = |x: i32| u64::try_from(x).unwrap_or(0);
    pb::CibVersion {
        admin_epoch: n(v.admin_epoch),
        epoch: n(v.epoch),
        num_updates: n(v.num_updates),
    }
}

/// A version from the wire.
pub fn version_from_wire(v: Option<&pb::CibVersion>) -> CibVersion {
    let Some(v) = v else {
        return CibVersion::default();
    };
    let n = |x: u64| i32::try_from(x).unwrap_or(i32::MAX);
    CibVersion::new(n(v.admin_epoch), n(v.epoch), n(v.num_updates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut req = Request::new(Operation::Modify, Target::XPath("//primitive".into()))
            .with_input(parse("<primitive id='a'/>").unwrap());
        req.options.allow_create = true;
        req.user = Some("alice".into());
        let w = request_to_wire(&req, pb::OutputFormat::Pretty);
        let back = request_from_wire(&w).unwrap();
        assert_eq!(back, req);
        let mut bad = w.clone();
        bad.input = "<primitive".into();
        assert!(matches!(
            request_from_wire(&bad),
            Err(WireError::BadInput(_))
        ));
        bad.op = 0;
        assert!(matches!(
            request_from_wire(&bad),
            Err(WireError::UnknownOperation)
        ));
        assert_eq!(
            version_from_wire(Some(&version_to_wire(CibVersion::new(1, 2, 3)))),
            CibVersion::new(1, 2, 3)
        );
    }
}
