//! Logging for every daemon, as Pacemaker's daemons log: a detail log file
//! (`PCMK_logfile`, default `/var/log/pacemaker/pacemaker.log`), syslog
//! (`PCMK_logfacility`, at `PCMK_logpriority` and above), and standard
//! error when run in the foreground (`-V`, `PCMK_stderr`, or a terminal).
//! `PCMK_debug` (yes, or a list of daemon names) and each `-V` raise the
//! level; `PCMK_log_filter` takes a full `tracing` filter for finer needs.
//!
//! Every line names the node and the daemon:
//! `Mar 03 10:00:00.123 node1 pacemaker-attrd [412] (attrd::shell) info: ...`.
//! The node is the host name until the daemon learns its cluster name
//! ([`set_node`]).

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer};

use super::account;
use super::options::{LogSettings, Options};

static NODE: OnceLock<Mutex<String>> = OnceLock::new();

fn node_cell() -> &'static Mutex<String> {
    NODE.get_or_init(|| Mutex::new(account::host_name()))
}

/// Names the node in every line from now on (once the daemon knows its
/// cluster name).
pub fn set_node(name: &str) {
    if let Ok(mut n) = node_cell().lock() {
        *n = name.to_string();
    }
}

fn node() -> String {
    node_cell()
        .lock()
        .map(|n| n.clone())
        .unwrap_or_else(|_| "localhost".to_string())
}

/// How a daemon was asked to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// The daemon's name (`pacemaker-attrd`), as `PCMK_debug` lists it.
    pub daemon: String,
    /// How many `-V` were given.
    pub verbose: u8,
}

/// What [`init`] set up, for a start-up message and for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPlan {
    /// The `tracing` filter in force.
    pub filter: String,
    /// The detail log, if one could be opened.
    pub logfile: Option<std::path::PathBuf>,
    /// Lines go to standard error.
    pub stderr: bool,
    /// The syslog facility and lowest level sent there, if syslog is used.
    pub syslog: Option<(String, Level)>,
}

/// Pacemaker's name for a level (`warning`, not `warn`).
fn level_name(l: &Level) -> &'static str {
    match *l {
        Level::ERROR => "error",
        Level::WARN => "warning",
        Level::INFO => "info",
        Level::DEBUG => "debug",
        Level::TRACE => "trace",
    }
}

/// The line format of the detail log and standard error.
struct PcmkFormat {
    daemon: String,
    pid: u32,
}

impl<S, N> FormatEvent<S, N> for PcmkFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let ts = jiff::Zoned::now()
            .strftime("%b %d %H:%M:%S%.3f")
            .to_string();
        write!(
            w,
            "{ts} {} {} [{}] ({}) {}: ",
            node(),
            self.daemon,
            self.pid,
            meta.target(),
            level_name(meta.level())
        )?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                let ext = span.extensions();
                match ext.get::<FormattedFields<N>>() {
                    Some(f) if !f.is_empty() => write!(w, "{}{{{f}}}: ", span.name())?,
                    _ => write!(w, "{}: ", span.name())?,
                }
            }
        }
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}

/// Syslog facility numbers by name.
pub fn facility_code(name: &str) -> Option<u8> {
    Some(match name.to_ascii_lowercase().as_str() {
        "kern" => 0,
        "user" => 1,
        "mail" => 2,
        "daemon" => 3,
        "auth" => 4,
        "syslog" => 5,
        "lpr" => 6,
        "news" => 7,
        "uucp" => 8,
        "cron" => 9,
        "authpriv" => 10,
        "ftp" => 11,
        "local0" => 16,
        "local1" => 17,
        "local2" => 18,
        "local3" => 19,
        "local4" => 20,
        "local5" => 21,
        "local6" => 22,
        "local7" => 23,
        _ => return None,
    })
}

/// The lowest `tracing` level sent to syslog for a `PCMK_logpriority`.
pub fn priority_level(name: &str) -> Level {
    match name.to_ascii_lowercase().as_str() {
        "emerg" | "alert" | "crit" | "err" | "error" => Level::ERROR,
        "warning" | "warn" => Level::WARN,
        "debug" => Level::DEBUG,
        _ => Level::INFO,
    }
}

fn severity(l: &Level) -> u8 {
    match *l {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        _ => 7,
    }
}

/// Sends each line to the local syslog socket as one datagram.
struct Syslog {
    socket: std::os::unix::net::UnixDatagram,
    facility: u8,
    ident: String,
}

impl Syslog {
    fn connect(facility: u8, ident: &str) -> Option<Syslog> {
        let socket = std::os::unix::net::UnixDatagram::unbound().ok()?;
        socket.connect(Path::new("/dev/log")).ok()?;
        Some(Syslog {
            socket,
            facility,
            ident: format!("{ident}[{}]", std::process::id()),
        })
    }
}

/// One syslog record being written.
struct SyslogLine<'a> {
    syslog: &'a Syslog,
    prefix: String,
    buf: Vec<u8>,
}

impl Write for SyslogLine<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for SyslogLine<'_> {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buf);
        let text = text.trim_end();
        if !text.is_empty() {
            let datagram = format!("{}{text}", self.prefix);
            // Syslog is best effort: a full or absent socket loses the line.
            let _ = self.syslog.socket.send(datagram.as_bytes());
        }
    }
}

impl Syslog {
    fn line(&self, level: &Level) -> SyslogLine<'_> {
        let pri = u16::from(self.facility) * 8 + u16::from(severity(level));
        SyslogLine {
            syslog: self,
            prefix: format!(
                "<{pri}>{} {}: {}: ",
                jiff::Zoned::now().strftime("%b %e %H:%M:%S"),
                self.ident,
                level_name(level)
            ),
            buf: Vec::new(),
        }
    }
}

impl<'a> MakeWriter<'a> for Syslog {
    type Writer = SyslogLine<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        self.line(&Level::INFO)
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        self.line(meta.level())
    }
}

/// The `tracing` filter for `daemon` from the settings and `-V` count.
pub fn filter_for(settings: &LogSettings, req: &LogRequest) -> String {
    let base = match req.verbose {
        0 if settings.debug_for(&req.daemon) => "debug",
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    // Dependencies' chatter stays out of the cluster's logs.
    format!("{base},h2=info,tower=info,hyper=info,hyper_util=info,tonic=info")
}

/// Opens the detail log for appending; as root, the file is created for
/// `hacluster:haclient` (mode 0660) so that every daemon can write it.
fn open_logfile(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        if !dir.exists() {
            let _ = account::ensure_cluster_dir(dir, 0o770);
        }
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o660)
        .open(path)
        .ok()?;
    if account::is_root() {
        if let Some((uid, gid)) = account::cluster_ids() {
            // Best effort: a log we cannot hand over stays root's.
            let _ = nix::unistd::fchown(&f, Some(uid), Some(gid));
        }
    }
    Some(f)
}

fn env_filter(text: &str) -> EnvFilter {
    EnvFilter::try_from_env("PCMK_log_filter").unwrap_or_else(|_| EnvFilter::new(text))
}

/// Sets up logging for a daemon from Pacemaker's options; returns what was
/// set up. Calling it twice keeps the first set-up.
pub fn init(opts: &Options, req: &LogRequest) -> LogPlan {
    let settings = opts.logging();
    let filter = filter_for(&settings, req);
    let pid = std::process::id();
    let format = || PcmkFormat {
        daemon: req.daemon.clone(),
        pid,
    };
    let logfile = settings
        .logfile
        .as_deref()
        .and_then(|p| open_logfile(p).map(|f| (p.to_path_buf(), f)));
    let stderr = settings.stderr
        || req.verbose > 0
        || nix::unistd::isatty(std::io::stderr()).unwrap_or(false)
        || (logfile.is_none() && settings.facility.is_none());
    let syslog = settings.facility.as_deref().and_then(|name| {
        let code = facility_code(name)?;
        let s = Syslog::connect(code, &req.daemon)?;
        Some((name.to_string(), priority_level(&settings.priority), s))
    });
    let plan = LogPlan {
        filter: filter.clone(),
        logfile: logfile.as_ref().map(|(p, _)| p.clone()),
        stderr,
        syslog: syslog.as_ref().map(|(n, l, _)| (n.clone(), *l)),
    };
    let file_layer = logfile.map(|(_, f)| {
        tracing_subscriber::fmt::layer()
            .event_format(format())
            .with_ansi(false)
            .with_writer(Mutex::new(f))
            .with_filter(env_filter(&filter))
    });
    let stderr_layer = stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .event_format(format())
            .with_ansi(false)
            .with_writer(std::io::stderr)
            .with_filter(env_filter(&filter))
    });
    let syslog_layer = syslog.map(|(_, level, s)| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_target(false)
            .with_level(false)
            .without_time()
            .with_writer(s)
            .with_filter(tracing_subscriber::filter::LevelFilter::from_level(level))
    });
    let subscriber = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .with(syslog_layer);
    // A second set-up (tests starting several daemons) keeps the first.
    let _ = tracing::subscriber::set_global_default(subscriber);
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn levels_follow_debug_and_verbosity() {
        let mut env: HashMap<String, String> = HashMap::new();
        env.insert("PCMK_debug".into(), "pacemaker-attrd".into());
        let s = Options::new(&env, None).logging();
        let req = |d: &str, v| LogRequest {
            daemon: d.into(),
            verbose: v,
        };
        assert!(filter_for(&s, &req("pacemaker-attrd", 0)).starts_with("debug,"));
        assert!(filter_for(&s, &req("pacemaker-based", 0)).starts_with("info,"));
        assert!(filter_for(&s, &req("pacemaker-based", 1)).starts_with("debug,"));
        assert!(filter_for(&s, &req("pacemaker-based", 2)).starts_with("trace,"));
    }

    #[test]
    fn syslog_names() {
        assert_eq!(facility_code("daemon"), Some(3));
        assert_eq!(facility_code("LOCAL7"), Some(23));
        assert_eq!(facility_code("nope"), None);
        assert_eq!(priority_level("notice"), Level::INFO);
        assert_eq!(priority_level("err"), Level::ERROR);
        assert_eq!(priority_level("warning"), Level::WARN);
    }
}
