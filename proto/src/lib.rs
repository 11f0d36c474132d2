//! Wire vocabulary of pacemaker-rs: the gRPC API of every daemon, generated
//! from the `.proto` files beside this crate, and the helpers that carry it
//! over Unix sockets in the run directory.

pub mod uds;
/// The scheduler daemon's API (`schedulerd.proto`).
#[allow(missing_docs, clippy::all)]
pub mod schedulerd {
    tonic::include_proto!("pacemaker.schedulerd");
}
