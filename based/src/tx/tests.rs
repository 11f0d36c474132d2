use pcmk_common::xml::{Element, Node, parse};
use pcmk_common::xpath::NodePath;

use super::Tx;

const CIB: &str = r#"<cib admin_epoch="0" epoch="3" num_updates="1"><configuration><crm_config/><nodes/><resources><primitive id="a" class="ocf"/><!--note--><primitive id="b"/></resources><constraints/></configuration><status/></cib>"#;

fn p(indices: &[usize]) -> NodePath {
    NodePath::from_indices(indices.to_vec())
}

fn no_diff(_: &Element, _: &Element) -> Vec<Element> {
    Vec::new()
}

#[test]
fn records_patchset_in_pacemaker_order_and_rolls_back() {
    let mut doc = parse(CIB).unwrap();
    let original = doc.clone();
    let before = doc.clone();
    let mut tx = Tx::new(&mut doc);
    // Modify an attribute, remove the comment, add an element.
    assert!(tx.set_attr(&p(&[0, 2, 0]), "class", "lsb"));
    assert!(!tx.set_attr(&p(&[0, 2, 0]), "class", "lsb"));
    assert!(tx.set_attr(&p(&[0, 2, 0]), "type", "x"));
    assert!(tx.remove(&p(&[0, 2, 1])).is_some());
    let added = tx
        .append(
            &p(&[0, 2]),
            Node::Element(Element::new("primitive").with_attr("id", "c")),
        )
        .unwrap();
    assert_eq!(added, p(&[0, 2, 2]));
    assert!(tx.config_changed());
    let patch = tx.patchset(&before, no_diff);
    assert_eq!(
        patch.to_compact(),
        concat!(
            r#"<diff format="2"><version><source admin_epoch="0" epoch="3" num_updates="1"/>"#,
            r#"<target admin_epoch="0" epoch="3" num_updates="1"/></version>"#,
            r#"<change operation="delete" path="/cib/configuration/resources/comment" position="1"/>"#,
            r#"<change operation="modify" path="/cib/configuration/resources/primitive[@id='a']">"#,
            r#"<change-list><change-attr name="class" operation="set" value="lsb"/>"#,
            r#"<change-attr name="type" operation="set" value="x"/></change-list>"#,
            r#"<change-result><primitive id="a" class="lsb" type="x"/></change-result></change>"#,
            r#"<change operation="create" path="/cib/configuration/resources" position="2"><primitive id="c"/></change>"#,
            r#"</diff>"#
        )
    );
    tx.rollback();
    assert_eq!(doc, original);
}

#[test]
fn status_changes_are_not_config_changes() {
    let mut doc = parse(CIB).unwrap();
    let mut tx = Tx::new(&mut doc);
    tx.append(
        &p(&[1]),
        Node::Element(Element::new("node_state").with_attr("id", "1")),
    );
    tx.set_attr(&NodePath::root(), "num_updates", "2");
    assert!(!tx.config_changed());
    let t = tx.touched();
    assert_eq!(t.inserted, vec![p(&[1, 0])]);
    assert_eq!(t.attrs.len(), 1);
    tx.commit();
    assert_eq!(doc.attr("num_updates"), Some("2"));
}

#[test]
fn replace_in_place_then_undo() {
    let mut doc = parse(CIB).unwrap();
    let original = doc.clone();
    let mut tx = Tx::new(&mut doc);
    tx.remove(&p(&[0, 2]));
    tx.insert(&p(&[0]), 2, Node::Element(Element::new("resources")));
    let t = tx.touched();
    assert_eq!(t.removed.len(), 1);
    assert_eq!(t.removed[0].xpath, "/cib/configuration/resources");
    assert_eq!(t.inserted, vec![p(&[0, 2])]);
    tx.rollback();
    assert_eq!(doc, original);
}

#[test]
fn later_removals_shift_earlier_paths() {
    let mut doc = parse(CIB).unwrap();
    let original = doc.clone();
    let mut tx = Tx::new(&mut doc);
    tx.set_attr(&p(&[0, 2, 2]), "class", "x");
    tx.remove(&p(&[0, 2, 0]));
    let t = tx.touched();
    assert_eq!(t.attrs[0].0, p(&[0, 2, 1]));
    tx.rollback();
    assert_eq!(doc, original);
}
