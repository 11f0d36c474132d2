//! Pacemaker's text formatter (`lib/common/output_text.c`) for the cluster
//! tools: lists, list items, informational lines and spacers, in plain or
//! "fancy" layout.
//!
//! In fancy layout (`crm_mon`, option lists) lists print their title as
//! `title:`, items print `* id: text`, both indented two spaces per open
//! list. In plain layout titles are not printed and items are bare lines.
//! A list opened with nouns ends with `N nouns found` either way.

/// A list being written.
#[derive(Debug, Clone, Default)]
struct ListData {
    len: usize,
    nouns: Option<(String, String)>,
}

/// Text output being collected.
#[derive(Debug, Clone, Default)]
pub struct TextOut {
    /// The text written so far.
    pub buf: String,
    /// Fancy layout.
    pub fancy: bool,
    /// Quiet: informational lines are dropped.
    pub quiet: bool,
    stack: Vec<ListData>,
}

impl TextOut {
    /// A plain writer.
    pub fn new() -> TextOut {
        TextOut::default()
    }

    /// A fancy writer.
    pub fn fancy() -> TextOut {
        TextOut {
            fancy: true,
            ..TextOut::default()
        }
    }

    /// The nesting depth.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    fn indent(&mut self) {
        if self.fancy {
            let level = self.stack.len();
            for _ in 0..level {
                self.buf.push_str("  ");
            }
            if level > 0 {
                self.buf.push_str("* ");
            }
        }
    }

    /// Opens a list, with a title and nouns for its `N found` footer.
    pub fn begin_list(&mut self, nouns: Option<(&str, &str)>, title: Option<&str>) {
        if self.fancy {
            if let Some(t) = title {
                self.indent();
                self.buf.push_str(t);
                self.buf.push_str(":\n");
            }
        }
        self.stack.push(ListData {
            len: 0,
            nouns: nouns.map(|(s, p)| (s.to_string(), p.to_string())),
        });
    }

    /// A list item, named by `id` in fancy layout.
    pub fn item(&mut self, id: Option<&str>, text: &str) {
        self.indent();
        if self.fancy {
            if let Some(id) = id {
                self.buf.push_str(id);
                self.buf.push_str(": ");
            }
        }
        self.buf.push_str(text);
        self.buf.push('\n');
        self.increment();
    }

    /// Counts one more item in the current list.
    pub fn increment(&mut self) {
        if let Some(top) = self.stack.last_mut() {
            top.len += 1;
        }
    }

    /// Closes the current list.
    pub fn end_list(&mut self) {
        let Some(node) = self.stack.pop() else {
            return;
        };
        if let Some((one, many)) = node.nouns {
            self.indent();
            let noun = if node.len == 1 { one } else { many };
            self.buf.push_str(&format!("{} {noun} found\n", node.len));
        }
    }

    /// An informational line (indented in fancy layout; dropped when
    /// quiet).
    pub fn info(&mut self, text: &str) {
        if self.quiet {
            return;
        }
        self.indent();
        self.buf.push_str(text);
        self.buf.push('\n');
    }

    /// A line printed whatever the quiet setting (`out->info` with quiet
    /// forced off).
    pub fn info_always(&mut self, text: &str) {
        self.indent();
        self.buf.push_str(text);
        self.buf.push('\n');
    }

    /// A blank line.
    pub fn spacer(&mut self) {
        self.buf.push('\n');
    }

    /// Raw text.
    pub fn raw(&mut self, text: &str) {
        self.buf.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        let mut t = TextOut::fancy();
        t.info("Title");
        t.begin_list(None, None);
        t.item(Some("a"), "first");
        t.begin_list(None, Some("SUB"));
        t.item(None, "x");
        t.end_list();
        t.end_list();
        assert_eq!(t.buf, "Title\n  * a: first\n  * SUB:\n    * x\n");
        let mut p = TextOut::new();
        p.begin_list(Some(("thing", "things")), Some("hidden"));
        p.item(Some("id"), "one");
        p.end_list();
        assert_eq!(p.buf, "one\n1 thing found\n");
    }
}
