//! `cibadmin`'s options: their help text (Pacemaker 3.0.2's wording and
//! groups) and their parser.

use clap::{Arg, ArgAction, Command};

use crate::args::common_args;
use crate::output::help::{Entry, Group, Help, common_entries, output_group};

/// The program name.
pub const PROG: &str = "cibadmin";

const DESCRIPTION: &str = "Examples:

Query the configuration:

\t# cibadmin --query

or just:

\t# cibadmin

Query just the cluster options configuration:

\t# cibadmin --query --scope crm_config

Query all 'target-role' settings:

\t# cibadmin --query --xpath \"//nvpair[@name='target-role']\"

Remove all 'is-managed' settings:

\t# cibadmin --delete-all --xpath \"//nvpair[@name='is-managed']\"

Remove the resource named 'old':

\t# cibadmin --delete --xml-text '<primitive id=\"old\"/>'

Remove all resources from the configuration:

\t# cibadmin --replace --scope resources --xml-text '<resources/>'

Replace complete configuration with contents of $HOME/pacemaker.xml:

\t# cibadmin --replace --xml-file $HOME/pacemaker.xml

Replace constraints section of configuration with contents of $HOME/constraints.xml:

\t# cibadmin --replace --scope constraints --xml-file $HOME/constraints.xml

Increase configuration version to prevent old configurations from being loaded accidentally:

\t# cibadmin --modify --score --xml-text '<cib admin_epoch=\"admin_epoch++\"/>'

Edit the configuration with your favorite $EDITOR:

\t# cibadmin --query > $HOME/local.xml

\t# $EDITOR $HOME/local.xml

\t# cibadmin --replace --xml-file $HOME/local.xml

Assuming terminal, render configuration in color (green for writable, blue for readable, red for
denied) to visualize permissions for user tony:

\t# cibadmin --show-access=color --query --user tony | less -r

SEE ALSO:
 crm(8), pcs(8), crm_shadow(8), crm_diff(8)
";

/// Continuation indent of multi-line option descriptions.
const INDENT: &str = "                                ";

const DELETE_DESC: &str = "Delete first object matching supplied criteria (for example, <op id=\"rsc1_op1\" name=\"monitor\"/>).
                                The XML element name and all attributes must match in order for the element to be deleted.";

const EMPTY_DESC: &str = "Output an empty CIB. Accepts an optional schema name argument to use as the validate-with value.
                                If no schema is given, the latest will be used.";

const XML_FILE_DESC: &str = "Retrieve XML from the named file. Currently this takes precedence
                                over --xml-text and --xml-pipe. In a future release, the last
                                one specified will be used.";

const XML_TEXT_DESC: &str = "Retrieve XML from the supplied string. Currently this takes precedence
                                over --xml-pipe, but --xml-file overrides this. In a future
                                release, the last one specified will be used.";

const XML_PIPE_DESC: &str = "Retrieve XML from stdin. Currently --xml-file and --xml-text override
                                this. In a future release, the last one specified will be used.";

const SCOPE_DESC: &str = "Limit scope of operation to specific section of CIB
                                Valid values: configuration, nodes, resources, constraints, crm_config, rsc_defaults,
                                              op_defaults, acls, fencing-topology, tags, alerts, status
                                If both --scope/-o and --xpath/-a are specified, the last one to appear takes effect";

const XPATH_DESC: &str = "A valid XPath to use instead of --scope/-o
                                If both --scope/-o and --xpath/-a are specified, the last one to appear takes effect";

const SHOW_ACCESS_DESC: &str = "Whether to use syntax highlighting for ACLs (with -Q/--query and -U/--user)
                                Allowed values: 'color' (default for terminal), 'text' (plain text, default for non-terminal),
                                                'namespace', or 'auto' (use default value)
                                Default value: 'auto'";

const SCORE_DESC: &str =
    "Treat new attribute values as atomic score updates where possible (with --modify/-M).
                                This currently happens by default and cannot be disabled, but
                                this default behavior is deprecated and will be removed in a
                                future release. Set this flag if this behavior is desired.
                                This option takes effect when updating XML attributes. For an
                                attribute named \"name\", if the new value is \"name++\" or
                                \"name+=X\" for some score X, the new value is set as follows:
                                If attribute \"name\" is not already set to some value in
                                the element being updated, the new value is set as a literal
                                string.
                                If the new value is \"name++\", then the attribute is set to 
                                its existing value (parsed as a score) plus 1.
                                If the new value is \"name+=X\" for some score X, then the
                                attribute is set to its existing value plus X, where the
                                existing value and X are parsed and added as scores.
                                Scores are integer values capped at INFINITY and -INFINITY.
                                Refer to Pacemaker Explained for more details on scores,
                                including how they are parsed and added.";

/// The help text of `cibadmin`.
pub fn help() -> Help {
    let _ = INDENT;
    Help {
        prog: PROG,
        params: Some("[<command>]"),
        summary: "cibadmin - query and edit the Pacemaker configuration",
        description: DESCRIPTION,
        groups: vec![
            output_group("text (default), xml"),
            Group {
                name: "commands",
                title: "Commands:",
                help_desc: "Show command help",
                entries: vec![
                    Entry::flag(
                        Some('u'),
                        "upgrade",
                        "Upgrade the configuration to the latest syntax",
                    ),
                    Entry::flag(Some('Q'), "query", "Query the contents of the CIB"),
                    Entry::flag(Some('E'), "erase", "Erase the contents of the whole CIB"),
                    Entry::flag(Some('B'), "bump", "Increase the CIB's epoch value by 1"),
                    Entry::flag(
                        Some('C'),
                        "create",
                        "Create an object in the CIB (will fail if object already exists)",
                    ),
                    Entry::flag(
                        Some('M'),
                        "modify",
                        "Find object somewhere in CIB's XML tree and update it (fails if object does not exist unless -c is also specified)",
                    ),
                    Entry::flag(
                        Some('P'),
                        "patch",
                        "Supply an update in the form of an XML diff (see crm_diff(8))",
                    ),
                    Entry::flag(
                        Some('R'),
                        "replace",
                        "Recursively replace an object in the CIB",
                    ),
                    Entry::flag(Some('D'), "delete", DELETE_DESC),
                    Entry::flag(
                        Some('d'),
                        "delete-all",
                        "When used with --xpath, remove all matching objects in the configuration instead of just the first one",
                    ),
                    Entry::with_arg(Some('a'), "empty", "[schema]", EMPTY_DESC),
                    Entry::flag(Some('5'), "md5-sum", "Calculate the on-disk CIB digest"),
                    Entry::flag(
                        Some('6'),
                        "md5-sum-versioned",
                        "Calculate an on-the-wire versioned CIB digest",
                    ),
                ],
            },
            Group {
                name: "data",
                title: "Data:",
                help_desc: "Show data help",
                entries: vec![
                    Entry::with_arg(Some('x'), "xml-file", "FILE", XML_FILE_DESC),
                    Entry::with_arg(Some('X'), "xml-text", "STRING", XML_TEXT_DESC),
                    Entry::flag(Some('p'), "xml-pipe", XML_PIPE_DESC),
                ],
            },
            Group {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                entries: vec![
                    Entry::flag(Some('f'), "force", "Force the action to be performed"),
                    Entry::with_arg(
                        Some('t'),
                        "timeout",
                        "value",
                        "Time (in seconds) to wait before declaring the operation failed",
                    ),
                    Entry::with_arg(
                        Some('U'),
                        "user",
                        "value",
                        "Run the command with permissions of the named user (valid only for the root and hacluster accounts)",
                    ),
                    Entry::with_arg(Some('o'), "scope", "value", SCOPE_DESC),
                    Entry::with_arg(Some('A'), "xpath", "value", XPATH_DESC),
                    Entry::with_arg(Some('S'), "show-access", "[value]", SHOW_ACCESS_DESC),
                    Entry::flag(None, "score", SCORE_DESC),
                    Entry::flag(
                        Some('c'),
                        "allow-create",
                        "(Advanced) Allow target of --modify/-M to be created if it does not exist",
                    ),
                    Entry::flag(
                        Some('n'),
                        "no-children",
                        "(Advanced) When querying an object, do not include its children in the result",
                    ),
                    Entry::flag(Some('l'), "local", "(deprecated)"),
                    Entry::with_arg(Some('N'), "node", "value", "(deprecated)"),
                    Entry::flag(Some('e'), "node-path", "(deprecated)"),
                    Entry::flag(Some('s'), "sync-call", "(deprecated)"),
                ],
            },
        ],
        main: common_entries(),
    }
}

/// The commands, as `(argument id, short, long)`.
pub const COMMANDS: &[(&str, char, &str)] = &[
    ("upgrade", 'u', "upgrade"),
    ("query", 'Q', "query"),
    ("erase", 'E', "erase"),
    ("bump", 'B', "bump"),
    ("create", 'C', "create"),
    ("modify", 'M', "modify"),
    ("patch", 'P', "patch"),
    ("replace", 'R', "replace"),
    ("delete", 'D', "delete"),
    ("delete-all", 'd', "delete-all"),
    ("md5-sum", '5', "md5-sum"),
    ("md5-sum-versioned", '6', "md5-sum-versioned"),
];

/// The parser of `cibadmin`'s options.
pub fn command() -> Command {
    let flag = |id: &'static str, short: Option<char>, long: &'static str| {
        let a = Arg::new(id).long(long).action(ArgAction::Count);
        match short {
            Some(s) => a.short(s),
            None => a,
        }
    };
    let value = |id: &'static str, short: char, long: &'static str| {
        Arg::new(id)
            .short(short)
            .long(long)
            .action(ArgAction::Append)
            .num_args(1)
            .allow_hyphen_values(true)
    };
    let optional = |id: &'static str, short: char, long: &'static str| {
        Arg::new(id)
            .short(short)
            .long(long)
            .action(ArgAction::Append)
            .num_args(0..=1)
            .require_equals(true)
            .default_missing_value("")
    };
    let mut cmd = common_args(Command::new(PROG));
    for (id, short, long) in COMMANDS {
        cmd = cmd.arg(flag(id, Some(*short), long));
    }
    cmd.arg(optional("empty", 'a', "empty"))
        .arg(value("xml-file", 'x', "xml-file"))
        .arg(value("xml-text", 'X', "xml-text"))
        .arg(flag("xml-pipe", Some('p'), "xml-pipe"))
        .arg(flag("force", Some('f'), "force"))
        .arg(value("timeout", 't', "timeout"))
        .arg(value("user", 'U', "user"))
        .arg(value("scope", 'o', "scope"))
        .arg(value("xpath", 'A', "xpath"))
        .arg(optional("show-access", 'S', "show-access"))
        .arg(flag("score", None, "score"))
        .arg(flag("allow-create", Some('c'), "allow-create"))
        .arg(flag("no-children", Some('n'), "no-children"))
        .arg(flag("local", Some('l'), "local"))
        .arg(value("node", 'N', "node"))
        .arg(flag("node-path", Some('e'), "node-path"))
        .arg(flag("sync-call", Some('s'), "sync-call"))
        .arg(Arg::new("extra").num_args(0..).trailing_var_arg(false))
}
