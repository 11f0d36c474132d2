//! Replays `regression.crm_ticket.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmTicketRegressionTest`) against our `crm_ticket`.

mod cts_cib;

use cts_cib::{Item, pair, replay_pending, shadow_group, test};

#[test]
fn regression_crm_ticket() {
    replay_pending("crm_ticket", env!("CARGO_BIN_EXE_crm_ticket"), &[], |_| {
        let u = |d: &str, c: &str| -> Item { test(d, c).update_cib().into() };
        let t = |d: &str, c: &str| -> Item { test(d, c).into() };
        let p = |d: &str, c: &str| -> Item { pair(d, c, |t| t).into() };
        let basic: Vec<Item> = vec![
            t(
                "Default ticket granted state",
                "crm_ticket -t ticketA -G granted -d false",
            ),
            u(
                "Set ticket granted state",
                "crm_ticket -t ticketA -r --force",
            ),
            p("List ticket IDs", "crm_ticket -w"),
            p("Query ticket state", "crm_ticket -t ticketA -q"),
            p(
                "Query ticket granted state",
                "crm_ticket -t ticketA -G granted",
            ),
            u(
                "Delete ticket granted state",
                "crm_ticket -t ticketA -D granted --force",
            ),
            u("Make a ticket standby", "crm_ticket -t ticketA -s"),
            t(
                "Query ticket standby state",
                "crm_ticket -t ticketA -G standby",
            ),
            u("Activate a ticket", "crm_ticket -t ticketA -a"),
            p("List ticket details", "crm_ticket -L -t ticketA"),
            u(
                "Add a second ticket",
                "crm_ticket -t ticketB -G granted -d false",
            ),
            u(
                "Set second ticket granted state",
                "crm_ticket -t ticketB -r --force",
            ),
            p("List tickets", "crm_ticket -l"),
            u(
                "Delete second ticket",
                r#"cibadmin --delete --xml-text '<ticket_state id="ticketB"/>'"#,
            ),
            u(
                "Delete ticket standby state",
                "crm_ticket -t ticketA -D standby",
            ),
            u(
                "Add a constraint to a ticket",
                r#"cibadmin -C -o constraints --xml-text '<rsc_ticket id="dummy-dep-ticketA" rsc="dummy" rsc-role="Started" ticket="ticketA" loss-policy="freeze"/>'"#,
            ),
            p("Query ticket constraints", "crm_ticket -t ticketA -c"),
            u(
                "Delete ticket constraint",
                r#"cibadmin --delete --xml-text '<rsc_ticket id="dummy-dep-ticketA"/>'"#,
            ),
        ];
        vec![
            shadow_group(basic)
                .setup(r#"cibadmin -C -o crm_config --xml-text '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-fencing-enabled" name="fencing-enabled" value="false"/></cluster_property_set>'"#)
                .setup(r#"cibadmin -C -o resources --xml-text '<primitive class="ocf" id="dummy" provider="heartbeat" type="Dummy" />'"#)
                .into(),
        ]
    });
}
