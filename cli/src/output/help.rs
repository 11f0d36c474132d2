//! `--help` text laid out as GLib's option parser does for Pacemaker's
//! tools (scripts such as pcs and crmsh grep it for option names).

/// One option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The short form (`-n`), if any.
    pub short: Option<char>,
    /// The long form without dashes (`name`).
    pub long: &'static str,
    /// The argument's name (`FORMAT`) for options taking one.
    pub arg: Option<&'static str>,
    /// What the option does.
    pub desc: &'static str,
}

impl Entry {
    /// An option without argument.
    pub const fn flag(short: Option<char>, long: &'static str, desc: &'static str) -> Entry {
        Entry {
            short,
            long,
            arg: None,
            desc,
        }
    }

    /// An option taking an argument named `arg`.
    pub const fn with_arg(
        short: Option<char>,
        long: &'static str,
        arg: &'static str,
        desc: &'static str,
    ) -> Entry {
        Entry {
            short,
            long,
            arg: Some(arg),
            desc,
        }
    }

    fn width(&self) -> usize {
        self.long.len()
            + if self.short.is_some() { 4 } else { 0 }
            + self.arg.map_or(0, |a| a.len() + 1)
    }
}

/// A group of options shown by `--help-<name>` and `--help-all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The name in `--help-<name>`.
    pub name: &'static str,
    /// The heading (`Output Options:`).
    pub title: &'static str,
    /// The description of `--help-<name>` itself.
    pub help_desc: &'static str,
    /// The options.
    pub entries: Vec<Entry>,
}

/// What to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which<'a> {
    /// `--help`: the help options and the main options.
    Main,
    /// `--help-all`: every group.
    All,
    /// `--help-<name>`: one group.
    Group(&'a str),
}

/// The whole option description of a tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Help {
    /// The program name.
    pub prog: &'static str,
    /// What follows `[OPTION?]` in the usage line, if anything.
    pub params: Option<&'static str>,
    /// The summary paragraph.
    pub summary: &'static str,
    /// The closing paragraph.
    pub description: &'static str,
    /// Option groups in the order they were added.
    pub groups: Vec<Group>,
    /// The main ("Application Options") entries.
    pub main: Vec<Entry>,
}

/// The `--version` and `--verbose` entries every tool has.
pub fn common_entries() -> Vec<Entry> {
    vec![
        Entry::flag(Some('$'), "version", "Display software version and exit"),
        Entry::flag(
            Some('V'),
            "verbose",
            "Increase debug output (may be specified multiple times)",
        ),
    ]
}

/// The `Output Options` group for the formats named in `formats`
/// (`text (default), xml`).
pub fn output_group(formats: &'static str) -> Group {
    let desc: &'static str = match formats {
        "text (default), xml" => "Specify output format as one of: text (default), xml",
        "text (default), xml, none" => "Specify output format as one of: text (default), xml, none",
        _ => "Specify output format",
    };
    Group {
        name: "output",
        title: "Output Options:",
        help_desc: "Show output help",
        entries: vec![
            Entry::with_arg(None, "output-as", "FORMAT", desc),
            Entry::with_arg(
                None,
                "output-to",
                "DEST",
                "Specify file name for output (or \"-\" for stdout)",
            ),
        ],
    }
}

/// The "Report bugs" paragraph of Pacemaker's tools.
pub const REPORT_BUGS: &str = "Report bugs to users@clusterlabs.org\n";

impl Help {
    fn help_entries(&self) -> Vec<(String, &'static str)> {
        let mut v = vec![
            ("-h, --help".to_string(), "Show help options"),
            ("--help-all".to_string(), "Show all help options"),
        ];
        for g in &self.groups {
            v.push((format!("--help-{}", g.name), g.help_desc));
        }
        v
    }

    /// The help text.
    pub fn render(&self, which: Which<'_>) -> String {
        let mut max = "-?, --help".len();
        max = max.max("help-all".len());
        for g in &self.groups {
            max = max.max(g.name.len() + "help-".len());
            for e in &g.entries {
                max = max.max(e.width());
            }
        }
        for e in &self.main {
            max = max.max(e.width());
        }
        let column = max + 4;
        let line = |out: &mut String, left: &str, desc: &str| {
            let pad = (column + 4).saturating_sub(left.len());
            out.push_str(left);
            out.push_str(&" ".repeat(pad));
            out.push(' ');
            out.push_str(desc);
            out.push('\n');
        };
        let entry = |out: &mut String, e: &Entry| {
            let mut left = match e.short {
                Some(s) => format!("  -{s}, --{}", e.long),
                None => format!("  --{}", e.long),
            };
            if let Some(a) = e.arg {
                left.push('=');
                left.push_str(a);
            }
            line(out, &left, e.desc);
        };
        let mut out = String::new();
        out.push_str("Usage:\n  ");
        out.push_str(self.prog);
        out.push_str(" [OPTION?]");
        if let Some(p) = self.params {
            out.push(' ');
            out.push_str(p);
        }
        out.push_str("\n\n");
        out.push_str(self.summary);
        out.push_str("\n\n");
        if !matches!(which, Which::Group(_)) {
            out.push_str("Help Options:\n");
            for (left, desc) in self.help_entries() {
                line(&mut out, &format!("  {left}"), desc);
            }
            out.push('\n');
        }
        for g in &self.groups {
            let shown = match which {
                Which::All => true,
                Which::Group(name) => name == g.name,
                Which::Main => false,
            };
            if shown {
                out.push_str(g.title);
                out.push('\n');
                for e in &g.entries {
                    entry(&mut out, e);
                }
                out.push('\n');
            }
        }
        if !matches!(which, Which::Group(_)) {
            out.push_str("Application Options:\n");
            for e in &self.main {
                entry(&mut out, e);
            }
            out.push('\n');
        }
        out.push_str(self.description);
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glib_layout() {
        let mut main = common_entries();
        main.push(Entry::flag(Some('n'), "name", "Show error's name"));
        let help = Help {
            prog: "crm_error",
            params: Some("[-- <rc> [<rc>...]]"),
            summary: "crm_error - display name or description of a Pacemaker error code",
            description: REPORT_BUGS,
            groups: vec![output_group("text (default), xml")],
            main,
        };
        let text = help.render(Which::Main);
        let expected = "Usage:\n  crm_error [OPTION?] [-- <rc> [<rc>...]]\n\ncrm_error - display name or description of a Pacemaker error code\n\nHelp Options:\n  -h, --help             Show help options\n  --help-all             Show all help options\n  --help-output          Show output help\n\nApplication Options:\n  -$, --version          Display software version and exit\n  -V, --verbose          Increase debug output (may be specified multiple times)\n  -n, --name             Show error's name\n\nReport bugs to users@clusterlabs.org\n\n";
        assert_eq!(text, expected);
        let all = help.render(Which::All);
        assert!(all.contains("Output Options:\n  --output-as=FORMAT     Specify output format as one of: text (default), xml\n"));
        let group = help.render(Which::Group("output"));
        assert!(!group.contains("Help Options") && group.contains("--output-to=DEST"));
    }
}
