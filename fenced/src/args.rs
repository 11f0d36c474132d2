//! The arguments a fence agent reads on standard input, one `name=value`
//! line each, as Pacemaker's `make_args()` builds them: the action (or its
//! `pcmk_<action>_action` alias), for actions against a node its name as
//! `nodename` and, in the host argument (`pcmk_host_argument`, else the
//! agent's `plug`/`port`), its port from `pcmk_host_map` or its name; then
//! the device's own parameters, less those Pacemaker handles.

use std::collections::BTreeMap;

use crate::device::{Device, is_pacemaker_param};

/// Builds the agent arguments for `action` against `target` using `device`.
pub fn make_args(device: &Device, action: &str, target: Option<&str>) -> Vec<(String, String)> {
    let params = &device.params;
    let action = params
        .get(&format!("pcmk_{action}_action"))
        .map_or(action, String::as_str);
    let mut args = vec![("action".to_string(), action.to_string())];
    if let Some(target) = target {
        args.push(("nodename".into(), target.to_string()));
        let host_arg = params
            .get("pcmk_host_argument")
            .cloned()
            .or_else(|| device.info.default_host_arg.clone());
        if let Some(arg) = host_arg
            && device.agent != "fence_legacy"
            && !arg.eq_ignore_ascii_case("none")
        {
            let configured = params.get(&arg);
            if configured.is_none_or(|v| v.eq_ignore_ascii_case("dynamic")) {
                let port = device.alias(target).unwrap_or(target);
                args.push((arg, port.to_string()));
            }
        }
    }
    let taken: BTreeMap<String, ()> = args.iter().map(|(k, _)| (k.clone(), ())).collect();
    for (k, v) in params {
        if k == "action"
            || is_pacemaker_param(k)
            || k.starts_with("CRM_meta_")
            || k == "crm_feature_set"
        {
            continue;
        }
        if taken.contains_key(k) {
            continue;
        }
        args.push((k.clone(), v.clone()));
    }
    args
}

/// The standard input text for `args`.
pub fn stdin_text(args: &[(String, String)]) -> String {
    args.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::AgentInfo;

    fn dev(params: &[(&str, &str)], host_arg: Option<&str>) -> Device {
        Device::new(
            "d",
            "fence_x",
            params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            AgentInfo {
                default_host_arg: host_arg.map(Into::into),
                ..AgentInfo::default()
            },
        )
    }

    fn get<'a>(a: &'a [(String, String)], k: &str) -> Option<&'a str> {
        a.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn fencing_arguments() {
        let d = dev(
            &[
                ("ipaddr", "10.0.0.1"),
                ("pcmk_host_map", "node1:vm-1"),
                ("pcmk_reboot_action", "off"),
                ("pcmk_off_timeout", "30"),
                ("action", "bogus"),
                ("CRM_meta_timeout", "1"),
            ],
            Some("plug"),
        );
        let a = make_args(&d, "reboot", Some("node1"));
        assert_eq!(a[0], ("action".to_string(), "off".to_string()));
        assert_eq!(get(&a, "nodename"), Some("node1"));
        assert_eq!(get(&a, "plug"), Some("vm-1"));
        assert_eq!(get(&a, "ipaddr"), Some("10.0.0.1"));
        assert!(get(&a, "pcmk_off_timeout").is_none());
        assert!(get(&a, "CRM_meta_timeout").is_none());
        assert_eq!(a.iter().filter(|(k, _)| k == "action").count(), 1);
        assert_eq!(stdin_text(&a[..2]), "action=off\nnodename=node1\n");
    }

    #[test]
    fn host_argument_rules() {
        // Configured port is kept unless "dynamic".
        let a = make_args(&dev(&[("port", "fixed")], Some("port")), "off", Some("n"));
        assert_eq!(get(&a, "port"), Some("fixed"));
        let a = make_args(&dev(&[("port", "dynamic")], Some("port")), "off", Some("n"));
        assert_eq!(get(&a, "port"), Some("n"));
        // pcmk_host_argument overrides; "none" disables.
        let a = make_args(
            &dev(&[("pcmk_host_argument", "ip")], Some("port")),
            "off",
            Some("n"),
        );
        assert_eq!(get(&a, "ip"), Some("n"));
        assert!(get(&a, "port").is_none());
        let a = make_args(
            &dev(&[("pcmk_host_argument", "none")], Some("port")),
            "off",
            Some("n"),
        );
        assert!(get(&a, "port").is_none());
        // No target: only the action and parameters.
        let a = make_args(&dev(&[("login", "u")], Some("port")), "list", None);
        assert_eq!(
            a,
            [
                ("action".into(), "list".into()),
                ("login".into(), "u".into())
            ]
        );
    }
}
