//! `crm_attribute`: query and update cluster options, resource and
//! operation defaults, and node attributes (`tools/crm_attribute.c`).
//!
//! Transient node attributes (`-l reboot`, `-p`) go through the attribute
//! manager when the CIB is the live one; everything else is a CIB change
//! made with [`crate::cib_attrs`], on a CIB file (`CIB_file`,
//! `CIB_shadow`) or through the CIB manager.

mod options;

use pcmk_based::request::CallOptions;
use pcmk_common::exit::CrmExit;
use pcmk_common::options::{CLUSTER_OPTIONS, OptionFlags};
use pcmk_common::xml::Element;
use regex::Regex;

use crate::cib_attrs::{AttrTarget, delete_attr, find_attr, matches, query_node_uuid, update_attr};
use crate::cib_session::{CibSession, Failure};
use crate::goption::{Start, start};
use crate::output::{Format, Output, Printed};
use crate::text_out::TextOut;

pub use options::table;

const PROG: &str = "crm_attribute";

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Delete,
    List,
    Query,
    Update,
}

/// The options, once the command line is read in order.
#[derive(Debug, Clone)]
struct Options {
    command: Command,
    default: Option<String>,
    attr_id: Option<String>,
    attr_name: Option<String>,
    pattern: Option<String>,
    value: Option<String>,
    dest_uname: Option<String>,
    set_name: Option<String>,
    set_type: Option<String>,
    kind: Option<String>,
    opt_list: Option<String>,
    all: bool,
    promotion_score: bool,
    quiet: bool,
    verbosity: u8,
    wait: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            command: Command::Query,
            default: None,
            attr_id: None,
            attr_name: None,
            pattern: None,
            value: None,
            dest_uname: None,
            set_name: None,
            set_type: None,
            kind: None,
            opt_list: None,
            all: false,
            promotion_score: false,
            quiet: false,
            verbosity: 0,
            wait: None,
        }
    }
}

/// The name of the node attribute holding the promotion score of
/// resource `rsc` (`pcmk_promotion_score_name`): `OCF_RESOURCE_INSTANCE`
/// when `rsc` is empty.
pub fn promotion_score_name(rsc: Option<&str>) -> Option<String> {
    let rsc = match rsc.filter(|r| !r.is_empty()) {
        Some(r) => r.to_string(),
        None => std::env::var("OCF_RESOURCE_INSTANCE")
            .ok()
            .filter(|r| !r.is_empty())?,
    };
    Some(format!("master-{rsc}"))
}

/// The node a resource agent means by `name` (`pcmk__node_attr_target`):
/// for no name, `auto` or `localhost`, the node the cluster runs the
/// agent for, from the agent's environment; `None` otherwise.
pub fn node_attr_target(name: Option<&str>) -> Option<String> {
    let local = match name {
        None => true,
        Some(n) => n.eq_ignore_ascii_case("auto") || n.eq_ignore_ascii_case("localhost"),
    };
    if !local {
        return None;
    }
    let env = |k: &str| std::env::var(k).ok();
    let target = env("OCF_RESKEY_CRM_meta_container_attribute_target");
    let physical = env("OCF_RESKEY_CRM_meta_physical_host");
    if let Some(p) = physical {
        if target.is_some_and(|t| t.eq_ignore_ascii_case("host")) {
            return Some(p);
        }
    }
    env("OCF_RESKEY_CRM_meta_on_node").or_else(|| name.map(str::to_string))
}

/// The local host name (`uname -n`).
pub fn local_hostname() -> Option<String> {
    nix::unistd::gethostname()
        .ok()
        .map(|h| h.to_string_lossy().into_owned())
}

fn read_options(parsed: &crate::goption::Parsed) -> Result<Options, String> {
    let mut o = Options::default();
    for g in &parsed.opts {
        let v = g.value.clone();
        match g.name {
            "name" | "attr-name" => {
                o.promotion_score = false;
                o.attr_name = v;
            }
            "promotion" => {
                o.promotion_score = true;
                o.attr_name = promotion_score_name(v.as_deref());
            }
            "update" => {
                o.command = Command::Update;
                o.value = v;
            }
            "utilization" => {
                o.kind = Some("nodes".into());
                o.set_type = Some("utilization".into());
            }
            "query" | "get-value" => {
                o.command = Command::Query;
                o.value = None;
            }
            "delete" => {
                o.command = Command::Delete;
                o.value = None;
            }
            "list-options" => {
                o.command = Command::List;
                o.opt_list = v;
            }
            "wait" => match v.as_deref() {
                Some("no") => o.wait = None,
                Some("local" | "cluster") => o.wait = v,
                _ => return Err("--wait= must be one of 'no', 'local', 'cluster'".into()),
            },
            "id" => o.attr_id = v,
            "pattern" => o.pattern = v,
            "set-name" => o.set_name = v,
            "default" => o.default = v,
            "lifetime" | "type" => o.kind = v,
            "node" | "node-uname" => o.dest_uname = v,
            "all" => o.all = true,
            "quiet" => o.quiet = true,
            "verbose" => o.verbosity = o.verbosity.saturating_add(1),
            _ => {}
        }
    }
    Ok(o)
}

/// Runs `crm_attribute` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let formats = [Format::None, Format::Text, Format::Xml];
    let (parsed, mut out) = match start(&table(), argv, "NPUdilnpstv", &formats, CrmExit::Error) {
        Start::Done(p, e) => return (p, e),
        Start::Run(p, o) => (p, o),
    };
    let mut o = match read_options(&parsed) {
        Ok(o) => o,
        Err(e) => {
            return (
                Printed {
                    stderr: format!("{PROG}: {e}\n"),
                    ..Printed::default()
                },
                CrmExit::Usage,
            );
        }
    };
    let mut text = TextOut::new();
    text.quiet = o.quiet;
    let exit = match execute(&mut o, &mut out, &mut text) {
        Ok(()) => CrmExit::OK,
        Err((exit, msg)) => {
            if let Some(m) = msg {
                out.err(&format!("{PROG}: {m}"));
            }
            exit
        }
    };
    for line in text.buf.lines() {
        out.info(line);
    }
    (out.finish(exit), exit)
}

type Failed = (CrmExit, Option<String>);

fn list(o: &Options, out: &mut Output, text: &mut TextOut) -> Result<(), Failed> {
    if o.opt_list.as_deref() != Some("cluster") {
        return Err((
            CrmExit::Usage,
            Some(format!(
                "Invalid --list-options value '{}'. Allowed values: cluster",
                o.opt_list.as_deref().unwrap_or("(BUG: none)")
            )),
        ));
    }
    let short = "Pacemaker cluster options";
    let long = "Also known as properties, these are options that affect behavior across the entire cluster. They are configured within cluster_property_set elements inside the crm_config subsection of the CIB configuration section.";
    if out.is_xml() {
        out.xml(crate::option_list::option_list_xml(
            "cluster-options",
            short,
            long,
            OptionFlags::NONE,
            CLUSTER_OPTIONS,
        ));
    } else {
        crate::option_list::option_list_text(
            text,
            short,
            long,
            OptionFlags::NONE,
            CLUSTER_OPTIONS,
            o.all,
        );
    }
    Ok(())
}

fn fail(f: Failure) -> Failed {
    (
        f.exit,
        Some(format!("Error performing operation: {}", f.text)),
    )
}

fn execute(o: &mut Options, out: &mut Output, text: &mut TextOut) -> Result<(), Failed> {
    if o.command == Command::List {
        return list(o, out, text);
    }
    if o.promotion_score && o.attr_name.is_none() {
        return Err((
            CrmExit::Usage,
            Some(
                "-p/--promotion must be called from an OCF resource agent or with a resource ID specified"
                    .into(),
            ),
        ));
    }
    let mut cib = CibSession::open(PROG).map_err(|e| {
        (
            e.exit_code(),
            Some(format!("Could not connect to the CIB: {e}")),
        )
    })?;
    cib.set_verbosity(o.verbosity);
    // set_type()
    o.kind = Some(match o.kind.take() {
        None if o.promotion_score => "status".into(),
        None if o.dest_uname.is_some() => "nodes".into(),
        None => "crm_config".into(),
        Some(t) if t.eq_ignore_ascii_case("reboot") => "status".into(),
        Some(t) if t.eq_ignore_ascii_case("forever") => "nodes".into(),
        Some(t) => t,
    });
    let kind = o.kind.clone().unwrap_or_default();
    let mut dest_node: Option<String> = None;
    let mut is_remote = false;
    if !kind.eq_ignore_ascii_case("crm_config") && !kind.eq_ignore_ascii_case("tickets") {
        if let Some(t) = node_attr_target(o.dest_uname.as_deref()) {
            o.dest_uname = Some(t);
        } else if std::env::var_os("CIB_file").is_some() && o.dest_uname.is_none() {
            o.dest_uname = local_hostname();
        }
        if o.dest_uname.is_none() {
            match crate::daemons::node_info() {
                Ok(info) => o.dest_uname = info.name,
                Err(f) => return Err((f.exit, None)),
            }
        }
        let uname = o.dest_uname.clone().unwrap_or_default();
        let mapped = query_node_uuid(&mut cib, &uname);
        cib.drain_log(out);
        match mapped {
            Ok((uuid, remote)) => {
                dest_node = Some(uuid);
                is_remote = remote;
            }
            Err(f) => {
                return Err((
                    f.exit,
                    Some(format!("Could not map name={uname} to a UUID")),
                ));
            }
        }
    }
    if o.command == Command::Delete && o.attr_name.is_none() && o.pattern.is_none() {
        return Err((
            CrmExit::Usage,
            Some("Error: must specify attribute name or pattern to delete".into()),
        ));
    }
    if o.command == Command::Update && o.attr_name.is_none() && o.pattern.is_none() {
        return Err((
            CrmExit::Usage,
            Some("Error: must specify attribute name or pattern to update".into()),
        ));
    }
    let pattern = match &o.pattern {
        Some(p) => {
            if o.attr_name.is_some() {
                return Err((
                    CrmExit::Usage,
                    Some("Error: --name and --pattern cannot be used at the same time".into()),
                ));
            }
            Some(Regex::new(p).map_err(|_| {
                (
                    CrmExit::Usage,
                    Some(format!("Error: invalid pattern '{p}'")),
                )
            })?)
        }
        None => None,
    };
    let mut attrd_error: Option<String> = None;
    let use_attrd = kind.eq_ignore_ascii_case("status") && !crate::cib_session::cib_is_file();
    if use_attrd && matches!(o.command, Command::Delete | Command::Update) {
        let name = o
            .attr_name
            .clone()
            .or_else(|| o.pattern.clone())
            .unwrap_or_default();
        let value = if o.command == Command::Update {
            o.value.as_deref()
        } else {
            None
        };
        let update = crate::daemons::AttrUpdate {
            name: if o.pattern.is_some() {
                String::new()
            } else {
                name.clone()
            },
            pattern: o.pattern.clone().unwrap_or_default(),
            value: value.map(str::to_string),
            host: o.dest_uname.clone().unwrap_or_default(),
            set_type: o.set_type.clone().unwrap_or_default(),
            set_id: o.set_name.clone().unwrap_or_default(),
            sync_point: o.wait.clone().unwrap_or_default(),
            ..crate::daemons::AttrUpdate::default()
        };
        match crate::daemons::attrd_update(&update) {
            Ok(()) => {
                return cib.close().map_err(fail);
            }
            Err(f) => {
                let code = match f.exit {
                    CrmExit::Disconnect => 111,
                    CrmExit::Protocol => 93,
                    CrmExit::Timeout => 62,
                    CrmExit::InsufficientPriv => 13,
                    _ => 1,
                };
                attrd_error = Some(format!(
                    "Could not update {name}={}: {} ({code})",
                    value.unwrap_or("(null)"),
                    f.text
                ));
            }
        }
    }
    let target = AttrTarget {
        section: &kind,
        node_uuid: dest_node.as_deref(),
        set_type: o.set_type.as_deref(),
        set_name: o.set_name.as_deref(),
        attr_id: o.attr_id.as_deref(),
        attr_name: o.attr_name.as_deref(),
    };
    let result = match o.command {
        Command::Delete => command_delete(&mut cib, out, &target, pattern.as_ref()),
        Command::Update => {
            let opts = CallOptions {
                score_update: true,
                ..CallOptions::default()
            };
            command_update(
                &mut cib,
                out,
                &target,
                pattern.as_ref(),
                o.value.as_deref().unwrap_or_default(),
                is_remote,
                opts,
            )
        }
        _ => command_query(&mut cib, out, text, o, &target, pattern.as_ref()),
    };
    let closed = cib.close();
    if let Some(e) = attrd_error {
        out.err(&format!("{PROG}: {e}"));
    }
    match result {
        Err(f) if f.exit == CrmExit::Multiple => {
            return Err((
                f.exit,
                Some(
                    "Please choose from one of the matches below and supply the 'id' with --attr-id"
                        .into(),
                ),
            ));
        }
        Err(f) => return Err(fail(f)),
        Ok(()) => {}
    }
    closed.map_err(fail)
}

fn pattern_matches(re: Option<&Regex>, name: Option<&str>) -> bool {
    re.is_none_or(|r| name.is_some_and(|n| r.is_match(n)))
}

fn command_delete(
    cib: &mut CibSession,
    out: &mut Output,
    t: &AttrTarget<'_>,
    pattern: Option<&Regex>,
) -> Result<(), Failure> {
    let r = match pattern {
        Some(re) => {
            let all = AttrTarget {
                attr_id: None,
                attr_name: None,
                ..t.clone()
            };
            find_attr(cib, out, &all).and_then(|found| {
                for m in matches(&found) {
                    let name = m.attr("name");
                    if !pattern_matches(Some(re), name) {
                        continue;
                    }
                    let one = AttrTarget {
                        attr_name: name,
                        ..t.clone()
                    };
                    match delete_attr(cib, out, &one, None) {
                        Err(f) if !f.is_no_such() => return Err(f),
                        _ => {}
                    }
                }
                Ok(())
            })
        }
        None => delete_attr(cib, out, t, None),
    };
    match r {
        Err(f) if f.is_no_such() => Ok(()),
        r => r,
    }
}

fn command_update(
    cib: &mut CibSession,
    out: &mut Output,
    t: &AttrTarget<'_>,
    pattern: Option<&Regex>,
    value: &str,
    remote: bool,
    opts: CallOptions,
) -> Result<(), Failure> {
    match pattern {
        Some(re) => {
            let all = AttrTarget {
                attr_id: None,
                attr_name: None,
                ..t.clone()
            };
            let found = find_attr(cib, out, &all)?;
            for m in matches(&found) {
                let name = m.attr("name");
                if !pattern_matches(Some(re), name) {
                    continue;
                }
                let one = AttrTarget {
                    attr_name: name,
                    ..t.clone()
                };
                update_attr(cib, out, &one, value, remote, opts)?;
            }
            Ok(())
        }
        None => update_attr(cib, out, t, value, remote, opts),
    }
}

/// One attribute for the `attribute` message.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Attr<'a> {
    /// Scope (section).
    pub scope: Option<&'a str>,
    /// XML id of the pair.
    pub instance: Option<&'a str>,
    /// Name.
    pub name: Option<&'a str>,
    /// Value.
    pub value: Option<&'a str>,
    /// Node.
    pub host: Option<&'a str>,
}

/// The `attribute` message: `scope=.. id=.. name=.. host=.. value=..`
/// (values quoted unless `legacy`) or `<attribute>`; just the value when
/// `text` is quiet.
pub(crate) fn attribute(out: &mut Output, text: &mut TextOut, a: Attr<'_>, legacy: bool) {
    let some = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    if out.is_xml() {
        let mut e = Element::new("attribute")
            .with_attr("name", a.name.unwrap_or_default())
            .with_attr("value", a.value.unwrap_or_default());
        if let Some(s) = some(a.scope) {
            e.set_attr("scope", s);
        }
        if let Some(i) = some(a.instance) {
            e.set_attr("id", i);
        }
        if let Some(h) = some(a.host) {
            e.set_attr("host", h);
        }
        out.xml(e);
        return;
    }
    if text.quiet {
        if let Some(v) = a.value {
            text.info_always(v);
        }
        return;
    }
    let value = a.value.map(escape_pretty);
    let kv = |k: &str, v: &str| {
        if legacy {
            format!("{k}={v} ")
        } else {
            format!("{k}=\"{v}\" ")
        }
    };
    let mut s = String::new();
    if let Some(sc) = some(a.scope) {
        s.push_str(&kv("scope", &sc));
    }
    if let Some(i) = some(a.instance) {
        s.push_str(&kv("id", &i));
    }
    s.push_str(&kv("name", a.name.unwrap_or_default()));
    if let Some(h) = some(a.host) {
        s.push_str(&kv("host", &h));
    }
    if legacy {
        s.push_str(&format!("value={}", value.as_deref().unwrap_or("(null)")));
    } else {
        s.push_str(&format!("value=\"{}\"", value.as_deref().unwrap_or("")));
    }
    text.info(&s);
}

/// Escapes a value for display (`pcmk__xml_escape_attr_pretty`).
pub fn escape_pretty(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s
}

fn command_query(
    cib: &mut CibSession,
    out: &mut Output,
    text: &mut TextOut,
    o: &Options,
    t: &AttrTarget<'_>,
    pattern: Option<&Regex>,
) -> Result<(), Failure> {
    let search = if pattern.is_some() {
        AttrTarget {
            attr_id: None,
            attr_name: None,
            ..t.clone()
        }
    } else {
        t.clone()
    };
    let scope = o.kind.as_deref();
    match find_attr(cib, out, &search) {
        Err(f) if f.is_no_such() && o.default.is_some() => {
            let a = Attr {
                scope,
                instance: o.attr_id.as_deref(),
                name: o.attr_name.as_deref(),
                value: o.default.as_deref(),
                host: None,
            };
            attribute(out, text, a, true);
            Ok(())
        }
        Err(f) => Err(f),
        Ok(found) => {
            let multiple = crate::cib_attrs::is_multiple(&found);
            let mut did_output = false;
            for m in matches(&found) {
                let name = m.attr("name");
                if !pattern_matches(pattern, name) {
                    continue;
                }
                let a = Attr {
                    scope,
                    instance: o.attr_id.as_deref(),
                    name,
                    value: m.attr("value"),
                    host: None,
                };
                attribute(out, text, a, true);
                did_output = true;
            }
            if did_output || !multiple {
                Ok(())
            } else {
                Err(Failure::no_such())
            }
        }
    }
}
