//! Connecting to this node's fencer (for the executor, the controller and
//! tools).

use pcmk_common::paths::Paths;
use pcmk_proto::fenced::fencer_client::FencerClient;
use pcmk_proto::uds::UdsError;
use tonic::transport::Channel;

/// Name of the fencer's socket in the run directory.
pub const SOCKET: &str = "fenced";

/// Opens a client of the fencer serving `paths`' run directory.
pub async fn connect(paths: &Paths) -> Result<FencerClient<Channel>, UdsError> {
    Ok(FencerClient::new(
        pcmk_proto::uds::connect(&paths.socket(SOCKET)).await?,
    ))
}
