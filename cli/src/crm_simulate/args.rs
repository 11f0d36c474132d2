//! crm_simulate's command line: Pacemaker's options, groups and help text.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use pcmk_schedulerd::inject::Injections;

use super::Options;
use crate::args::common_args;
use crate::output::help::{Entry, Group, Help, common_entries, output_group};

/// The program name.
pub const PROG: &str = "crm_simulate";

const DESCRIPTION: &str = "Operation Specification:

The OPSPEC in any command line option is of the form
${resource}_${task}_${interval_in_ms}@${node}=${rc}
(for example memcached_monitor_20000@bart.example.com=7),
where ${rc} is an OCF return code.

Examples:

Inject a recurring monitor that found memcached:0 stopped on node bart,
make the recovery's stop fail, and keep the result:

\tcrm_simulate -LS --op-inject memcached:0_monitor_20000@bart.example.com=7 --op-fail memcached:0_stop_0@bart.example.com=1 --save-output /tmp/memcached-test.xml

Then see how the cluster would react to the failed stop:

\tcrm_simulate -S --xml-file /tmp/memcached-test.xml

";

/// The option groups `--help-all` shows, as Pacemaker's crm_simulate.
pub fn help() -> Help {
    let f = Entry::flag;
    let a = Entry::with_arg;
    let mut main = common_entries();
    main.push(f(Some('Q'), "quiet", "Display only essential output"));
    let mut output = output_group("text (default), xml");
    output.entries.push(f(
        None,
        "text-fancy",
        "Use more highly formatted output (requires --output-as=text)",
    ));
    Help {
        prog: PROG,
        params: None,
        summary: "crm_simulate - simulate a Pacemaker cluster's response to events",
        description: DESCRIPTION,
        groups: vec![
            output,
            Group {
                name: "operations",
                title: "Operations:",
                help_desc: "Show operations options",
                entries: vec![
                    f(
                        Some('R'),
                        "run",
                        "Process the supplied input and show what actions the cluster will take in response",
                    ),
                    f(
                        Some('S'),
                        "simulate",
                        "Like --run, but also simulate taking those actions and show the resulting new status",
                    ),
                    f(
                        Some('X'),
                        "in-place",
                        "Like --simulate, but also store the results back to the input file",
                    ),
                    f(Some('A'), "show-attrs", "Show node attributes"),
                    f(Some('c'), "show-failcounts", "Show resource fail counts"),
                    f(Some('s'), "show-scores", "Show allocation scores"),
                    f(
                        Some('U'),
                        "show-utilization",
                        "Show utilization information",
                    ),
                    a(
                        Some('P'),
                        "profile",
                        "DIR",
                        "Process all the XML files in the named directory to create profiling data",
                    ),
                    a(
                        Some('N'),
                        "repeat",
                        "N",
                        "With --profile, repeat each test N times and print timings",
                    ),
                ],
            },
            Group {
                name: "synthetic",
                title: "Synthetic Cluster Events:",
                help_desc: "Show synthetic cluster event options",
                entries: vec![
                    a(
                        Some('u'),
                        "node-up",
                        "NODE",
                        "Simulate bringing a node online",
                    ),
                    a(
                        Some('d'),
                        "node-down",
                        "NODE",
                        "Simulate taking a node offline",
                    ),
                    a(Some('f'), "node-fail", "NODE", "Simulate a node failing"),
                    a(
                        Some('i'),
                        "op-inject",
                        "OPSPEC",
                        "Generate a failure for the cluster to react to in the simulation.\nSee `Operation Specification` help for more information.",
                    ),
                    a(
                        Some('F'),
                        "op-fail",
                        "OPSPEC",
                        "If the specified task occurs during the simulation, have it fail with return code ${rc}.\nThe transition will normally stop at the failed action.\nSave the result with --save-output and re-run with --xml-file.\nSee `Operation Specification` help for more information.",
                    ),
                    a(
                        Some('t'),
                        "set-datetime",
                        "DATETIME",
                        "Set date/time (ISO 8601 format, see https://en.wikipedia.org/wiki/ISO_8601)",
                    ),
                    a(
                        Some('q'),
                        "quorum",
                        "QUORUM",
                        "Set to '1' (or 'true') to indicate cluster has quorum",
                    ),
                    a(
                        Some('w'),
                        "watchdog",
                        "DEVICE",
                        "Set to '1' (or 'true') to indicate cluster has an active watchdog device",
                    ),
                    a(
                        Some('g'),
                        "ticket-grant",
                        "TICKET",
                        "Simulate granting a ticket",
                    ),
                    a(
                        Some('r'),
                        "ticket-revoke",
                        "TICKET",
                        "Simulate revoking a ticket",
                    ),
                    a(
                        Some('b'),
                        "ticket-standby",
                        "TICKET",
                        "Simulate making a ticket standby",
                    ),
                    a(
                        Some('e'),
                        "ticket-activate",
                        "TICKET",
                        "Simulate activating a ticket",
                    ),
                ],
            },
            Group {
                name: "artifact",
                title: "Artifact Options:",
                help_desc: "Show artifact options",
                entries: vec![
                    a(
                        Some('I'),
                        "save-input",
                        "FILE",
                        "Save the input configuration to the named file",
                    ),
                    a(
                        Some('O'),
                        "save-output",
                        "FILE",
                        "Save the output configuration to the named file",
                    ),
                    a(
                        Some('G'),
                        "save-graph",
                        "FILE",
                        "Save the transition graph (XML format) to the named file",
                    ),
                    a(
                        Some('D'),
                        "save-dotfile",
                        "FILE",
                        "Save the transition graph (DOT format) to the named file",
                    ),
                    f(
                        Some('a'),
                        "all-actions",
                        "Display all possible actions in DOT graph (even if not part of transition)",
                    ),
                ],
            },
            Group {
                name: "source",
                title: "Data Source:",
                help_desc: "Show data source options",
                entries: vec![
                    f(
                        Some('L'),
                        "live-check",
                        "Connect to CIB manager and use the current CIB contents as input",
                    ),
                    a(
                        Some('x'),
                        "xml-file",
                        "FILE",
                        "Retrieve XML from the named file",
                    ),
                    f(Some('p'), "xml-pipe", "Retrieve XML from stdin"),
                ],
            },
        ],
        main,
    }
}

/// The parser of crm_simulate's command line.
pub fn command() -> Command {
    let flag = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .action(ArgAction::SetTrue)
    };
    let value = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .num_args(1)
            .allow_hyphen_values(true)
            .action(ArgAction::Append)
    };
    let mut cmd = common_args(Command::new(PROG))
        .arg(flag("quiet", 'Q'))
        .arg(
            Arg::new("text-fancy")
                .long("text-fancy")
                .action(ArgAction::SetTrue),
        )
        .arg(
            Arg::new("pending")
                .short('j')
                .long("pending")
                .hide(true)
                .action(ArgAction::SetTrue),
        );
    for (name, short) in [
        ("run", 'R'),
        ("simulate", 'S'),
        ("in-place", 'X'),
        ("show-attrs", 'A'),
        ("show-failcounts", 'c'),
        ("show-scores", 's'),
        ("show-utilization", 'U'),
        ("all-actions", 'a'),
        ("live-check", 'L'),
        ("xml-pipe", 'p'),
    ] {
        cmd = cmd.arg(flag(name, short));
    }
    for (name, short) in [
        ("profile", 'P'),
        ("repeat", 'N'),
        ("node-up", 'u'),
        ("node-down", 'd'),
        ("node-fail", 'f'),
        ("op-inject", 'i'),
        ("op-fail", 'F'),
        ("set-datetime", 't'),
        ("quorum", 'q'),
        ("watchdog", 'w'),
        ("ticket-grant", 'g'),
        ("ticket-revoke", 'r'),
        ("ticket-standby", 'b'),
        ("ticket-activate", 'e'),
        ("save-input", 'I'),
        ("save-output", 'O'),
        ("save-graph", 'G'),
        ("save-dotfile", 'D'),
        ("xml-file", 'x'),
    ] {
        cmd = cmd.arg(value(name, short));
    }
    cmd
}

/// Where the input CIB comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The CIB manager (`-L`; or `CIB_file`/`CIB_shadow` when set).
    Live,
    /// A file (`-x`).
    File(PathBuf),
    /// Standard input (`-p`, and the default as in Pacemaker 3.0).
    Stdin,
}

/// Everything the command line asks for.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The input.
    pub source: Source,
    /// Store the results back into the input (`-X`).
    pub in_place: bool,
    /// Profile every XML file of this folder (`-P`).
    pub profile: Option<PathBuf>,
    /// Runs per profiled file (`-N`).
    pub repeat: u32,
    /// What to run and show.
    pub options: Options,
}

fn last(m: &ArgMatches, name: &str) -> Option<String> {
    m.get_many::<String>(name)
        .and_then(|mut v| v.next_back())
        .cloned()
}

fn all(m: &ArgMatches, name: &str) -> Vec<String> {
    m.get_many::<String>(name)
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

/// The position of the last occurrence of an option (sources override
/// one another in command-line order, as Pacemaker's callbacks do).
fn last_index(m: &ArgMatches, name: &str) -> Option<usize> {
    if m.value_source(name) != Some(clap::parser::ValueSource::CommandLine) {
        return None;
    }
    m.indices_of(name).and_then(Iterator::max)
}

/// Reads parsed matches into what to do. Fails with a message for values
/// Pacemaker's parser rejects (a non-numeric `--repeat`).
pub fn parsed(m: &ArgMatches) -> Result<Parsed, String> {
    let source = [
        (last_index(m, "live-check"), 0),
        (last_index(m, "xml-file"), 1),
        (last_index(m, "xml-pipe"), 2),
    ]
    .into_iter()
    .filter_map(|(i, k)| i.map(|i| (i, k)))
    .max()
    .map_or(Source::Stdin, |(_, k)| match k {
        0 => Source::Live,
        1 => last(m, "xml-file").map_or(Source::Stdin, |f| Source::File(f.into())),
        _ => Source::Stdin,
    });
    let repeat = match last(m, "repeat") {
        None => 1,
        Some(v) => v.trim().parse::<i64>().map_err(|_| {
            format!("{PROG}: Cannot parse integer value \u{2018}{v}\u{2019} for -N")
        })?,
    };
    let in_place = m.get_flag("in-place");
    let op_fail = all(m, "op-fail");
    let graph_file = last(m, "save-graph").map(PathBuf::from);
    let dot_file = last(m, "save-dotfile").map(PathBuf::from);
    let simulate = m.get_flag("simulate") || in_place || !op_fail.is_empty();
    let options = Options {
        xml_file: None,
        simulate,
        process: m.get_flag("run")
            || simulate
            || m.get_flag("show-scores")
            || m.get_flag("show-utilization")
            || graph_file.is_some()
            || dot_file.is_some(),
        show_scores: m.get_flag("show-scores"),
        show_utilization: m.get_flag("show-utilization"),
        dot_file,
        graph_file,
        quiet: m.get_flag("quiet"),
        use_date: last(m, "set-datetime"),
        input_file: last(m, "save-input").map(PathBuf::from),
        output_file: last(m, "save-output").map(PathBuf::from),
        op_fail,
        injections: Injections {
            node_up: all(m, "node-up"),
            node_down: all(m, "node-down"),
            node_fail: all(m, "node-fail"),
            op_inject: all(m, "op-inject"),
            ticket_grant: all(m, "ticket-grant"),
            ticket_revoke: all(m, "ticket-revoke"),
            ticket_standby: all(m, "ticket-standby"),
            ticket_activate: all(m, "ticket-activate"),
            quorum: last(m, "quorum"),
            watchdog: last(m, "watchdog"),
        },
        wall_clock: 0,
        all_actions: m.get_flag("all-actions"),
        show_attrs: m.get_flag("show-attrs"),
        show_failcounts: m.get_flag("show-failcounts"),
    };
    Ok(Parsed {
        source,
        in_place,
        profile: last(m, "profile").map(PathBuf::from),
        repeat: u32::try_from(repeat.max(0)).unwrap_or(u32::MAX),
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::help::Which;

    fn parse(args: &[&str]) -> Parsed {
        let mut argv = vec![PROG];
        argv.extend_from_slice(args);
        parsed(&command().try_get_matches_from(argv).unwrap()).unwrap()
    }

    #[test]
    fn help_all_lists_every_option_of_pacemaker() {
        let text = help().render(Which::All);
        for opt in [
            "--run",
            "--simulate",
            "--in-place",
            "--show-attrs",
            "--show-failcounts",
            "--show-scores",
            "--show-utilization",
            "--profile=DIR",
            "--repeat=N",
            "--node-up=NODE",
            "--node-down=NODE",
            "--node-fail=NODE",
            "--op-inject=OPSPEC",
            "--op-fail=OPSPEC",
            "--set-datetime=DATETIME",
            "--quorum=QUORUM",
            "--watchdog=DEVICE",
            "--ticket-grant=TICKET",
            "--ticket-revoke=TICKET",
            "--ticket-standby=TICKET",
            "--ticket-activate=TICKET",
            "--save-input=FILE",
            "--save-output=FILE",
            "--save-graph=FILE",
            "--save-dotfile=FILE",
            "--all-actions",
            "--live-check",
            "--xml-file=FILE",
            "--xml-pipe",
            "--quiet",
            "--output-as=FORMAT",
            "--text-fancy",
            "--help-synthetic",
        ] {
            assert!(text.contains(opt), "{opt} missing:\n{text}");
        }
        assert!(!text.contains("pending"));
    }

    #[test]
    fn sources_and_implied_modes() {
        let p = parse(&["-x", "a.xml", "-L"]);
        assert_eq!(p.source, Source::Live);
        let p = parse(&["-L", "-x", "a.xml", "-s"]);
        assert_eq!(p.source, Source::File("a.xml".into()));
        assert!(p.options.process && p.options.show_scores && !p.options.simulate);
        let p = parse(&["-F", "d_stop_0@n1=1"]);
        assert_eq!(p.source, Source::Stdin);
        assert!(p.options.simulate && p.options.process);
        let p = parse(&["-X", "-g", "t1", "-g", "t2", "-q", "0", "-q", "1"]);
        assert!(p.in_place && p.options.simulate);
        assert_eq!(p.options.injections.ticket_grant, ["t1", "t2"]);
        assert_eq!(p.options.injections.quorum.as_deref(), Some("1"));
        let p = parse(&["-P", "dir", "-N", "3"]);
        assert_eq!((p.profile, p.repeat), (Some("dir".into()), 3));
        let bad = command().try_get_matches_from([PROG, "-N", "x"]).unwrap();
        assert!(parsed(&bad).is_err());
    }
}
