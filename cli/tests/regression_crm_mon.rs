//! Replays `regression.crm_mon.exp` (Pacemaker 3.0.2's `cts-cli`,
//! `CrmMonRegressionTest`) against our `crm_mon`.
//!
//! Pending: the cases whose CIBs hold clones or bundles, which the
//! scheduler library does not unpack yet.

mod cts_cib;

use cts_cib::{Item, group, pair, replay_pending, test, xml_test};

/// Tests that differ until clones and bundles are unpacked.
const PENDING: &[&str] = &[
    "Basic output",
    "Basic output (XML)",
    "Output without node section",
    "Output without node section (XML)",
    "Output with only the node section",
    "Complete text output",
    "Complete text output with detail",
    "Complete brief text output",
    "Complete text output grouped by node",
    "Complete brief text output grouped by node",
    "Output grouped by node (XML)",
    "Complete output filtered by node",
    "Complete output filtered by node (XML)",
    "Complete output filtered by tag",
    "Complete output filtered by tag (XML)",
    "Complete output filtered by resource tag",
    "Complete output filtered by resource tag (XML)",
    "Output filtered by node that doesn't exist",
    "Output filtered by node that doesn't exist (XML)",
    "Basic text output with inactive resources",
    "Basic text output with inactive resources, filtered by node",
    "Complete output filtered by primitive resource",
    "Complete output filtered by primitive resource (XML)",
    "Complete output filtered by group resource",
    "Complete output filtered by group resource (XML)",
    "Complete text output filtered by group resource member",
    "Output filtered by group resource member (XML)",
    "Complete output filtered by clone resource",
    "Complete output filtered by clone resource (XML)",
    "Complete output filtered by clone resource instance",
    "Complete output filtered by clone resource instance (XML)",
    "Complete text output filtered by exact clone resource instance",
    "Output filtered by exact clone resource instance (XML)",
    "Output filtered by resource that doesn't exist",
    "Output filtered by resource that doesn't exist (XML)",
    "Basic text output with inactive resources, filtered by tag",
    "Basic text output with inactive resources, filtered by bundle resource",
    "Output filtered by inactive bundle resource (XML)",
    "Basic text output with inactive resources, filtered by bundled IP address resource",
    "Output filtered by bundled IP address resource (XML)",
    "Basic text output with inactive resources, filtered by bundled container",
    "Output filtered by bundled container (XML)",
    "Basic text output with inactive resources, filtered by bundle connection",
    "Output filtered by bundle connection (XML)",
    "Basic text output with inactive resources, filtered by bundled primitive resource",
    "Output filtered by bundled primitive resource (XML)",
    "Complete text output, filtered by clone name in cloned group",
    "Output, filtered by clone name in cloned group (XML)",
    "Complete text output, filtered by group name in cloned group",
    "Output, filtered by group name in cloned group (XML)",
    "Complete text output, filtered by exact group instance name in cloned group",
    "Output, filtered by exact group instance name in cloned group (XML)",
    "Complete text output, filtered by primitive name in cloned group",
    "Output, filtered by primitive name in cloned group (XML)",
    "Complete text output, filtered by exact primitive instance name in cloned group",
    "Output, filtered by exact primitive instance name in cloned group (XML)",
    "Check that CIB_file=\"-\" works",
    "Output of partially active resources",
    "Output of partially active resources (XML)",
    "Output of partially active resources, with inactive resources",
    "Complete brief text output, with inactive resources",
    "Text output of partially active group",
    "Text output of partially active group, with inactive resources",
    "Text output of active member of partially active group",
    "Text output of inactive member of partially active group",
    "Complete brief text output grouped by node, with inactive resources",
    "Text output of partially active resources, with inactive resources, filtered by node",
    "Output of partially active resources, filtered by node (XML)",
    "Output of all resources with maintenance-mode enabled",
    "Output of all resources with maintenance-mode enabled (XML)",
    "Output of all resources with maintenance enabled for a node",
    "Output of all resources with maintenance enabled for a node (XML)",
    "Output of all resources with maintenance meta attribute true",
    "Output of all resources with maintenance meta attribute true (XML)",
    "Text output of guest node's container on different node from its remote resource",
    "Complete text output of guest node's container on different node from its remote resource",
];

#[test]
fn regression_crm_mon() {
    replay_pending("crm_mon", env!("CARGO_BIN_EXE_crm_mon"), PENDING, |data| {
        let t = |d: &str, c: &str| -> Item { test(d, c).into() };
        let x = |d: &str, c: &str| -> Item { xml_test(d, c).into() };
        let p = |d: &str, c: &str| -> Item { pair(d, c, |t| t).into() };
        let basic: Vec<Item> = vec![
            p("Basic output", "crm_mon -1"),
            p("Output without node section", "crm_mon -1 --exclude=nodes"),
            t(
                "Output with only the node section",
                "crm_mon -1 --exclude=all --include=nodes",
            ),
            t("Complete text output", "crm_mon -1 --include=all"),
            t(
                "Complete text output with detail",
                "crm_mon -1R --include=all",
            ),
            t(
                "Complete brief text output",
                "crm_mon -1 --include=all --brief",
            ),
            t(
                "Complete text output grouped by node",
                "crm_mon -1 --include=all --group-by-node",
            ),
            t(
                "Complete brief text output grouped by node",
                "crm_mon -1 --include=all --group-by-node --brief",
            ),
            x(
                "Output grouped by node",
                "crm_mon --output-as=xml --group-by-node",
            ),
            p(
                "Complete output filtered by node",
                "crm_mon -1 --include=all --node=cluster01",
            ),
            p(
                "Complete output filtered by tag",
                "crm_mon -1 --include=all --node=even-nodes",
            ),
            p(
                "Complete output filtered by resource tag",
                "crm_mon -1 --include=all --resource=fencing-rscs",
            ),
            p(
                "Output filtered by node that doesn't exist",
                "crm_mon -1 --node=blah",
            ),
            t("Basic text output with inactive resources", "crm_mon -1 -r"),
            t(
                "Basic text output with inactive resources, filtered by node",
                "crm_mon -1 -r --node=cluster02",
            ),
            p(
                "Complete output filtered by primitive resource",
                "crm_mon -1 --include=all --resource=Fencing",
            ),
            p(
                "Complete output filtered by group resource",
                "crm_mon -1 --include=all --resource=exim-group",
            ),
            t(
                "Complete text output filtered by group resource member",
                "crm_mon -1 --include=all --resource=Public-IP",
            ),
            x(
                "Output filtered by group resource member",
                "crm_mon --output-as=xml --resource=Email",
            ),
            p(
                "Complete output filtered by clone resource",
                "crm_mon -1 --include=all --resource=ping-clone",
            ),
            p(
                "Complete output filtered by clone resource instance",
                "crm_mon -1 --include=all --resource=ping",
            ),
            t(
                "Complete text output filtered by exact clone resource instance",
                "crm_mon -1 --include=all --show-detail --resource=ping:0",
            ),
            x(
                "Output filtered by exact clone resource instance",
                "crm_mon --output-as=xml --resource=ping:1",
            ),
            p(
                "Output filtered by resource that doesn't exist",
                "crm_mon -1 --resource=blah",
            ),
            t(
                "Basic text output with inactive resources, filtered by tag",
                "crm_mon -1 -r --resource=inactive-rscs",
            ),
            t(
                "Basic text output with inactive resources, filtered by bundle resource",
                "crm_mon -1 -r --resource=httpd-bundle",
            ),
            x(
                "Output filtered by inactive bundle resource",
                "crm_mon --output-as=xml --resource=httpd-bundle",
            ),
            t(
                "Basic text output with inactive resources, filtered by bundled IP address resource",
                "crm_mon -1 -r --resource=httpd-bundle-ip-192.168.122.131",
            ),
            x(
                "Output filtered by bundled IP address resource",
                "crm_mon --output-as=xml --resource=httpd-bundle-ip-192.168.122.132",
            ),
            t(
                "Basic text output with inactive resources, filtered by bundled container",
                "crm_mon -1 -r --resource=httpd-bundle-docker-1",
            ),
            x(
                "Output filtered by bundled container",
                "crm_mon --output-as=xml --resource=httpd-bundle-docker-2",
            ),
            t(
                "Basic text output with inactive resources, filtered by bundle connection",
                "crm_mon -1 -r --resource=httpd-bundle-0",
            ),
            x(
                "Output filtered by bundle connection",
                "crm_mon --output-as=xml --resource=httpd-bundle-0",
            ),
            t(
                "Basic text output with inactive resources, filtered by bundled primitive resource",
                "crm_mon -1 -r --resource=httpd",
            ),
            x(
                "Output filtered by bundled primitive resource",
                "crm_mon --output-as=xml --resource=httpd",
            ),
            t(
                "Complete text output, filtered by clone name in cloned group",
                "crm_mon -1 --include=all --show-detail --resource=mysql-clone-group",
            ),
            x(
                "Output, filtered by clone name in cloned group",
                "crm_mon --output-as=xml --resource=mysql-clone-group",
            ),
            t(
                "Complete text output, filtered by group name in cloned group",
                "crm_mon -1 --include=all --show-detail --resource=mysql-group",
            ),
            x(
                "Output, filtered by group name in cloned group",
                "crm_mon --output-as=xml --resource=mysql-group",
            ),
            t(
                "Complete text output, filtered by exact group instance name in cloned group",
                "crm_mon -1 --include=all --show-detail --resource=mysql-group:1",
            ),
            x(
                "Output, filtered by exact group instance name in cloned group",
                "crm_mon --output-as=xml --resource=mysql-group:1",
            ),
            t(
                "Complete text output, filtered by primitive name in cloned group",
                "crm_mon -1 --include=all --show-detail --resource=mysql-proxy",
            ),
            x(
                "Output, filtered by primitive name in cloned group",
                "crm_mon --output-as=xml --resource=mysql-proxy",
            ),
            t(
                "Complete text output, filtered by exact primitive instance name in cloned group",
                "crm_mon -1 --include=all --show-detail --resource=mysql-proxy:1",
            ),
            x(
                "Output, filtered by exact primitive instance name in cloned group",
                "crm_mon --output-as=xml --resource=mysql-proxy:1",
            ),
        ];
        let partial: Vec<Item> = vec![
            t(
                "Output of partially active resources",
                "crm_mon -1 --show-detail",
            ),
            x(
                "Output of partially active resources",
                "crm_mon --output-as=xml",
            ),
            t(
                "Output of partially active resources, with inactive resources",
                "crm_mon -1 -r --show-detail",
            ),
            t(
                "Complete brief text output, with inactive resources",
                "crm_mon -1 -r --include=all --brief --show-detail",
            ),
            t(
                "Text output of partially active group",
                "crm_mon -1 --resource=partially-active-group",
            ),
            t(
                "Text output of partially active group, with inactive resources",
                "crm_mon -1 --resource=partially-active-group -r",
            ),
            t(
                "Text output of active member of partially active group",
                "crm_mon -1 --resource=dummy-1",
            ),
            t(
                "Text output of inactive member of partially active group",
                "crm_mon -1 --resource=dummy-2 --show-detail",
            ),
            t(
                "Complete brief text output grouped by node, with inactive resources",
                "crm_mon -1 -r --include=all --group-by-node --brief --show-detail",
            ),
            t(
                "Text output of partially active resources, with inactive resources, filtered by node",
                "crm_mon -1 -r --node=cluster01",
            ),
            x(
                "Output of partially active resources, filtered by node",
                "crm_mon --output-as=xml --node=cluster01",
            ),
        ];
        let unmanaged: Vec<Item> = vec![
            p(
                "Output of active unmanaged resource on offline node",
                "crm_mon -1",
            ),
            t(
                "Brief text output of active unmanaged resource on offline node",
                "crm_mon -1 --brief",
            ),
            t(
                "Brief text output of active unmanaged resource on offline node, grouped by node",
                "crm_mon -1 --brief --group-by-node",
            ),
        ];
        let around = |setup: &'static str, teardown: &'static str| {
            move |t: cts_cib::Test| t.setup(setup).teardown(teardown)
        };
        let maint1: Vec<Item> = vec![
            pair(
                "Output of all resources with maintenance-mode enabled",
                "crm_mon -1 -r",
                around(
                    "crm_attribute -n maintenance-mode -v true",
                    "crm_attribute -n maintenance-mode -v false",
                ),
            )
            .into(),
            pair(
                "Output of all resources with maintenance enabled for a node",
                "crm_mon -1 -r",
                around(
                    "crm_attribute -n maintenance -N cluster02 -v true",
                    "crm_attribute -n maintenance -N cluster02 -v false",
                ),
            )
            .into(),
        ];
        let maint2: Vec<Item> = vec![p(
            "Output of all resources with maintenance meta attribute true",
            "crm_mon -1 -r",
        )];
        let t180: Vec<Item> = vec![
            t(
                "Text output of guest node's container on different node from its remote resource",
                "crm_mon -1",
            ),
            t(
                "Complete text output of guest node's container on different node from its remote resource",
                "crm_mon -1 --show-detail",
            ),
        ];
        let file = |name: &str| data.join(name).display().to_string();
        let cib = std::fs::read_to_string(data.join("crm_mon.xml")).unwrap_or_default();
        vec![
            group(basic)
                .env("CIB_file", Some(&file("crm_mon.xml")))
                .into(),
            test("Check that CIB_file=\"-\" works", "crm_mon -1")
                .env("CIB_file", Some("-"))
                .stdin(&cib)
                .into(),
            group(partial)
                .env("CIB_file", Some(&file("crm_mon-partial.xml")))
                .into(),
            group(unmanaged)
                .env("CIB_file", Some(&file("crm_mon-unmanaged.xml")))
                .into(),
            group(maint1).cib_copy(data.join("crm_mon.xml")).into(),
            group(maint2)
                .env("CIB_file", Some(&file("crm_mon-rsc-maint.xml")))
                .into(),
            group(t180)
                .env("CIB_file", Some(&file("crm_mon-T180.xml")))
                .into(),
        ]
    });
}
