//! The flat cmap view of corosync.conf, with Corosync's key names and types.
//!
//! Section nesting becomes dotted key names (`totem.token`). As in
//! `exec/coroparse.c`, each `nodelist.node` block gets an index
//! (`nodelist.node.0.ring0_addr`), each `totem.interface` its link number
//! (`totem.interface.0.mcastport`), `uidgid` entries become
//! `uidgid.uid.NAME = 1`, and `logger_subsys` blocks are keyed by their
//! subsys (`logging.logger_subsys.QUORUM.debug`). Numeric keys get the
//! integer types Corosync gives them; everything else is a string.

use super::syntax::Section;
use crate::cmap::CmapValue;

const TOTEM_U32: &[&str] = &[
    "version",
    "nodeid",
    "threads",
    "token",
    "token_coefficient",
    "token_retransmit",
    "token_warning",
    "hold",
    "token_retransmits_before_loss_const",
    "join",
    "send_join",
    "consensus",
    "merge",
    "downcheck",
    "fail_recv_const",
    "seqno_unchanged_const",
    "heartbeat_failures_allowed",
    "max_network_delay",
    "window_size",
    "max_messages",
    "miss_count_const",
    "knet_pmtud_interval",
    "knet_mtu",
    "knet_compression_threshold",
    "netmtu",
];
const QUORUM_U32: &[&str] = &[
    "expected_votes",
    "votes",
    "last_man_standing_window",
    "leaving_timeout",
];
const QUORUM_U8: &[&str] = &[
    "two_node",
    "expected_votes_tracking",
    "allow_downscale",
    "wait_for_all",
    "auto_tie_breaker",
    "last_man_standing",
];

fn typed(path: &str, key: &str, value: &str) -> CmapValue {
    let parse_or_str =
        |v: Option<CmapValue>| v.unwrap_or_else(|| CmapValue::Str(value.to_string()));
    match path {
        "totem" if TOTEM_U32.contains(&key) => parse_or_str(value.parse().ok().map(CmapValue::U32)),
        "totem" if key == "config_version" => parse_or_str(value.parse().ok().map(CmapValue::U64)),
        "totem" if key == "knet_compression_level" => {
            parse_or_str(value.parse().ok().map(CmapValue::I32))
        }
        "quorum" if QUORUM_U32.contains(&key) => {
            parse_or_str(value.parse().ok().map(CmapValue::U32))
        }
        "quorum" if QUORUM_U8.contains(&key) => parse_or_str(value.parse().ok().map(CmapValue::U8)),
        "nodelist.node" if key == "nodeid" || key == "quorum_votes" => {
            parse_or_str(value.parse().ok().map(CmapValue::U32))
        }
        "totem.interface" if matches!(key, "mcastport") => {
            parse_or_str(value.parse().ok().map(CmapValue::U16))
        }
        "totem.interface" if matches!(key, "ttl") => {
            parse_or_str(value.parse().ok().map(CmapValue::U8))
        }
        "totem.interface"
            if matches!(
                key,
                "knet_link_priority"
                    | "knet_ping_interval"
                    | "knet_ping_timeout"
                    | "knet_ping_precision"
                    | "knet_pong_count"
            ) =>
        {
            parse_or_str(value.parse().ok().map(CmapValue::U32))
        }
        _ => CmapValue::Str(value.to_string()),
    }
}

/// Appends the keys of one file's top-level section to `out`; `node_index`
/// numbers nodelist entries across files.
pub fn flatten(top: &Section, node_index: &mut u32, out: &mut Vec<(String, CmapValue)>) {
    for sec in top.sections() {
        walk(sec, &sec.name, node_index, out);
    }
}

fn walk(sec: &Section, path: &str, node_index: &mut u32, out: &mut Vec<(String, CmapValue)>) {
    match path {
        "nodelist.node" => {
            let idx = *node_index;
            *node_index += 1;
            for item in sec.items() {
                out.push((
                    format!("nodelist.node.{idx}.{}", item.key),
                    typed(path, &item.key, &item.value),
                ));
            }
            return;
        }
        "totem.interface" => {
            let link = sec
                .get("linknumber")
                .or_else(|| sec.get("ringnumber"))
                .map_or("0", |i| i.value.as_str());
            for item in sec.items() {
                if item.key == "linknumber" || item.key == "ringnumber" {
                    continue;
                }
                out.push((
                    format!("totem.interface.{link}.{}", item.key),
                    typed(path, &item.key, &item.value),
                ));
            }
            return;
        }
        "uidgid" => {
            for item in sec.items() {
                out.push((
                    format!("uidgid.{}.{}", item.key, item.value),
                    CmapValue::U8(1),
                ));
            }
            return;
        }
        "logging.logger_subsys" => {
            let subsys = sec.get("subsys").map_or("", |i| i.value.as_str());
            for item in sec.items() {
                out.push((
                    format!("logging.logger_subsys.{subsys}.{}", item.key),
                    CmapValue::Str(item.value.clone()),
                ));
            }
            return;
        }
        _ => {}
    }
    for item in sec.items() {
        out.push((
            format!("{path}.{}", item.key),
            typed(path, &item.key, &item.value),
        ));
    }
    for sub in sec.sections() {
        walk(sub, &format!("{path}.{}", sub.name), node_index, out);
    }
}
