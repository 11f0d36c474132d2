//! The cluster options in `crm_config`, as name/value pairs for
//! [`ControllerOptions::from_pairs`].

use std::collections::BTreeMap;

use pcmk_common::xml::Element;

use crate::core::controller::ControllerOptions;

/// The `crm_config` section of `xml` (a whole CIB, its `configuration`,
/// or `crm_config` itself).
fn crm_config(xml: &Element) -> Option<&Element> {
    match xml.name.as_str() {
        "crm_config" => Some(xml),
        "configuration" => xml.child("crm_config"),
        "cib" => xml.child("configuration")?.child("crm_config"),
        _ => None,
    }
}

/// Every option of every `cluster_property_set`; the set named
/// `cib-bootstrap-options` is read first and, as in Pacemaker, the first
/// value found for a name wins.
pub fn cluster_option_pairs(xml: &Element) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(section) = crm_config(xml) else {
        return out;
    };
    let sets = section.children_named("cluster_property_set");
    let (first, rest): (Vec<&Element>, Vec<&Element>) =
        sets.partition(|s| s.id() == Some("cib-bootstrap-options"));
    for set in first.into_iter().chain(rest) {
        for nv in set.children_named("nvpair") {
            if let (Some(name), Some(value)) = (nv.attr("name"), nv.attr("value")) {
                out.entry(name.to_string())
                    .or_insert_with(|| value.to_string());
            }
        }
    }
    out
}

/// The controller's options from `xml`.
pub fn controller_options(xml: &Element) -> ControllerOptions {
    ControllerOptions::from_pairs(&cluster_option_pairs(xml))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;
    use std::time::Duration;

    #[test]
    fn bootstrap_set_wins() {
        let x = parse(
            r#"<cib><configuration><crm_config>
                <cluster_property_set id="other"><nvpair id="a" name="dc-deadtime" value="9s"/><nvpair id="c" name="transition-delay" value="1s"/></cluster_property_set>
                <cluster_property_set id="cib-bootstrap-options"><nvpair id="b" name="dc-deadtime" value="3s"/></cluster_property_set>
            </crm_config></configuration></cib>"#,
        )
        .unwrap();
        let o = controller_options(&x);
        assert_eq!(o.dc_deadtime, Duration::from_secs(3));
        assert_eq!(o.transition_delay, Duration::from_secs(1));
        let section = x
            .child("configuration")
            .unwrap()
            .child("crm_config")
            .unwrap();
        assert_eq!(cluster_option_pairs(section).len(), 2);
    }

    #[test]
    fn missing_section_gives_defaults() {
        let x = parse("<cib><configuration/></cib>").unwrap();
        assert_eq!(controller_options(&x), ControllerOptions::default());
        assert!(cluster_option_pairs(&parse("<nodes/>").unwrap()).is_empty());
    }
}
