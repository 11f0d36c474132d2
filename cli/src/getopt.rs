//! GNU `getopt(1)` command-line parsing, for the tools Pacemaker ships as
//! shell scripts (`crm_standby`, `crm_failcount`), which read their
//! options with `getopt -o SHORT --long LONG`.

/// An option found: its name as written (`-q`, `--query`) and its value.
pub type Found = (String, Option<String>);

/// Parses `args` (program name excluded) against `short` (`"qv:"`: a
/// colon after a letter means it takes a value) and `long`
/// (`"query,update:"`), permuting non-options to the end as GNU getopt
/// does. Long options may be abbreviated when unambiguous. The error is
/// getopt's message (`unrecognized option '--x'`).
pub fn getopt(
    args: &[String],
    short: &str,
    long: &str,
) -> Result<(Vec<Found>, Vec<String>), String> {
    let longs: Vec<(&str, bool)> = long
        .split(',')
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_suffix(':') {
            Some(n) => (n, true),
            None => (l, false),
        })
        .collect();
    let takes_value = |c: char| -> Option<bool> {
        let i = short.find(c)?;
        if c == ':' {
            return None;
        }
        Some(short[i + 1..].starts_with(':'))
    };
    let mut found = Vec::new();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            rest.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let exact = longs.iter().find(|(n, _)| *n == name);
            let candidates: Vec<&(&str, bool)> = match exact {
                Some(e) => vec![e],
                None => longs.iter().filter(|(n, _)| n.starts_with(name)).collect(),
            };
            let (full, has_arg) = match candidates.as_slice() {
                [one] => **one,
                [] => return Err(format!("unrecognized option '--{name}'")),
                _ => return Err(format!("option '--{name}' is ambiguous")),
            };
            let value = if has_arg {
                match inline {
                    Some(v) => Some(v),
                    None => match args.get(i) {
                        Some(v) => {
                            i += 1;
                            Some(v.clone())
                        }
                        None => return Err(format!("option '--{full}' requires an argument")),
                    },
                }
            } else if inline.is_some() {
                return Err(format!("option '--{full}' doesn't allow an argument"));
            } else {
                None
            };
            found.push((format!("--{full}"), value));
        } else if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let c = chars[k];
                match takes_value(c) {
                    None => return Err(format!("invalid option -- '{c}'")),
                    Some(false) => found.push((format!("-{c}"), None)),
                    Some(true) => {
                        let value = if k + 1 < chars.len() {
                            chars[k + 1..].iter().collect()
                        } else if let Some(v) = args.get(i) {
                            i += 1;
                            v.clone()
                        } else {
                            return Err(format!("option requires an argument -- '{c}'"));
                        };
                        found.push((format!("-{c}"), Some(value)));
                        break;
                    }
                }
                k += 1;
            }
        } else {
            rest.push(a.clone());
        }
    }
    Ok((found, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn gnu_getopt() {
        let (f, r) = getopt(
            &s(&["-qN", "n1", "x", "--upd=3", "--query"]),
            "qN:",
            "query,update:",
        )
        .unwrap();
        assert_eq!(
            f,
            vec![
                ("-q".to_string(), None),
                ("-N".to_string(), Some("n1".to_string())),
                ("--update".to_string(), Some("3".to_string())),
                ("--query".to_string(), None)
            ]
        );
        assert_eq!(r, s(&["x"]));
        assert!(getopt(&s(&["-z"]), "q", "").is_err());
        assert!(getopt(&s(&["--nope"]), "q", "query").is_err());
    }
}
