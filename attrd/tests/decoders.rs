//! Property tests for the attribute manager's decoder of CPG messages: it
//! never panics, and what it encodes it decodes back.

use std::time::Duration;

use pcmk_attrd::core::{AttrdMessage, UpdateTask, ValueUpdate};
use proptest::prelude::*;

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of("[a-zA-Z0-9_#:.-]{1,16}")
}

fn value_update() -> impl Strategy<Value = ValueUpdate> {
    (
        "[a-zA-Z#][a-zA-Z0-9_#.-]{0,16}",
        opt_text(),
        opt_text(),
        opt_text(),
        prop::option::of(0u64..100_000),
        any::<(bool, bool, bool)>(),
    )
        .prop_map(
            |(name, value, host, set_id, dampen, (private, remote, force_write))| ValueUpdate {
                name,
                value,
                host,
                host_id: None,
                set_type: Some("instance_attributes".into()),
                set_id,
                user: None,
                dampen: dampen.map(Duration::from_millis),
                private,
                remote,
                force_write,
                version: (!private).then(|| (u64::from(remote) + 1, "n1".to_string())),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn decoder_never_panics(text in any::<String>()) {
        let _ = AttrdMessage::decode(&text);
    }

    #[test]
    fn attribute_soup_never_panics(attrs in prop::collection::vec(("[a-z_-]{1,22}", any::<String>()), 0..8)) {
        let mut e = pcmk_common::xml::Element::new("attrd_message");
        for (k, v) in attrs {
            e.set_attr(k, v.chars().filter(|c| !c.is_control()).collect::<String>());
        }
        let _ = AttrdMessage::from_xml(&e);
    }

    #[test]
    fn updates_round_trip(updates in prop::collection::vec(value_update(), 1..4), both in any::<bool>()) {
        let task = if both { UpdateTask::Both } else { UpdateTask::Value };
        let m = AttrdMessage::Update { task, updates };
        let (from, back) = AttrdMessage::decode(&m.encode("n1")).unwrap();
        prop_assert_eq!(from, "n1");
        prop_assert_eq!(back, m);
    }
}
