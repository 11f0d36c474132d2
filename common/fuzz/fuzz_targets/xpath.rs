//! Fuzzes XPath parsing and evaluation: the first line of the input is the
//! expression, the rest the document it is evaluated on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcmk_common::xpath::XPath;

const CIB: &str = r#"<cib epoch="1"><configuration><resources><primitive id="a" class="ocf"><op id="m" interval="10"/></primitive><!--c--></resources></configuration><status>t</status></cib>"#;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (expr, doc) = s.split_once('\n').unwrap_or((s, CIB));
    let Ok(xp) = XPath::parse(expr) else { return };
    let root = pcmk_common::xml::parse(doc)
        .or_else(|_| pcmk_common::xml::parse(CIB));
    if let Ok(root) = root {
        let _ = xp.evaluate(&root);
        let _ = xp.select_elements(&root);
    }
});
