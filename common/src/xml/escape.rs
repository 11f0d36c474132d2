//! Escaping of attribute values and text the way Pacemaker 3 writes them.

/// Escapes an attribute value: `<`, `>`, `&` and `"` as entities, control
/// characters (newline, tab, ...) as `&#xHH;` character references.
pub fn escape_attr(value: &str) -> std::borrow::Cow<'_, str> {
    if !value
        .bytes()
        .any(|b| matches!(b, b'<' | b'>' | b'&' | b'"') || b.is_ascii_control())
    {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    for c in value.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c if c.is_ascii_control() => {
                out.push_str(&format!("&#x{:02X};", c as u32));
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Escapes character data: `<`, `>` and `&` as entities, control characters
/// other than newline and tab as character references.
pub fn escape_text(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.bytes().any(|b| {
        matches!(b, b'<' | b'>' | b'&') || (b.is_ascii_control() && b != b'\n' && b != b'\t')
    }) {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 16);
    for c in value.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\t' => out.push(c),
            c if c.is_ascii_control() => {
                out.push_str(&format!("&#x{:02X};", c as u32));
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_escapes() {
        assert_eq!(escape_attr("plain"), "plain");
        assert_eq!(
            escape_attr("a<b>&\"c' \n\t"),
            "a&lt;b&gt;&amp;&quot;c' &#x0A;&#x09;"
        );
    }

    #[test]
    fn text_escapes() {
        assert_eq!(escape_text("a<b\n"), "a&lt;b\n");
    }
}
