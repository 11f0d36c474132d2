//! `crm_mon`'s options (Pacemaker 3.0.2's names, groups and help).

use crate::goption::{Opt, OptGroup, Table};

const SUMMARY: &str = "Provides a summary of cluster's current state.\n\nOutputs varying levels of detail in a number of different formats.";

const INDENT: &str = "                                    ";

const DESCRIPTION: &str = "Notes:

Time Specification:

The TIMESPEC in any command line option can be specified in many
different formats. It can be an integer number of seconds, a
number plus units (us/usec/ms/msec/s/sec/m/min/h/hr), or an ISO
8601 period specification.

Output Control:

By default, a particular set of sections are written to the
output destination. The default varies based on the output
format: XML includes all sections by default, while other output
formats include less. This set can be modified with the --include
and --exclude command line options. Each option may be passed
multiple times, and each can specify a comma-separated list of
sections. The options are applied to the default set, in order
from left to right as they are passed on the command line. For a
list of valid sections, pass --include=list or --exclude=list.

Interactive Use:

When run interactively, crm_mon redraws the cluster status on the
terminal every interval (see --interval) until interrupted.

Examples:

Display the cluster status on the console with updates as they
occur:

\tcrm_mon

Display the cluster status once and exit:

\tcrm_mon -1

Display the cluster status, group resources by node, and include
inactive resources in the list:

\tcrm_mon --group-by-node --inactive

Start crm_mon as a background daemon and have it write the
cluster status to an HTML file:

\tcrm_mon --daemonize --output-as html --output-to /path/to/docroot/filename.html

Display the cluster status as XML:

\tcrm_mon --output-as xml

";

/// The option table.
pub fn table() -> Table {
    // The descriptions continue on lines indented as GLib's help shows them.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    Table {
        prog: "crm_mon",
        params: None,
        summary: SUMMARY,
        description: DESCRIPTION,
        formats: Some("console (default), html, text, xml, none"),
        main: vec![Opt::flag(
            Some('Q'),
            "quiet",
            "Be less descriptive in output.",
        )],
        groups: vec![
            OptGroup {
                name: "display",
                title: "Display Options:",
                help_desc: "Show display options",
                opts: vec![
                    Opt::value(
                        Some('I'),
                        "include",
                        "SECTION(s)",
                        leak(format!(
                            "A list of sections to include in the output.\n{INDENT}See `Output Control` help for more information."
                        )),
                    ),
                    Opt::value(
                        Some('U'),
                        "exclude",
                        "SECTION(s)",
                        leak(format!(
                            "A list of sections to exclude from the output.\n{INDENT}See `Output Control` help for more information."
                        )),
                    ),
                    Opt::value(
                        None,
                        "node",
                        "NODE",
                        leak(format!(
                            "When displaying information about nodes, show only what's related to the given\n{INDENT}node, or to all nodes tagged with the given tag"
                        )),
                    ),
                    Opt::value(
                        None,
                        "resource",
                        "RSC",
                        leak(format!(
                            "When displaying information about resources, show only what's related to the given\n{INDENT}resource, or to all resources tagged with the given tag"
                        )),
                    ),
                    Opt::flag(Some('n'), "group-by-node", "Group resources by node"),
                    Opt::flag(Some('r'), "inactive", "Display inactive resources"),
                    Opt::flag(Some('f'), "failcounts", "Display resource fail counts"),
                    Opt::flag(
                        Some('o'),
                        "operations",
                        "Display resource operation history",
                    ),
                    Opt::flag(
                        Some('t'),
                        "timing-details",
                        "Display resource operation history with timing details",
                    ),
                    Opt::flag(Some('c'), "tickets", "Display cluster tickets"),
                    Opt::optional(
                        Some('m'),
                        "fence-history",
                        "LEVEL",
                        leak(format!(
                            "Show fence history:\n{INDENT}0=off, 1=failures and pending (default without option),\n{INDENT}2=add successes (default without value for option),\n{INDENT}3=show full history without reduction to most recent of each flavor"
                        )),
                    ),
                    Opt::flag(
                        Some('L'),
                        "neg-locations",
                        "Display negative location constraints [optionally filtered by id prefix]",
                    )
                    .optional_value(),
                    Opt::flag(Some('A'), "show-node-attributes", "Display node attributes"),
                    Opt::flag(Some('D'), "hide-headers", "Hide all headers"),
                    Opt::flag(
                        Some('R'),
                        "show-detail",
                        "Show more details (node IDs, individual clone instances)",
                    ),
                    Opt::flag(None, "show-description", "Show resource descriptions"),
                    Opt::flag(Some('b'), "brief", "Brief output"),
                    Opt::flag(
                        Some('j'),
                        "pending",
                        "Display pending state if 'record-pending' is enabled",
                    )
                    .hide(),
                    Opt::flag(Some('X'), "as-xml", "(deprecated)").hide(),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::value(
                        Some('i'),
                        "interval",
                        "TIMESPEC",
                        leak(format!(
                            "Update frequency (default is 5 seconds). Note: When run interactively\n{INDENT}on a live cluster, the display will be updated automatically\n{INDENT}whenever the cluster configuration or status changes."
                        )),
                    ),
                    Opt::flag(
                        Some('1'),
                        "one-shot",
                        "Display the cluster status once and exit",
                    ),
                    Opt::flag(
                        Some('d'),
                        "daemonize",
                        leak(format!(
                            "Run in the background as a daemon.\n{INDENT}Requires at least one of --output-to and --external-agent."
                        )),
                    ),
                    Opt::value(
                        Some('E'),
                        "external-agent",
                        "FILE",
                        "A program to run when resource operations take place",
                    ),
                    Opt::value(
                        Some('e'),
                        "external-recipient",
                        "RCPT",
                        "A recipient for your program (assuming you want the program to send something to someone).",
                    ),
                    Opt::flag(
                        Some('W'),
                        "watch-fencing",
                        "Listen for fencing events. For use with --external-agent.",
                    ),
                    Opt::value(Some('x'), "xml-file", "FILE", "").hide(),
                    Opt::flag(Some('p'), "pid-file", "(deprecated)").hide(),
                ],
            },
        ],
    }
}
