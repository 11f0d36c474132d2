//! The error of every ISO 8601 reader.

/// A date, duration or period that could not be read.
///
/// `message` is the text Pacemaker logs for the same input, and
/// `function` the name of the Pacemaker function that logs it (tools print
/// both when logging to standard error, as Pacemaker's tools do).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Iso8601Error {
    /// The upstream function that reports this error (`parse_date`,
    /// `parse_hms`, `crm_time_parse_duration`, `crm_time_parse_period`).
    pub function: &'static str,
    /// The explanation, as Pacemaker words it.
    pub message: String,
}
