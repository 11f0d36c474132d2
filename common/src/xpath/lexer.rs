//! Splitting an XPath expression into tokens, with XPath 1.0's rules for
//! telling `*` and operator names apart from name tests (section 3.7).

use super::XPathError;

/// One lexical token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `.`
    Dot,
    /// `..`
    DotDot,
    /// `@`
    At,
    /// `,`
    Comma,
    /// `::`
    ColonColon,
    /// `/`
    Slash,
    /// `//`
    DoubleSlash,
    /// `|`
    Pipe,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `*` as the multiplication operator.
    Multiply,
    /// `and`, `or`, `div` or `mod` as an operator.
    OperatorName(&'static str),
    /// `*` as a name test.
    Star,
    /// A name, possibly with a prefix (`a:b`, `a:*` is kept as is).
    Name(String),
    /// A string literal, without its quotes.
    Literal(String),
    /// A number.
    Number(f64),
    /// `$name`.
    Variable(String),
}

/// A token with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned {
    pub token: Token,
    pub pos: usize,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit() || c == '.' || c == '-'
}

/// Whether, after `prev`, a `*` or a name is an operator (XPath 1.0, 3.7).
fn operator_expected(prev: Option<&Token>) -> bool {
    match prev {
        None => false,
        Some(t) => !matches!(
            t,
            Token::At
                | Token::ColonColon
                | Token::LParen
                | Token::LBracket
                | Token::Comma
                | Token::Slash
                | Token::DoubleSlash
                | Token::Pipe
                | Token::Plus
                | Token::Minus
                | Token::Eq
                | Token::Ne
                | Token::Lt
                | Token::Le
                | Token::Gt
                | Token::Ge
                | Token::Multiply
                | Token::OperatorName(_)
        ),
    }
}

/// Reads an NCName starting at byte `start`; returns its end.
fn scan_ncname(src: &str, start: usize) -> usize {
    let mut end = start;
    for (i, c) in src[start..].char_indices() {
        if is_name_char(c) {
            end = start + i + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Splits `src` into tokens.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Spanned>, XPathError> {
    let mut out: Vec<Spanned> = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        let pos = i;
        let prev = out.last().map(|s| &s.token);
        let next = bytes.get(i + 1).copied();
        let (token, len) = match c {
            b'(' => (Token::LParen, 1),
            b')' => (Token::RParen, 1),
            b'[' => (Token::LBracket, 1),
            b']' => (Token::RBracket, 1),
            b'@' => (Token::At, 1),
            b',' => (Token::Comma, 1),
            b'|' => (Token::Pipe, 1),
            b'+' => (Token::Plus, 1),
            b'-' => (Token::Minus, 1),
            b'=' => (Token::Eq, 1),
            b':' if next == Some(b':') => (Token::ColonColon, 2),
            b'/' if next == Some(b'/') => (Token::DoubleSlash, 2),
            b'/' => (Token::Slash, 1),
            b'!' if next == Some(b'=') => (Token::Ne, 2),
            b'<' if next == Some(b'=') => (Token::Le, 2),
            b'<' => (Token::Lt, 1),
            b'>' if next == Some(b'=') => (Token::Ge, 2),
            b'>' => (Token::Gt, 1),
            b'*' if operator_expected(prev) => (Token::Multiply, 1),
            b'*' => (Token::Star, 1),
            b'.' if next == Some(b'.') => (Token::DotDot, 2),
            b'.' if next.is_some_and(|n| n.is_ascii_digit()) => scan_number(src, i)?,
            b'.' => (Token::Dot, 1),
            b'0'..=b'9' => scan_number(src, i)?,
            b'"' | b'\'' => {
                let Some(close) = src[i + 1..].find(c as char) else {
                    return Err(XPathError::Syntax {
                        position: pos,
                        message: "unterminated string literal".into(),
                    });
                };
                (
                    Token::Literal(src[i + 1..i + 1 + close].to_string()),
                    close + 2,
                )
            }
            b'$' => {
                let end = scan_qname(src, i + 1);
                if end == i + 1 {
                    return Err(XPathError::Syntax {
                        position: pos,
                        message: "expected a variable name after '$'".into(),
                    });
                }
                (Token::Variable(src[i + 1..end].to_string()), end - i)
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('\0');
                if !is_name_start(ch) {
                    return Err(XPathError::Syntax {
                        position: pos,
                        message: format!("unexpected character '{ch}'"),
                    });
                }
                let end = scan_qname(src, i);
                let name = &src[i..end];
                let token = if operator_expected(prev) {
                    match name {
                        "and" => Token::OperatorName("and"),
                        "or" => Token::OperatorName("or"),
                        "div" => Token::OperatorName("div"),
                        "mod" => Token::OperatorName("mod"),
                        _ => {
                            return Err(XPathError::Syntax {
                                position: pos,
                                message: format!("expected an operator, found '{name}'"),
                            });
                        }
                    }
                } else {
                    Token::Name(name.to_string())
                };
                (token, end - i)
            }
        };
        out.push(Spanned { token, pos });
        i += len;
    }
    Ok(out)
}

/// Reads a QName (`ncname`, `prefix:ncname` or `prefix:*`) from `start`;
/// returns its end (equal to `start` if there is none).
fn scan_qname(src: &str, start: usize) -> usize {
    let end = scan_ncname(src, start);
    if end == start {
        return end;
    }
    let rest = &src.as_bytes()[end..];
    if rest.first() == Some(&b':') && rest.get(1) != Some(&b':') {
        if rest.get(1) == Some(&b'*') {
            return end + 2;
        }
        let local_end = scan_ncname(src, end + 1);
        if local_end > end + 1 {
            return local_end;
        }
    }
    end
}

fn scan_number(src: &str, start: usize) -> Result<(Token, usize), XPathError> {
    let bytes = src.as_bytes();
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'.' {
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    let text = &src[start..end];
    let value: f64 = text.parse().map_err(|_| XPathError::Syntax {
        position: start,
        message: format!("invalid number '{text}'"),
    })?;
    Ok((Token::Number(value), end - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Token> {
        tokenize(s).unwrap().into_iter().map(|t| t.token).collect()
    }

    #[test]
    fn star_and_operator_names_by_context() {
        assert_eq!(
            toks("*[2*3]"),
            vec![
                Token::Star,
                Token::LBracket,
                Token::Number(2.0),
                Token::Multiply,
                Token::Number(3.0),
                Token::RBracket
            ]
        );
        assert_eq!(
            toks("and and and"),
            vec![
                Token::Name("and".into()),
                Token::OperatorName("and"),
                Token::Name("and".into())
            ]
        );
    }

    #[test]
    fn literals_numbers_and_names() {
        assert_eq!(
            toks(r#"//nvpair[@id="a'b" and .5 >= 1.]"#),
            vec![
                Token::DoubleSlash,
                Token::Name("nvpair".into()),
                Token::LBracket,
                Token::At,
                Token::Name("id".into()),
                Token::Eq,
                Token::Literal("a'b".into()),
                Token::OperatorName("and"),
                Token::Number(0.5),
                Token::Ge,
                Token::Number(1.0),
                Token::RBracket
            ]
        );
        assert_eq!(
            toks("child::x:y"),
            vec![
                Token::Name("child".into()),
                Token::ColonColon,
                Token::Name("x:y".into())
            ]
        );
    }

    #[test]
    fn errors() {
        assert!(tokenize("'open").is_err());
        assert!(tokenize("a # b").is_err());
        assert!(tokenize("$").is_err());
        assert!(tokenize("a b").is_err());
    }
}
