//! corosync.conf: the grammar, the typed configuration the daemon runs
//! with, and the flat cmap view `corosync-cmapctl` shows.
//!
//! Besides the main file, Corosync reads every regular file of the
//! `uidgid.d` and `service.d` folders next to it; [`load`] does the same, in
//! name order, and reports syntax errors with the file they are in.

pub mod cmap_view;
pub mod syntax;
pub mod typed;

use std::path::{Path, PathBuf};

pub use syntax::{Section, SyntaxError};
pub use typed::{Config, ConfigError};

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The reason.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid corosync.conf syntax.
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    /// The values cannot work.
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

/// The files a configuration was read from, each parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFiles {
    /// (file name, top-level section), the main file first.
    pub files: Vec<(String, Section)>,
}

impl ParsedFiles {
    /// Parses texts already in memory: the main file first, then included ones.
    pub fn parse(texts: &[(String, String)]) -> Result<ParsedFiles, SyntaxError> {
        let files = texts
            .iter()
            .map(|(name, text)| syntax::parse(text, name).map(|s| (name.clone(), s)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ParsedFiles { files })
    }

    /// The typed, validated configuration.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let sources: Vec<typed::Source<'_>> = self
            .files
            .iter()
            .map(|(file, top)| typed::Source { file, top })
            .collect();
        Config::from_sources(&sources)
    }

    /// The flat cmap keys of these files.
    pub fn cmap(&self) -> Vec<(String, crate::cmap::CmapValue)> {
        let mut out = Vec::new();
        let mut node_index = 0;
        for (_, top) in &self.files {
            cmap_view::flatten(top, &mut node_index, &mut out);
        }
        out
    }
}

/// Reads the main file and the files of `uidgid.d` and `service.d` beside it.
pub fn read_files(path: &Path) -> Result<Vec<(String, String)>, LoadError> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|source| LoadError::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let mut texts = vec![(path.display().to_string(), read(path)?)];
    let dir = path.parent().unwrap_or(Path::new("."));
    for sub in ["uidgid.d", "service.d"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            texts.push((f.display().to_string(), read(&f)?));
        }
    }
    Ok(texts)
}

/// Loads, parses and validates the configuration at `path` and its includes.
pub fn load(path: &Path) -> Result<(Config, ParsedFiles), LoadError> {
    let texts = read_files(path)?;
    let parsed = ParsedFiles::parse(&texts)?;
    let config = parsed.config()?;
    Ok((config, parsed))
}

#[cfg(test)]
mod tests;
