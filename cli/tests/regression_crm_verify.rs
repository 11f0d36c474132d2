//! Replays `regression.crm_verify.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmVerifyRegressionTest`) against our `crm_verify`.

mod cts_cib;

use cts_cib::{Item, pair, replay_pending, xml_test};

/// Tests that do not match yet: the verbose runs also show a log line of
/// the scheduler's (`unpack_config warning: Blind faith: ...`), and the
/// valid configuration holds a bundle, which the scheduler does not
/// unpack yet.
const PENDING: &[&str] = &[
    "Verify a file-specified invalid configuration (verbose)",
    "Verify a file-specified invalid configuration (verbose) (XML)",
    "Verify a file-specified valid configuration (XML)",
    "Verify a piped-in valid configuration (XML)",
    "Verbosely verify a file-specified valid configuration (XML)",
    "Verbosely verify a piped-in valid configuration (XML)",
    "Verify a string-supplied valid configuration (XML)",
    "Verbosely verify a string-supplied valid configuration (XML)",
];

#[test]
fn regression_crm_verify() {
    replay_pending(
        "crm_verify",
        env!("CARGO_BIN_EXE_crm_verify"),
        PENDING,
        |data| {
            let d = data.display();
            let bz = format!("--xml-file {d}/crm_verify_invalid_bz.xml");
            let mon = format!("{d}/crm_mon.xml");
            let contents = std::fs::read_to_string(&mon).unwrap_or_default();
            let p = |desc: &str, cmd: &str| -> Item { pair(desc, cmd, |t| t).into() };
            let x = |desc: &str, cmd: &str| -> Item { xml_test(desc, cmd).into() };
            vec![
                p(
                    "Verify a file-specified invalid configuration",
                    &format!("crm_verify {bz}"),
                ),
                p(
                    "Verify a file-specified invalid configuration (verbose)",
                    &format!("crm_verify {bz} --verbose"),
                ),
                p(
                    "Verify a file-specified invalid configuration (quiet)",
                    &format!("crm_verify {bz} --quiet"),
                ),
                x(
                    "Verify another file-specified invalid configuration",
                    &format!(
                        "crm_verify --xml-file {d}/crm_verify_invalid_no_stonith.xml --output-as=xml"
                    ),
                ),
                x(
                    "Verify a file-specified valid configuration",
                    &format!("crm_verify --xml-file {mon} --output-as=xml"),
                ),
                xml_test(
                    "Verify a piped-in valid configuration",
                    "crm_verify -p --output-as=xml",
                )
                .stdin(&contents)
                .into(),
                x(
                    "Verbosely verify a file-specified valid configuration",
                    &format!("crm_verify --xml-file {mon} --output-as=xml --verbose"),
                ),
                xml_test(
                    "Verbosely verify a piped-in valid configuration",
                    "crm_verify -p --output-as=xml --verbose",
                )
                .stdin(&contents)
                .into(),
                x(
                    "Verify a string-supplied valid configuration",
                    &format!("crm_verify -X '{contents}' --output-as=xml"),
                ),
                x(
                    "Verbosely verify a string-supplied valid configuration",
                    &format!("crm_verify -X '{contents}' --output-as=xml --verbose"),
                ),
            ]
        },
    );
}
