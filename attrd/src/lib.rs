//! pacemaker-attrd: node attributes.
//!
//! [`core`] holds the sans-IO attribute manager ([`core::Attrd`]): values,
//! dampening, the writer election, CIB writes and sync.
//!
//! # Wiring the shell
//!
//! The shell feeds [`core::Event`]s (CPG `attrd` deliveries decoded with
//! [`core::AttrdMessage::decode`], the CPG member list, timers, CIB write
//! results, a status section reset seen in CIB notifications, SIGTERM) and
//! calls the client API (`update`, `query`, `refresh`, `clear_failure`,
//! `remove_peer`) from the gRPC handlers of `attrd.proto`. It carries out
//! [`core::Command`]s: `Send` over CPG `attrd`, `StartTimer`/`StopTimer`
//! with tokio, `Cib` with based's API (a transaction per attribute,
//! applied as the given user when one is set), answering with
//! `Event::CibReply` when a call id is given, and `Alert` with execd's
//! `ExecAlert`. It reads the CIB's `alerts` section at start-up and
//! whenever it changes (`Event::Alerts`): the writer sends attribute
//! alerts for every value it writes. [`daemon`] is that shell.

pub mod core;
pub mod daemon;
