//! The way between the actor and the CPG group `cib`: deliveries and
//! membership changes go in as they come, multicasts go out in order.

use pcmk_proto::corosync::client::{Corosync, CpgGroup, CpgMessage, CpgSender};
use tokio::sync::{mpsc, oneshot};

use crate::cluster::{Input, Member, wire};

use super::actor::Msg;

/// The CPG group of the CIB managers.
pub const GROUP: &str = "cib";

/// Why the cluster could not be joined.
#[derive(Debug, thiserror::Error)]
pub enum CpgError {
    /// Corosync's socket could not be reached.
    #[error("cannot connect to corosync: {0}")]
    Connect(#[from] pcmk_proto::uds::UdsError),
    /// Corosync refused a call.
    #[error("corosync refused {what}: {status}")]
    Call {
        /// The call.
        what: &'static str,
        /// Its status.
        status: tonic::Status,
    },
}

/// A joined group, before the actor runs.
pub struct Joined {
    /// The group.
    pub group: CpgGroup,
    /// This process in it.
    pub me: Member,
}

/// Connects to corosync and joins the group.
pub async fn join() -> Result<Joined, CpgError> {
    let corosync = Corosync::connect_default().await?;
    let group = corosync
        .cpg_join(GROUP)
        .await
        .map_err(|status| CpgError::Call {
            what: "the join of the cib group",
            status,
        })?;
    let me = Member {
        nodeid: group.local_nodeid(),
        pid: std::process::id(),
    };
    Ok(Joined { group, me })
}

fn member(a: &pcmk_proto::corosync::CpgAddress) -> Member {
    Member {
        nodeid: a.nodeid,
        pid: a.pid,
    }
}

/// Runs the two tasks; `lost` fires when the group is lost.
pub fn spawn(
    mut group: CpgGroup,
    actor: mpsc::UnboundedSender<Msg>,
    mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
    lost: oneshot::Sender<String>,
    span: tracing::Span,
) {
    let ticks = actor.clone();
    tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            every.tick().await;
            if ticks
                .send(Msg::Cluster(Input::Tick(start.elapsed())))
                .is_err()
            {
                return;
            }
        }
    });
    let sender: CpgSender = group.sender();
    let (fail_tx, mut fail_rx) = mpsc::unbounded_channel::<String>();
    let send_fail = fail_tx.clone();
    let send_span = span.clone();
    tokio::spawn(async move {
        while let Some(bytes) = outgoing.recv().await {
            let size = bytes.len();
            if let Err(e) = sender.mcast(bytes).await {
                let _s = send_span.enter();
                if matches!(
                    e.code(),
                    tonic::Code::ResourceExhausted
                        | tonic::Code::OutOfRange
                        | tonic::Code::InvalidArgument
                ) {
                    // This message cannot go; the link itself is fine.
                    tracing::error!(size, error = %e, "Cannot multicast a message to the cib group");
                    continue;
                }
                tracing::error!(error = %e, "Cannot multicast to the cib group");
                let _ = send_fail.send(format!("multicast failed: {e}"));
                return;
            }
        }
    });
    tokio::spawn(async move {
        let why = loop {
            let ev = tokio::select! {
                ev = group.next() => ev,
                why = fail_rx.recv() => break why.unwrap_or_default(),
            };
            let input = match ev {
                Ok(Some(CpgMessage::Deliver { nodeid, pid, data })) => match wire::decode(&data) {
                    Ok(msg) => Input::Delivered {
                        from: Member { nodeid, pid },
                        msg,
                    },
                    Err(e) => {
                        let _s = span.enter();
                        tracing::warn!(nodeid, pid, error = %e, "Ignoring a bad message in the cib group");
                        continue;
                    }
                },
                Ok(Some(CpgMessage::Confchg {
                    members, joined, ..
                })) => Input::Membership {
                    members: members.iter().map(member).collect(),
                    joined: joined.iter().map(member).collect(),
                },
                Ok(Some(CpgMessage::TotemConfchg { .. })) => continue,
                Ok(None) => break "corosync closed the cib group".to_string(),
                Err(e) => break format!("the cib group failed: {e}"),
            };
            if actor.send(Msg::Cluster(input)).is_err() {
                return;
            }
        };
        drop(fail_tx);
        let _ = lost.send(why);
    });
}
