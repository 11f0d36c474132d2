//! Patchset tests: expected output for hand-made cases, application with
//! version and digest checks, and the round-trip property
//! `apply(diff(a, b), a) == b`.

use proptest::prelude::*;

use super::*;
use crate::xml::{Node, parse};

fn diff(a: &str, b: &str, opts: DiffOptions) -> Option<String> {
    let (a, b) = (parse(a).unwrap(), parse(b).unwrap());
    create_patchset(&a, &b, opts).map(|d| d.patchset.to_pretty())
}

#[test]
fn identical_trees_have_no_patchset() {
    let x = r#"<cib epoch="1"><configuration><!--c--><nodes/></configuration></cib>"#;
    assert_eq!(diff(x, x, DiffOptions::default()), None);
}

#[test]
fn attribute_changes_moves_and_comments() {
    let old = r#"<cib admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <!-- first -->
    <crm_config>
      <nvpair id="a" name="n" value="v"/>
    </crm_config>
    <!-- gone -->
    <resources>
      <primitive id="p1" class="ocf" timeout="5"/>
      <primitive id="p2"/>
      <primitive id="p3"/>
    </resources>
  </configuration>
</cib>"#;
    let new = r#"<cib admin_epoch="0" epoch="2" num_updates="0">
  <configuration>
    <crm_config>
      <nvpair id="a" value="v" name="n"/>
    </crm_config>
    <resources>
      <primitive id="p2"/>
      <primitive id="p1" class="stonith" extra="x"/>
      <primitive id="p4"/>
    </resources>
    <!-- first -->
  </configuration>
</cib>"#;
    let expected = r#"<diff format="2">
  <version>
    <source admin_epoch="0" epoch="1" num_updates="0"/>
    <target admin_epoch="0" epoch="2" num_updates="0"/>
  </version>
  <change operation="delete" path="/cib/configuration/comment" position="0"/>
  <change operation="delete" path="/cib/configuration/comment" position="1"/>
  <change operation="delete" path="/cib/configuration/resources/primitive[@id='p3']"/>
  <change operation="modify" path="/cib">
    <change-list>
      <change-attr name="epoch" operation="set" value="2"/>
    </change-list>
    <change-result>
      <cib admin_epoch="0" epoch="2" num_updates="0"/>
    </change-result>
  </change>
  <change operation="modify" path="/cib/configuration/crm_config/nvpair[@id='a']">
    <change-list>
      <change-attr name="value" operation="set" value="v"/>
      <change-attr name="name" operation="set" value="n"/>
    </change-list>
    <change-result>
      <nvpair id="a" value="v" name="n"/>
    </change-result>
  </change>
  <change operation="move" path="/cib/configuration/resources/primitive[@id='p2']" position="0"/>
  <change operation="modify" path="/cib/configuration/resources/primitive[@id='p1']">
    <change-list>
      <change-attr name="class" operation="set" value="stonith"/>
      <change-attr name="extra" operation="set" value="x"/>
      <change-attr name="timeout" operation="unset"/>
    </change-list>
    <change-result>
      <primitive id="p1" class="stonith" extra="x"/>
    </change-result>
  </change>
  <change operation="move" path="/cib/configuration/resources/primitive[@id='p1']" position="1"/>
  <change operation="create" path="/cib/configuration/resources" position="2">
    <primitive id="p4"/>
  </change>
  <change operation="create" path="/cib/configuration" position="2">
    <!-- first -->
  </change>
</diff>
"#;
    let got = diff(old, new, DiffOptions::default()).unwrap();
    assert_eq!(got, expected, "\n{got}");

    // Ignoring attribute positions drops the nvpair change.
    let got = diff(
        old,
        new,
        DiffOptions {
            ignore_attr_pos: true,
        },
    )
    .unwrap();
    assert!(!got.contains("nvpair[@id='a']"));

    // The patchset turns old into new.
    let (o, n) = (parse(old).unwrap(), parse(new).unwrap());
    let d = create_patchset(&o, &n, DiffOptions::default()).unwrap();
    assert!(d.config_changed);
    assert_eq!(apply_patchset(&o, &d.patchset, true).unwrap(), n);
}

#[test]
fn versions_are_checked() {
    let old = parse(r#"<cib admin_epoch="0" epoch="5" num_updates="2"><status/></cib>"#).unwrap();
    let mut new =
        parse(r#"<cib admin_epoch="0" epoch="5" num_updates="2"><status><x/></status></cib>"#)
            .unwrap();
    let d = create_patchset_bumping(&old, &mut new, DiffOptions::default()).unwrap();
    assert!(!d.config_changed);
    assert_eq!(new.attr("num_updates"), Some("3"));
    assert_eq!(
        patchset_versions(&d.patchset).unwrap(),
        (
            Some(crate::cib::CibVersion::new(0, 5, 2)),
            Some(crate::cib::CibVersion::new(0, 5, 3))
        )
    );
    assert_eq!(apply_patchset(&old, &d.patchset, true).unwrap(), new);
    // Applying again: the CIB is now newer than the source.
    let e = apply_patchset(&new, &d.patchset, true).unwrap_err();
    assert_eq!(e.exit_code(), CrmExit::Old);
    // An older CIB cannot take it either.
    let older = parse(r#"<cib admin_epoch="0" epoch="4" num_updates="2"><status/></cib>"#).unwrap();
    let e = apply_patchset(&older, &d.patchset, true).unwrap_err();
    assert!(matches!(e, PatchError::DiffFailed(_)));
    // Without version checks, it applies.
    assert!(apply_patchset(&older, &d.patchset, false).is_ok());

    // A configuration change bumps epoch and resets num_updates.
    let mut cfg = parse(r#"<cib admin_epoch="0" epoch="5" num_updates="2"><configuration><x/></configuration></cib>"#)
        .unwrap();
    let old_cfg =
        parse(r#"<cib admin_epoch="0" epoch="5" num_updates="2"><configuration/></cib>"#).unwrap();
    let d = create_patchset_bumping(&old_cfg, &mut cfg, DiffOptions::default()).unwrap();
    assert!(d.config_changed);
    assert_eq!(
        (cfg.attr("epoch"), cfg.attr("num_updates")),
        (Some("6"), Some("0"))
    );
    let text = d.patchset.to_pretty();
    assert!(
        text.contains(r#"<change-attr name="num_updates" operation="set" value="0"/>"#),
        "{text}"
    );
    assert!(
        text.contains(r#"<change-attr name="epoch" operation="set" value="6"/>"#),
        "{text}"
    );

    // No version change at all is refused as old.
    let mut same = parse(r#"<cib admin_epoch="0" epoch="5" num_updates="2"><a/></cib>"#).unwrap();
    let base = parse(r#"<cib admin_epoch="0" epoch="5" num_updates="2"/>"#).unwrap();
    let d = create_patchset(&base, &same, DiffOptions::default()).unwrap();
    assert!(matches!(
        apply_patchset(&base, &d.patchset, true),
        Err(PatchError::OldData(_))
    ));
    same.set_attr("epoch", "x");
    assert!(create_patchset(&base, &same, DiffOptions::default()).is_some());
}

#[test]
fn digests_and_malformed_patchsets() {
    let old = parse(r#"<cib epoch="1"><configuration/></cib>"#).unwrap();
    let new = parse(r#"<cib epoch="2"><configuration><nodes/></configuration></cib>"#).unwrap();
    let mut d = create_patchset(&old, &new, DiffOptions::default()).unwrap();
    add_digest(&mut d.patchset, &new);
    assert!(d.patchset.attr("digest").is_some());
    assert_eq!(apply_patchset(&old, &d.patchset, false).unwrap(), new);
    d.patchset
        .set_attr("digest", "0123456789abcdef0123456789abcdef");
    let e = apply_patchset(&old, &d.patchset, false).unwrap_err();
    assert!(matches!(e, PatchError::DiffFailed(_)));
    assert_eq!(e.to_string(), "Application of update diff failed");
    assert_eq!(e.exit_code(), CrmExit::Error);

    let bad_format = parse(r#"<diff format="1"/>"#).unwrap();
    assert!(matches!(
        apply_patchset(&old, &bad_format, false),
        Err(PatchError::InvalidArgument(_))
    ));
    let bad_version =
        parse(r#"<diff format="2"><version><source epoch="x"/></version></diff>"#).unwrap();
    assert!(matches!(
        apply_patchset(&old, &bad_version, true),
        Err(PatchError::InvalidArgument(_))
    ));
    let no_result = parse(
        r#"<diff format="2"><change operation="modify" path="/cib"><change-list/></change></diff>"#,
    )
    .unwrap();
    assert_eq!(
        apply_patchset(&old, &no_result, false)
            .unwrap_err()
            .exit_code(),
        CrmExit::Protocol
    );
    for bad in [
        r#"<diff format="2"><change operation="create" path="/cib/nowhere" position="0"><x/></change></diff>"#,
        r#"<diff format="2"><change operation="frobnicate" path="/cib"/></diff>"#,
        r#"<diff format="2"><change operation="create" path="/cib" position="0"/></diff>"#,
        r#"<diff format="2"><change operation="delete" path="/cib"/></diff>"#,
        r#"<diff format="2"><change operation="move" path="/cib" position="3"/></diff>"#,
        r#"<diff format="2"><change operation="modify"><change-result><a/></change-result></change></diff>"#,
    ] {
        let p = parse(bad).unwrap();
        assert!(
            matches!(
                apply_patchset(&old, &p, false),
                Err(PatchError::DiffFailed(_))
            ),
            "{bad}"
        );
    }
    // A delete that finds nothing is not an error.
    let p =
        parse(r#"<diff format="2"><change operation="delete" path="/cib/none"/></diff>"#).unwrap();
    assert_eq!(apply_patchset(&old, &p, false).unwrap(), old);
    // strip_versions drops the version block.
    let mut d = create_patchset(&old, &new, DiffOptions::default()).unwrap();
    strip_versions(&mut d.patchset);
    assert!(d.patchset.child("version").is_none());
    assert_eq!(patchset_versions(&d.patchset).unwrap(), (None, None));
}

#[test]
fn sections_touched_and_versionless_patches() {
    let old = parse(r#"<cib admin_epoch="0" epoch="3" num_updates="1"><configuration><crm_config/><resources/></configuration><status/></cib>"#).unwrap();
    let new = parse(r#"<cib admin_epoch="0" epoch="3" num_updates="1"><configuration><crm_config><x id="1"/></crm_config><resources/><alerts/></configuration><status/></cib>"#).unwrap();
    let mut d = create_patchset(&old, &new, DiffOptions::default()).unwrap();
    assert!(touches_section(&d.patchset, "crm_config"));
    assert!(touches_section(&d.patchset, "alerts"));
    assert!(touches_section(&d.patchset, "configuration"));
    assert!(touches_section(&d.patchset, "cib"));
    assert!(!touches_section(&d.patchset, "resources"));
    assert!(!touches_section(&d.patchset, "status"));
    assert!(!touches_section(&d.patchset, "bogus"));
    // A patchset without versions (crm_diff --no-version, as pcs and crmsh
    // make) applies with version checks: it counts as one update ahead.
    strip_versions(&mut d.patchset);
    assert_eq!(apply_patchset(&old, &d.patchset, true).unwrap(), new);
}

#[test]
fn moves_and_creates_under_moved_nodes() {
    let old = parse("<r><a id='1'><x id='p'/></a><b id='2'/><c id='3'/></r>").unwrap();
    let new =
        parse("<r><c id='3'><n id='new'/></c><a id='1'><x id='p'/><x id='q'/></a><b id='2'/></r>")
            .unwrap();
    let d = create_patchset(&old, &new, DiffOptions::default()).unwrap();
    assert_eq!(apply_patchset(&old, &d.patchset, false).unwrap(), new);
}

/// Whether `c` can join `parent`'s children with every child still
/// addressable by a patchset path: a path step without an id finds the
/// first child of that name, so an element without id must be the only one
/// of its name, and ids must be unique per name (as in a valid CIB).
fn addressable_beside(parent: &Element, c: &Element) -> bool {
    parent
        .elements()
        .all(|x| x.name != c.name || (x.id().is_some() && c.id().is_some() && x.id() != c.id()))
}

/// A random tree: an element name, an optional id, attributes and
/// children, every child addressable (see [`addressable_beside`]).
fn arb_element(depth: u32) -> BoxedStrategy<Element> {
    let names = prop::sample::select(vec!["a", "b", "c", "op", "nvpair"]);
    let attrs = prop::collection::vec(
        (
            prop::sample::select(vec!["x", "y", "z", "name", "value", "class"]),
            prop::sample::select(vec!["0", "1", "v", "a&b", "<q>", "\"s\""]),
        ),
        0..4,
    );
    let id = prop::option::of(prop::sample::select(vec!["i1", "i2", "i3"]));
    let leaf = (names, id, attrs).prop_map(|(n, id, attrs)| {
        let mut e = Element::new(n);
        if let Some(id) = id {
            e.set_attr("id", id);
        }
        for (k, v) in attrs {
            e.set_attr(k, v);
        }
        e
    });
    if depth == 0 {
        return leaf.boxed();
    }
    let child = prop_oneof![
        4 => arb_element(depth - 1).prop_map(Node::Element),
        1 => prop::sample::select(vec![" one ", " two ", "three"]).prop_map(|c| Node::Comment(c.into())),
    ];
    (leaf, prop::collection::vec(child, 0..5))
        .prop_map(|(mut e, children)| {
            for c in children {
                if let Node::Element(el) = &c {
                    if !addressable_beside(&e, el) {
                        continue;
                    }
                }
                e.children.push(c);
            }
            e
        })
        .boxed()
}

fn arb_cib() -> impl Strategy<Value = Element> {
    // The root never has an id in a CIB; patchsets could not address it
    // after a change of id.
    arb_element(3).prop_map(|mut e| {
        e.name = "cib".into();
        e.remove_attr("id");
        e
    })
}

/// Variations of a tree, so that pairs share structure (moves, small
/// edits) more often than two independent random trees would.
fn arb_pair() -> impl Strategy<Value = (Element, Element)> {
    (arb_cib(), arb_cib(), any::<u64>()).prop_map(|(a, b, seed)| {
        if seed % 3 == 0 {
            (a, b)
        } else {
            let mut c = a.clone();
            mutate(&mut c, seed, &b);
            (a, c)
        }
    })
}

fn mutate(e: &mut Element, seed: u64, donor: &Element) {
    let mut s = seed;
    let mut next = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s >> 33
    };
    let n = e.children.len();
    match next() % 5 {
        0 if n > 1 => {
            let i = (next() as usize) % n;
            let node = e.children.remove(i);
            let j = (next() as usize) % n;
            e.children.insert(j, node);
        }
        1 if n > 0 => {
            e.children.remove((next() as usize) % n);
        }
        2 => e.attrs.reverse(),
        3 => e.set_attr("y", format!("{}", next() % 3)),
        _ => {
            for c in donor.elements() {
                let key = (c.name.clone(), c.id().map(String::from));
                if !e
                    .elements()
                    .any(|x| (x.name.clone(), x.id().map(String::from)) == key)
                {
                    let pos = (next() as usize) % (n + 1);
                    e.children.insert(pos, Node::Element(c.clone()));
                    break;
                }
            }
        }
    }
    for c in e.elements_mut() {
        if next() % 2 == 0 {
            mutate(c, next(), donor);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn applying_the_diff_gives_the_target((a, b) in arb_pair()) {
        match create_patchset(&a, &b, DiffOptions::default()) {
            None => prop_assert_eq!(&a, &b),
            Some(d) => {
                let got = apply_patchset(&a, &d.patchset, false);
                prop_assert!(got.is_ok(), "{:?}\n{}", got, d.patchset.to_pretty());
                prop_assert_eq!(got.unwrap(), b, "{}", d.patchset.to_pretty());
            }
        }
    }

    #[test]
    fn bumped_diffs_apply_with_version_checks((a, b) in arb_pair()) {
        // Real CIBs carry their version; without one the patchset's source
        // defaults to 1 and the CIB's version to 0, which never match.
        let mut a = a;
        crate::cib::CibVersion::new(0, 1, 0).write_to(&mut a);
        let mut target = b.clone();
        if let Some(mut d) = create_patchset_bumping(&a, &mut target, DiffOptions::default()) {
            add_digest(&mut d.patchset, &target);
            let got = apply_patchset(&a, &d.patchset, true);
            prop_assert_eq!(got, Ok(target), "{}", d.patchset.to_pretty());
        }
    }

    #[test]
    fn applying_never_panics((a, b) in arb_pair(), junk in prop::collection::vec(0usize..6, 0..6)) {
        // Patchsets computed for one tree, applied to another, and mangled.
        if let Some(d) = create_patchset(&a, &b, DiffOptions::default()) {
            let mut p = d.patchset;
            for j in junk {
                if let Some(Node::Element(c)) = p.children.get_mut(j) {
                    c.set_attr("position", format!("{}", j * 7 % 5));
                }
            }
            let _ = apply_patchset(&b, &p, false);
            let _ = apply_patchset(&a, &p, true);
        }
    }
}
