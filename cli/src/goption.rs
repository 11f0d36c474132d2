//! Command lines parsed as GLib's option parser parses Pacemaker's tools
//! (`g_option_context_parse` after `pcmk__cmdline_preproc`).
//!
//! Pacemaker's tools act on their options in the order given (callbacks
//! that overwrite each other: the last command wins, `-n` after `-p`
//! cancels the promotion score...), accept values that begin with a dash
//! for options that require one (`-v -INFINITY`), take an optional value
//! only when the next word does not begin with a dash (`-p -v 1`), and
//! leave non-option words in place. This module reproduces that: a
//! [`Table`] of options gives the ordered list of [`Given`] options and
//! the remaining words, and the GLib-style `--help` text.

use pcmk_common::exit::CrmExit;

use crate::output::help::{Entry, Group, Help, Which};
use crate::output::{Format, Output, Printed};

/// Whether an option takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// A flag.
    None,
    /// A value is required (the next word, whatever it is).
    Required,
    /// A value is optional (`--x=v`, or the next word unless it begins
    /// with a dash).
    Optional,
}

/// One option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// Short form.
    pub short: Option<char>,
    /// Long form, which also identifies the option.
    pub long: &'static str,
    /// Whether it takes a value.
    pub kind: ArgKind,
    /// The value's name in `--help`.
    pub arg_name: Option<&'static str>,
    /// The description in `--help`.
    pub desc: &'static str,
    /// Not shown by `--help`.
    pub hidden: bool,
}

impl Opt {
    /// A flag.
    pub const fn flag(short: Option<char>, long: &'static str, desc: &'static str) -> Opt {
        Opt {
            short,
            long,
            kind: ArgKind::None,
            arg_name: None,
            desc,
            hidden: false,
        }
    }

    /// An option with a required value.
    pub const fn value(
        short: Option<char>,
        long: &'static str,
        arg_name: &'static str,
        desc: &'static str,
    ) -> Opt {
        Opt {
            short,
            long,
            kind: ArgKind::Required,
            arg_name: Some(arg_name),
            desc,
            hidden: false,
        }
    }

    /// An option with an optional value.
    pub const fn optional(
        short: Option<char>,
        long: &'static str,
        arg_name: &'static str,
        desc: &'static str,
    ) -> Opt {
        Opt {
            short,
            long,
            kind: ArgKind::Optional,
            arg_name: Some(arg_name),
            desc,
            hidden: false,
        }
    }

    /// The same option, taking an optional value that `--help` does not
    /// name.
    #[must_use]
    pub const fn optional_value(mut self) -> Opt {
        self.kind = ArgKind::Optional;
        self
    }

    /// The same option, hidden from `--help`.
    #[must_use]
    pub const fn hide(mut self) -> Opt {
        self.hidden = true;
        self
    }

    fn entry(&self) -> Entry {
        Entry {
            short: self.short,
            long: self.long,
            arg: self.arg_name,
            desc: self.desc,
        }
    }
}

/// A group of options (`--help-<name>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptGroup {
    /// The name in `--help-<name>`.
    pub name: &'static str,
    /// The heading.
    pub title: &'static str,
    /// The description of `--help-<name>`.
    pub help_desc: &'static str,
    /// The options.
    pub opts: Vec<Opt>,
}

/// An option found on the command line, with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// The option's long name.
    pub name: &'static str,
    /// Its value, if it took one.
    pub value: Option<String>,
    /// How it was written (`-T`, `--timeout`), as GLib's errors name it.
    pub written: String,
}

/// A parsed command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Options in the order given.
    pub opts: Vec<Given>,
    /// Words that are not options, program name excluded.
    pub rest: Vec<String>,
    /// Deprecation notices of the pre-processing, for standard error.
    pub notices: Vec<String>,
}

impl Parsed {
    /// Whether option `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.opts.iter().any(|g| g.name == name)
    }

    /// How many times option `name` was given.
    pub fn count(&self, name: &str) -> usize {
        self.opts.iter().filter(|g| g.name == name).count()
    }

    /// The last value of option `name`.
    pub fn last(&self, name: &str) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|g| g.name == name)
            .and_then(|g| g.value.as_deref())
    }
}

/// A tool's options, with what `--help` shows around them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Program name.
    pub prog: &'static str,
    /// What follows `[OPTION?]` in the usage line.
    pub params: Option<&'static str>,
    /// Summary paragraph.
    pub summary: &'static str,
    /// Closing paragraph.
    pub description: &'static str,
    /// Output formats, as `--output-as` describes them
    /// (`text (default), xml`); `None` for tools without formats.
    pub formats: Option<&'static str>,
    /// Extra main options (after `--version` and `--verbose`).
    pub main: Vec<Opt>,
    /// The tool's groups, after the output group.
    pub groups: Vec<OptGroup>,
}

/// The options every Pacemaker tool has.
fn common_opts(formats: Option<&'static str>) -> (Vec<Opt>, Option<OptGroup>) {
    let main = vec![
        Opt::flag(Some('$'), "version", "Display software version and exit"),
        Opt::flag(
            Some('V'),
            "verbose",
            "Increase debug output (may be specified multiple times)",
        ),
    ];
    let output = formats.map(|f| {
        let g = crate::output::help::output_group(f);
        OptGroup {
            name: g.name,
            title: g.title,
            help_desc: g.help_desc,
            opts: g
                .entries
                .iter()
                .map(|e| Opt::value(e.short, e.long, e.arg.unwrap_or("VALUE"), e.desc))
                .collect(),
        }
    });
    (main, output)
}

impl Table {
    fn all_groups(&self) -> Vec<OptGroup> {
        let (_, output) = common_opts(self.formats);
        output
            .into_iter()
            .chain(self.groups.iter().cloned())
            .collect()
    }

    fn all_main(&self) -> Vec<Opt> {
        let (mut main, _) = common_opts(self.formats);
        main.extend(self.main.iter().copied());
        main
    }

    /// The `--help` layout of the table.
    pub fn help(&self) -> Help {
        let visible = |opts: &[Opt]| -> Vec<Entry> {
            opts.iter().filter(|o| !o.hidden).map(Opt::entry).collect()
        };
        Help {
            prog: self.prog,
            params: self.params,
            summary: self.summary,
            description: self.description,
            groups: self
                .all_groups()
                .iter()
                .map(|g| Group {
                    name: g.name,
                    title: g.title,
                    help_desc: g.help_desc,
                    entries: visible(&g.opts),
                })
                .collect(),
            main: visible(&self.all_main()),
        }
    }

    /// The help text `argv` asks for, if any.
    pub fn help_request<S: AsRef<str>>(&self, argv: &[S]) -> Option<String> {
        let help = self.help();
        let names: Vec<&str> = help.groups.iter().map(|g| g.name).collect();
        crate::args::help_request(argv, &names).map(|w: Which<'_>| help.render(w))
    }

    fn every_opt(&self) -> Vec<Opt> {
        let mut v = self.all_main();
        for g in self.all_groups() {
            v.extend(g.opts);
        }
        v
    }

    /// Parses `argv` (program name first) after Pacemaker's
    /// pre-processing with the short options in `special` taking the next
    /// word as their value. The error is GLib's message without the
    /// program name (`Unknown option -x`).
    pub fn parse<S: AsRef<str>>(&self, argv: &[S], special: &str) -> Result<Parsed, String> {
        let (words, notices) = preprocess(argv, special);
        let opts = self.every_opt();
        let mut parsed = Parsed {
            notices,
            ..Parsed::default()
        };
        let mut i = 0;
        let mut dashes = false;
        while i < words.len() {
            let w = &words[i];
            i += 1;
            if dashes {
                parsed.rest.push(w.clone());
                continue;
            }
            if w == "--" {
                dashes = true;
                continue;
            }
            if let Some(body) = w.strip_prefix("--") {
                let (name, inline) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (body, None),
                };
                let Some(opt) = opts.iter().find(|o| o.long == name) else {
                    return Err(format!("Unknown option --{name}"));
                };
                let shown = format!("--{name}");
                let value = take_value(opt, inline, &words, &mut i, &shown)?;
                parsed.opts.push(Given {
                    name: opt.long,
                    value,
                    written: shown,
                });
            } else if w.len() > 1 && w.starts_with('-') {
                let chars: Vec<char> = w[1..].chars().collect();
                for (k, c) in chars.iter().enumerate() {
                    let Some(opt) = opts.iter().find(|o| o.short == Some(*c)) else {
                        return Err(format!("Unknown option -{c}"));
                    };
                    let shown = format!("-{c}");
                    let value = if opt.kind != ArgKind::None && k + 1 < chars.len() {
                        // GLib refuses a value-taking option inside a group.
                        return Err(format!("Error parsing option {shown}"));
                    } else {
                        take_value(opt, None, &words, &mut i, &shown)?
                    };
                    parsed.opts.push(Given {
                        name: opt.long,
                        value,
                        written: shown,
                    });
                }
            } else {
                parsed.rest.push(w.clone());
            }
        }
        Ok(parsed)
    }
}

fn take_value(
    opt: &Opt,
    inline: Option<String>,
    words: &[String],
    i: &mut usize,
    shown: &str,
) -> Result<Option<String>, String> {
    match opt.kind {
        ArgKind::None => {
            if inline.is_some() {
                return Err(format!("Unexpected argument to {shown}"));
            }
            Ok(None)
        }
        ArgKind::Required => {
            if inline.is_some() {
                return Ok(inline);
            }
            match words.get(*i) {
                Some(v) => {
                    *i += 1;
                    Ok(Some(v.clone()))
                }
                None => Err(format!("Missing argument for {shown}")),
            }
        }
        ArgKind::Optional => {
            if inline.is_some() {
                return Ok(inline);
            }
            match words.get(*i) {
                Some(v) if !v.starts_with('-') => {
                    *i += 1;
                    Ok(Some(v.clone()))
                }
                _ => Ok(None),
            }
        }
    }
}

/// Pacemaker's `pcmk__cmdline_preproc`: splits groups of short options,
/// separates a value glued to one of the `special` short options (with a
/// deprecation notice on standard error), and keeps negative numbers and
/// `-INFINITY` whole. The program name is dropped; the notices are
/// returned beside the words.
pub fn preprocess<S: AsRef<str>>(argv: &[S], special: &str) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut notices = Vec::new();
    let mut dashes = false;
    let mut copy_next = false;
    for a in argv.iter().skip(1).map(AsRef::as_ref) {
        if !dashes && a == "--" {
            dashes = true;
        }
        if dashes || copy_next || a == "-" || a == "-INFINITY" {
            copy_next = false;
            out.push(a.to_string());
            continue;
        }
        let Some(body) = a.strip_prefix('-').filter(|_| !a.starts_with("--")) else {
            out.push(a.to_string());
            continue;
        };
        if body.starts_with(|c: char| ('1'..='9').contains(&c))
            && body.chars().all(|c| c.is_ascii_digit())
        {
            out.push(a.to_string());
            continue;
        }
        let chars: Vec<char> = body.chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            if special.contains(c) {
                if k + 1 < chars.len() {
                    let rest: String = chars[k + 1..].iter().collect();
                    notices.push(format!("Deprecated argument format '-{c}{rest}' used."));
                    notices.push(format!(
                        "Please use '-{c} {rest}' instead.  Support will be removed in a future release."
                    ));
                    out.push(format!("-{c}"));
                    out.push(rest);
                    break;
                }
                out.push(format!("-{c}"));
                copy_next = true;
            } else {
                out.push(format!("-{c}"));
            }
            k += 1;
        }
    }
    (out, notices)
}

/// The usage error for extra words (`non-option ARGV-elements`), as
/// Pacemaker's tools report it.
pub fn extra_args_message(rest: &[String]) -> String {
    let mut s = String::from("non-option ARGV-elements:\n");
    let n = rest.len();
    for (i, w) in rest.iter().enumerate() {
        s.push_str(&format!("[{} of {n}] {w}\n", i + 1));
    }
    s
}

/// How a tool's run starts: either it is already over (help, usage error,
/// bad output format, `--version`), or it goes on with the parsed command
/// line and its output.
#[derive(Debug)]
pub enum Start {
    /// Print this and exit with this status.
    Done(Printed, CrmExit),
    /// Carry on.
    Run(Parsed, Output),
}

/// The steps every Pacemaker tool takes first: `--help*`, parsing `argv`
/// (a usage error exits with `CRM_EX_USAGE`), creating the output for
/// `--output-as`/`--output-to` among `formats` (an unknown format exits
/// with `bad_format`), and `--version`.
pub fn start<S: AsRef<str>>(
    table: &Table,
    argv: &[S],
    special: &str,
    formats: &[Format],
    bad_format: CrmExit,
) -> Start {
    let prog = table.prog;
    if let Some(text) = table.help_request(argv) {
        return Start::Done(
            Printed {
                stdout: text,
                ..Printed::default()
            },
            CrmExit::OK,
        );
    }
    let parsed = match table.parse(argv, special) {
        Ok(p) => p,
        Err(e) => {
            return Start::Done(
                Printed {
                    stderr: format!("{prog}: {e}\n"),
                    ..Printed::default()
                },
                CrmExit::Usage,
            );
        }
    };
    let format_name = parsed.last("output-as").unwrap_or("text").to_string();
    let Some(format) = Format::parse(&format_name, formats) else {
        return Start::Done(
            Printed {
                stderr: format!(
                    "{prog}: Error creating output format {format_name}: Unknown output format\n"
                ),
                ..Printed::default()
            },
            bad_format,
        );
    };
    let mut out = Output::new(format, argv);
    out.set_destination(parsed.last("output-to"));
    for n in &parsed.notices {
        out.log_line(n);
    }
    if parsed.has("version") {
        crate::output::version(&mut out);
        return Start::Done(out.finish(CrmExit::OK), CrmExit::OK);
    }
    Start::Run(parsed, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            prog: "t",
            params: None,
            summary: "t - test",
            description: "",
            formats: Some("text (default), xml"),
            main: vec![Opt::flag(Some('q'), "quiet", "Quiet")],
            groups: vec![OptGroup {
                name: "command",
                title: "Commands:",
                help_desc: "Show command options",
                opts: vec![
                    Opt::value(Some('v'), "update", "VALUE", "Update"),
                    Opt::optional(Some('p'), "promotion", "RESOURCE", "Promotion"),
                    Opt::flag(Some('G'), "query", "Query"),
                    Opt::flag(Some('D'), "delete", "Delete").hide(),
                ],
            }],
        }
    }

    fn names(p: &Parsed) -> Vec<(&str, Option<&str>)> {
        p.opts
            .iter()
            .map(|g| (g.name, g.value.as_deref()))
            .collect()
    }

    #[test]
    fn glib_semantics() {
        let t = table();
        let p = t
            .parse(&["t", "-p", "-v", "-INFINITY", "x", "-qG"], "pv")
            .unwrap();
        assert_eq!(
            names(&p),
            [
                ("promotion", None),
                ("update", Some("-INFINITY")),
                ("quiet", None),
                ("query", None)
            ]
        );
        assert_eq!(p.rest, ["x"]);
        let p = t.parse(&["t", "-p", "", "--update=3"], "pv").unwrap();
        assert_eq!(names(&p), [("promotion", Some("")), ("update", Some("3"))]);
        let p = t.parse(&["t", "-v", "-10"], "v").unwrap();
        assert_eq!(names(&p), [("update", Some("-10"))]);
        assert_eq!(t.parse(&["t", "-x"], ""), Err("Unknown option -x".into()));
        assert_eq!(
            t.parse(&["t", "--update"], ""),
            Err("Missing argument for --update".into())
        );
        let p = t.parse(&["t", "--", "-G"], "").unwrap();
        assert!(p.opts.is_empty());
        assert_eq!(p.rest, ["-G"]);
        let p = t.parse(&["t", "--output-as=xml", "-V", "-V"], "").unwrap();
        assert_eq!(p.last("output-as"), Some("xml"));
        assert_eq!(p.count("verbose"), 2);
    }

    #[test]
    fn help_hides_hidden() {
        let t = table();
        let text = t.help().render(Which::All);
        assert!(text.contains("--promotion=RESOURCE"));
        assert!(!text.contains("--delete"));
        assert!(text.contains("Output Options:"));
        assert_eq!(
            extra_args_message(&["foo".into(), "bar".into()]),
            "non-option ARGV-elements:\n[1 of 2] foo\n[2 of 2] bar\n"
        );
    }
}
