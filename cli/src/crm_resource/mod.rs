//! `crm_resource`: manage resources (Pacemaker's `tools/crm_resource*.c`).
//!
//! Commands are chosen as Pacemaker chooses them (the last command option
//! given wins) and dispatched from [`Command`]. This module implements the
//! agent commands, which need no cluster: listing standards, providers and
//! agents, meta-data, and running an agent directly (`--validate`,
//! `--force-*`) from `--class`/`--provider`/`--agent`/`--option`. Cluster
//! commands (`--list`, `--move`, `-r` with `--force-*`...) plug into the
//! same [`Command`] enum and [`Args`].

mod agents;

use clap::{ArgAction, Parser};
use pcmk_common::exit::CrmExit;

use crate::result_doc::{Format, Out};

/// Command-line options (Pacemaker's names).
#[derive(Parser, Debug, Default)]
#[command(
    name = "crm_resource",
    about = "crm_resource - perform tasks related to Pacemaker cluster resources",
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Args {
    /// Show help options.
    #[arg(short = '?', long = "help", action = ArgAction::Help)]
    help: Option<bool>,
    /// Display software version and exit.
    #[arg(short = '$', long = "version")]
    version: bool,
    /// Increase debug output (may be specified multiple times).
    #[arg(short = 'V', long = "verbose", action = ArgAction::Count)]
    verbose: u8,
    /// Be less descriptive in output.
    #[arg(short = 'Q', long = "quiet")]
    quiet: bool,
    /// Specify output format as one of: text (default), xml.
    #[arg(long = "output-as", default_value = "text")]
    output_as: String,
    /// List supported standards.
    #[arg(long = "list-standards")]
    list_standards: bool,
    /// List all available OCF providers.
    #[arg(long = "list-ocf-providers")]
    list_ocf_providers: bool,
    /// List all agents available for the named standard and/or provider.
    #[arg(long = "list-agents", value_name = "STD:PROV")]
    list_agents: Option<String>,
    /// List all available providers for the named OCF agent.
    #[arg(long = "list-ocf-alternatives", value_name = "AGENT")]
    list_ocf_alternatives: Option<String>,
    /// Show the metadata for the named class:provider:agent.
    #[arg(long = "show-metadata", value_name = "SPEC")]
    show_metadata: Option<String>,
    /// Validate resource configuration by calling agent's validate-all action.
    #[arg(long = "validate", value_name = "LEVEL", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    validate: Option<String>,
    /// (Advanced) Bypass the cluster and start a resource on the local node.
    #[arg(long = "force-start")]
    force_start: bool,
    /// (Advanced) Bypass the cluster and stop a resource on the local node.
    #[arg(long = "force-stop")]
    force_stop: bool,
    /// (Advanced) Bypass the cluster and check the state of a resource on the local node.
    #[arg(long = "force-check", value_name = "LEVEL", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    force_check: Option<String>,
    /// (Advanced) Bypass the cluster and promote a resource on the local node.
    #[arg(long = "force-promote")]
    force_promote: bool,
    /// (Advanced) Bypass the cluster and demote a resource on the local node.
    #[arg(long = "force-demote")]
    force_demote: bool,
    /// The standard the resource agent conforms to (for example, ocf).
    #[arg(long = "class", value_name = "CLASS")]
    class: Option<String>,
    /// The agent to use (for example, IPaddr).
    #[arg(long = "agent", value_name = "AGENT")]
    agent: Option<String>,
    /// The vendor that supplies the resource agent (for example, heartbeat).
    #[arg(long = "provider", value_name = "PROVIDER")]
    provider: Option<String>,
    /// Specify a device configuration parameter as NAME=VALUE.
    #[arg(long = "option", value_name = "PARAM")]
    option: Vec<String>,
    /// (Advanced) Abort if command does not finish in this time.
    #[arg(short = 'T', long = "timeout", value_name = "N")]
    timeout: Option<String>,
    /// Resource ID.
    #[arg(short = 'r', long = "resource", value_name = "ID")]
    resource: Option<String>,
    /// Force the action to be performed.
    #[arg(short = 'f', long = "force")]
    force: bool,
}

/// The command chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `--list-standards`.
    ListStandards,
    /// `--list-ocf-providers`.
    ListProviders,
    /// `--list-agents SPEC`.
    ListAgents(String),
    /// `--list-ocf-alternatives AGENT`.
    ListAlternatives(String),
    /// `--show-metadata SPEC`.
    Metadata(String),
    /// `--validate` / `--force-*`: operation name and OCF check level.
    ExecuteAgent(String, Option<i32>),
}

fn check_level(v: &str) -> Result<Option<i32>, String> {
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i32>()
        .ok()
        .filter(|l| *l >= 0)
        .map(Some)
        .ok_or_else(|| format!("Invalid check level setting: {v}"))
}

fn choose(a: &Args) -> Result<Option<Command>, String> {
    // Pacemaker takes the last command given; options are checked in its
    // option-table order, which is what a single command line has anyway.
    let mut cmd = None;
    if a.list_standards {
        cmd = Some(Command::ListStandards);
    }
    if a.list_ocf_providers {
        cmd = Some(Command::ListProviders);
    }
    if let Some(s) = &a.list_agents {
        cmd = Some(Command::ListAgents(s.clone()));
    }
    if let Some(s) = &a.list_ocf_alternatives {
        cmd = Some(Command::ListAlternatives(s.clone()));
    }
    if let Some(s) = &a.show_metadata {
        cmd = Some(Command::Metadata(s.clone()));
    }
    if let Some(l) = &a.validate {
        cmd = Some(Command::ExecuteAgent("validate".into(), check_level(l)?));
    }
    for (set, op) in [
        (a.force_demote, "force-demote"),
        (a.force_stop, "force-stop"),
        (a.force_start, "force-start"),
        (a.force_promote, "force-promote"),
    ] {
        if set {
            cmd = Some(Command::ExecuteAgent(op.into(), None));
        }
    }
    if let Some(l) = &a.force_check {
        cmd = Some(Command::ExecuteAgent("force-check".into(), check_level(l)?));
    }
    Ok(cmd)
}

/// Runs `crm_resource` with `argv`; returns the exit status.
pub fn main(argv: Vec<String>) -> CrmExit {
    let args = match Args::try_parse_from(&argv) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                CrmExit::Usage
            } else {
                CrmExit::OK
            };
        }
    };
    let Some(format) = Format::parse(&args.output_as) else {
        eprintln!("crm_resource: Invalid output format '{}'", args.output_as);
        return CrmExit::Usage;
    };
    let mut out = Out::new(format, &argv);
    out.quiet = args.quiet;
    if args.version {
        out.line(&format!(
            "Pacemaker {} (pacemaker-rs)",
            env!("CARGO_PKG_VERSION")
        ));
        return out.finish(CrmExit::OK, "crm_resource");
    }
    let code = match choose(&args) {
        Err(e) => {
            out.err(&e);
            CrmExit::InvalidParam
        }
        Ok(None) => {
            out.err("this crm_resource implements the agent commands only so far (see --help)");
            CrmExit::Usage
        }
        Ok(Some(cmd)) => match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(agents::run(&args, cmd, &mut out)),
            Err(e) => {
                out.err(&format!("cannot start runtime: {e}"));
                CrmExit::OsErr
            }
        },
    };
    out.finish(code, "crm_resource")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line() {
        use clap::CommandFactory;
        Args::command().debug_assert();
        let a = Args::try_parse_from(["crm_resource", "--validate", "--class", "ocf"]).unwrap();
        assert_eq!(
            choose(&a),
            Ok(Some(Command::ExecuteAgent("validate".into(), None)))
        );
        let a = Args::try_parse_from(["crm_resource", "--force-check=10"]).unwrap();
        assert_eq!(
            choose(&a),
            Ok(Some(Command::ExecuteAgent("force-check".into(), Some(10))))
        );
        let a = Args::try_parse_from(["crm_resource", "--force-check=x"]).unwrap();
        assert!(choose(&a).is_err());
        let a = Args::try_parse_from(["crm_resource", "--list-agents", "ocf:heartbeat"]).unwrap();
        assert_eq!(
            choose(&a),
            Ok(Some(Command::ListAgents("ocf:heartbeat".into())))
        );
    }
}
