//! `corosync-quorumtool`: quorum and votequorum status.

use std::fmt::Write as _;

use pcmk_proto::corosync::{Empty, SetExpectedRequest, SetVotesRequest, VqStatus};

/// What to show or do.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// `-s`: status.
    pub status: bool,
    /// `-l`: list nodes.
    pub list: bool,
    /// `-m`: monitor.
    pub monitor: bool,
    /// `-p`: machine parsable.
    pub parsable: bool,
    /// `-i`: addresses instead of names.
    pub ips: bool,
    /// `-H`: hexadecimal node ids.
    pub hex: bool,
    /// `-a`: all names and addresses.
    pub all: bool,
    /// `-o`: sort order (a, n, i).
    pub order: Option<char>,
    /// `-v`: new votes.
    pub votes: Option<u32>,
    /// `-n`: node for `-v`.
    pub nodeid: Option<u32>,
    /// `-e`: new expected votes.
    pub expected: Option<u32>,
}

/// The date line of `-s`, shaped like ctime(3) (in UTC: no unsafe localtime here).
fn ctime() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    format_ctime(t)
}

fn format_ctime(t: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        DAYS[(days + 4).rem_euclid(7) as usize],
        MONS[(m - 1).clamp(0, 11) as usize],
        d,
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60,
        y
    )
}

fn name_of(n: &pcmk_proto::corosync::VqNode, o: &Opts) -> String {
    if o.all {
        let mut s = n.address.clone();
        if !n.name.is_empty() {
            s = format!("{} ({})", n.name, n.address);
        }
        return s;
    }
    if o.ips || n.name.is_empty() {
        n.address.clone()
    } else {
        n.name.clone()
    }
}

/// The membership table (`-l`, and the end of `-s`).
pub fn format_nodes(s: &VqStatus, o: &Opts) -> String {
    let mut out = String::new();
    out.push_str("\nMembership information\n----------------------\n");
    let _ = write!(out, "{:>10} {:>10} ", "Nodeid", "Votes");
    if o.parsable {
        let _ = write!(out, "{:>10} ", "Qdevice");
    }
    out.push_str("Name\n");
    let mut nodes: Vec<&pcmk_proto::corosync::VqNode> = s
        .nodes
        .iter()
        .filter(|n| s.members.contains(&n.nodeid))
        .collect();
    match o.order {
        Some('i') => nodes.sort_by_key(|n| n.nodeid),
        Some('n') => nodes.sort_by(|a, b| a.name.cmp(&b.name)),
        _ => nodes.sort_by(|a, b| {
            let ka = a.address.parse::<std::net::IpAddr>().ok();
            let kb = b.address.parse::<std::net::IpAddr>().ok();
            ka.cmp(&kb).then(a.nodeid.cmp(&b.nodeid))
        }),
    }
    for n in nodes {
        if o.hex {
            let _ = write!(out, "0x{:08x} ", n.nodeid);
        } else {
            let _ = write!(out, "{:>10} ", n.nodeid);
        }
        let _ = write!(out, "{:>10} ", n.votes);
        if o.parsable {
            let _ = write!(out, "{:>10} ", "NR");
        }
        out.push_str(&name_of(n, o));
        if n.nodeid == s.nodeid {
            out.push_str(" (local)");
        }
        out.push('\n');
    }
    out
}

/// The `-s` report.
pub fn format_status(s: &VqStatus, o: &Opts, date: &str) -> String {
    let mut out = String::new();
    let ring = s.ring_id.unwrap_or_default();
    out.push_str("Quorum information\n------------------\n");
    let _ = writeln!(out, "Date:             {date}");
    let provider = if s.quorum_type.is_empty() {
        "Not configured"
    } else {
        "corosync_votequorum"
    };
    let _ = writeln!(out, "Quorum provider:  {provider}");
    let _ = writeln!(out, "Nodes:            {}", s.members.len());
    if o.hex {
        let _ = writeln!(out, "Node ID:          0x{:08x}", s.nodeid);
    } else {
        let _ = writeln!(out, "Node ID:          {}", s.nodeid);
    }
    let _ = writeln!(out, "Ring ID:          {:x}.{:x}", ring.nodeid, ring.seq);
    let _ = writeln!(
        out,
        "Quorate:          {}",
        if s.quorate { "Yes" } else { "No" }
    );
    if s.quorum_type.is_empty() {
        return out;
    }
    out.push_str("\nVotequorum information\n----------------------\n");
    let _ = writeln!(out, "Expected votes:   {}", s.expected_votes);
    let _ = writeln!(out, "Highest expected: {}", s.highest_expected);
    let _ = writeln!(out, "Total votes:      {}", s.total_votes);
    let _ = writeln!(
        out,
        "Quorum:           {} {}",
        s.quorum,
        if s.quorate { " " } else { "Activity blocked" }
    );
    out.push_str("Flags:            ");
    for (on, name) in [
        (s.two_node, "2Node"),
        (s.quorate, "Quorate"),
        (s.wait_for_all, "WaitForAll"),
        (s.last_man_standing, "LastManStanding"),
        (s.auto_tie_breaker, "AutoTieBreaker"),
        (s.allow_downscale, "AllowDownscale"),
    ] {
        if on {
            out.push_str(name);
            out.push(' ');
        }
    }
    out.push('\n');
    out.push_str(&format_nodes(s, o));
    out
}

/// Runs the tool; returns the exit code.
pub async fn run(o: &Opts) -> u8 {
    let cs = match super::connect().await {
        Ok(c) => c,
        Err(_) => {
            eprintln!("Cannot initialize QUORUM service");
            return 1;
        }
    };
    let mut q = cs.quorum();
    if let Some(e) = o.expected {
        return match q
            .set_expected(SetExpectedRequest { expected_votes: e })
            .await
        {
            Ok(_) => 0,
            Err(st) => {
                eprintln!("Unable to set expected votes: {}", super::cs_error(&st));
                1
            }
        };
    }
    if let Some(v) = o.votes {
        let nodeid = match o.nodeid {
            Some(n) => n,
            None => match cs.cpg().local_get(Empty {}).await {
                Ok(r) => r.into_inner().nodeid,
                Err(st) => {
                    eprintln!("Unable to get local nodeid: {}", super::cs_error(&st));
                    return 1;
                }
            },
        };
        return match q.set_votes(SetVotesRequest { nodeid, votes: v }).await {
            Ok(_) => 0,
            Err(st) => {
                eprintln!(
                    "Unable to set votes {v} for nodeid: {nodeid}: {}",
                    super::cs_error(&st)
                );
                1
            }
        };
    }
    let status = match q.status(Empty {}).await {
        Ok(s) => s.into_inner(),
        Err(st) => {
            eprintln!("Unable to get quorum status: {}", super::cs_error(&st));
            return 1;
        }
    };
    if o.list {
        print!("{}", format_nodes(&status, o));
        return 0;
    }
    if o.monitor {
        let mut track = match cs.quorum_track().await {
            Ok(t) => t,
            Err(st) => {
                eprintln!(
                    "Unable to start quorum status tracking: {}",
                    super::cs_error(&st)
                );
                return 1;
            }
        };
        while let Ok(Some(_)) = track.next().await {
            let Ok(s) = q.status(Empty {}).await else {
                return 1;
            };
            print!("{}", format_status(&s.into_inner(), o, &ctime()));
            println!();
        }
        return 0;
    }
    print!("{}", format_status(&status, o, &ctime()));
    if status.quorate { 0 } else { 2 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_proto::corosync::{RingId, VqNode};

    fn sample(quorate: bool) -> VqStatus {
        VqStatus {
            nodeid: 1,
            ring_id: Some(RingId { nodeid: 1, seq: 5 }),
            quorate,
            expected_votes: 3,
            highest_expected: 3,
            total_votes: if quorate { 3 } else { 1 },
            quorum: 2,
            node_votes: 1,
            quorum_type: "Corosync Votequorum".into(),
            nodes: (1..=3)
                .map(|i| VqNode {
                    nodeid: i,
                    votes: 1,
                    expected_votes: 3,
                    state: "Member".into(),
                    name: format!("node{i}"),
                    address: format!("127.0.0.{i}"),
                })
                .collect(),
            members: if quorate { vec![1, 2, 3] } else { vec![1] },
            ..VqStatus::default()
        }
    }

    #[test]
    fn status_layout_matches_corosync() {
        let out = format_status(&sample(false), &Opts::default(), "Sun Nov 22 01:10:21 2026");
        let want = "Quorum information\n------------------\nDate:             Sun Nov 22 01:10:21 2026\nQuorum provider:  corosync_votequorum\nNodes:            1\nNode ID:          1\nRing ID:          1.5\nQuorate:          No\n\nVotequorum information\n----------------------\nExpected votes:   3\nHighest expected: 3\nTotal votes:      1\nQuorum:           2 Activity blocked\nFlags:            \n\nMembership information\n----------------------\n    Nodeid      Votes Name\n         1          1 node1 (local)\n";
        assert_eq!(out, want);
        let out = format_status(&sample(true), &Opts::default(), "d");
        assert!(out.contains("Quorum:           2  \nFlags:            Quorate \n"));
        assert!(out.ends_with("         3          1 node3\n"));
        let p = Opts {
            parsable: true,
            ips: true,
            ..Opts::default()
        };
        assert!(format_nodes(&sample(true), &p).contains("    Nodeid      Votes    Qdevice Name\n         1          1         NR 127.0.0.1 (local)\n"));
    }

    #[test]
    fn ctime_shape() {
        assert_eq!(format_ctime(1_795_309_821), "Sun Nov 22 01:10:21 2026");
        assert_eq!(format_ctime(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(ctime().len(), 24);
    }
}
