//! crm_verify: check a CIB for configuration errors and warnings by running
//! the scheduler over it.

use pcmk_common::exit::CrmExit;
use pcmk_common::xml;
use pcmk_schedulerd::{ScheduleOptions, Severity, schedule};

/// What a check produced.
#[derive(Debug, Default)]
pub struct Report {
    /// Text for standard error.
    pub stderr: String,
    /// Exit status.
    pub exit: u8,
}

/// Checks a CIB given as XML text; `verbose` is the number of `-V`.
pub fn verify_text(text: &str, verbose: u8, now: i64) -> Report {
    let mut report = Report::default();
    let cib = match xml::parse(text) {
        Ok(c) => c,
        Err(e) => {
            report.stderr = format!(
                "crm_verify: Verification failed: {e}\ncrm_verify: Errors found during check: config not valid\n"
            );
            report.exit = CrmExit::Config as u8;
            return report;
        }
    };
    if cib.name != "cib" {
        report.stderr = format!(
            "Input is not a CIB (outermost element is {} not cib)\ncrm_verify: Errors found during check: config not valid\n",
            cib.name
        );
        report.exit = CrmExit::Config as u8;
        return report;
    }
    let mut cib = cib;
    cib.child_or_insert("status");
    let opts = ScheduleOptions {
        now,
        ..ScheduleOptions::default()
    };
    let result = schedule(&cib, &opts);
    let mut errors = false;
    let mut warnings = false;
    for m in &result.scheduler.messages {
        if !m.config {
            continue;
        }
        let label = match m.severity {
            Severity::Error => {
                errors = true;
                "error"
            }
            Severity::Warning => {
                warnings = true;
                "warning"
            }
            Severity::Notice => "notice",
        };
        if verbose > 0 {
            report.stderr.push_str(&format!("{label}: {}\n", m.text));
        }
    }
    if errors {
        report
            .stderr
            .push_str("crm_verify: Errors found during check: config not valid\n");
    } else if warnings {
        report
            .stderr
            .push_str("crm_verify: Warnings found during check: config may not be valid\n");
    }
    if (errors || warnings) && verbose == 0 {
        report.stderr.push_str("-V may provide more details\n");
    }
    report.exit = if errors || warnings {
        CrmExit::Config as u8
    } else {
        0
    };
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_configuration_passes() {
        let cib = r#"<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration></cib>"#;
        let r = verify_text(cib, 0, 0);
        assert_eq!(r.exit, 0, "{}", r.stderr);
    }

    #[test]
    fn missing_fencing_is_an_error() {
        let cib = r#"<cib><configuration><crm_config/><nodes/><resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/></resources><constraints/></configuration></cib>"#;
        let r = verify_text(cib, 1, 0);
        assert_eq!(r.exit, 78);
        assert!(r.stderr.contains("error: Resource start-up disabled"));
    }

    #[test]
    fn not_a_cib() {
        let r = verify_text("<nodes/>", 0, 0);
        assert_eq!(r.exit, 78);
        assert!(r.stderr.contains("outermost element is nodes"));
    }
}
