//! Golden test of the controller FSA: the whole state x input table,
//! printed as text, must equal `tests/golden/fsa_table.txt`. Run with
//! `REWRITE=1` to regenerate it after a deliberate change, and review the
//! diff.

use pcmk_controld::core::fsa::table_text;

#[test]
fn fsa_table_matches_golden() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/fsa_table.txt");
    let text = table_text();
    if std::env::var_os("REWRITE").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(path).unwrap();
    assert_eq!(text.lines().count(), 25 * 13);
    for (got, want) in text.lines().zip(golden.lines()) {
        assert_eq!(got, want);
    }
    assert_eq!(text, golden);
}
