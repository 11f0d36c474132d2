//! Fencing history as `stonith_admin -H` shows it (Pacemaker's
//! `stonith__history_description()` and the `stonith-event` messages).

use pcmk_common::xml::Element;
use pcmk_proto::fenced as pb;

use crate::result_doc::timestamp;

const DONE: i32 = 2;
const FAILED: i32 = 4;

fn action_text(action: &str) -> &str {
    match action {
        "on" => "unfencing",
        "off" => "turning off",
        "" => "fencing",
        a => a,
    }
}

fn state_text(state: i32) -> &'static str {
    match state {
        FAILED => "failed",
        DONE => "successful",
        _ => "pending",
    }
}

fn finished(e: &pb::HistoryEntry) -> bool {
    e.state == DONE || e.state == FAILED
}

/// The node that later succeeded the same action, if `e` failed.
pub fn later_succeeded<'a>(e: &pb::HistoryEntry, all: &'a [pb::HistoryEntry]) -> Option<&'a str> {
    let mut other = None;
    for p in all {
        if p.id == e.id {
            break;
        }
        if p.state == DONE
            && p.target.eq_ignore_ascii_case(&e.target)
            && p.action == e.action
            && (e.completed, e.completed_nsec) < (p.completed, p.completed_nsec)
        {
            if e.delegate.is_empty() || e.delegate.eq_ignore_ascii_case(&p.delegate) {
                return Some(&p.delegate);
            }
            other.get_or_insert(if p.delegate.is_empty() {
                "some node"
            } else {
                p.delegate.as_str()
            });
        }
    }
    other
}

/// The technical one-line description (`pcmk_show_failed_detail`).
pub fn describe(e: &pb::HistoryEntry, full_history: bool, later: Option<&str>) -> String {
    let mut s = format!(
        "{} of {} {}",
        action_text(&e.action),
        e.target,
        state_text(e.state)
    );
    let reason = e
        .result
        .as_ref()
        .map(|r| r.exit_reason.as_str())
        .unwrap_or("");
    if e.state == FAILED && !reason.is_empty() {
        s.push_str(&format!(" ({reason})"));
    }
    s.push_str(": ");
    if finished(e) && !e.delegate.is_empty() {
        s.push_str(&format!("delegate={}, ", e.delegate));
    }
    s.push_str(&format!("client={}, origin={}", e.client, e.origin));
    if finished(e) {
        let when = if full_history {
            "completed"
        } else if e.state == FAILED {
            "last-failed"
        } else {
            "last-successful"
        };
        s.push_str(&format!(
            ", {when}='{}'",
            timestamp(e.completed, e.completed_nsec, true)
        ));
    }
    if e.state == FAILED
        && let Some(n) = later
    {
        s.push_str(&format!(" (a later attempt from {n} succeeded)"));
    }
    s
}

/// The XML `<fence_event>` of an entry.
pub fn event_xml(e: &pb::HistoryEntry) -> Element {
    let mut x = Element::new("fence_event")
        .with_attr("action", &e.action)
        .with_attr("target", &e.target)
        .with_attr("client", &e.client)
        .with_attr("origin", &e.origin);
    match e.state {
        FAILED => {
            x.set_attr("status", "failed");
            if let Some(r) = e.result.as_ref().filter(|r| !r.exit_reason.is_empty()) {
                x.set_attr("exit-reason", &r.exit_reason);
            }
        }
        DONE => x.set_attr("status", "success"),
        s => {
            x.set_attr("status", "pending");
            x.set_attr("extended-status", s.to_string());
        }
    }
    if !e.delegate.is_empty() {
        x.set_attr("delegate", &e.delegate);
    }
    if finished(e) {
        x.set_attr("completed", timestamp(e.completed, e.completed_nsec, true));
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        let e = pb::HistoryEntry {
            id: "a".into(),
            target: "node1".into(),
            action: "reboot".into(),
            origin: "n0".into(),
            delegate: "n2".into(),
            client: "stonith_admin".into(),
            state: DONE,
            completed: 0,
            completed_nsec: 0,
            result: None,
        };
        assert_eq!(
            describe(&e, false, None),
            "reboot of node1 successful: delegate=n2, client=stonith_admin, origin=n0, last-successful='1970-01-01 00:00:00.000000Z'"
        );
        let mut f = e.clone();
        f.id = "b".into();
        f.state = FAILED;
        f.action = "off".into();
        f.completed = -5;
        f.result = Some(pb::Result {
            exit_reason: "boom".into(),
            ..Default::default()
        });
        let mut later = e.clone();
        later.action = "off".into();
        let all = vec![later, f.clone()];
        assert!(
            describe(&f, true, later_succeeded(&f, &all))
                .starts_with("turning off of node1 failed (boom): delegate=n2")
        );
        assert!(
            describe(&f, true, later_succeeded(&f, &all))
                .ends_with("(a later attempt from n2 succeeded)")
        );
        assert_eq!(event_xml(&f).attr("status"), Some("failed"));
    }
}
