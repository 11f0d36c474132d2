//! Listing standards, OCF providers and agents, the way Pacemaker's
//! services library scans its directories (sorted, hidden entries skipped).

use std::path::Path;

use crate::dirs::AgentDirs;
use crate::standard::Standard;
use crate::systemd::SystemdBus;

/// Names in `dir` that are directories (`exec_files` false) or executable
/// regular files (`exec_files` true), sorted as `alphasort()` sorts them.
pub fn list_dir(dir: &Path, exec_files: bool) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if name.starts_with('.') {
                return None;
            }
            // stat(), not lstat(): symlinks count as what they point to.
            let md = std::fs::metadata(e.path()).ok()?;
            let keep = if exec_files {
                md.is_file() && md.permissions().mode() & 0o111 != 0
            } else {
                md.is_dir()
            };
            keep.then_some(name)
        })
        .collect();
    out.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    out
}

/// The supported standards, in Pacemaker 3.0.2's order; `systemd` only
/// where systemd lists units it can manage, `stonith` only when fence
/// agents are installed.
pub async fn list_standards(dirs: &AgentDirs, bus: &SystemdBus) -> Vec<String> {
    let units = bus.list_units().await;
    list_standards_given(dirs, !units.is_empty())
}

/// [`list_standards`], with what systemd said given.
pub fn list_standards_given(dirs: &AgentDirs, systemd_units: bool) -> Vec<String> {
    let mut out = vec![
        Standard::Ocf.to_string(),
        Standard::Service.to_string(),
        Standard::Lsb.to_string(),
    ];
    if systemd_units {
        out.push(Standard::Systemd.to_string());
    }
    if !list_fence_agents(dirs).is_empty() {
        out.push(Standard::Stonith.to_string());
    }
    out
}

/// OCF providers.
pub fn list_ocf_providers(dirs: &AgentDirs) -> Vec<String> {
    list_dir(&dirs.ocf_ra_dir(), false)
}

/// OCF providers that have agent `agent` (all providers when `None`).
pub fn providers_with_agent(dirs: &AgentDirs, agent: Option<&str>) -> Vec<String> {
    list_ocf_providers(dirs)
        .into_iter()
        .filter(|p| {
            agent.is_none_or(|a| {
                list_ocf_agents(dirs, Some(p))
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(a))
            })
        })
        .collect()
}

/// OCF agents of `provider`, or of every provider in turn.
pub fn list_ocf_agents(dirs: &AgentDirs, provider: Option<&str>) -> Vec<String> {
    match provider {
        Some(p) if crate::dirs::is_plain_name(p) => list_dir(&dirs.ocf_ra_dir().join(p), true),
        Some(_) => Vec::new(),
        None => list_ocf_providers(dirs)
            .iter()
            .flat_map(|p| list_ocf_agents(dirs, Some(p)))
            .collect(),
    }
}

/// LSB init scripts.
pub fn list_lsb_agents(dirs: &AgentDirs) -> Vec<String> {
    list_dir(&dirs.lsb_dir, true)
}

/// Fence agents: regular files named `fence_*` in the fence directory.
pub fn list_fence_agents(dirs: &AgentDirs) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(&dirs.fence_dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with("fence_") {
                return None;
            }
            std::fs::metadata(e.path()).ok()?.is_file().then_some(name)
        })
        .collect();
    out.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    out
}

/// Agents of a class (and provider), as `crm_resource --list-agents` and
/// the executor's list call give them. `None` class lists every class.
pub async fn list_agents(
    dirs: &AgentDirs,
    class: Option<&str>,
    provider: Option<&str>,
    bus: &SystemdBus,
) -> Vec<String> {
    let std = class.map(Standard::parse);
    let units = match std {
        None | Some(Some(Standard::Service | Standard::Systemd)) => bus.list_units().await,
        _ => Vec::new(),
    };
    list_agents_given(dirs, class, provider, &units)
}

/// [`list_agents`], with the units systemd listed given.
pub fn list_agents_given(
    dirs: &AgentDirs,
    class: Option<&str>,
    provider: Option<&str>,
    units: &[String],
) -> Vec<String> {
    let std = class.map(Standard::parse);
    match std {
        None => {
            let mut out = list_ocf_agents(dirs, None);
            out.extend(list_lsb_agents(dirs));
            out.extend(units.iter().cloned());
            out.extend(list_fence_agents(dirs));
            out
        }
        Some(Some(Standard::Service)) => {
            let mut out = list_lsb_agents(dirs);
            out.extend(units.iter().cloned());
            out
        }
        Some(Some(Standard::Ocf)) => list_ocf_agents(dirs, provider),
        Some(Some(Standard::Lsb)) => list_lsb_agents(dirs),
        Some(Some(Standard::Stonith)) => list_fence_agents(dirs),
        Some(Some(Standard::Systemd)) => units.to_vec(),
        Some(None) => Vec::new(),
    }
}

/// Resolves the `service` alias for `agent` as far as the files tell:
/// `lsb` if an init script of that name exists, else `systemd` (which the
/// systemd layer confirms over D-Bus, falling back to the missing script).
pub fn resolve_service(dirs: &AgentDirs, agent: &str) -> Standard {
    if crate::dirs::exists(&dirs.lsb_agent(agent)) {
        Standard::Lsb
    } else {
        Standard::Systemd
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn lists_sorted_and_filtered() {
        let d = tempfile::tempdir().unwrap();
        let ra = d.path().join("resource.d");
        std::fs::create_dir_all(ra.join("zz")).unwrap();
        std::fs::create_dir_all(ra.join("aa")).unwrap();
        std::fs::create_dir_all(ra.join(".hidden")).unwrap();
        for (name, mode) in [("B", 0o755), ("a", 0o755), ("noexec", 0o644)] {
            let p = ra.join("aa").join(name);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let dirs = AgentDirs {
            ocf_root: d.path().to_path_buf(),
            lsb_dir: d.path().join("none"),
            fence_dir: d.path().join("none"),
        };
        assert_eq!(list_ocf_providers(&dirs), ["aa", "zz"]);
        assert_eq!(list_ocf_agents(&dirs, Some("aa")), ["B", "a"]);
        assert_eq!(list_ocf_agents(&dirs, None), ["B", "a"]);
        assert_eq!(providers_with_agent(&dirs, Some("b")), ["aa"]);
        assert!(providers_with_agent(&dirs, Some("none")).is_empty());
        assert!(list_ocf_agents(&dirs, Some("../..")).is_empty());
        assert_eq!(
            list_standards_given(&dirs, false),
            ["ocf", "service", "lsb"]
        );
        assert_eq!(
            list_standards_given(&dirs, true),
            ["ocf", "service", "lsb", "systemd"]
        );
        let units = ["sshd".to_string(), "data.mount".to_string()];
        assert_eq!(
            list_agents_given(&dirs, Some("systemd"), None, &units),
            units
        );
        assert_eq!(
            list_agents_given(&dirs, Some("service"), None, &units),
            units
        );
        assert_eq!(
            list_agents_given(&dirs, None, None, &units),
            ["B", "a", "sshd", "data.mount"]
        );
        assert!(list_agents_given(&dirs, Some("lsb"), None, &units).is_empty());
    }
}
