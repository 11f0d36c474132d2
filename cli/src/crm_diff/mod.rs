//! `crm_diff`: compare two Pacemaker configurations into a v2 patchset, or
//! apply such a patchset to a configuration (Pacemaker's
//! `tools/crm_diff.c`).
//!
//! ```text
//! crm_diff -o old.xml -n new.xml [--cib | --no-version]   # prints a patchset
//! crm_diff -o old.xml -p patch.xml [--cib]                 # prints the result
//! ```
//!
//! Exit codes are Pacemaker's: a difference found exits 1 (`Error
//! occurred`), no difference 0; usage errors 64, unreadable input 65; a
//! patch that cannot be applied exits with its error's code (1 for a failed
//! change or digest mismatch, 103 for an old patch with `--cib`).

mod args;
mod output;

use std::io::{Read, Write};

use pcmk_common::cib::names::{ADMIN_EPOCH, EPOCH, NUM_UPDATES};
use pcmk_common::exit::CrmExit;
use pcmk_common::patchset::{
    DiffOptions, add_digest, apply_patchset, create_patchset, strip_versions,
};
use pcmk_common::xml::{Element, Node, escape_attr, parse};

pub use args::{Options, Parsed, help, parse as parse_args};
pub use output::{Format, Output};

/// The program name used in messages.
const PROGRAM: &str = "crm_diff";

/// A failure that ends the run: the message (without the program name) and
/// the exit code.
struct Failure(String, CrmExit);

/// Removes text nodes throughout a tree, as Pacemaker does for XML read
/// from files (`pcmk__strip_xml_text()`).
fn strip_text(el: &mut Element) {
    el.children.retain(|c| !matches!(c, Node::Text(_)));
    for c in el.elements_mut() {
        strip_text(c);
    }
}

/// Serializes a tree the way Pacemaker prints XML (`pcmk__xml_string()`
/// with pretty formatting and no text): two spaces of indentation per
/// level, comments on their own lines, text content left out.
pub fn pretty(el: &Element) -> String {
    let mut out = String::with_capacity(4096);
    write_pretty(el, 0, &mut out);
    out
}

fn write_pretty(el: &Element, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    out.push_str(&indent);
    out.push('<');
    out.push_str(&el.name);
    for (k, v) in &el.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(&escape_attr(v));
        out.push('"');
    }
    if el.children.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for c in &el.children {
        match c {
            Node::Element(e) => write_pretty(e, depth + 1, out),
            Node::Comment(t) => {
                out.push_str(&indent);
                out.push_str("  <!--");
                out.push_str(t);
                out.push_str("-->\n");
            }
            Node::Text(_) => {}
        }
    }
    out.push_str(&indent);
    out.push_str("</");
    out.push_str(&el.name);
    out.push_str(">\n");
}

/// Where an input comes from.
enum Source<'a> {
    String(&'a str),
    Stdin,
    File(&'a str),
}

/// Reads and parses one input; `None` if it cannot be read or parsed (the
/// reason is logged, as Pacemaker logs libxml2's errors).
fn load(source: Source<'_>, stdin: &mut dyn Read, log: &mut Vec<String>) -> Option<Element> {
    let (text, from_file) = match source {
        Source::String(s) => (Ok(s.to_string()), false),
        Source::Stdin | Source::File("-") => {
            let mut s = String::new();
            (stdin.read_to_string(&mut s).map(|_| s), true)
        }
        Source::File(path) => (
            std::fs::read_to_string(path).map_err(|e| {
                let why = e.to_string();
                let why = why.split(" (os error").next().unwrap_or(&why).to_string();
                std::io::Error::other(format!("failed to load \"{path}\": {why}"))
            }),
            true,
        ),
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            log.push(format!("I/O warning : {e}"));
            return None;
        }
    };
    match parse(&text) {
        Ok(mut el) => {
            if from_file {
                strip_text(&mut el);
            }
            Some(el)
        }
        Err(e) => {
            log.extend(crate::output::xmllib_error_lines(&text, &e));
            None
        }
    }
}

/// Computes and outputs the patchset from `source` to `target`
/// (`generate_patch()`); returns the exit code.
fn generate(
    out: &mut Output<'_>,
    source: &Element,
    mut target: Element,
    opts: &Options,
) -> CrmExit {
    if opts.no_version {
        // Make the versions identical so they do not show as a change.
        for f in [ADMIN_EPOCH, EPOCH, NUM_UPDATES] {
            if let Some(v) = source.attr(f) {
                target.set_attr(f, v);
            }
        }
    }
    let diff_opts = DiffOptions {
        ignore_attr_pos: opts.as_cib,
    };
    let Some(mut diff) = create_patchset(source, &target, diff_opts) else {
        return CrmExit::OK;
    };
    if opts.as_cib {
        add_digest(&mut diff.patchset, &target);
    } else if opts.no_version {
        strip_versions(&mut diff.patchset);
    }
    out.output_xml("patchset", &pretty(&diff.patchset));
    // A difference was found: Pacemaker reports it as an error.
    CrmExit::Error
}

fn execute(
    opts: &Options,
    out: &mut Output<'_>,
    stdin: &mut dyn Read,
    log: &mut Vec<String>,
) -> Result<CrmExit, Failure> {
    if opts.no_version {
        if opts.as_cib {
            return Err(Failure(
                "-u/--no-version incompatible with -c/--cib".into(),
                CrmExit::Usage,
            ));
        }
        if opts.patch {
            out.err("Warning: -u/--no-version ignored with -p/--patch");
        }
    }
    let source_from = if let Some(s) = &opts.source_string {
        Source::String(s)
    } else if opts.use_stdin {
        Source::Stdin
    } else if let Some(f) = &opts.source_file {
        Source::File(f)
    } else {
        return Err(Failure(
            "Either --original or --original-string must be specified".into(),
            CrmExit::Usage,
        ));
    };
    let source = load(source_from, stdin, log);
    let target_from = if let Some(s) = &opts.target_string {
        Source::String(s)
    } else if opts.use_stdin {
        Source::Stdin
    } else if let Some(f) = &opts.target_file {
        Source::File(f)
    } else {
        return Err(Failure(
            "Either --new, --new-string, or --patch must be specified".into(),
            CrmExit::Usage,
        ));
    };
    let target = load(target_from, stdin, log);
    let Some(source) = source else {
        return Err(Failure(
            "Failed to parse original XML".into(),
            CrmExit::DataErr,
        ));
    };
    let Some(target) = target else {
        let what = if opts.patch { "patch" } else { "new" };
        return Err(Failure(
            format!("Failed to parse {what} XML"),
            CrmExit::DataErr,
        ));
    };
    if opts.patch {
        match apply_patchset(&source, &target, opts.as_cib) {
            Ok(updated) => {
                out.output_xml("updated", &pretty(&updated));
                Ok(CrmExit::OK)
            }
            Err(e) => {
                log.push(e.detail().to_string());
                let code = e.exit_code();
                Err(Failure(format!("Could not apply patch: {e}"), code))
            }
        }
    } else {
        Ok(generate(out, &source, target, opts))
    }
}

/// Runs `crm_diff` with `argv` (program name first) and returns its exit
/// code.
pub fn run(
    argv: &[String],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> CrmExit {
    let opts = match args::parse(argv.get(1..).unwrap_or_default()) {
        Parsed::Run(o) => o,
        Parsed::Help(text) => {
            let _ = stdout.write_all(text.as_bytes());
            return CrmExit::OK;
        }
        Parsed::Error(msg) => {
            let _ = writeln!(stderr, "{PROGRAM}: {msg}");
            return CrmExit::Usage;
        }
    };
    let format_name = opts.output_as.as_deref().unwrap_or("text");
    let Some(format) = Format::parse(format_name, &[Format::Text, Format::Xml, Format::None])
    else {
        let _ = writeln!(
            stderr,
            "{PROGRAM}: Error creating output format {format_name}: Unknown output format"
        );
        return CrmExit::Error;
    };
    let mut file;
    let dest: &mut dyn Write = match opts.output_to.as_deref() {
        None | Some("-") => stdout,
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => {
                file = f;
                &mut file
            }
            Err(e) => {
                let why = e.to_string();
                let why = why.split(" (os error").next().unwrap_or(&why);
                let _ = writeln!(
                    stderr,
                    "{PROGRAM}: Error creating output format {format_name}: {why}"
                );
                return CrmExit::Error;
            }
        },
    };
    let logger = crate::output::Logger::from_env(PROGRAM, opts.verbosity);
    let mut log = Vec::new();
    let mut out = Output::new(format, argv, dest, stderr);
    if opts.version {
        out.version();
        out.finish(CrmExit::OK);
        return CrmExit::OK;
    }
    let result = execute(&opts, &mut out, stdin, &mut log);
    // Details (logged with -V or PCMK_stderr) come before the error they
    // explain, in Pacemaker's log layout.
    if !log.is_empty() {
        let mut scratch = crate::output::Output::new(Format::Text, &[PROGRAM]);
        let function = if result.as_ref().is_err_and(|f| f.1 == CrmExit::DataErr) {
            "pcmk__log_xmllib_err"
        } else {
            "xml_apply_patchset"
        };
        for line in &log {
            let line = if function == "pcmk__log_xmllib_err" {
                format!("XML Error: {line}")
            } else {
                line.clone()
            };
            logger.error(&mut scratch, function, &line);
        }
        for line in scratch.finish(CrmExit::OK).stderr.lines() {
            out.log_line(line);
        }
    }
    let code = match result {
        Ok(code) => code,
        Err(Failure(msg, code)) => {
            out.err(&format!("{PROGRAM}: {msg}"));
            code
        }
    };
    out.finish(code);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crm_diff(args: &[&str], stdin: &str) -> (CrmExit, String, String) {
        let argv: Vec<String> = std::iter::once("crm_diff")
            .chain(args.iter().copied())
            .map(String::from)
            .collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(&argv, &mut stdin.as_bytes(), &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    const OLD: &str = r#"<cib epoch="1" num_updates="0" admin_epoch="0"><configuration><nodes/></configuration></cib>"#;
    const NEW: &str = r#"<cib epoch="2" num_updates="0" admin_epoch="0"><configuration><nodes><node id="1"/></nodes></configuration></cib>"#;

    #[test]
    fn diff_then_patch_round_trip() {
        let (code, patch, err) = crm_diff(&["-O", OLD, "-N", NEW], "");
        assert_eq!((code, err.as_str()), (CrmExit::Error, ""));
        assert!(
            patch.starts_with("<diff format=\"2\">\n  <version>\n"),
            "{patch}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("patch.xml");
        std::fs::write(&file, &patch).unwrap();
        let (code, updated, _) = crm_diff(&["-O", OLD, "-p", file.to_str().unwrap(), "--cib"], "");
        assert_eq!(code, CrmExit::OK);
        assert_eq!(
            parse(&updated).unwrap().child("configuration"),
            parse(NEW).unwrap().child("configuration")
        );
        // The same trees: no output, success.
        assert_eq!(
            crm_diff(&["-O", OLD, "-N", OLD], ""),
            (CrmExit::OK, String::new(), String::new())
        );
    }

    #[test]
    fn no_version_and_stdin() {
        let (code, patch, _) = crm_diff(&["-o", "-", "-N", NEW, "--no-version"], OLD);
        assert_eq!(code, CrmExit::Error);
        assert!(
            !patch.contains("<version>") && !patch.contains("path=\"/cib\""),
            "{patch}"
        );
        let (code, patch, _) = crm_diff(&["-O", OLD, "-N", NEW, "--cib"], "");
        assert_eq!(code, CrmExit::Error);
        assert!(patch.starts_with("<diff format=\"2\" digest=\""), "{patch}");
    }

    #[test]
    fn errors_have_pacemaker_codes() {
        assert_eq!(crm_diff(&["-N", NEW], "").0, CrmExit::Usage);
        assert_eq!(crm_diff(&["-O", OLD], "").0, CrmExit::Usage);
        let (code, _, err) = crm_diff(&["-O", "<cib", "-N", NEW], "");
        assert_eq!(
            (code, err.as_str()),
            (CrmExit::DataErr, "crm_diff: Failed to parse original XML\n")
        );
        let (code, _, err) = crm_diff(&["-O", OLD, "-p", "/nonexistent/patch.xml"], "");
        assert_eq!(
            (code, err.as_str()),
            (CrmExit::DataErr, "crm_diff: Failed to parse patch XML\n")
        );
        let (code, _, err) = crm_diff(&["--bogus"], "");
        assert_eq!(
            (code, err.as_str()),
            (CrmExit::Usage, "crm_diff: Unknown option --bogus\n")
        );
        let (code, _, err) = crm_diff(&["--output-as=json", "-O", OLD, "-N", NEW], "");
        assert_eq!(code, CrmExit::Error);
        assert!(err.contains("Unknown output format"));
        let (code, out, _) = crm_diff(&["--output-as=xml", "-O", OLD, "-N", NEW, "-u", "-c"], "");
        assert_eq!(code, CrmExit::Usage);
        assert!(
            out.contains("<error>crm_diff: -u/--no-version incompatible with -c/--cib</error>")
        );
        let (code, out, _) = crm_diff(&["--version"], "");
        assert_eq!(code, CrmExit::OK);
        assert!(out.starts_with("Pacemaker "));
        let (code, out, _) = crm_diff(&["--help-all"], "");
        assert_eq!(code, CrmExit::OK);
        assert!(out.contains("--no-version"));
    }

    #[test]
    fn old_patches_are_refused_with_cib() {
        let (_, patch, _) = crm_diff(&["-O", OLD, "-N", NEW], "");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("patch.xml");
        std::fs::write(&file, &patch).unwrap();
        let (code, _, err) = crm_diff(&["-O", NEW, "-p", file.to_str().unwrap(), "--cib"], "");
        assert_eq!(code, CrmExit::Old);
        assert_eq!(
            err,
            "crm_diff: Could not apply patch: Update was older than existing configuration\n"
        );
    }

    #[test]
    fn pretty_printing_leaves_text_out() {
        let el = parse("<a x=\"&amp;\"><!--c--><b>t</b><c/></a>").unwrap();
        assert_eq!(
            pretty(&el),
            "<a x=\"&amp;\">\n  <!--c-->\n  <b>\n  </b>\n  <c/>\n</a>\n"
        );
    }
}
