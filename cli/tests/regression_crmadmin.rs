//! Replays `regression.crmadmin.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmadminRegressionTest`) against our `crmadmin`.

mod cts_cib;

use cts_cib::{Item, group, pair, replay_pending, test};

#[test]
fn regression_crmadmin() {
    replay_pending("crmadmin", env!("CARGO_BIN_EXE_crmadmin"), &[], |data| {
        let cib = data
            .join("crmadmin-cluster-remote-guest-nodes.xml")
            .display()
            .to_string();
        let p = |d: &str, c: &str| -> Item { pair(d, c, |t| t).into() };
        let basic: Vec<Item> = vec![
            p("List all nodes", "crmadmin -N"),
            p("Minimally list all nodes", "crmadmin -N -q"),
            test("List all nodes as bash exports", "crmadmin -N -B").into(),
            p("List cluster nodes", "crmadmin -N cluster"),
            p("List guest nodes", "crmadmin -N guest"),
            p("List remote nodes", "crmadmin -N remote"),
            p("List cluster,remote nodes", "crmadmin -N cluster,remote"),
            p("List guest,remote nodes", "crmadmin -N guest,remote"),
        ];
        vec![
            group(basic).env("CIB_file", Some(&cib)).into(),
            test("Check that CIB_file=\"-\" works", "crmadmin -N")
                .env("CIB_file", Some("-"))
                .stdin(&std::fs::read_to_string(&cib).unwrap_or_default())
                .into(),
        ]
    });
}
