//! Wire vocabulary of pacemaker-rs: the gRPC API of every daemon, generated
//! from the `.proto` files beside this crate, and the helpers that carry it
//! over Unix sockets in the run directory.

pub mod uds;

/// The CIB manager's API (`pacemaker-based`, `based.sock`).
#[allow(missing_docs, clippy::all)]
pub mod cib {
    tonic::include_proto!("pcmk.cib");
}
