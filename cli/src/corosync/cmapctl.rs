//! `corosync-cmapctl`: read and change cmap keys.

use pcmk_proto::corosync::{CmapEntry, CmapKey, CmapPrefix, CmapTrackRequest};

/// What to do.
#[derive(Debug, Clone)]
pub enum Action {
    /// Print keys with these prefixes (all when empty).
    List(Vec<String>),
    /// `-g`: print these keys.
    Get(Vec<String>),
    /// `-s KEY TYPE VALUE`.
    Set(String, String, String),
    /// `-d`: delete keys.
    Delete(Vec<String>),
    /// `-D`: delete keys by prefix.
    DeletePrefix(Vec<String>),
    /// `-p FILE`: apply a file of settings.
    Load(String),
    /// `-t` (or `-T` for prefixes): print changes as they happen.
    Track(Vec<String>, bool),
}

/// One entry as the tool prints it.
pub fn format_entry(e: &CmapEntry) -> String {
    format!("{} ({}) = {}", e.key, e.r#type, e.value)
}

async fn set(cs: &pcmk_proto::corosync::client::Corosync, key: &str, ty: &str, value: &str) -> u8 {
    if crate_value_ok(ty, value).is_err() {
        eprintln!("{value} is not valid {ty} type value");
        return 1;
    }
    match cs
        .cmap()
        .set(CmapEntry {
            key: key.to_string(),
            r#type: ty.to_string(),
            value: value.to_string(),
        })
        .await
    {
        Ok(_) => 0,
        Err(st) => {
            eprintln!("Can't set key {key}. Error {}", super::cs_error(&st));
            1
        }
    }
}

fn crate_value_ok(ty: &str, value: &str) -> Result<(), ()> {
    let ok = match ty {
        "i8" => value.parse::<i8>().is_ok(),
        "u8" => value.parse::<u8>().is_ok(),
        "i16" => value.parse::<i16>().is_ok(),
        "u16" => value.parse::<u16>().is_ok(),
        "i32" => value.parse::<i32>().is_ok(),
        "u32" => value.parse::<u32>().is_ok(),
        "i64" => value.parse::<i64>().is_ok(),
        "u64" => value.parse::<u64>().is_ok(),
        "flt" => value.parse::<f32>().is_ok(),
        "dbl" => value.parse::<f64>().is_ok(),
        "str" | "bin" => true,
        _ => false,
    };
    if ok { Ok(()) } else { Err(()) }
}

async fn delete(cs: &pcmk_proto::corosync::client::Corosync, key: &str) -> u8 {
    match cs
        .cmap()
        .delete(CmapKey {
            key: key.to_string(),
        })
        .await
    {
        Ok(_) => 0,
        Err(st) => {
            eprintln!("Can't delete key {key}. Error {}", super::cs_error(&st));
            1
        }
    }
}

async fn delete_prefix(cs: &pcmk_proto::corosync::client::Corosync, prefix: &str) -> u8 {
    let entries = match cs
        .cmap()
        .iterate(CmapPrefix {
            prefix: prefix.to_string(),
        })
        .await
    {
        Ok(r) => r.into_inner().entries,
        Err(st) => {
            eprintln!("Can't iterate {prefix}. Error {}", super::cs_error(&st));
            return 1;
        }
    };
    let mut rc = 0;
    for e in entries {
        rc = rc.max(delete(cs, &e.key).await);
    }
    rc
}

/// Runs the tool; returns the exit code.
pub async fn run(action: Action, quiet: bool) -> u8 {
    let cs = match super::connect().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    match action {
        Action::List(prefixes) => {
            let prefixes = if prefixes.is_empty() {
                vec![String::new()]
            } else {
                prefixes
            };
            for p in prefixes {
                match cs.cmap().iterate(CmapPrefix { prefix: p.clone() }).await {
                    Ok(r) => {
                        for e in r.into_inner().entries {
                            println!("{}", format_entry(&e));
                        }
                    }
                    Err(st) => {
                        eprintln!("Can't iterate {p}. Error {}", super::cs_error(&st));
                        return 1;
                    }
                }
            }
            0
        }
        Action::Get(keys) => {
            let mut rc = 0;
            for k in keys {
                match cs.cmap().get(CmapKey { key: k.clone() }).await {
                    Ok(e) => {
                        let e = e.into_inner();
                        if quiet {
                            println!("{}", e.value);
                        } else {
                            println!("{}", format_entry(&e));
                        }
                    }
                    Err(st) => {
                        eprintln!("Can't get key {k}. Error {}", super::cs_error(&st));
                        rc = 1;
                    }
                }
            }
            rc
        }
        Action::Set(k, t, v) => set(&cs, &k, &t, &v).await,
        Action::Delete(keys) => {
            let mut rc = 0;
            for k in keys {
                rc = rc.max(delete(&cs, &k).await);
            }
            rc
        }
        Action::DeletePrefix(ps) => {
            let mut rc = 0;
            for p in ps {
                rc = rc.max(delete_prefix(&cs, &p).await);
            }
            rc
        }
        Action::Load(file) => {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("Can't open file {file}: {e}");
                    return 1;
                }
            };
            let mut rc = 0;
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                if let Some(p) = line.strip_prefix("^^") {
                    let p = p.split_whitespace().next().unwrap_or("");
                    rc = rc.max(delete_prefix(&cs, p).await);
                } else if let Some(k) = line.strip_prefix('^') {
                    let k = k.split_whitespace().next().unwrap_or("");
                    rc = rc.max(delete(&cs, k).await);
                } else {
                    let mut parts = line.splitn(3, char::is_whitespace);
                    match (parts.next(), parts.next(), parts.next()) {
                        (Some(k), Some(t), Some(v)) => rc = rc.max(set(&cs, k, t, v.trim()).await),
                        _ => {
                            eprintln!("Invalid line in {file}: {line}");
                            rc = 1;
                        }
                    }
                }
            }
            rc
        }
        Action::Track(keys, prefix) => {
            let mut streams = Vec::new();
            for k in keys {
                match cs
                    .cmap()
                    .track(CmapTrackRequest {
                        key: k.clone(),
                        prefix,
                    })
                    .await
                {
                    Ok(s) => streams.push(s.into_inner()),
                    Err(st) => {
                        eprintln!("Failed to track key {k}. Error {}", super::cs_error(&st));
                        return 1;
                    }
                }
            }
            let mut merged = tokio_stream::StreamMap::new();
            for (i, s) in streams.into_iter().enumerate() {
                merged.insert(i, s);
            }
            use tokio_stream::StreamExt;
            while let Some((_, Ok(c))) = merged.next().await {
                let show = |e: &Option<CmapEntry>| {
                    e.as_ref()
                        .map_or_else(String::new, |e| format!("({}) = {}", e.r#type, e.value))
                };
                match c.event.as_str() {
                    "add" => println!("create> {} {}", c.key, show(&c.new_value)),
                    "delete" => println!("delete> {} {}", c.key, show(&c.old_value)),
                    _ => println!("modify> {} {}", c.key, show(&c.new_value)),
                }
            }
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_format() {
        let e = CmapEntry {
            key: "totem.cluster_name".into(),
            r#type: "str".into(),
            value: "lab".into(),
        };
        assert_eq!(format_entry(&e), "totem.cluster_name (str) = lab");
        assert!(crate_value_ok("u32", "x").is_err());
        assert!(crate_value_ok("u8", "255").is_ok());
    }
}
