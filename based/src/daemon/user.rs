//! Whose ACLs apply to a request (Pacemaker's `pcmk__update_acl_user()`).

use crate::acl::PRIVILEGED_USERS;

fn privileged(user: &str) -> bool {
    PRIVILEGED_USERS.contains(&user)
}

/// The user whose ACLs apply: the daemon's own user when it is not
/// privileged; otherwise the connecting user, except that a privileged
/// caller (root, hacluster) may act as the user it names (`CIB_user`,
/// `cibadmin --user`).
pub fn acl_user(daemon_user: &str, peer: Option<&str>, requested: Option<&str>) -> String {
    if !privileged(daemon_user) {
        return daemon_user.to_string();
    }
    match (peer, requested) {
        (None, None) => daemon_user.to_string(),
        (None, Some(r)) => r.to_string(),
        (Some(p), _) if !privileged(p) => p.to_string(),
        (Some(p), None) => p.to_string(),
        (Some(_), Some(r)) => r.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delegation_only_from_privileged_peers() {
        assert_eq!(acl_user("root", Some("root"), Some("alice")), "alice");
        assert_eq!(acl_user("root", Some("hacluster"), None), "hacluster");
        assert_eq!(acl_user("root", Some("bob"), Some("root")), "bob");
        assert_eq!(acl_user("root", None, None), "root");
        assert_eq!(acl_user("nobody", Some("root"), Some("alice")), "nobody");
    }
}
