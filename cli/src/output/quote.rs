//! The command line as the XML `request` attribute shows it
//! (`pcmk__quote_cmdline`): arguments that a shell would split or could
//! not parse are single-quoted.

/// How many words a shell would make of `arg` (GLib's
/// `g_shell_parse_argv`), or `None` when it cannot be parsed (unbalanced
/// quotes, trailing backslash) or holds no word.
fn shell_words(arg: &str) -> Option<usize> {
    let mut words = 0;
    let mut in_word = false;
    let mut chars = arg.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => in_word = false,
            '#' if !in_word => {
                // A comment runs to the end of the line.
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(_) => {}
                        None => return None,
                    }
                }
            }
            '"' => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            chars.next()?;
                        }
                        Some(_) => {}
                        None => return None,
                    }
                }
            }
            '\\' => {
                let next = chars.next()?;
                if next == '\n' {
                    continue;
                }
                if !in_word {
                    words += 1;
                    in_word = true;
                }
            }
            _ => {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
            }
        }
    }
    (words > 0).then_some(words)
}

/// Quotes `arg` for a shell (GLib's `g_shell_quote`).
fn shell_quote(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// The arguments joined by spaces, each quoted when it is not exactly one
/// shell word.
pub fn quote_cmdline<S: AsRef<str>>(argv: &[S]) -> String {
    argv.iter()
        .map(|a| {
            let a = a.as_ref();
            match shell_words(a) {
                Some(1) => a.to_string(),
                _ => shell_quote(a),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let argv = [
            "iso8601",
            "--output-as=xml",
            "-d",
            "2009-W53-7 00:00:00Z",
            "-W",
            "",
            "it's",
            "#uname",
            "a\"b\"c",
        ];
        assert_eq!(
            quote_cmdline(&argv),
            "iso8601 --output-as=xml -d '2009-W53-7 00:00:00Z' -W '' 'it'\\''s' '#uname' a\"b\"c"
        );
        assert_eq!(quote_cmdline(&["-X", "<a b=\"1\"/>"]), "-X '<a b=\"1\"/>'");
        assert_eq!(quote_cmdline(&["--", "-10000"]), "-- -10000");
    }
}
