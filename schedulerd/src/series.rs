//! The saved scheduler inputs (`pe-input-N.bz2`, `pe-warn-N.bz2`,
//! `pe-error-N.bz2`): which series an input belongs to, its file name, and
//! the wrapping sequence number kept in `<series>.last`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::model::{Scheduler, Severity};
use crate::values::parse_ll;

/// The three series of saved inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Inputs with configuration errors.
    Error,
    /// Inputs with configuration warnings.
    Warn,
    /// Clean inputs.
    Input,
}

impl Series {
    /// The series an unpacked input belongs to.
    pub fn of(scheduler: &Scheduler) -> Series {
        let worst = scheduler
            .messages
            .iter()
            .filter(|m| m.config)
            .map(|m| m.severity)
            .max();
        match worst {
            Some(Severity::Error) => Series::Error,
            Some(Severity::Warning) => Series::Warn,
            _ => Series::Input,
        }
    }

    /// The file name prefix (`pe-input` etc.).
    pub fn name(self) -> &'static str {
        match self {
            Series::Error => "pe-error",
            Series::Warn => "pe-warn",
            Series::Input => "pe-input",
        }
    }

    /// The cluster option limiting how many inputs of this series are kept.
    pub fn limit_option(self) -> &'static str {
        match self {
            Series::Error => "pe-error-series-max",
            Series::Warn => "pe-warn-series-max",
            Series::Input => "pe-input-series-max",
        }
    }

    /// How many inputs to keep: `None` for no limit, `Some(0)` to keep none.
    pub fn limit(self, scheduler: &Scheduler) -> Option<u64> {
        let v = scheduler
            .opt(self.limit_option())
            .and_then(parse_ll)
            .unwrap_or(-1);
        u64::try_from(v).ok()
    }
}

/// The path of input `seq` of a series.
pub fn series_file(dir: &Path, series: Series, seq: u64) -> PathBuf {
    dir.join(format!("{}-{seq}.bz2", series.name()))
}

/// The sequence number the next input of a series gets, given the last
/// one recorded and the limit (wrapping to 0 at the limit).
pub fn next_sequence(recorded: u64, limit: Option<u64>) -> u64 {
    match limit {
        Some(max) if max > 0 && recorded >= max => 0,
        _ => recorded,
    }
}

fn last_file(dir: &Path, series: Series) -> PathBuf {
    dir.join(format!("{}.last", series.name()))
}

/// Reads the recorded sequence number of a series (0 when none).
pub fn read_sequence(dir: &Path, series: Series) -> u64 {
    std::fs::read_to_string(last_file(dir, series))
        .ok()
        .and_then(|s| parse_ll(s.trim()))
        .and_then(|v| u64::try_from(v).ok())
        .unwrap_or(0)
}

/// Saves an input in its series and advances the sequence; returns the
/// file written, or `None` when the series keeps no inputs.
pub fn save_input(
    dir: &Path,
    series: Series,
    limit: Option<u64>,
    xml: &str,
) -> std::io::Result<Option<PathBuf>> {
    if limit == Some(0) {
        return Ok(None);
    }
    std::fs::create_dir_all(dir)?;
    let seq = next_sequence(read_sequence(dir, series), limit);
    let path = series_file(dir, series, seq);
    let tmp = dir.join(format!(".{}-{seq}.tmp", series.name()));
    {
        let file = std::fs::File::create(&tmp)?;
        let mut enc = bzip2::write::BzEncoder::new(file, bzip2::Compression::best());
        enc.write_all(xml.as_bytes())?;
        enc.finish()?.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    let next = next_sequence(seq + 1, limit);
    std::fs::write(last_file(dir, series), format!("{next}"))?;
    Ok(Some(path))
}

/// Reads a saved input (bzip2-compressed or plain XML).
pub fn read_input(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    if bytes.starts_with(b"BZh") {
        let mut out = String::new();
        bzip2::read::BzDecoder::new(bytes.as_slice()).read_to_string(&mut out)?;
        Ok(out)
    } else {
        String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_wraps_at_limit() {
        assert_eq!(next_sequence(3, Some(4)), 3);
        assert_eq!(next_sequence(4, Some(4)), 0);
        assert_eq!(next_sequence(9000, None), 9000);
    }

    #[test]
    fn saves_and_reads_back_with_wrapping() {
        let dir = tempfile::tempdir().unwrap();
        let p0 = save_input(dir.path(), Series::Input, Some(2), "<cib/>")
            .unwrap()
            .unwrap();
        assert!(p0.ends_with("pe-input-0.bz2"));
        let p1 = save_input(dir.path(), Series::Input, Some(2), "<cib a=\"1\"/>")
            .unwrap()
            .unwrap();
        assert!(p1.ends_with("pe-input-1.bz2"));
        let p2 = save_input(dir.path(), Series::Input, Some(2), "<cib a=\"2\"/>")
            .unwrap()
            .unwrap();
        assert!(p2.ends_with("pe-input-0.bz2"));
        assert_eq!(read_input(&p2).unwrap(), "<cib a=\"2\"/>");
        assert_eq!(read_sequence(dir.path(), Series::Input), 1);
        assert!(
            save_input(dir.path(), Series::Warn, Some(0), "<cib/>")
                .unwrap()
                .is_none()
        );
    }
}
