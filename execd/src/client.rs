//! Connecting to this node's executor (for the controller and tools).

use pcmk_common::paths::Paths;
use pcmk_proto::execd::executor_client::ExecutorClient;
use pcmk_proto::uds::UdsError;
use tonic::transport::Channel;

/// Name of the executor's socket in the run directory.
pub const SOCKET: &str = "execd";

/// Opens a client of the executor serving `paths`' run directory.
pub async fn connect(paths: &Paths) -> Result<ExecutorClient<Channel>, UdsError> {
    Ok(ExecutorClient::new(
        pcmk_proto::uds::connect(&paths.socket(SOCKET)).await?,
    ))
}
