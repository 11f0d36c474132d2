//! Replays `regression.crm_shadow.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmShadowRegressionTest`) against our `crm_shadow` and `cibadmin`.

mod cts_cib;

use cts_cib::{Item, SHADOW, Step, group, pair, replay, shadow_group, test, xml_test};

#[test]
fn regression_crm_shadow() {
    replay("crm_shadow", env!("CARGO_BIN_EXE_crm_shadow"), |data| {
        let crm_mon = data.join("crm_mon.xml");
        let crm_mon = crm_mon.display().to_string();
        let missing = data.join("nonexistent_cib.xml").display().to_string();
        let crm_mon = crm_mon.as_str();
        let missing = missing.as_str();
        let delete = format!("crm_shadow --delete {SHADOW} --force");
        let delete = delete.as_str();
        let s = |f: &str| f.replace("{S}", SHADOW);

        let no_instance: Vec<Item> = vec![
            pair(
                "Get active shadow instance (no active instance)",
                "crm_shadow --which",
                |t| t,
            )
            .into(),
            pair(
                "Get active shadow instance's file name (no active instance)",
                "crm_shadow --file",
                |t| t,
            )
            .into(),
            pair(
                "Get active shadow instance's contents (no active instance)",
                "crm_shadow --display",
                |t| t,
            )
            .into(),
            pair(
                "Get active shadow instance's diff (no active instance)",
                "crm_shadow --diff",
                |t| t,
            )
            .into(),
        ];

        let mut new_instance: Vec<Item> = vec![
            pair(
                "Create copied shadow instance",
                &s("crm_shadow --create {S} --batch"),
                |t| t.setup(delete),
            )
            .into(),
            pair(
                "Get active shadow instance (copied)",
                "crm_shadow --which",
                |t| t,
            )
            .into(),
            pair(
                "Get active shadow instance's file name (copied)",
                "crm_shadow --file",
                |t| t,
            )
            .into(),
            pair(
                "Get active shadow instance's contents (copied)",
                "crm_shadow --display",
                |t| t,
            )
            .into(),
            pair(
                "Get active shadow instance's diff (copied)",
                "crm_shadow --diff",
                |t| t,
            )
            .into(),
        ];
        let modify_cib = concat!(
            "export CIB_file=$(crm_shadow --file) && ",
            "cibadmin --modify --xml-text '<primitive id=\"dummy\" description=\"desc\"/>' && ",
            "cibadmin --delete --xml-text '<op_defaults/>' && ",
            "cibadmin --create -o resources --xml-text '<primitive id=\"dummy1\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"/>' && ",
            "cibadmin --create -o status --xml-text '<node_state id=\"3\" uname=\"cluster03\" in_ccm=\"true\" crmd=\"online\" crm-debug-origin=\"do_update_resource\" join=\"member\" expected=\"member\"/>'"
        );
        let copy = || data.join("crm_mon.xml");
        new_instance.extend([
            test(
                "Get active shadow instance's diff (after changes)",
                "crm_shadow --diff",
            )
            .setup(modify_cib)
            .into(),
            xml_test(
                "Get active shadow instance's diff (after changes)",
                "crm_shadow --diff --output-as=xml",
            )
            .into(),
            group(vec![
                test("Commit shadow instance", &s("crm_shadow --commit {S}")).into(),
                test(
                    "Commit shadow instance (force)",
                    &s("crm_shadow --commit {S} --force"),
                )
                .into(),
                test(
                    "Get active shadow instance's diff (after commit)",
                    "crm_shadow --diff",
                )
                .into(),
                test(
                    "Commit shadow instance (force) (all)",
                    &s("crm_shadow --commit {S} --force --all"),
                )
                .into(),
                test(
                    "Get active shadow instance's diff (after commit all)",
                    "crm_shadow --diff",
                )
                .into(),
            ])
            .cib_copy(copy())
            .into(),
            group(vec![
                xml_test(
                    "Commit shadow instance",
                    &s("crm_shadow --commit {S} --output-as=xml"),
                )
                .into(),
                xml_test(
                    "Commit shadow instance (force)",
                    &s("crm_shadow --commit {S} --force --output-as=xml"),
                )
                .into(),
                xml_test(
                    "Get active shadow instance's diff (after commit)",
                    "crm_shadow --diff --output-as=xml",
                )
                .into(),
                xml_test(
                    "Commit shadow instance (force) (all)",
                    &s("crm_shadow --commit {S} --force --all --output-as=xml"),
                )
                .into(),
                xml_test(
                    "Get active shadow instance's diff (after commit all)",
                    "crm_shadow --diff --output-as=xml",
                )
                .into(),
                pair(
                    "Commit shadow instance (no active instance)",
                    &s("crm_shadow --commit {S}"),
                    |t| t.env("CIB_shadow", None),
                )
                .into(),
                pair(
                    "Commit shadow instance (no active instance) (force)",
                    &s("crm_shadow --commit {S} --force"),
                    |t| t.env("CIB_shadow", None),
                )
                .into(),
                pair(
                    "Commit shadow instance (mismatch)",
                    &s("crm_shadow --commit {S}"),
                    |t| t.env("CIB_shadow", Some("nonexistent_shadow")),
                )
                .into(),
                pair(
                    "Commit shadow instance (mismatch) (force)",
                    &s("crm_shadow --commit {S} --force"),
                    |t| t.env("CIB_shadow", Some("nonexistent_shadow")),
                )
                .into(),
                pair(
                    "Commit shadow instance (nonexistent shadow file)",
                    "crm_shadow --commit nonexistent_shadow",
                    |t| t.env("CIB_shadow", Some("nonexistent_shadow")),
                )
                .into(),
                pair(
                    "Commit shadow instance (nonexistent shadow file) (force)",
                    "crm_shadow --commit nonexistent_shadow --force",
                    |t| t.env("CIB_shadow", Some("nonexistent_shadow")),
                )
                .into(),
                pair(
                    "Get active shadow instance's diff (nonexistent shadow file)",
                    "crm_shadow --diff",
                    |t| t.env("CIB_shadow", Some("nonexistent_shadow")),
                )
                .into(),
                pair(
                    "Commit shadow instance (nonexistent CIB file)",
                    &s("crm_shadow --commit {S}"),
                    |t| t.env("CIB_file", Some(missing)),
                )
                .into(),
                pair(
                    "Commit shadow instance (nonexistent CIB file) (force)",
                    &s("crm_shadow --commit {S} --force"),
                    |t| t.env("CIB_file", Some(missing)),
                )
                .into(),
                pair(
                    "Get active shadow instance's diff (nonexistent CIB file)",
                    "crm_shadow --diff",
                    |t| t.env("CIB_file", Some(missing)),
                )
                .into(),
            ])
            .cib_copy(copy())
            .into(),
        ]);

        let delete_1: Vec<Item> = vec![
            test("Delete shadow instance", &s("crm_shadow --delete {S}")).into(),
            test(
                "Delete shadow instance (force)",
                &s("crm_shadow --delete {S} --force"),
            )
            .into(),
            shadow_group(vec![
                xml_test(
                    "Delete shadow instance",
                    &s("crm_shadow --delete {S} --output-as=xml"),
                )
                .into(),
                xml_test(
                    "Delete shadow instance (force)",
                    &s("crm_shadow --delete {S} --force --output-as=xml"),
                )
                .into(),
            ])
            .into(),
        ];
        let delete_2: Vec<Item> = vec![
            test(
                "Delete shadow instance (no active instance)",
                &s("crm_shadow --delete {S}"),
            )
            .into(),
            test(
                "Delete shadow instance (no active instance) (force)",
                &s("crm_shadow --delete {S} --force"),
            )
            .into(),
        ];
        let delete_3: Vec<Item> = vec![
            xml_test(
                "Delete shadow instance (no active instance)",
                &s("crm_shadow --delete {S} --output-as=xml"),
            )
            .into(),
            xml_test(
                "Delete shadow instance (no active instance) (force)",
                &s("crm_shadow --delete {S} --force --output-as=xml"),
            )
            .into(),
        ];
        let delete_4: Vec<Item> = vec![
            test(
                "Delete shadow instance (mismatch)",
                &s("crm_shadow --delete {S}"),
            )
            .into(),
            test(
                "Delete shadow instance (mismatch) (force)",
                &s("crm_shadow --delete {S} --force"),
            )
            .into(),
        ];
        let delete_5: Vec<Item> = vec![
            xml_test(
                "Delete shadow instance (mismatch)",
                &s("crm_shadow --delete {S} --output-as=xml"),
            )
            .into(),
            xml_test(
                "Delete shadow instance (mismatch) (force)",
                &s("crm_shadow --delete {S} --force --output-as=xml"),
            )
            .into(),
            test(
                "Delete shadow instance (nonexistent shadow file)",
                "crm_shadow --delete nonexistent_shadow",
            )
            .into(),
            test(
                "Delete shadow instance (nonexistent shadow file) (force)",
                "crm_shadow --delete nonexistent_shadow --force",
            )
            .into(),
            xml_test(
                "Delete shadow instance (nonexistent shadow file)",
                "crm_shadow --delete nonexistent_shadow --output-as=xml",
            )
            .into(),
            xml_test(
                "Delete shadow instance (nonexistent shadow file) (force)",
                "crm_shadow --delete nonexistent_shadow --force --output-as=xml",
            )
            .into(),
        ];
        let delete_6: Vec<Item> = vec![
            test(
                "Delete shadow instance (nonexistent CIB file)",
                &s("crm_shadow --delete {S}"),
            )
            .into(),
            test(
                "Delete shadow instance (nonexistent CIB file) (force)",
                &s("crm_shadow --delete {S} --force"),
            )
            .into(),
        ];
        let delete_7: Vec<Item> = vec![
            xml_test(
                "Delete shadow instance (nonexistent CIB file)",
                &s("crm_shadow --delete {S} --output-as=xml"),
            )
            .into(),
            xml_test(
                "Delete shadow instance (nonexistent CIB file) (force)",
                &s("crm_shadow --delete {S} --force --output-as=xml"),
            )
            .into(),
        ];

        let create_1: Vec<Item> = vec![
            pair(
                "Create copied shadow instance (no active instance)",
                &s("crm_shadow --create {S} --batch"),
                |t| t.setup(delete).env("CIB_shadow", None),
            )
            .into(),
            pair(
                "Create copied shadow instance (mismatch)",
                &s("crm_shadow --create {S} --batch"),
                |t| {
                    t.setup(delete)
                        .env("CIB_shadow", Some("nonexistent_shadow"))
                },
            )
            .into(),
            pair(
                "Create copied shadow instance (file already exists)",
                &s("crm_shadow --create {S} --batch"),
                |t| t,
            )
            .into(),
            pair(
                "Create copied shadow instance (file already exists) (force)",
                &s("crm_shadow --create {S} --batch --force"),
                |t| t,
            )
            .into(),
            pair(
                "Create copied shadow instance (nonexistent CIB file) (force)",
                &s("crm_shadow --create {S} --batch --force"),
                |t| t.setup(delete).env("CIB_file", Some(missing)),
            )
            .into(),
        ];
        let create_2: Vec<Item> = vec![
            pair(
                "Create empty shadow instance",
                &s("crm_shadow --create-empty {S} --batch"),
                |t| t.setup(delete),
            )
            .into(),
            pair(
                "Create empty shadow instance (no active instance)",
                &s("crm_shadow --create-empty {S} --batch"),
                |t| t.setup(delete).env("CIB_shadow", None),
            )
            .into(),
            pair(
                "Create empty shadow instance (mismatch)",
                &s("crm_shadow --create-empty {S} --batch"),
                |t| {
                    t.setup(delete)
                        .env("CIB_shadow", Some("nonexistent_shadow"))
                },
            )
            .into(),
            pair(
                "Create empty shadow instance (nonexistent CIB file)",
                &s("crm_shadow --create-empty {S} --batch"),
                |t| t.setup(delete).env("CIB_file", Some(missing)),
            )
            .into(),
            pair(
                "Create empty shadow instance (file already exists)",
                &s("crm_shadow --create-empty {S} --batch"),
                |t| t,
            )
            .into(),
            pair(
                "Create empty shadow instance (file already exists) (force)",
                &s("crm_shadow --create-empty {S} --batch --force"),
                |t| t,
            )
            .into(),
            group(vec![
                pair(
                    "Get active shadow instance's contents (empty CIB)",
                    "crm_shadow --display",
                    |t| t,
                )
                .into(),
                pair(
                    "Get active shadow instance's diff (empty CIB)",
                    "crm_shadow --diff",
                    |t| t,
                )
                .into(),
            ])
            .setup_step(Step::DeleteRscDefaults)
            .into(),
        ];

        let reset_1: Vec<Item> = vec![
            test(
                "Resetting active shadow instance to active CIB requires force",
                &s("crm_shadow --reset {S} --batch"),
            )
            .into(),
            test(
                "Reset active shadow instance to active CIB",
                &s("crm_shadow --reset {S} --batch --force"),
            )
            .into(),
            test(
                "Active shadow instance no different from active CIB after reset",
                "crm_shadow --diff",
            )
            .into(),
            test(
                "Active shadow instance differs from active CIB after change",
                "crm_shadow --diff",
            )
            .setup("crm_attribute -n admin_epoch -v 99")
            .into(),
            xml_test(
                "Reset active shadow instance to active CIB",
                &s("crm_shadow --reset {S} --batch --force --output-as=xml"),
            )
            .into(),
            xml_test(
                "Active shadow instance no different from active CIB after reset",
                "crm_shadow --diff --output-as=xml",
            )
            .into(),
            xml_test(
                "Active shadow instance differs from active CIB after change",
                "crm_shadow --diff --output-as=xml",
            )
            .setup("crm_attribute -n admin_epoch -v 199")
            .into(),
            pair(
                "Reset shadow instance to active CIB with nonexistent shadow file",
                &s("crm_shadow --reset {S} --batch --force"),
                |t| t.setup(delete),
            )
            .into(),
            test(
                "Active shadow instance no different from active CIB after force-reset",
                "crm_shadow --diff",
            )
            .into(),
        ];
        let reset_2: Vec<Item> = vec![
            pair(
                "Reset inactive shadow instance (none active) to active CIB",
                &s("crm_shadow --reset {S} --force --batch"),
                |t| t,
            )
            .into(),
        ];
        let reset_3: Vec<Item> = vec![
            pair(
                "Reset inactive shadow instance while another instance active",
                &s("crm_shadow --reset {S} --batch --force"),
                |t| t,
            )
            .into(),
        ];
        let reset_4: Vec<Item> = vec![
            pair(
                "Reset shadow instance with nonexistent CIB",
                &s("crm_shadow --reset {S} --batch --force"),
                |t| t,
            )
            .into(),
        ];

        let switch: Vec<Item> = vec![
            pair(
                "Switch to new shadow instance",
                &s("crm_shadow --switch {S} --batch"),
                |t| t,
            )
            .into(),
            group(vec![
                pair(
                    "Switch to nonexistent shadow instance",
                    &s("crm_shadow --switch {S} --batch"),
                    |t| t,
                )
                .into(),
                pair(
                    "Switch to nonexistent shadow instance (force)",
                    &s("crm_shadow --switch {S} --batch --force"),
                    |t| t,
                )
                .into(),
            ])
            .setup(delete)
            .into(),
        ];

        let mut all = no_instance;
        all.extend([
            shadow_group(new_instance)
                .env("CIB_file", Some(crm_mon))
                .no_create()
                .into(),
            shadow_group(delete_1).env("CIB_file", Some(crm_mon)).into(),
            shadow_group(delete_2)
                .env("CIB_file", Some(crm_mon))
                .env("CIB_shadow", None)
                .into(),
            shadow_group(delete_3)
                .env("CIB_file", Some(crm_mon))
                .env("CIB_shadow", None)
                .into(),
            shadow_group(delete_4)
                .env("CIB_file", Some(crm_mon))
                .env("CIB_shadow", Some("nonexistent_shadow"))
                .into(),
            shadow_group(delete_5)
                .env("CIB_file", Some(crm_mon))
                .env("CIB_shadow", Some("nonexistent_shadow"))
                .into(),
            shadow_group(delete_6).env("CIB_file", Some(missing)).into(),
            shadow_group(delete_7).env("CIB_file", Some(missing)).into(),
            shadow_group(create_1)
                .env("CIB_file", Some(crm_mon))
                .no_create()
                .into(),
            shadow_group(create_2)
                .env("CIB_file", Some(crm_mon))
                .no_create()
                .into(),
            shadow_group(reset_1).env("CIB_file", Some(crm_mon)).into(),
            shadow_group(reset_2)
                .env("CIB_file", Some(crm_mon))
                .env("CIB_shadow", None)
                .into(),
            shadow_group(reset_3)
                .env("CIB_file", Some(crm_mon))
                .env("CIB_shadow", Some("nonexistent_shadow"))
                .into(),
            shadow_group(reset_4).env("CIB_file", Some(missing)).into(),
            shadow_group(switch)
                .env("CIB_shadow", Some("nonexistent_shadow"))
                .into(),
        ]);
        all
    });
}
