//! `iso8601` against Pacemaker's `regression.dates.exp`.

mod support;

use support::{Case, check, group};

fn cases() -> Vec<Case> {
    let invalid_periods = [
        "",
        "2019-01-01 00:00:00Z",
        "2019-01-01 00:00:00Z/",
        "PT2S/P1M",
        "2019-13-01 00:00:00Z/P1M",
        "20191077T15/P1M",
        "2019-10-01T25:00:00Z/P1M",
        "2019-10-01T24:00:01Z/P1M",
        "PT5H/20191001T007000Z",
        "2019-10-01 00:00:80Z/P1M",
        "2019-10-01 00:00:10 +25:00/P1M",
        "20191001T000010 -00:61/P1M",
        "P1Y/2019-02-29 00:00:00Z",
        "2019-01-01 00:00:00Z/P",
        "P1Z/2019-02-20 00:00:00Z",
        "P1YM/2019-02-20 00:00:00Z",
    ];
    let mut v: Vec<Case> = invalid_periods
        .iter()
        .map(|p| {
            Case::new(
                format!("Invalid period - [{p}]"),
                format!("iso8601 -p '{p}'"),
            )
        })
        .collect();
    v.extend(group(
        "'2005-040/2005-043' period",
        "iso8601 -p '2005-040/2005-043'",
    ));
    v.push(Case::new(
        "2014-01-01 00:30:00 - 1 Hour",
        "iso8601 -d '2014-01-01 00:30:00Z' -D P-1H -E '2013-12-31 23:30:00Z'",
    ));
    v.push(Case::new(
        "Valid date - Feb 29 in leap year",
        "iso8601 -d '2020-02-29 00:00:00Z' -E '2020-02-29 00:00:00Z'",
    ));
    v.push(Case::new(
        "Valid date - using 'T' and offset",
        "iso8601 -d '20191201T131211 -05:00' -E '2019-12-01 18:12:11Z'",
    ));
    v.push(Case::new(
        "24:00:00 equivalent to 00:00:00 of next day",
        "iso8601 -d '2019-12-31 24:00:00Z' -E '2020-01-01 00:00:00Z'",
    ));
    for y in [
        "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "40",
    ] {
        for d in ["7", "1"] {
            v.push(Case::new(
                format!("20{y}-W01-{d}"),
                format!("iso8601 -d '20{y}-W01-{d} 00Z'"),
            ));
            v.push(Case::new(
                format!("20{y}-W01-{d} - round-trip"),
                format!("iso8601 -d '20{y}-W01-{d} 00Z' -W -E '20{y}-W01-{d} 00:00:00Z'"),
            ));
        }
    }
    v.extend(group(
        "2009-W53-07",
        "iso8601 -d '2009-W53-7 00:00:00Z' -W -E '2009-W53-7 00:00:00Z'",
    ));
    v.push(Case::new(
        "epoch + 2 Years 5 Months 6 Minutes",
        "iso8601 -d 'epoch' -D P2Y5MT6M -E '1972-06-01 00:06:00Z'",
    ));
    v.push(Case::new(
        "2009-01-31 + 1 Month",
        "iso8601 -d '20090131T000000Z' -D P1M -E '2009-02-28 00:00:00Z'",
    ));
    v.push(Case::new(
        "2009-01-31 + 2 Months",
        "iso8601 -d '2009-01-31 00:00:00Z' -D P2M -E '2009-03-31 00:00:00Z'",
    ));
    v.push(Case::new(
        "2009-01-31 + 3 Months",
        "iso8601 -d '2009-01-31 00:00:00Z' -D P3M -E '2009-04-30 00:00:00Z'",
    ));
    v.push(Case::new(
        "Test immediate plus sign in timezone parsing",
        "iso8601 -d '2019-04-25T21:42:54+0200' -S",
    ));
    v.push(Case::new(
        "Like the previous, with exotic timezone to avoid false negative",
        "iso8601 -d '2019-04-25T21:42:54+0420' -S",
    ));
    v.push(Case::new(
        "Test immediate minus sign in timezone parsing",
        "iso8601 -d '2019-04-25T21:42:54-0200' -S",
    ));
    v.push(Case::new(
        "Test plus sign with leading spaces in timezone parsing",
        "iso8601 -d '2019-04-25T21:42:54 +0200' -S",
    ));
    v.push(Case::new(
        "Test minus sign with leading spaces in timezone parsing",
        "iso8601 -d '2019-04-25T21:42:54 -0200' -S",
    ));
    v.extend(group(
        "2009-03-31 - 1 Month",
        "iso8601 -d '2009-03-31 01:00:00 +01:00' -D P-1M -E '2009-02-28 00:00:00Z'",
    ));
    v.extend(group(
        "2038-01-01 + 3 Months",
        "iso8601 -d '2038-01-01 00:00:00Z' -D P3M -E '2038-04-01 00:00:00Z'",
    ));
    v
}

#[test]
fn dates() {
    check("dates", &cases(), env!("CARGO_BIN_EXE_iso8601"));
}
