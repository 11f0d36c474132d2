//! `iso8601`: parse and display ISO 8601 dates, durations and periods
//! (`tools/iso8601.c`).

use clap::{Arg, ArgAction, Command};
use pcmk_common::exit::CrmExit;
use pcmk_common::iso8601::{DateTime, Duration, Iso8601Error, LocalTime, Period, TimeFormat};
use pcmk_common::xml::Element;

use crate::args::{Start, common_args, start};
use crate::output::help::{Entry, Group, Help, common_entries, output_group};
use crate::output::{Logger, Output, Printed, text_element};

const PROG: &str = "iso8601";

const INDENT: &str = "                              ";

fn help() -> Help {
    const DATE_DESC: &str = "Parse an ISO 8601 date/time (for example,\n                              '2019-09-24 00:30:00+01:00' or '2019-040')";
    const PERIOD_DESC: &str = "Parse an ISO 8601 period (interval) with start time (for example,\n                              '2005-040/2005-043')";
    const EXPECTED_DESC: &str = "Exit with error status if result does not match this text.\n                              Requires: -n or -d";
    debug_assert!(DATE_DESC.contains(INDENT));
    Help {
        prog: PROG,
        params: None,
        summary: "DEPRECATED: This tool will be removed in a future release",
        description: "For more information on the ISO 8601 standard, see https://en.wikipedia.org/wiki/ISO_8601",
        groups: vec![
            output_group("text (default), xml"),
            Group {
                name: "commands",
                title: "Commands:",
                help_desc: "Show command options",
                entries: vec![
                    Entry::flag(Some('n'), "now", "Display the current date/time"),
                    Entry::with_arg(Some('d'), "date", "DATE", DATE_DESC),
                    Entry::with_arg(Some('p'), "period", "PERIOD", PERIOD_DESC),
                    Entry::with_arg(
                        Some('D'),
                        "duration",
                        "DURATION",
                        "Parse an ISO 8601 duration (for example, 'P1M')",
                    ),
                    Entry::with_arg(Some('E'), "expected", "TEXT", EXPECTED_DESC),
                ],
            },
            Group {
                name: "modifiers",
                title: "Output modifiers:",
                help_desc: "Show output modifiers",
                entries: vec![
                    Entry::flag(
                        Some('s'),
                        "seconds",
                        "Show result as a seconds since 0000-001 00:00:00Z",
                    ),
                    Entry::flag(
                        Some('S'),
                        "epoch",
                        "Show result as a seconds since EPOCH (1970-001 00:00:00Z)",
                    ),
                    Entry::flag(Some('L'), "local", "Show result as a 'local' date/time"),
                    Entry::flag(
                        Some('O'),
                        "ordinal",
                        "Show result as an 'ordinal' date/time",
                    ),
                    Entry::flag(
                        Some('W'),
                        "week",
                        "Show result as an 'calendar week' date/time",
                    ),
                ],
            },
        ],
        main: common_entries(),
    }
}

fn value_arg(name: &'static str, short: char) -> Arg {
    Arg::new(name)
        .short(short)
        .long(name)
        .num_args(1)
        .allow_hyphen_values(true)
        .action(ArgAction::Append)
}

fn command() -> Command {
    let flag = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .action(ArgAction::SetTrue)
    };
    common_args(Command::new(PROG))
        .arg(flag("now", 'n'))
        .arg(value_arg("date", 'd'))
        .arg(value_arg("period", 'p'))
        .arg(value_arg("duration", 'D'))
        .arg(value_arg("expected", 'E'))
        .arg(flag("seconds", 's'))
        .arg(flag("epoch", 'S'))
        .arg(flag("local", 'L'))
        .arg(flag("ordinal", 'O'))
        .arg(flag("week", 'W'))
}

/// The last value of a repeatable option.
fn last(matches: &clap::ArgMatches, name: &str) -> Option<String> {
    matches
        .get_many::<String>(name)
        .and_then(|mut v| v.next_back().cloned())
}

/// The date given by the last of `-n` and `-d`.
fn date_option(matches: &clap::ArgMatches) -> Option<String> {
    let now_at = matches
        .get_flag("now")
        .then(|| matches.indices_of("now").and_then(Iterator::max))
        .flatten();
    let date_at = matches.indices_of("date").and_then(Iterator::max);
    match (now_at, date_at) {
        (Some(n), Some(d)) if n > d => Some("now".to_string()),
        (Some(_), None) => Some("now".to_string()),
        (_, Some(_)) => last(matches, "date"),
        (None, None) => None,
    }
}

struct Run<'a> {
    out: Output,
    log: Logger,
    local: &'a LocalTime,
}

impl Run<'_> {
    fn date(&mut self, prefix: &str, date: &DateTime, opts: TimeFormat) {
        let text = date.format(opts | TimeFormat::DATE | TimeFormat::TIME_OF_DAY);
        self.out.info(&format!("{prefix}: {text}"));
        self.out.xml(text_element("date", &text));
    }

    fn lib_error(&mut self, e: &Iso8601Error) {
        self.log.error(&mut self.out, e.function, &e.message);
    }

    fn fail(mut self, exit: CrmExit, message: &str) -> (Printed, CrmExit) {
        self.out.err(&format!("{PROG}: {message}"));
        (self.out.finish(exit), exit)
    }
}

/// Runs `iso8601` with `argv` (program name first), taking the current
/// time and local offset from `local`.
pub fn run<S: AsRef<str>>(argv: &[S], local: &LocalTime) -> (Printed, CrmExit) {
    let (matches, out) = match start(PROG, argv, &help(), command(), CrmExit::NoSuch) {
        Start::Done(printed, exit) => return (printed, exit),
        Start::Run(matches, out) => (matches, out),
    };
    let log = Logger::from_env(PROG, matches.get_count("verbose"));
    let mut run = Run { out, log, local };

    let mut opts = TimeFormat::NONE;
    for (flag, f) in [
        ("seconds", TimeFormat::SECONDS),
        ("epoch", TimeFormat::EPOCH),
        ("local", TimeFormat::WITH_TIMEZONE),
        ("ordinal", TimeFormat::ORDINAL),
        ("week", TimeFormat::WEEKS),
    ] {
        if matches.get_flag(flag) {
            opts = opts | f;
        }
    }

    let mut date_time: Option<DateTime> = None;
    match date_option(&matches) {
        Some(d) if d.eq_ignore_ascii_case("now") => {
            let now = DateTime::now(run.local);
            run.date("Current date/time", &now, opts);
            date_time = Some(now);
        }
        Some(d) => match DateTime::parse_at(&d, run.local) {
            Ok(t) => {
                run.date("Date", &t, opts);
                date_time = Some(t);
            }
            Err(e) => {
                run.lib_error(&e);
                return run.fail(
                    CrmExit::InvalidParam,
                    &format!("Invalid date/time specified: {d}"),
                );
            }
        },
        None => {}
    }

    let mut duration: Option<Duration> = None;
    if let Some(d) = last(&matches, "duration") {
        match Duration::parse(&d) {
            Ok(dur) => {
                let text = dur.format(opts);
                run.out.info(&format!("Duration: {text}"));
                run.out.xml(text_element("duration", &text));
                duration = Some(dur);
            }
            Err(e) => {
                run.lib_error(&e);
                return run.fail(
                    CrmExit::InvalidParam,
                    &format!("Invalid duration specified: {d}"),
                );
            }
        }
    }

    if let Some(p) = last(&matches, "period") {
        match Period::parse_at(&p, run.local) {
            Ok(period) => {
                let f = opts | TimeFormat::DATE | TimeFormat::TIME_OF_DAY;
                let (start, end) = (period.start.format(f), period.end.format(f));
                run.out.info(&format!("Period: {start} to {end}"));
                run.out.xml(
                    Element::new("period")
                        .with_child(text_element("start", &start))
                        .with_child(text_element("end", &end)),
                );
            }
            Err(e) => {
                run.lib_error(&e);
                return run.fail(
                    CrmExit::InvalidParam,
                    &format!("Invalid interval specified: {p}"),
                );
            }
        }
    }

    let expected = last(&matches, "expected");
    let compared = match (date_time, duration) {
        (Some(t), Some(d)) => {
            let later = t.add(&d);
            let f = opts | TimeFormat::DATE | TimeFormat::TIME_OF_DAY;
            let text = later.format(f | TimeFormat::WITH_TIMEZONE);
            run.out.info(&format!("Duration ends at: {text}"));
            run.out.xml(text_element("duration_ends", &text));
            Some(later.format(f))
        }
        (Some(t), None) => Some(t.format(opts | TimeFormat::DATE | TimeFormat::TIME_OF_DAY)),
        _ => None,
    };
    let exit = match (expected, compared) {
        (Some(want), Some(got)) if !want.eq_ignore_ascii_case(&got) => CrmExit::Error,
        _ => CrmExit::OK,
    };
    (run.out.finish(exit), exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(args: &[&str]) -> (Printed, CrmExit) {
        let mut argv = vec![PROG];
        argv.extend_from_slice(args);
        run(&argv, &LocalTime::utc(1_700_000_000))
    }

    #[test]
    fn dates_and_durations() {
        let (p, exit) = go(&[
            "-d",
            "2014-01-01 00:30:00Z",
            "-D",
            "P-1H",
            "-E",
            "2013-12-31 23:30:00Z",
        ]);
        assert_eq!(exit, CrmExit::OK);
        assert_eq!(
            p.stdout,
            "Date: 2014-01-01 00:30:00Z\nDuration: -3600 seconds (1 hour)\nDuration ends at: 2013-12-31 23:30:00Z\n"
        );
        let (p, _) = go(&["-d", "2019-04-25T21:42:54+0200", "-S"]);
        assert_eq!(p.stdout, "Date: 1556221374\n");
        let (_, exit) = go(&["-d", "2020-02-29", "-E", "2020-03-01 00:00:00Z"]);
        assert_eq!(exit, CrmExit::Error);
        let (p, _) = go(&["-n"]);
        assert_eq!(p.stdout, "Current date/time: 2023-11-14 22:13:20Z\n");
        let (p, _) = go(&["-d", "2009-W53-7 00:00:00Z", "-W", "-O"]);
        assert_eq!(p.stdout, "Date: 2009-W53-7 00:00:00Z\n");
    }

    #[test]
    fn invalid_inputs() {
        let (p, exit) = go(&["-p", "PT2S/P1M"]);
        assert_eq!(exit, CrmExit::InvalidParam);
        assert_eq!(p.stderr, "iso8601: Invalid interval specified: PT2S/P1M\n");
        let (p, exit) = go(&["--output-as=xml", "-d", "x"]);
        assert_eq!(exit, CrmExit::InvalidParam);
        assert!(
            p.stdout
                .contains("<error>iso8601: Invalid date/time specified: x</error>")
        );
        let (_, exit) = go(&["-D", "P"]);
        assert_eq!(exit, CrmExit::InvalidParam);
        let (_, exit) = go(&["--bogus"]);
        assert_eq!(exit, CrmExit::Usage);
    }
}
