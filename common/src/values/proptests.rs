//! Property tests of the value parsers: they never panic, and agree with
//! simple reference definitions where one exists.

use proptest::prelude::*;

use super::{
    compare_versions, get_msec, parse_interval_spec, parse_ll_range, parse_ms, scan_ll,
    strtod_prefix, strtoll,
};
use crate::score::Score;

proptest! {
    #[test]
    fn never_panic(s in "\\PC{0,24}") {
        let _ = strtoll(&s);
        let _ = scan_ll(&s);
        let _ = strtod_prefix(&s);
        let _ = parse_ms(&s);
        let _ = get_msec(&s);
        let _ = parse_interval_spec(Some(&s));
        let _ = parse_ll_range(&s);
        let _ = compare_versions(Some(&s), Some("1.2"));
        let _ = Score::parse(&s);
    }

    #[test]
    fn integers_read_back(n in any::<i64>(), tail in "[a-z ]{0,4}") {
        prop_assert_eq!(scan_ll(&format!("{n}{tail}")), Ok(n));
    }

    #[test]
    fn scores_are_bounded(n in any::<i64>()) {
        let s = Score::parse(&n.to_string()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(i64::from(s.value()), n.clamp(-1_000_000, 1_000_000));
    }

    #[test]
    fn score_addition_is_commutative(a in -2_000_000i64..2_000_000, b in -2_000_000i64..2_000_000) {
        let (x, y) = (Score::new(a), Score::new(b));
        prop_assert_eq!(x + y, y + x);
        let sum = x + y;
        prop_assert!(sum.value().abs() <= 1_000_000);
    }

    #[test]
    fn seconds_and_units(n in 0i64..1_000_000) {
        prop_assert_eq!(parse_ms(&n.to_string()), Ok(n * 1000));
        prop_assert_eq!(parse_ms(&format!("{n}ms")), Ok(n));
        prop_assert_eq!(parse_ms(&format!("{n} min")), Ok(n * 60_000));
        prop_assert_eq!(get_msec(&format!("{n}h")), Some(n * 3_600_000));
    }

    #[test]
    fn ranges(a in 0i64..10_000, b in 0i64..10_000) {
        prop_assert_eq!(parse_ll_range(&format!("{a}-{b}")), Ok((Some(a), Some(b))));
        prop_assert_eq!(parse_ll_range(&format!("{a}")), Ok((Some(a), Some(a))));
    }

    #[test]
    fn versions_order_like_tuples(a in prop::collection::vec(0u32..50, 1..4), b in prop::collection::vec(0u32..50, 1..4)) {
        let text = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
        let pad = |v: &[u32]| { let mut v = v.to_vec(); v.resize(4, 0); v };
        prop_assert_eq!(compare_versions(Some(&text(&a)), Some(&text(&b))), pad(&a).cmp(&pad(&b)));
    }
}
