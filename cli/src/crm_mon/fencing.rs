//! The fencing sections of the status on a live cluster (Pacemaker's
//! `failed-fencing-list`, `pending-fencing-list`, `fencing-list` and
//! `full-fencing-list` messages): the fencer's history sorted with
//! pending actions first, then the most recently completed, and reduced
//! to the latest of each kind unless the full history is asked for.

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_proto::fenced::HistoryEntry;

use super::rsc::{in_list, show};
use super::section;
use crate::result_doc::timestamp;
use crate::stonith_admin::history::{describe, event_xml, later_succeeded};
use crate::text_out::TextOut;
use crate::xml_out::XmlOut;

const DONE: i32 = 2;
const FAILED: i32 = 4;

fn completed(e: &HistoryEntry) -> bool {
    e.state == DONE || e.state == FAILED
}

/// How much fencing history is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The latest action of each kind.
    Reduced,
    /// Everything.
    Full,
}

/// The fencer's history, or why it could not be had.
pub type History = Result<Vec<HistoryEntry>, CrmExit>;

/// `stonith__sort_history`: pending first (latest received first), then
/// completed actions, most recent first.
pub fn sort(mut entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    let mut pending: Vec<HistoryEntry> =
        entries.iter().filter(|e| !completed(e)).cloned().collect();
    pending.reverse();
    entries.retain(completed);
    entries.sort_by_key(|e| std::cmp::Reverse((e.completed, e.completed_nsec)));
    pending.extend(entries);
    pending
}

/// `reduce_fence_history`: drops completed actions older than one of the
/// same target, action and outcome (and delegate, for failures).
pub fn reduce(entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    let mut kept: Vec<HistoryEntry> = Vec::new();
    for e in entries {
        let dup = completed(&e)
            && kept.iter().any(|k| {
                k.target.eq_ignore_ascii_case(&e.target)
                    && k.action == e.action
                    && k.state == e.state
                    && (e.state == DONE || k.delegate.eq_ignore_ascii_case(&e.delegate))
            });
        if !dup {
            kept.push(e);
        }
    }
    kept
}

fn action_text(action: &str) -> &str {
    match action {
        "on" => "unfencing",
        "off" => "turning off",
        "" => "fencing",
        a => a,
    }
}

/// The friendly description (`stonith__history_description` without
/// failure details).
fn friendly(e: &HistoryEntry, full: bool, later: Option<&str>) -> String {
    let mut s = format!("{} of {}", action_text(&e.action), e.target);
    if completed(e) && !e.delegate.is_empty() {
        s.push_str(&format!(" by {}", e.delegate));
    }
    s.push_str(&format!(" for {}@{}", e.client, e.origin));
    if !full {
        s.push_str(" last");
    }
    s.push(' ');
    s.push_str(match e.state {
        FAILED => "failed",
        DONE => "successful",
        _ => "pending",
    });
    let reason = e.result.as_ref().map_or("", |r| r.exit_reason.as_str());
    if e.state == FAILED && !reason.is_empty() {
        s.push_str(&format!(" ({reason})"));
    }
    if completed(e) {
        s.push_str(&format!(
            " at {}",
            timestamp(e.completed, e.completed_nsec, true)
        ));
    }
    if e.state == FAILED {
        if let Some(n) = later {
            s.push_str(&format!(" (a later attempt from {n} succeeded)"));
        }
    }
    s
}

fn event_text(e: &HistoryEntry, all: &[HistoryEntry], show_sections: u32, opts: u32) -> String {
    let full = show_sections & section::FENCING_ALL == section::FENCING_ALL;
    let later = later_succeeded(e, all);
    if opts & show::FAILED_DETAIL != 0 {
        describe(e, full, later)
    } else {
        friendly(e, full, later)
    }
}

fn list_text(
    t: &mut TextOut,
    spacer: bool,
    title: &str,
    items: &[&HistoryEntry],
    all: &[HistoryEntry],
    show_sections: u32,
    opts: u32,
) -> bool {
    if items.is_empty() {
        return false;
    }
    if spacer {
        t.spacer();
    }
    t.begin_list(None, Some(title));
    for e in items {
        t.item(None, &event_text(e, all, show_sections, opts));
    }
    t.end_list();
    true
}

/// The failed fencing actions (or the failure to get the history).
pub fn failed_text(
    t: &mut TextOut,
    spacer: bool,
    history: &History,
    only_node: &[String],
    show_sections: u32,
    opts: u32,
) -> bool {
    match history {
        Err(exit) => {
            if spacer {
                t.spacer();
            }
            t.begin_list(None, Some("Failed Fencing Actions"));
            t.item(
                None,
                &format!("Failed to get fencing history: {}", exit.description()),
            );
            t.end_list();
            true
        }
        Ok(all) => {
            let items: Vec<&HistoryEntry> = all
                .iter()
                .filter(|e| e.state == FAILED && in_list(&e.target, only_node, true))
                .collect();
            list_text(
                t,
                spacer,
                "Failed Fencing Actions",
                &items,
                all,
                show_sections,
                opts,
            )
        }
    }
}

/// The successful (or, with everything shown, all) fencing actions.
pub fn worked_text(
    t: &mut TextOut,
    spacer: bool,
    all: &[HistoryEntry],
    only_node: &[String],
    show_sections: u32,
    opts: u32,
) -> bool {
    let items: Vec<&HistoryEntry> = all
        .iter()
        .filter(|e| e.state != FAILED && in_list(&e.target, only_node, true))
        .collect();
    list_text(
        t,
        spacer,
        "Fencing History",
        &items,
        all,
        show_sections,
        opts,
    )
}

/// The pending fencing actions (those before the first completed one).
pub fn pending_text(
    t: &mut TextOut,
    spacer: bool,
    all: &[HistoryEntry],
    only_node: &[String],
    show_sections: u32,
    opts: u32,
) -> bool {
    let items: Vec<&HistoryEntry> = all
        .iter()
        .filter(|e| in_list(&e.target, only_node, true))
        .take_while(|e| !completed(e))
        .collect();
    list_text(
        t,
        spacer,
        "Pending Fencing Actions",
        &items,
        all,
        show_sections,
        opts,
    )
}

/// The `full-fencing-list` XML.
pub fn full_xml(x: &mut XmlOut, history: &History, only_node: &[String]) {
    match history {
        Err(exit) => {
            x.add(Element::new("fence_history").with_attr("status", (*exit as i32).to_string()))
        }
        Ok(all) => {
            let items: Vec<&HistoryEntry> = all
                .iter()
                .filter(|e| in_list(&e.target, only_node, true))
                .collect();
            if items.is_empty() {
                return;
            }
            x.push_parent(Element::new("fence_history"));
            for e in items {
                x.add(event_xml(e));
            }
            x.pop_parent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(target: &str, state: i32, completed: i64) -> HistoryEntry {
        HistoryEntry {
            id: format!("{target}-{completed}"),
            target: target.into(),
            action: "reboot".into(),
            origin: "n1".into(),
            delegate: "n2".into(),
            client: "controller".into(),
            state,
            completed,
            completed_nsec: 0,
            result: None,
        }
    }

    #[test]
    fn sorted_then_reduced() {
        let all = vec![
            ev("a", DONE, 10),
            ev("a", DONE, 30),
            ev("b", 1, 0),
            ev("a", FAILED, 20),
        ];
        let sorted = sort(all);
        let order: Vec<(String, i64)> = sorted
            .iter()
            .map(|e| (e.target.clone(), e.completed))
            .collect();
        assert_eq!(
            order,
            vec![
                ("b".into(), 0),
                ("a".into(), 30),
                ("a".into(), 20),
                ("a".into(), 10)
            ]
        );
        let reduced = reduce(sorted);
        assert_eq!(reduced.len(), 3);
        assert!(reduced.iter().all(|e| e.completed != 10));
    }

    #[test]
    fn friendly_text() {
        let e = ev("a", DONE, 0);
        assert_eq!(
            friendly(&e, false, None),
            "reboot of a by n2 for controller@n1 last successful at 1970-01-01 00:00:00.000000Z"
        );
    }
}
