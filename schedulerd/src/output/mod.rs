//! Text output: the crm_mon-style cluster status, the transition summary
//! and score lines, as `crm_simulate` prints them.

mod clone;
pub mod status;
pub mod transition;

/// An indented list writer with Pacemaker's text formatter layout:
/// lists print `title:`, items print `* text`, nesting indents by two.
#[derive(Debug, Default)]
pub struct TextOut {
    /// Accumulated text.
    pub buf: String,
    depth: usize,
}

impl TextOut {
    /// A new, empty writer.
    pub fn new() -> TextOut {
        TextOut::default()
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.buf.push_str("  ");
        }
    }

    /// Starts a list with a title.
    pub fn begin_list(&mut self, title: &str) {
        self.indent();
        if self.depth > 0 {
            self.buf.push_str("* ");
        }
        self.buf.push_str(title);
        self.buf.push_str(":\n");
        self.depth += 1;
    }

    /// Ends a list.
    pub fn end_list(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Prints a list item, optionally with a name prefix.
    pub fn item(&mut self, name: Option<&str>, text: &str) {
        self.indent();
        self.buf.push_str("* ");
        if let Some(n) = name {
            self.buf.push_str(n);
            self.buf.push_str(": ");
        }
        self.buf.push_str(text);
        self.buf.push('\n');
    }

    /// Prints a blank line.
    pub fn spacer(&mut self) {
        self.buf.push('\n');
    }

    /// Prints a plain line.
    pub fn line(&mut self, text: &str) {
        self.buf.push_str(text);
        self.buf.push('\n');
    }
}
