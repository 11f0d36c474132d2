//! Output shared by the agent tools (`stonith_admin`, `crm_resource`):
//! Pacemaker's `--output-as=xml` envelope (`<pacemaker-result>`) and its
//! plain-text list conventions, and Pacemaker's time format.

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::{Element, escape_attr};

/// The API schema version Pacemaker 3.0.2 announces.
pub const API_VERSION: &str = "2.42";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// `<pacemaker-result>` XML.
    Xml,
}

impl Format {
    /// Parses `--output-as`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }
}

/// Collects a tool's output and prints it at the end (XML needs the exit
/// status before it can be closed).
#[derive(Debug)]
pub struct Out {
    /// Format.
    pub format: Format,
    /// Suppress informational text (`--quiet`).
    pub quiet: bool,
    request: String,
    text: String,
    errors: Vec<String>,
    xml: Vec<Element>,
}

impl Out {
    /// A new output for a command line.
    pub fn new(format: Format, argv: &[String]) -> Out {
        Out {
            format,
            quiet: false,
            request: argv.join(" "),
            text: String::new(),
            errors: Vec::new(),
            xml: Vec::new(),
        }
    }

    /// A line of text output.
    pub fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// Raw text (already terminated as wanted).
    pub fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// An informational line (not in quiet mode, not in XML).
    pub fn info(&mut self, s: &str) {
        if !self.quiet && self.format == Format::Text {
            self.line(s);
        }
    }

    /// An error line (standard error in text; `<errors>` in XML).
    pub fn err(&mut self, s: &str) {
        self.errors.push(s.to_string());
    }

    /// An XML element of the result.
    pub fn xml(&mut self, e: Element) {
        self.xml.push(e);
    }

    /// A list: text items then "N <noun>s found" when nouns are given;
    /// XML `<list name=... count=...>` of `<item>`s.
    pub fn list(
        &mut self,
        title: &str,
        nouns: Option<(&str, &str)>,
        item_name: Option<&str>,
        items: &[String],
    ) {
        match self.format {
            Format::Text => {
                for i in items {
                    self.line(i);
                }
                if let Some((one, many)) = nouns {
                    let n = items.len();
                    self.line(&format!("{n} {} found", if n == 1 { one } else { many }));
                }
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
                self.xml(l);
            }
        }
    }

    /// Prints everything; returns the exit code to use.
    pub fn finish(self, code: CrmExit, prog: &str) -> CrmExit {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        match self.format {
            Format::Text => {
                let _ = stdout.write_all(self.text.as_bytes());
                let _ = stdout.flush();
                let mut stderr = std::io::stderr().lock();
                for e in &self.errors {
                    let _ = writeln!(stderr, "{prog}: {e}");
                }
            }
            Format::Xml => {
                let mut doc = format!(
                    "<pacemaker-result api-version=\"{API_VERSION}\" request=\"{}\">\n",
                    escape_attr(&self.request)
                );
                for e in &self.xml {
                    doc.push_str(&e.to_pretty_at(1));
                }
                let msg = status_message(code);
                if self.errors.is_empty() {
                    doc.push_str(&format!(
                        "  <status code=\"{}\" message=\"{}\"/>\n",
                        code.code(),
                        escape_attr(msg)
                    ));
                } else {
                    doc.push_str(&format!(
                        "  <status code=\"{}\" message=\"{}\">\n    <errors>\n",
                        code.code(),
                        escape_attr(msg)
                    ));
                    for e in &self.errors {
                        doc.push_str(&format!(
                            "      <error>{}</error>\n",
                            pcmk_common::xml::escape_text(&format!("{prog}: {e}"))
                        ));
                    }
                    doc.push_str("    </errors>\n  </status>\n");
                }
                doc.push_str("</pacemaker-result>\n");
                let _ = stdout.write_all(doc.as_bytes());
            }
        }
        code
    }
}

/// The message of an exit status in `<status message=...>`.
pub fn status_message(code: CrmExit) -> &'static str {
    if code == CrmExit::OK {
        "OK"
    } else {
        code.description()
    }
}

/// Pacemaker's timestamp (`YYYY-MM-DD HH:MM:SS[.uuuuuu]Z`, UTC).
pub fn timestamp(secs: i64, nsec: i64, usecs: bool) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    let mut s = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    if usecs {
        s.push_str(&format!(".{:06}", nsec / 1000));
    }
    s.push('Z');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(timestamp(0, 0, false), "1970-01-01 00:00:00Z");
        assert_eq!(
            timestamp(1_700_000_000, 123_456_789, true),
            "2023-11-14 22:13:20.123456Z"
        );
    }
}
