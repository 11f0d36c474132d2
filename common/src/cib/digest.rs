//! The MD5 digests Pacemaker computes over XML.
//!
//! Two serialisations are hashed, both compact (no white space between
//! tags), with comments kept, text content left out (Pacemaker strips text
//! from a CIB before digesting it) and attribute values escaped as
//! Pacemaker 3 escapes them:
//!
//! * the *versioned* (v2) digest, over the bare serialisation, optionally
//!   leaving out the attributes that change on every write without changing
//!   the CIB's meaning ([`DIGEST_FILTERED_ATTRS`]). Patchsets carry it in
//!   `<diff digest=...>`, full replacements in the request;
//! * the *on-disk* (v1) digest, over the serialisation preceded by a space
//!   and followed by a newline, unfiltered: the content of `cib.xml.sig`,
//!   computed over the CIB as written (status section removed,
//!   `num_updates` 0, `cib-last-written` set).

use md5::{Digest, Md5};
use std::fmt::Write as _;

use crate::xml::{Element, Node, escape_attr};

use super::names::{CIB_LAST_WRITTEN, CRM_DEBUG_ORIGIN, UPDATE_CLIENT, UPDATE_ORIGIN, UPDATE_USER};

/// Attributes left out of filtered digests.
pub const DIGEST_FILTERED_ATTRS: [&str; 5] = [
    CRM_DEBUG_ORIGIN,
    CIB_LAST_WRITTEN,
    UPDATE_ORIGIN,
    UPDATE_CLIENT,
    UPDATE_USER,
];

/// The lowercase hexadecimal MD5 of a string.
pub fn md5_hex(input: &str) -> String {
    let sum = Md5::digest(input.as_bytes());
    let mut out = String::with_capacity(32);
    for b in sum {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Where a serialisation goes: a string, or straight into a hash.
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Feeds MD5 in blocks, so that large CIBs need no full serialisation in
/// memory.
struct Hashing {
    md5: Md5,
    buf: Vec<u8>,
}

impl Hashing {
    fn new() -> Hashing {
        Hashing {
            md5: Md5::new(),
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    fn hex(mut self) -> String {
        self.md5.update(&self.buf);
        let mut out = String::with_capacity(32);
        for b in self.md5.finalize() {
            let _ = write!(out, "{b:02x}");
        }
        out
    }
}

impl Sink for Hashing {
    fn put(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
        if self.buf.len() >= 64 * 1024 {
            self.md5.update(&self.buf);
            self.buf.clear();
        }
    }
}

/// The serialisation digests are computed over (see the module
/// documentation); `filter` leaves out [`DIGEST_FILTERED_ATTRS`].
pub fn xml_for_digest(el: &Element, filter: bool) -> String {
    let mut out = String::with_capacity(4096);
    write_element(el, filter, &mut out);
    out
}

fn write_element(el: &Element, filter: bool, out: &mut impl Sink) {
    out.put("<");
    out.put(&el.name);
    for (k, v) in &el.attrs {
        if filter && DIGEST_FILTERED_ATTRS.contains(&k.as_str()) {
            continue;
        }
        out.put(" ");
        out.put(k);
        out.put("=\"");
        out.put(&escape_attr(v));
        out.put("\"");
    }
    if el.children.iter().all(|c| matches!(c, Node::Text(_))) {
        out.put("/>");
        return;
    }
    out.put(">");
    for c in &el.children {
        match c {
            Node::Element(e) => write_element(e, filter, out),
            Node::Comment(t) => {
                out.put("<!--");
                out.put(t);
                out.put("-->");
            }
            Node::Text(_) => {}
        }
    }
    out.put("</");
    out.put(&el.name);
    out.put(">");
}

/// The versioned digest of an element (`pcmk__digest_xml()`), the one
/// patchsets and replacements carry; `filter` leaves out
/// [`DIGEST_FILTERED_ATTRS`], as CIB digests always do.
pub fn digest_xml(el: &Element, filter: bool) -> String {
    let mut h = Hashing::new();
    write_element(el, filter, &mut h);
    h.hex()
}

/// The on-disk digest of a CIB, the content of `cib.xml.sig`. Compute it
/// over the CIB exactly as written to `cib.xml`.
pub fn digest_for_disk(cib: &Element) -> String {
    let mut h = Hashing::new();
    h.put(" ");
    write_element(cib, false, &mut h);
    h.put("\n");
    h.hex()
}

/// Whether `expected` (as read from `cib.xml.sig`, any case, surrounding
/// white space ignored) is the on-disk digest of `cib`.
pub fn verify_disk_digest(cib: &Element, expected: &str) -> bool {
    digest_for_disk(cib).eq_ignore_ascii_case(expected.trim())
}

/// The digest of an operation's parameters (`pcmk__digest_op_params()`):
/// the element's attributes sorted by name, in the on-disk format. Children
/// are ignored. Callers remove the attributes that must not count first.
pub fn digest_op_params(params: &Element) -> String {
    let mut sorted = Element::new(params.name.clone());
    sorted.attrs = params.attrs.clone();
    sorted
        .attrs
        .sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    digest_for_disk(&sorted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    /// A CIB written by Pacemaker's `cibadmin` (CIB_file on a live-CIB path)
    /// and the `cib.xml.sig` it wrote beside it.
    const WRITTEN: &str = r#"<cib crm_feature_set="3.2.0" validate-with="pacemaker-3.2" epoch="8" num_updates="0" admin_epoch="1" cib-last-written="Sun Nov 22 00:02:53 2026">
  <configuration>
    <!-- cluster options -->
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="opts-stonith" name="stonith-enabled" value="true"/>
        <nvpair id="opts-desc" name="description" value="a &amp; b &lt;c&gt; &quot;d&quot;"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="n1"/>
    </nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy">
        <operations>
          <op id="d1-mon" name="monitor" interval="10s"/>
        </operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
</cib>
"#;

    /// A CIB and the digest `crm_diff --cib` put in a patchset towards it.
    const TARGET: &str = r#"<cib crm_feature_set="3.2.0" validate-with="pacemaker-3.2" epoch="8" num_updates="0" admin_epoch="1" cib-last-written="Sun Nov 22 00:02:53 2026" update-origin="n1" update-client="cibadmin" update-user="root">
  <configuration>
    <!-- cluster options -->
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="opts-stonith" name="stonith-enabled" value="true"/>
        <nvpair id="opts-desc" name="description" value="a &amp; b &lt;c&gt; &quot;d&quot;"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="n1"/>
    </nodes>
    <resources>
      <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="n1" crm-debug-origin="do_state_transition" in_ccm="true"/>
  </status>
</cib>"#;

    #[test]
    fn on_disk_digest_matches_pacemaker() {
        let cib = parse(WRITTEN).unwrap();
        assert_eq!(digest_for_disk(&cib), "85bf8864a8ba136cc54ab16389e710d0");
        assert!(verify_disk_digest(
            &cib,
            "85BF8864A8BA136CC54AB16389E710D0\n"
        ));
        assert!(!verify_disk_digest(
            &cib,
            "85bf8864a8ba136cc54ab16389e710d1"
        ));
    }

    #[test]
    fn patchset_digest_matches_pacemaker() {
        let cib = parse(TARGET).unwrap();
        assert_eq!(digest_xml(&cib, true), "f21dbf41bde02f8b500f912c1548f2da");
        assert_ne!(digest_xml(&cib, false), digest_xml(&cib, true));
    }

    #[test]
    fn serialisation_rules() {
        let e = parse(r#"<a x="1" cib-last-written="t"><b>text</b><!--c--><c/></a>"#).unwrap();
        assert_eq!(xml_for_digest(&e, true), r#"<a x="1"><b/><!--c--><c/></a>"#);
        assert_eq!(
            xml_for_digest(&e, false),
            r#"<a x="1" cib-last-written="t"><b/><!--c--><c/></a>"#
        );
        assert_eq!(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
        let p = parse(r#"<parameters z="1" a="2" B="3"/>"#).unwrap();
        assert_eq!(
            digest_op_params(&p),
            md5_hex(" <parameters B=\"3\" a=\"2\" z=\"1\"/>\n")
        );
    }
}
