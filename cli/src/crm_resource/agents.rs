//! The agent commands of `crm_resource`, run locally as Pacemaker's tool
//! runs them (no daemon): listings, meta-data, and agent actions from
//! command-line configuration (`cli_resource_execute_from_params()`).

use std::collections::BTreeMap;
use std::time::Duration;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::{Element, Node};
use pcmk_execd::dirs::AgentDirs;
use pcmk_execd::discovery;
use pcmk_execd::op::{OpSpec, ResourceDef};
use pcmk_execd::result::{ExecStatus, rc_description};
use pcmk_execd::standard::{AgentSpec, Standard};

use super::out::{Format, Out};
use super::{Args, Command};

/// Pacemaker's default action timeout.
const DEFAULT_TIMEOUT_MS: u32 = 20_000;

fn text_el(name: &str, text: &str) -> Element {
    let mut e = Element::new(name);
    e.children.push(Node::Text(text.to_string()));
    e
}

fn names_el(name: &str, item: &str, attrs: &[(&str, &str)], items: &[String]) -> Element {
    let mut e = Element::new(name);
    for (k, v) in attrs {
        e.set_attr(*k, *v);
    }
    for i in items {
        e.push(text_el(item, i));
    }
    e
}

/// Runs an agent command.
pub async fn run(args: &Args, cmd: Command, out: &mut Out) -> CrmExit {
    let dirs = AgentDirs::from_process();
    match cmd {
        Command::ListStandards => {
            let list =
                discovery::list_standards(&dirs, &pcmk_execd::systemd::SystemdBus::from_process())
                    .await;
            if list.is_empty() {
                out.err("No standards found");
                return CrmExit::NoSuch;
            }
            out.list("Standards", None, None, &list);
            CrmExit::OK
        }
        Command::ListProviders => {
            let list = discovery::providers_with_agent(&dirs, None);
            if list.is_empty() {
                out.err("No OCF providers found");
                return CrmExit::NoSuch;
            }
            match out.format {
                Format::Text => list.iter().for_each(|p| out.line(p)),
                Format::Xml => out.xml(names_el(
                    "providers",
                    "provider",
                    &[("standard", "ocf")],
                    &list,
                )),
            }
            CrmExit::OK
        }
        Command::ListAlternatives(agent) => {
            let list = discovery::providers_with_agent(&dirs, Some(&agent));
            if list.is_empty() {
                out.err(&format!("No OCF providers found for {agent}"));
                return CrmExit::NoSuch;
            }
            match out.format {
                Format::Text => list.iter().for_each(|p| out.line(p)),
                Format::Xml => {
                    out.xml(names_el("providers", "provider", &[("for", &agent)], &list))
                }
            }
            CrmExit::OK
        }
        Command::ListAgents(spec) => {
            let (standard, provider) = match spec.split_once(':') {
                Some((s, p)) => (s.to_string(), Some(p.to_string())),
                None => (spec.clone(), None),
            };
            let list = if Standard::parse(&standard).is_some() {
                discovery::list_agents(
                    &dirs,
                    Some(&standard),
                    provider.as_deref(),
                    &pcmk_execd::systemd::SystemdBus::from_process(),
                )
                .await
            } else {
                Vec::new()
            };
            if list.is_empty() {
                match &provider {
                    None => out.err(&format!("No agents found for standard '{standard}'")),
                    Some(p) => out.err(&format!(
                        "No agents found for standard '{standard}' and provider '{p}'"
                    )),
                }
                out.err(&format!(
                    "Error performing operation: {}",
                    rc_description(1)
                ));
                return CrmExit::Error;
            }
            match out.format {
                Format::Text => list.iter().for_each(|a| out.line(a)),
                Format::Xml => {
                    let mut attrs = vec![("standard", standard.as_str())];
                    if let Some(p) = provider.as_deref().filter(|p| !p.is_empty()) {
                        attrs.push(("provider", p));
                    }
                    out.xml(names_el("agents", "agent", &attrs, &list));
                }
            }
            CrmExit::OK
        }
        Command::Metadata(spec) => metadata(&dirs, &spec, out).await,
        Command::ExecuteAgent(op, level) => execute(args, &dirs, &op, level, out).await,
        _ => CrmExit::Software,
    }
}

async fn metadata(dirs: &AgentDirs, spec: &str, out: &mut Out) -> CrmExit {
    let Some(s) = AgentSpec::parse(spec) else {
        out.err(&format!("'{spec}' is not a valid agent specification"));
        out.err(&format!(
            "Error performing operation: {}",
            rc_description(105)
        ));
        return CrmExit::NoSuch;
    };
    let md = if Standard::parse(&s.class) == Some(Standard::Stonith) {
        pcmk_fenced::agent::metadata(dirs, &s.agent, 20).await
    } else {
        pcmk_execd::direct::metadata(dirs, &s.class, s.provider.as_deref(), &s.agent).await
    };
    match md {
        Ok(md) => {
            match out.format {
                Format::Text => out.raw(&md),
                Format::Xml => match pcmk_common::xml::parse(&md) {
                    Ok(doc) => out.xml(Element::new("metadata").with_child(doc)),
                    Err(_) => out.xml(text_el("metadata", &md)),
                },
            }
            CrmExit::OK
        }
        Err(_) => {
            out.err(&format!(
                "Metadata query for {spec} failed: No such device or address"
            ));
            out.err(&format!(
                "Error performing operation: {}",
                rc_description(105)
            ));
            CrmExit::NoSuch
        }
    }
}

/// Checks `--class`/`--provider`/`--agent` as Pacemaker's
/// `validate_cmdline_config()` does.
fn check_config(args: &Args, dirs: &AgentDirs) -> Result<(String, Option<String>, String), String> {
    if args.resource.is_some() {
        return Err("--class, --agent, and --provider cannot be used with -r/--resource".into());
    }
    let class = args.class.clone();
    let is_ocf = class.as_deref() == Some("ocf");
    if is_ocf {
        if args.provider.is_none() || args.agent.is_none() {
            return Err("--provider and --agent are required with --class=ocf".into());
        }
    } else {
        if args.provider.is_some() {
            return Err("--provider is supported only with --class=ocf".into());
        }
        if args.agent.is_none() {
            return Err("--agent is required with --class".into());
        }
        if class.is_none() {
            return Err("--class is required with --agent".into());
        }
    }
    let class = class.unwrap_or_default();
    let agent = args.agent.clone().unwrap_or_default();
    let provider = args.provider.clone();
    let exists = match Standard::parse(&class) {
        Some(Standard::Ocf) => provider.as_deref().is_some_and(|p| {
            pcmk_execd::dirs::is_plain_name(p)
                && pcmk_execd::dirs::is_plain_name(&agent)
                && dirs.ocf_agent(p, &agent).exists()
        }),
        Some(Standard::Lsb | Standard::Service) => {
            pcmk_execd::dirs::is_plain_name(&agent) && dirs.lsb_agent(&agent).exists()
        }
        Some(Standard::Stonith) => {
            if !pcmk_execd::dirs::is_plain_name(&agent) || !dirs.fence_agent(&agent).is_file() {
                return Err(format!("{agent} is not a known fencing agent"));
            }
            true
        }
        Some(Standard::Systemd) | None => false,
    };
    if !exists {
        return Err(match &provider {
            Some(p) if is_ocf => format!("{class}:{p}:{agent} is not a known resource agent"),
            _ => format!("{class}:{agent} is not a known resource agent"),
        });
    }
    Ok((class, provider, agent))
}

async fn execute(
    args: &Args,
    dirs: &AgentDirs,
    op: &str,
    level: Option<i32>,
    out: &mut Out,
) -> CrmExit {
    if args.class.is_none() && args.agent.is_none() && args.provider.is_none() {
        out.err("--force-* and --validate with -r need the cluster configuration, not available in this build yet");
        return CrmExit::UnimplementFeature;
    }
    let (class, provider, agent) = match check_config(args, dirs) {
        Ok(c) => c,
        Err(e) => {
            out.err(&e);
            return CrmExit::Usage;
        }
    };
    let mut params = BTreeMap::new();
    for o in &args.option {
        match o.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                params.insert(k.to_string(), v.to_string());
            }
            _ => {
                out.err(&format!("Invalid option: --option {o}"));
                return CrmExit::Usage;
            }
        }
    }
    let timeout_ms = match &args.timeout {
        None => DEFAULT_TIMEOUT_MS,
        Some(t) => match pcmk_fenced::duration::parse_ms(t) {
            Some(0) => DEFAULT_TIMEOUT_MS,
            Some(ms) => u32::try_from(ms).unwrap_or(u32::MAX),
            None => {
                out.err(&format!("Invalid timeout: {t}"));
                return CrmExit::Usage;
            }
        },
    };
    let action = match op {
        "validate" => "validate-all",
        "force-check" => "monitor",
        other => other.strip_prefix("force-").unwrap_or(other),
    };
    if let Some(l) = level {
        params.insert("OCF_CHECK_LEVEL".into(), l.to_string());
    }
    let standard = match Standard::parse(&class) {
        Some(Standard::Service) => discovery::resolve_service(dirs, &agent),
        Some(s) => s,
        None => Standard::Ocf,
    };
    let spec = OpSpec {
        rsc: ResourceDef {
            id: "test".into(),
            class: class.clone(),
            provider: provider.clone(),
            agent: agent.clone(),
        },
        action: action.to_string(),
        interval_ms: 0,
        timeout_ms,
        params,
        meta: BTreeMap::from([("timeout".to_string(), timeout_ms.to_string())]),
    };
    let (rc, status, reason, stdout, stderr) = if standard.cli_exec() {
        let r = pcmk_execd::direct::run(dirs, &spec, Duration::from_secs(5)).await;
        (r.rc, r.status, r.exit_reason, r.stdout, r.stderr)
    } else {
        (
            3,
            ExecStatus::Error,
            Some(format!(
                "Manual execution of the {standard} standard is unsupported"
            )),
            None,
            None,
        )
    };
    report(
        out,
        args.verbose,
        &class,
        provider.as_deref(),
        &agent,
        op,
        rc,
        status,
        reason,
        stdout,
        stderr,
    );
    let code = pcmk_common::exit::CrmExit::from_code(i64::from(rc)).unwrap_or(CrmExit::Error);
    if code != CrmExit::OK {
        out.err(&format!(
            "Error performing operation: {}",
            rc_description(rc)
        ));
    }
    code
}

/// The `resource-agent-action` message.
#[allow(clippy::too_many_arguments)]
fn report(
    out: &mut Out,
    verbose: u8,
    class: &str,
    provider: Option<&str>,
    agent: &str,
    op: &str,
    rc: i32,
    status: ExecStatus,
    reason: Option<String>,
    stdout: Option<String>,
    stderr: Option<String>,
) {
    let spec = match provider {
        Some(p) => format!("{class}:{p}:{agent}"),
        None => format!("{class}:{agent}"),
    };
    let stdout_xml = stdout
        .as_deref()
        .and_then(|s| pcmk_common::xml::parse(s).ok());
    match out.format {
        Format::Text => {
            let reason_s = reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            if status == ExecStatus::Done {
                out.info(&format!(
                    "Operation {op} ({spec}) returned {rc} ({}{reason_s})",
                    rc_description(rc)
                ));
            } else {
                out.err(&format!(
                    "Operation {op} ({spec}) could not be executed ({}{reason_s})",
                    status.description()
                ));
            }
            // Pacemaker compares the command name with "validate-all" here,
            // so validate output is shown too.
            if verbose == 0 && op == "validate-all" {
                return;
            }
            if let Some(s) = &stdout {
                out.line(s);
            }
            if stdout_xml.is_none()
                && let Some(e) = &stderr
            {
                out.line(e);
            }
        }
        Format::Xml => {
            let mut x = Element::new("resource-agent-action")
                .with_attr("action", op)
                .with_attr("class", class)
                .with_attr("type", agent);
            if let Some(p) = provider {
                x.set_attr("provider", p);
            }
            x.push(Element::new("overrides"));
            let mut st = Element::new("agent-status")
                .with_attr("code", rc.to_string())
                .with_attr("message", rc_description(rc))
                .with_attr("execution_code", status.code().to_string())
                .with_attr("execution_message", status.description());
            if let Some(r) = &reason {
                st.set_attr("reason", r);
            }
            x.push(st);
            if let Some(doc) = stdout_xml {
                x.push(Element::new("command").with_child(doc));
            } else if stdout.is_some() || stderr.is_some() {
                let mut c = Element::new("command").with_attr("code", rc.to_string());
                for (src, text) in [("stdout", &stdout), ("stderr", &stderr)] {
                    if let Some(t) = text {
                        let mut o = text_el("output", t);
                        o.set_attr("source", src);
                        c.push(o);
                    }
                }
                x.push(c);
            }
            out.xml(x);
        }
    }
}
