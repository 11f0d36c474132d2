//! Tool output the way Pacemaker's tools produce it (the `pcmk__output_t`
//! formatter model), shared by every tool of this crate.
//!
//! * [`Output`][]: text (lines on standard output, errors on standard error)
//!   or XML (a `<pacemaker-result api-version=.. request=..>` document whose
//!   last child is `<status code=.. message=..>`, with an `<errors>` list
//!   when errors were reported), selected by `--output-as`.
//! * [`quote_cmdline`]: the `request` attribute (the command line, each
//!   argument quoted as a shell would need).
//! * [`Logger`]: Pacemaker-style log lines on standard error
//!   (`(function) \terror: message`), shown when `PCMK_stderr` is true or
//!   `-V` is given, as Pacemaker's tools do.
//! * [`help`]: GLib-style `--help`/`--help-all` text.
//! * [`xmllib_error_lines`]: XML parse errors worded as libxml2 does.
//!
//! Typical use in a tool:
//!
//! ```
//! use pcmk_cli::output::{Format, Output};
//! use pcmk_common::exit::CrmExit;
//! use pcmk_common::xml::Element;
//!
//! let argv = ["crm_error", "--output-as=xml", "201"];
//! let mut out = Output::new(Format::Xml, &argv);
//! out.info("Error"); // text only
//! out.xml(Element::new("result-code").with_attr("code", "201"));
//! let printed = out.finish(CrmExit::OK);
//! assert!(printed.stdout.contains("<status code=\"0\" message=\"OK\"/>"));
//! ```

pub mod help;
mod log;
mod quote;
mod xml_error;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

pub use log::{LogLevel, Logger};
pub use quote::quote_cmdline;
pub use xml_error::xmllib_error_lines;

/// The XML API version announced in `<pacemaker-result api-version=..>`
/// (the newest API schema of Pacemaker 3.0.2).
pub const API_VERSION: &str = "2.42";

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable text (the default).
    Text,
    /// XML following Pacemaker's API schemas.
    Xml,
    /// No output at all (`--output-as=none`).
    None,
}

impl Format {
    /// Parses an `--output-as` value among `supported` formats.
    pub fn parse(value: &str, supported: &[Format]) -> Option<Format> {
        let f = match value {
            "text" => Format::Text,
            "xml" => Format::Xml,
            "none" => Format::None,
            _ => return None,
        };
        supported.contains(&f).then_some(f)
    }
}

/// What a finished [`Output`] prints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Printed {
    /// Standard output (or the `--output-to` file).
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The `--output-to` file, if not standard output.
    pub dest: Option<String>,
}

impl Printed {
    /// Writes both streams to the process's standard output (or the
    /// `--output-to` file) and error.
    pub fn print(&self) {
        use std::io::Write as _;
        // Output errors (a closed pipe) cannot be reported anywhere useful.
        match &self.dest {
            Some(path) => {
                if let Err(e) = std::fs::write(path, self.stdout.as_bytes()) {
                    let _ = writeln!(std::io::stderr(), "Could not write output to {path}: {e}");
                }
            }
            None => {
                let _ = std::io::stdout().write_all(self.stdout.as_bytes());
                let _ = std::io::stdout().flush();
            }
        }
        let _ = std::io::stderr().write_all(self.stderr.as_bytes());
    }
}

/// A tool's output in one format, collected until [`Output::finish`].
#[derive(Debug, Clone)]
pub struct Output {
    format: Format,
    request: String,
    children: Vec<Element>,
    errors: Vec<String>,
    printed: Printed,
}

impl Output {
    /// An output in `format` for the command line `argv` (program name
    /// first), which becomes the XML `request`.
    pub fn new<S: AsRef<str>>(format: Format, argv: &[S]) -> Output {
        Output {
            format,
            request: quote_cmdline(argv),
            children: Vec::new(),
            errors: Vec::new(),
            printed: Printed::default(),
        }
    }

    /// Sends standard output to the file `dest` (`--output-to`; `-` or
    /// `None` is standard output).
    pub fn set_destination(&mut self, dest: Option<&str>) {
        self.printed.dest = dest.filter(|d| *d != "-").map(str::to_string);
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the output is XML.
    pub fn is_xml(&self) -> bool {
        self.format == Format::Xml
    }

    /// A line of informational text (`out->info`): printed in text format,
    /// ignored otherwise.
    pub fn info(&mut self, line: &str) {
        if self.format == Format::Text {
            self.printed.stdout.push_str(line);
            self.printed.stdout.push('\n');
        }
    }

    /// An error (`out->err`): a line on standard error in text format, an
    /// `<error>` in the XML `<errors>` list.
    pub fn err(&mut self, line: &str) {
        match self.format {
            Format::Xml => self.errors.push(line.to_string()),
            Format::Text | Format::None => {
                self.printed.stderr.push_str(line);
                self.printed.stderr.push('\n');
            }
        }
    }

    /// A line on standard error whatever the format (log messages).
    pub fn log_line(&mut self, line: &str) {
        self.printed.stderr.push_str(line);
        self.printed.stderr.push('\n');
    }

    /// An element of the XML result (ignored in other formats).
    pub fn xml(&mut self, element: Element) {
        if self.format == Format::Xml {
            self.children.push(element);
        }
    }

    /// Ends the output with the tool's exit status: for XML, the whole
    /// `<pacemaker-result>` document.
    pub fn finish(mut self, exit: CrmExit) -> Printed {
        if self.format == Format::Xml {
            let mut root = Element::new("pacemaker-result")
                .with_attr("api-version", API_VERSION)
                .with_attr("request", self.request.as_str());
            for child in self.children.drain(..) {
                root.push(child);
            }
            let mut status = Element::new("status")
                .with_attr("code", exit.code().to_string())
                .with_attr("message", exit.description());
            if !self.errors.is_empty() {
                let mut errors = Element::new("errors");
                for e in &self.errors {
                    let mut error = Element::new("error");
                    error.children.push(pcmk_common::xml::Node::Text(e.clone()));
                    errors.push(error);
                }
                status.push(errors);
            }
            root.push(status);
            self.printed.stdout.push_str(&root.to_pretty());
        }
        self.printed
    }
}

/// An element holding only text (`pcmk__output_create_xml_text_node`).
pub fn text_element(name: &str, text: &str) -> Element {
    let mut e = Element::new(name);
    e.children
        .push(pcmk_common::xml::Node::Text(text.to_string()));
    e
}

/// The Pacemaker release whose behaviour these tools reproduce, shown by
/// `--version`.
pub const PACEMAKER_VERSION: &str = "3.0.2";

/// The `--version` output (`out->version`).
pub fn version(out: &mut Output) {
    match out.format() {
        Format::Xml => out.xml(
            Element::new("version")
                .with_attr("program", "Pacemaker")
                .with_attr("version", PACEMAKER_VERSION)
                .with_attr(
                    "author",
                    "Andrew Beekhof and the Pacemaker project contributors",
                )
                .with_attr("build", "pacemaker-rs")
                .with_attr("features", ""),
        ),
        _ => {
            out.info(&format!("Pacemaker {PACEMAKER_VERSION}"));
            out.info("Written by Andrew Beekhof and the Pacemaker project contributors");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_result() {
        let mut out = Output::new(Format::Xml, &["crm_rule", "--output-as=xml", "-c"]);
        out.info("ignored");
        out.err("crm_rule: --check requires use of --rule=");
        let p = out.finish(CrmExit::Usage);
        assert_eq!(
            p.stdout,
            "<pacemaker-result api-version=\"2.42\" request=\"crm_rule --output-as=xml -c\">\n  <status code=\"64\" message=\"Incorrect usage\">\n    <errors>\n      <error>crm_rule: --check requires use of --rule=</error>\n    </errors>\n  </status>\n</pacemaker-result>\n"
        );
        assert!(p.stderr.is_empty());
    }

    #[test]
    fn text_result() {
        let mut out = Output::new(Format::Text, &["x"]);
        out.info("a");
        out.err("b");
        out.xml(Element::new("ignored"));
        let p = out.finish(CrmExit::Error);
        assert_eq!((p.stdout.as_str(), p.stderr.as_str()), ("a\n", "b\n"));
    }

    #[test]
    fn formats() {
        let both = [Format::Text, Format::Xml];
        assert_eq!(Format::parse("xml", &both), Some(Format::Xml));
        assert_eq!(Format::parse("none", &both), None);
        assert_eq!(Format::parse("html", &both), None);
    }
}
