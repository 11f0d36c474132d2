//! A client of the CIB manager, for tools and the other daemons.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pcmk_based::client::ClientError> {
//! use pcmk_based::client::CibClient;
//! use pcmk_based::request::{Operation, Request, Target};
//!
//! let mut cib = CibClient::connect_default().await?;
//! // The whole CIB, parsed.
//! let doc = cib.query_xml(Target::All).await?;
//! // A change; the reply carries Pacemaker's exit code and text.
//! let req = Request::new(Operation::Create, Target::Section("resources".into()))
//!     .with_input(pcmk_common::xml::parse("<primitive id='d' class='ocf' provider='pacemaker' type='Dummy'/>").unwrap());
//! let reply = cib.perform(&req).await?;
//! assert!(reply.is_ok(), "{}", reply.error);
//! // Every change from now on, as v2 patchsets.
//! let mut events = cib.subscribe(false).await?;
//! while let Some(event) = events.message().await.map_err(pcmk_based::client::ClientError::Call)? {
//!     println!("{} -> {:?}", event.op, event.version);
//! }
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use pcmk_common::cib::CibVersion;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_common::xml::{Element, XmlError, parse};
use pcmk_proto::cib as pb;
use pcmk_proto::cib::cib_client::CibClient as Grpc;
use tonic::transport::Channel;

use crate::request::{Operation, Request, Target};
use crate::wire::{request_to_wire, version_from_wire};

/// Largest reply accepted (a CIB of tens of thousands of resources).
pub const MAX_REPLY_BYTES: usize = 1 << 30;

/// Why a call did not get through.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The CIB manager is not running (Pacemaker's "Transport endpoint is
    /// not connected").
    #[error("Transport endpoint is not connected")]
    NotConnected {
        /// The socket tried.
        socket: PathBuf,
    },
    /// The call failed on the wire (the daemon refused or went away).
    #[error("{}", describe_status(.0))]
    Call(#[source] tonic::Status),
    /// A reply held XML that does not parse.
    #[error("malformed XML in reply: {0}")]
    BadReply(#[source] XmlError),
    /// A query failed.
    #[error("{error}")]
    Failed {
        /// Pacemaker's exit code.
        exit_code: CrmExit,
        /// Pacemaker's text.
        error: String,
    },
}

impl ClientError {
    /// Pacemaker's exit code for the error.
    pub fn exit_code(&self) -> CrmExit {
        match self {
            ClientError::NotConnected { .. } => CrmExit::Disconnect,
            ClientError::Call(s) => status_exit(s),
            ClientError::BadReply(_) => CrmExit::Protocol,
            ClientError::Failed { exit_code, .. } => *exit_code,
        }
    }
}

/// Pacemaker's text for a failed gRPC call: a request over the daemon's
/// size limit is "Message too long" (`EMSGSIZE`).
fn describe_status(s: &tonic::Status) -> String {
    match s.code() {
        tonic::Code::OutOfRange => format!("Message too long ({})", s.message()),
        _ => s.message().to_string(),
    }
}

/// The exit code for a failed gRPC call.
pub fn status_exit(s: &tonic::Status) -> CrmExit {
    match s.code() {
        tonic::Code::ResourceExhausted | tonic::Code::InvalidArgument | tonic::Code::OutOfRange => {
            CrmExit::Protocol
        }
        tonic::Code::DeadlineExceeded => CrmExit::Timeout,
        tonic::Code::PermissionDenied => CrmExit::InsufficientPriv,
        tonic::Code::Unavailable | tonic::Code::Cancelled | tonic::Code::Aborted => {
            CrmExit::Disconnect
        }
        _ => CrmExit::Error,
    }
}

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Pacemaker's exit code (`OK` on success).
    pub exit_code: CrmExit,
    /// Pacemaker's text for the error (empty on success).
    pub error: String,
    /// Output XML, as text (empty when there is none).
    pub output: String,
    /// The version of the CIB after the call.
    pub version: CibVersion,
    /// Details of a failure (schema violations with their paths).
    pub details: Vec<String>,
    /// Upgrade: the schema was already the latest.
    pub schema_unchanged: bool,
    /// Log records of a request carried out in this process (file CIBs).
    pub notes: Vec<crate::notes::Note>,
}

impl Reply {
    /// Whether the call succeeded.
    pub fn is_ok(&self) -> bool {
        self.exit_code == CrmExit::OK
    }

    /// The output, parsed.
    pub fn output_xml(&self) -> Result<Option<Element>, ClientError> {
        if self.output.is_empty() {
            return Ok(None);
        }
        parse(&self.output).map(Some).map_err(ClientError::BadReply)
    }
}

/// A connection to the CIB manager.
#[derive(Debug, Clone)]
pub struct CibClient {
    grpc: Grpc<Channel>,
    client_name: String,
    format: pb::OutputFormat,
}

impl CibClient {
    /// Connects to the CIB manager's socket at `socket`.
    pub async fn connect(socket: &Path) -> Result<Self, ClientError> {
        let channel =
            pcmk_proto::uds::connect(socket)
                .await
                .map_err(|_| ClientError::NotConnected {
                    socket: socket.to_path_buf(),
                })?;
        let name = std::env::args()
            .next()
            .and_then(|a| {
                Path::new(&a)
                    .file_name()
                    .map(|f| f.to_string_lossy().to_string())
            })
            .unwrap_or_else(|| "client".to_string());
        Ok(CibClient {
            grpc: Grpc::new(channel)
                .max_decoding_message_size(MAX_REPLY_BYTES)
                .max_encoding_message_size(MAX_REPLY_BYTES),
            client_name: name,
            format: pb::OutputFormat::Compact,
        })
    }

    /// Connects to the CIB manager of this node (the run directory from
    /// `PCMK_run_dir`).
    pub async fn connect_default() -> Result<Self, ClientError> {
        Self::connect(&Paths::from_process().socket("based")).await
    }

    /// Names this client (`update-client` of its changes).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = name.into();
        self
    }

    /// Asks for output indented for display rather than compact.
    #[must_use]
    pub fn pretty(mut self) -> Self {
        self.format = pb::OutputFormat::Pretty;
        self
    }

    /// Sends a request; a refused request is a [`Reply`] with its exit code,
    /// not an error.
    pub async fn perform(&mut self, req: &Request) -> Result<Reply, ClientError> {
        let mut wire = request_to_wire(req, self.format);
        if wire.client_name.is_empty() {
            wire.client_name = self.client_name.clone();
        }
        let r = self
            .grpc
            .perform(wire)
            .await
            .map_err(ClientError::Call)?
            .into_inner();
        Ok(Reply {
            exit_code: CrmExit::from_code(i64::from(r.exit_code)).unwrap_or(CrmExit::Error),
            error: r.error,
            output: r.output,
            version: version_from_wire(r.version.as_ref()),
            details: r.details,
            schema_unchanged: r.schema_unchanged,
            notes: Vec::new(),
        })
    }

    /// Queries the CIB (or a section, or XPath matches) and parses the
    /// result.
    pub async fn query_xml(&mut self, target: Target) -> Result<Element, ClientError> {
        let reply = self
            .perform(&Request::new(Operation::Query, target))
            .await?;
        if !reply.is_ok() {
            return Err(ClientError::Failed {
                exit_code: reply.exit_code,
                error: reply.error,
            });
        }
        reply.output_xml()?.ok_or(ClientError::Failed {
            exit_code: CrmExit::NoSuch,
            error: "No such device or address".to_string(),
        })
    }

    /// Subscribes to the changes applied from now on (with the whole CIB
    /// first when `initial_cib`).
    pub async fn subscribe(
        &mut self,
        initial_cib: bool,
    ) -> Result<tonic::Streaming<pb::CibEvent>, ClientError> {
        Ok(self
            .grpc
            .subscribe(pb::SubscribeRequest { initial_cib })
            .await
            .map_err(ClientError::Call)?
            .into_inner())
    }
}

/// Why the CIB could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A CIB file (`CIB_file`, `CIB_shadow`) is missing or invalid.
    #[error(transparent)]
    File(#[from] crate::file::OpenError),
    /// The CIB manager could not be reached.
    #[error(transparent)]
    Daemon(#[from] ClientError),
}

impl ConnectError {
    /// Pacemaker's exit code for the error.
    pub fn exit_code(&self) -> CrmExit {
        match self {
            ConnectError::File(e) => e.exit_code(),
            ConnectError::Daemon(e) => e.exit_code(),
        }
    }
}

/// The CIB a tool works on, as the environment designates it: the shadow
/// copy named by `CIB_shadow`, else the file named by `CIB_file`, else the
/// CIB manager.
#[derive(Debug)]
pub enum Connection {
    /// The CIB manager.
    Daemon(CibClient),
    /// A file, worked on in this process.
    File(Box<crate::file::FileCib>),
}

impl Connection {
    /// Opens the CIB for the tool named `client_name`.
    pub async fn open(client_name: &str) -> Result<Connection, ConnectError> {
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(shadow) = env("CIB_shadow") {
            let path = crate::file::shadow_path(&shadow.to_string_lossy());
            return Ok(Connection::File(Box::new(crate::file::FileCib::open(
                &path,
            )?)));
        }
        Connection::open_real(client_name).await
    }

    /// Opens the CIB ignoring `CIB_shadow` (Pacemaker's
    /// `cib_new_no_shadow()`): the file named by `CIB_file`, else the CIB
    /// manager.
    pub async fn open_real(client_name: &str) -> Result<Connection, ConnectError> {
        let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(file) = env("CIB_file") {
            return Ok(Connection::File(Box::new(crate::file::FileCib::open(
                Path::new(&file),
            )?)));
        }
        Ok(Connection::Daemon(
            CibClient::connect_default()
                .await?
                .with_name(client_name)
                .pretty(),
        ))
    }

    /// Whether the CIB is a file rather than the CIB manager.
    pub fn is_file(&self) -> bool {
        matches!(self, Connection::File(_))
    }

    /// Carries out a request.
    pub async fn perform(&mut self, req: &Request) -> Result<Reply, ClientError> {
        match self {
            Connection::Daemon(c) => c.perform(req).await,
            Connection::File(f) => Ok(f.perform(req)),
        }
    }

    /// Ends the session (a changed file is written back).
    pub fn close(self) -> Result<(), crate::error::CibError> {
        match self {
            Connection::Daemon(_) => Ok(()),
            Connection::File(f) => f.close(),
        }
    }
}
