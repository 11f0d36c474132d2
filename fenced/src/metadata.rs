//! Fence agent meta-data: what Pacemaker learns from it (supported
//! actions, automatic unfencing, on-target actions, the default host
//! argument) and how it presents it (`start`/`stop` added, `action`,
//! `port` and `plug` not required), as `lib/fencing/st_rhcs.c` does.

use pcmk_common::xml::{Element, Node};

/// What a fence agent's meta-data says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentInfo {
    /// Has a `list` action.
    pub supports_list: bool,
    /// Has a `status` action.
    pub supports_status: bool,
    /// Has a `reboot` action.
    pub supports_reboot: bool,
    /// Has an `on` action.
    pub supports_on: bool,
    /// Its `on` action is `automatic` (unfence on join).
    pub auto_unfence: bool,
    /// Actions that must run on the target itself.
    pub on_target_actions: Vec<String>,
    /// `plug` or `port`, whichever the agent takes (plug preferred).
    pub default_host_arg: Option<String>,
}

fn is_true(v: Option<&str>) -> bool {
    matches!(
        v.map(str::to_ascii_lowercase).as_deref(),
        Some("true" | "yes" | "on" | "1" | "y")
    )
}

/// Reads the parts of meta-data Pacemaker uses.
pub fn agent_info(md: &Element) -> AgentInfo {
    let mut info = AgentInfo::default();
    let mut has_plug = false;
    let mut has_port = false;
    for e in md.descendants() {
        match e.name.as_str() {
            "action" => {
                let Some(name) = e.attr("name") else { continue };
                match name {
                    "list" => info.supports_list = true,
                    "status" => info.supports_status = true,
                    "reboot" => info.supports_reboot = true,
                    "on" => {
                        info.supports_on = true;
                        if is_true(e.attr("automatic")) || is_true(e.attr("required")) {
                            info.auto_unfence = true;
                        }
                    }
                    _ => {}
                }
                if is_true(e.attr("on_target")) {
                    info.on_target_actions.push(name.to_string());
                }
            }
            "parameter" => match e.attr("name") {
                Some("plug") => has_plug = true,
                Some("port") => has_port = true,
                _ => {}
            },
            _ => {}
        }
    }
    info.default_host_arg = if has_plug {
        Some("plug".into())
    } else if has_port {
        Some("port".into())
    } else {
        None
    };
    info
}

/// The meta-data as Pacemaker shows it: `start` and `stop` actions added
/// when missing, and the `action`, `port` and `plug` parameters marked not
/// required (Pacemaker supplies them).
pub fn fudge(md: &mut Element) {
    let has_stop = md
        .descendants()
        .any(|e| e.name == "action" && e.attr("name") == Some("stop"));
    fn walk(e: &mut Element) {
        if e.name == "parameter" && matches!(e.attr("name"), Some("action" | "port" | "plug")) {
            e.set_attr("required", "0");
        }
        for c in e.children.iter_mut() {
            if let Node::Element(ch) = c {
                walk(ch);
            }
        }
    }
    walk(md);
    if !has_stop && let Some(actions) = md.child_mut("actions") {
        actions.push(
            Element::new("action")
                .with_attr("name", "stop")
                .with_attr("timeout", "20s"),
        );
        actions.push(
            Element::new("action")
                .with_attr("name", "start")
                .with_attr("timeout", "20s"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_actions_and_host_arg() {
        let md = pcmk_common::xml::parse(
            r#"<resource-agent name="fence_x"><parameters><parameter name="port" required="1"/><parameter name="plug"/></parameters>
            <actions><action name="on" automatic="1"/><action name="list"/><action name="reboot" on_target="1"/></actions></resource-agent>"#,
        )
        .unwrap();
        let i = agent_info(&md);
        assert!(
            i.supports_on
                && i.auto_unfence
                && i.supports_list
                && i.supports_reboot
                && !i.supports_status
        );
        assert_eq!(i.default_host_arg.as_deref(), Some("plug"));
        assert_eq!(i.on_target_actions, ["reboot"]);
        let mut md = md;
        fudge(&mut md);
        let s = md.to_compact();
        assert!(
            s.contains(r#"<parameter name="port" required="0"/>"#),
            "{s}"
        );
        assert!(s.contains(r#"<action name="stop" timeout="20s"/>"#));
    }
}
