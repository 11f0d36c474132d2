//! `crm_diff`'s output: like [`crate::output::Output`], except that its
//! results are whole XML documents, which the XML format carries as CDATA
//! (`out->output_xml()`): `<patchset><![CDATA[<diff ...>]]></patchset>`.
//! Text prints results as they come and errors on standard error; XML
//! collects everything into one `<pacemaker-result>` document; `none`
//! prints nothing.

use std::io::Write;

use pcmk_common::exit::CrmExit;

pub use crate::output::Format;
use crate::output::{API_VERSION, PACEMAKER_VERSION, quote_cmdline};

const AUTHOR: &str = "Andrew Beekhof and the Pacemaker project contributors";

/// One output session.
pub struct Output<'w> {
    format: Format,
    request: String,
    out: &'w mut dyn Write,
    err: &'w mut dyn Write,
    errors: Vec<String>,
    /// XML mode: the result element, already serialized.
    body: Option<String>,
}

impl<'w> Output<'w> {
    /// A session writing results to `out` and text-mode errors to `err`;
    /// `argv` is the command line, recorded in XML results.
    pub fn new(
        format: Format,
        argv: &[String],
        out: &'w mut dyn Write,
        err: &'w mut dyn Write,
    ) -> Output<'w> {
        Output {
            format,
            request: quote_cmdline(argv),
            out,
            err,
            errors: Vec::new(),
            body: None,
        }
    }

    /// Reports an error or warning.
    pub fn err(&mut self, message: &str) {
        match self.format {
            Format::Text => {
                let _ = writeln!(self.err, "{message}");
            }
            Format::Xml => self.errors.push(message.to_string()),
            Format::None => {}
        }
    }

    /// A log line, on standard error whatever the format.
    pub fn log_line(&mut self, line: &str) {
        let _ = writeln!(self.err, "{line}");
    }

    /// Outputs an XML document: as is in text mode, as the CDATA content
    /// of element `name` in XML mode.
    pub fn output_xml(&mut self, name: &str, buf: &str) {
        match self.format {
            Format::Text => {
                let _ = self.out.write_all(buf.as_bytes());
            }
            Format::Xml => {
                self.body = Some(format!("  <{name}><![CDATA[{buf}]]></{name}>\n"));
            }
            Format::None => {}
        }
    }

    /// Outputs the program's version.
    pub fn version(&mut self) {
        match self.format {
            Format::Text => {
                let _ = writeln!(
                    self.out,
                    "Pacemaker {PACEMAKER_VERSION}\nWritten by {AUTHOR}"
                );
            }
            Format::Xml => {
                self.body = Some(format!(
                    "  <version program=\"Pacemaker\" version=\"{PACEMAKER_VERSION}\" author=\"{AUTHOR}\" build=\"pacemaker-rs {}\" features=\"\"/>\n",
                    env!("CARGO_PKG_VERSION")
                ));
            }
            Format::None => {}
        }
    }

    /// Ends the session with `exit` as the result.
    pub fn finish(self, exit: CrmExit) {
        if self.format != Format::Xml {
            let _ = self.out.flush();
            return;
        }
        let mut doc = format!(
            "<pacemaker-result api-version=\"{API_VERSION}\" request=\"{}\">\n",
            escape_attr(&self.request)
        );
        if let Some(body) = &self.body {
            doc.push_str(body);
        }
        let status = format!(
            "  <status code=\"{}\" message=\"{}\"",
            exit.code(),
            escape_attr(exit.description())
        );
        doc.push_str(&status);
        if self.errors.is_empty() {
            doc.push_str("/>\n");
        } else {
            doc.push_str(">\n    <errors>\n");
            for e in &self.errors {
                doc.push_str("      <error>");
                doc.push_str(&escape_text(e));
                doc.push_str("</error>\n");
            }
            doc.push_str("    </errors>\n  </status>\n");
        }
        doc.push_str("</pacemaker-result>\n");
        let _ = self.out.write_all(doc.as_bytes());
        let _ = self.out.flush();
    }
}

/// Escapes an attribute value as libxml2 serializes it in a document with
/// no declared encoding.
fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if !c.is_ascii() => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Escapes element content as libxml2 does.
fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_attr("a<\"é\n"), "a&lt;&quot;&#xE9;&#10;");
        assert_eq!(escape_text("a<&>\r\""), "a&lt;&amp;&gt;&#13;\"");
    }

    #[test]
    fn xml_envelope() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let argv = vec!["crm_diff".to_string(), "-u".to_string()];
        let mut o = Output::new(Format::Xml, &argv, &mut out, &mut err);
        o.err("Warning: something");
        o.output_xml("patchset", "<diff/>\n");
        o.finish(CrmExit::Error);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<pacemaker-result api-version=\"2.42\" request=\"crm_diff -u\">\n  <patchset><![CDATA[<diff/>\n]]></patchset>\n  <status code=\"1\" message=\"Error occurred\">\n    <errors>\n      <error>Warning: something</error>\n    </errors>\n  </status>\n</pacemaker-result>\n"
        );
        assert!(err.is_empty());
    }
}
