//! Option tables as OCF-like metadata XML (`option-list` in Pacemaker's
//! `options_display.c`), as `pacemaker-schedulerd metadata` and the other
//! daemons print it, and as `crm_attribute --list-options --output-as=xml`
//! uses it.

use std::fmt::Write as _;

use super::{OptionFlags, OptionSpec};
use crate::xml::{Element, Node, escape_attr, escape_text};

/// The OCF metadata version announced.
const OCF_VERSION: &str = "1.1";

fn text(name: &str, value: &str) -> Element {
    let mut e = Element::new(name);
    e.children.push(Node::Text(value.to_string()));
    e
}

fn desc(long: bool, value: &str) -> Element {
    text(if long { "longdesc" } else { "shortdesc" }, value).with_attr("lang", "en")
}

/// How one option is shown: itself, or as a deprecated alias of itself.
struct Shown<'a> {
    option: &'a OptionSpec,
    name: &'a str,
    flags: OptionFlags,
    short_desc: &'a str,
    long_desc: Option<&'a str>,
}

/// The `<parameter>` element of one option (`add_option_metadata_xml`).
/// `replaced_with` names the option a deprecated alias stands for.
fn parameter(shown: &Shown<'_>, replaced_with: Option<&str>, legacy: bool) -> Element {
    let option = shown.option;
    let advanced = shown.flags.contains(OptionFlags::ADVANCED);
    let deprecated = shown.flags.contains(OptionFlags::DEPRECATED);
    let generated = shown.flags.contains(OptionFlags::GENERATED);
    let long_given = shown.long_desc;
    let mut desc_long = long_given.unwrap_or(shown.short_desc).to_string();
    let mut desc_short = shown.short_desc.to_string();
    let mut kind = option.kind.name();
    let mut e = Element::new("parameter").with_attr("name", shown.name);
    if legacy {
        kind = option.kind.legacy_name();
        if !option.allowed.is_empty() {
            desc_long = format!("{desc_long}  Allowed values: {}", option.allowed.join(", "));
        }
        if deprecated || advanced {
            let base = if long_given.is_none() {
                ""
            } else {
                shown.short_desc
            };
            let mut words: Vec<String> = Vec::new();
            if deprecated {
                let mut d = "*** Deprecated ***".to_string();
                if let Some(r) = replaced_with {
                    let _ = write!(d, " *** Replaced with {r} ***");
                }
                words.push(d);
            }
            if advanced {
                words.push("*** Advanced Use Only ***".to_string());
            }
            if !base.is_empty() {
                words.push(base.to_string());
            }
            desc_short = words.join(" ");
        }
    } else {
        e.set_attr("advanced", if advanced { "1" } else { "0" });
        e.set_attr("generated", if generated { "1" } else { "0" });
        if deprecated {
            let mut d = Element::new("deprecated");
            if let Some(r) = replaced_with {
                d.push(Element::new("replaced-with").with_attr("name", r));
            }
            e.push(d);
        }
    }
    e.push(desc(true, &desc_long));
    e.push(desc(false, &desc_short));
    let mut content = Element::new("content").with_attr("type", kind);
    if let Some(d) = option.default {
        content.set_attr("default", d);
    }
    for v in option.allowed {
        if option.kind == super::OptionType::Select {
            content.push(Element::new("option").with_attr("value", *v));
        }
    }
    e.push(content);
    e
}

/// The metadata of the options of `options` that have every flag of
/// `filter`, as a `<resource-agent name=.. version=..>` element; each
/// deprecated alias is listed after its option. `legacy` selects the form
/// of the daemons' `metadata` commands (types mapped to `time`, `integer`
/// and `string`, flags and allowed values spelled out in descriptions).
pub fn option_list(
    agent: &str,
    version: &str,
    desc_short: &str,
    desc_long: &str,
    filter: OptionFlags,
    options: &[OptionSpec],
    legacy: bool,
) -> Element {
    let mut params = Element::new("parameters");
    for option in options.iter().filter(|o| o.flags.contains(filter)) {
        let itself = Shown {
            option,
            name: option.name,
            flags: option.flags,
            short_desc: option.short_desc,
            long_desc: option.long_desc,
        };
        params.push(parameter(&itself, None, legacy));
        if let Some(alias) = option.alias {
            let text = format!("Deprecated alias for {}", option.name);
            let aliased = Shown {
                option,
                name: alias,
                flags: option.flags.union(OptionFlags::DEPRECATED),
                short_desc: &text,
                long_desc: None,
            };
            params.push(parameter(&aliased, Some(option.name), legacy));
        }
    }
    Element::new("resource-agent")
        .with_attr("name", agent)
        .with_attr("version", version)
        .with_child(text("version", OCF_VERSION))
        .with_child(desc(true, desc_long))
        .with_child(desc(false, desc_short))
        .with_child(params)
}

/// Writes metadata with text on lines of its own, indented one level
/// deeper than its element, as Pacemaker prints daemon metadata.
pub fn format_metadata(e: &Element) -> String {
    fn write(e: &Element, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        out.push_str(&pad);
        out.push('<');
        out.push_str(&e.name);
        for (k, v) in &e.attrs {
            let _ = write!(out, " {k}=\"{}\"", escape_attr(v));
        }
        if e.children.is_empty() {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        for c in &e.children {
            match c {
                Node::Element(child) => write(child, depth + 1, out),
                Node::Text(t) => {
                    let _ = writeln!(out, "{pad}  {}", escape_text(t));
                }
                Node::Comment(t) => {
                    let _ = writeln!(out, "{pad}  <!--{t}-->");
                }
            }
        }
        let _ = writeln!(out, "{pad}</{}>", e.name);
    }
    let mut out = String::new();
    write(e, 0, &mut out);
    out
}

/// What a daemon's `metadata` command prints (`pcmk__daemon_metadata`),
/// for `pacemaker-based`, `pacemaker-controld`, `pacemaker-schedulerd` and
/// `pacemaker-fenced`; `None` for other names.
pub fn daemon_metadata(daemon: &str, version: &str) -> Option<String> {
    let (short, long, filter, options) = match daemon {
        "pacemaker-based" => (
            "Cluster Information Base manager options",
            "Cluster options used by Pacemaker's Cluster Information Base manager",
            OptionFlags::BASED,
            super::CLUSTER_OPTIONS,
        ),
        "pacemaker-controld" => (
            "Pacemaker controller options",
            "Cluster options used by Pacemaker's controller",
            OptionFlags::CONTROLD,
            super::CLUSTER_OPTIONS,
        ),
        "pacemaker-schedulerd" => (
            "Pacemaker scheduler options",
            "Cluster options used by Pacemaker's scheduler",
            OptionFlags::SCHEDULERD,
            super::CLUSTER_OPTIONS,
        ),
        "pacemaker-fenced" => (
            "Instance attributes available for all \"stonith\"-class resources",
            "Instance attributes available for all \"stonith\"-class resources and used by Pacemaker's fence daemon",
            OptionFlags::NONE,
            super::FENCING_PARAMS,
        ),
        _ => return None,
    };
    Some(format_metadata(&option_list(
        daemon, version, short, long, filter, options, true,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_layout() {
        let Some(text) = daemon_metadata("pacemaker-based", "3.0.2") else {
            panic!("no metadata");
        };
        let expected = r#"<resource-agent name="pacemaker-based" version="3.0.2">
  <version>
    1.1
  </version>
  <longdesc lang="en">
    Cluster options used by Pacemaker's Cluster Information Base manager
  </longdesc>
  <shortdesc lang="en">
    Cluster Information Base manager options
  </shortdesc>
  <parameters>
    <parameter name="enable-acl">
      <longdesc lang="en">
        Enable Access Control Lists (ACLs) for the CIB
      </longdesc>
      <shortdesc lang="en">
        Enable Access Control Lists (ACLs) for the CIB
      </shortdesc>
      <content type="boolean" default="false"/>
    </parameter>
    <parameter name="cluster-ipc-limit">
      <longdesc lang="en">
        Ignored
      </longdesc>
      <shortdesc lang="en">
        *** Deprecated ***
      </shortdesc>
      <content type="integer"/>
    </parameter>
  </parameters>
</resource-agent>
"#;
        assert_eq!(text, expected);
        assert!(daemon_metadata("pacemaker-execd", "3.0.2").is_none());
    }

    #[test]
    fn aliases_listed_after_options() {
        let e = option_list(
            "x",
            "1",
            "s",
            "l",
            OptionFlags::CONTROLD,
            super::super::CLUSTER_OPTIONS,
            false,
        );
        let Some(params) = e.child("parameters") else {
            panic!("no parameters")
        };
        let names: Vec<&str> = params.elements().filter_map(|p| p.attr("name")).collect();
        let i = names.iter().position(|n| *n == "fencing-reaction");
        assert_eq!(i.map(|i| names[i + 1]), Some("fence-reaction"));
        let alias = params
            .elements()
            .find(|p| p.attr("name") == Some("fence-reaction"));
        assert!(
            alias
                .and_then(|a| a.child("deprecated"))
                .and_then(|d| d.child("replaced-with"))
                .is_some()
        );
    }
}
