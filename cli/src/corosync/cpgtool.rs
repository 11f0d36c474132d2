//! `corosync-cpgtool`: CPG groups and their members.

use pcmk_proto::corosync::{CpgGroups, Empty};

/// How to print.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// `-d`: field delimiter (switches to the script-friendly layout).
    pub delimiter: Option<String>,
    /// `-e`: do not escape unprintable characters in group names.
    pub no_escape: bool,
    /// `-n`: group names only.
    pub names_only: bool,
}

fn escape(name: &str, no_escape: bool) -> String {
    if no_escape {
        return name.to_string();
    }
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c.to_string()
            } else {
                format!("\\x{:02X}", c as u32)
            }
        })
        .collect()
}

/// The report.
pub fn format(groups: &CpgGroups, o: &Opts) -> String {
    let mut out = String::new();
    if o.names_only {
        for g in &groups.groups {
            out.push_str(&escape(&g.group, o.no_escape));
            out.push('\n');
        }
        return out;
    }
    match &o.delimiter {
        Some(d) => {
            for g in &groups.groups {
                for m in &g.members {
                    out.push_str(&format!(
                        "{}{d}{}{d}{}\n",
                        escape(&g.group, o.no_escape),
                        m.pid,
                        m.nodeid
                    ));
                }
            }
        }
        None => {
            out.push_str("Group Name\t       PID\t   Node ID\n");
            for g in &groups.groups {
                out.push_str(&format!("{}\n", escape(&g.group, o.no_escape)));
                for m in &g.members {
                    out.push_str(&format!(
                        "\t\t{:>10}\t{:>10} ({})\n",
                        m.pid, m.nodeid, m.nodeid
                    ));
                }
            }
        }
    }
    out
}

/// Runs the tool; returns the exit code.
pub async fn run(o: &Opts) -> u8 {
    let cs = match super::connect().await {
        Ok(c) => c,
        Err(_) => {
            eprintln!("Couldn't initialize CPG service CS_ERR_LIBRARY");
            return 1;
        }
    };
    match cs.cpg().groups(Empty {}).await {
        Ok(g) => {
            print!("{}", format(&g.into_inner(), o));
            0
        }
        Err(st) => {
            eprintln!("Couldn't iterate CPG groups: {}", super::cs_error(&st));
            1
        }
    }
}
