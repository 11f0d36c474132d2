//! `pacemakerd`: starts and watches the Pacemaker daemons.

use std::process::ExitCode;

use clap::Parser;
use pcmk_common::daemon::logging::{self, LogRequest};
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::{Paths, ProcessEnv};
use pcmk_pacemakerd::env::Options;
use pcmk_pacemakerd::shell::{ShellConfig, absent_daemons, daemon_dir, run};
use pcmk_pacemakerd::supervisor::{MAX_RESPAWN, SupervisorConfig};

/// Start and manage the Pacemaker cluster daemons.
#[derive(Parser, Debug)]
#[command(name = "pacemakerd", disable_version_flag = true)]
struct Args {
    /// Display full version and list of features Pacemaker was built with
    #[arg(short = 'F', long)]
    features: bool,
    /// (Ignored) Pacemaker always runs in the foreground
    #[arg(short = 'f', long)]
    foreground: bool,
    /// (Ignored) Daemon pid file location
    #[arg(short = 'p', long = "pid-file", value_name = "FILE")]
    pid_file: Option<String>,
    /// Instruct Pacemaker to shutdown on this machine
    #[arg(short = 'S', long)]
    shutdown: bool,
    /// Start node in standby state
    #[arg(short = 's', long)]
    standby: bool,
    /// Increase debug output (may be specified multiple times)
    #[arg(short = 'V', long, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Display software version and exit
    #[arg(short = '$', long)]
    version: bool,
    /// Specify output format as one of: text (default), xml
    #[arg(long = "output-as", value_name = "FORMAT", default_value = "text")]
    output_as: String,
}

fn features(output_as: &str) -> CrmExit {
    if output_as == "xml" {
        let request = std::env::args().collect::<Vec<_>>().join(" ");
        let mut out = pcmk_common::xml::Element::new("pacemaker-result")
            .with_attr("api-version", "2.42")
            .with_attr("request", request);
        out.push(pcmk_pacemakerd::features::xml());
        out.push(
            pcmk_common::xml::Element::new("status")
                .with_attr("code", "0")
                .with_attr("message", "OK"),
        );
        print!("{}", out.to_pretty());
    } else {
        println!("{}", pcmk_pacemakerd::features::text());
    }
    CrmExit::OK
}

async fn request_shutdown(paths: &Paths) -> CrmExit {
    let sock = paths.socket("pacemakerd");
    let Ok(channel) = pcmk_proto::uds::connect(&sock).await else {
        // Nothing running: nothing to shut down.
        return CrmExit::OK;
    };
    let mut client = pcmk_proto::pacemakerd::pacemakerd_client::PacemakerdClient::new(channel);
    match client
        .shutdown(pcmk_proto::pacemakerd::ShutdownRequest {})
        .await
    {
        Ok(r) => {
            let r = r.into_inner();
            if r.exit_code != 0 {
                eprintln!("pacemakerd: {}", r.message);
                return u8::try_from(r.exit_code)
                    .ok()
                    .and_then(|c| CrmExit::from_code(i64::from(c)))
                    .unwrap_or(CrmExit::Error);
            }
            // Wait for it to finish (its socket goes away).
            for _ in 0..1200 {
                if pcmk_proto::uds::connect(&sock).await.is_err() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            CrmExit::OK
        }
        Err(e) => {
            eprintln!("pacemakerd: could not request shutdown: {}", e.message());
            CrmExit::Disconnect
        }
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                CrmExit::Usage.code()
            } else {
                0
            });
        }
    };
    if args.features {
        return ExitCode::from(features(&args.output_as).code());
    }
    if args.version {
        println!("Pacemaker {}", pcmk_pacemakerd::features::PACEMAKER_VERSION);
        println!("Written by Andrew Beekhof and the Pacemaker project contributors");
        return ExitCode::SUCCESS;
    }
    let opts = Options::from_system(&ProcessEnv);
    let paths = Paths::from_process();
    if args.shutdown {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("pacemakerd: cannot start: {e}");
                return ExitCode::from(CrmExit::OsErr.code());
            }
        };
        return ExitCode::from(runtime.block_on(request_shutdown(&paths)).code());
    }
    logging::init(
        &opts,
        &LogRequest {
            daemon: "pacemakerd".into(),
            verbose: args.verbose,
        },
    );
    if let Some(node) = opts.get("node_name") {
        logging::set_node(node);
    }
    for dir in [&paths.run_dir, &paths.state_dir] {
        if let Err(e) = pcmk_common::daemon::account::ensure_cluster_dir(dir, 0o750) {
            tracing::error!(
                daemon = "pacemakerd",
                "Could not create {}: {e}",
                dir.display()
            );
            return ExitCode::from(CrmExit::CantCreat.code());
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pacemakerd: cannot start: {e}");
            return ExitCode::from(CrmExit::OsErr.code());
        }
    };
    let mut child_env = Vec::new();
    if args.standby {
        child_env.push(("PCMK_node_start_state".to_string(), "standby".to_string()));
    }
    // OCF agents and older tools read the facility under this name.
    if let Some(f) = opts.logging().facility {
        child_env.push(("HA_LOGFACILITY".to_string(), f));
    }
    let own = std::env::current_exe().ok();
    let daemon_dir = daemon_dir(opts.get("daemon_dir"), own.as_deref());
    let absent = absent_daemons(&daemon_dir);
    let cfg = ShellConfig {
        // `PCMK_cluster_type=none` (a pacemaker-rs extension): run the
        // subdaemons without waiting for or following corosync.
        corosync: (!opts
            .get("cluster_type")
            .is_some_and(|t| t.eq_ignore_ascii_case("none")))
        .then(pcmk_proto::corosync::socket_path),
        daemon_dir,
        paths,
        ipc_check: opts
            .get("ipc_check")
            .is_none_or(|v| !matches!(v, "no" | "false" | "0" | "off")),
        supervisor: SupervisorConfig {
            max_respawn: MAX_RESPAWN,
            fail_fast: opts.enabled("fail_fast"),
            absent,
        },
        child_env,
        serve_ipc: true,
    };
    let code = runtime.block_on(run(cfg));
    ExitCode::from(code.code())
}
