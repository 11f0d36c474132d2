//! String comparisons Pacemaker uses for sorting names.

use std::cmp::Ordering;

/// Compares case-insensitively, with runs of digits compared by value
/// (a longer run with the same value sorts after: "007" > "7").
pub fn numeric_strcasecmp(a: &str, b: &str) -> Ordering {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let ei = i + a[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let ej = j + b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
            let na = digits_value(&a[i..ei]);
            let nb = digits_value(&b[j..ej]);
            match na.cmp(&nb).then((ei - i).cmp(&(ej - j))) {
                Ordering::Equal => {}
                other => return other,
            }
            i = ei;
            j = ej;
        } else {
            match a[i].to_ascii_lowercase().cmp(&b[j].to_ascii_lowercase()) {
                Ordering::Equal => {}
                other => return other,
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i > 0).cmp(&(b.len() - j > 0))
}

fn digits_value(d: &[u8]) -> u128 {
    d.iter().fold(0u128, |n, c| {
        n.saturating_mul(10).saturating_add(u128::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_by_value() {
        assert_eq!(numeric_strcasecmp("node2", "node10"), Ordering::Less);
        assert_eq!(numeric_strcasecmp("Node1", "node1"), Ordering::Equal);
        assert_eq!(numeric_strcasecmp("n007", "n7"), Ordering::Greater);
        assert_eq!(numeric_strcasecmp("a", "ab"), Ordering::Less);
    }
}
