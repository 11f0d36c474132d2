//! The shared authentication key (`authkey`), as `corosync-keygen` writes it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Smallest key Corosync accepts (bytes).
pub const MIN_KEY: usize = 128;
/// Largest key Corosync accepts (bytes).
pub const MAX_KEY: usize = 4096;
/// Size `corosync-keygen` writes by default (bytes).
pub const DEFAULT_KEY: usize = 256;

/// Why the key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file cannot be read.
    #[error("cannot read key file {path}: {source}")]
    Read {
        /// The key file.
        path: PathBuf,
        /// The reason.
        #[source]
        source: std::io::Error,
    },
    /// Anyone on the machine could read it.
    #[error(
        "key file {path} is readable by everyone (mode {mode:o}): refusing to use it; chmod 0400 it"
    )]
    WorldReadable {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// Too short or too long.
    #[error("key file {path} holds {len} bytes: a key must have {MIN_KEY} to {MAX_KEY}")]
    BadSize {
        /// The key file.
        path: PathBuf,
        /// Its length.
        len: usize,
    },
}

/// Reads the key at `path`, refusing world-readable files and wrong sizes.
pub fn load(path: &Path) -> Result<Vec<u8>, KeyError> {
    let read = |source| KeyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read)?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o004 != 0 {
        return Err(KeyError::WorldReadable {
            path: path.to_path_buf(),
            mode,
        });
    }
    let key = std::fs::read(path).map_err(read)?;
    if !(MIN_KEY..=MAX_KEY).contains(&key.len()) {
        return Err(KeyError::BadSize {
            path: path.to_path_buf(),
            len: key.len(),
        });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_world_readable_and_bad_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("authkey");
        std::fs::write(&p, vec![7u8; 256]).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(load(&p), Err(KeyError::WorldReadable { .. })));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert_eq!(load(&p).unwrap().len(), 256);
        let q = dir.path().join("short");
        std::fs::write(&q, vec![7u8; 16]).unwrap();
        std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(load(&q), Err(KeyError::BadSize { len: 16, .. })));
        assert!(matches!(
            load(&dir.path().join("none")),
            Err(KeyError::Read { .. })
        ));
    }
}
