//! The CIB in memory and the way a request is carried out on it
//! (Pacemaker's `cib_perform_op()`), sans IO.
//!
//! A changing request runs as a [`Tx`] on the live tree. Then, in order:
//! the change is checked against the user's ACLs; its versions may not go
//! backwards; the counters move on (a configuration change bumps `epoch`
//! and resets `num_updates`, a status change bumps `num_updates`); the
//! tracked changes become ONE v2 patchset; a configuration change records
//! `cib-last-written` and who made it; and the result is validated
//! against its schema (except requests scoped to the status section).
//! Any failure undoes the transaction, so the CIB is as it was.
//!
//! The patchset is the unit of change: subscribers receive it, and a
//! cluster-wide ordering of changes can carry it to every node, which
//! applies it with [`Cib::apply_patchset`].

use std::borrow::Cow;

use pcmk_common::cib::{CibVersion, check_update_versions};
use pcmk_common::patchset::{DiffOptions, PatchError, apply_patchset_in_place, create_patchset};
use pcmk_common::values::compare_versions;
use pcmk_common::xml::Element;
use pcmk_common::xpath::NodePath;

use crate::acl::{self, GroupLookup};
use crate::changes::strip_text;
use crate::error::{CibError, Failure};
use crate::notes::Note;
use crate::ops;
use crate::request::{Operation, Request, Target};
use crate::schema::{Schema, SchemaVersion};
use crate::tx::Tx;
use crate::upgrade;
use crate::validation::Validity;

/// The feature set of Pacemaker 3.0.2, which this implementation speaks.
pub const FEATURE_SET: &str = "3.20.5";

/// What the caller provides to carry out a request.
pub struct Context<'a> {
    /// The value for `cib-last-written` when the configuration changes
    /// (`None` leaves it alone).
    pub last_written: Option<String>,
    /// Unix group membership, for `acl_group`.
    pub groups: &'a dyn GroupLookup,
    /// Refuse CIBs with a feature set newer than ours (not for files).
    pub check_feature_set: bool,
    /// Return the rejected CIB as output after a schema violation, as the
    /// CIB manager does (a file client returns nothing).
    pub return_rejected: bool,
}

/// A change that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The operation that made it.
    pub op: Operation,
    /// The v2 patchset, version block included.
    pub patchset: Element,
    /// Whether the configuration changed (not only the status).
    pub config_changed: bool,
    /// The version after the change.
    pub version: CibVersion,
    /// Whether the change should be written to disk.
    pub to_disk: bool,
}

/// The result of a successful request.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// Output (query results, or none).
    pub output: Option<Cow<'a, Element>>,
    /// The change, for requests that changed something.
    pub change: Option<Change>,
    /// Log records.
    pub notes: Vec<Note>,
}

/// The CIB document and what is known about its validity.
#[derive(Debug)]
pub struct Cib {
    doc: Element,
    validity: Validity,
}

impl Cib {
    /// Takes a document (text nodes are dropped, as Pacemaker strips them).
    pub fn new(mut doc: Element) -> Self {
        strip_text(&mut doc);
        Cib {
            doc,
            validity: Validity::unknown(),
        }
    }

    /// The document.
    pub fn doc(&self) -> &Element {
        &self.doc
    }

    /// Gives the document back.
    pub fn into_doc(self) -> Element {
        self.doc
    }

    /// The current version.
    pub fn version(&self) -> CibVersion {
        CibVersion::from_cib(&self.doc)
    }

    /// Validates the whole document against its schema and remembers the
    /// result, so that later changes are validated at their own cost.
    pub fn validate(&mut self) -> Result<(), crate::schema::SchemaError> {
        self.validity
            .check_full(&self.doc)
            .map_err(crate::schema::SchemaError::Invalid)
    }

    /// Carries out a request.
    pub fn perform(&mut self, req: &Request, ctx: &Context<'_>) -> Result<Outcome<'_>, Failure> {
        if req.op == Operation::Query {
            return self.query(req, ctx);
        }
        self.change(req, ctx)
    }

    fn query(&self, req: &Request, ctx: &Context<'_>) -> Result<Outcome<'_>, Failure> {
        let mut notes = Vec::new();
        let user = req.user.as_deref();
        if let Some(user) = user.filter(|_| acl::enabled(&self.doc, user)) {
            let acls = acl::unpack(&self.doc, user, ctx.groups);
            let Some(filtered) = acl::filtered_copy(&self.doc, &acls) else {
                return Err(Failure::new(CibError::PermissionDenied));
            };
            let out = ops::query::query(&filtered, &req.target, &req.options, &mut notes)
                .map_err(|e| Failure {
                    error: e,
                    output: None,
                    notes: notes.clone(),
                })?
                .into_owned();
            return Ok(Outcome {
                output: Some(Cow::Owned(out)),
                change: None,
                notes,
            });
        }
        let out =
            ops::query::query(&self.doc, &req.target, &req.options, &mut notes).map_err(|e| {
                Failure {
                    error: e,
                    output: None,
                    notes: notes.clone(),
                }
            })?;
        Ok(Outcome {
            output: Some(out),
            change: None,
            notes,
        })
    }

    fn change(&mut self, req: &Request, ctx: &Context<'_>) -> Result<Outcome<'_>, Failure> {
        let mut notes = Vec::new();
        let user = req
            .user
            .as_deref()
            .filter(|u| acl::enabled(&self.doc, Some(u)));
        let acls = user.map(|u| acl::unpack(&self.doc, u, ctx.groups));
        let old_doc = acls.as_ref().map(|_| self.doc.clone());
        let mut source = Element::new(self.doc.name.clone());
        source.attrs = self.doc.attrs.clone();
        let req = &prepare_input(req);

        let mut tx = Tx::new(&mut self.doc);
        let fail = |tx: Tx<'_>, error: CibError, notes: Vec<Note>| -> Failure {
            tx.rollback();
            Failure {
                error,
                output: None,
                notes,
            }
        };
        let output = match run_op(&mut tx, req, &mut notes) {
            Ok(o) => o,
            Err(mut f) => {
                tx.rollback();
                notes.append(&mut f.notes);
                f.notes = notes;
                return Err(f);
            }
        };
        if tx.is_empty() {
            tx.commit();
            return Ok(Outcome {
                output: output.map(Cow::Owned),
                change: None,
                notes,
            });
        }

        if let (Some(acls), Some(old)) = (&acls, &old_doc) {
            let touched = tx.touched();
            let allowed = if touched.replaced.is_some() {
                acl::check_replaced(acls, old, tx.doc(), &mut notes)
            } else {
                acl::check_tracked(acls, old, tx.doc(), &touched, &mut notes)
            };
            if !allowed {
                return Err(fail(tx, CibError::PermissionDenied, notes));
            }
        }
        if ctx.check_feature_set {
            if let Some(fs) = tx.doc().attr("crm_feature_set") {
                if compare_versions(Some(fs), Some(FEATURE_SET)) == std::cmp::Ordering::Greater {
                    let why = format!(
                        "Discarding update with feature set {fs} greater than our own ({FEATURE_SET})"
                    );
                    return Err(fail(tx, CibError::FeatureSetTooNew(why), notes));
                }
            }
        }
        if let Err(e) = check_update_versions(&source, tx.doc()) {
            notes.push(Note::log(
                "check_cib_version_attr",
                crate::notes::Level::Error,
                e.to_string(),
            ));
            return Err(fail(tx, CibError::OldData, notes));
        }

        let config_changed = tx.config_changed();
        bump_counters(&mut tx, config_changed);
        let patchset = tx.patchset(&source, whole_document_changes);

        if config_changed && !req.options.no_mtime {
            if let Err(e) = set_update_origin(&mut tx, req, ctx) {
                return Err(fail(tx, e, notes));
            }
        }

        let status_only =
            matches!(&req.target, Target::Section(s) if s.eq_ignore_ascii_case("status"));
        let index_change = if status_only {
            None
        } else {
            match self.validity.check_change(tx.doc(), &tx.touched()) {
                Ok(c) => Some(c),
                Err(violations) => {
                    let rejected = ctx.return_rejected.then(|| Box::new(tx.doc().clone()));
                    tx.rollback();
                    return Err(Failure {
                        error: CibError::SchemaValidation(violations),
                        output: rejected,
                        notes,
                    });
                }
            }
        };

        let version = CibVersion::from_cib(tx.doc());
        if req.options.dry_run {
            tx.rollback();
            if let Some(c) = index_change {
                self.validity.undo(c);
            }
        } else {
            tx.commit();
        }
        Ok(Outcome {
            output: output.map(Cow::Owned),
            change: Some(Change {
                op: req.op,
                patchset,
                config_changed,
                version,
                to_disk: config_changed || req.op.writes_through(),
            }),
            notes,
        })
    }

    /// Applies a patchset made elsewhere (by another node, in the agreed
    /// order of changes), checking versions; the CIB is unchanged on error.
    pub fn apply_patchset(&mut self, patchset: &Element) -> Result<CibVersion, CibError> {
        let mut copy = self.doc.clone();
        apply_patchset_in_place(&mut copy, patchset, true).map_err(patch_error)?;
        self.validity = Validity::unknown();
        self.doc = copy;
        Ok(self.version())
    }
}

/// A copy of the request with text stripped from its input.
/// The input as Pacemaker's CIB manager prepares it (`prepare_input()`
/// and the file variant's `process_request()`): with a scope, a whole
/// `<cib>` given as input is reduced to that section (to nothing when it
/// has no such section, or when the scope is an XPath); text is stripped.
fn prepare_input(req: &Request) -> Cow<'_, Request> {
    let scope = match &req.target {
        _ if req.op == Operation::ApplyPatch => None,
        Target::Section(s) | Target::XPath(s) => Some(s.as_str()),
        Target::All => None,
    };
    match &req.input {
        Some(input) if scope.is_some() && input.name == "cib" => {
            let mut r = req.clone();
            r.input = match &req.target {
                Target::Section(s) => {
                    crate::section::find(input, Some(s)).and_then(|p| p.element(input).cloned())
                }
                _ => None,
            };
            if let Some(i) = &mut r.input {
                strip_text(i);
            }
            Cow::Owned(r)
        }
        Some(input) if has_text(input) => {
            let mut r = req.clone();
            if let Some(i) = &mut r.input {
                strip_text(i);
            }
            Cow::Owned(r)
        }
        _ => Cow::Borrowed(req),
    }
}

fn has_text(el: &Element) -> bool {
    el.children.iter().any(|c| match c {
        pcmk_common::xml::Node::Text(_) => true,
        pcmk_common::xml::Node::Element(e) => has_text(e),
        pcmk_common::xml::Node::Comment(_) => false,
    })
}

/// Maps a patchset error to the CIB error Pacemaker reports.
pub fn patch_error(e: PatchError) -> CibError {
    match e {
        PatchError::DiffFailed(d) => CibError::DiffFailed(d),
        PatchError::OldData(_) => CibError::OldData,
        PatchError::InvalidArgument(d) => CibError::InvalidArgument(d),
        PatchError::NoMessage(d) => CibError::BadPatch(d),
    }
}

fn run_op(
    tx: &mut Tx<'_>,
    req: &Request,
    notes: &mut Vec<Note>,
) -> Result<Option<Element>, Failure> {
    match req.op {
        Operation::Upgrade => upgrade::upgrade_op(tx, req, notes).map(|()| None),
        Operation::ApplyPatch => {
            let Some(patch) = &req.input else {
                return Err(CibError::InvalidArgument("no patchset to apply".to_string()).into());
            };
            let mut copy = tx.doc().clone();
            apply_patchset_in_place(&mut copy, patch, true).map_err(patch_error)?;
            if copy != *tx.doc() {
                tx.replace_document(copy);
            }
            Ok(None)
        }
        _ => ops::run(tx, req, notes),
    }
}

/// Moves the version counters on: a configuration change resets
/// `num_updates` and increments `epoch`, anything else increments
/// `num_updates`.
fn bump_counters(tx: &mut Tx<'_>, config_changed: bool) {
    let root = NodePath::root();
    let read = |tx: &Tx<'_>, name| {
        tx.doc()
            .attr(name)
            .and_then(pcmk_common::cib::parse_int)
            .unwrap_or(0)
    };
    if config_changed {
        let epoch = read(tx, "epoch");
        tx.set_attr(&root, "num_updates", "0");
        tx.set_attr(&root, "epoch", &epoch.saturating_add(1).to_string());
    } else {
        let n = read(tx, "num_updates");
        tx.set_attr(&root, "num_updates", &n.saturating_add(1).to_string());
    }
}

/// The changes of a replaced document (the difference of the two).
fn whole_document_changes(old: &Element, new: &Element) -> Vec<Element> {
    create_patchset(old, new, DiffOptions::default())
        .map(|d| {
            d.patchset
                .elements()
                .filter(|e| e.name == pcmk_common::patchset::names::CHANGE)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Records when and by whom the configuration was changed.
fn set_update_origin(tx: &mut Tx<'_>, req: &Request, ctx: &Context<'_>) -> Result<(), CibError> {
    let Some(schema) = tx.doc().attr("validate-with").map(str::to_string) else {
        return Err(CibError::CibCorrupt);
    };
    let root = NodePath::root();
    if let Some(now) = &ctx.last_written {
        tx.set_attr(&root, "cib-last-written", now);
    }
    // pacemaker-1.2 is the first schema with these attributes.
    let allowed = match Schema::parse(&schema) {
        Some(s) => s.rank() >= Schema::Pacemaker(SchemaVersion::new(1, 2)).rank(),
        None => false,
    };
    if !allowed {
        return Ok(());
    }
    for (name, value) in [
        ("update-origin", &req.origin),
        ("update-client", &req.client_name),
        ("update-user", &req.user),
    ] {
        match value {
            Some(v) => tx.set_attr(&root, name, v),
            None => tx.remove_attr(&root, name),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests;
