//! `corosync-cfgtool`: link status, reload, shutdown, kill node.

use pcmk_proto::corosync::{Empty, KillNodeRequest, LinkStatusReply, ShutdownRequest};

/// What to do.
#[derive(Debug, Clone)]
pub enum Action {
    /// `-s` (optionally `-i ADDR`, `-b` brief).
    Status {
        /// Only this interface address or link id.
        iface: Option<String>,
        /// Brief output.
        brief: bool,
    },
    /// `-R`: reload the configuration everywhere.
    Reload,
    /// `-H` (`--force`): shut down this node.
    Shutdown {
        /// Regardless of services in use.
        force: bool,
    },
    /// `-k NODEID`: kill a node.
    Kill(u32),
    /// `-a NODEID`: addresses of a node.
    Addresses(u32),
}

/// The `-s` report.
pub fn format_status(r: &LinkStatusReply, iface: Option<&str>, brief: bool) -> String {
    let mut out = format!(
        "Local node ID {}, transport {}\n",
        r.local_nodeid, r.transport
    );
    for l in &r.links {
        if let Some(i) = iface
            && i != l.address
            && i != l.link_id.to_string()
        {
            continue;
        }
        out.push_str(&format!(
            "LINK ID {} udp\n\taddr\t= {}\n\tstatus:\n",
            l.link_id, l.address
        ));
        for n in &l.nodes {
            let state = if n.local {
                "localhost"
            } else if n.connected {
                "connected"
            } else {
                "disconnected"
            };
            if brief {
                out.push_str(&format!(
                    "\t\tnodeid: {:>2}:\t{}\n",
                    n.nodeid,
                    u8::from(n.connected || n.local)
                ));
            } else {
                out.push_str(&format!("\t\tnodeid: {:>10}:\t{state}\n", n.nodeid));
            }
        }
    }
    out
}

/// Runs the tool; returns the exit code.
pub async fn run(action: Action) -> u8 {
    let cs = match super::connect().await {
        Ok(c) => c,
        Err(_) => {
            eprintln!("Could not initialize corosync configuration API error CS_ERR_LIBRARY");
            return 1;
        }
    };
    let mut cfg = cs.cfg();
    match action {
        Action::Status { iface, brief } => match cfg.link_status(Empty {}).await {
            Ok(r) => {
                print!(
                    "{}",
                    format_status(&r.into_inner(), iface.as_deref(), brief)
                );
                0
            }
            Err(st) => {
                eprintln!("Could not get the link status: {}", super::cs_error(&st));
                1
            }
        },
        Action::Reload => {
            println!("Reloading corosync.conf...");
            match cfg.reload(Empty {}).await {
                Ok(_) => {
                    println!("Done");
                    0
                }
                Err(st) => {
                    eprintln!(
                        "Could not reload configuration. Error {}",
                        super::cs_error(&st)
                    );
                    1
                }
            }
        }
        Action::Shutdown { force } => {
            match cfg
                .shutdown(ShutdownRequest {
                    flags: u32::from(force),
                })
                .await
            {
                Ok(_) => 0,
                Err(st) => {
                    eprintln!("Could not shutdown (error = {})", super::cs_error(&st));
                    1
                }
            }
        }
        Action::Kill(nodeid) => {
            match cfg
                .kill_node(KillNodeRequest {
                    nodeid,
                    reason: "Killed by corosync-cfgtool".into(),
                })
                .await
            {
                Ok(_) => 0,
                Err(st) => {
                    eprintln!("Could not kill node (error = {})", super::cs_error(&st));
                    1
                }
            }
        }
        Action::Addresses(nodeid) => match cs.quorum().status(Empty {}).await {
            Ok(s) => match s.into_inner().nodes.iter().find(|n| n.nodeid == nodeid) {
                Some(n) => {
                    println!("{}", n.address);
                    0
                }
                None => {
                    eprintln!("Could not get address for node {nodeid}: CS_ERR_NOT_EXIST");
                    1
                }
            },
            Err(st) => {
                eprintln!("Could not get addresses: {}", super::cs_error(&st));
                1
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_proto::corosync::{Link, LinkNode};

    #[test]
    fn status_layout() {
        let r = LinkStatusReply {
            local_nodeid: 1,
            transport: "knet".into(),
            links: vec![Link {
                link_id: 0,
                address: "127.0.0.1".into(),
                nodes: vec![
                    LinkNode {
                        nodeid: 1,
                        connected: true,
                        local: true,
                    },
                    LinkNode {
                        nodeid: 2,
                        connected: false,
                        local: false,
                    },
                ],
            }],
        };
        assert_eq!(
            format_status(&r, None, false),
            "Local node ID 1, transport knet\nLINK ID 0 udp\n\taddr\t= 127.0.0.1\n\tstatus:\n\t\tnodeid:          1:\tlocalhost\n\t\tnodeid:          2:\tdisconnected\n"
        );
    }
}
