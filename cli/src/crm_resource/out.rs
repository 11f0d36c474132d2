//! `crm_resource`'s output: text lines (plain or fancy lists), XML
//! elements under `<pacemaker-result>`, errors (prefixed with the program
//! name for the tool's own failures, bare for library messages), and log
//! lines on standard error, collected until the exit status is known.

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use crate::cibadmin::Cdata;
use crate::output::{Output, Printed};
use crate::text_out::TextOut;
use crate::xml_out::XmlOut;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// `<pacemaker-result>` XML.
    Xml,
}

/// The output of one run.
#[derive(Debug)]
pub struct Out {
    /// Format.
    pub format: Format,
    /// `--quiet`.
    pub quiet: bool,
    /// The shared output (errors, XML result, standard error).
    pub output: Output,
    /// Text being written.
    pub text: TextOut,
    /// XML being built.
    pub xml_out: XmlOut,
    /// CDATA sections of the XML.
    pub cdata: Cdata,
}

impl Out {
    /// A new output on `output`.
    pub fn new(output: Output, quiet: bool) -> Out {
        let format = if output.is_xml() {
            Format::Xml
        } else {
            Format::Text
        };
        let mut text = TextOut::new();
        text.quiet = quiet;
        Out {
            format,
            quiet,
            output,
            text,
            xml_out: XmlOut::new(),
            cdata: Cdata::default(),
        }
    }

    /// Whether the output is XML.
    pub fn is_xml(&self) -> bool {
        self.format == Format::Xml
    }

    /// A line of text output (whatever the quiet setting).
    pub fn line(&mut self, s: &str) {
        if self.format == Format::Text {
            self.text.raw(s);
            self.text.raw("\n");
        }
    }

    /// Raw text.
    pub fn raw(&mut self, s: &str) {
        if self.format == Format::Text {
            self.text.raw(s);
        }
    }

    /// An informational line (`out->info`: not when quiet, not in XML).
    pub fn info(&mut self, s: &str) {
        if self.format == Format::Text {
            self.text.info(s);
        }
    }

    /// An error of the tool, shown as `crm_resource: error`.
    pub fn err(&mut self, s: &str) {
        self.output.err(&format!("crm_resource: {s}"));
    }

    /// A message on the error stream as the library reports it
    /// (`out->err`, no program name).
    pub fn err_raw(&mut self, s: &str) {
        self.output.err(s);
    }

    /// A log line on standard error.
    pub fn log_line(&mut self, s: &str) {
        self.output.log_line(s);
    }

    /// An XML element of the result.
    pub fn xml(&mut self, e: Element) {
        if self.format == Format::Xml {
            self.xml_out.add(e);
        }
    }

    /// `out->output_xml`: the text as is, or a CDATA element.
    pub fn output_xml(&mut self, name: &str, buf: &str) {
        if self.format == Format::Xml {
            let e = self.cdata.element(name, buf);
            self.xml_out.add(e);
        } else {
            self.text.raw(buf);
        }
    }

    /// A list of items: text lines then `N <noun>s found` when nouns are
    /// given; XML `<list name=... count=...>` of `<item>`s.
    pub fn list(
        &mut self,
        title: &str,
        nouns: Option<(&str, &str)>,
        item_name: Option<&str>,
        items: &[String],
    ) {
        match self.format {
            Format::Text => {
                self.text.begin_list(nouns, Some(title));
                for i in items {
                    self.text.item(item_name, i);
                }
                self.text.end_list();
            }
            Format::Xml => {
                let mut l = Element::new("list")
                    .with_attr("name", title.to_ascii_lowercase())
                    .with_attr("count", items.len().to_string());
                for i in items {
                    let mut item = Element::new("item");
                    if let Some(n) = item_name {
                        item.set_attr("name", n);
                    }
                    item.children.push(pcmk_common::xml::Node::Text(i.clone()));
                    l.push(item);
                }
                self.xml_out.add(l);
            }
        }
    }

    /// Everything printed, ending with the exit status.
    pub fn finish(self, code: CrmExit) -> Printed {
        let Out {
            mut output,
            text,
            xml_out,
            cdata,
            ..
        } = self;
        for line in text.buf.lines() {
            output.info(line);
        }
        for e in xml_out.finish() {
            output.xml(e);
        }
        let mut printed = output.finish(code);
        cdata.fill(&mut printed.stdout);
        printed
    }
}
