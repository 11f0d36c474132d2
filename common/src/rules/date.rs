//! Date expressions (`date_expression` with `in_range`, `gt`, `lt` and
//! `date_spec`) and the `duration` element of `in_range`.

use super::Outcome;
use super::eval::Evaluator;
use crate::iso8601::DateTime;
use crate::values::{IntError, parse_ll_range, scan_ll};
use crate::xml::Element;

/// The `duration` attributes, in the order they are added.
const DURATION_PARTS: [&str; 7] = [
    "years", "months", "weeks", "days", "hours", "minutes", "seconds",
];

fn parent_label(id: Option<&str>) -> &str {
    id.unwrap_or("implied")
}

impl Evaluator<'_> {
    /// Reads a date attribute (`pcmk__xe_get_datetime`): `Ok(None)` when
    /// absent, `Err` when it does not parse.
    fn date_attr(&self, xml: &Element, attr: &str) -> Result<Option<DateTime>, ()> {
        match xml.attr(attr) {
            None => Ok(None),
            Some(v) => DateTime::parse_at(v, &self.local).map(Some).map_err(|_| ()),
        }
    }

    /// The end of `start` plus a `duration` element
    /// (`pcmk__unpack_duration`). `expr_id` names the date expression for
    /// messages.
    pub(crate) fn unpack_duration(
        &mut self,
        duration: &Element,
        start: Option<DateTime>,
        expr_id: Option<&str>,
    ) -> Result<DateTime, Outcome> {
        let parent = parent_label(expr_id);
        let Some(start) = start else {
            return Err(Outcome::MissingInput);
        };
        let Some(id) = duration.id().filter(|id| !id.is_empty()) else {
            self.config_err(format!(
                "Treating date_expression {parent} as not passing because duration subelement has no id"
            ));
            return Err(Outcome::Invalid);
        };
        let mut end = start;
        for part in DURATION_PARTS {
            let value = match duration.attr(part).map(scan_ll) {
                None => 0,
                Some(Ok(v)) => v,
                Some(Err(_)) => {
                    self.config_err(format!(
                        "Treating date_expression {parent} as not passing because duration {id} attribute {part} is invalid: Unable to parse CIB XML"
                    ));
                    return Err(Outcome::Invalid);
                }
            };
            let Ok(n) = i32::try_from(value) else {
                self.config_err(format!(
                    "Treating date_expression {parent} as not passing because duration {id} attribute {part} is invalid: Numerical result out of range"
                ));
                return Err(Outcome::OutOfRange);
            };
            if n == 0 {
                continue;
            }
            match part {
                "years" => end.add_years(n),
                "months" => end.add_months(n),
                "weeks" => end.add_weeks(n),
                "days" => end.add_days(n),
                "hours" => end.add_hours(n),
                "minutes" => end.add_minutes(n),
                _ => end.add_seconds(n),
            }
        }
        Ok(end)
    }

    /// Evaluates a `date_expression` at [`RuleInput::now`]
    /// (`pcmk__evaluate_date_expression`): [`Outcome::InRange`] or
    /// [`Outcome::Satisfied`] (for `date_spec`) when it holds,
    /// [`Outcome::BeforeRange`] or [`Outcome::AfterRange`] when not.
    ///
    /// [`RuleInput::now`]: super::RuleInput::now
    pub fn date_expression(&mut self, expr: &Element) -> Outcome {
        let Some(now) = self.input.now else {
            return Outcome::MissingInput;
        };
        let Some(id) = expr.id().filter(|id| !id.is_empty()).map(str::to_string) else {
            self.config_err("Treating date_expression without id as not passing".to_string());
            return Outcome::Invalid;
        };
        let op = expr.attr("operation");
        match op {
            None => self.in_range(expr, &id, now),
            Some(o) if o.eq_ignore_ascii_case("in_range") => self.in_range(expr, &id, now),
            Some(o) if o.eq_ignore_ascii_case("date_spec") => match expr.child("date_spec") {
                Some(spec) => self.date_spec(spec, Some(&id), &now),
                None => {
                    self.config_err(format!(
                        "Treating date_expression {id} as not passing because date_spec operations require a date_spec subelement"
                    ));
                    Outcome::Invalid
                }
            },
            Some(o) if o.eq_ignore_ascii_case("gt") => self.date_gt(expr, &id, now),
            Some(o) if o.eq_ignore_ascii_case("lt") => self.date_lt(expr, &id, now),
            Some(o) => {
                self.config_err(format!(
                    "Treating date_expression {id} as not passing because '{o}' is not a valid operation"
                ));
                Outcome::Invalid
            }
        }
    }

    fn in_range(&mut self, expr: &Element, id: &str, now: DateTime) -> Outcome {
        let Ok(start) = self.date_attr(expr, "start") else {
            self.config_err(format!(
                "Treating date_expression {id} as not passing because start is invalid"
            ));
            return Outcome::Invalid;
        };
        let Ok(mut end) = self.date_attr(expr, "end") else {
            self.config_err(format!(
                "Treating date_expression {id} as not passing because end is invalid"
            ));
            return Outcome::Invalid;
        };
        if start.is_none() && end.is_none() {
            self.config_err(format!(
                "Treating date_expression {id} as not passing because in_range requires at least one of start or end"
            ));
            return Outcome::Invalid;
        }
        if end.is_none() {
            if let Some(duration) = expr.child("duration") {
                match self.unpack_duration(duration, start, Some(id)) {
                    Ok(e) => end = Some(e),
                    Err(rc) => {
                        self.config_err(format!(
                            "Treating date_expression {id} as not passing because duration is invalid"
                        ));
                        return rc;
                    }
                }
            }
        }
        if let Some(start) = start {
            if now < start {
                self.note_change(start);
                return Outcome::BeforeRange;
            }
        }
        if let Some(mut end) = end {
            if now > end {
                return Outcome::AfterRange;
            }
            // The result changes one second after the end.
            end.add_seconds(1);
            self.note_change(end);
        }
        Outcome::InRange
    }

    fn date_gt(&mut self, expr: &Element, id: &str, now: DateTime) -> Outcome {
        let start = match self.date_attr(expr, "start") {
            Err(()) => {
                self.config_err(format!(
                    "Treating date_expression {id} as not passing because start is invalid"
                ));
                return Outcome::Invalid;
            }
            Ok(None) => {
                self.config_err(format!(
                    "Treating date_expression {id} as not passing because gt requires start"
                ));
                return Outcome::Invalid;
            }
            Ok(Some(s)) => s,
        };
        if now > start {
            return Outcome::InRange;
        }
        let mut change = start;
        change.add_seconds(1);
        self.note_change(change);
        Outcome::BeforeRange
    }

    fn date_lt(&mut self, expr: &Element, id: &str, now: DateTime) -> Outcome {
        let end = match self.date_attr(expr, "end") {
            Err(()) => {
                self.config_err(format!(
                    "Treating date_expression {id} as not passing because end is invalid"
                ));
                return Outcome::Invalid;
            }
            Ok(None) => {
                // Upstream's message names gt here too.
                self.config_err(format!(
                    "Treating date_expression {id} as not passing because gt requires end"
                ));
                return Outcome::Invalid;
            }
            Ok(Some(e)) => e,
        };
        if now < end {
            self.note_change(end);
            return Outcome::InRange;
        }
        Outcome::AfterRange
    }

    /// Checks `now` against a `date_spec` element (`pcmk__evaluate_date_spec`):
    /// [`Outcome::Satisfied`] when every range given holds (a spec with
    /// none holds), else [`Outcome::BeforeRange`] or [`Outcome::AfterRange`]
    /// for the first range that does not. Values are taken from `now` as
    /// it is (its own offset), not converted to UTC.
    pub fn date_spec(&mut self, spec: &Element, expr_id: Option<&str>, now: &DateTime) -> Outcome {
        let parent = parent_label(expr_id).to_string();
        if spec.id().is_none_or(str::is_empty) {
            self.config_err(format!(
                "Treating date_expression {parent} as not passing because date_spec subelement has no id"
            ));
            return Outcome::Invalid;
        }
        let (year, month, monthday) = now.gregorian();
        let (hour, minute, second) = now.time_of_day();
        let yearday = now.ordinal_day();
        let (weekyear, week, weekday) = now.iso_week();
        let ranges: [(&str, i64); 10] = [
            ("years", i64::from(year)),
            ("months", i64::from(month)),
            ("monthdays", i64::from(monthday)),
            ("hours", i64::from(hour)),
            ("minutes", i64::from(minute)),
            ("seconds", i64::from(second)),
            ("yeardays", i64::from(yearday)),
            ("weekyears", i64::from(weekyear)),
            ("weeks", i64::from(week)),
            ("weekdays", i64::from(weekday)),
        ];
        for (attr, value) in ranges {
            let Some(range) = spec.attr(attr) else {
                continue;
            };
            match parse_ll_range(range) {
                Err(IntError::NoDigits | IntError::TrailingGarbage | IntError::Overflow(_)) => {
                    self.config_err(format!(
                        "Treating date_expression {parent} as not passing because '{range}' is not a valid range for date_spec attribute {attr}"
                    ));
                    return Outcome::Invalid;
                }
                Ok((low, high)) => {
                    if low.is_some_and(|l| value < l) {
                        return Outcome::BeforeRange;
                    }
                    if high.is_some_and(|h| value > h) {
                        return Outcome::AfterRange;
                    }
                }
            }
        }
        Outcome::Satisfied
    }
}
