//! Property tests: the readers never panic, whatever the input, and what
//! they accept writes and reads back the same.

use proptest::prelude::*;

use super::{DateTime, Duration, LocalTime, Period, TimeFormat};

fn date_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(b"0123456789TWZPMDYHSepoch:+ /.,-".to_vec()),
        0..30,
    )
    .prop_map(|v| v.into_iter().map(char::from).collect())
}

proptest! {
    #[test]
    fn readers_never_panic(s in "\\PC{0,40}") {
        let local = LocalTime { now: 1_700_000_000, offset: -5400 };
        let _ = DateTime::parse_at(&s, &local);
        let _ = Duration::parse(&s);
        let _ = Period::parse_at(&s, &local);
    }

    #[test]
    fn date_shaped_inputs_never_panic(s in date_like()) {
        let local = LocalTime { now: -1, offset: 3600 };
        if let Ok(d) = DateTime::parse_at(&s, &local) {
            let _ = d.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WEEKS);
            let _ = d.epoch_seconds();
        }
        if let Ok(d) = Duration::parse(&s) {
            let _ = d.to_string();
            let _ = d.total_seconds();
        }
        let _ = Period::parse_at(&s, &local);
    }

    #[test]
    fn valid_dates_round_trip(y in 1i32..3000, ordinal in 1i32..=365, secs in 0i32..86_400, offset_min in -1439i32..1440) {
        let mut d = DateTime::from_epoch(0, 0);
        d.0.years = y;
        d.0.days = ordinal;
        d.0.seconds = secs;
        d.0.offset = offset_min * 60;
        let text = d.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WITH_TIMEZONE);
        let back = DateTime::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(back, d);
        let weeks = d.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WEEKS);
        prop_assert_eq!(DateTime::parse(&weeks).map_err(|e| TestCaseError::fail(format!("{weeks}: {e}")))?, d);
        let ordinal_text = d.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::ORDINAL);
        prop_assert_eq!(DateTime::parse(&ordinal_text).map_err(|e| TestCaseError::fail(format!("{ordinal_text}: {e}")))?, d);
    }

    #[test]
    fn epoch_round_trip(epoch in -50_000_000_000i64..50_000_000_000, offset_min in -1439i32..1440) {
        let d = DateTime::from_epoch(epoch, offset_min * 60);
        prop_assert_eq!(d.epoch_seconds(), epoch);
    }

    #[test]
    fn arithmetic_never_panics(y in -5i32..5, m in -50i32..50, days in -1000i32..1000, s in -200_000i32..200_000, start in 1i64..4_000_000_000) {
        let d = DateTime::from_epoch(start, 0);
        let dur = Duration::new(y, m, days, s);
        let later = d.add(&dur);
        let _ = later.sub(&dur);
        let _ = later.duration_since(&d).to_string();
    }
}
