//! The account the cluster daemons run as (`hacluster:haclient`), and the
//! directories and files they need to own when started by root.

use std::path::Path;

/// The user the unprivileged daemons run as.
pub const CLUSTER_USER: &str = "hacluster";
/// The group of the cluster's users and sockets.
pub const CLUSTER_GROUP: &str = "haclient";

/// The uid and gid of `hacluster:haclient`, if the account exists.
pub fn cluster_ids() -> Option<(nix::unistd::Uid, nix::unistd::Gid)> {
    let user = nix::unistd::User::from_name(CLUSTER_USER).ok()??;
    let gid = nix::unistd::Group::from_name(CLUSTER_GROUP)
        .ok()
        .flatten()
        .map_or(user.gid, |g| g.gid);
    Some((user.uid, gid))
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Creates `dir` (and its parents) and, when running as root, gives it to
/// `hacluster:haclient` with permission bits `mode`, as pacemakerd does
/// for the run and state directories.
pub fn ensure_cluster_dir(dir: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)?;
    if is_root() {
        if let Some((uid, gid)) = cluster_ids() {
            nix::unistd::chown(dir, Some(uid), Some(gid)).map_err(std::io::Error::from)?;
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Gives `path` (a daemon's socket) to the cluster group (`haclient`),
/// so that the daemons running as `hacluster` can connect to a daemon
/// running as root, as Pacemaker's IPC servers allow. Does nothing when
/// the group does not exist; only root may change a file's group.
pub fn share_with_cluster_group(path: &Path) -> std::io::Result<()> {
    if let Ok(Some(group)) = nix::unistd::Group::from_name(CLUSTER_GROUP) {
        nix::unistd::chown(path, None, Some(group.gid)).map_err(std::io::Error::from)?;
    }
    Ok(())
}

/// This machine's host name (the node name when nothing else names it).
pub fn host_name() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_file_belongs_to_the_cluster_group() {
        use std::os::unix::fs::MetadataExt;
        let Ok(Some(group)) = nix::unistd::Group::from_name(CLUSTER_GROUP) else {
            eprintln!("skipped: no {CLUSTER_GROUP} group on this machine");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.sock");
        std::fs::write(&f, "").unwrap();
        let res = share_with_cluster_group(&f);
        if !is_root() {
            // Only root (or a member of the group) may change the group.
            return;
        }
        res.unwrap();
        assert_eq!(std::fs::metadata(&f).unwrap().gid(), group.gid.as_raw());
    }
}
