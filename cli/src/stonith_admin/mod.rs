//! `stonith_admin`: access the fencing API (Pacemaker's
//! `tools/stonith_admin.c` and `lib/pacemaker/pcmk_fence.c`).

pub mod history;

use std::collections::HashMap;

use clap::{ArgAction, Parser};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_execd::dirs::AgentDirs;
use pcmk_proto::fenced as pb;
use pcmk_proto::fenced::fencer_client::FencerClient;
use tonic::transport::Channel;

use crate::result_doc::{Format, Out};

/// Command-line options (Pacemaker's names and letters).
#[derive(Parser, Debug)]
#[command(
    name = "stonith_admin",
    about = "stonith_admin - Access the Pacemaker fencing API",
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Args {
    /// Show help options.
    #[arg(short = '?', long = "help", action = ArgAction::Help)]
    help: Option<bool>,
    /// Display software version and exit.
    #[arg(short = '$', long = "version")]
    version: bool,
    /// Increase debug output (may be specified multiple times).
    #[arg(short = 'V', long = "verbose", action = ArgAction::Count)]
    verbose: u8,
    /// Be less descriptive in output.
    #[arg(short = 'q', long = "quiet")]
    quiet: bool,
    /// Specify output format as one of: text (default), xml.
    #[arg(long = "output-as", default_value = "text")]
    output_as: String,
    /// Register the named fencing device. Requires: --agent.
    #[arg(short = 'R', long = "register", value_name = "DEVICE")]
    register: Option<String>,
    /// De-register the named fencing device.
    #[arg(short = 'D', long = "deregister", value_name = "DEVICE")]
    deregister: Option<String>,
    /// Register a fencing level for the named target (NAME, @PATTERN, or ATTR=VALUE).
    #[arg(short = 'r', long = "register-level", value_name = "TARGET")]
    register_level: Option<String>,
    /// Unregister a fencing level for the named target.
    #[arg(short = 'd', long = "deregister-level", value_name = "TARGET")]
    deregister_level: Option<String>,
    /// List devices that can terminate the specified host.
    #[arg(short = 'l', long = "list", value_name = "HOST")]
    list: Option<String>,
    /// List all registered devices.
    #[arg(short = 'L', long = "list-registered")]
    list_registered: bool,
    /// List all installed devices.
    #[arg(short = 'I', long = "list-installed")]
    list_installed: bool,
    /// List the targets that can be fenced by the named device.
    #[arg(short = 's', long = "list-targets", value_name = "DEVICE")]
    list_targets: Option<String>,
    /// Show agent metadata. Requires: --agent.
    #[arg(short = 'M', long = "metadata")]
    metadata: bool,
    /// Check the named device's status.
    #[arg(short = 'Q', long = "query", value_name = "DEVICE")]
    query: Option<String>,
    /// Show last successful fencing operation for named node (or '*' for all nodes).
    #[arg(short = 'H', long = "history", value_name = "NODE")]
    history: Option<String>,
    /// Indicate when the named node was last fenced.
    #[arg(short = 'h', long = "last", value_name = "NODE")]
    last: Option<String>,
    /// Validate a fence device configuration. Requires: --agent.
    #[arg(short = 'K', long = "validate")]
    validate: bool,
    /// Fence named host.
    #[arg(short = 'F', long = "fence", value_name = "HOST")]
    fence: Option<String>,
    /// Unfence named host.
    #[arg(short = 'U', long = "unfence", value_name = "HOST")]
    unfence: Option<String>,
    /// Reboot named host.
    #[arg(short = 'B', long = "reboot", value_name = "HOST")]
    reboot: Option<String>,
    /// Tell cluster that named host is now safely down.
    #[arg(short = 'C', long = "confirm", value_name = "HOST")]
    confirm: Option<String>,
    /// Cleanup wherever appropriate. Requires --history.
    #[arg(short = 'c', long = "cleanup")]
    cleanup: bool,
    /// Broadcast wherever appropriate.
    #[arg(short = 'b', long = "broadcast")]
    broadcast: bool,
    /// The agent to use (for example, fence_xvm).
    #[arg(short = 'a', long = "agent", value_name = "AGENT")]
    agent: Option<String>,
    /// Specify a device configuration parameter as NAME=VALUE.
    #[arg(short = 'o', long = "option", value_name = "PARAM")]
    option: Vec<String>,
    /// Device configuration parameter from the environment (OCF_RESKEY_NAME).
    #[arg(short = 'e', long = "env-option", value_name = "PARAM")]
    env_option: Vec<String>,
    /// Identify fencing operations in logs with the specified tag.
    #[arg(short = 'T', long = "tag", value_name = "TAG")]
    tag: Option<String>,
    /// Device ID (with --register-level; may be specified multiple times).
    #[arg(short = 'v', long = "device", value_name = "DEVICE")]
    device: Vec<String>,
    /// The fencing level (1-9).
    #[arg(short = 'i', long = "index", value_name = "LEVEL", default_value_t = 0)]
    index: i32,
    /// Operation timeout in seconds (default 120).
    #[arg(
        short = 't',
        long = "timeout",
        value_name = "SECONDS",
        default_value_t = 120
    )]
    timeout: i64,
    /// Apply a fencing delay in seconds (-1 disables pcmk_delay_base/max).
    #[arg(
        short = 'y',
        long = "delay",
        value_name = "SECONDS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    delay: i32,
    /// (Advanced) The supplied node is the corosync node ID (with --last).
    #[arg(short = 'n', long = "as-node-id")]
    as_node_id: bool,
    /// (Advanced) Do nothing if an equivalent --fence request succeeded less than this many seconds earlier.
    #[arg(long = "tolerance", value_name = "SECONDS")]
    tolerance: Option<String>,
}

/// The command chosen (the last given wins, as in Pacemaker).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Validate,
    Installed,
    Registered(Option<String>),
    Register(String),
    Query(String),
    Deregister(String),
    Targets(String),
    Metadata,
    Fence(String, &'static str),
    Confirm(String),
    Last(String),
    History(String),
    Level(bool, String),
}

fn choose(a: &Args) -> Option<Action> {
    let mut act = None;
    let set = |act: &mut Option<Action>, v: Option<Action>| {
        if v.is_some() {
            *act = v;
        }
    };
    set(&mut act, a.validate.then_some(Action::Validate));
    set(&mut act, a.list_installed.then_some(Action::Installed));
    set(
        &mut act,
        a.list_registered.then_some(Action::Registered(None)),
    );
    set(&mut act, a.register.clone().map(Action::Register));
    set(&mut act, a.query.clone().map(Action::Query));
    set(&mut act, a.deregister.clone().map(Action::Deregister));
    set(&mut act, a.list_targets.clone().map(Action::Targets));
    set(
        &mut act,
        a.list.clone().map(|h| Action::Registered(Some(h))),
    );
    set(&mut act, a.metadata.then_some(Action::Metadata));
    set(
        &mut act,
        a.reboot.clone().map(|h| Action::Fence(h, "reboot")),
    );
    set(&mut act, a.fence.clone().map(|h| Action::Fence(h, "off")));
    set(&mut act, a.unfence.clone().map(|h| Action::Fence(h, "on")));
    set(&mut act, a.confirm.clone().map(Action::Confirm));
    set(&mut act, a.last.clone().map(Action::Last));
    set(&mut act, a.history.clone().map(Action::History));
    set(
        &mut act,
        a.register_level.clone().map(|t| Action::Level(true, t)),
    );
    set(
        &mut act,
        a.deregister_level.clone().map(|t| Action::Level(false, t)),
    );
    act
}

/// Pacemaker's return code for a fencing result (`stonith__result2rc()`)
/// as an exit status and message.
fn result_rc(r: &pb::Result) -> (CrmExit, &'static str) {
    if r.exit_status == 0 && r.exec_status == 0 {
        return (CrmExit::OK, "OK");
    }
    match r.exec_status {
        1 => (CrmExit::Error, "Operation canceled"),
        2 => (CrmExit::Timeout, "Timer expired"),
        7 => (CrmExit::NoSuch, "No such file or directory"),
        3 => (CrmExit::UnimplementFeature, "Operation not supported"),
        8 => (CrmExit::Disconnect, "Transport endpoint is not connected"),
        10 => (CrmExit::NoSuch, "No such device"),
        11 => (CrmExit::InsufficientPriv, "Permission denied"),
        9 if r.exit_status == 2 => (CrmExit::Software, "Invalid argument"),
        9 => (CrmExit::Protocol, "Protocol error"),
        _ => {
            let out = r.exit_reason.to_ascii_lowercase();
            if out.contains("timed out") || out.contains("timeout") {
                (CrmExit::Timeout, "Timer expired")
            } else {
                (CrmExit::Error, "Error")
            }
        }
    }
}

async fn connect() -> Result<FencerClient<Channel>, String> {
    let path = pcmk_common::paths::Paths::from_process().socket("fenced");
    pcmk_proto::uds::connect(&path)
        .await
        .map(FencerClient::new)
        .map_err(|_| "Transport endpoint is not connected".to_string())
}

fn params_of(a: &Args) -> Result<HashMap<String, String>, String> {
    let mut p = HashMap::new();
    for o in &a.option {
        match o.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                p.insert(k.to_string(), v.to_string());
            }
            _ => return Err(format!("Invalid option: -o {o}: Invalid parameter")),
        }
    }
    for e in &a.env_option {
        match std::env::var(format!("OCF_RESKEY_{e}")) {
            Ok(v) => {
                p.insert(e.clone(), v);
            }
            Err(_) => return Err(format!("Invalid option: -e {e}")),
        }
    }
    Ok(p)
}

/// Runs `stonith_admin` with `argv`; returns the exit status.
pub fn main(argv: Vec<String>) -> CrmExit {
    let args = match Args::try_parse_from(&argv) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                CrmExit::Usage
            } else {
                CrmExit::OK
            };
        }
    };
    let Some(format) = Format::parse(&args.output_as) else {
        eprintln!("stonith_admin: Invalid output format '{}'", args.output_as);
        return CrmExit::Usage;
    };
    let mut out = Out::new(format, &argv);
    out.quiet = args.quiet;
    if args.version {
        out.line(&format!(
            "Pacemaker {} (pacemaker-rs)",
            env!("CARGO_PKG_VERSION")
        ));
        return out.finish(CrmExit::OK, "stonith_admin");
    }
    let code = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(run(&args, &mut out)),
        Err(e) => {
            out.err(&format!("cannot start runtime: {e}"));
            CrmExit::OsErr
        }
    };
    out.finish(code, "stonith_admin")
}

async fn run(args: &Args, out: &mut Out) -> CrmExit {
    let Some(action) = choose(args) else {
        out.err("Please specify a command (see --help)");
        return CrmExit::Usage;
    };
    let needs_agent = matches!(
        action,
        Action::Validate | Action::Register(_) | Action::Metadata
    );
    if needs_agent && args.agent.is_none() {
        out.err("Please specify an agent to query using -a,--agent [value]");
        return CrmExit::Usage;
    }
    if !(0..=i64::from(u32::MAX / 1000)).contains(&args.timeout) {
        out.err(&format!(
            "Integer value \"{}\" for -t out of range",
            args.timeout
        ));
        return CrmExit::Usage;
    }
    let timeout = u32::try_from(args.timeout).unwrap_or(120);
    let dirs = AgentDirs::from_process();
    let agent = args.agent.clone().unwrap_or_default();
    match &action {
        Action::Installed => {
            let agents = pcmk_execd::discovery::list_fence_agents(&dirs);
            out.list(
                "Installed fence devices",
                Some(("fence device", "fence devices")),
                Some("device"),
                &agents,
            );
            return CrmExit::OK;
        }
        Action::Metadata => {
            return match pcmk_fenced::agent::metadata(&dirs, &agent, timeout).await {
                Ok(md) => {
                    match out.format {
                        Format::Text => out.raw(&md),
                        Format::Xml => match pcmk_common::xml::parse(&md) {
                            Ok(doc) => out.xml(Element::new("metadata").with_child(doc)),
                            Err(_) => out.raw(&md),
                        },
                    }
                    CrmExit::OK
                }
                Err(e) => {
                    out.err(&format!("Can't get fence agent meta-data: {e}"));
                    CrmExit::Error
                }
            };
        }
        Action::Validate => return validate(args, out, &dirs, &agent, timeout).await,
        _ => {}
    }
    let mut client = match connect().await {
        Ok(c) => c,
        Err(e) => {
            match &action {
                Action::Fence(host, what) => out.err(&format!(
                    "Couldn't {} {host}: {e}",
                    if *what == "on" { "unfence" } else { "fence" }
                )),
                _ => out.err(&format!("Could not connect to fencer: {e}")),
            }
            return CrmExit::Disconnect;
        }
    };
    let rpc_failed = |out: &mut Out, s: tonic::Status| {
        out.err(&format!("Fencer request failed: {}", s.message()));
        CrmExit::Disconnect
    };
    match action {
        Action::Registered(target) => {
            let req = pb::QueryRequest {
                target: target.unwrap_or_default(),
                action: "off".into(),
                timeout_s: timeout,
            };
            match client.query(req).await {
                Ok(r) => {
                    let devices = r.into_inner().devices;
                    out.list(
                        "Registered fence devices",
                        Some(("fence device", "fence devices")),
                        Some("device"),
                        &devices,
                    );
                    CrmExit::OK
                }
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Register(dev) => {
            let params = match params_of(args) {
                Ok(p) => p,
                Err(e) => {
                    out.err(&e);
                    return CrmExit::InvalidParam;
                }
            };
            let req = pb::Device {
                id: dev.clone(),
                agent: agent.clone(),
                params,
                from_cib: false,
            };
            match client.register_device(req).await {
                Ok(r) => {
                    let r = r.into_inner();
                    let (code, msg) = result_rc(&r);
                    if code != CrmExit::OK {
                        out.err(&format!(
                            "Can't register device {dev} using agent {agent}: {msg}"
                        ));
                    }
                    code
                }
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Deregister(dev) => match client
            .remove_device(pb::DeviceRef { id: dev.clone() })
            .await
        {
            Ok(r) => {
                let (code, msg) = result_rc(&r.into_inner());
                if code != CrmExit::OK {
                    out.err(&format!("Can't unregister device {dev}: {msg}"));
                }
                code
            }
            Err(s) => rpc_failed(out, s),
        },
        Action::Level(add, target) => {
            let spec = pcmk_fenced::topology::TargetSpec::parse_cli(&target);
            let mut l = pb::Level {
                id: String::new(),
                index: args.index,
                devices: args.device.clone(),
                ..Default::default()
            };
            match spec {
                pcmk_fenced::topology::TargetSpec::Name(n) => l.target = n,
                pcmk_fenced::topology::TargetSpec::Pattern(p) => l.target_pattern = p,
                pcmk_fenced::topology::TargetSpec::Attribute { name, value } => {
                    l.target_attribute = name;
                    l.target_value = value;
                }
            }
            let r = if add {
                client.register_level(l).await
            } else {
                client.remove_level(l).await
            };
            match r {
                Ok(r) => {
                    let (code, msg) = result_rc(&r.into_inner());
                    if code != CrmExit::OK {
                        out.err(&format!(
                            "Can't {}register topology level {} for {target}: {msg}",
                            if add { "" } else { "un" },
                            args.index
                        ));
                    }
                    code
                }
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Query(dev) => {
            let mut req = pb::DeviceActionRequest {
                device: dev,
                action: "monitor".into(),
                target: String::new(),
                timeout_s: timeout,
            };
            let first = match client.device_action(req.clone()).await {
                Ok(r) => r.into_inner(),
                Err(s) => return rpc_failed(out, s),
            };
            if result_rc(&first).0 == CrmExit::OK {
                return CrmExit::OK;
            }
            req.action = "list".into();
            match client.device_action(req).await {
                Ok(r) => result_rc(&r.into_inner()).0,
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Targets(dev) => {
            let req = pb::DeviceActionRequest {
                device: dev,
                action: "list".into(),
                target: String::new(),
                timeout_s: timeout,
            };
            match client.device_action(req).await {
                Ok(r) => {
                    let r = r.into_inner();
                    let (code, msg) = result_rc(&r);
                    if code != CrmExit::OK {
                        out.err(&format!("Couldn't list targets: {msg}"));
                        return code;
                    }
                    let targets = pcmk_fenced::device::parse_targets(&r.output);
                    out.list(
                        "Fence Targets",
                        Some(("fence target", "fence targets")),
                        None,
                        &targets,
                    );
                    CrmExit::OK
                }
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Fence(host, what) => {
            let tolerance = args
                .tolerance
                .as_deref()
                .and_then(pcmk_fenced::duration::parse_ms)
                .map_or(0, |ms| u32::try_from(ms / 1000).unwrap_or(u32::MAX));
            let client_name = match &args.tag {
                Some(t) => format!("stonith_admin.{t}"),
                None => format!("stonith_admin.{}", std::process::id()),
            };
            let req = pb::FenceRequest {
                target: host.clone(),
                action: what.to_string(),
                timeout_s: timeout,
                delay_s: args.delay,
                tolerance_s: tolerance,
                client_name,
                device: String::new(),
                manual_ack: false,
            };
            match client.fence(req).await {
                Ok(r) => {
                    let r = r.into_inner().result.unwrap_or_default();
                    let (code, msg) = result_rc(&r);
                    if code != CrmExit::OK {
                        let verb = if what == "on" { "unfence" } else { "fence" };
                        let reason = if r.exit_reason.is_empty() || r.exit_reason == msg {
                            String::new()
                        } else {
                            format!(" ({})", r.exit_reason)
                        };
                        out.err(&format!("Couldn't {verb} {host}: {msg}{reason}"));
                    }
                    code
                }
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Confirm(host) => {
            let req = pb::FenceRequest {
                target: host,
                action: "off".into(),
                timeout_s: timeout,
                client_name: format!("stonith_admin.{}", std::process::id()),
                manual_ack: true,
                ..Default::default()
            };
            match client.fence(req).await {
                Ok(r) => result_rc(&r.into_inner().result.unwrap_or_default()).0,
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::Last(target) => {
            if args.as_node_id {
                out.err("--as-node-id needs the cluster layer, not available yet");
                return CrmExit::UnimplementFeature;
            }
            let req = pb::HistoryRequest {
                target: target.clone(),
                cleanup: false,
            };
            match client.history(req).await {
                Ok(r) => {
                    let when = r
                        .into_inner()
                        .entries
                        .iter()
                        .filter(|e| e.state == 2)
                        .map(|e| e.completed)
                        .max();
                    match (out.format, when) {
                        (Format::Xml, Some(t)) => out.xml(
                            Element::new("last-fenced")
                                .with_attr("target", &target)
                                .with_attr("when", crate::result_doc::timestamp(t, 0, false)),
                        ),
                        (Format::Xml, None) => {}
                        (Format::Text, Some(t)) => out.line(&format!(
                            "Node {target} last fenced at: {}",
                            crate::result_doc::timestamp(t, 0, false)
                        )),
                        (Format::Text, None) => {
                            out.line(&format!("Node {target} has never been fenced"))
                        }
                    }
                    CrmExit::OK
                }
                Err(s) => rpc_failed(out, s),
            }
        }
        Action::History(target) => show_history(args, out, &mut client, &target).await,
        Action::Validate | Action::Installed | Action::Metadata => CrmExit::OK,
    }
}

async fn show_history(
    args: &Args,
    out: &mut Out,
    client: &mut FencerClient<Channel>,
    target: &str,
) -> CrmExit {
    if args.cleanup {
        let for_node = if target == "*" {
            String::new()
        } else {
            format!(" for node {target}")
        };
        out.info(&format!("cleaning up fencing-history{for_node}"));
    }
    if args.broadcast {
        out.info("gather fencing-history from all nodes");
    }
    let req = pb::HistoryRequest {
        target: if target == "*" {
            String::new()
        } else {
            target.to_string()
        },
        cleanup: args.cleanup,
    };
    let entries = match client.history(req).await {
        Ok(r) => r.into_inner().entries,
        Err(s) => {
            out.err(&format!("Fencer request failed: {}", s.message()));
            return CrmExit::Disconnect;
        }
    };
    if args.cleanup {
        return CrmExit::OK;
    }
    let verbose = args.verbose > 0;
    // As Pacemaker's pcmk__fence_history(): the "latest" shown without
    // --verbose is the last successful entry in display order.
    let latest = entries.iter().rfind(|e| e.state == 2);
    let mut shown: Vec<(&pb::HistoryEntry, bool)> = Vec::new();
    if verbose && !args.quiet {
        shown.extend(entries.iter().map(|e| (e, true)));
    }
    match out.format {
        Format::Text => {
            if args.quiet {
                if let Some(l) = latest {
                    out.line(&l.completed.to_string());
                }
                out.line("0 events found");
                return CrmExit::OK;
            }
            if !verbose && let Some(l) = latest {
                shown.push((l, false));
            }
            for (e, full) in &shown {
                out.line(&history::describe(
                    e,
                    *full,
                    history::later_succeeded(e, &entries),
                ));
            }
            let n = shown.len();
            out.line(&format!(
                "{n} {} found",
                if n == 1 { "event" } else { "events" }
            ));
        }
        Format::Xml => {
            if !verbose && let Some(l) = latest {
                shown.push((l, false));
            }
            let mut list = Element::new("list")
                .with_attr("name", "fencing history")
                .with_attr("count", shown.len().to_string());
            for (e, _) in &shown {
                list.push(history::event_xml(e));
            }
            out.xml(list);
        }
    }
    CrmExit::OK
}

async fn validate(
    args: &Args,
    out: &mut Out,
    dirs: &AgentDirs,
    agent: &str,
    timeout: u32,
) -> CrmExit {
    let params = match params_of(args) {
        Ok(p) => p,
        Err(e) => {
            out.err(&e);
            return CrmExit::InvalidParam;
        }
    };
    let md = pcmk_fenced::agent::metadata(dirs, agent, timeout).await;
    let info = md
        .ok()
        .and_then(|m| pcmk_common::xml::parse(&m).ok())
        .map(|d| pcmk_fenced::metadata::agent_info(&d))
        .unwrap_or_default();
    let device = args.device.first().cloned();
    let dev = pcmk_fenced::device::Device::new(
        device.as_deref().unwrap_or(agent),
        agent,
        params.into_iter().collect(),
        info,
    );
    let run_args = pcmk_fenced::args::make_args(&dev, "validate-all", None);
    let r = pcmk_fenced::agent::run(dirs, agent, &run_args, timeout).await;
    let ok = r.exit_status == 0 && r.exec_status == 0;
    let text = match &device {
        Some(d) => format!(
            "Validation of {agent} on {d} {}",
            if ok { "succeeded" } else { "failed" }
        ),
        None => format!(
            "Validation of {agent} {}",
            if ok { "succeeded" } else { "failed" }
        ),
    };
    match out.format {
        Format::Text => {
            if !args.quiet {
                out.line(&text);
                if let Some(o) = &r.output {
                    out.line(o);
                }
            }
        }
        Format::Xml => {
            let mut v = Element::new("validate")
                .with_attr("agent", agent)
                .with_attr("valid", if ok { "true" } else { "false" });
            if let Some(d) = &device {
                v.set_attr("device", d);
            }
            out.xml(v);
        }
    }
    if ok {
        CrmExit::OK
    } else {
        result_rc(&pb::Result {
            exit_status: r.exit_status,
            exec_status: r.exec_status,
            exit_reason: r.exit_reason.unwrap_or_default(),
            output: String::new(),
        })
        .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line() {
        use clap::CommandFactory;
        Args::command().debug_assert();
        let a = Args::try_parse_from(["stonith_admin", "-B", "n1", "-F", "n2"]).unwrap();
        assert_eq!(choose(&a), Some(Action::Fence("n2".into(), "off")));
        let a = Args::try_parse_from([
            "stonith_admin",
            "-r",
            "@n.*",
            "-i",
            "1",
            "-v",
            "a",
            "-v",
            "b",
        ])
        .unwrap();
        assert_eq!(a.device, ["a", "b"]);
        assert_eq!(choose(&a), Some(Action::Level(true, "@n.*".into())));
        let a = Args::try_parse_from(["stonith_admin", "-B", "n1", "--delay", "-1"]).unwrap();
        assert_eq!(a.delay, -1);
        assert_eq!(
            result_rc(&pb::Result {
                exit_status: 1,
                exec_status: 2,
                ..Default::default()
            })
            .0,
            CrmExit::Timeout
        );
        assert_eq!(
            result_rc(&pb::Result {
                exit_status: 1,
                exec_status: 10,
                ..Default::default()
            })
            .0,
            CrmExit::NoSuch
        );
    }
}
