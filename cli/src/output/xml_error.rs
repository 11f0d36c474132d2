//! XML parse errors worded as libxml2 words them, for the
//! `pcmk__log_xmllib_err` log lines Pacemaker's tools print on bad input.

use pcmk_common::xml::XmlError;

/// The libxml2-style error text for `input`, which failed to parse with
/// `err`: the `Entity: line N: parser error : ...` line, the offending
/// line of input, and a caret under the error position.
pub fn xmllib_error_lines(input: &str, err: &XmlError) -> Vec<String> {
    let first = input.find(|c: char| !c.is_ascii_whitespace());
    let (offset, message) = match (first, err) {
        (None, _) => (input.len(), "Document is empty".to_string()),
        (Some(i), _) if !input[i..].starts_with('<') => {
            (i, "Start tag expected, '<' not found".to_string())
        }
        (_, XmlError::Empty) => (input.len(), "Document is empty".to_string()),
        (_, XmlError::Syntax { position, message }) => {
            (usize::try_from(*position).unwrap_or(0), message.clone())
        }
        (_, XmlError::TrailingContent { position }) => (
            usize::try_from(*position).unwrap_or(0),
            "Extra content at the end of the document".to_string(),
        ),
        (_, other) => (input.len(), other.to_string()),
    };
    let offset = offset.min(input.len());
    let before = &input[..offset];
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = input[offset..]
        .find('\n')
        .map_or(input.len(), |i| offset + i);
    let line = &input[line_start..line_end];
    let column = input[line_start..offset].chars().count();
    vec![
        format!("Entity: line {line_no}: parser error : {message}"),
        line.to_string(),
        format!("{}^", " ".repeat(column)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;

    #[test]
    fn libxml2_wording() {
        let input = "invalidxml";
        let err = parse(input).expect_err("not xml");
        assert_eq!(
            xmllib_error_lines(input, &err),
            [
                "Entity: line 1: parser error : Start tag expected, '<' not found",
                "invalidxml",
                "^"
            ]
        );
        let input = "<a>\n  <b></c>\n</a>";
        let err = parse(input).expect_err("mismatched");
        let lines = xmllib_error_lines(input, &err);
        assert!(lines[0].starts_with("Entity: line 2: parser error : "));
        assert_eq!(lines[1], "  <b></c>");
    }
}
