//! `attrd_updater`: query and update node attributes in the attribute
//! manager (`tools/attrd_updater.c`).

use pcmk_common::exit::CrmExit;

use crate::crm_attribute::{Attr, attribute, node_attr_target};
use crate::daemons::{self, AttrTask, AttrUpdate};
use crate::goption::{Opt, OptGroup, Start, Table, start};
use crate::output::{Format, Printed};
use crate::text_out::TextOut;

const PROG: &str = "attrd_updater";

macro_rules! ind {
    () => {
        "\n                              "
    };
}

/// The option table.
pub fn table() -> Table {
    Table {
        prog: PROG,
        params: None,
        summary: "query and update Pacemaker node attributes",
        description: "Report bugs to users@clusterlabs.org\n",
        formats: Some("text (default), xml"),
        main: vec![],
        groups: vec![
            OptGroup {
                name: "required",
                title: "Required Arguments:",
                help_desc: "Show required arguments",
                opts: vec![
                    Opt::value(Some('n'), "name", "NAME", "The attribute's name"),
                    Opt::value(
                        Some('P'),
                        "pattern",
                        "PATTERN",
                        concat!(
                            "Operate on all attributes matching this pattern",
                            ind!(),
                            "(with -B, -D, -U, or -Y)"
                        ),
                    ),
                ],
            },
            OptGroup {
                name: "command",
                title: "Command:",
                help_desc: "Show command options (mutually exclusive)",
                opts: vec![
                    Opt::value(
                        Some('U'),
                        "update",
                        "VALUE",
                        concat!(
                            "Update attribute's value. Required: -n/--name or -P/--pattern.",
                            ind!(),
                            "Optional: -d/--delay (if specified, the delay will be used if",
                            ind!(),
                            "the attribute needs to be created, but ignored if the",
                            ind!(),
                            "attribute already exists), -s/--set, -p/--private, -W/--wait,",
                            ind!(),
                            "-z/--utilization."
                        ),
                    ),
                    Opt::value(
                        Some('B'),
                        "update-both",
                        "VALUE",
                        concat!(
                            "Update attribute's value and time to wait (dampening) in the",
                            ind!(),
                            "attribute manager. If this changes the value or dampening,",
                            ind!(),
                            "the attribute will also be written to the cluster configuration,",
                            ind!(),
                            "so be aware that repeatedly changing the dampening reduces its",
                            ind!(),
                            "effectiveness.",
                            ind!(),
                            "Requires -d/--delay"
                        ),
                    ),
                    Opt::flag(
                        Some('Y'),
                        "update-delay",
                        concat!(
                            "Update attribute's dampening in the attribute manager. If this",
                            ind!(),
                            "changes the dampening, the attribute will also be written",
                            ind!(),
                            "to the cluster configuration, so be aware that repeatedly",
                            ind!(),
                            "changing the dampening reduces its effectiveness.",
                            ind!(),
                            "Requires -d/--delay"
                        ),
                    ),
                    Opt::flag(
                        Some('Q'),
                        "query",
                        concat!(
                            "Query the attribute's value from the attribute manager. By default",
                            ind!(),
                            "this will query the value of the attribute on the local node.",
                            ind!(),
                            "Use -N/--node for the value on a given node, or -A/--all for the",
                            ind!(),
                            "value on all nodes."
                        ),
                    ),
                    Opt::flag(
                        Some('D'),
                        "delete",
                        concat!(
                            "Unset attribute from the attribute manager. At the moment, there is no",
                            ind!(),
                            "way to remove an attribute. This option will instead set its",
                            ind!(),
                            "value to the empty string."
                        ),
                    ),
                    Opt::flag(
                        Some('R'),
                        "refresh",
                        concat!(
                            "(Advanced) Force the attribute manager to resend all current",
                            ind!(),
                            "values to the CIB"
                        ),
                    ),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::value(
                        Some('d'),
                        "delay",
                        "SECONDS",
                        concat!(
                            "The time to wait (dampening) in seconds for further changes",
                            ind!(),
                            "before sending to the CIB"
                        ),
                    ),
                    Opt::value(
                        Some('s'),
                        "set",
                        "SET",
                        "(Advanced) The attribute set in which to place the value",
                    ),
                    Opt::value(
                        Some('N'),
                        "node",
                        "NODE",
                        concat!(
                            "Use the named node for setting and querying the attribute (instead",
                            ind!(),
                            "of the local one)"
                        ),
                    ),
                    Opt::flag(
                        Some('A'),
                        "all",
                        "Show values of the attribute for all nodes (query only)",
                    ),
                    Opt::value(
                        Some('l'),
                        "lifetime",
                        "SECTION",
                        concat!(
                            "(Not yet implemented) Lifetime of the node attribute (silently",
                            ind!(),
                            "ignored by cluster)"
                        ),
                    ),
                    Opt::flag(
                        Some('p'),
                        "private",
                        "If this creates a new attribute, never write the attribute to CIB",
                    ),
                    Opt::value(
                        Some('W'),
                        "wait",
                        "UNTIL",
                        concat!(
                            "Wait for some event to occur before returning.  Values are 'no' (wait",
                            ind!(),
                            "only for the attribute daemon to acknowledge the request),",
                            ind!(),
                            "'local' (wait until the change has propagated to where a local",
                            ind!(),
                            "query will return the request value, or the value set by a",
                            ind!(),
                            "later request), or 'cluster' (wait until the change has propagated",
                            ind!(),
                            "to where a query anywhere on the cluster will return the requested",
                            ind!(),
                            "value, or the value set by a later request).  Default is 'no'."
                        ),
                    ),
                    Opt::flag(
                        Some('z'),
                        "utilization",
                        concat!(
                            "When creating a new attribute, create it as a node utilization attribute",
                            ind!(),
                            "instead of an instance attribute.  If the attribute already exists,",
                            ind!(),
                            "its existing type (utilization vs. instance) will be used regardless.",
                            ind!(),
                            "(with -B, -U, -Y)"
                        ),
                    ),
                ],
            },
            OptGroup {
                name: "deprecated",
                title: "Deprecated Options:",
                help_desc: "Show deprecated options",
                opts: vec![
                    Opt::flag(Some('q'), "quiet", "").hide(),
                    Opt::value(Some('v'), "update", "VALUE", "").hide(),
                    Opt::value(Some('S'), "section", "SECTION", "").hide(),
                ],
            },
        ],
    }
}

/// Runs `attrd_updater` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let formats = [Format::Text, Format::Xml];
    let (parsed, mut out) = match start(&table(), argv, "dlnsvBNUS", &formats, CrmExit::Error) {
        Start::Done(p, e) => return (p, e),
        Start::Run(p, o) => (p, o),
    };
    let usage = |msg: &str| {
        (
            Printed {
                stderr: format!("{PROG}: {msg}\n"),
                ..Printed::default()
            },
            CrmExit::Usage,
        )
    };
    let mut command = 'Q';
    let mut value: Option<String> = None;
    let mut name: Option<String> = None;
    let mut pattern: Option<String> = None;
    let mut u = AttrUpdate::default();
    let mut all = false;
    for g in &parsed.opts {
        let v = g.value.clone();
        match g.name {
            "update" | "update-both" | "update-delay" | "query" | "delete" | "refresh" => {
                value = v;
                command = match g.name {
                    "update" => 'U',
                    "update-both" => 'B',
                    "update-delay" => 'Y',
                    "query" => 'Q',
                    "delete" => 'D',
                    _ => 'R',
                };
            }
            "name" => name = v,
            "pattern" => pattern = v,
            "delay" => u.delay = v.unwrap_or_default(),
            "set" => u.set_id = v.unwrap_or_default(),
            "node" => u.host = v.unwrap_or_default(),
            "all" => all = true,
            "private" => u.private = true,
            "utilization" => u.set_type = "utilization".into(),
            "lifetime" | "section" => {
                let s = v.unwrap_or_default();
                if !matches!(s.as_str(), "nodes" | "forever" | "status" | "reboot") {
                    return usage(&format!("Unknown value for --lifetime: {s}"));
                }
            }
            "wait" => match v.as_deref() {
                Some("no") => u.sync_point.clear(),
                Some(p @ ("local" | "cluster")) => u.sync_point = p.to_string(),
                _ => return usage("--wait= must be one of 'no', 'local', 'cluster'"),
            },
            _ => {}
        }
    }
    let mut fail = |msg: String, exit: CrmExit| {
        out.err(&format!("{PROG}: {msg}"));
        exit
    };
    let exit = (|| {
        if let Some(p) = &pattern {
            if name.is_some() {
                return fail(
                    "Error: --name and --pattern cannot be used at the same time".into(),
                    CrmExit::Usage,
                );
            }
            if !matches!(command, 'B' | 'D' | 'U' | 'Y') {
                return fail(
                    "Error: pattern can only be used with delete or update".into(),
                    CrmExit::Usage,
                );
            }
            u.pattern.clone_from(p);
        }
        let shown_name = name.clone().or_else(|| pattern.clone());
        if command != 'R' && shown_name.is_none() {
            return fail(
                "Command requires --name or --pattern argument".into(),
                CrmExit::Usage,
            );
        }
        u.name = name.clone().unwrap_or_default();
        CrmExit::OK
    })();
    if exit != CrmExit::OK {
        return (out.finish(exit), exit);
    }
    let shown_name = name.clone().or_else(|| pattern.clone()).unwrap_or_default();
    if matches!(command, 'B' | 'Y') && u.delay.is_empty() {
        out.info(&format!(
            "Warning: '{command}' command given without required --delay"
        ));
    }
    let errno = |f: &crate::cib_session::Failure| match f.exit {
        CrmExit::Disconnect => 111,
        CrmExit::Protocol => 93,
        CrmExit::Timeout => 62,
        CrmExit::InsufficientPriv => 13,
        _ => 1,
    };
    let exit = if command == 'Q' {
        let host = if u.host.is_empty() {
            None
        } else {
            Some(u.host.as_str())
        };
        match daemons::attrd_query(&shown_name, host, all) {
            Ok(values) if values.is_empty() => {
                out.err(&format!(
                    "{PROG}: Could not query value of {shown_name}: attribute does not exist"
                ));
                CrmExit::Config
            }
            Ok(values) => {
                let mut text = TextOut::new();
                for (node, value) in &values {
                    let a = Attr {
                        name: Some(&shown_name),
                        value: value.as_deref(),
                        host: Some(node),
                        ..Attr::default()
                    };
                    attribute(&mut out, &mut text, a, false);
                }
                for line in text.buf.lines() {
                    out.info(line);
                }
                CrmExit::OK
            }
            Err(f) if f.exit == CrmExit::Disconnect => {
                out.err(&format!(
                    "{PROG}: Could not connect to attribute manager: {}",
                    f.text
                ));
                f.exit
            }
            Err(f) => {
                out.err(&format!(
                    "{PROG}: Could not query value of {shown_name}: {} ({})",
                    f.text,
                    errno(&f)
                ));
                f.exit
            }
        }
    } else {
        let r = match command {
            'R' => daemons::attrd_refresh(),
            _ => {
                if let Some(t) =
                    node_attr_target(Some(&u.host).filter(|h| !h.is_empty()).map(String::as_str))
                {
                    u.host = t;
                }
                match command {
                    'B' => {
                        u.value.clone_from(&value);
                        u.task = AttrTask::Both;
                    }
                    'Y' => u.task = AttrTask::Delay,
                    'D' => {
                        u.value = None;
                        u.delay.clear();
                        u.task = AttrTask::Value;
                    }
                    _ => {
                        u.value.clone_from(&value);
                        u.task = AttrTask::Value;
                    }
                }
                daemons::attrd_update(&u)
            }
        };
        match r {
            Ok(()) => CrmExit::OK,
            Err(f) => {
                out.err(&format!(
                    "{PROG}: Could not update {shown_name}={}: {} ({})",
                    value.as_deref().unwrap_or("(null)"),
                    f.text,
                    errno(&f)
                ));
                f.exit
            }
        }
    };
    (out.finish(exit), exit)
}
