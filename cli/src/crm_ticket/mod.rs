//! `crm_ticket`: query and change cluster tickets (`tools/crm_ticket.c`,
//! `lib/pacemaker/pcmk_ticket.c`).
//!
//! Ticket states live in the CIB status (`<tickets><ticket_state>`);
//! queries read them (and the `rsc_ticket` constraints), changes modify
//! or replace the ticket's state element.

mod options;

use pcmk_based::request::{CallOptions, Operation};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use crate::cib_session::{CibSession, Failure};
use crate::cibadmin::Cdata;
use crate::goption::{Start, start};
use crate::output::{Format, Output, Printed};
use crate::text_out::TextOut;
use crate::tickets::{Ticket, tickets};
use crate::xml_out::XmlOut;

pub use options::table;

const PROG: &str = "crm_ticket";

#[derive(Debug, Default)]
struct Options {
    cmd: char,
    ticket_id: Option<String>,
    attr_default: Option<String>,
    attr_name: Option<String>,
    attr_value: Option<String>,
    get_attr_name: Option<String>,
    force: bool,
    xml_file: Option<String>,
    attr_set: Vec<(String, String)>,
    attr_delete: Vec<String>,
    modified: bool,
}

impl Options {
    fn set(&mut self, name: &str, value: &str) {
        match self.attr_set.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.attr_set.push((name.to_string(), value.to_string())),
        }
        self.modified = true;
    }

    /// Records `-S NAME -v VALUE` once both halves were given.
    fn take_pair(&mut self) {
        if let (Some(n), Some(v)) = (self.attr_name.take(), self.attr_value.take()) {
            self.set(&n, &v);
        }
    }
}

fn read_options(parsed: &crate::goption::Parsed) -> Options {
    let mut o = Options {
        cmd: 'S',
        ..Options::default()
    };
    for g in &parsed.opts {
        let v = g.value.clone().unwrap_or_default();
        match g.name {
            "info" => o.cmd = 'l',
            "details" => o.cmd = 'L',
            "raw" => o.cmd = 'w',
            "query-xml" => o.cmd = 'q',
            "constraints" => o.cmd = 'c',
            "cleanup" => o.cmd = 'C',
            "grant" => o.set("granted", "true"),
            "revoke" => o.set("granted", "false"),
            "standby" => o.set("standby", "true"),
            "activate" => o.set("standby", "false"),
            "get-attr" => {
                o.get_attr_name = Some(v);
                o.cmd = 'G';
            }
            "set-attr" => {
                o.attr_name = Some(v);
                if o.attr_value.is_some() {
                    o.take_pair();
                }
            }
            "attr-value" => {
                o.attr_value = Some(v);
                if o.attr_name.is_some() {
                    o.take_pair();
                }
            }
            "delete-attr" => {
                o.attr_delete.push(v);
                o.modified = true;
            }
            "default" => o.attr_default = Some(v),
            "force" => o.force = true,
            "ticket" => o.ticket_id = Some(v),
            "xml-file" => o.xml_file = Some(v),
            _ => {}
        }
    }
    o
}

/// Output of one run.
struct Out<'a> {
    out: &'a mut Output,
    text: TextOut,
    xml: XmlOut,
    cdata: Cdata,
}

impl Out<'_> {
    fn is_xml(&self) -> bool {
        self.out.is_xml()
    }

    /// `out->output_xml`: the text as is, or a CDATA element.
    fn output_xml(&mut self, name: &str, buf: &str) {
        if self.is_xml() {
            let e = self.cdata.element(name, buf);
            self.xml.add(e);
        } else {
            self.text.raw(buf);
        }
    }
}

/// Runs `crm_ticket` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let formats = [Format::None, Format::Text, Format::Xml];
    let (parsed, mut output) = match start(&table(), argv, "dintvxCDGS", &formats, CrmExit::Error) {
        Start::Done(p, e) => return (p, e),
        Start::Run(p, o) => (p, o),
    };
    let o = read_options(&parsed);
    let mut out = Out {
        out: &mut output,
        text: TextOut::new(),
        xml: XmlOut::new(),
        cdata: Cdata::default(),
    };
    let exit = match execute(&o, &mut out) {
        Ok(e) => e,
        Err((exit, msg)) => {
            if let Some(m) = msg {
                out.out.err(&format!("{PROG}: {m}"));
            }
            exit
        }
    };
    let Out {
        text, xml, cdata, ..
    } = out;
    for line in text.buf.lines() {
        output.info(line);
    }
    for e in xml.finish() {
        output.xml(e);
    }
    let mut printed = output.finish(exit);
    cdata.fill(&mut printed.stdout);
    (printed, exit)
}

type Failed = (CrmExit, Option<String>);

fn usage(msg: &str) -> Failed {
    (CrmExit::Usage, Some(msg.to_string()))
}

fn execute(o: &Options, out: &mut Out<'_>) -> Result<CrmExit, Failed> {
    let mut cib = CibSession::open(PROG).map_err(|e| {
        (
            e.exit_code(),
            Some(format!("Could not connect to the CIB: {e}")),
        )
    })?;
    let doc = match &o.xml_file {
        Some(f) => std::fs::read_to_string(f)
            .ok()
            .and_then(|t| pcmk_common::xml::parse(&t).ok())
            .ok_or_else(|| (CrmExit::NoInput, Some(format!("Could not read {f}"))))?,
        None => cib
            .whole()
            .map_err(|f| (f.exit, Some(format!("Could not get local CIB: {}", f.text))))?,
    };
    let all = tickets(&doc);
    let find = |id: &str| all.iter().find(|t| t.id == id);
    let exit = match o.cmd {
        'l' | 'L' | 'w' => {
            let list: Vec<&Ticket> = match &o.ticket_id {
                Some(id) => match find(id) {
                    Some(t) => vec![t],
                    None => {
                        return Err((CrmExit::NoSuch, Some(format!("No such ticket '{id}'"))));
                    }
                },
                None => all.iter().collect(),
            };
            ticket_list(out, &list, o.cmd == 'w', o.cmd == 'L');
            CrmExit::OK
        }
        'q' => match ticket_state(&mut cib, o.ticket_id.as_deref()) {
            Ok(state) => {
                ticket_state_out(out, &state);
                CrmExit::OK
            }
            Err(f) => {
                return Err((
                    f.exit,
                    Some(format!("Could not query ticket XML: {}", f.text)),
                ));
            }
        },
        'c' => {
            let xpath = match &o.ticket_id {
                Some(id) => format!("/cib/configuration/constraints/rsc_ticket[@ticket=\"{id}\"]"),
                None => "/cib/configuration/constraints/rsc_ticket".to_string(),
            };
            match cib.xpath(&xpath) {
                Ok(found) => {
                    ticket_constraints(out, &found);
                    CrmExit::OK
                }
                Err(f) => {
                    return Err((
                        f.exit,
                        Some(format!("Could not show ticket constraints: {}", f.text)),
                    ));
                }
            }
        }
        'G' => {
            let Some(id) = &o.ticket_id else {
                return Err((
                    CrmExit::NoSuch,
                    Some("Must supply ticket ID with -t".into()),
                ));
            };
            let name = o.get_attr_name.clone().unwrap_or_default();
            let value = find(id)
                .and_then(|t| t.attr(&name))
                .map(str::to_string)
                .or_else(|| o.attr_default.clone());
            match value {
                Some(v) => {
                    ticket_attribute(out, id, &name, &v);
                    CrmExit::OK
                }
                None => CrmExit::NoSuch,
            }
        }
        'C' => {
            let Some(id) = &o.ticket_id else {
                return Err(usage("Must supply ticket ID with -t"));
            };
            cleanup(&mut cib, out, o, find(id), id)?
        }
        _ if o.modified => modify(&mut cib, out, o, &all)?,
        'S' => {
            if o.attr_name.as_deref().is_none_or(str::is_empty) {
                return Err(usage("Must supply a command"));
            }
            if o.ticket_id.is_none() {
                return Err(usage("Must supply ticket ID with -t"));
            }
            if o.attr_value.as_deref().is_none_or(str::is_empty) {
                return Err(usage(&format!(
                    "Must supply value with -v for -S {}",
                    o.attr_name.as_deref().unwrap_or_default()
                )));
            }
            CrmExit::OK
        }
        c => return Err(usage(&format!("Unknown command: {c}"))),
    };
    cib.drain_log(out.out);
    cib.close().map_err(|f| (f.exit, Some(f.text)))?;
    Ok(exit)
}

fn grant_warning(out: &mut Out<'_>, id: &str) {
    out.out.err(&format!(
        "This command cannot help you verify whether '{id}' has been already granted elsewhere.\nIf you really want to grant '{id}' to this site now, and you know what you are doing,\nplease specify --force."
    ));
}

fn revoke_warning(out: &mut Out<'_>, id: &str) {
    out.out.err(&format!(
        "Revoking '{id}' can trigger the specified 'loss-policy'(s) relating to '{id}'.\n\nYou can check that with:\ncrm_ticket --ticket {id} --constraints\n\nOtherwise before revoking '{id}', you may want to make '{id}'standby with:\ncrm_ticket --ticket {id} --standby\n\nIf you really want to revoke '{id}' from this site now, and you know what you are doing,\nplease specify --force."
    ));
}

/// The state element(s) of a ticket (all of them without an id):
/// `pcmk__get_ticket_state`. Several states of one ticket are reported
/// but not an error.
fn ticket_state(cib: &mut CibSession, id: Option<&str>) -> Result<Element, Failure> {
    let xpath = match id {
        Some(id) => format!("/cib/status/tickets/ticket_state[@id=\"{id}\"]"),
        None => "/cib/status/tickets".to_string(),
    };
    cib.xpath(&xpath)
}

fn cleanup(
    cib: &mut CibSession,
    out: &mut Out<'_>,
    o: &Options,
    ticket: Option<&Ticket>,
    id: &str,
) -> Result<CrmExit, Failed> {
    if !o.force {
        match ticket {
            None => return Err((CrmExit::NoSuch, Some(format!("No such ticket '{id}'")))),
            Some(t) if t.granted => {
                revoke_warning(out, id);
                return Ok(CrmExit::InsufficientPriv);
            }
            Some(_) => {}
        }
    }
    let state = match ticket_state(cib, Some(id)) {
        Ok(s) => s,
        Err(f) if f.is_no_such() => return Ok(CrmExit::OK),
        Err(f) => {
            return Err((
                f.exit,
                Some(format!("Could not clean up ticket: {}", f.text)),
            ));
        }
    };
    let multiple = state.name == "xpath-query";
    if multiple {
        out.text
            .info(&format!("Multiple ticket_states match ticket={id}"));
    }
    let list: Vec<Element> = if multiple {
        state.elements().cloned().collect()
    } else {
        vec![state]
    };
    for s in list {
        cib.change(Operation::Delete, Some("status"), s, CallOptions::default())
            .map_err(|f| {
                (
                    f.exit,
                    Some(format!("Could not clean up ticket: {}", f.text)),
                )
            })?;
    }
    out.text.info(&format!("Cleaned up {id}"));
    Ok(CrmExit::OK)
}

fn modify(
    cib: &mut CibSession,
    out: &mut Out<'_>,
    o: &Options,
    all: &[Ticket],
) -> Result<CrmExit, Failed> {
    let Some(id) = o.ticket_id.as_deref() else {
        return Err(usage("Must supply ticket ID with -t"));
    };
    if let Some(v) = &o.attr_value {
        if o.attr_name.as_deref().is_none_or(str::is_empty) {
            return Err(usage(&format!(
                "Must supply attribute name with -S for -v {v}"
            )));
        }
    }
    if o.attr_name.is_some() && o.attr_value.as_deref().is_none_or(str::is_empty) {
        return Err(usage(&format!(
            "Must supply attribute value with -v for -S {}",
            o.attr_value.as_deref().unwrap_or("(null)")
        )));
    }
    let (mut state, existed) = match ticket_state(cib, Some(id)) {
        Ok(s) if s.name == "xpath-query" => {
            out.text
                .info(&format!("Multiple ticket_states match ticket={id}"));
            (s, true)
        }
        Ok(s) => (s, true),
        Err(f) if f.is_no_such() => (Element::new("ticket_state").with_attr("id", id), false),
        Err(f) => {
            return Err((f.exit, Some(format!("Could not modify ticket: {}", f.text))));
        }
    };
    if !o.attr_delete.is_empty() {
        for key in &o.attr_delete {
            if !o.force && key == "granted" {
                revoke_warning(out, id);
                return Err((
                    CrmExit::Unsafe,
                    Some("Ticket modification not allowed without --force".into()),
                ));
            }
            state.remove_attr(key);
        }
        let r = cib.change(
            Operation::Replace,
            Some("status"),
            state,
            CallOptions::default(),
        );
        return finish_change(r);
    }
    if o.attr_set.is_empty() {
        return Ok(CrmExit::OK);
    }
    if !o.force {
        if let Some((_, v)) = o.attr_set.iter().find(|(k, _)| k == "granted") {
            if pcmk_common::values::parse_bool(v).unwrap_or(false) {
                grant_warning(out, id);
            } else {
                revoke_warning(out, id);
            }
            return Err((
                CrmExit::Unsafe,
                Some("Ticket modification not allowed without --force".into()),
            ));
        }
    }
    let was_granted = all.iter().any(|t| t.id == id && t.granted);
    for (k, v) in &o.attr_set {
        state.set_attr(k.as_str(), v.as_str());
        if k == "granted" && !was_granted && pcmk_common::values::parse_bool(v).unwrap_or(false) {
            state.set_attr("last-granted", crate::timefmt::now().to_string());
        }
    }
    let input = if existed {
        state
    } else {
        Element::new("status").with_child(Element::new("tickets").with_child(state))
    };
    let r = cib.change(
        Operation::Modify,
        Some("status"),
        input,
        CallOptions::default(),
    );
    finish_change(r)
}

fn finish_change(r: Result<pcmk_based::client::Reply, Failure>) -> Result<CrmExit, Failed> {
    match r {
        Ok(_) => Ok(CrmExit::OK),
        Err(f) => Err((f.exit, Some(format!("Could not modify ticket: {}", f.text)))),
    }
}

/// The `ticket-list` message.
fn ticket_list(out: &mut Out<'_>, list: &[&Ticket], raw: bool, details: bool) {
    if list.is_empty() {
        return;
    }
    if out.is_xml() {
        out.xml.begin_list("Tickets");
        for t in list {
            out.xml.add(ticket_xml(t));
        }
        out.xml.end_list();
        return;
    }
    out.text.begin_list(None, Some("Tickets"));
    for t in list {
        if raw {
            out.text.item(Some(&t.id), &t.id);
            continue;
        }
        let standby = if t.standby { " [standby]" } else { "" };
        let detail = (details && !t.state.is_empty()).then(|| {
            let parts: Vec<String> = t
                .state
                .iter()
                .map(|(k, v)| {
                    if k == "last-granted" || k == "expires" {
                        format!(
                            "{k}={}",
                            crate::timefmt::ctime(v.trim().parse().unwrap_or(0))
                        )
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            format!("\t({})", parts.join(", "))
        });
        let line = match (t.last_granted, &detail) {
            (Some(lg), None) => format!(
                "{}\t{}{standby} last-granted=\"{}\"",
                t.id,
                t.status(),
                crate::timefmt::ctime(lg)
            ),
            (Some(_), Some(d)) => format!("{}\t{}{standby} {d}", t.id, t.status()),
            (None, d) => format!(
                "{}\t{}{standby}{}",
                t.id,
                t.status(),
                d.as_deref().unwrap_or("")
            ),
        };
        out.text.item(None, &line);
    }
    out.text.end_list();
}

/// The `ticket` element.
pub fn ticket_xml(t: &Ticket) -> Element {
    let mut e = Element::new("ticket")
        .with_attr("id", t.id.as_str())
        .with_attr("status", t.status())
        .with_attr("standby", if t.standby { "true" } else { "false" });
    if let Some(lg) = t.last_granted {
        e.set_attr("last-granted", crate::timefmt::ctime(lg));
    }
    for (k, v) in &t.state {
        if k == "last-granted" || k == "expires" {
            continue;
        }
        e.set_attr(k.as_str(), v.as_str());
    }
    e
}

fn ticket_attribute(out: &mut Out<'_>, id: &str, name: &str, value: &str) {
    if out.is_xml() {
        out.xml.push_parent(Element::new("tickets"));
        out.xml
            .push_parent(Element::new("ticket").with_attr("id", id));
        out.xml.add(
            Element::new("attribute")
                .with_attr("name", name)
                .with_attr("value", value),
        );
        out.xml.pop_parent();
        out.xml.pop_parent();
    } else {
        out.text.info(value);
    }
}

fn ticket_state_out(out: &mut Out<'_>, state: &Element) {
    if out.is_xml() {
        out.xml.push_parent(Element::new("tickets"));
        let list: Vec<&Element> = if state.elements().next().is_some() {
            state.children_named("ticket_state").collect()
        } else {
            vec![state]
        };
        for s in list {
            let mut t = Element::new("ticket");
            t.attrs = s.attrs.clone();
            out.xml.add(t);
        }
        out.xml.pop_parent();
    } else {
        out.text.info("State XML:\n");
        out.output_xml("ticket_state", &state.to_pretty());
    }
}

fn ticket_constraints(out: &mut Out<'_>, found: &Element) {
    let list: Vec<&Element> = if found.name == "xpath-query" {
        found.elements().collect()
    } else {
        vec![found]
    };
    if out.is_xml() {
        out.xml.push_parent(Element::new("tickets"));
        for c in &list {
            out.xml.push_parent(
                Element::new("ticket").with_attr("id", c.attr("ticket").unwrap_or_default()),
            );
            out.xml.push_parent(Element::new("constraints"));
            out.xml.add((*c).clone());
            out.xml.pop_parent();
            out.xml.pop_parent();
        }
        out.xml.pop_parent();
        out.xml.push_parent(Element::new("resources"));
        for c in &list {
            out.xml
                .add(Element::new("resource").with_attr("id", c.attr("rsc").unwrap_or_default()));
        }
        out.xml.pop_parent();
    } else {
        out.text.info("Constraints XML:\n");
        for c in list {
            out.output_xml("constraint", &c.to_pretty());
        }
    }
}
