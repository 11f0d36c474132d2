//! `crm_error`: the name and description of Pacemaker result codes
//! (`tools/crm_error.c`).
//!
//! Codes are read as legacy return codes by default, as standard return
//! codes with `-r`, or as exit codes with `-X`; `-l` (or no code) lists
//! the family, `-n` adds names, `-V` shows the codes themselves.

use clap::{Arg, ArgAction, Command};
use pcmk_common::exit::CrmExit;
use pcmk_common::results::{ResultFamily, list_codes, result_strings};
use pcmk_common::values::scan_min_int;
use pcmk_common::xml::Element;

use crate::args::{Start, common_args, start};
use crate::output::help::{Entry, Help, REPORT_BUGS, common_entries, output_group};
use crate::output::{Output, Printed};

const PROG: &str = "crm_error";

fn help() -> Help {
    let mut main = common_entries();
    main.extend([
        Entry::flag(
            Some('n'),
            "name",
            "Show error's name with its description (useful for looking for sources of the error in source code)",
        ),
        Entry::flag(Some('l'), "list", "Show all known errors (enabled by default if no rc is specified)"),
        Entry::flag(Some('X'), "exit", "Interpret as exit code rather than legacy function return value"),
        Entry::flag(Some('r'), "rc", "Interpret as return code rather than legacy function return value"),
    ]);
    Help {
        prog: PROG,
        params: Some("[-- <rc> [<rc>...]]"),
        summary: "crm_error - display name or description of a Pacemaker error code",
        description: REPORT_BUGS,
        groups: vec![output_group("text (default), xml")],
        main,
    }
}

fn command() -> Command {
    let flag = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .action(ArgAction::SetTrue)
    };
    common_args(Command::new(PROG))
        .arg(flag("name", 'n'))
        .arg(flag("list", 'l'))
        .arg(flag("exit", 'X'))
        .arg(flag("rc", 'r'))
        .arg(Arg::new("codes").num_args(0..).trailing_var_arg(true))
}

/// Width of the code column: the most negative standard return code.
const CODE_WIDTH: usize = 5;

fn code_column(code: i32) -> String {
    let s = if code >= 0 {
        format!(" {code}")
    } else {
        code.to_string()
    };
    format!("{s:>CODE_WIDTH$}")
}

fn name_width() -> usize {
    pcmk_common::results::PcmkRc::ALL
        .iter()
        .map(|r| r.name().len())
        .max()
        .unwrap_or(0)
}

/// One `result-code` message.
fn result_code(
    out: &mut Output,
    code: i32,
    name: Option<&str>,
    desc: Option<&str>,
    show_code: bool,
) {
    if out.is_xml() {
        let mut e = Element::new("result-code").with_attr("code", code.to_string());
        if let Some(n) = name {
            e.set_attr("name", n);
        }
        if let Some(d) = desc {
            e.set_attr("description", d);
        }
        out.xml(e);
        return;
    }
    if !show_code {
        match (name, desc) {
            (Some(n), Some(d)) => out.info(&format!("{n} - {d}")),
            (Some(t), None) | (None, Some(t)) => out.info(t),
            (None, None) => {}
        }
        return;
    }
    let line = match (name, desc) {
        (Some(n), Some(d)) => format!("{}: {n:<w$}  {d}", code_column(code), w = name_width()),
        (Some(t), None) | (None, Some(t)) => format!("{}: {t}", code_column(code)),
        (None, None) => code_column(code),
    };
    out.info(&line);
}

/// Runs `crm_error` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let (matches, mut out) = match start(PROG, argv, &help(), command(), CrmExit::Error) {
        Start::Done(printed, exit) => return (printed, exit),
        Start::Run(matches, out) => (matches, out),
    };

    // The later of -X and -r decides, as with upstream's callbacks.
    let family = match (
        matches
            .index_of("exit")
            .filter(|_| matches.get_flag("exit")),
        matches.index_of("rc").filter(|_| matches.get_flag("rc")),
    ) {
        (Some(x), Some(r)) if x > r => ResultFamily::Exit,
        (Some(_), None) => ResultFamily::Exit,
        (_, Some(_)) => ResultFamily::Rc,
        (None, None) => ResultFamily::Legacy,
    };
    let with_name = matches.get_flag("name");
    let verbose = matches.get_count("verbose") > 0;
    let codes: Vec<String> = matches
        .get_many::<String>("codes")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let dash_dash = argv.iter().any(|a| a.as_ref() == "--");
    let list = matches.get_flag("list") || (codes.is_empty() && !dash_dash);

    if list {
        for (code, name, desc) in list_codes(family) {
            result_code(&mut out, code, with_name.then_some(name), Some(&desc), true);
        }
    } else {
        for arg in codes.iter().filter(|a| a.as_str() != "--") {
            let code = scan_min_int(arg, i32::MIN);
            let (name, desc) = result_strings(code, family);
            result_code(
                &mut out,
                code,
                with_name.then_some(name),
                Some(&desc),
                verbose,
            );
        }
    }
    (out.finish(CrmExit::OK), CrmExit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(args: &[&str]) -> String {
        let mut argv = vec![PROG];
        argv.extend_from_slice(args);
        run(&argv).0.stdout
    }

    #[test]
    fn shows_codes() {
        assert_eq!(text(&["201"]), "Error\n");
        assert_eq!(
            text(&["-n", "201", "202"]),
            "pcmk_err_generic - Error\npcmk_err_no_quorum - Operation requires quorum\n"
        );
        assert_eq!(
            text(&["-n", "-r", "--", "-1005"]),
            "pcmk_rc_node_unknown - Node not found\n"
        );
        assert_eq!(text(&["-X", "--", "-10000"]), "Unknown exit status\n");
        assert_eq!(text(&["-V", "-X", "1"]), "    1: Error occurred\n");
        assert_eq!(
            text(&["-V", "-n", "-r", "--", "-1005"]),
            "-1005: pcmk_rc_node_unknown        Node not found\n"
        );
        assert_eq!(text(&["-r", "-X", "1"]), "Error occurred\n");
        assert_eq!(text(&["-X", "-r", "1"]), "Operation not permitted\n");
    }

    #[test]
    fn lists() {
        let all = text(&["-l", "-X", "-n"]);
        assert!(all.starts_with("    0: CRM_EX_OK                   OK\n"));
        assert!(all.ends_with("  193: CRM_EX_NONE                 No exit status available\n"));
        let legacy = text(&[]);
        assert!(legacy.contains("  201: Error\n"));
    }

    #[test]
    fn errors() {
        let (p, exit) = run(&[PROG, "-x"]);
        assert_eq!(
            (p.stderr.as_str(), exit),
            ("crm_error: Unknown option -x\n", CrmExit::Usage)
        );
        let (p, exit) = run(&[PROG, "--output-as=html"]);
        assert_eq!(exit, CrmExit::Error);
        assert!(p.stderr.contains("Unknown output format"));
        let (p, exit) = run(&[PROG, "--help"]);
        assert_eq!(exit, CrmExit::OK);
        assert!(
            p.stdout
                .contains("  -r, --rc               Interpret as return code")
        );
    }
}
