//! `crm_ticket`'s options (Pacemaker 3.0.2's names, groups and help).

use crate::goption::{Opt, OptGroup, Table};

const DESCRIPTION: &str = "Examples:

Display the info of tickets:

\tcrm_ticket --info

Display the detailed info of tickets:

\tcrm_ticket --details

Display the XML of 'ticketA':

\tcrm_ticket --ticket ticketA --query-xml

Display the rsc_ticket constraints that apply to 'ticketA':

\tcrm_ticket --ticket ticketA --constraints

Grant 'ticketA' to this cluster site:

\tcrm_ticket --ticket ticketA --grant

Revoke 'ticketA' from this cluster site:

\tcrm_ticket --ticket ticketA --revoke

Make 'ticketA' standby (the cluster site will treat a granted
'ticketA' as 'standby', and the dependent resources will be
stopped or demoted gracefully without triggering loss-policies):

\tcrm_ticket --ticket ticketA --standby

Activate 'ticketA' from being standby:

\tcrm_ticket --ticket ticketA --activate

Get the value of the 'granted' attribute for 'ticketA':

\tcrm_ticket --ticket ticketA --get-attr granted

Set the value of the 'standby' attribute for 'ticketA':

\tcrm_ticket --ticket ticketA --set-attr standby --attr-value true

Delete the 'granted' attribute for 'ticketA':

\tcrm_ticket --ticket ticketA --delete-attr granted

Erase the operation history of 'ticketA' at this cluster site,
causing the cluster site to 'forget' the existing ticket state:

\tcrm_ticket --ticket ticketA --cleanup
";

/// The option table.
pub fn table() -> Table {
    Table {
        prog: "crm_ticket",
        params: None,
        summary: "Perform tasks related to cluster tickets\n\nAllows ticket attributes to be queried, modified and deleted.",
        description: DESCRIPTION,
        formats: Some("text (default), xml"),
        main: vec![],
        groups: vec![
            OptGroup {
                name: "queries",
                title: "Queries:",
                help_desc: "Show queries",
                opts: vec![
                    Opt::flag(Some('l'), "info", "Display the information of ticket(s)"),
                    Opt::flag(Some('L'), "details", "Display the details of ticket(s)"),
                    Opt::flag(Some('w'), "raw", "Display the IDs of ticket(s)"),
                    Opt::flag(Some('q'), "query-xml", "Query the XML of ticket(s)"),
                    Opt::flag(
                        Some('c'),
                        "constraints",
                        "Display the rsc_ticket constraints that apply to ticket(s)",
                    ),
                ],
            },
            OptGroup {
                name: "commands",
                title: "Commands:",
                help_desc: "Show command options",
                opts: vec![
                    Opt::flag(Some('g'), "grant", "Grant a ticket to this cluster site"),
                    Opt::flag(
                        Some('r'),
                        "revoke",
                        "Revoke a ticket from this cluster site",
                    ),
                    Opt::flag(
                        Some('s'),
                        "standby",
                        "Tell this cluster site this ticket is standby",
                    ),
                    Opt::flag(
                        Some('a'),
                        "activate",
                        "Tell this cluster site this ticket is active",
                    ),
                ],
            },
            OptGroup {
                name: "advanced",
                title: "Advanced Options:",
                help_desc: "Show advanced options",
                opts: vec![
                    Opt::value(
                        Some('G'),
                        "get-attr",
                        "ATTRIBUTE",
                        "Display the named attribute for a ticket",
                    ),
                    Opt::value(
                        Some('S'),
                        "set-attr",
                        "ATTRIBUTE",
                        "Set the named attribute for a ticket",
                    ),
                    Opt::value(
                        Some('D'),
                        "delete-attr",
                        "ATTRIBUTE",
                        "Delete the named attribute for a ticket",
                    ),
                    Opt::flag(
                        Some('C'),
                        "cleanup",
                        "Delete all state of a ticket at this cluster site",
                    ),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::value(
                        Some('v'),
                        "attr-value",
                        "VALUE",
                        "Attribute value to use with -S",
                    ),
                    Opt::value(
                        Some('d'),
                        "default",
                        "VALUE",
                        "(Advanced) Default attribute value to display if none is found\n                               (for use with -G)",
                    ),
                    Opt::flag(
                        Some('f'),
                        "force",
                        "(Advanced) Force the action to be performed",
                    ),
                    Opt::value(Some('t'), "ticket", "ID", "Ticket ID"),
                    Opt::value(Some('x'), "xml-file", "FILE", "").hide(),
                ],
            },
            OptGroup {
                name: "deprecated",
                title: "Deprecated Options:",
                help_desc: "Show deprecated options",
                opts: vec![
                    Opt::value(
                        Some('n'),
                        "set-name",
                        "ID",
                        "(Advanced) ID of the instance_attributes object to change",
                    ),
                    Opt::value(
                        Some('i'),
                        "nvpair",
                        "ID",
                        "(Advanced) ID of the nvpair object to change/delete",
                    ),
                    Opt::flag(Some('Q'), "quiet", "Print only the value on stdout"),
                ],
            },
        ],
    }
}
