//! `crm_error` against Pacemaker's `regression.error_codes.exp`.

mod support;

use support::{Case, check, group};

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    // Legacy return codes
    v.extend(group("Get legacy return code", "crm_error 201"));
    v.extend(group(
        "Get legacy return code (with name)",
        "crm_error -n 201",
    ));
    v.extend(group(
        "Get multiple legacy return codes",
        "crm_error 201 202",
    ));
    v.extend(group(
        "Get multiple legacy return codes (with names)",
        "crm_error -n 201 202",
    ));
    v.push(Case::new(
        "List legacy return codes (spot check)",
        "crm_error -l | grep 20[1-9]",
    ));
    v.push(Case::new(
        "List legacy return codes (spot check) (XML)",
        r#"crm_error -l --output-as=xml | grep -Ev '<result-code.*code="([^2]|2[^0]|20[^1-9])'"#,
    ));
    v.push(Case::new(
        "List legacy return codes (spot check) (with names)",
        "crm_error -n -l | grep 20[1-9]",
    ));
    v.push(Case::new(
        "List legacy return codes (spot check) (with names) (XML)",
        r#"crm_error -n -l --output-as=xml | grep -Ev '<result-code.*code="([^2]|2[^0]|20[^1-9])'"#,
    ));
    // Standard return codes
    v.extend(group(
        "Get unknown Pacemaker return code",
        "crm_error -r -- -10000",
    ));
    v.extend(group(
        "Get unknown Pacemaker return code (with name)",
        "crm_error -n -r -- -10000",
    ));
    v.extend(group(
        "Get negative Pacemaker return code",
        "crm_error -r -- -1005",
    ));
    v.extend(group(
        "Get negative Pacemaker return code (with name)",
        "crm_error -n -r -- -1005",
    ));
    v.push(Case::new(
        "List Pacemaker return codes (non-positive)",
        "crm_error -l -r | grep -E '^[[:blank:]]*(-[[:digit:]]+|0):'",
    ));
    v.push(Case::new(
        "List Pacemaker return codes (non-positive) (XML)",
        r#"crm_error -l -r --output-as=xml | grep -E -v '<result-code.*code="[[:digit:]]'"#,
    ));
    v.push(Case::new(
        "List Pacemaker return codes (non-positive) (with names)",
        "crm_error -n -l -r | grep -E '^[[:blank:]]*(-[[:digit:]]+|0):'",
    ));
    v.push(Case::new(
        "List Pacemaker return codes (non-positive) (with names) (XML)",
        r#"crm_error -n -l -r --output-as=xml | grep -E -v '<result-code.*code="[[:digit:]]'"#,
    ));
    // Exit codes
    v.extend(group(
        "Get unknown crm_exit_t exit code",
        "crm_error -X -- -10000",
    ));
    v.extend(group(
        "Get unknown crm_exit_t exit code (with name)",
        "crm_error -n -X -- -10000",
    ));
    v.extend(group("Get crm_exit_t exit code", "crm_error -X 1"));
    v.extend(group(
        "Get crm_exit_t exit code (with name)",
        "crm_error -n -X 1",
    ));
    v.extend(group("Get all crm_exit_t exit codes", "crm_error -l -X"));
    v.extend(group(
        "Get all crm_exit_t exit codes (with name)",
        "crm_error -l -n -X",
    ));
    v
}

#[test]
fn error_codes() {
    check("error_codes", &cases(), env!("CARGO_BIN_EXE_crm_error"));
}
