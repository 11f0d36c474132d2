//! Log messages of a tool on standard error, in Pacemaker's layout.
//!
//! Pacemaker's tools send their library's log messages to standard error
//! when `PCMK_stderr` (or `HA_stderr`) is true or names the tool, or when
//! `-V` is given. A line reads `(function) \tlevel: message`, or
//! `(function@file:line) \tlevel: message` when any `PCMK_trace_*`
//! variable is set. Here `function` is the name of the Pacemaker function
//! that reports the same problem, and `file:line` the Rust source location.

use std::panic::Location;

use pcmk_common::values::parse_bool;

use super::Output;

/// The severity of a log message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
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
}

impl LogLevel {
    fn name(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warning => "warning",
            LogLevel::Notice => "notice",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
        }
    }
}

/// Where and how a tool logs to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logger {
    /// Highest level shown, `None` when not logging to standard error.
    threshold: Option<LogLevel>,
    /// Whether source locations are shown.
    tracing: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(format!("PCMK_{name}"))
        .or_else(|_| std::env::var(format!("HA_{name}")))
        .ok()
}

impl Logger {
    /// A logger that shows nothing.
    pub const OFF: Logger = Logger {
        threshold: None,
        tracing: false,
    };

    /// The logger of tool `prog` run with `verbosity` `-V` flags, from the
    /// environment.
    pub fn from_env(prog: &str, verbosity: u8) -> Logger {
        let enabled_by_env = env("stderr").is_some_and(|v| match parse_bool(&v) {
            Some(b) => b,
            None => v.split(',').any(|d| d == prog),
        });
        let tracing = ["trace_files", "trace_formats", "trace_functions"]
            .iter()
            .any(|n| env(n).is_some())
            || env("trace_tags").is_some_and(|t| t.split(',').any(|s| !s.is_empty()));
        let threshold = if verbosity > 0 {
            Some(match verbosity {
                1 => LogLevel::Info,
                _ => LogLevel::Debug,
            })
        } else if enabled_by_env {
            Some(LogLevel::Notice)
        } else {
            None
        };
        Logger { threshold, tracing }
    }

    /// Logs `message` as reported by the Pacemaker function `function`.
    #[track_caller]
    pub fn log(&self, out: &mut Output, level: LogLevel, function: &str, message: &str) {
        if self.threshold.is_none_or(|t| level > t) {
            return;
        }
        let location = if self.tracing {
            let caller = Location::caller();
            let file = caller.file().rsplit('/').next().unwrap_or(caller.file());
            format!("{function}@{file}:{}", caller.line())
        } else {
            function.to_string()
        };
        out.log_line(&format!("({location}) \t{}: {message}", level.name()));
    }

    /// Logs an error.
    #[track_caller]
    pub fn error(&self, out: &mut Output, function: &str, message: &str) {
        self.log(out, LogLevel::Error, function, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;

    #[test]
    fn layout() {
        let mut out = Output::new(Format::Text, &["t"]);
        let plain = Logger {
            threshold: Some(LogLevel::Notice),
            tracing: false,
        };
        plain.error(&mut out, "parse_date", "bad");
        plain.log(&mut out, LogLevel::Info, "x", "hidden");
        let traced = Logger {
            threshold: Some(LogLevel::Notice),
            tracing: true,
        };
        traced.error(&mut out, "parse_hms", "worse");
        Logger::OFF.error(&mut out, "f", "never");
        let p = out.finish(pcmk_common::exit::CrmExit::OK);
        let lines: Vec<&str> = p.stderr.lines().collect();
        assert_eq!(lines[0], "(parse_date) \terror: bad");
        assert!(lines[1].starts_with("(parse_hms@log.rs:"), "{}", lines[1]);
        assert!(lines[1].ends_with(") \terror: worse"));
        assert_eq!(lines.len(), 2);
    }
}
