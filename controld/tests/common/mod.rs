//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// Pacemaker's scheduler regression data: `$PCMK_CTS_DIR`, else
/// `../shared/pacemaker-cts` beside the repository (or beside the folder
/// holding a worktree). `None` when absent.
pub fn cts_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("PCMK_CTS_DIR") {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(manifest.join("../../shared/pacemaker-cts"));
    candidates.push(manifest.join("../../../shared/pacemaker-cts"));
    candidates
        .into_iter()
        .find(|c| c.join("scheduler").is_dir())
}

/// The files with extension `ext` in `dir`, sorted.
#[allow(dead_code)]
pub fn files(dir: &std::path::Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
