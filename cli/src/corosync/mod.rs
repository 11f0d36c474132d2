//! corosync's command-line tools: `corosync-quorumtool`, `corosync-cmapctl`,
//! `corosync-cfgtool`, `corosync-cpgtool` and `corosync-keygen`, with
//! Corosync 3.1's options, output and exit codes. Each talks to the local
//! corosync through `pcmk_proto::corosync` (socket in `$COROSYNC_RUN_DIR`).

pub mod cfgtool;
pub mod cmapctl;
pub mod cpgtool;
pub mod keygen;
pub mod quorumtool;

use pcmk_proto::corosync::client::Corosync;

/// Corosync's `cs_error_t` name of a failed call, as the tools print it.
pub fn cs_error(status: &tonic::Status) -> &'static str {
    let m = status.message();
    for name in [
        "CS_ERR_TRY_AGAIN",
        "CS_ERR_NOT_EXIST",
        "CS_ERR_EXIST",
        "CS_ERR_INVALID_PARAM",
        "CS_ERR_ACCESS",
        "CS_ERR_BUSY",
    ] {
        if m.starts_with(name) {
            return name;
        }
    }
    match status.code() {
        tonic::Code::Unavailable => "CS_ERR_LIBRARY",
        tonic::Code::PermissionDenied => "CS_ERR_ACCESS",
        tonic::Code::NotFound => "CS_ERR_NOT_EXIST",
        _ => "CS_ERR_LIBRARY",
    }
}

/// Connects to the local corosync, or says why not.
pub async fn connect() -> Result<Corosync, String> {
    Corosync::connect_default()
        .await
        .map_err(|e| format!("Failed to initialize the cmap API. Error CS_ERR_LIBRARY ({e})"))
}

/// A single-threaded runtime for a tool.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
