//! `crm_attribute`'s options (Pacemaker 3.0.2's names, groups and help).

use crate::goption::{Opt, OptGroup, Table};

/// Continuation of a multi-line option description (Pacemaker's
/// `INDENT`).
macro_rules! ind {
    () => {
        "\n                               "
    };
}

const DESCRIPTION: &str = "Examples:

Add new node attribute called 'location' with the value of 'office' for host 'myhost':

\tcrm_attribute --node myhost --name location --update office

Query the value of the 'location' node attribute for host 'myhost':

\tcrm_attribute --node myhost --name location --query

Change the value of the 'location' node attribute for host 'myhost':

\tcrm_attribute --node myhost --name location --update backoffice

Delete the 'location' node attribute for host 'myhost':

\tcrm_attribute --node myhost --name location --delete

Query the value of the 'cluster-delay' cluster option:

\tcrm_attribute --type crm_config --name cluster-delay --query

Query value of the 'cluster-delay' cluster option and print only the value:

\tcrm_attribute --type crm_config --name cluster-delay --query --quiet
";

/// The option table.
pub fn table() -> Table {
    Table {
        prog: "crm_attribute",
        params: None,
        summary: "crm_attribute - query and update Pacemaker cluster options and node attributes",
        description: DESCRIPTION,
        formats: Some("text (default), xml"),
        main: vec![
            Opt::flag(Some('q'), "quiet", "Print only the value on stdout"),
            Opt::flag(Some('Q'), "quiet", "").hide(),
        ],
        groups: vec![
            OptGroup {
                name: "selections",
                title: "Selecting attributes:",
                help_desc: "Show selecting options",
                opts: vec![
                    Opt::flag(
                        Some('a'),
                        "all",
                        concat!(
                            "With -L/--list-options, include advanced and deprecated options in the",
                            ind!(),
                            "output. This is always treated as true when --output-as=xml is",
                            ind!(),
                            "specified."
                        ),
                    ),
                    Opt::value(
                        Some('i'),
                        "id",
                        "XML_ID",
                        concat!(
                            "(Advanced) Operate on instance of specified attribute with this",
                            ind!(),
                            "XML ID"
                        ),
                    ),
                    Opt::value(
                        Some('n'),
                        "name",
                        "NAME",
                        concat!(
                            "Operate on attribute or option with this name.  For queries, this",
                            ind!(),
                            "is optional, in which case all matching attributes will be",
                            ind!(),
                            "returned."
                        ),
                    ),
                    Opt::value(
                        Some('P'),
                        "pattern",
                        "PATTERN",
                        concat!(
                            "Operate on all attributes matching this pattern",
                            ind!(),
                            "(with -v, -D, or -G)"
                        ),
                    ),
                    Opt::optional(
                        Some('p'),
                        "promotion",
                        "RESOURCE",
                        concat!(
                            "Operate on node attribute used as promotion score for specified",
                            ind!(),
                            "resource, or resource given in OCF_RESOURCE_INSTANCE environment",
                            ind!(),
                            "variable if none is specified; this also defaults -l/--lifetime",
                            ind!(),
                            "to reboot (normally invoked from an OCF resource agent)"
                        ),
                    ),
                    Opt::value(
                        Some('s'),
                        "set-name",
                        "NAME",
                        concat!(
                            "(Advanced) Operate on instance of specified attribute that is",
                            ind!(),
                            "within set with this XML ID"
                        ),
                    ),
                ],
            },
            OptGroup {
                name: "command",
                title: "Commands:",
                help_desc: "Show command options",
                opts: vec![
                    Opt::value(
                        Some('L'),
                        "list-options",
                        "TYPE",
                        concat!(
                            "List all available options of the given type.",
                            ind!(),
                            "Allowed values: cluster"
                        ),
                    ),
                    Opt::flag(
                        Some('D'),
                        "delete",
                        "Delete the attribute/option (with -n or -P)",
                    ),
                    Opt::flag(
                        Some('G'),
                        "query",
                        concat!(
                            "Query the current value of the attribute/option.",
                            ind!(),
                            "See also: -n, -P"
                        ),
                    ),
                    Opt::value(
                        Some('v'),
                        "update",
                        "VALUE",
                        "Update the value of the attribute/option (with -n or -P)",
                    ),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::value(
                        Some('d'),
                        "default",
                        "VALUE",
                        "(Advanced) Default value to display if none is found in configuration",
                    ),
                    Opt::value(
                        Some('l'),
                        "lifetime",
                        "LIFETIME",
                        concat!(
                            "Lifetime of the node attribute.",
                            ind!(),
                            "Valid values: reboot, forever"
                        ),
                    ),
                    Opt::value(
                        Some('N'),
                        "node",
                        "NODE",
                        concat!(
                            "Set a node attribute for named node (instead of a cluster option).",
                            ind!(),
                            "See also: -l"
                        ),
                    ),
                    Opt::value(
                        Some('t'),
                        "type",
                        "SECTION",
                        concat!(
                            "Which part of the configuration to update/delete/query the option in.",
                            ind!(),
                            "Valid values: crm_config, rsc_defaults, op_defaults, tickets"
                        ),
                    ),
                    Opt::flag(
                        None,
                        "score",
                        concat!(
                            "Treat new attribute values as atomic score updates where possible",
                            ind!(),
                            "(with --update/-v, when running against a CIB file or updating",
                            ind!(),
                            "an attribute outside the status section; enabled",
                            ind!(),
                            "by default if --promotion/-p is specified)\n",
                            ind!(),
                            "This currently happens by default and cannot be disabled, but",
                            ind!(),
                            "this default behavior is deprecated and will be removed in a",
                            ind!(),
                            "future release (exception: this will remain the default with",
                            ind!(),
                            "--promotion/-p). Set this flag if this behavior is desired.\n",
                            ind!(),
                            "This option takes effect when updating XML attributes. For an",
                            ind!(),
                            "attribute named \"name\", if the new value is \"name++\" or",
                            ind!(),
                            "\"name+=X\" for some score X, the new value is set as follows:",
                            ind!(),
                            " * If attribute \"name\" is not already set to some value in",
                            ind!(),
                            "   the element being updated, the new value is set as a literal",
                            ind!(),
                            "   string.",
                            ind!(),
                            " * If the new value is \"name++\", then the attribute is set to",
                            ind!(),
                            "   its existing value (parsed as a score) plus 1.",
                            ind!(),
                            " * If the new value is \"name+=X\" for some score X, then the",
                            ind!(),
                            "   attribute is set to its existing value plus X, where the",
                            ind!(),
                            "   existing value and X are parsed and added as scores.\n",
                            ind!(),
                            "Scores are integer values capped at INFINITY and -INFINITY.",
                            ind!(),
                            "Refer to Pacemaker Explained for more details on scores,",
                            ind!(),
                            "including how they are parsed and added."
                        ),
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
                            "value, or the value set by a later request).  Default is 'no'.",
                            ind!(),
                            "(with -N, and one of -D or -u)"
                        ),
                    ),
                    Opt::flag(
                        Some('z'),
                        "utilization",
                        "Set an utilization attribute for the node.",
                    ),
                ],
            },
            OptGroup {
                name: "deprecated",
                title: "Deprecated Options:",
                help_desc: "Show deprecated options",
                opts: vec![
                    Opt::value(None, "attr-name", "NAME", "").hide(),
                    Opt::flag(None, "get-value", "").hide(),
                    Opt::value(Some('U'), "node-uname", "NODE", "").hide(),
                ],
            },
        ],
    }
}
