//! A CIB kept in a file rather than by the CIB manager (`CIB_file`,
//! `CIB_shadow`), worked on with the same core: tools load it, carry out
//! their requests in memory and write it back if it changed.
//!
//! As Pacemaker's file client does, changes record no
//! `cib-last-written`/`update-*` attributes, the feature set is not
//! checked, and a file that is the live CIB (`cib.xml` of the CIB
//! directory) is written with its digest and a backup, and only by root or
//! hacluster.

use std::io::Read;
use std::path::{Path, PathBuf};

use pcmk_common::cib::CibVersion;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_common::xml::{Element, parse};

use crate::acl::GroupLookup;
use crate::cib::{Cib, Context};
use crate::client::Reply;
use crate::error::CibError;
use crate::notes::Note;
use crate::request::Request;
use crate::store::{CIB_FILE, Store};

/// Why a CIB file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file does not exist (`ENXIO`, as Pacemaker reports it).
    #[error("No such device or address")]
    Missing,
    /// The file is not XML or does not validate.
    #[error("Update does not conform to the configured schema")]
    Invalid(Vec<String>),
}

impl OpenError {
    /// Pacemaker's exit code for the error.
    pub fn exit_code(&self) -> CrmExit {
        match self {
            OpenError::Missing => CrmExit::NoSuch,
            OpenError::Invalid(_) => CrmExit::Config,
        }
    }
}

/// Group membership from the system's group database.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemGroups;

impl GroupLookup for SystemGroups {
    fn is_member(&self, user: &str, group: &str) -> bool {
        matches!(
            nix::unistd::Group::from_name(group),
            Ok(Some(g)) if g.mem.iter().any(|m| m == user)
        )
    }
}

/// A CIB file opened by a tool.
#[derive(Debug)]
pub struct FileCib {
    path: PathBuf,
    cib: Cib,
    dirty: bool,
}

/// The path of shadow CIB `name`: in `CIB_shadow_dir`, else in the CIB
/// directory for root and hacluster, else in `~/.cib` (created if needed).
pub fn shadow_path(name: &str) -> PathBuf {
    let file = format!("shadow.{name}");
    if let Some(dir) = std::env::var_os("CIB_shadow_dir").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join(file);
    }
    let user = nix::unistd::User::from_uid(nix::unistd::geteuid())
        .ok()
        .flatten();
    let name_of = user.as_ref().map(|u| u.name.as_str());
    if matches!(name_of, Some("root" | "hacluster")) {
        return Paths::from_process().cib_dir().join(file);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .or_else(|| user.as_ref().map(|u| u.dir.clone()))
        .filter(|h| h.is_absolute());
    if let Some(home) = home {
        let dir = home.join(".cib");
        if std::fs::create_dir(&dir).is_ok() || dir.is_dir() {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
            return dir.join(file);
        }
    }
    std::env::temp_dir().join(file)
}

/// Whether `path` is the live CIB (`cib.xml` in the CIB directory).
fn is_live(path: &Path) -> bool {
    let live = Paths::from_process().cib_dir().join(CIB_FILE);
    match (std::fs::canonicalize(path), std::fs::canonicalize(live)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

impl FileCib {
    /// Loads and validates a CIB file (`-` is standard input); a missing
    /// status section is added.
    pub fn open(path: &Path) -> Result<FileCib, OpenError> {
        let text = if path == Path::new("-") {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| OpenError::Invalid(vec![e.to_string()]))?;
            s
        } else {
            if std::fs::metadata(path).is_err() {
                return Err(OpenError::Missing);
            }
            std::fs::read_to_string(path).map_err(|e| OpenError::Invalid(vec![e.to_string()]))?
        };
        let mut doc = parse(&text).map_err(|e| OpenError::Invalid(vec![e.to_string()]))?;
        if doc.child("status").is_none() {
            doc.push(Element::new("status"));
        }
        let mut cib = Cib::new(doc);
        cib.validate().map_err(|e| OpenError::Invalid(e.lines()))?;
        Ok(FileCib {
            path: path.to_path_buf(),
            cib,
            dirty: false,
        })
    }

    /// The document.
    pub fn doc(&self) -> &Element {
        self.cib.doc()
    }

    /// Carries out a request as user `req.user` (ACLs apply to other users
    /// than root and hacluster).
    pub fn perform(&mut self, req: &Request) -> Reply {
        let mut req = req.clone();
        req.options.no_mtime = true;
        let ctx = Context {
            last_written: None,
            groups: &SystemGroups,
            check_feature_set: false,
            return_rejected: false,
        };
        match self.cib.perform(&req, &ctx) {
            Ok(outcome) => {
                let changed = outcome
                    .change
                    .as_ref()
                    .is_some_and(|_| !req.options.dry_run);
                let reply = Reply {
                    exit_code: CrmExit::OK,
                    error: String::new(),
                    output: outcome.output.map(|o| o.to_pretty()).unwrap_or_default(),
                    version: CibVersion::default(),
                    details: Vec::new(),
                    schema_unchanged: false,
                    notes: outcome.notes,
                };
                self.dirty |= changed;
                Reply {
                    version: self.cib.version(),
                    ..reply
                }
            }
            Err(f) => Reply {
                exit_code: f.error.exit_code(),
                error: f.error.to_string(),
                output: f.output.map(|o| o.to_pretty()).unwrap_or_default(),
                version: self.cib.version(),
                details: f.error.details(),
                schema_unchanged: false,
                notes: f.notes,
            },
        }
    }

    /// Writes the CIB back if it changed: the live CIB with its digest (by
    /// root or hacluster only), any other file as plain XML.
    pub fn close(self) -> Result<(), CibError> {
        if !self.dirty || self.path == Path::new("-") {
            return Ok(());
        }
        if is_live(&self.path) {
            let user = nix::unistd::User::from_uid(nix::unistd::geteuid())
                .ok()
                .flatten();
            if !matches!(
                user.as_ref().map(|u| u.name.as_str()),
                Some("root" | "hacluster")
            ) {
                // Pacemaker leaves the live CIB alone for other users.
                return Ok(());
            }
            let dir = self.path.parent().unwrap_or(Path::new("."));
            return Store::new(dir)
                .write(self.cib.doc(), &crate::daemon::now_text())
                .map(|_| ())
                .map_err(|e| CibError::InvalidArgument(e.to_string()));
        }
        std::fs::write(&self.path, self.cib.doc().to_pretty()).map_err(|e| {
            CibError::InvalidArgument(format!(
                "Could not write CIB to {}: {e}",
                self.path.display()
            ))
        })
    }

    /// Notes to print for `PCMK_trace_functions`.
    pub fn trace_functions() -> Vec<String> {
        std::env::var("PCMK_trace_functions")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The notes a tool prints on standard error: those of functions listed in
/// `PCMK_trace_functions`, those at or above the level `-V` asks for, and
/// transform messages of a verbose upgrade.
pub fn notes_to_print(notes: &[Note], verbosity: u8) -> Vec<String> {
    use crate::notes::{Level, Sink};
    let traced = FileCib::trace_functions();
    let threshold = match verbosity {
        0 => None,
        1 => Some(Level::Error),
        2 => Some(Level::Warning),
        3 => Some(Level::Notice),
        4 => Some(Level::Info),
        5 => Some(Level::Debug),
        _ => Some(Level::Trace),
    };
    notes
        .iter()
        .filter(|n| match n.sink {
            Sink::Log { func, level } => {
                traced.iter().any(|t| t == func) || threshold.is_some_and(|t| level <= t)
            }
            Sink::Transform(_) => true,
        })
        .map(Note::stderr_line)
        .collect()
}

/// The name of the effective user, if the password database has it.
pub fn effective_user() -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::geteuid())
        .ok()
        .flatten()
        .map(|u| u.name)
}
