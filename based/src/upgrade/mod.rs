//! Upgrading a CIB to a newer schema, as Pacemaker's
//! `pcmk__update_schema()` does.
//!
//! Starting from the schema the CIB declares, each newer schema is tried
//! in turn. As long as the CIB validates, the next schema is tried with the
//! same document; when the next schema needs a transformation (a major
//! version step: 1.3 to 2.0, 2.10 to 3.0, 3.10 to 4.0) and the document
//! does not already validate with it, the transformation pipeline of that
//! step is applied and its result must validate. The CIB ends up declaring
//! the last schema that validated.
//!
//! Pacemaker implements the transformations as XSL stylesheets
//! (`upgrade-X.Y-N.xsl`); here each is a Rust function with the same
//! name, emitting the same messages.

mod v1_3;
mod v2_10;
mod v3_10;

use pcmk_common::xml::Element;

use crate::error::{CibError, Failure};
use crate::notes::{Level, Note, Sink};
use crate::ops;
use crate::request::Request;
use crate::schema::{self, KNOWN_VERSIONS, LATEST, Schema, SchemaVersion};
use crate::tx::Tx;

/// One step of a transformation pipeline.
pub type Transform = fn(&mut Element, &mut Messages) -> Result<(), String>;

/// Messages a transformation emits (Pacemaker's `xsl:message`s, with their
/// `INFO:`/`DEBUG:`/`WARNING:` prefix giving the level).
#[derive(Debug, Default)]
pub struct Messages(Vec<(Level, String)>);

impl Messages {
    /// Emits an informational message.
    pub fn info(&mut self, text: impl Into<String>) {
        self.0.push((Level::Info, format!("INFO: {}", text.into())));
    }

    /// Emits a debug message.
    pub fn debug(&mut self, text: impl Into<String>) {
        self.0
            .push((Level::Debug, format!("DEBUG: {}", text.into())));
    }

    /// Emits a warning.
    pub fn warning(&mut self, text: impl Into<String>) {
        self.0
            .push((Level::Warning, format!("WARNING: {}", text.into())));
    }

    /// Emits a message with no level mark.
    pub fn plain(&mut self, text: impl Into<String>) {
        self.0.push((Level::Warning, text.into()));
    }
}

/// The transformation pipeline from `v` to the next major version.
fn pipeline(v: SchemaVersion) -> &'static [(&'static str, Transform)] {
    match (v.major, v.minor) {
        (1, 3) => &[("upgrade-1.3-0.xsl", v1_3::upgrade_1_3_0)],
        (2, 10) => &[
            ("upgrade-2.10-0.xsl", v2_10::enter),
            ("upgrade-2.10-1.xsl", v2_10::upgrade),
            ("upgrade-2.10-2.xsl", v2_10::leave),
        ],
        (3, 10) => &[
            ("upgrade-3.10-0.xsl", v3_10::step0),
            ("upgrade-3.10-1.xsl", v3_10::step1),
            ("upgrade-3.10-2.xsl", v3_10::step2),
            ("upgrade-3.10-3.xsl", v3_10::step3),
            ("upgrade-3.10-4.xsl", v3_10::step4),
            ("upgrade-3.10-99.xsl", v3_10::step99),
        ],
        _ => &[],
    }
}

fn validates(doc: &Element, v: SchemaVersion) -> bool {
    schema::violations_with(doc, v).is_empty()
}

const FUNC_UPDATE: &str = "pcmk__update_schema";
const FUNC_APPLY: &str = "apply_upgrade";

/// Applies the pipeline after `from` to a copy of `doc`; the result must
/// validate with `to`.
fn apply_upgrade(
    doc: &Element,
    from: SchemaVersion,
    to: SchemaVersion,
    verbose: bool,
    notes: &mut Vec<Note>,
) -> Option<Element> {
    let mut new = doc.clone();
    for (name, step) in pipeline(from) {
        notes.push(Note::log(
            FUNC_APPLY,
            Level::Debug,
            format!("Upgrading schema from {from} to {to}: applying XSL transform {name}"),
        ));
        let mut messages = Messages::default();
        let result = step(&mut new, &mut messages);
        for (level, text) in messages.0 {
            notes.push(if verbose {
                Note {
                    sink: Sink::Transform(level),
                    text,
                }
            } else {
                Note::log("cib_upgrade_err", level, text)
            });
        }
        if let Err(e) = result {
            notes.push(Note::log(
                FUNC_APPLY,
                Level::Error,
                format!("XSL transform {name} failed, aborting upgrade: {e}"),
            ));
            return None;
        }
    }
    if !validates(&new, to) {
        notes.push(Note::log(
            FUNC_APPLY,
            Level::Error,
            format!(
                "Schema upgrade from {from} to {to} failed: XSL transform pipeline produced an \
                 invalid configuration"
            ),
        ));
        return None;
    }
    notes.push(Note::log(
        FUNC_APPLY,
        Level::Info,
        format!("Schema upgrade from {from} to {to} succeeded"),
    ));
    Some(new)
}

/// Upgrades `doc` to the newest schema (not past `max`) it can reach,
/// with transformations; returns the result code and the new document
/// when it changed.
pub fn update_schema(
    doc: &Element,
    max: Option<SchemaVersion>,
    verbose: bool,
    notes: &mut Vec<Note>,
) -> (Result<(), CibError>, Option<Element>) {
    let max = max
        .filter(|m| m.index().is_some_and(|i| i >= 1))
        .unwrap_or(LATEST);
    let original = match schema::configured_schema(doc) {
        Ok(Schema::Pacemaker(v)) => v,
        // "none" sorts after every versioned schema: nothing to do.
        Ok(Schema::None) => return (Ok(()), None),
        Err(_) => return (Err(CibError::CibCorrupt), None),
    };
    if original >= max {
        return (Ok(()), None);
    }
    let mut rc = Ok(());
    let mut best: Option<SchemaVersion> = None;
    let mut current_doc: Option<Element> = None;
    let start = original.index().unwrap_or(0);
    for (i, &v) in KNOWN_VERSIONS.iter().enumerate().skip(start) {
        if v > max {
            break;
        }
        let doc_now = current_doc.as_ref().unwrap_or(doc);
        if !validates(doc_now, v) {
            notes.push(Note::log(
                FUNC_UPDATE,
                Level::Debug,
                format!("Schema {v} does not validate"),
            ));
            if best.is_some() {
                break;
            }
            rc = Err(CibError::SchemaValidation(Vec::new()));
            continue;
        }
        notes.push(Note::log(
            FUNC_UPDATE,
            Level::Debug,
            format!("Schema {v} validates"),
        ));
        rc = Ok(());
        best = Some(v);
        if v == max {
            break;
        }
        let Some(&next) = KNOWN_VERSIONS.get(i + 1) else {
            break;
        };
        if pipeline(v).is_empty() || validates(doc_now, next) {
            continue;
        }
        match apply_upgrade(doc_now, v, next, verbose, notes) {
            Some(new) => current_doc = Some(new),
            None => rc = Err(CibError::TransformFailed),
        }
    }
    let Some(best) = best.filter(|b| *b > original) else {
        return (rc, None);
    };
    notes.push(Note::log(
        FUNC_UPDATE,
        Level::Info,
        format!("Transformed the configuration schema to {best}"),
    ));
    let mut new = current_doc.unwrap_or_else(|| doc.clone());
    new.set_attr("validate-with", best.to_string());
    (rc, Some(new))
}

/// The upgrade operation: replaces the CIB with its upgraded form and
/// moves the version on (`admin_epoch` + 1, `epoch` and `num_updates` to
/// 1, before the usual configuration-change bump).
pub fn upgrade_op(tx: &mut Tx<'_>, req: &Request, notes: &mut Vec<Note>) -> Result<(), Failure> {
    let max = req
        .max_schema
        .as_deref()
        .and_then(Schema::parse)
        .and_then(|s| match s {
            Schema::Pacemaker(v) => Some(v),
            Schema::None => None,
        });
    let (rc, new) = update_schema(tx.doc(), max, req.options.verbose, notes);
    match new {
        Some(new) => {
            tx.replace_document(new);
            ops::bump_counter(tx, "admin_epoch");
            ops::reset_counter(tx, "epoch");
            ops::reset_counter(tx, "num_updates");
            Ok(())
        }
        None => rc.map_err(Failure::from),
    }
}
