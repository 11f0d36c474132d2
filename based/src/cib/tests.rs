use pcmk_common::xml::parse;

use super::*;
use crate::acl::NoGroups;
use crate::request::{CallOptions, Request, Target};

const EMPTY: &str = r#"<cib validate-with="pacemaker-4.0" admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>"#;

fn ctx() -> Context<'static> {
    Context {
        last_written: Some("Thu Jan  1 00:00:00 2026".to_string()),
        groups: &NoGroups,
        check_feature_set: true,
        return_rejected: true,
    }
}

fn req(op: Operation, target: Target, input: Option<&str>) -> Request {
    let mut r = Request::new(op, target);
    r.input = input.map(|i| parse(i).unwrap());
    r.client_name = Some("cibadmin".to_string());
    r.user = Some("root".to_string());
    r.origin = Some("node1".to_string());
    r
}

fn section(s: &str) -> Target {
    Target::Section(s.to_string())
}

const DUMMY: &str = r#"<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>"#;

#[test]
fn create_bumps_epoch_and_reports_one_patchset() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    let out = cib
        .perform(
            &req(Operation::Create, section("resources"), Some(DUMMY)),
            &ctx(),
        )
        .unwrap();
    let change = out.change.unwrap();
    assert!(change.config_changed && change.to_disk);
    assert_eq!(change.version, CibVersion::new(0, 2, 0));
    assert_eq!(
        change.patchset.to_compact(),
        concat!(
            r#"<diff format="2"><version><source admin_epoch="0" epoch="1" num_updates="0"/>"#,
            r#"<target admin_epoch="0" epoch="2" num_updates="0"/></version>"#,
            r#"<change operation="modify" path="/cib"><change-list>"#,
            r#"<change-attr name="epoch" operation="set" value="2"/></change-list>"#,
            r#"<change-result><cib validate-with="pacemaker-4.0" admin_epoch="0" epoch="2" num_updates="0"/></change-result></change>"#,
            r#"<change operation="create" path="/cib/configuration/resources" position="0">"#,
            r#"<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/></change></diff>"#
        )
    );
    let root = cib.doc();
    assert_eq!(root.attr("update-client"), Some("cibadmin"));
    assert_eq!(root.attr("update-origin"), Some("node1"));
    assert_eq!(
        root.attr("cib-last-written"),
        Some("Thu Jan  1 00:00:00 2026")
    );
    // Creating it again fails with the failed update as output.
    let err = cib
        .perform(
            &req(Operation::Create, section("resources"), Some(DUMMY)),
            &ctx(),
        )
        .unwrap_err();
    assert_eq!(err.error, CibError::Exists);
    assert_eq!(
        err.output.unwrap().to_compact(),
        r#"<failed><failed_update id="d1" object_type="primitive" operation="cib_create" reason="File exists"><primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/></failed_update></failed>"#
    );
    assert_eq!(cib.version(), CibVersion::new(0, 2, 0));
}

#[test]
fn status_changes_bump_num_updates() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    let out = cib
        .perform(
            &req(
                Operation::Create,
                section("status"),
                Some(r#"<node_state id="1" uname="n1"/>"#),
            ),
            &ctx(),
        )
        .unwrap();
    let change = out.change.unwrap();
    assert!(!change.config_changed && !change.to_disk);
    assert_eq!(change.version, CibVersion::new(0, 1, 1));
    assert_eq!(cib.doc().attr("update-client"), None);
}

#[test]
fn invalid_changes_are_refused_and_undone() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    cib.perform(
        &req(Operation::Create, section("resources"), Some(DUMMY)),
        &ctx(),
    )
    .unwrap();
    let before = cib.doc().clone();
    let bad = [
        (
            section("resources"),
            r#"<primitive id="d2" class="ocf" type="Dummy"/>"#,
        ),
        (section("resources"), r#"<bogus id="x"/>"#),
        (
            section("constraints"),
            r#"<rsc_location id="d1" rsc="d1" node="n1" score="10"/>"#,
        ),
        (
            section("constraints"),
            r#"<rsc_location id="l1" rsc="nope" node="n1" score="10"/>"#,
        ),
        (
            section("constraints"),
            r#"<rsc_order id="o1" first="d1" then="d1" first-action="break"/>"#,
        ),
    ];
    for (target, xml) in bad {
        let err = cib
            .perform(&req(Operation::Create, target, Some(xml)), &ctx())
            .unwrap_err();
        assert!(
            matches!(err.error, CibError::SchemaValidation(_)),
            "{xml}: {err:?}"
        );
        assert!(!err.error.details().is_empty());
        assert_eq!(cib.doc(), &before, "{xml}");
    }
    // Deleting a referenced resource leaves a dangling reference.
    cib.perform(
        &req(
            Operation::Create,
            section("constraints"),
            Some(r#"<rsc_location id="l1" rsc="d1" node="n1" score="10"/>"#),
        ),
        &ctx(),
    )
    .unwrap();
    let before = cib.doc().clone();
    let err = cib
        .perform(
            &req(
                Operation::Delete,
                Target::All,
                Some(r#"<primitive id="d1"/>"#),
            ),
            &ctx(),
        )
        .unwrap_err();
    assert!(matches!(err.error, CibError::SchemaValidation(_)));
    assert_eq!(cib.doc(), &before);
}

#[test]
fn modify_delete_replace_erase_bump() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    cib.perform(
        &req(Operation::Create, section("resources"), Some(DUMMY)),
        &ctx(),
    )
    .unwrap();
    // Modify merges attributes.
    cib.perform(
        &req(
            Operation::Modify,
            Target::All,
            Some(r#"<primitive id="d1" description="x"/>"#),
        ),
        &ctx(),
    )
    .unwrap();
    assert_eq!(
        cib.doc().find_id("d1").unwrap().attr("description"),
        Some("x")
    );
    // Modify of nothing is ENXIO, unless allowed to create.
    let err = cib
        .perform(
            &req(
                Operation::Modify,
                section("resources"),
                Some(r#"<primitive id="d9" class="ocf" provider="pacemaker" type="Dummy"/>"#),
            ),
            &ctx(),
        )
        .unwrap_err();
    assert_eq!(err.error, CibError::NoSuchObject);
    let mut r = req(
        Operation::Modify,
        section("resources"),
        Some(r#"<primitive id="d9" class="ocf" provider="pacemaker" type="Dummy"/>"#),
    );
    r.options = CallOptions {
        allow_create: true,
        ..CallOptions::default()
    };
    cib.perform(&r, &ctx()).unwrap();
    assert!(cib.doc().find_id("d9").is_some());
    // A modify creating a missing section.
    cib.perform(
        &req(
            Operation::Modify,
            section("acls"),
            Some(r#"<acls><acl_role id="r1"/></acls>"#),
        ),
        &ctx(),
    )
    .unwrap();
    assert!(cib.doc().find_id("r1").is_some());
    // Delete by XPath.
    cib.perform(
        &req(
            Operation::Delete,
            Target::XPath("//primitive[@id='d9']".into()),
            None,
        ),
        &ctx(),
    )
    .unwrap();
    assert!(cib.doc().find_id("d9").is_none());
    // Replace a section.
    cib.perform(
        &req(
            Operation::Replace,
            section("resources"),
            Some("<resources/>"),
        ),
        &ctx(),
    )
    .unwrap();
    assert!(cib.doc().find_id("d1").is_none());
    // Replacing with an older CIB is refused.
    let v = cib.version();
    let err = cib
        .perform(&req(Operation::Replace, Target::All, Some(EMPTY)), &ctx())
        .unwrap_err();
    assert_eq!(err.error, CibError::OldData);
    assert_eq!(cib.version(), v);
    // Bump: epoch + 1 and, as it is not a configuration change, num_updates + 1.
    cib.perform(&req(Operation::Bump, Target::All, None), &ctx())
        .unwrap();
    assert_eq!(
        cib.version(),
        CibVersion::new(v.admin_epoch, v.epoch + 1, v.num_updates + 1)
    );
    // Erase: admin_epoch + 1, empty configuration.
    cib.perform(&req(Operation::Erase, Target::All, None), &ctx())
        .unwrap();
    assert_eq!(cib.version().admin_epoch, v.admin_epoch + 1);
    assert!(cib.doc().find_id("r1").is_none());
    // Query sections.
    let out = cib
        .perform(&req(Operation::Query, section("nodes"), None), &ctx())
        .unwrap();
    assert_eq!(out.output.unwrap().to_compact(), "<nodes/>");
}

#[test]
fn score_updates_and_version_checks() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    let mut r = req(
        Operation::Modify,
        Target::All,
        Some(r#"<cib admin_epoch="admin_epoch++"/>"#),
    );
    r.options.score_update = true;
    cib.perform(&r, &ctx()).unwrap();
    assert_eq!(cib.version().admin_epoch, 1);
    // Going backwards is refused.
    let err = cib
        .perform(
            &req(
                Operation::Modify,
                Target::All,
                Some(r#"<cib admin_epoch="0"/>"#),
            ),
            &ctx(),
        )
        .unwrap_err();
    assert_eq!(err.error, CibError::OldData);
}

#[test]
fn dry_run_leaves_the_cib_alone() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    let before = cib.doc().clone();
    let mut r = req(Operation::Create, section("resources"), Some(DUMMY));
    r.options.dry_run = true;
    let out = cib.perform(&r, &ctx()).unwrap();
    assert!(out.change.is_some());
    assert_eq!(cib.doc(), &before);
}

#[test]
fn patchset_reproduces_the_change_elsewhere() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    let mut replica = Cib::new(parse(EMPTY).unwrap());
    let steps = [
        req(Operation::Create, section("resources"), Some(DUMMY)),
        req(
            Operation::Modify,
            Target::All,
            Some(r#"<primitive id="d1" description="x"/>"#),
        ),
        req(
            Operation::Create,
            section("status"),
            Some(r#"<node_state id="1" uname="n1"/>"#),
        ),
        req(
            Operation::Delete,
            Target::All,
            Some(r#"<primitive id="d1"/>"#),
        ),
    ];
    for step in &steps {
        let change = cib.perform(step, &ctx()).unwrap().change.unwrap();
        replica.apply_patchset(&change.patchset).unwrap();
        let strip = |e: &Element| {
            let mut e = e.clone();
            for a in [
                "cib-last-written",
                "update-origin",
                "update-client",
                "update-user",
            ] {
                e.remove_attr(a);
            }
            e
        };
        assert_eq!(strip(replica.doc()), strip(cib.doc()));
    }
}

#[test]
fn identical_replace_bumps_the_epoch_in_configuration_only() {
    let mut cib = Cib::new(parse(EMPTY).unwrap());
    cib.perform(
        &req(Operation::Create, section("resources"), Some(DUMMY)),
        &ctx(),
    )
    .unwrap();
    let out = cib
        .perform(
            &req(Operation::Replace, section("resources"), Some(DUMMY)),
            &ctx(),
        )
        .unwrap();
    let change = out.change.unwrap();
    assert!(change.config_changed);
    assert_eq!(change.version, CibVersion::new(0, 3, 0));

    let state = r#"<node_state id="1" uname="node1" in_ccm="true"/>"#;
    cib.perform(
        &req(Operation::Create, section("status"), Some(state)),
        &ctx(),
    )
    .unwrap();
    let out = cib
        .perform(
            &req(Operation::Replace, section("status"), Some(state)),
            &ctx(),
        )
        .unwrap();
    let change = out.change.unwrap();
    assert!(!change.config_changed);
    assert_eq!(change.version, CibVersion::new(0, 3, 2));
}
