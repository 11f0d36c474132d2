//! Unit names, unit listings, generated meta-data and the drop-in file
//! written for managed units: what Pacemaker's systemd support decides
//! without talking to systemd.

use std::path::{Path, PathBuf};

/// Unit types Pacemaker manages (and lists).
pub const MANAGED_SUFFIXES: [&str; 5] = [".service", ".socket", ".mount", ".timer", ".path"];

/// The instance name given to a template unit (`foo@`) when one is needed.
pub const TEMPLATE_INSTANCE: &str = "pacemaker";

/// Name of the drop-in file written for managed units.
pub const OVERRIDE_FILE: &str = "50-pacemaker.conf";

/// The managed unit type suffix of `name` (with its dot), if any.
pub fn managed_suffix(name: &str) -> Option<&str> {
    let dot = name.rfind('.')?;
    let suffix = &name[dot..];
    MANAGED_SUFFIXES.contains(&suffix).then_some(suffix)
}

/// The full unit name for an agent name: `.service` is added when the name
/// has no managed suffix. A template (`foo@` / `foo@.service`) gets the
/// `pacemaker` instance; without a suffix only when `add_instance` is set
/// (Pacemaker asks for it when loading a unit, not when acting on one).
pub fn unit_name(agent: &str, add_instance: bool) -> Option<String> {
    if agent.is_empty() {
        return None;
    }
    Some(match managed_suffix(agent) {
        Some(suffix) => {
            let stem = &agent[..agent.len() - suffix.len()];
            if stem.ends_with('@') {
                format!("{stem}{TEMPLATE_INSTANCE}{suffix}")
            } else {
                agent.to_string()
            }
        }
        None if add_instance && agent.ends_with('@') => {
            format!("{agent}{TEMPLATE_INSTANCE}.service")
        }
        None => format!("{agent}.service"),
    })
}

/// Turns the unit files systemd lists (full paths) into agent names:
/// managed types only, base names, `.service` dropped, sorted
/// case-insensitively.
pub fn agents_from_unit_files<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = paths
        .into_iter()
        .filter_map(|p| {
            let suffix = managed_suffix(p)?;
            let base = p.rsplit('/').next().unwrap_or(p);
            Some(if suffix == ".service" {
                base[..base.len() - suffix.len()].to_string()
            } else {
                base.to_string()
            })
        })
        .collect();
    out.sort_by_key(|a| a.to_ascii_lowercase());
    out
}

/// The description used when systemd does not give one.
pub fn fallback_description(agent: &str) -> String {
    format!("Systemd unit file for {agent}")
}

/// The meta-data Pacemaker generates for a systemd unit, with the unit's
/// `Description` as long description.
pub fn metadata(agent: &str, description: &str) -> String {
    use pcmk_common::xml::{escape_attr, escape_text};
    let name = escape_attr(agent);
    let short = escape_text(agent);
    let desc = escape_text(description);
    format!(
        "<?xml version=\"1.0\"?>\n\
         <resource-agent name=\"{name}\" version=\"0.1\">\n  \
         <version>1.1</version>\n  \
         <longdesc lang=\"en\">\n    {desc}\n  </longdesc>\n  \
         <shortdesc lang=\"en\">systemd unit file for {short}</shortdesc>\n  \
         <parameters/>\n  \
         <actions>\n    \
         <action name=\"start\" timeout=\"100s\" />\n    \
         <action name=\"stop\" timeout=\"100s\" />\n    \
         <action name=\"status\" timeout=\"100s\" />\n    \
         <action name=\"monitor\" timeout=\"100s\" interval=\"60s\" />\n    \
         <action name=\"meta-data\" timeout=\"5s\" />\n  \
         </actions>\n  \
         <special tag=\"systemd\"/>\n\
         </resource-agent>\n"
    )
}

/// Where the drop-in for `unit` goes below the runtime unit directory.
pub fn override_path(runtime_dir: &Path, unit: &str) -> PathBuf {
    runtime_dir.join(format!("{unit}.d")).join(OVERRIDE_FILE)
}

/// The drop-in written for a managed unit: ordered before Pacemaker so
/// that systemd does not stop it while the cluster runs, and (services)
/// never restarted by systemd behind the cluster's back.
pub fn override_contents(unit: &str) -> String {
    let mut s = format!(
        "[Unit]\nDescription=Cluster Controlled {unit}\nBefore=pacemaker.service pacemaker_remote.service\n"
    );
    if unit.ends_with(".service") {
        s.push_str("\n[Service]\nRestart=no\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names() {
        assert_eq!(unit_name("httpd", false).unwrap(), "httpd.service");
        assert_eq!(unit_name("httpd.service", false).unwrap(), "httpd.service");
        assert_eq!(unit_name("data.mount", true).unwrap(), "data.mount");
        assert_eq!(unit_name("x.target", false).unwrap(), "x.target.service");
        assert_eq!(
            unit_name("getty@", true).unwrap(),
            "getty@pacemaker.service"
        );
        assert_eq!(unit_name("getty@", false).unwrap(), "getty@.service");
        assert_eq!(
            unit_name("getty@.service", false).unwrap(),
            "getty@pacemaker.service"
        );
        assert_eq!(
            unit_name("getty@tty1", false).unwrap(),
            "getty@tty1.service"
        );
        assert_eq!(unit_name("", false), None);
        assert_eq!(unit_name(".service", false).unwrap(), ".service");
    }

    #[test]
    fn listing() {
        let got = agents_from_unit_files([
            "/lib/systemd/system/sshd.service",
            "/lib/systemd/system/Apache.service",
            "/lib/systemd/system/multi-user.target",
            "/etc/systemd/system/data.mount",
            "/lib/systemd/system/fstrim.timer",
            "noslash.socket",
            "/x/y.path",
            "/x/dev-sda.swap",
        ]);
        assert_eq!(
            got,
            [
                "Apache",
                "data.mount",
                "fstrim.timer",
                "noslash.socket",
                "sshd",
                "y.path"
            ]
        );
    }

    #[test]
    fn metadata_is_xml_and_escaped() {
        let md = metadata("a<b", "Web & mail <server>");
        let doc = pcmk_common::xml::parse(&md).unwrap();
        assert_eq!(doc.name, "resource-agent");
        assert_eq!(doc.attr("name"), Some("a<b"));
        assert!(md.contains("Web &amp; mail &lt;server&gt;"));
        assert!(md.contains("<shortdesc lang=\"en\">systemd unit file for a&lt;b</shortdesc>"));
    }

    #[test]
    fn override_file() {
        let p = override_path(Path::new("/run/systemd/system"), "web.service");
        assert_eq!(
            p,
            Path::new("/run/systemd/system/web.service.d/50-pacemaker.conf")
        );
        let c = override_contents("web.service");
        assert!(c.starts_with("[Unit]\nDescription=Cluster Controlled web.service\n"));
        assert!(c.contains("Before=pacemaker.service pacemaker_remote.service\n"));
        assert!(c.ends_with("[Service]\nRestart=no\n"));
        assert!(!override_contents("data.mount").contains("[Service]"));
    }
}
