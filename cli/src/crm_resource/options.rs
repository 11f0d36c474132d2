//! `crm_resource`'s options (Pacemaker 3.0.2's names, groups and help).

use crate::goption::{Opt, OptGroup, Table};

const DESCRIPTION: &str = "Examples:\n\nList the available OCF agents:\n\n\t# crm_resource --list-agents ocf\n\nList the available OCF agents from the linux-ha project:\n\n\t# crm_resource --list-agents ocf:heartbeat\n\nMove 'myResource' to a specific node:\n\n\t# crm_resource --resource myResource --move --node altNode\n\nAllow (but not force) 'myResource' to move back to its original location:\n\n\t# crm_resource --resource myResource --clear\n\nStop 'myResource' (and anything that depends on it):\n\n\t# crm_resource --resource myResource --set-parameter target-role--meta --parameter-value Stopped\n\nTell the cluster not to manage 'myResource' (the cluster will not attempt to start or stop the\nresource under any circumstances; useful when performing maintenance tasks on a resource):\n\n\t# crm_resource --resource myResource --set-parameter is-managed--meta --parameter-value false\n\nErase the operation history of 'myResource' on 'aNode' (the cluster will 'forget' the existing\nresource state, including any errors, and attempt to recover theresource; useful when a resource\nhad failed permanently and has been repaired by an administrator):\n\n\t# crm_resource --resource myResource --cleanup --node aNode\n\n";

/// The option table.
pub fn table() -> Table {
    Table {
        prog: "crm_resource",
        params: None,
        summary: "crm_resource - perform tasks related to Pacemaker cluster resources",
        description: DESCRIPTION,
        formats: Some("text (default), xml"),
        main: vec![
            Opt::flag(Some('Q'), "quiet", "Be less descriptive in output."),
            Opt::value(Some('r'), "resource", "ID", "Resource ID"),
        ],
        groups: vec![
            OptGroup {
                name: "queries",
                title: "Queries:",
                help_desc: "Show query help",
                opts: vec![
                    Opt::flag(Some('L'), "list", "List all cluster resources with status"),
                    Opt::flag(
                        Some('l'),
                        "list-raw",
                        "List IDs of all instantiated resources (individual members\n                                    rather than groups etc.)",
                    ),
                    Opt::flag(Some('c'), "list-cts", "").hide(),
                    Opt::flag(
                        Some('O'),
                        "list-operations",
                        "List active resource operations, optionally filtered by\n                                    --resource and/or --node",
                    ),
                    Opt::flag(
                        Some('o'),
                        "list-all-operations",
                        "List all resource operations, optionally filtered by\n                                    --resource and/or --node",
                    ),
                    Opt::value(
                        None,
                        "list-options",
                        "TYPE",
                        "List all available options of the given type.\n                                    Allowed values:\n                                    primitive (primitive resource meta-attributes),\n                                    fencing (parameters common to all fencing resources)",
                    ),
                    Opt::flag(None, "list-standards", "List supported standards"),
                    Opt::flag(
                        None,
                        "list-ocf-providers",
                        "List all available OCF providers",
                    ),
                    Opt::value(
                        None,
                        "list-agents",
                        "STD:PROV",
                        "List all agents available for the named standard and/or provider",
                    ),
                    Opt::value(
                        None,
                        "list-ocf-alternatives",
                        "AGENT",
                        "List all available providers for the named OCF agent",
                    ),
                    Opt::value(
                        None,
                        "show-metadata",
                        "SPEC",
                        "Show the metadata for the named class:provider:agent",
                    ),
                    Opt::flag(
                        Some('q'),
                        "query-xml",
                        "Show XML configuration of resource (after any template expansion)",
                    ),
                    Opt::flag(
                        Some('w'),
                        "query-xml-raw",
                        "Show XML configuration of resource (before any template expansion)",
                    ),
                    Opt::value(
                        Some('g'),
                        "get-parameter",
                        "PARAM",
                        "Display named parameter for resource (use instance attribute\n                                    unless --element, --meta, or --utilization is specified)",
                    ),
                    Opt::flag(
                        Some('W'),
                        "locate",
                        "Show node(s) currently running resource",
                    ),
                    Opt::flag(
                        Some('a'),
                        "constraints",
                        "Display the location and colocation constraints that apply to a\n                                    resource, and if --recursive is specified, to the resources\n                                    directly or indirectly involved in those colocations.\n                                    If the named resource is part of a group, or a clone or\n                                    bundle instance, constraints for the collective resource\n                                    will be shown unless --force is given.",
                    ),
                    Opt::flag(
                        Some('A'),
                        "stack",
                        "Equivalent to --constraints --recursive",
                    ),
                    Opt::flag(
                        Some('Y'),
                        "why",
                        "Show why resources are not running, optionally filtered by\n                                    --resource and/or --node",
                    ),
                ],
            },
            OptGroup {
                name: "commands",
                title: "Commands:",
                help_desc: "Show command help",
                opts: vec![
                    Opt::optional(
                        None,
                        "validate",
                        "LEVEL",
                        "Validate resource configuration by calling agent's validate-all\n                                    action. The configuration may be specified either by giving an\n                                    existing resource name with -r, or by specifying --class,\n                                    --agent, and --provider arguments, along with any number of\n                                    --option arguments. An optional LEVEL argument can be given\n                                    to control the level of checking performed.",
                    ),
                    Opt::flag(
                        Some('C'),
                        "cleanup",
                        "If resource has any past failures, clear its history and fail\n                                    count. Optionally filtered by --resource, --node, --operation\n                                    and --interval (otherwise all). --operation and --interval\n                                    apply to fail counts, but entire history is always clear, to\n                                    allow current state to be rechecked. If the named resource is\n                                    part of a group, or one numbered instance of a clone or bundled\n                                    resource, the clean-up applies to the whole collective resource\n                                    unless --force is given.",
                    ),
                    Opt::flag(
                        Some('R'),
                        "refresh",
                        "Delete resource's history (including failures) so its current state\n                                    is rechecked. Optionally filtered by --resource and --node\n                                    (otherwise all). If the named resource is part of a group, or one\n                                    numbered instance of a clone or bundled resource, the refresh\n                                    applies to the whole collective resource unless --force is given.",
                    ),
                    Opt::value(
                        Some('p'),
                        "set-parameter",
                        "PARAM",
                        "Set named parameter for resource (requires -v). Use instance\n                                    attribute unless --element, --meta, or --utilization is specified.",
                    ),
                    Opt::value(
                        Some('d'),
                        "delete-parameter",
                        "PARAM",
                        "Delete named parameter for resource. Use instance attribute\n                                    unless --element, --meta or, --utilization is specified.",
                    ),
                ],
            },
            OptGroup {
                name: "locations",
                title: "Locations:",
                help_desc: "Show location help",
                opts: vec![
                    Opt::flag(
                        Some('M'),
                        "move",
                        "Create a constraint to move resource. If --node is specified,\n                                    the constraint will be to move to that node, otherwise it\n                                    will be to ban the current node. Unless --force is specified\n                                    this will return an error if the resource is already running\n                                    on the specified node. If --force is specified, this will\n                                    always ban the current node.\n                                    Optional: --lifetime, --promoted. NOTE: This may prevent the\n                                    resource from running on its previous location until the\n                                    implicit constraint expires or is removed with --clear.",
                    ),
                    Opt::flag(
                        Some('B'),
                        "ban",
                        "Create a constraint to keep resource off a node.\n                                    Optional: --node, --lifetime, --promoted.\n                                    NOTE: This will prevent the resource from running on the\n                                    affected node until the implicit constraint expires or is\n                                    removed with --clear. If --node is not specified, it defaults\n                                    to the node currently running the resource for primitives\n                                    and groups, or the promoted instance of promotable clones with\n                                    promoted-max=1 (all other situations result in an\n                                    error as there is no sane default).",
                    ),
                    Opt::flag(
                        Some('U'),
                        "clear",
                        "Remove all constraints created by the --ban and/or --move\n                                    commands. Requires: --resource. Optional: --node, --promoted,\n                                    --expired. If --node is not specified, all constraints created\n                                    by --ban and --move will be removed for the named resource. If\n                                    --node and --force are specified, any constraint created by\n                                    --move will be cleared, even if it is not for the specified\n                                    node. If --expired is specified, only those constraints whose\n                                    lifetimes have expired will be removed.",
                    ),
                    Opt::flag(
                        Some('e'),
                        "expired",
                        "Modifies the --clear argument to remove constraints with\n                                    expired lifetimes.",
                    ),
                    Opt::value(
                        Some('u'),
                        "lifetime",
                        "TIMESPEC",
                        "Lifespan (as ISO 8601 duration) of created constraints (with\n                                    -B, -M) see https://en.wikipedia.org/wiki/ISO_8601#Durations)",
                    ),
                    Opt::flag(
                        None,
                        "promoted",
                        "Limit scope of command to promoted role (with -B, -M, -U). For\n                                    -B and -M, previously promoted instances may remain\n                                    active in the unpromoted role.",
                    ),
                    Opt::flag(None, "master", "Deprecated: Use --promoted instead"),
                ],
            },
            OptGroup {
                name: "advanced",
                title: "Advanced:",
                help_desc: "Show advanced option help",
                opts: vec![
                    Opt::flag(
                        Some('D'),
                        "delete",
                        "(Advanced) Delete a resource from the CIB. Required: -t",
                    ),
                    Opt::flag(
                        Some('F'),
                        "fail",
                        "(Advanced) Tell the cluster this resource has failed",
                    ),
                    Opt::flag(
                        None,
                        "restart",
                        "(Advanced) Tell the cluster to restart this resource and\n                                    anything that depends on it. This temporarily modifies\n                                    the CIB, and other CIB modifications should be avoided\n                                    while this is in progress. If a node is fenced because\n                                    the stop portion of the restart fails, CIB modifications\n                                    such as target-role may remain.",
                    ),
                    Opt::flag(
                        None,
                        "wait",
                        "(Advanced) Wait until the cluster settles into a stable state",
                    ),
                    Opt::flag(
                        None,
                        "digests",
                        "(Advanced) Show parameter hashes that Pacemaker uses to detect\n                                    configuration changes (only accurate if there is resource\n                                    history on the specified node). Required: --resource, --node.\n                                    Optional: any NAME=VALUE parameters will be used to override\n                                    the configuration (to see what the hash would be with those\n                                    changes).",
                    ),
                    Opt::flag(
                        None,
                        "force-demote",
                        "(Advanced) Bypass the cluster and demote a resource on the local\n                                    node. Unless --force is specified, this will refuse to do so if\n                                    the cluster believes the resource is a clone instance already\n                                    running on the local node.",
                    ),
                    Opt::flag(
                        None,
                        "force-stop",
                        "(Advanced) Bypass the cluster and stop a resource on the local node",
                    ),
                    Opt::flag(
                        None,
                        "force-start",
                        "(Advanced) Bypass the cluster and start a resource on the local\n                                    node. Unless --force is specified, this will refuse to do so if\n                                    the cluster believes the resource is a clone instance already\n                                    running on the local node.",
                    ),
                    Opt::flag(
                        None,
                        "force-promote",
                        "(Advanced) Bypass the cluster and promote a resource on the local\n                                    node. Unless --force is specified, this will refuse to do so if\n                                    the cluster believes the resource is a clone instance already\n                                    running on the local node.",
                    ),
                    Opt::optional(
                        None,
                        "force-check",
                        "LEVEL",
                        "(Advanced) Bypass the cluster and check the state of a resource on\n                                    the local node. An optional LEVEL argument can be given\n                                    to control the level of checking performed.",
                    ),
                ],
            },
            OptGroup {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                opts: vec![
                    Opt::value(Some('N'), "node", "NAME", "Node name"),
                    Opt::flag(
                        None,
                        "recursive",
                        "Follow colocation chains when using --set-parameter or --constraints",
                    ),
                    Opt::value(
                        Some('t'),
                        "resource-type",
                        "ELEMENT",
                        "Resource XML element (primitive, group, etc.) (with -D)",
                    ),
                    Opt::value(
                        Some('v'),
                        "parameter-value",
                        "PARAM",
                        "Value to use with -p",
                    ),
                    Opt::flag(
                        Some('m'),
                        "meta",
                        "Use resource meta-attribute instead of instance attribute\n                                    (with -p, -g, -d)",
                    ),
                    Opt::flag(
                        Some('z'),
                        "utilization",
                        "Use resource utilization attribute instead of instance attribute\n                                    (with -p, -g, -d)",
                    ),
                    Opt::flag(
                        None,
                        "element",
                        "Use resource element attribute instead of instance attribute\n                                    (with -p, -g, -d)",
                    ),
                    Opt::value(
                        Some('n'),
                        "operation",
                        "OPERATION",
                        "Operation to clear instead of all (with -C -r)",
                    ),
                    Opt::value(
                        Some('I'),
                        "interval",
                        "N",
                        "Interval of operation to clear (default 0s) (with -C -r -n)",
                    ),
                    Opt::value(
                        None,
                        "class",
                        "CLASS",
                        "The standard the resource agent conforms to (for example, ocf).\n                                    Use with --agent, --provider, --option, and --validate.",
                    ),
                    Opt::value(
                        None,
                        "agent",
                        "AGENT",
                        "The agent to use (for example, IPaddr). Use with --class,\n                                    --provider, --option, and --validate.",
                    ),
                    Opt::value(
                        None,
                        "provider",
                        "PROVIDER",
                        "The vendor that supplies the resource agent (for example,\n                                    heartbeat). Use with --class, --agent, --option, and --validate.",
                    ),
                    Opt::value(
                        None,
                        "option",
                        "PARAM",
                        "Specify a device configuration parameter as NAME=VALUE (may be\n                                    specified multiple times). Use with --validate and without the\n                                    -r option.",
                    ),
                    Opt::value(
                        Some('s'),
                        "set-name",
                        "ID",
                        "(Advanced) XML ID of attributes element to use (with -p, -d)",
                    ),
                    Opt::value(
                        Some('i'),
                        "nvpair",
                        "ID",
                        "(Advanced) XML ID of nvpair element to use (with -p, -d)",
                    ),
                    Opt::value(
                        Some('T'),
                        "timeout",
                        "N",
                        "(Advanced) Abort if command does not finish in this time (with\n                                    --restart, --wait, --force-*). The --restart command uses a\n                                    two-second granularity and the --wait command uses a one-second\n                                    granularity, with rounding.",
                    ),
                    Opt::flag(
                        None,
                        "all",
                        "List all options, including advanced and deprecated (with\n                                    --list-options)",
                    ),
                    Opt::flag(
                        Some('f'),
                        "force",
                        "Force the action to be performed. See help for individual commands for\n                                    additional behavior.",
                    ),
                    Opt::value(Some('H'), "host-uname", "HOST", "").hide(),
                ],
            },
        ],
    }
}
