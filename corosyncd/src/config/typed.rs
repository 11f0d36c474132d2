//! The typed corosync.conf: what the daemon runs with, after validation.
//!
//! Defaults and checks follow Corosync 3.1's `exec/totemconfig.c` and
//! `exec/votequorum.c`: unknown keys give warnings, values that cannot work
//! give an error that names the file and line, and the daemon refuses to
//! start on an error.

use std::net::IpAddr;
use std::path::PathBuf;

use super::syntax::{Item, Section};

/// Where the shared authentication key is read from unless `totem.keyfile` says otherwise.
pub const DEFAULT_KEYFILE: &str = "/etc/corosync/authkey";

/// A configuration value Corosync would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    /// File the offending line is in.
    pub file: String,
    /// 1-based line (0 when the problem is a missing key).
    pub line: usize,
    /// What is wrong, and why.
    pub message: String,
}

/// The transport named by `totem.transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Kronosnet (Corosync 3's default); run here over plain UDP.
    Knet,
    /// UDP unicast to every node of the nodelist.
    Udpu,
    /// UDP multicast; run here as unicast to the nodelist.
    Udp,
}

impl Transport {
    /// The name as written in corosync.conf.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Knet => "knet",
            Transport::Udpu => "udpu",
            Transport::Udp => "udp",
        }
    }
}

/// Packet encryption named by `totem.crypto_cipher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cipher {
    /// No encryption.
    None,
    /// AES with a 128-bit key.
    Aes128,
    /// AES with a 192-bit key.
    Aes192,
    /// AES with a 256-bit key.
    Aes256,
}

/// Packet authentication named by `totem.crypto_hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// No authentication.
    None,
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// One `totem.interface` block (knet link settings are kept where they apply).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interface {
    /// `linknumber` (or `ringnumber`).
    pub linknumber: u32,
    /// `mcastport`: the UDP port (default 5405).
    pub mcastport: Option<u16>,
    /// `bindnetaddr`.
    pub bindnetaddr: Option<String>,
    /// `knet_ping_interval` in ms.
    pub knet_ping_interval: Option<u32>,
    /// `knet_ping_timeout` in ms.
    pub knet_ping_timeout: Option<u32>,
    /// `knet_link_priority`.
    pub knet_link_priority: Option<u32>,
}

/// The `totem` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Totem {
    /// `cluster_name`.
    pub cluster_name: String,
    /// `transport`.
    pub transport: Transport,
    /// `nodeid` (an explicit local node id).
    pub nodeid: Option<u32>,
    /// `token`: token loss timeout in ms, before the coefficient is applied.
    pub token: u32,
    /// `token_coefficient`: ms added per node beyond two.
    pub token_coefficient: u32,
    /// `token_retransmits_before_loss_const`.
    pub token_retransmits_before_loss_const: u32,
    /// `token_retransmit` in ms, when set explicitly.
    pub token_retransmit: Option<u32>,
    /// `hold` in ms, when set explicitly.
    pub hold: Option<u32>,
    /// `join`: how long to wait for join messages, in ms.
    pub join: u32,
    /// `consensus` in ms, when set explicitly.
    pub consensus: Option<u32>,
    /// `merge`: how often the representative looks for other rings, in ms.
    pub merge: u32,
    /// `downcheck` in ms.
    pub downcheck: u32,
    /// `fail_recv_const`.
    pub fail_recv_const: u32,
    /// `seqno_unchanged_const`.
    pub seqno_unchanged_const: u32,
    /// `max_messages`: per node per token visit.
    pub max_messages: u32,
    /// `window_size`: per token rotation.
    pub window_size: u32,
    /// `netmtu` (or `knet_mtu` when set).
    pub netmtu: u32,
    /// `crypto_cipher`.
    pub crypto_cipher: Cipher,
    /// `crypto_hash`.
    pub crypto_hash: Hash,
    /// `keyfile`.
    pub keyfile: PathBuf,
    /// `interface` blocks.
    pub interfaces: Vec<Interface>,
}

/// The effective timeouts, as `runtime.config.totem.*` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Token loss timeout (ms), coefficient applied.
    pub token: u32,
    /// Token retransmit timeout (ms).
    pub token_retransmit: u32,
    /// Token hold time of an idle ring (ms).
    pub hold: u32,
    /// Join timeout (ms).
    pub join: u32,
    /// Consensus timeout (ms).
    pub consensus: u32,
    /// Merge detection period (ms).
    pub merge: u32,
    /// Downcheck period (ms).
    pub downcheck: u32,
    /// Token retransmits before loss.
    pub token_retransmits_before_loss_const: u32,
    /// Rotations without new messages before the representative holds the token.
    pub seqno_unchanged_const: u32,
    /// Rotations a node may fail to receive before it is considered failed.
    pub fail_recv_const: u32,
    /// Messages per node per token visit.
    pub max_messages: u32,
    /// Messages per token rotation.
    pub window_size: u32,
}

/// One `nodelist.node` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// `nodeid`.
    pub nodeid: u32,
    /// `name`, when given.
    pub name: Option<String>,
    /// `ring0_addr`.
    pub ring0_addr: String,
    /// `ring1_addr`, when given (accepted, not used by the single ring).
    pub ring1_addr: Option<String>,
    /// `quorum_votes` (default 1).
    pub votes: u32,
}

/// How auto_tie_breaker picks the surviving half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TieBreaker {
    /// The half holding the lowest node id.
    Lowest,
    /// The half holding the highest node id.
    Highest,
    /// The half holding the first listed node that is present.
    List(Vec<u32>),
}

/// The `quorum` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quorum {
    /// Whether `provider: corosync_votequorum` is set (no provider: always quorate).
    pub votequorum: bool,
    /// `expected_votes`, when given.
    pub expected_votes: Option<u32>,
    /// `two_node`.
    pub two_node: bool,
    /// `wait_for_all` (defaults to on with two_node).
    pub wait_for_all: bool,
    /// `last_man_standing`.
    pub last_man_standing: bool,
    /// `last_man_standing_window` in ms.
    pub last_man_standing_window: u32,
    /// `auto_tie_breaker`.
    pub auto_tie_breaker: bool,
    /// `auto_tie_breaker_node`.
    pub auto_tie_breaker_node: TieBreaker,
    /// `allow_downscale`.
    pub allow_downscale: bool,
    /// `expected_votes_tracking`.
    pub expected_votes_tracking: bool,
}

/// The `logging` section (and its `logger_subsys` blocks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logging {
    /// `to_logfile`.
    pub to_logfile: bool,
    /// `logfile`.
    pub logfile: Option<PathBuf>,
    /// `to_syslog`.
    pub to_syslog: bool,
    /// `to_stderr`.
    pub to_stderr: bool,
    /// `debug` (on, or trace).
    pub debug: bool,
    /// `timestamp`.
    pub timestamp: bool,
    /// Subsystems with their own `debug: on`.
    pub debug_subsys: Vec<String>,
}

/// Users and groups allowed to use the local services (`uidgid` blocks).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UidGid {
    /// Allowed user names or numeric ids.
    pub uids: Vec<String>,
    /// Allowed group names or numeric ids.
    pub gids: Vec<String>,
}

/// The whole validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `totem`.
    pub totem: Totem,
    /// `nodelist`.
    pub nodes: Vec<Node>,
    /// `quorum`.
    pub quorum: Quorum,
    /// `logging`.
    pub logging: Logging,
    /// `uidgid` blocks, from the file and uidgid.d.
    pub uidgid: UidGid,
    /// Notices about the configuration: unknown keys, accepted oddities.
    pub warnings: Vec<String>,
}

const TOTEM_KEYS: &[&str] = &[
    "version",
    "cluster_name",
    "transport",
    "nodeid",
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
    "knet_compression_model",
    "knet_compression_level",
    "netmtu",
    "config_version",
    "ip_version",
    "crypto_model",
    "crypto_cipher",
    "crypto_hash",
    "secauth",
    "keyfile",
    "key",
    "clear_node_high_bit",
    "threads",
    "rrp_mode",
    "link_mode",
    "ip_dscp",
    "vsftype",
    "block_unlisted_ips",
    "cancel_token_hold_on_retransmit",
    "knet_ping_interval",
];
const INTERFACE_KEYS: &[&str] = &[
    "linknumber",
    "ringnumber",
    "bindnetaddr",
    "mcastaddr",
    "broadcast",
    "mcastport",
    "ttl",
    "knet_link_priority",
    "knet_ping_interval",
    "knet_ping_timeout",
    "knet_ping_precision",
    "knet_pong_count",
    "knet_transport",
];
const NODE_KEYS: &[&str] = &["nodeid", "name", "quorum_votes"];
const QUORUM_KEYS: &[&str] = &[
    "provider",
    "expected_votes",
    "votes",
    "two_node",
    "wait_for_all",
    "last_man_standing",
    "last_man_standing_window",
    "auto_tie_breaker",
    "auto_tie_breaker_node",
    "allow_downscale",
    "expected_votes_tracking",
    "leaving_timeout",
];
const LOGGING_KEYS: &[&str] = &[
    "to_logfile",
    "logfile",
    "to_syslog",
    "to_stderr",
    "debug",
    "timestamp",
    "fileline",
    "function_name",
    "syslog_facility",
    "syslog_priority",
    "logfile_priority",
    "blackbox",
    "logger_subsys",
    "subsys",
    "tags",
    "syslog_level",
];
const TOP_SECTIONS: &[&str] = &[
    "totem",
    "nodelist",
    "quorum",
    "logging",
    "uidgid",
    "system",
    "resources",
    "nozzle",
    "service",
    "qb",
    "amf",
    "aisexec",
    "pload",
];

/// Reads one file's sections into a checker that records file names for errors.
struct Reader<'a> {
    file: &'a str,
    warnings: &'a mut Vec<String>,
}

impl Reader<'_> {
    fn err(&self, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    fn check_keys(&mut self, sec: &Section, path: &str, known: &[&str]) {
        for item in sec.items() {
            let idx_key = item
                .key
                .strip_prefix("ring")
                .and_then(|r| r.strip_suffix("_addr"));
            let ring_addr = idx_key.is_some_and(|n| n.parse::<u8>().is_ok_and(|n| n < 8));
            if !(known.contains(&item.key.as_str()) || path == "nodelist.node" && ring_addr) {
                self.warnings.push(format!(
                    "{}:{}: unknown key {path}.{} (ignored)",
                    self.file, item.line, item.key
                ));
            }
        }
    }

    fn uint(&self, item: &Item, min: u64, max: u64) -> Result<u64, ConfigError> {
        match item.value.parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(self.err(
                item.line,
                format!(
                    "invalid value {:?} for {}: expected an integer from {min} to {max}",
                    item.value, item.key
                ),
            )),
        }
    }

    fn u32_of(&self, sec: &Section, key: &str, default: u32) -> Result<u32, ConfigError> {
        self.opt_u32(sec, key).map(|v| v.unwrap_or(default))
    }

    fn opt_u32(&self, sec: &Section, key: &str) -> Result<Option<u32>, ConfigError> {
        sec.get(key)
            .map(|i| self.uint(i, 0, u32::MAX.into()).map(|v| v as u32))
            .transpose()
    }

    fn flag(&self, sec: &Section, key: &str, default: bool) -> Result<bool, ConfigError> {
        let Some(item) = sec.get(key) else {
            return Ok(default);
        };
        match item.value.to_ascii_lowercase().as_str() {
            "yes" | "on" | "true" | "1" => Ok(true),
            "no" | "off" | "false" | "0" => Ok(false),
            _ => Err(self.err(
                item.line,
                format!(
                    "invalid value {:?} for {}: expected yes or no",
                    item.value, item.key
                ),
            )),
        }
    }
}

fn default_totem() -> Totem {
    Totem {
        cluster_name: String::new(),
        transport: Transport::Knet,
        nodeid: None,
        token: 3000,
        token_coefficient: 650,
        token_retransmits_before_loss_const: 4,
        token_retransmit: None,
        hold: None,
        join: 50,
        consensus: None,
        merge: 200,
        downcheck: 1000,
        fail_recv_const: 2500,
        seqno_unchanged_const: 30,
        max_messages: 17,
        window_size: 50,
        netmtu: 1500,
        crypto_cipher: Cipher::None,
        crypto_hash: Hash::None,
        keyfile: PathBuf::from(DEFAULT_KEYFILE),
        interfaces: Vec::new(),
    }
}

impl Totem {
    /// The effective timeouts for a cluster of `nodes` configured nodes.
    pub fn timeouts(&self, nodes: usize) -> Timeouts {
        let extra = u32::try_from(nodes.saturating_sub(2)).unwrap_or(u32::MAX);
        let token = self
            .token
            .saturating_add(extra.saturating_mul(self.token_coefficient));
        let retrans = self.token_retransmit.unwrap_or_else(|| {
            (f64::from(token) / (f64::from(self.token_retransmits_before_loss_const) + 0.2)) as u32
        });
        let hold = self
            .hold
            .unwrap_or_else(|| ((f64::from(retrans) * 0.8) as u32).saturating_sub(10));
        Timeouts {
            token,
            token_retransmit: retrans.max(1),
            hold: hold.max(1),
            join: self.join,
            consensus: self
                .consensus
                .unwrap_or_else(|| (f64::from(token) * 1.2) as u32),
            merge: self.merge,
            downcheck: self.downcheck,
            token_retransmits_before_loss_const: self.token_retransmits_before_loss_const,
            seqno_unchanged_const: self.seqno_unchanged_const,
            fail_recv_const: self.fail_recv_const,
            max_messages: self.max_messages,
            window_size: self.window_size,
        }
    }

    /// Whether packets are authenticated and encrypted.
    pub fn crypto_enabled(&self) -> bool {
        self.crypto_cipher != Cipher::None || self.crypto_hash != Hash::None
    }
}

/// One parsed file with its name, for error messages.
pub struct Source<'a> {
    /// The file name.
    pub file: &'a str,
    /// Its top-level section.
    pub top: &'a Section,
}

impl Config {
    /// Builds and validates the configuration from the main file and the included ones.
    pub fn from_sources(sources: &[Source<'_>]) -> Result<Config, ConfigError> {
        let mut warnings = Vec::new();
        let mut totem = default_totem();
        let mut nodes = Vec::new();
        let mut quorum = Quorum {
            votequorum: false,
            expected_votes: None,
            two_node: false,
            wait_for_all: false,
            last_man_standing: false,
            last_man_standing_window: 10000,
            auto_tie_breaker: false,
            auto_tie_breaker_node: TieBreaker::Lowest,
            allow_downscale: false,
            expected_votes_tracking: false,
        };
        let mut logging = Logging {
            to_logfile: false,
            logfile: None,
            to_syslog: true,
            to_stderr: false,
            debug: false,
            timestamp: false,
            debug_subsys: Vec::new(),
        };
        let mut uidgid = UidGid::default();
        let mut wait_for_all_set = None;
        let mut secauth_udpu_line = None;
        for src in sources {
            let mut r = Reader {
                file: src.file,
                warnings: &mut warnings,
            };
            for item in src.top.items() {
                r.warnings.push(format!(
                    "{}:{}: key {} outside any section (ignored)",
                    src.file, item.line, item.key
                ));
            }
            for sec in src.top.sections() {
                match sec.name.as_str() {
                    "totem" => {
                        read_totem(&mut r, sec, &mut totem, &mut secauth_udpu_line)?;
                    }
                    "nodelist" => {
                        for item in sec.items() {
                            r.warnings.push(format!(
                                "{}:{}: unknown key nodelist.{} (ignored)",
                                src.file, item.line, item.key
                            ));
                        }
                        for node in sec.sections_named("node") {
                            nodes.push(read_node(&mut r, node)?);
                        }
                    }
                    "quorum" => read_quorum(&mut r, sec, &mut quorum, &mut wait_for_all_set)?,
                    "logging" => read_logging(&mut r, sec, &mut logging)?,
                    "uidgid" => {
                        for item in sec.items() {
                            match item.key.as_str() {
                                "uid" => uidgid.uids.push(item.value.clone()),
                                "gid" => uidgid.gids.push(item.value.clone()),
                                _ => r.warnings.push(format!(
                                    "{}:{}: unknown key uidgid.{} (ignored)",
                                    src.file, item.line, item.key
                                )),
                            }
                        }
                    }
                    other if TOP_SECTIONS.contains(&other) => {}
                    other => r.warnings.push(format!(
                        "{}:{}: unknown section {other} (ignored)",
                        src.file, sec.line
                    )),
                }
            }
        }
        let main = sources.first().map_or("corosync.conf", |s| s.file);
        let err0 = |message: String| ConfigError {
            file: main.to_string(),
            line: 0,
            message,
        };
        if quorum.two_node {
            quorum.wait_for_all = wait_for_all_set.unwrap_or(true);
        } else {
            quorum.wait_for_all = wait_for_all_set.unwrap_or(false);
        }
        if quorum.two_node && nodes.len() > 2 {
            warnings.push(
                "two_node is set but the nodelist has more than two nodes: two_node is ignored"
                    .into(),
            );
            quorum.two_node = false;
        }
        if nodes.is_empty() {
            return Err(err0(
                "no nodelist: every node must be listed with ring0_addr and nodeid".into(),
            ));
        }
        let mut ids: Vec<u32> = nodes.iter().map(|n| n.nodeid).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(err0(
                "two nodes of the nodelist have the same nodeid".into(),
            ));
        }
        let mut addrs: Vec<&str> = nodes.iter().map(|n| n.ring0_addr.as_str()).collect();
        addrs.sort_unstable();
        if addrs.windows(2).any(|w| w[0] == w[1]) {
            return Err(err0(
                "two nodes of the nodelist have the same ring0_addr".into(),
            ));
        }
        let t = totem.timeouts(nodes.len());
        if totem.consensus.is_some() && f64::from(t.consensus) < 1.2 * f64::from(t.token) {
            return Err(err0(format!(
                "The consensus timeout parameter ({} ms) must be at least 1.2 * token ({} ms).",
                t.consensus,
                (1.2 * f64::from(t.token)) as u32
            )));
        }
        if totem.crypto_cipher != Cipher::None && totem.crypto_hash == Hash::None {
            return Err(err0(
                "crypto_cipher requires crypto_hash with value other than none".into(),
            ));
        }
        if let Some(line) = secauth_udpu_line {
            warnings.push(format!(
                "{main}:{line}: crypto with transport udpu is accepted here (Corosync 3 refuses it)"
            ));
        }
        if totem.transport == Transport::Knet {
            warnings.push("transport knet runs over plain UDP unicast to the nodelist; link settings apply where they can".into());
        }
        if totem.transport == Transport::Udp {
            warnings.push("transport udp (multicast) runs as UDP unicast to the nodelist".into());
        }
        Ok(Config {
            totem,
            nodes,
            quorum,
            logging,
            uidgid,
            warnings,
        })
    }

    /// The node whose id is `nodeid`.
    pub fn node(&self, nodeid: u32) -> Option<&Node> {
        self.nodes.iter().find(|n| n.nodeid == nodeid)
    }

    /// The effective timeouts of this cluster.
    pub fn timeouts(&self) -> Timeouts {
        self.totem.timeouts(self.nodes.len())
    }

    /// The UDP port of ring 0.
    pub fn port(&self) -> u16 {
        self.totem
            .interfaces
            .iter()
            .find(|i| i.linknumber == 0)
            .and_then(|i| i.mcastport)
            .unwrap_or(5405)
    }
}

fn read_totem(
    r: &mut Reader<'_>,
    sec: &Section,
    totem: &mut Totem,
    secauth_udpu_line: &mut Option<usize>,
) -> Result<(), ConfigError> {
    r.check_keys(sec, "totem", TOTEM_KEYS);
    if let Some(v) = sec.get("version")
        && v.value != "2"
    {
        return Err(r.err(
            v.line,
            format!("totem.version {:?} is not supported: it must be 2", v.value),
        ));
    }
    if let Some(v) = sec.get("cluster_name") {
        totem.cluster_name = v.value.clone();
    }
    if let Some(v) = sec.get("transport") {
        totem.transport = match v.value.as_str() {
            "knet" => Transport::Knet,
            "udpu" => Transport::Udpu,
            "udp" => Transport::Udp,
            other => {
                return Err(r.err(
                    v.line,
                    format!("invalid transport {other:?}: expected knet, udpu or udp"),
                ));
            }
        };
    }
    if let Some(v) = sec.get("nodeid") {
        totem.nodeid = Some(r.uint(v, 1, u32::MAX.into())? as u32);
    }
    totem.token = r.u32_of(sec, "token", totem.token)?;
    if totem.token == 0 {
        return Err(r.err(
            sec.get("token").map_or(0, |i| i.line),
            "token must be greater than 0",
        ));
    }
    totem.token_coefficient = r.u32_of(sec, "token_coefficient", totem.token_coefficient)?;
    totem.token_retransmits_before_loss_const = r.u32_of(
        sec,
        "token_retransmits_before_loss_const",
        totem.token_retransmits_before_loss_const,
    )?;
    totem.token_retransmit = r
        .opt_u32(sec, "token_retransmit")?
        .or(totem.token_retransmit);
    totem.hold = r.opt_u32(sec, "hold")?.or(totem.hold);
    totem.join = r.u32_of(sec, "join", totem.join)?;
    totem.consensus = r.opt_u32(sec, "consensus")?.or(totem.consensus);
    totem.merge = r.u32_of(sec, "merge", totem.merge)?;
    totem.downcheck = r.u32_of(sec, "downcheck", totem.downcheck)?;
    totem.fail_recv_const = r.u32_of(sec, "fail_recv_const", totem.fail_recv_const)?;
    totem.seqno_unchanged_const =
        r.u32_of(sec, "seqno_unchanged_const", totem.seqno_unchanged_const)?;
    if let Some(v) = sec.get("max_messages") {
        totem.max_messages = r.uint(v, 1, 10_000)? as u32;
    }
    if let Some(v) = sec.get("window_size") {
        totem.window_size = r.uint(v, 1, 10_000)? as u32;
    }
    if let Some(v) = sec.get("netmtu").or_else(|| sec.get("knet_mtu")) {
        let mtu = r.uint(v, 0, 65_000)? as u32;
        if mtu != 0 {
            if mtu < 576 {
                return Err(r.err(
                    v.line,
                    format!("{} {mtu} is too small: at least 576", v.key),
                ));
            }
            totem.netmtu = mtu;
        }
    }
    let mut cipher_given = false;
    if let Some(v) = sec.get("crypto_cipher") {
        cipher_given = true;
        totem.crypto_cipher = match v.value.as_str() {
            "none" => Cipher::None,
            "aes128" => Cipher::Aes128,
            "aes192" => Cipher::Aes192,
            "aes256" => Cipher::Aes256,
            other => {
                return Err(r.err(
                    v.line,
                    format!(
                        "invalid crypto_cipher {other:?}: expected none, aes256, aes192 or aes128"
                    ),
                ));
            }
        };
    }
    if let Some(v) = sec.get("crypto_hash") {
        cipher_given = true;
        totem.crypto_hash = match v.value.as_str() {
            "none" => Hash::None,
            "md5" => Hash::Md5,
            "sha1" => Hash::Sha1,
            "sha256" => Hash::Sha256,
            "sha384" => Hash::Sha384,
            "sha512" => Hash::Sha512,
            other => {
                return Err(r.err(
                    v.line,
                    format!(
                        "invalid crypto_hash {other:?}: expected none, md5, sha1, sha256, sha384 or sha512"
                    ),
                ));
            }
        };
    }
    if let Some(v) = sec.get("secauth") {
        let on = r.flag(sec, "secauth", false)?;
        if on && !cipher_given {
            totem.crypto_cipher = Cipher::Aes256;
            totem.crypto_hash = Hash::Sha1;
        }
        if on {
            *secauth_udpu_line = Some(v.line);
        }
    }
    if totem.transport != Transport::Udpu {
        *secauth_udpu_line = None;
    } else if totem.crypto_enabled() && secauth_udpu_line.is_none() {
        *secauth_udpu_line = sec.get("crypto_cipher").map(|i| i.line);
    }
    if let Some(v) = sec.get("keyfile") {
        totem.keyfile = PathBuf::from(&v.value);
    }
    for iface in sec.sections_named("interface") {
        r.check_keys(iface, "totem.interface", INTERFACE_KEYS);
        let num = iface.get("linknumber").or_else(|| iface.get("ringnumber"));
        let linknumber = num.map(|i| r.uint(i, 0, 7)).transpose()?.unwrap_or(0) as u32;
        let mcastport = iface
            .get("mcastport")
            .map(|i| r.uint(i, 1, 65535).map(|v| v as u16))
            .transpose()?;
        totem.interfaces.push(Interface {
            linknumber,
            mcastport,
            bindnetaddr: iface.get("bindnetaddr").map(|i| i.value.clone()),
            knet_ping_interval: r.opt_u32(iface, "knet_ping_interval")?,
            knet_ping_timeout: r.opt_u32(iface, "knet_ping_timeout")?,
            knet_link_priority: r.opt_u32(iface, "knet_link_priority")?,
        });
    }
    Ok(())
}

fn read_node(r: &mut Reader<'_>, sec: &Section) -> Result<Node, ConfigError> {
    r.check_keys(sec, "nodelist.node", NODE_KEYS);
    let Some(addr) = sec.get("ring0_addr") else {
        return Err(r.err(sec.line, "nodelist.node has no ring0_addr"));
    };
    if addr.value.is_empty() {
        return Err(r.err(addr.line, "ring0_addr is empty"));
    }
    let nodeid = match sec.get("nodeid") {
        Some(i) => r.uint(i, 1, u32::MAX.into())? as u32,
        None => match addr.value.parse::<IpAddr>() {
            // Corosync's udpu derives an id from an IPv4 address when none is given.
            Ok(IpAddr::V4(v4)) => u32::from(v4) & 0x7fff_ffff,
            _ => {
                return Err(r.err(
                    sec.line,
                    "nodelist.node has no nodeid (required unless ring0_addr is IPv4)",
                ));
            }
        },
    };
    if nodeid == 0 {
        return Err(r.err(sec.line, "nodeid 0 is reserved"));
    }
    let votes = sec
        .get("quorum_votes")
        .map(|i| r.uint(i, 0, u32::MAX.into()).map(|v| v as u32))
        .transpose()?
        .unwrap_or(1);
    Ok(Node {
        nodeid,
        name: sec.get("name").map(|i| i.value.clone()),
        ring0_addr: addr.value.clone(),
        ring1_addr: sec.get("ring1_addr").map(|i| i.value.clone()),
        votes,
    })
}

fn read_quorum(
    r: &mut Reader<'_>,
    sec: &Section,
    q: &mut Quorum,
    wait_for_all_set: &mut Option<bool>,
) -> Result<(), ConfigError> {
    r.check_keys(sec, "quorum", QUORUM_KEYS);
    if let Some(p) = sec.get("provider") {
        if p.value != "corosync_votequorum" {
            return Err(r.err(
                p.line,
                format!(
                    "quorum provider {:?} is not supported: use corosync_votequorum",
                    p.value
                ),
            ));
        }
        q.votequorum = true;
    }
    q.expected_votes = r.opt_u32(sec, "expected_votes")?.or(q.expected_votes);
    q.two_node = r.flag(sec, "two_node", q.two_node)?;
    if sec.get("wait_for_all").is_some() {
        *wait_for_all_set = Some(r.flag(sec, "wait_for_all", false)?);
    }
    q.last_man_standing = r.flag(sec, "last_man_standing", q.last_man_standing)?;
    q.last_man_standing_window =
        r.u32_of(sec, "last_man_standing_window", q.last_man_standing_window)?;
    q.auto_tie_breaker = r.flag(sec, "auto_tie_breaker", q.auto_tie_breaker)?;
    q.allow_downscale = r.flag(sec, "allow_downscale", q.allow_downscale)?;
    q.expected_votes_tracking =
        r.flag(sec, "expected_votes_tracking", q.expected_votes_tracking)?;
    if let Some(v) = sec.get("auto_tie_breaker_node") {
        q.auto_tie_breaker_node = match v.value.as_str() {
            "lowest" => TieBreaker::Lowest,
            "highest" => TieBreaker::Highest,
            list => {
                let ids: Result<Vec<u32>, _> = list.split_whitespace().map(str::parse).collect();
                match ids {
                    Ok(ids) if !ids.is_empty() => TieBreaker::List(ids),
                    _ => {
                        return Err(r.err(
                            v.line,
                            format!("invalid auto_tie_breaker_node {list:?}: expected lowest, highest or node ids"),
                        ));
                    }
                }
            }
        };
    }
    if q.two_node && q.last_man_standing {
        if let Some(i) = sec.get("last_man_standing") {
            return Err(r.err(i.line, "two_node is incompatible with last_man_standing"));
        }
    }
    if q.two_node && q.auto_tie_breaker {
        if let Some(i) = sec.get("auto_tie_breaker") {
            return Err(r.err(i.line, "two_node is incompatible with auto_tie_breaker"));
        }
    }
    Ok(())
}

fn read_logging(r: &mut Reader<'_>, sec: &Section, l: &mut Logging) -> Result<(), ConfigError> {
    r.check_keys(sec, "logging", LOGGING_KEYS);
    l.to_logfile = r.flag(sec, "to_logfile", l.to_logfile)?;
    l.to_syslog = r.flag(sec, "to_syslog", l.to_syslog)?;
    l.to_stderr = r.flag(sec, "to_stderr", l.to_stderr)?;
    if let Some(d) = sec.get("debug") {
        l.debug = match d.value.as_str() {
            "on" | "yes" | "trace" => true,
            "off" | "no" => false,
            other => {
                return Err(r.err(
                    d.line,
                    format!("invalid debug {other:?}: expected on, off or trace"),
                ));
            }
        };
    }
    if let Some(t) = sec.get("timestamp") {
        l.timestamp = matches!(t.value.as_str(), "on" | "yes" | "hires");
    }
    if let Some(f) = sec.get("logfile") {
        l.logfile = Some(PathBuf::from(&f.value));
    }
    if l.to_logfile && l.logfile.is_none() {
        return Err(r.err(sec.line, "to_logfile is set but no logfile is given"));
    }
    for sub in sec.sections_named("logger_subsys") {
        r.check_keys(sub, "logging.logger_subsys", LOGGING_KEYS);
        let Some(name) = sub.get("subsys") else {
            return Err(r.err(sub.line, "logger_subsys has no subsys"));
        };
        if sub
            .get("debug")
            .is_some_and(|d| matches!(d.value.as_str(), "on" | "trace" | "yes"))
        {
            l.debug_subsys.push(name.value.clone());
        }
    }
    Ok(())
}
