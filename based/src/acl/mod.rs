//! Access control lists, as Pacemaker 3.0.2 applies them (`lib/common/acl.c`).
//!
//! When `enable-acl` is true, every user but `root` and `hacluster` (and
//! requests with no user) is subject to the ACLs of the `acls` section:
//! the `acl_target` naming the user (by `name` or else `id`) and every
//! `acl_group` whose Unix group lists the user, through the `acl_role`s
//! they reference. Each `acl_permission` grants `read` or `write` or
//! imposes `deny` on the elements an XPath selects (given directly, or
//! built from `reference`, `object-type` and `attribute`).
//!
//! An element is readable or writable when the nearest element on its path
//! up to the root carrying a permission allows it; `deny` wins over the
//! others on the same element; with no permission on the way up access is
//! denied. Reads return a filtered copy: elements that are not readable
//! keep only their `id` and are dropped altogether when nothing under them
//! is readable. A user without any permission may not read at all.
//!
//! Writes are checked change by change ([`check`]), producing the same
//! trace messages as Pacemaker (its regression suite shows them).

mod check;
mod filter;

use std::collections::HashMap;

use pcmk_common::values::is_true;
use pcmk_common::xml::Element;
use pcmk_common::xpath::XPath;

pub use check::{check_replaced, check_tracked};
pub use filter::filtered_copy;

/// The users that bypass ACLs.
pub const PRIVILEGED_USERS: [&str; 2] = ["root", "hacluster"];

/// Whether `user` is subject to ACLs (not empty, not privileged).
pub fn required(user: Option<&str>) -> bool {
    user.is_some_and(|u| !u.is_empty() && !PRIVILEGED_USERS.contains(&u))
}

/// Whether `enable-acl` is true in the cluster options of `cib`.
pub fn enable_acl(cib: &Element) -> bool {
    let Some(config) = cib
        .child("configuration")
        .and_then(|c| c.child("crm_config"))
    else {
        return false;
    };
    // The set named cib-bootstrap-options first, as Pacemaker sorts it.
    let sets = config
        .children_named("cluster_property_set")
        .filter(|s| s.id() == Some("cib-bootstrap-options"))
        .chain(
            config
                .children_named("cluster_property_set")
                .filter(|s| s.id() != Some("cib-bootstrap-options")),
        );
    for set in sets {
        if set.child("rule").is_some() {
            continue;
        }
        if let Some(nv) = set
            .children_named("nvpair")
            .find(|nv| nv.attr("name") == Some("enable-acl"))
        {
            return is_true(nv.attr("value"));
        }
    }
    false
}

/// Whether ACLs apply to `user` on `cib`.
pub fn enabled(cib: &Element, user: Option<&str>) -> bool {
    required(user) && enable_acl(cib)
}

/// Whether a user belongs to a Unix group (the system's group database,
/// supplied by the shell).
pub trait GroupLookup {
    /// Whether `group` lists `user` as a member.
    fn is_member(&self, user: &str, group: &str) -> bool;
}

/// A lookup that knows no group memberships.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoGroups;

impl GroupLookup for NoGroups {
    fn is_member(&self, _: &str, _: &str) -> bool {
        false
    }
}

/// What a permission grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read access.
    Read,
    /// Read and write access.
    Write,
    /// No access.
    Deny,
}

const READ: u8 = 1;
const WRITE: u8 = 2;
const DENY: u8 = 4;

impl Mode {
    fn bit(self) -> u8 {
        match self {
            Mode::Read => READ,
            Mode::Write => WRITE,
            Mode::Deny => DENY,
        }
    }

    /// How Pacemaker names the access in its messages.
    fn text(self) -> &'static str {
        match self {
            Mode::Read => "read",
            Mode::Write => "read/write",
            Mode::Deny => "deny",
        }
    }
}

/// One permission of a user, as an XPath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acl {
    /// What it grants.
    pub mode: Mode,
    /// What it applies to.
    pub xpath: String,
}

/// The permissions of one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAcls {
    /// The user.
    pub user: String,
    /// Permissions, in the order they were found.
    pub acls: Vec<Acl>,
}

fn acl_from_permission(perm: &Element) -> Option<Acl> {
    let mode = match perm.attr("kind")? {
        "read" => Mode::Read,
        "write" => Mode::Write,
        "deny" => Mode::Deny,
        _ => return None,
    };
    let tag = perm.attr("object-type");
    let reference = perm.attr("reference");
    let attr = perm.attr("attribute");
    if let Some(xpath) = perm.attr("xpath") {
        return Some(Acl {
            mode,
            xpath: xpath.to_string(),
        });
    }
    if tag.is_none() && reference.is_none() {
        return None;
    }
    let mut xpath = format!("//{}", tag.unwrap_or("*"));
    match (reference, attr) {
        (Some(r), Some(a)) => xpath.push_str(&format!("[@id='{r}' and @{a}]")),
        (Some(r), None) => xpath.push_str(&format!("[@id='{r}']")),
        (None, Some(a)) => xpath.push_str(&format!("[@{a}]")),
        (None, None) => {}
    }
    Some(Acl { mode, xpath })
}

fn unpack_member(cib: &Element, member: &Element, acls: &mut Vec<Acl>) {
    for child in member.elements() {
        match child.name.as_str() {
            "role" => {
                let Some(id) = child.id() else { continue };
                let Some(role) = cib
                    .descendants()
                    .find(|e| e.name == "acl_role" && e.id() == Some(id))
                else {
                    continue;
                };
                acls.extend(
                    role.children_named("acl_permission")
                        .filter_map(acl_from_permission),
                );
            }
            // Deprecated: a permission right under the target or group.
            "acl_permission" => acls.extend(acl_from_permission(child)),
            _ => {}
        }
    }
}

/// The permissions of `user` in the `acls` section of `cib`.
pub fn unpack(cib: &Element, user: &str, groups: &dyn GroupLookup) -> UserAcls {
    let mut acls = Vec::new();
    let section = cib.child("configuration").and_then(|c| c.child("acls"));
    for member in section.iter().flat_map(|s| s.elements()) {
        let Some(name) = member.attr("name").or_else(|| member.id()) else {
            continue;
        };
        let applies = match member.name.as_str() {
            "acl_target" => name == user,
            "acl_group" => groups.is_member(user, name),
            _ => false,
        };
        if applies {
            unpack_member(cib, member, &mut acls);
        }
    }
    UserAcls {
        user: user.to_string(),
        acls,
    }
}

/// The permission bits of the elements of one document, by path.
#[derive(Debug, Default, Clone)]
pub struct Flags(HashMap<Vec<usize>, u8>);

impl Flags {
    /// Applies `acls` to `doc`: each permission's bit on every element its
    /// XPath selects (attributes, text and comments count as their element,
    /// the document as the root element). Expressions that do not parse
    /// select nothing.
    pub fn compute(acls: &UserAcls, doc: &Element) -> Flags {
        let mut flags = Flags::default();
        for acl in &acls.acls {
            let Ok(matches) = XPath::parse(&acl.xpath).and_then(|x| x.select(doc)) else {
                continue;
            };
            for m in matches {
                *flags
                    .0
                    .entry(m.element_path().indices().to_vec())
                    .or_default() |= acl.mode.bit();
            }
        }
        flags
    }

    /// The bits of the element at `path`.
    pub fn get(&self, path: &[usize]) -> u8 {
        self.0.get(path).copied().unwrap_or(0)
    }
}

/// How a user may access an element (Pacemaker's ACL annotation for
/// `cibadmin --show-access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read and write.
    Writable,
    /// Read only.
    Readable,
    /// Neither.
    Denied,
}

/// The access a user has to each element of a document
/// (`pcmk__acl_annotate_permissions`): denied unless read is allowed,
/// readable unless write is allowed, as `pcmk__check_acl` decides walking
/// up from the element.
#[derive(Debug, Clone)]
pub struct AccessMap {
    flags: Flags,
    none: bool,
}

impl AccessMap {
    /// The access `acls` give in `doc`.
    pub fn new(acls: &UserAcls, doc: &Element) -> AccessMap {
        AccessMap {
            flags: Flags::compute(acls, doc),
            none: acls.acls.is_empty(),
        }
    }

    fn allowed(&self, path: &[usize], mode: Mode) -> bool {
        if self.none {
            return false;
        }
        for depth in (0..=path.len()).rev() {
            let bits = self.flags.get(&path[..depth]);
            if allows(bits, mode, false) {
                return true;
            }
            if bits & DENY != 0 {
                return false;
            }
        }
        false
    }

    /// The access to the element at `path` (child indices from the root).
    pub fn access(&self, path: &[usize]) -> Access {
        if !self.allowed(path, Mode::Read) {
            Access::Denied
        } else if !self.allowed(path, Mode::Write) {
            Access::Readable
        } else {
            Access::Writable
        }
    }
}

/// Whether bits `flags` allow `mode` (`created`: the element is new in
/// this change, which grants creation).
fn allows(flags: u8, mode: Mode, created: bool) -> bool {
    if flags & DENY != 0 {
        return false;
    }
    match mode {
        Mode::Read => flags & (READ | WRITE) != 0,
        Mode::Write => flags & WRITE != 0 || created,
        Mode::Deny => false,
    }
}

#[cfg(test)]
mod tests;
