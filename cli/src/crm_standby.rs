//! `crm_standby`: query, enable or disable standby mode for a node.
//!
//! Pacemaker ships this tool as a shell script (`tools/crm_standby.in`)
//! that reads its options with GNU getopt and runs `crm_attribute` on the
//! `standby` node attribute; this is the same logic, running
//! [`crate::crm_attribute`] in-process with the same arguments the script
//! would pass (split into words as the shell splits them).

use pcmk_common::exit::CrmExit;

use crate::getopt::getopt;
use crate::output::{PACEMAKER_VERSION, Printed};

const USAGE: &str = "Usage: crm_standby <command> [options]

Common options:
 --help                 Display this text, then exit
 --version              Display version information, then exit
 -V, --verbose          Specify multiple times to increase debug output
 -q, --quiet            Print only the standby status (if querying)

Commands:
 -G, --query            Query the current value of standby mode (on/off)
 -v, --update=VALUE     Update the value of standby mode (on/off)
 -D, --delete           Let standby mode use default value

Additional Options:
 -N, --node=NODE        Operate on the named node instead of the current one
 -l, --lifetime=VALUE   Until when should the setting take effect
                        (valid values: reboot, forever)
 -i, --id=VALUE         (Advanced) XML ID used to identify standby attribute";

/// The name the cluster uses for this node, as `crm_node -n` prints it
/// (empty when the controller cannot be asked).
pub fn local_node_name() -> String {
    if let Ok(n) = std::env::var("OCF_RESKEY_CRM_meta_on_node") {
        return n;
    }
    crate::daemons::node_info()
        .ok()
        .and_then(|i| i.name)
        .unwrap_or_default()
}

fn attribute(words: &str, extra: &[&str]) -> (Printed, CrmExit) {
    let mut argv: Vec<String> = vec!["crm_attribute".to_string()];
    argv.extend(words.split_whitespace().map(str::to_string));
    argv.extend(extra.iter().map(|s| (*s).to_string()));
    crate::crm_attribute::run(&argv)
}

fn usage_exit(printed: &mut Printed, msg: Option<&str>) -> CrmExit {
    if let Some(m) = msg {
        printed.stderr.push_str(&format!("error: {m}\n"));
    }
    printed.stdout.push_str(&format!("\n{USAGE}\n"));
    CrmExit::Error
}

/// Runs `crm_standby` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.as_ref().to_string())
        .collect();
    let mut printed = Printed::default();
    let parsed = getopt(
        &args,
        "VqGv:DN:l:i:U:Q",
        "help,version,verbose,quiet,query,update:,delete,node:,lifetime:,id:,uname:,get-value,delete-attr,attr-value:,attr-id:",
    );
    let (found, _) = match parsed {
        Ok(f) => f,
        Err(e) => {
            printed.stderr.push_str(&format!("crm_standby: {e}\n"));
            let exit = usage_exit(&mut printed, None);
            return (printed, exit);
        }
    };
    let mut op = ' ';
    let mut options = String::new();
    let mut lifetime = false;
    let mut target = String::new();
    for (name, value) in found {
        let value = value.unwrap_or_default();
        match name.as_str() {
            "--help" => {
                printed.stdout.push_str(&format!(
                    "crm_standby - Query, enable, or disable standby mode for a node\n\nNodes in standby mode may not host cluster resources.\n\n{USAGE}\n\n"
                ));
                return (printed, CrmExit::OK);
            }
            "--version" => {
                printed.stdout.push_str(&format!(
                    "Pacemaker {PACEMAKER_VERSION}\nWritten by Andrew Beekhof and the Pacemaker project contributors\n"
                ));
                return (printed, CrmExit::OK);
            }
            "-q" | "--quiet" | "-V" | "--verbose" | "-Q" => options.push_str(&format!(" {name}")),
            "-N" | "--node" | "-U" | "--uname" => target = value,
            "-G" | "--query" | "--get-value" => {
                options.push_str(" --query");
                op = 'g';
            }
            "-v" | "--update" | "--attr-value" => {
                options.push_str(&format!(" --update {value}"));
                op = 'u';
            }
            "-D" | "--delete" | "--delete-attr" => {
                options.push_str(" --delete");
                op = 'd';
            }
            "-l" | "--lifetime" => {
                options.push_str(&format!(" --lifetime {value}"));
                lifetime = true;
            }
            "-i" | "--id" | "--attr-id" => options.push_str(&format!(" --id {value}")),
            other => {
                let exit = usage_exit(&mut printed, Some(&format!("unknown option '{other}'")));
                return (printed, exit);
            }
        }
    }
    if target.is_empty() {
        target = local_node_name();
    }
    let mut options = format!("-N {target} -n standby{options}");
    if op == ' ' {
        options.push_str(" -G");
        op = 'g';
    }
    if !lifetime {
        match op {
            'g' => {
                let (_, exit) = attribute(&options, &["-l", "forever"]);
                if exit == CrmExit::OK {
                    options.push_str(" -l forever");
                } else {
                    options.push_str(" -l reboot -d off");
                }
            }
            'u' => options.push_str(" -l forever"),
            'd' => {
                for l in ["forever", "reboot"] {
                    let (p, _) = attribute(&options, &["-l", l]);
                    printed.stdout.push_str(&p.stdout);
                    printed.stderr.push_str(&p.stderr);
                }
                return (printed, CrmExit::OK);
            }
            _ => {}
        }
    }
    let (p, exit) = attribute(&options, &[]);
    printed.stdout.push_str(&p.stdout);
    printed.stderr.push_str(&p.stderr);
    (printed, exit)
}
