//! What `pacemakerd --features` prints: the Pacemaker version this build
//! stands in for, the build, the CRM feature set and the features.

use pcmk_common::xml::Element;

/// The Pacemaker version whose behaviour this build follows.
pub const PACEMAKER_VERSION: &str = "3.0.2";
/// The build id.
pub const BUILD: &str = concat!("pacemaker-rs-", env!("CARGO_PKG_VERSION"));
/// The CRM feature set.
pub const FEATURE_SET: &str = "3.20.5";
/// The optional features this build has, Pacemaker's names.
pub const FEATURES: &[&str] = &["corosync-ge-2", "monotonic", "systemd"];

/// The text form.
pub fn text() -> String {
    format!(
        "Pacemaker {PACEMAKER_VERSION} (Build: {BUILD})\n Supporting v{FEATURE_SET}: {}",
        FEATURES.join(" ")
    )
}

/// The `<pacemakerd>` element of the XML form.
pub fn xml() -> Element {
    let mut list = Element::new("features");
    for f in FEATURES {
        let mut e = Element::new("feature");
        e.children
            .push(pcmk_common::xml::Node::Text((*f).to_string()));
        list.push(e);
    }
    Element::new("pacemakerd")
        .with_attr("version", PACEMAKER_VERSION)
        .with_attr("build", BUILD)
        .with_attr("feature_set", FEATURE_SET)
        .with_child(list)
}

#[cfg(test)]
mod tests {
    #[test]
    fn layout() {
        let t = super::text();
        assert!(t.starts_with("Pacemaker 3.0.2 (Build: pacemaker-rs-"));
        assert!(t.contains("\n Supporting v3.20.5: corosync-ge-2"));
        assert_eq!(super::xml().child("features").unwrap().element_count(), 3);
    }
}
