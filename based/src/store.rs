//! The CIB on disk, as the CIB manager keeps it in `$PCMK_state_dir/cib`:
//! `cib.xml`, its digest in `cib.xml.sig`, and numbered backups
//! `cib-N.raw` (with `.sig`) of the previous versions, N cycling below a
//! series limit recorded in `cib.last`.
//!
//! Only the configuration is written (the status section is rebuilt by the
//! cluster), with `num_updates` 0 and the time of writing in
//! `cib-last-written`.
//!
//! Every write is atomic: the new files are written as `cib.xml.new` and
//! `cib.xml.sig.new`, synced, then renamed over the old ones, and the
//! directory is synced. A crash between the two renames leaves a
//! `cib.xml.sig.new` matching `cib.xml`; loading finishes the rename. At
//! start a `cib.xml` that does not parse or does not match its digest is
//! reported (a mismatched pair is archived in `cib.auto.*`) and the newest
//! good backup is used instead.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pcmk_common::cib::{digest_for_disk, verify_disk_digest};
use pcmk_common::xml::{Element, Node, parse};

use crate::notes::{Level, Note};
use crate::ops::empty_configuration;
use crate::schema::LATEST;

/// The live CIB file name.
pub const CIB_FILE: &str = "cib.xml";
/// Suffix of digest files.
pub const SIG_SUFFIX: &str = ".sig";
/// Suffix of files being written.
const NEW_SUFFIX: &str = ".new";
/// Default number of backups kept (Pacemaker's `CIB_SERIES_MAX`).
pub const DEFAULT_SERIES_MAX: u32 = 100;

/// Why the CIB could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `cib.xml` does not match its digest: someone edited it.
    #[error("On-disk configuration was manually modified")]
    Modified,
    /// The previous version could not be backed up.
    #[error("Could not archive previous configuration: {0}")]
    Backup(#[source] io::Error),
    /// The new version could not be written.
    #[error("Could not save new configuration to disk: {0}")]
    Save(#[source] io::Error),
}

/// Where a CIB was loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `cib.xml`.
    Current,
    /// A backup, after `cib.xml` was missing, unreadable or mismatched.
    Backup(PathBuf),
    /// Nothing usable: a new, empty CIB.
    Empty,
}

/// A CIB read at start.
#[derive(Debug)]
pub struct Loaded {
    /// The document.
    pub cib: Element,
    /// Where it came from.
    pub source: Source,
    /// What happened on the way, for the logs.
    pub notes: Vec<Note>,
}

/// A new, empty CIB (Pacemaker's `createEmptyCib()`).
pub fn empty_cib(epoch: u32) -> Element {
    Element::new("cib")
        .with_attr("crm_feature_set", crate::cib::FEATURE_SET)
        .with_attr("validate-with", LATEST.to_string())
        .with_attr("admin_epoch", "0")
        .with_attr("epoch", epoch.to_string())
        .with_attr("num_updates", "0")
        .with_child(empty_configuration())
        .with_child(Element::new("status"))
}

/// The CIB directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    series_max: u32,
    /// What `cib.xml` and its digest looked like after our last write: if
    /// they still do, the next write need not read them back to check that
    /// nobody edited them.
    written: Arc<Mutex<Option<(Stamp, Stamp)>>>,
}

/// A file's identity and last change, to notice that someone replaced or
/// edited it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
    ctime: i64,
    ctime_nsec: i64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = fs::symlink_metadata(path).ok()?;
        Some(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
            ctime: m.ctime(),
            ctime_nsec: m.ctime_nsec(),
        })
    }
}

/// Why a file could not be used.
#[derive(Debug)]
enum ReadError {
    Missing,
    Corrupt(String),
    Mismatch,
}

fn log(level: Level, text: String) -> Note {
    Note::log("based_read_cib", level, text)
}

/// Writes `data` to `path` (mode 0600), synced.
fn write_synced(path: &Path, data: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

/// Syncs a directory, so that renames in it are durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Store {
    /// The store in `dir` (created when writing if missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Store {
            dir: dir.into(),
            series_max: DEFAULT_SERIES_MAX,
            written: Arc::new(Mutex::new(None)),
        }
    }

    /// Keeps at most `max` backups.
    #[must_use]
    pub fn with_series_max(mut self, max: u32) -> Self {
        self.series_max = max.max(1);
        self
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Reads a CIB file and checks it against its digest file (a missing
    /// digest file is accepted, as Pacemaker accepts it).
    fn read_verified(
        &self,
        cib: &Path,
        sig: &Path,
        notes: &mut Vec<Note>,
    ) -> Result<Element, ReadError> {
        let text = match fs::read_to_string(cib) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ReadError::Missing),
            Err(e) => return Err(ReadError::Corrupt(e.to_string())),
        };
        if text.is_empty() {
            return Err(ReadError::Corrupt("size is zero".to_string()));
        }
        let doc =
            parse(&text).map_err(|e| ReadError::Corrupt(format!("unparseable as XML: {e}")))?;
        match fs::read_to_string(sig) {
            Ok(expected) if verify_disk_digest(&doc, &expected) => Ok(doc),
            Ok(_) => Err(ReadError::Mismatch),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                notes.push(log(
                    Level::Warning,
                    format!("No on-disk digest present at {}", sig.display()),
                ));
                Ok(doc)
            }
            Err(e) => Err(ReadError::Corrupt(format!("cannot read digest: {e}"))),
        }
    }

    /// Finishes a write interrupted between its two renames: if
    /// `cib.xml.sig.new` matches `cib.xml`, it becomes `cib.xml.sig`.
    fn roll_forward(&self, notes: &mut Vec<Note>) {
        let cib = self.path(CIB_FILE);
        let sig_new = self.path(&format!("{CIB_FILE}{SIG_SUFFIX}{NEW_SUFFIX}"));
        let sig = self.path(&format!("{CIB_FILE}{SIG_SUFFIX}"));
        if let (Ok(text), Ok(digest)) = (fs::read_to_string(&cib), fs::read_to_string(&sig_new)) {
            if let Ok(doc) = parse(&text) {
                if verify_disk_digest(&doc, &digest) && fs::rename(&sig_new, &sig).is_ok() {
                    let _ = sync_dir(&self.dir);
                    notes.push(log(
                        Level::Notice,
                        format!("Completed the interrupted write of {}", cib.display()),
                    ));
                }
            }
        }
        for leftover in [
            format!("{CIB_FILE}{NEW_SUFFIX}"),
            format!("{CIB_FILE}{SIG_SUFFIX}{NEW_SUFFIX}"),
        ] {
            let _ = fs::remove_file(self.path(&leftover));
        }
    }

    /// Moves a mismatched `cib.xml` and its digest into a new
    /// `cib.auto.*` directory so that nothing is lost.
    fn archive_unusable(&self, why: &str, notes: &mut Vec<Note>) {
        let mut n = 0u32;
        let dir = loop {
            let candidate = self.path(&format!("cib.auto.{}{n:03}", std::process::id()));
            match fs::create_dir(&candidate) {
                Ok(()) => break Some(candidate),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 999 => n += 1,
                Err(_) => break None,
            }
        };
        let Some(dir) = dir else { return };
        for name in [CIB_FILE.to_string(), format!("{CIB_FILE}{SIG_SUFFIX}")] {
            let _ = fs::rename(self.path(&name), dir.join(&name));
        }
        notes.push(log(
            Level::Error,
            format!(
                "Archived {} and its digest in {} after {why}",
                self.path(CIB_FILE).display(),
                dir.display()
            ),
        ));
    }

    /// Backups, newest first (by change time, then by sequence number).
    fn backups(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut found: Vec<(i64, i64, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let seq = name
                    .strip_prefix("cib-")?
                    .strip_suffix(".raw")?
                    .parse::<u64>()
                    .ok()?;
                let meta = e.metadata().ok().filter(fs::Metadata::is_file)?;
                Some((meta.ctime(), meta.ctime_nsec(), seq, e.path()))
            })
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse((f.0, f.1, f.2)));
        found.into_iter().map(|f| f.3).collect()
    }

    /// Reads the CIB at start: `cib.xml`, else the newest good backup,
    /// else a new empty CIB; the status section is emptied.
    pub fn load(&self) -> Loaded {
        let mut notes = Vec::new();
        self.roll_forward(&mut notes);
        let cib_path = self.path(CIB_FILE);
        let sig_path = self.path(&format!("{CIB_FILE}{SIG_SUFFIX}"));
        let (mut cib, source) = match self.read_verified(&cib_path, &sig_path, &mut notes) {
            Ok(doc) => {
                notes.push(log(
                    Level::Info,
                    format!(
                        "Loaded CIB from {} (with digest {})",
                        cib_path.display(),
                        sig_path.display()
                    ),
                ));
                (doc, Source::Current)
            }
            Err(e) => {
                if !matches!(e, ReadError::Missing) {
                    notes.push(log(
                        Level::Warning,
                        format!(
                            "Continuing but NOT using CIB from {} (with digest {}): {}",
                            cib_path.display(),
                            sig_path.display(),
                            match &e {
                                ReadError::Corrupt(why) =>
                                    format!("Could not parse on-disk configuration ({why})"),
                                ReadError::Mismatch =>
                                    "On-disk configuration was manually modified".to_string(),
                                ReadError::Missing => String::new(),
                            }
                        ),
                    ));
                }
                // Pacemaker archives a mismatched file; an unparseable one
                // is archived too (a deliberate difference: Pacemaker
                // leaves it, then refuses every later write because the
                // file on disk no longer verifies).
                match e {
                    ReadError::Mismatch => self.archive_unusable("digest mismatch", &mut notes),
                    ReadError::Corrupt(_) => {
                        self.archive_unusable("a read or parse failure", &mut notes);
                    }
                    ReadError::Missing => {}
                }
                self.load_backup(&mut notes)
            }
        };
        if !cib
            .children
            .iter()
            .any(|c| matches!(c, Node::Element(e) if e.name == "status"))
        {
            cib.push(Element::new("status"));
        }
        for attr in ["admin_epoch", "epoch", "num_updates"] {
            if !cib.has_attr(attr) {
                notes.push(log(
                    Level::Warning,
                    format!(
                        "Defaulting missing {attr} to 0, but cluster may get confused about which \
                         node's configuration is most recent"
                    ),
                ));
                cib.set_attr(attr, "0");
            }
        }
        cib.remove_attr("dc-uuid");
        Loaded { cib, source, notes }
    }

    fn load_backup(&self, notes: &mut Vec<Note>) -> (Element, Source) {
        for backup in self.backups() {
            let sig = PathBuf::from(format!("{}{SIG_SUFFIX}", backup.display()));
            match self.read_verified(&backup, &sig, notes) {
                Ok(doc) => {
                    notes.push(log(
                        Level::Notice,
                        format!(
                            "Loaded CIB from last valid backup {} (with digest {})",
                            backup.display(),
                            sig.display()
                        ),
                    ));
                    return (doc, Source::Backup(backup));
                }
                Err(_) => notes.push(log(
                    Level::Warning,
                    format!(
                        "Not using next most recent CIB backup from {}",
                        backup.display()
                    ),
                )),
            }
        }
        notes.push(log(
            Level::Warning,
            "Continuing with an empty configuration".to_string(),
        ));
        (empty_cib(0), Source::Empty)
    }

    /// The next backup sequence number (from `cib.last`).
    fn read_sequence(&self) -> u32 {
        fs::read_to_string(self.path("cib.last"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Links the current files to the next backup name.
    fn backup(&self) -> Result<(), StoreError> {
        let cib = self.path(CIB_FILE);
        if !cib.exists() {
            return Ok(());
        }
        let seq = self.read_sequence() % self.series_max;
        let backup = self.path(&format!("cib-{seq}.raw"));
        let backup_sig = PathBuf::from(format!("{}{SIG_SUFFIX}", backup.display()));
        let _ = fs::remove_file(&backup);
        let _ = fs::remove_file(&backup_sig);
        let link = |from: &Path, to: &Path| match fs::hard_link(from, to) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::Backup(e)),
            _ => Ok(()),
        };
        link(&cib, &backup)?;
        link(&self.path(&format!("{CIB_FILE}{SIG_SUFFIX}")), &backup_sig)?;
        let next = (seq + 1) % self.series_max;
        write_synced(&self.path("cib.last"), next.to_string().as_bytes())
            .map_err(StoreError::Backup)?;
        sync_dir(&self.dir).map_err(StoreError::Backup)
    }

    /// The document written for `cib`: no status, `num_updates` 0, the
    /// time of writing.
    pub fn prepare(cib: &Element, last_written: &str) -> Element {
        let mut out = Element::new(cib.name.clone());
        out.attrs = cib.attrs.clone();
        out.set_attr("num_updates", "0");
        out.set_attr("cib-last-written", last_written);
        out.children = cib
            .children
            .iter()
            .filter(|c| !matches!(c, Node::Element(e) if e.name == "status"))
            .cloned()
            .collect();
        out
    }

    /// Writes `cib` (as [`Store::prepare`] makes it) with its digest,
    /// keeping the previous version as a backup; returns the digest.
    pub fn write(&self, cib: &Element, last_written: &str) -> Result<String, StoreError> {
        self.write_prepared(&Store::prepare(cib, last_written))
    }

    /// Writes a document [`Store::prepare`] made, with its digest,
    /// keeping the previous version as a backup; returns the digest.
    pub fn write_prepared(&self, doc: &Element) -> Result<String, StoreError> {
        fs::create_dir_all(&self.dir).map_err(StoreError::Save)?;
        let mut notes = Vec::new();
        self.roll_forward(&mut notes);
        let cib_path = self.path(CIB_FILE);
        let sig_path = self.path(&format!("{CIB_FILE}{SIG_SUFFIX}"));
        // Like Pacemaker, refuse to overwrite a file someone edited; the
        // file is read back only when it is not as our last write left it.
        let ours = self
            .written
            .lock()
            .ok()
            .and_then(|w| *w)
            .is_some_and(|(c, g)| {
                Stamp::of(&cib_path) == Some(c) && Stamp::of(&sig_path) == Some(g)
            });
        if !ours {
            match self.read_verified(&cib_path, &sig_path, &mut notes) {
                Ok(_) | Err(ReadError::Missing) => {}
                Err(_) => return Err(StoreError::Modified),
            }
        }
        self.backup()?;
        let digest = digest_for_disk(doc);
        let new_cib = self.path(&format!("{CIB_FILE}{NEW_SUFFIX}"));
        let new_sig = self.path(&format!("{CIB_FILE}{SIG_SUFFIX}{NEW_SUFFIX}"));
        write_synced(&new_cib, doc.to_pretty().as_bytes()).map_err(StoreError::Save)?;
        write_synced(&new_sig, digest.as_bytes()).map_err(StoreError::Save)?;
        fs::rename(&new_cib, &cib_path).map_err(StoreError::Save)?;
        fs::rename(&new_sig, &sig_path).map_err(StoreError::Save)?;
        sync_dir(&self.dir).map_err(StoreError::Save)?;
        if let Ok(mut w) = self.written.lock() {
            *w = Stamp::of(&cib_path).zip(Stamp::of(&sig_path));
        }
        Ok(digest)
    }

    /// Whether the files on disk are consistent: `cib.xml` parses and
    /// matches `cib.xml.sig`, or a pending `cib.xml.sig.new` (a write
    /// interrupted between its renames, which loading completes).
    pub fn is_consistent(&self) -> bool {
        let Ok(text) = fs::read_to_string(self.path(CIB_FILE)) else {
            return false;
        };
        let Ok(doc) = parse(&text) else { return false };
        [
            format!("{CIB_FILE}{SIG_SUFFIX}"),
            format!("{CIB_FILE}{SIG_SUFFIX}{NEW_SUFFIX}"),
        ]
        .iter()
        .any(|sig| fs::read_to_string(self.path(sig)).is_ok_and(|d| verify_disk_digest(&doc, &d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cib(epoch: u32) -> Element {
        let mut c = empty_cib(epoch);
        c.child_mut("status")
            .unwrap()
            .push(Element::new("node_state"));
        c
    }

    #[test]
    fn writes_atomically_with_backups_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path()).with_series_max(3);
        assert_eq!(store.load().source, Source::Empty);
        for epoch in 1..=5 {
            store
                .write(&cib(epoch), "Thu Jan  1 00:00:00 2026")
                .unwrap();
            assert!(store.is_consistent());
        }
        let loaded = store.load();
        assert_eq!(loaded.source, Source::Current);
        assert_eq!(loaded.cib.attr("epoch"), Some("5"));
        assert_eq!(loaded.cib.attr("num_updates"), Some("0"));
        // The status section is not written, an empty one is added back.
        assert_eq!(loaded.cib.child("status").unwrap().element_count(), 0);
        // Three backups, the series wraps.
        let backups = store.backups();
        assert_eq!(backups.len(), 3);
        assert_eq!(
            fs::read_to_string(dir.path().join("cib.last")).unwrap(),
            "1"
        );
    }

    #[test]
    fn falls_back_to_backups() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.write(&cib(1), "x").unwrap();
        store.write(&cib(2), "x").unwrap();
        // Garbage in cib.xml: the backup (epoch 1) is used.
        fs::write(dir.path().join(CIB_FILE), "<cib epoch=").unwrap();
        let loaded = store.load();
        assert!(matches!(loaded.source, Source::Backup(_)));
        assert_eq!(loaded.cib.attr("epoch"), Some("1"));
        // The garbage was archived, so writing works again.
        store.write(&cib(3), "x").unwrap();
        assert!(store.is_consistent());
        // A hand edit (digest mismatch) is archived, the backup used.
        fs::write(dir.path().join(CIB_FILE), empty_cib(7).to_pretty()).unwrap();
        let loaded = store.load();
        assert!(matches!(loaded.source, Source::Backup(_)));
        assert!(fs::read_dir(dir.path()).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("cib.auto.")
        }));
    }

    #[test]
    fn completes_an_interrupted_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.write(&cib(1), "x").unwrap();
        // Simulate a crash between the renames: new cib.xml, old digest,
        // new digest still pending.
        let doc = Store::prepare(&cib(2), "x");
        fs::write(dir.path().join("cib.xml.sig.new"), digest_for_disk(&doc)).unwrap();
        fs::write(dir.path().join(CIB_FILE), doc.to_pretty()).unwrap();
        assert!(store.is_consistent());
        let loaded = store.load();
        assert_eq!(loaded.source, Source::Current);
        assert_eq!(loaded.cib.attr("epoch"), Some("2"));
        assert!(!dir.path().join("cib.xml.sig.new").exists());
    }
}
