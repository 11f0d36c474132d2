//! The CIB a cluster tool works on, used synchronously: the shadow copy
//! named by `CIB_shadow`, else the file named by `CIB_file` (`-` for
//! standard input), else the CIB manager (`pcmk_based`'s [`Connection`]).
//!
//! Failures carry Pacemaker's exit code and the text of the standard
//! return code behind it ([`Failure`]), which tools print in their own
//! messages (`Error performing operation: No such device or address`).

use pcmk_based::client::{ConnectError, Connection, Reply};
use pcmk_based::request::{CallOptions, Operation, Request, Target};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

/// A failed CIB call: the exit code and the text of the return code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Pacemaker's exit code.
    pub exit: CrmExit,
    /// The description of the return code (`pcmk_rc_str`).
    pub text: String,
}

impl Failure {
    /// A failure with this exit code and text.
    pub fn new(exit: CrmExit, text: impl Into<String>) -> Failure {
        Failure {
            exit,
            text: text.into(),
        }
    }

    /// `ENXIO`: nothing matched.
    pub fn no_such() -> Failure {
        Failure::new(CrmExit::NoSuch, "No such device or address")
    }

    /// `ENOTUNIQ`: several objects matched.
    pub fn not_unique() -> Failure {
        Failure::new(CrmExit::Multiple, "Name not unique on network")
    }

    /// `EINVAL`.
    pub fn invalid() -> Failure {
        Failure::new(CrmExit::Software, "Invalid argument")
    }

    /// Whether this is `ENXIO` (nothing matched).
    pub fn is_no_such(&self) -> bool {
        self.exit == CrmExit::NoSuch
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// An open CIB.
#[derive(Debug)]
pub struct CibSession {
    rt: tokio::runtime::Runtime,
    conn: Option<Connection>,
    user: Option<String>,
    verbosity: u8,
    log: Vec<String>,
}

impl CibSession {
    /// Opens the CIB as the environment designates it, for the tool
    /// `client_name` (`CIB_user` gives the user whose ACLs apply).
    pub fn open(client_name: &str) -> Result<CibSession, OpenFailure> {
        Self::open_with(client_name, false)
    }

    /// Opens the CIB ignoring `CIB_shadow` (`cib_new_no_shadow`).
    pub fn open_real(client_name: &str) -> Result<CibSession, OpenFailure> {
        Self::open_with(client_name, true)
    }

    fn open_with(client_name: &str, no_shadow: bool) -> Result<CibSession, OpenFailure> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| OpenFailure::Runtime(e.to_string()))?;
        let conn = rt
            .block_on(async {
                if no_shadow {
                    Connection::open_real(client_name).await
                } else {
                    Connection::open(client_name).await
                }
            })
            .map_err(OpenFailure::Connect)?;
        let user = std::env::var("CIB_user").ok().filter(|u| !u.is_empty());
        Ok(CibSession {
            rt,
            conn: Some(conn),
            user,
            verbosity: 0,
            log: Vec::new(),
        })
    }

    /// Sets the tool's `-V` count, which selects the log messages of the
    /// CIB operations shown on standard error.
    pub fn set_verbosity(&mut self, verbosity: u8) {
        self.verbosity = verbosity;
    }

    /// Moves the log lines of the calls made so far to `out`'s standard
    /// error, as Pacemaker's library logs them while it works.
    pub fn drain_log(&mut self, out: &mut crate::output::Output) {
        for line in self.log.drain(..) {
            out.log_line(&line);
        }
    }

    /// Whether the CIB is a file rather than the CIB manager.
    pub fn is_file(&self) -> bool {
        self.conn.as_ref().is_some_and(Connection::is_file)
    }

    /// Carries out a request (as `CIB_user`, if set).
    pub fn perform(&mut self, req: &Request) -> Result<Reply, Failure> {
        let mut req = req.clone();
        if req.user.is_none() {
            req.user = self.user.clone();
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(Failure::new(
                CrmExit::Disconnect,
                "Transport endpoint is not connected",
            ));
        };
        let reply = self
            .rt
            .block_on(conn.perform(&req))
            .map_err(|e| Failure::new(e.exit_code(), e.to_string()))?;
        self.log.extend(pcmk_based::file::notes_to_print(
            &reply.notes,
            self.verbosity,
        ));
        Ok(reply)
    }

    /// Carries out a request and fails unless it succeeded.
    pub fn call(&mut self, req: &Request) -> Result<Reply, Failure> {
        let reply = self.perform(req)?;
        if reply.is_ok() {
            Ok(reply)
        } else {
            Err(Failure::new(reply.exit_code, reply.error.clone()))
        }
    }

    /// Queries the whole CIB, a section or XPath matches (several matches
    /// come wrapped in `<xpath-query>`).
    pub fn query(&mut self, target: Target) -> Result<Element, Failure> {
        let reply = self.call(&Request::new(Operation::Query, target))?;
        match reply.output_xml() {
            Ok(Some(e)) => Ok(e),
            Ok(None) => Err(Failure::no_such()),
            Err(e) => Err(Failure::new(CrmExit::Protocol, e.to_string())),
        }
    }

    /// The whole CIB.
    pub fn whole(&mut self) -> Result<Element, Failure> {
        self.query(Target::All)
    }

    /// The matches of an XPath expression.
    pub fn xpath(&mut self, expr: &str) -> Result<Element, Failure> {
        self.query(Target::XPath(expr.to_string()))
    }

    /// Applies `op` with `input` to `section` (or the whole CIB).
    pub fn change(
        &mut self,
        op: Operation,
        section: Option<&str>,
        input: Element,
        options: CallOptions,
    ) -> Result<Reply, Failure> {
        let target = section.map_or(Target::All, |s| Target::Section(s.to_string()));
        let mut req = Request::new(op, target).with_input(input);
        req.options = options;
        self.call(&req)
    }

    /// Deletes the matches of an XPath expression.
    pub fn delete_xpath(&mut self, expr: &str, multiple: bool) -> Result<Reply, Failure> {
        let mut req = Request::new(Operation::Delete, Target::XPath(expr.to_string()));
        req.options.multiple = multiple;
        self.call(&req)
    }

    /// Ends the session; a changed file is written back.
    pub fn close(mut self) -> Result<(), Failure> {
        match self.conn.take() {
            Some(c) => c
                .close()
                .map_err(|e| Failure::new(e.exit_code(), e.to_string())),
            None => Ok(()),
        }
    }
}

/// Why the CIB could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenFailure {
    /// No async runtime could be started.
    #[error("{0}")]
    Runtime(String),
    /// The file or the CIB manager could not be reached.
    #[error(transparent)]
    Connect(ConnectError),
}

impl OpenFailure {
    /// Pacemaker's exit code for the failure.
    pub fn exit_code(&self) -> CrmExit {
        match self {
            OpenFailure::Runtime(_) => CrmExit::OsErr,
            OpenFailure::Connect(e) => e.exit_code(),
        }
    }
}

/// Whether the CIB is a file (`CIB_file` or `CIB_shadow` set), as tools
/// that would otherwise go through a daemon check.
pub fn cib_is_file() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some();
    set("CIB_file") || set("CIB_shadow")
}
