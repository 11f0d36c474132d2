use super::*;

fn run_args(args: &[&str]) -> (Printed, CrmExit) {
    run(args)
}

#[test]
fn unsafe_commands_need_force() {
    let (p, exit) = run_args(&["cibadmin", "-E"]);
    assert_eq!(exit, CrmExit::Unsafe);
    assert_eq!(p.stderr, format!("cibadmin: {DANGER}\n"));
    let (p, exit) = run_args(&["cibadmin", "--output-as=xml", "-E"]);
    assert_eq!(exit, CrmExit::Unsafe);
    assert!(
        p.stdout
            .contains("<status code=\"107\" message=\"Operation not safe\">")
    );
    assert!(
        p.stdout
            .contains(&format!("<error>cibadmin: {DANGER}</error>"))
    );
}

#[test]
fn input_is_required_and_must_parse() {
    let (p, exit) = run_args(&["cibadmin", "-C", "-o", "resources"]);
    assert_eq!(exit, CrmExit::Usage);
    assert!(
        p.stderr.contains("requires input via --xml-file"),
        "{}",
        p.stderr
    );
    let (p, exit) = run_args(&["cibadmin", "-D"]);
    assert_eq!(exit, CrmExit::Usage);
    assert!(
        p.stderr.contains("requires either --xpath or input"),
        "{}",
        p.stderr
    );
    let (p, exit) = run_args(&["cibadmin", "-C", "-o", "resources", "-X", "<primitive"]);
    assert_eq!(exit, CrmExit::DataErr);
    assert_eq!(
        p.stderr,
        "cibadmin: Couldn't parse input from input string\n"
    );
}

#[test]
fn local_commands() {
    let (p, exit) = run_args(&["cibadmin", "-a"]);
    assert_eq!(exit, CrmExit::OK);
    assert!(p.stdout.starts_with("<cib crm_feature_set="));
    assert!(
        p.stdout
            .contains("validate-with=\"pacemaker-4.0\" admin_epoch=\"0\" epoch=\"1\"")
    );
    let (p, _) = run_args(&["cibadmin", "--empty=pacemaker-3.0", "--output-as=xml"]);
    assert!(p.stdout.contains("<output><![CDATA[<cib "), "{}", p.stdout);
    assert!(p.stdout.contains("validate-with=\"pacemaker-3.0\""));
    let (p, exit) = run_args(&["cibadmin", "-5", "-X", "<cib epoch=\"1\"/>"]);
    assert_eq!(exit, CrmExit::OK);
    assert_eq!(p.stdout.trim().len(), 32);
}

#[test]
fn help_lists_every_option() {
    let (p, exit) = run_args(&["cibadmin", "--help"]);
    assert_eq!(exit, CrmExit::OK);
    for opt in [
        "--upgrade",
        "--query",
        "--erase",
        "--bump",
        "--create",
        "--modify",
        "--patch",
        "--replace",
        "--delete",
        "--delete-all",
        "--empty",
        "--md5-sum",
        "--xml-file",
        "--xml-text",
        "--xml-pipe",
        "--force",
        "--timeout",
        "--user",
        "--scope",
        "--xpath",
        "--allow-create",
        "--no-children",
        "--local",
        "--node-path",
        "--sync-call",
        "--output-as",
        "--verbose",
        "--version",
    ] {
        assert!(p.stdout.contains(opt), "{opt} missing from --help");
    }
    let (p, exit) = run_args(&["cibadmin", "--bogus"]);
    assert_eq!(exit, CrmExit::Usage);
    assert_eq!(p.stderr, "cibadmin: Unknown option --bogus\n");
}

#[test]
fn last_command_and_target_win() {
    let m = command()
        .try_get_matches_from([
            "cibadmin",
            "-Q",
            "-C",
            "-o",
            "resources",
            "-A",
            "//x",
            "-o",
            "nodes",
        ])
        .unwrap();
    assert_eq!(chosen_command(&m), Command::Cib(Operation::Create));
    assert_eq!(chosen_target(&m), Target::Section("nodes".to_string()));
}
