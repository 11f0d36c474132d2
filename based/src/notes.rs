//! Log records produced by the core.
//!
//! The core does no logging itself: it returns what Pacemaker would log,
//! and the shell decides. The daemon sends them to `tracing`; tools
//! working on a file print those whose function is listed in
//! `PCMK_trace_functions`, as Pacemaker's tools do (the regression suite
//! relies on that for ACL and upgrade traces).

/// Severity of a log record, as syslog's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `error`.
    Error,
    /// `warning`.
    Warning,
    /// `notice`.
    Notice,
    /// `info`.
    Info,
    /// `debug`.
    Debug,
    /// `trace`.
    Trace,
}

impl Level {
    /// The name Pacemaker prints for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
        }
    }
}

/// Where a record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    /// A log message from Pacemaker function `func`.
    Log {
        /// The function Pacemaker logs it from (for `PCMK_trace_functions`).
        func: &'static str,
        /// Severity.
        level: Level,
    },
    /// A message an upgrade transform writes straight to standard error
    /// when the caller asked for verbose output, with its level.
    Transform(Level),
}

/// One record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where it goes.
    pub sink: Sink,
    /// The message.
    pub text: String,
}

impl Note {
    /// A log message from `func` at `level`.
    pub fn log(func: &'static str, level: Level, text: impl Into<String>) -> Note {
        Note {
            sink: Sink::Log { func, level },
            text: text.into(),
        }
    }

    /// The line a tool prints for it on standard error: the function name
    /// and level as Pacemaker's regression suite shows them for log
    /// messages, the bare text for transform messages.
    pub fn stderr_line(&self) -> String {
        match self.sink {
            Sink::Log { func, level } => format!("{func} \t{}: {}", level.as_str(), self.text),
            Sink::Transform(_) => self.text.clone(),
        }
    }
}
