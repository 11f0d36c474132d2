//! Dotted version numbers (feature sets such as `3.20.1`) and their order,
//! as Pacemaker compares them: numerically, field by field, a missing field
//! counting as lower.

use std::cmp::Ordering;

/// The CRM feature set this implementation speaks (Pacemaker 3.0.2's).
pub const CRM_FEATURE_SET: &str = "3.20.5";

/// Compares two dotted versions; fields that are not numbers count as 0.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parse = |s: &str| -> Vec<u64> {
        s.split('.')
            .map(|f| f.trim().parse::<u64>().unwrap_or(0))
            .collect()
    };
    let (va, vb) = (parse(a), parse(b));
    for i in 0..va.len().max(vb.len()) {
        match (va.get(i), vb.get(i)) {
            (Some(x), Some(y)) if x != y => return x.cmp(y),
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            _ => {}
        }
    }
    Ordering::Equal
}

/// Whether a node with feature set `joining` may join a DC with feature set
/// `dc`: same major version, and the DC's minor version not newer.
pub fn feature_set_compatible(dc: &str, joining: &str) -> bool {
    let major = |s: &str| s.split('.').next().and_then(|m| m.parse::<u64>().ok());
    let minor = |s: &str| {
        s.split('.')
            .nth(1)
            .and_then(|m| m.parse::<u64>().ok())
            .unwrap_or(0)
    };
    match (major(dc), major(joining)) {
        (Some(a), Some(b)) if a == b => minor(dc) <= minor(joining),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering() {
        assert_eq!(compare_versions("3.20.1", "3.20.1"), Ordering::Equal);
        assert_eq!(compare_versions("3.9", "3.20"), Ordering::Less);
        assert_eq!(compare_versions("3.20.1", "3.20"), Ordering::Greater);
        assert!(feature_set_compatible("3.19.0", "3.20.5"));
        assert!(feature_set_compatible("3.20.5", "3.20.1"));
        assert!(!feature_set_compatible("3.20.5", "3.19.0"));
        assert!(!feature_set_compatible("3.20.1", "2.0"));
    }
}
