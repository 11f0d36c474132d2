//! pacemaker-controld: the cluster controller.
//!
//! [`shell`] is the daemon: the tokio shell that carries out the core's
//! commands through corosync and the other daemons, with the translations
//! of their data in [`translate`].
//!
//! [`core`] holds the sans-IO state machines: the controller FSA
//! ([`core::fsa`]), the DC election ([`core::election`]), the join protocol
//! and everything else of the controller ([`core::controller`]), the
//! transition engine ([`core::te`]), the operation history with
//! Pacemaker's keys and digests ([`core::history`], [`core::keys`]) and
//! which alerts to send for which event ([`core::alerts`]).
//!
//! # Wiring the shell
//!
//! The daemon's shell owns one [`core::controller::Controller`], feeds it
//! [`core::controller::Event`]s with the current time, and carries out the
//! [`core::controller::Command`]s it returns:
//!
//! | command | carried out by |
//! |---|---|
//! | `Send` | CPG group `crmd` ([`core::message::Envelope::encode`]); a broadcast also comes back to the sender |
//! | `StartTimer` / `StopTimer` | tokio timers, firing `Event::Timer` |
//! | `Connect` / `Disconnect` | connections to based, execd, corosync, schedulerd, answered with `Event::Connected` |
//! | `ReadConfig` | a CIB query of `crm_config`, answered with `Event::Config` |
//! | `Cib` | based's API; with a call id, answered with `Event::CibReply` |
//! | `InvokeScheduler` | a CIB query then schedulerd, answered with `Event::SchedulerReply` |
//! | `Exec` | execd, answered with `Event::ExecResult` (and `Event::Metadata` once per agent) |
//! | `Fence` | fenced, answered with `Event::FenceResult` |
//! | `UpdateAttribute` | attrd's `Update` |
//! | `Alert` | execd's `ExecAlert`, one task per alert, outcome only logged |
//! | `Exit` | process exit with that code (100: pacemakerd must not respawn) |
//!
//! The cluster options come as `Event::Config` and the CIB's `alerts`
//! section, unpacked, as `Event::Alerts`; both are read at start-up and
//! again whenever `crm_config` or `alerts` change.
//!
//! CIB change notifications become `Event::CibChanged`: the `lrm_rsc_op`
//! entries a patchset adds ([`core::te::ActionEvent::collect`]), whether the
//! configuration changed, and a reason when other status changes (node
//! attributes, node states) call for a new transition. Corosync's
//! membership, the CPG `crmd` member list and quorum become
//! `Event::Membership`, `Event::ControllerPeers` and `Event::Quorum`;
//! SIGTERM becomes `Event::Shutdown`. The controller's gRPC API
//! (`controld.proto`) reads [`core::controller::Controller::state`],
//! `dc()`, `peers()` and `join_id()`.

pub mod core;
pub mod shell;
pub mod translate;
