//! Alert agents: the CIB's `alerts` section and the `CRM_alert_*`
//! environment Pacemaker gives alert scripts (`lib/common/alerts.c`,
//! `lib/lrmd/lrmd_alerts.c`). Sans-IO: the controller (or attrd, or the
//! fencer) decides when an event is worth alerting, builds the environment
//! here, and asks the executor to run each alert ([`crate::server`]'s
//! `ExecAlert`).

use std::collections::BTreeMap;

use pcmk_common::xml::Element;

/// Default alert timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Default timestamp format (`%06N`: microseconds).
pub const DEFAULT_TSTAMP_FORMAT: &str = "%H:%M:%S.%06N";
/// Version announced in `CRM_alert_version`.
pub const ALERT_VERSION: &str = "3.0.2";
/// Variable carrying the executor's alert sequence number.
pub const NODE_SEQUENCE: &str = "CRM_alert_node_sequence";

/// Kinds of events alerts can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Node membership changes.
    Node,
    /// Fencing results.
    Fencing,
    /// Resource operation results.
    Resource,
    /// Node attribute changes.
    Attribute,
}

impl Kind {
    /// The `CRM_alert_kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Node => "node",
            Kind::Fencing => "fencing",
            Kind::Resource => "resource",
            Kind::Attribute => "attribute",
        }
    }
}

/// One alert (per recipient), as unpacked from the CIB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Alert id.
    pub id: String,
    /// Path of the alert agent.
    pub path: String,
    /// Recipient (empty when the alert has none).
    pub recipient: Option<String>,
    /// Timeout.
    pub timeout_ms: u32,
    /// `strftime`-like format of `CRM_alert_timestamp`.
    pub tstamp_format: String,
    /// Extra environment (instance attributes).
    pub envvars: BTreeMap<String, String>,
    /// Selected kinds.
    pub kinds: Vec<Kind>,
    /// Selected attribute names (`None`: all).
    pub attributes: Option<Vec<String>>,
}

fn nvpairs(e: &Element, set: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for s in e.children_named(set) {
        for nv in s.children_named("nvpair") {
            if let Some(n) = nv.attr("name") {
                out.insert(n.to_string(), nv.attr("value").unwrap_or("").to_string());
            }
        }
    }
    out
}

/// Applies an alert's or recipient's own settings. False when disabled.
fn unpack_into(e: &Element, a: &mut Alert) -> bool {
    a.envvars.extend(nvpairs(e, "instance_attributes"));
    let meta = nvpairs(e, "meta_attributes");
    if let Some(v) = meta.get("enabled")
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "1" | "y"
        )
    {
        return false;
    }
    if let Some(t) = meta.get("timeout") {
        a.timeout_ms = crate::direct_duration_ms(t)
            .filter(|ms| *ms > 0)
            .map_or(DEFAULT_TIMEOUT_MS, |ms| {
                u32::try_from(ms).unwrap_or(u32::MAX)
            });
    }
    if let Some(f) = meta.get("timestamp-format") {
        a.tstamp_format = f.clone();
    }
    if let Some(select) = e.child("select") {
        let mut kinds = Vec::new();
        for s in select.elements() {
            match s.name.as_str() {
                "select_fencing" => kinds.push(Kind::Fencing),
                "select_nodes" => kinds.push(Kind::Node),
                "select_resources" => kinds.push(Kind::Resource),
                "select_attributes" => {
                    kinds.push(Kind::Attribute);
                    let names: Vec<String> = s
                        .children_named("attribute")
                        .filter_map(|x| x.attr("name").map(str::to_string))
                        .collect();
                    if !names.is_empty() {
                        a.attributes = Some(names);
                    }
                }
                _ => {}
            }
        }
        if !kinds.is_empty() {
            a.kinds = kinds;
        }
    }
    true
}

/// Unpacks the `<alerts>` section: one entry per recipient (or per alert
/// without recipients); disabled ones are left out.
pub fn unpack(alerts: &Element) -> Vec<Alert> {
    let mut out = Vec::new();
    for x in alerts.children_named("alert") {
        let (Some(id), Some(path)) = (x.id(), x.attr("path")) else {
            tracing::error!("ignoring invalid alert without id or path");
            continue;
        };
        let mut a = Alert {
            id: id.to_string(),
            path: path.to_string(),
            recipient: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            tstamp_format: DEFAULT_TSTAMP_FORMAT.to_string(),
            envvars: BTreeMap::new(),
            kinds: vec![Kind::Node, Kind::Fencing, Kind::Resource],
            attributes: None,
        };
        if !unpack_into(x, &mut a) {
            continue;
        }
        let recipients: Vec<&Element> = x.children_named("recipient").collect();
        if recipients.is_empty() {
            out.push(a);
            continue;
        }
        for r in recipients {
            let mut ra = a.clone();
            ra.recipient = r.attr("value").map(str::to_string);
            if unpack_into(r, &mut ra) {
                out.push(ra);
            }
        }
    }
    out
}

/// An event to alert about, with its kind-specific variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A node joined or left.
    Node {
        /// Node name.
        node: String,
        /// Node id.
        nodeid: u32,
        /// New state (e.g. `member`, `lost`).
        state: String,
    },
    /// A fencing operation finished.
    Fencing {
        /// Target.
        target: String,
        /// Action.
        task: String,
        /// Description.
        desc: String,
        /// Result code.
        rc: i32,
    },
    /// A resource operation finished.
    Resource {
        /// Node.
        node: String,
        /// Resource id.
        rsc: String,
        /// Action.
        task: String,
        /// Interval.
        interval_ms: u32,
        /// Expected rc.
        target_rc: i32,
        /// Execution status.
        status: crate::result::ExecStatus,
        /// Rc.
        rc: i32,
        /// Execution time (the timeout when a timed-out recurring op has none).
        exec_time_ms: u32,
    },
    /// A node attribute changed.
    Attribute {
        /// Node.
        node: String,
        /// Node id.
        nodeid: u32,
        /// Attribute name.
        name: String,
        /// New value.
        value: String,
    },
}

impl Event {
    /// The kind of event, which alerts select.
    pub fn kind(&self) -> Kind {
        match self {
            Event::Node { .. } => Kind::Node,
            Event::Fencing { .. } => Kind::Fencing,
            Event::Resource { .. } => Kind::Resource,
            Event::Attribute { .. } => Kind::Attribute,
        }
    }

    fn vars(&self) -> Vec<(&'static str, String)> {
        match self {
            Event::Node {
                node,
                nodeid,
                state,
            } => vec![
                ("CRM_alert_node", node.clone()),
                ("CRM_alert_desc", state.clone()),
                ("CRM_alert_nodeid", nodeid.to_string()),
            ],
            Event::Fencing {
                target,
                task,
                desc,
                rc,
            } => vec![
                ("CRM_alert_node", target.clone()),
                ("CRM_alert_task", task.clone()),
                ("CRM_alert_desc", desc.clone()),
                ("CRM_alert_rc", rc.to_string()),
            ],
            Event::Resource {
                node,
                rsc,
                task,
                interval_ms,
                target_rc,
                status,
                rc,
                exec_time_ms,
            } => vec![
                ("CRM_alert_node", node.clone()),
                ("CRM_alert_rsc", rsc.clone()),
                ("CRM_alert_task", task.clone()),
                ("CRM_alert_interval", interval_ms.to_string()),
                ("CRM_alert_target_rc", target_rc.to_string()),
                ("CRM_alert_status", status.code().to_string()),
                ("CRM_alert_rc", rc.to_string()),
                ("CRM_alert_exec_time", exec_time_ms.to_string()),
                (
                    "CRM_alert_desc",
                    if *status == crate::result::ExecStatus::Done {
                        crate::result::rc_description(*rc).to_string()
                    } else {
                        status.description().to_string()
                    },
                ),
            ],
            Event::Attribute {
                node,
                nodeid,
                name,
                value,
            } => vec![
                ("CRM_alert_node", node.clone()),
                ("CRM_alert_nodeid", nodeid.to_string()),
                ("CRM_alert_attribute_name", name.clone()),
                ("CRM_alert_attribute_value", value.clone()),
            ],
        }
    }
}

/// Whether a resource result deserves an alert: probes with the expected
/// result do not.
pub fn resource_alert_wanted(task: &str, interval_ms: u32, rc: i32, target_rc: i32) -> bool {
    !(interval_ms == 0 && rc == target_rc && task.eq_ignore_ascii_case("monitor"))
}

/// The environment for running `alert` about `event` at `now` (epoch
/// seconds, microseconds), or `None` if the alert does not select it.
pub fn environment(alert: &Alert, event: &Event, now: (i64, u32)) -> Option<Vec<(String, String)>> {
    let kind = event.kind();
    if !alert.kinds.contains(&kind) {
        return None;
    }
    if let (Event::Attribute { name, .. }, Some(only)) = (event, &alert.attributes)
        && !only.iter().any(|a| a == name)
    {
        return None;
    }
    let mut env: Vec<(String, String)> = event
        .vars()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    env.push(("CRM_alert_kind".into(), kind.as_str().into()));
    env.push(("CRM_alert_version".into(), ALERT_VERSION.into()));
    // Always set, empty for an alert without recipients.
    env.push((
        "CRM_alert_recipient".into(),
        alert.recipient.clone().unwrap_or_default(),
    ));
    env.push((
        "CRM_alert_timestamp".into(),
        format_timestamp(&alert.tstamp_format, now.0, now.1),
    ));
    env.push(("CRM_alert_timestamp_epoch".into(), now.0.to_string()));
    env.push(("CRM_alert_timestamp_usec".into(), format!("{:06}", now.1)));
    env.extend(alert.envvars.iter().map(|(k, v)| (k.clone(), v.clone())));
    Some(env)
}

/// Formats a UTC time with `%Y %m %d %H %M %S %s %%` and Pacemaker's `%N`
/// (fraction of a second, `%3N` / `%06N` giving the width).
pub fn format_timestamp(fmt: &str, secs: i64, usec: u32) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut width = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(*d);
            chars.next();
        }
        match chars.next() {
            Some('Y') => out.push_str(&format!("{y:04}")),
            Some('m') => out.push_str(&format!("{m:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('H') => out.push_str(&format!("{:02}", rem / 3600)),
            Some('M') => out.push_str(&format!("{:02}", rem % 3600 / 60)),
            Some('S') => out.push_str(&format!("{:02}", rem % 60)),
            Some('s') => out.push_str(&secs.to_string()),
            Some('N') => {
                let digits: usize = width.trim_start_matches('0').parse().unwrap_or(9).min(9);
                let nanos = format!("{:09}", u64::from(usec) * 1000);
                out.push_str(&nanos[..digits]);
            }
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push_str(&width);
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpack_recipients_and_filters() {
        let x = pcmk_common::xml::parse(
            r#"<alerts>
              <alert id="a1" path="/x/a1.sh">
                <meta_attributes id="m"><nvpair id="t" name="timeout" value="15s"/></meta_attributes>
                <instance_attributes id="i"><nvpair id="e" name="LOGFILE" value="/tmp/l"/></instance_attributes>
                <select><select_attributes><attribute id="x" name="standby"/></select_attributes></select>
                <recipient id="r1" value="one"/>
                <recipient id="r2" value="two"><meta_attributes id="m2"><nvpair id="en" name="enabled" value="false"/></meta_attributes></recipient>
              </alert>
              <alert id="a2" path="/x/a2.sh"/>
              <alert id="off" path="/x/off.sh"><meta_attributes id="m3"><nvpair id="en3" name="enabled" value="false"/></meta_attributes></alert>
              <alert id="nopath"/>
            </alerts>"#,
        )
        .unwrap();
        let a = unpack(&x);
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].recipient.as_deref(), a[0].timeout_ms),
            (Some("one"), 15_000)
        );
        assert_eq!(a[0].kinds, [Kind::Attribute]);
        assert_eq!(a[1].kinds, [Kind::Node, Kind::Fencing, Kind::Resource]);
        let ev = Event::Attribute {
            node: "n1".into(),
            nodeid: 1,
            name: "standby".into(),
            value: "on".into(),
        };
        let env: BTreeMap<String, String> = environment(&a[0], &ev, (0, 5))
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(env["CRM_alert_kind"], "attribute");
        assert_eq!(env["CRM_alert_attribute_value"], "on");
        assert_eq!(env["CRM_alert_recipient"], "one");
        assert_eq!(env["CRM_alert_timestamp"], "00:00:00.000005");
        assert_eq!(env["CRM_alert_timestamp_usec"], "000005");
        assert_eq!(env["LOGFILE"], "/tmp/l");
        let other = Event::Attribute {
            node: "n1".into(),
            nodeid: 1,
            name: "other".into(),
            value: "x".into(),
        };
        assert!(environment(&a[0], &other, (0, 0)).is_none());
        assert!(environment(&a[1], &other, (0, 0)).is_none());
        let res = Event::Resource {
            node: "n1".into(),
            rsc: "r".into(),
            task: "start".into(),
            interval_ms: 0,
            target_rc: 0,
            status: crate::result::ExecStatus::Done,
            rc: 6,
            exec_time_ms: 12,
        };
        let env: BTreeMap<String, String> = environment(&a[1], &res, (0, 0))
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(env["CRM_alert_desc"], "Not configured");
        assert!(!resource_alert_wanted("monitor", 0, 7, 7));
        assert!(resource_alert_wanted("monitor", 10, 7, 7));
    }

    #[test]
    fn timestamps() {
        assert_eq!(
            format_timestamp("%Y-%m-%d %H:%M:%S.%3N %%", 1_700_000_000, 123_456),
            "2023-11-14 22:13:20.123 %"
        );
        assert_eq!(
            format_timestamp(DEFAULT_TSTAMP_FORMAT, 59, 7),
            "00:00:59.000007"
        );
    }
}
