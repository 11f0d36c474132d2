//! `crmadmin`: query the controller and list the configured nodes
//! (`tools/crmadmin.c`, `lib/pacemaker/pcmk_cluster_queries.c`).
//!
//! `-N` reads the CIB (file or CIB manager); `-D`, `-S` and `-P` ask the
//! controller or `pacemakerd` through [`crate::daemons`].

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_common::xpath::XPath;

use crate::cib_session::{CibSession, Failure};
use crate::goption::{Opt, OptGroup, Start, Table, start};
use crate::output::{Format, Output, Printed};

const PROG: &str = "crmadmin";

macro_rules! ind {
    () => {
        "\n                             "
    };
}

/// The option table.
pub fn table() -> Table {
    Table {
        prog: PROG,
        params: None,
        summary: "query and manage the Pacemaker controller",
        description: "Notes:\n\nDURATION in any command line option can be specified as an integer\nnumber of seconds, an integer plus units (ms, msec, us, usec, s, sec,\nm, min, h, or hr), or an ISO 8601 period specification.\n\nReport bugs to users@clusterlabs.org\n",
        formats: Some("text (default), xml"),
        main: vec![Opt::flag(
            Some('q'),
            "quiet",
            "Display only the essential query information",
        )],
        groups: vec![
            OptGroup {
                name: "command",
                title: "Commands:",
                help_desc: "Show command options",
                opts: vec![
                    Opt::value(
                        Some('S'),
                        "status",
                        "NODE",
                        concat!(
                            "Display the status of the specified node.",
                            ind!(),
                            "Result is state of node's internal finite state",
                            ind!(),
                            "machine, which can be useful for debugging"
                        ),
                    ),
                    Opt::flag(
                        Some('P'),
                        "pacemakerd",
                        concat!(
                            "Display the status of local pacemakerd.",
                            ind!(),
                            "Result is the state of the sub-daemons watched",
                            ind!(),
                            "by pacemakerd."
                        ),
                    ),
                    Opt::flag(
                        Some('D'),
                        "dc_lookup",
                        concat!(
                            "Display the uname of the node co-ordinating the cluster.",
                            ind!(),
                            "This is an internal detail rarely useful to",
                            ind!(),
                            "administrators except when deciding on which",
                            ind!(),
                            "node to examine the logs."
                        ),
                    ),
                    Opt::optional(
                        Some('N'),
                        "nodes",
                        "TYPE",
                        concat!(
                            "Display the uname of all member nodes [optionally filtered by type (comma-separated)]",
                            ind!(),
                            "Types: all (default), cluster, guest, remote"
                        ),
                    ),
                    Opt::flag(Some('H'), "health", "").hide(),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::value(
                        Some('t'),
                        "timeout",
                        "DURATION",
                        concat!(
                            "Time to wait before declaring the operation",
                            ind!(),
                            "failed (default 30s; use 0 to disable timeout)"
                        ),
                    ),
                    Opt::flag(
                        Some('B'),
                        "bash-export",
                        concat!(
                            "Display nodes as shell commands of the form 'export uname=uuid'",
                            ind!(),
                            "(valid with -N/--nodes)"
                        ),
                    ),
                    Opt::value(
                        Some('i'),
                        "ipc-name",
                        "NAME",
                        "Name to use for ipc instead of 'crmadmin' (with -P/--pacemakerd).",
                    ),
                ],
            },
        ],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    None,
    Health,
    WhoisDc,
    ListNodes,
    PacemakerdHealth,
}

/// Runs `crmadmin` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let formats = [Format::None, Format::Text, Format::Xml];
    let (parsed, mut out) = match start(&table(), argv, "itKNS", &formats, CrmExit::Error) {
        Start::Done(p, e) => return (p, e),
        Start::Run(p, o) => (p, o),
    };
    let mut command = Command::None;
    let mut optarg: Option<String> = None;
    let mut health = false;
    for g in &parsed.opts {
        match g.name {
            "status" => command = Command::Health,
            "pacemakerd" => command = Command::PacemakerdHealth,
            "dc_lookup" => command = Command::WhoisDc,
            "nodes" => command = Command::ListNodes,
            "health" => health = true,
            "timeout" => {
                let ok = pcmk_common::values::parse_interval_spec(g.value.as_deref()).is_ok();
                if !ok {
                    let shown = argv
                        .iter()
                        .map(AsRef::as_ref)
                        .find(|a| *a == "-t" || a.starts_with("--timeout"))
                        .map_or("--timeout", |a| {
                            if a.starts_with("--") {
                                "--timeout"
                            } else {
                                "-t"
                            }
                        });
                    return (
                        Printed {
                            stderr: format!("{PROG}: Error parsing option {shown}\n"),
                            ..Printed::default()
                        },
                        CrmExit::Usage,
                    );
                }
                continue;
            }
            _ => continue,
        }
        if matches!(g.name, "status" | "pacemakerd" | "dc_lookup" | "nodes") {
            optarg.clone_from(&g.value);
        }
    }
    let quiet = parsed.has("quiet");
    let mut argerr = false;
    if health {
        out.err("Cluster-wide health option not supported");
        argerr = true;
    }
    if command == Command::None {
        out.err("error: Must specify a command option");
        argerr = true;
    }
    if argerr {
        out.err(&table().help().render(crate::output::help::Which::Main));
        let exit = CrmExit::Usage;
        return (out.finish(exit), exit);
    }
    let result = match command {
        Command::ListNodes => list_nodes(
            &mut out,
            optarg.as_deref(),
            parsed.has("bash-export"),
            quiet,
        ),
        Command::Health => controller_status(&mut out, optarg.as_deref(), quiet),
        Command::WhoisDc => designated_controller(&mut out, quiet),
        Command::PacemakerdHealth => pacemakerd_status(&mut out, quiet),
        Command::None => Err(Failure::new(CrmExit::Error, "Error")),
    };
    let exit = match result {
        Ok(()) => CrmExit::OK,
        Err(f) => {
            out.err(&format!("error: Command failed: {}", f.text));
            f.exit
        }
    };
    (out.finish(exit), exit)
}

fn list_nodes(
    out: &mut Output,
    types: Option<&str>,
    bash_export: bool,
    quiet: bool,
) -> Result<(), Failure> {
    let mut cib = CibSession::open(PROG).map_err(|e| Failure::new(e.exit_code(), e.to_string()))?;
    let doc = cib.whole()?;
    let types: Vec<&str> = types
        .filter(|t| !t.is_empty())
        .map(|t| t.split(',').collect())
        .unwrap_or_default();
    let all = types.is_empty() || types.contains(&"all");
    let mut nodes = Element::new("nodes");
    let mut found = false;
    for (kind, xpath, field) in [
        (
            "cluster",
            "//cib/configuration/nodes/node[not(@type) or @type='member']",
            "id",
        ),
        (
            "guest",
            "//cib//configuration//primitive//meta_attributes//nvpair[@name='remote-node']",
            "value",
        ),
        (
            "remote",
            "//cib//configuration//primitive[@type='remote'][@provider='pacemaker']",
            "id",
        ),
    ] {
        if !all && !types.contains(&kind) {
            continue;
        }
        let matches = XPath::parse(xpath)
            .and_then(|x| x.select_elements(&doc))
            .unwrap_or_default();
        for m in matches {
            found = true;
            let id = m.attr(field);
            let name = m.attr("uname").or(id);
            if out.is_xml() {
                nodes.push(
                    Element::new("node")
                        .with_attr("type", kind)
                        .with_attr("name", name.unwrap_or_default())
                        .with_attr("id", id.unwrap_or_default()),
                );
            } else if quiet {
                out.info(name.unwrap_or("<null>"));
            } else if bash_export {
                out.info(&format!(
                    "export {}={}",
                    name.unwrap_or("<null>"),
                    id.unwrap_or_default()
                ));
            } else {
                out.info(&format!(
                    "{kind} node: {} ({})",
                    name.unwrap_or("<null>"),
                    id.unwrap_or("<null>")
                ));
            }
        }
    }
    out.xml(nodes);
    if !found && !quiet {
        out.info("No nodes configured");
    }
    Ok(())
}

fn controller_status(out: &mut Output, node: Option<&str>, quiet: bool) -> Result<(), Failure> {
    let ping = crate::daemons::controller_ping()?;
    if let Some(n) = node.filter(|n| !n.eq_ignore_ascii_case(&ping.node)) {
        // Only the local controller's socket is reachable from here.
        return Err(Failure::new(
            CrmExit::NoSuch,
            format!("No such device or address ({n} is not the local node)"),
        ));
    }
    let (host, state, result) = (ping.node, ping.state, ping.result);
    if out.is_xml() {
        out.xml(
            Element::new("crmd")
                .with_attr("node_name", host)
                .with_attr("state", state)
                .with_attr("result", result),
        );
    } else if quiet {
        out.info(&state);
    } else {
        out.info(&format!("Controller on {host} in state {state}: {result}"));
    }
    Ok(())
}

fn designated_controller(out: &mut Output, quiet: bool) -> Result<(), Failure> {
    let dc = crate::daemons::designated_controller()?;
    let Some(dc) = dc else {
        if out.is_xml() {
            out.xml(Element::new("dc").with_attr("node_name", ""));
        } else if !quiet {
            out.info("Designated Controller is: not yet elected");
        }
        return Err(Failure::new(CrmExit::NoDc, "No DC is present"));
    };
    if out.is_xml() {
        out.xml(Element::new("dc").with_attr("node_name", dc));
    } else if quiet {
        out.info(&dc);
    } else {
        out.info(&format!("Designated Controller is: {dc}"));
    }
    Ok(())
}

fn pacemakerd_status(out: &mut Output, quiet: bool) -> Result<(), Failure> {
    let (state, updated) = crate::daemons::pacemakerd_state()?;
    let when = (updated != 0).then(|| crate::timefmt::log_time(updated));
    if out.is_xml() {
        let mut e = Element::new("pacemakerd")
            .with_attr("sys_from", "pacemakerd")
            .with_attr("state", state.as_str());
        if let Some(w) = &when {
            e.set_attr("last_updated", w.as_str());
        }
        out.xml(e);
    } else if quiet {
        out.info(&state);
    } else {
        out.info(&format!(
            "Status of pacemakerd: '{}' (last updated {})",
            crate::daemons::pacemakerd_friendly(&state),
            when.as_deref().unwrap_or("at unknown time")
        ));
    }
    Ok(())
}
