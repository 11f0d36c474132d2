//! Wire vocabulary of pacemaker-rs: the gRPC API of every daemon, generated
//! from the `.proto` files beside this crate, and the helpers that carry it
//! over Unix sockets in the run directory.

pub mod corosync;
pub mod uds;

/// The attribute manager's API (`attrd.sock`).
#[allow(missing_docs, clippy::all)]
pub mod attrd {
    tonic::include_proto!("pcmk.attrd");
}

/// The controller's API (`controld.sock`).
#[allow(missing_docs, clippy::all)]
pub mod controld {
    tonic::include_proto!("pcmk.controld");
}

/// pacemakerd's API (`pacemakerd.sock`).
#[allow(missing_docs, clippy::all)]
pub mod pacemakerd {
    tonic::include_proto!("pcmk.pacemakerd");
}

/// The executor's API (pacemaker-execd).
#[allow(missing_docs, clippy::all)]
pub mod execd {
    tonic::include_proto!("pcmk.execd");
}

/// The fencer's API (pacemaker-fenced).
#[allow(missing_docs, clippy::all)]
pub mod fenced {
    tonic::include_proto!("pcmk.fenced");
}

/// The scheduler's API (pacemaker-schedulerd).
#[allow(missing_docs, clippy::all)]
pub mod schedulerd {
    tonic::include_proto!("pcmk.schedulerd");
}

/// The CIB manager's API (`pacemaker-based`, `based.sock`).
#[allow(missing_docs, clippy::all)]
pub mod cib {
    tonic::include_proto!("pcmk.cib");
}
