//! `crm_node`: low-level node information from the controller
//! (`tools/crm_node.c`): this node's id (`-i`), name (`-n`, `-N ID`),
//! quorum (`-q`), known nodes (`-l`), partition members (`-p`), and the
//! removal of a node that left for good (`-R`).

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use crate::cib_session::{CibSession, Failure};
use crate::daemons::{self, PeerNode};
use crate::goption::{Opt, OptGroup, Start, Table, start};
use crate::output::{Format, Output, Printed};

const PROG: &str = "crm_node";

/// The option table.
pub fn table() -> Table {
    Table {
        prog: PROG,
        params: None,
        summary: "crm_node - Tool for displaying low-level node information",
        description: "Report bugs to users@clusterlabs.org\n",
        formats: Some("text (default), xml"),
        main: vec![Opt::flag(
            Some('Q'),
            "quiet",
            "Be less descriptive in output.",
        )],
        groups: vec![
            OptGroup {
                name: "commands",
                title: "Commands:",
                help_desc: "Show command help",
                opts: vec![
                    Opt::flag(Some('i'), "cluster-id", "Display this node's cluster id"),
                    Opt::flag(
                        Some('l'),
                        "list",
                        "Display all known members (past and present) of this cluster",
                    ),
                    Opt::flag(
                        Some('n'),
                        "name",
                        "Display the name used by the cluster for this node",
                    ),
                    Opt::flag(
                        Some('p'),
                        "partition",
                        "Display the members of this partition",
                    ),
                    Opt::flag(
                        Some('q'),
                        "quorum",
                        "Display a 1 if our partition has quorum, 0 if not",
                    ),
                    Opt::value(
                        Some('N'),
                        "name-for-id",
                        "ID",
                        "Display the name used by the cluster for the node with the specified ID",
                    ),
                    Opt::value(
                        Some('R'),
                        "remove",
                        "NAME",
                        "(Advanced) Remove the (stopped) node with the specified name from Pacemaker's\n                           configuration and caches (the node must already have been removed from\n                           the underlying cluster stack configuration",
                    ),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::flag(Some('f'), "force", ""),
                    Opt::flag(Some('C'), "corosync", "").hide(),
                ],
            },
        ],
    }
}

/// Runs `crm_node` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let formats = [Format::None, Format::Text, Format::Xml];
    let (parsed, mut out) = match start(&table(), argv, "NR", &formats, CrmExit::Error) {
        Start::Done(p, e) => return (p, e),
        Start::Run(p, o) => (p, o),
    };
    let mut command = '\0';
    let mut node_id: u32 = 0;
    let mut target: Option<String> = None;
    for g in &parsed.opts {
        match g.name {
            "cluster-id" => command = 'i',
            "list" => command = 'l',
            "name" => command = 'n',
            "partition" => command = 'p',
            "quorum" => command = 'q',
            "name-for-id" => {
                command = 'N';
                let v = g.value.as_deref().unwrap_or_default();
                node_id = u32::try_from(pcmk_common::values::scan_min_int(v, 0)).unwrap_or(0);
            }
            "remove" => {
                command = 'R';
                target.clone_from(&g.value);
            }
            _ => {}
        }
    }
    if command == '\0' {
        out.err(&table().help().render(crate::output::help::Which::Main));
        let exit = CrmExit::Usage;
        return (out.finish(exit), exit);
    }
    if command == 'R' && !parsed.has("force") {
        out.err(&format!(
            "{PROG}: The supplied command is considered dangerous.  To prevent accidental destruction of the cluster, the --force flag is required in order to proceed."
        ));
        let exit = CrmExit::Usage;
        return (out.finish(exit), exit);
    }
    let exit = match command {
        'i' => node_id_cmd(&mut out),
        'n' => node_name_cmd(&mut out, 0),
        'N' => node_name_cmd(&mut out, node_id),
        'q' => quorum_cmd(&mut out),
        'l' | 'p' => list_cmd(&mut out, command == 'p'),
        'R' => remove_cmd(&mut out, target.as_deref().unwrap_or_default()),
        _ => CrmExit::OK,
    };
    (out.finish(exit), exit)
}

fn node_id_cmd(out: &mut Output) -> CrmExit {
    match daemons::node_info() {
        Ok(info) => {
            out.info(&info.id.to_string());
            out.xml(Element::new("node-info").with_attr("nodeid", info.id.to_string()));
            CrmExit::OK
        }
        Err(f) => f.exit,
    }
}

fn node_name_cmd(out: &mut Output, id: u32) -> CrmExit {
    if id == 0 {
        if let Ok(name) = std::env::var("OCF_RESKEY_CRM_meta_on_node") {
            out.info(&name);
            out.xml(
                Element::new("node-info")
                    .with_attr("nodeid", "0")
                    .with_attr("uname", name),
            );
            return CrmExit::OK;
        }
    }
    let name = if id == 0 {
        daemons::node_info().map(|i| i.name)
    } else {
        daemons::list_nodes(false).map(|l| l.into_iter().find(|n| n.id == id).and_then(|n| n.name))
    };
    match name {
        Ok(Some(name)) => {
            out.info(&name);
            out.xml(
                Element::new("node-info")
                    .with_attr("nodeid", "0")
                    .with_attr("uname", name),
            );
            CrmExit::OK
        }
        Ok(None) => {
            out.err("Node is not known to cluster");
            CrmExit::NoHost
        }
        Err(f) => f.exit,
    }
}

fn quorum_cmd(out: &mut Output) -> CrmExit {
    match daemons::quorum() {
        Ok(q) => {
            out.info(if q { "1" } else { "0" });
            out.xml(
                Element::new("cluster-info").with_attr("quorum", if q { "true" } else { "false" }),
            );
            CrmExit::OK
        }
        Err(f) => f.exit,
    }
}

fn list_cmd(out: &mut Output, partition: bool) -> CrmExit {
    let mut nodes: Vec<PeerNode> = match daemons::list_nodes(false) {
        Ok(n) => n,
        Err(f) => {
            out.err(&format!(
                "{PROG}: Could not connect to controller: {}",
                f.text
            ));
            return f.exit;
        }
    };
    nodes.sort_by(|a, b| {
        pcmk_schedulerd::strcmp::numeric_strcasecmp(
            a.name.as_deref().unwrap_or(""),
            b.name.as_deref().unwrap_or(""),
        )
    });
    let mut list = Element::new("nodes");
    if partition {
        let members: Vec<&str> = nodes
            .iter()
            .filter(|n| n.state.as_deref() == Some("member"))
            .filter_map(|n| n.name.as_deref().filter(|s| !s.is_empty()))
            .collect();
        if !members.is_empty() {
            out.info(&members.join(" "));
        }
        for n in nodes
            .iter()
            .filter(|n| n.state.as_deref() == Some("member"))
        {
            list.push(node_el(n));
        }
    } else {
        for n in &nodes {
            out.info(&format!(
                "{} {} {}",
                n.id,
                n.name.as_deref().unwrap_or(""),
                n.state.as_deref().unwrap_or("")
            ));
            list.push(node_el(n));
        }
    }
    out.xml(list);
    CrmExit::OK
}

fn node_el(n: &PeerNode) -> Element {
    let mut e = Element::new("node").with_attr("id", n.id.to_string());
    if let Some(name) = &n.name {
        e.set_attr("name", name.as_str());
    }
    if let Some(state) = &n.state {
        e.set_attr("state", state.as_str());
    }
    e
}

fn remove_cmd(out: &mut Output, target: &str) -> CrmExit {
    let (name, id) = match target.parse::<u32>() {
        Ok(id) if id > 0 => (None, id),
        _ => (Some(target), 0),
    };
    let shown = name.unwrap_or("by ID");
    let purge = |r: Result<(), Failure>, daemon: &str, out: &mut Output| -> Option<CrmExit> {
        r.err().map(|f| {
            out.err(&format!(
                "{PROG}: Could not purge node {shown} from {daemon}: {}",
                f.text
            ));
            f.exit
        })
    };
    if let Some(e) = purge(daemons::controller_remove_node(name, id), "controller", out) {
        return e;
    }
    if let Some(e) = purge(
        daemons::attrd_remove_peer(name, id),
        "attribute manager",
        out,
    ) {
        return e;
    }
    let mut cib = match CibSession::open(PROG) {
        Ok(c) => c,
        Err(e) => return e.exit_code(),
    };
    for (section, el) in [("nodes", "node"), ("status", "node_state")] {
        let mut x = Element::new(el);
        if let Some(n) = name {
            x.set_attr("uname", n);
        }
        if id > 0 {
            x.set_attr("id", id.to_string());
        }
        if let Err(f) = cib.change(
            pcmk_based::request::Operation::Delete,
            Some(section),
            x,
            pcmk_based::request::CallOptions::default(),
        ) {
            return f.exit;
        }
    }
    match cib.close() {
        Ok(()) => CrmExit::OK,
        Err(f) => f.exit,
    }
}
