//! The corosync.conf grammar: nested sections of `key: value` lines.
//!
//! A line is blank, a comment (first non-blank character `#`), a section
//! opening (`name {`), a section end (`}`) or an item (`key: value`). The
//! first `{` on a line makes it a section opening; otherwise the first `:`
//! splits key from value, so values may themselves hold colons (IPv6
//! addresses). Whitespace around names and values is dropped. This follows
//! `exec/coroparse.c::parse_section` of Corosync 3.1, whose messages the
//! errors below reuse so that admins see familiar text.

use std::fmt;

/// Longest line Corosync accepts (its line buffer is 512 bytes).
pub const MAX_LINE: usize = 511;

/// One `key: value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The key, as written.
    pub key: String,
    /// The value, whitespace trimmed.
    pub value: String,
    /// 1-based line number in its file.
    pub line: usize,
}

/// A section and what it holds, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The section name (empty for the top level of a file).
    pub name: String,
    /// 1-based line number of the opening line (0 for the top level).
    pub line: usize,
    /// Items and subsections in file order.
    pub entries: Vec<Entry>,
}

/// What a section holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A `key: value` line.
    Item(Item),
    /// A nested `name { ... }` section.
    Section(Section),
}

impl Section {
    /// The items directly inside this section.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Item(i) => Some(i),
            Entry::Section(_) => None,
        })
    }

    /// The subsections directly inside this section, in order.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Section(s) => Some(s),
            Entry::Item(_) => None,
        })
    }

    /// The subsections named `name`.
    pub fn sections_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Section> {
        self.sections().filter(move |s| s.name == name)
    }

    /// The last value given for `key` directly in this section (later lines win, as in Corosync).
    pub fn get(&self, key: &str) -> Option<&Item> {
        self.items().filter(|i| i.key == key).last()
    }
}

/// A syntax error, with the file and line it was found at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parser error: {file}:{line}: {kind}")]
pub struct SyntaxError {
    /// Name of the file being read.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: SyntaxErrorKind,
}

/// The kinds of syntax error, worded as Corosync words them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// A line longer than Corosync's line buffer.
    LineTooLong,
    /// `{` with no name before it.
    MissingSectionName,
    /// Text after `{`.
    ExtraAfterOpen,
    /// Text around `}`.
    ExtraAroundClose,
    /// `}` at the top level.
    UnexpectedClose,
    /// End of file inside a section.
    MissingClose,
    /// `: value` with no key.
    EmptyKey,
    /// Anything else.
    NotSectionOrKey,
}

impl fmt::Display for SyntaxErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SyntaxErrorKind::LineTooLong => "Line too long",
            SyntaxErrorKind::MissingSectionName => {
                "Missing section name before opening bracket '{'"
            }
            SyntaxErrorKind::ExtraAfterOpen => "Extra characters after opening bracket '{'",
            SyntaxErrorKind::ExtraAroundClose => {
                "Extra characters before or after closing bracket '}'"
            }
            SyntaxErrorKind::UnexpectedClose => "Unexpected closing brace",
            SyntaxErrorKind::MissingClose => "Missing closing brace",
            SyntaxErrorKind::EmptyKey => "Key name can't be empty",
            SyntaxErrorKind::NotSectionOrKey => {
                "Line is not opening or closing section or key value"
            }
        })
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{a0}'
}

/// Parses the text of one file into its top-level section.
pub fn parse(text: &str, file: &str) -> Result<Section, SyntaxError> {
    let err = |line, kind| SyntaxError {
        file: file.to_string(),
        line,
        kind,
    };
    // Stack of open sections; the bottom one is the file's top level.
    let mut stack: Vec<Section> = vec![Section::default()];
    let mut last_line = 0;
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        last_line = line_no;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE {
            return Err(err(line_no, SyntaxErrorKind::LineTooLong));
        }
        let line = raw.trim_matches(is_blank);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(pos) = line.find('{') {
            let name = line[..pos].trim_matches(is_blank);
            let after = line[pos + 1..].trim_matches(is_blank);
            if name.is_empty() {
                return Err(err(line_no, SyntaxErrorKind::MissingSectionName));
            }
            if !after.is_empty() {
                return Err(err(line_no, SyntaxErrorKind::ExtraAfterOpen));
            }
            stack.push(Section {
                name: name.to_string(),
                line: line_no,
                entries: Vec::new(),
            });
            continue;
        }
        if let Some(pos) = line.find(':') {
            let key = line[..pos].trim_matches(is_blank);
            let value = line[pos + 1..].trim_matches(is_blank);
            if key.is_empty() {
                return Err(err(line_no, SyntaxErrorKind::EmptyKey));
            }
            if let Some(top) = stack.last_mut() {
                top.entries.push(Entry::Item(Item {
                    key: key.to_string(),
                    value: value.to_string(),
                    line: line_no,
                }));
            }
            continue;
        }
        if line.contains('}') {
            if line != "}" {
                return Err(err(line_no, SyntaxErrorKind::ExtraAroundClose));
            }
            if stack.len() == 1 {
                return Err(err(line_no, SyntaxErrorKind::UnexpectedClose));
            }
            if let Some(done) = stack.pop()
                && let Some(parent) = stack.last_mut()
            {
                parent.entries.push(Entry::Section(done));
            }
            continue;
        }
        return Err(err(line_no, SyntaxErrorKind::NotSectionOrKey));
    }
    if stack.len() != 1 {
        return Err(err(last_line, SyntaxErrorKind::MissingClose));
    }
    Ok(stack.pop().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_sections_items_and_comments() {
        let text = "# top comment\ntotem {\n\tversion: 2\n  # inner\n  interface {\n    linknumber: 0\n  }\n}\n\nnodelist {\n node {\n  ring0_addr: fe80::1\n }\n}\n";
        let top = parse(text, "c.conf").unwrap();
        let totem = top.sections_named("totem").next().unwrap();
        assert_eq!(totem.line, 2);
        assert_eq!(totem.get("version").unwrap().value, "2");
        assert_eq!(totem.get("version").unwrap().line, 3);
        let iface = totem.sections_named("interface").next().unwrap();
        assert_eq!(iface.get("linknumber").unwrap().value, "0");
        let node = top
            .sections_named("nodelist")
            .next()
            .unwrap()
            .sections_named("node")
            .next()
            .unwrap();
        assert_eq!(node.get("ring0_addr").unwrap().value, "fe80::1");
    }

    #[test]
    fn later_value_wins_and_crlf_is_accepted() {
        let top = parse("a {\r\n k: 1\r\n k: 2\r\n}\r\n", "x").unwrap();
        let a = top.sections().next().unwrap();
        assert_eq!(a.get("k").unwrap().value, "2");
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            ("a {\n k: 1\n", 2, SyntaxErrorKind::MissingClose),
            ("}\n", 1, SyntaxErrorKind::UnexpectedClose),
            ("a {\n{\n}\n}\n", 2, SyntaxErrorKind::MissingSectionName),
            ("a { b\n}\n", 1, SyntaxErrorKind::ExtraAfterOpen),
            ("a {\n} x\n", 2, SyntaxErrorKind::ExtraAroundClose),
            ("a {\n : v\n}\n", 2, SyntaxErrorKind::EmptyKey),
            ("a {\n junk\n}\n", 2, SyntaxErrorKind::NotSectionOrKey),
        ];
        for (text, line, kind) in cases {
            let e = parse(text, "f.conf").unwrap_err();
            assert_eq!((e.line, e.kind), (line, kind), "{text:?}");
            assert!(
                e.to_string()
                    .starts_with(&format!("parser error: f.conf:{line}: "))
            );
        }
        let long = format!("a: {}\n", "x".repeat(600));
        assert_eq!(
            parse(&long, "f").unwrap_err().kind,
            SyntaxErrorKind::LineTooLong
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "[a-z{}:# \n\t]{0,200}") {
            let _ = parse(&s, "p");
        }

        #[test]
        fn items_round_trip(keys in proptest::collection::vec(("[a-z_]{1,8}", "[a-z0-9.:]{0,10}"), 0..10)) {
            let mut text = String::from("s {\n");
            for (k, v) in &keys {
                text.push_str(&format!("  {k}: {v}\n"));
            }
            text.push_str("}\n");
            let top = parse(&text, "p").unwrap();
            let s = top.sections().next().unwrap();
            let got: Vec<(String, String)> = s.items().map(|i| (i.key.clone(), i.value.clone())).collect();
            proptest::prop_assert_eq!(got, keys);
        }
    }
}
