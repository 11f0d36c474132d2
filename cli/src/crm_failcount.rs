//! `crm_failcount`: query or delete resource fail counts.
//!
//! Pacemaker ships this tool as a shell script (`tools/crm_failcount.in`):
//! queries read the `fail-count-*` transient node attributes (summing the
//! per-operation ones), deletions run `crm_resource --cleanup`. This is the
//! same logic with [`crate::crm_attribute`] and [`crate::crm_resource`] run
//! in-process.

use pcmk_common::exit::CrmExit;

use crate::cib_session::CibSession;
use crate::getopt::getopt;
use crate::output::{PACEMAKER_VERSION, Printed};

const USAGE: &str = "Usage: crm_failcount <command> [<options>]
Common options:
 --help                 Display this text, then exit
 --version              Display version information, then exit
 -V, --verbose          Specify multiple times to increase debug output
 -q, --quiet            Print only the value (if querying)

Commands:
 -G, --query            Query the current value of the resource's fail count
 -D, --delete           Delete resource's recorded failures

Additional Options:
 -r, --resource=value   Name of the resource to use (required)
 -n, --operation=value  Name of operation to use (instead of all operations)
 -I, --interval=value   If operation is specified, its interval
 -N, --node=value       Use failcount on named node (instead of local node)";

/// An interval in milliseconds as the script parses it, or `None` when
/// unrecognized (the script then warns and uses 0).
fn parse_interval(s: &str) -> Option<u64> {
    let t = s.trim_matches(|c: char| c == ' ' || c == '\t');
    let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    if digits_end > 0 {
        let n: u64 = t[..digits_end].parse().ok()?;
        let unit = t[digits_end..].trim_matches(|c: char| c == ' ' || c == '\t');
        return match unit {
            "" | "s" | "sec" => Some(n * 1000),
            "ms" | "msec" => Some(n),
            "m" | "min" => Some(n * 60_000),
            "h" | "hr" => Some(n * 3_600_000),
            "us" | "usec" => Some(n / 1000),
            _ => None,
        };
    }
    let rest = s.strip_prefix('P')?;
    if let Some(w) = rest.strip_suffix('W') {
        if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) {
            return w.parse::<u64>().ok().map(|n| n * 604_800_000);
        }
    }
    // P[nY][nM][nD][T][nH][nM][nS]
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = 0u64;
    for (part, units) in [
        (
            date,
            &[
                ('Y', 31_536_000_000u64),
                ('M', 2_592_000_000),
                ('D', 86_400_000),
            ][..],
        ),
        (time, &[('H', 3_600_000u64), ('M', 60_000), ('S', 1000)][..]),
    ] {
        let mut rem = part;
        let mut idx = 0;
        while !rem.is_empty() {
            let end = rem.find(|c: char| !c.is_ascii_digit())?;
            if end == 0 {
                return None;
            }
            let n: u64 = rem[..end].parse().ok()?;
            let unit = rem[end..].chars().next()?;
            let pos = units[idx..].iter().position(|(u, _)| *u == unit)?;
            idx += pos + 1;
            total += n * units[idx - 1].1;
            rem = &rem[end + unit.len_utf8()..];
        }
    }
    Some(total)
}

fn single_attr(target: &str, attr: &str, verbose: &[String]) -> String {
    let mut argv: Vec<String> = vec!["crm_attribute".into()];
    argv.extend(verbose.iter().cloned());
    argv.extend(
        [
            "--quiet", "--query", "-t", "status", "-d", "0", "-N", target, "-n", attr,
        ]
        .iter()
        .map(|s| (*s).to_string()),
    );
    let (p, _) = crate::crm_attribute::run(&argv);
    p.stdout.trim_end_matches('\n').to_string()
}

/// The sum of the fail counts named `prefix*` on `target`; `Err` with
/// the exit code when the CIB cannot be queried.
fn attr_sum(target: &str, prefix: &str) -> Result<String, CrmExit> {
    let xpath = format!(
        "/cib/status/node_state[@uname='{target}']/transient_attributes/instance_attributes/nvpair[starts-with(@name,'{prefix}')]"
    );
    let values: Vec<String> = match CibSession::open("cibadmin").map(|mut c| c.xpath(&xpath)) {
        Ok(Ok(found)) => crate::cib_attrs::matches(&found)
            .iter()
            .filter_map(|m| m.attr("value"))
            .filter(|v| {
                *v == "INFINITY" || (!v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
            })
            .map(str::to_string)
            .collect(),
        Ok(Err(f)) if f.exit == CrmExit::NoSuch => Vec::new(),
        Ok(Err(f)) => return Err(f.exit),
        Err(e) => return Err(e.exit_code()),
    };
    let mut sum: u64 = 0;
    for v in values {
        if v == "INFINITY" {
            return Ok("INFINITY".into());
        }
        sum = sum.saturating_add(v.parse::<u64>().unwrap_or(0));
    }
    Ok(if sum >= 1_000_000 {
        "INFINITY".into()
    } else {
        sum.to_string()
    })
}

fn usage_exit(printed: &mut Printed, msg: Option<&str>) -> CrmExit {
    if let Some(m) = msg {
        printed.stderr.push_str(&format!("error: {m}\n"));
    }
    printed.stdout.push_str(&format!("\n{USAGE}\n"));
    CrmExit::Usage
}

/// Runs `crm_failcount` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.as_ref().to_string())
        .collect();
    let mut printed = Printed::default();
    let mut quiet = false;
    let mut verbose: Vec<String> = Vec::new();
    let mut command = "";
    let mut resource = String::new();
    let mut operation = String::new();
    let mut interval = "0".to_string();
    let mut target = crate::crm_standby::local_node_name();
    let found = match getopt(
        &args,
        "qDGQVN:U:v:i:l:r:n:I:",
        "help,version,verbose,quiet,query,delete,resource:,node:,operation:,interval:,delete-attr,get-value,resource-id:,uname:,lifetime:,attr-value:,attr-id:",
    ) {
        Ok((f, _)) => f,
        Err(e) => {
            printed.stderr.push_str(&format!("crm_failcount: {e}\n"));
            let exit = usage_exit(&mut printed, None);
            return (printed, exit);
        }
    };
    for (name, value) in found {
        let value = value.unwrap_or_default();
        match name.as_str() {
            "--help" => {
                printed.stdout.push_str(&format!(
                    "crm_failcount - Query or delete resource fail counts\n\n{USAGE}\n"
                ));
                return (printed, CrmExit::OK);
            }
            "--version" => {
                printed.stdout.push_str(&format!(
                    "Pacemaker {PACEMAKER_VERSION}\nWritten by Andrew Beekhof and the Pacemaker project contributors\n"
                ));
                return (printed, CrmExit::OK);
            }
            "-q" | "-Q" | "--quiet" => quiet = true,
            "-V" | "--verbose" => verbose.push(name.clone()),
            "-G" | "--query" | "--get-value" => command = "--query",
            "-D" | "--delete" | "--delete-attr" => command = "--delete",
            "-r" | "--resource" | "--resource-id" => resource = value,
            "-n" | "--operation" => operation = value,
            "-I" | "--interval" => interval = value,
            "-N" | "--node" | "-U" | "--uname" => target = value,
            "-v" | "--attr-value" => {
                if value == "0" {
                    command = "--delete";
                } else {
                    printed.stderr.push_str(&format!(
                        "warning: ignoring deprecated option '{name}' with nonzero value\n"
                    ));
                }
            }
            "-i" | "--attr-id" | "-l" | "--lifetime" => {
                printed
                    .stderr
                    .push_str(&format!("warning: ignoring deprecated option '{name}'\n"));
            }
            other => {
                let exit = usage_exit(&mut printed, Some(&format!("unknown option '{other}'")));
                return (printed, exit);
            }
        }
    }
    if command.is_empty() {
        let exit = usage_exit(&mut printed, Some("must specify a command"));
        return (printed, exit);
    }
    if resource.is_empty() {
        let exit = usage_exit(&mut printed, Some("resource name required"));
        return (printed, exit);
    }
    if target.is_empty() {
        let exit = usage_exit(&mut printed, Some("node name required"));
        return (printed, exit);
    }
    let interval = parse_interval(&interval).unwrap_or_else(|| {
        printed
            .stderr
            .push_str("warning: Unrecognized interval, using 0\n");
        0
    });
    if command == "--query" {
        let rsc_attr = format!("fail-count-{resource}");
        let (mut display, mut count) = if operation.is_empty() {
            match attr_sum(&target, &format!("{rsc_attr}#")) {
                Ok(c) => (rsc_attr.clone(), c),
                Err(exit) => {
                    printed
                        .stderr
                        .push_str("error: could not query CIB for fail counts\n");
                    return (printed, exit);
                }
            }
        } else {
            let d = format!("{rsc_attr}#{operation}_{interval}");
            let c = single_attr(&target, &d, &verbose);
            (d, c)
        };
        if count == "0" {
            count = single_attr(&target, &rsc_attr, &verbose);
            if count != "0" {
                display = rsc_attr;
            }
        }
        if quiet {
            printed.stdout.push_str(&format!("{count}\n"));
        } else {
            printed
                .stdout
                .push_str(&format!("scope=status  name={display} value={count}\n"));
        }
        return (printed, CrmExit::OK);
    }
    let mut argv: Vec<String> = vec!["crm_resource".into()];
    if quiet {
        argv.push("--quiet".into());
    }
    argv.extend(verbose);
    argv.extend([
        "--cleanup".into(),
        "-N".into(),
        target,
        "-r".into(),
        resource,
    ]);
    if !operation.is_empty() {
        argv.extend(["-n".into(), operation, "-I".into(), format!("{interval}ms")]);
    }
    let (p, exit) = crate::crm_resource::run(&argv);
    printed.stdout.push_str(&p.stdout);
    printed.stderr.push_str(&p.stderr);
    (printed, exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("10"), Some(10_000));
        assert_eq!(parse_interval("10ms"), Some(10));
        assert_eq!(parse_interval("2min"), Some(120_000));
        assert_eq!(parse_interval("PT1H30M"), Some(5_400_000));
        assert_eq!(parse_interval("P2W"), Some(1_209_600_000));
        assert_eq!(parse_interval("bogus"), None);
    }
}
