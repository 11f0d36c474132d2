//! CIB version numbers and how Pacemaker compares them.

use crate::xml::Element;

use super::names::{ADMIN_EPOCH, EPOCH, NUM_UPDATES};

/// Parses an integer attribute value the way Pacemaker does
/// (`pcmk__xe_get_int()`): leading white space and a sign are allowed,
/// anything after the digits is ignored, no digits or a value outside the
/// range of an `int` is an error.
pub fn parse_int(value: &str) -> Option<i32> {
    let t = value.trim_start_matches(|c: char| c == ' ' || ('\t'..='\r').contains(&c));
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits[..end].bytes() {
        n = n.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
        if n > i64::from(i32::MAX) + 1 {
            return None;
        }
    }
    let n = if negative { -n } else { n };
    i32::try_from(n).ok()
}

/// The version of a CIB: `admin_epoch`, `epoch` and `num_updates`, compared
/// in that order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CibVersion {
    /// Bumped by administrators to force a configuration on the cluster.
    pub admin_epoch: i32,
    /// Bumped by every configuration change.
    pub epoch: i32,
    /// Bumped by every status change; reset by configuration changes.
    pub num_updates: i32,
}

/// Why versions do not allow an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// A version attribute is missing or not an integer.
    #[error("invalid or missing {attr} in CIB version")]
    Invalid {
        /// The attribute at fault.
        attr: &'static str,
    },
    /// The new CIB is older than the current one.
    #[error("Update was older than existing configuration")]
    Older {
        /// The attribute that went backwards.
        attr: &'static str,
        /// The current version.
        current: CibVersion,
        /// The version offered.
        offered: CibVersion,
    },
}

impl VersionError {
    /// Pacemaker's exit code for this error.
    pub fn exit_code(&self) -> crate::exit::CrmExit {
        match self {
            VersionError::Invalid { .. } => crate::exit::CrmExit::Software,
            VersionError::Older { .. } => crate::exit::CrmExit::Old,
        }
    }
}

impl CibVersion {
    /// A version from its three counters.
    pub fn new(admin_epoch: i32, epoch: i32, num_updates: i32) -> CibVersion {
        CibVersion {
            admin_epoch,
            epoch,
            num_updates,
        }
    }

    /// The version on a `<cib>` element, each counter that is missing or
    /// invalid taken as `default` (Pacemaker uses 0 or -1 depending on the
    /// caller).
    pub fn from_cib_or(cib: &Element, default: i32) -> CibVersion {
        let get = |name| cib.attr(name).and_then(parse_int).unwrap_or(default);
        CibVersion::new(get(ADMIN_EPOCH), get(EPOCH), get(NUM_UPDATES))
    }

    /// The version on a `<cib>` element, missing or invalid counters taken
    /// as 0.
    pub fn from_cib(cib: &Element) -> CibVersion {
        CibVersion::from_cib_or(cib, 0)
    }

    /// The version on an element, requiring all three counters.
    pub fn try_from_cib(cib: &Element) -> Result<CibVersion, VersionError> {
        let get = |attr: &'static str| {
            cib.attr(attr)
                .and_then(parse_int)
                .ok_or(VersionError::Invalid { attr })
        };
        Ok(CibVersion::new(
            get(ADMIN_EPOCH)?,
            get(EPOCH)?,
            get(NUM_UPDATES)?,
        ))
    }

    /// Writes the three counters onto an element (keeping the place of
    /// attributes that already exist).
    pub fn write_to(&self, cib: &mut Element) {
        cib.set_attr(ADMIN_EPOCH, self.admin_epoch.to_string());
        cib.set_attr(EPOCH, self.epoch.to_string());
        cib.set_attr(NUM_UPDATES, self.num_updates.to_string());
    }

    /// The version after a configuration change: `epoch` + 1,
    /// `num_updates` back to 0.
    #[must_use]
    pub fn next_epoch(self) -> CibVersion {
        CibVersion::new(self.admin_epoch, self.epoch.saturating_add(1), 0)
    }

    /// The version after a status change: `num_updates` + 1.
    #[must_use]
    pub fn next_update(self) -> CibVersion {
        CibVersion::new(
            self.admin_epoch,
            self.epoch,
            self.num_updates.saturating_add(1),
        )
    }
}

impl std::fmt::Display for CibVersion {
    /// `admin_epoch.epoch.num_updates`, as Pacemaker logs versions.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}.{}",
            self.admin_epoch, self.epoch, self.num_updates
        )
    }
}

/// Checks that an operation did not take the CIB backwards, as the CIB
/// manager checks every operation's result: `admin_epoch` may not
/// decrease, and with equal `admin_epoch` neither may `epoch`
/// (`num_updates` is not checked). Missing counters count as 0.
pub fn check_update_versions(old: &Element, new: &Element) -> Result<(), VersionError> {
    let (o, n) = (CibVersion::from_cib(old), CibVersion::from_cib(new));
    let older = |attr| VersionError::Older {
        attr,
        current: o,
        offered: n,
    };
    if o.admin_epoch > n.admin_epoch {
        return Err(older(ADMIN_EPOCH));
    }
    if o.admin_epoch == n.admin_epoch && o.epoch > n.epoch {
        return Err(older(EPOCH));
    }
    Ok(())
}

/// Checks that a replacement CIB is not older than the current one, as a
/// full replace does: the three counters compared in order (missing or
/// invalid counters count as -1); an equal version is allowed.
pub fn check_replace_versions(
    current: &Element,
    replacement: &Element,
) -> Result<(), VersionError> {
    let c = CibVersion::from_cib_or(current, -1);
    let r = CibVersion::from_cib_or(replacement, -1);
    let attr = if r.admin_epoch != c.admin_epoch {
        (r.admin_epoch < c.admin_epoch).then_some(ADMIN_EPOCH)
    } else if r.epoch != c.epoch {
        (r.epoch < c.epoch).then_some(EPOCH)
    } else {
        (r.num_updates < c.num_updates).then_some(NUM_UPDATES)
    };
    match attr {
        Some(attr) => Err(VersionError::Older {
            attr,
            current: c,
            offered: r,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn parses_integers_like_strtoll() {
        assert_eq!(parse_int("12"), Some(12));
        assert_eq!(parse_int("  -3"), Some(-3));
        assert_eq!(parse_int("+4"), Some(4));
        assert_eq!(parse_int("7abc"), Some(7));
        assert_eq!(parse_int("2147483647"), Some(i32::MAX));
        assert_eq!(parse_int("-2147483648"), Some(i32::MIN));
        assert_eq!(parse_int("2147483648"), None);
        assert_eq!(parse_int("99999999999999999999999"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("abc"), None);
        assert_eq!(parse_int("-"), None);
    }

    #[test]
    fn reads_writes_and_orders_versions() {
        let mut cib = parse(r#"<cib epoch="5" num_updates="2" admin_epoch="1"/>"#).unwrap();
        let v = CibVersion::from_cib(&cib);
        assert_eq!(v, CibVersion::new(1, 5, 2));
        assert_eq!(v.to_string(), "1.5.2");
        assert!(CibVersion::new(1, 0, 0) > CibVersion::new(0, 99, 99));
        assert!(CibVersion::new(1, 5, 3) > v);
        v.next_epoch().write_to(&mut cib);
        assert_eq!(
            cib.to_compact(),
            r#"<cib epoch="6" num_updates="0" admin_epoch="1"/>"#
        );
        assert_eq!(v.next_update(), CibVersion::new(1, 5, 3));
        let bare = parse("<cib epoch='x'/>").unwrap();
        assert_eq!(CibVersion::from_cib(&bare), CibVersion::default());
        assert_eq!(
            CibVersion::from_cib_or(&bare, -1),
            CibVersion::new(-1, -1, -1)
        );
        assert_eq!(
            CibVersion::try_from_cib(&bare),
            Err(VersionError::Invalid {
                attr: "admin_epoch"
            })
        );
    }

    #[test]
    fn update_and_replace_checks() {
        let v = |a, e, n| {
            parse(&format!(
                r#"<cib admin_epoch="{a}" epoch="{e}" num_updates="{n}"/>"#
            ))
            .unwrap()
        };
        assert!(check_update_versions(&v(0, 5, 3), &v(0, 5, 0)).is_ok());
        assert!(check_update_versions(&v(0, 5, 3), &v(1, 0, 0)).is_ok());
        assert!(matches!(
            check_update_versions(&v(0, 5, 3), &v(0, 4, 9)),
            Err(VersionError::Older { attr: "epoch", .. })
        ));
        assert!(matches!(
            check_update_versions(&v(1, 5, 3), &v(0, 9, 9)),
            Err(VersionError::Older {
                attr: "admin_epoch",
                ..
            })
        ));
        assert!(check_replace_versions(&v(0, 5, 3), &v(0, 5, 3)).is_ok());
        assert!(check_replace_versions(&v(0, 5, 3), &v(0, 6, 0)).is_ok());
        let e = check_replace_versions(&v(0, 5, 3), &v(0, 5, 2)).unwrap_err();
        assert!(matches!(
            e,
            VersionError::Older {
                attr: "num_updates",
                ..
            }
        ));
        assert_eq!(e.exit_code(), crate::exit::CrmExit::Old);
        assert_eq!(
            e.to_string(),
            "Update was older than existing configuration"
        );
    }
}
