//! The whole CIB of the running cluster (or of `CIB_shadow`/`CIB_file`), for
//! tools that work on a copy of it (`crm_simulate -L`, `crm_verify -L`).

use pcmk_based::client::Connection;
use pcmk_based::request::{Operation, Request, Target};
use pcmk_common::exit::CrmExit;

/// Why the live CIB could not be read: Pacemaker's exit code and the text
/// the tool prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCibError {
    /// Pacemaker's exit code.
    pub exit: CrmExit,
    /// The message, without the tool's name.
    pub message: String,
}

/// Reads the whole CIB, as XML text, from where the environment points
/// (`CIB_shadow`, else `CIB_file`, else the CIB manager).
pub fn read_live_cib(tool: &str) -> Result<String, LiveCibError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveCibError {
            exit: CrmExit::OsErr,
            message: format!("Could not start the I/O runtime: {e}"),
        })?;
    rt.block_on(async {
        let mut conn = Connection::open(tool).await.map_err(|e| LiveCibError {
            exit: e.exit_code(),
            message: format!("Could not connect to the CIB: {e}"),
        })?;
        let reply = conn
            .perform(&Request::new(Operation::Query, Target::All))
            .await
            .map_err(|e| LiveCibError {
                exit: e.exit_code(),
                message: format!("Could not get local CIB: {e}"),
            })?;
        if !reply.is_ok() {
            return Err(LiveCibError {
                exit: reply.exit_code,
                message: format!("Could not get local CIB: {}", reply.error),
            });
        }
        Ok(reply.output)
    })
}
