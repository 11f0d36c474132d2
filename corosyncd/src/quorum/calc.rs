//! The quorum arithmetic of votequorum, as pure functions.

use crate::totem::NodeId;

/// What one member contributes: its votes and the expected votes it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeVotes {
    /// The node.
    pub nodeid: NodeId,
    /// Votes it casts.
    pub votes: u32,
    /// Expected votes it believes in.
    pub expected_votes: u32,
}

/// The result of a quorum calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// Votes needed for quorum.
    pub quorum: u32,
    /// Votes of the current members.
    pub total_votes: u32,
}

/// Votes needed for quorum among `members` (`exec/votequorum.c::calculate_quorum`).
///
/// The OpenVMS rule: more than half of the highest expected votes any
/// member reports (or `max_expected` when non-zero), and more than half of
/// the votes present. Quorum never decreases unless `allow_decrease`; with
/// `two_node` and at most two members it is 1.
pub fn calculate_quorum(
    members: &[NodeVotes],
    two_node: bool,
    allow_decrease: bool,
    max_expected: u32,
    previous_quorum: u32,
) -> Tally {
    let total_votes: u32 = members.iter().map(|m| m.votes).sum();
    let mut highest_expected = members.iter().map(|m| m.expected_votes).max().unwrap_or(0);
    if max_expected > 0 {
        highest_expected = max_expected;
    }
    let q1 = (highest_expected + 2) / 2;
    let q2 = (total_votes + 2) / 2;
    let mut quorum = q1.max(q2);
    if !allow_decrease {
        quorum = quorum.max(previous_quorum);
    }
    if two_node && members.len() <= 2 {
        quorum = 1;
    }
    Tally {
        quorum,
        total_votes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(votes: &[u32], expected: u32) -> Vec<NodeVotes> {
        votes
            .iter()
            .enumerate()
            .map(|(i, &v)| NodeVotes {
                nodeid: i as u32 + 1,
                votes: v,
                expected_votes: expected,
            })
            .collect()
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn table() {
        // (votes of members, expected, two_node, allow_decrease, max_expected, previous) -> (quorum, total)
        let cases: &[(&[u32], u32, bool, bool, u32, u32, u32, u32)] = &[
            (&[1, 1, 1], 3, false, false, 0, 0, 2, 3),
            (&[1, 1], 3, false, false, 0, 2, 2, 2),
            (&[1], 3, false, false, 0, 2, 2, 1),
            (&[1, 1, 1, 1, 1], 5, false, false, 0, 0, 3, 5),
            (&[1, 1], 4, false, false, 0, 0, 3, 2),
            (&[1, 1], 2, true, false, 0, 0, 1, 2),
            (&[1], 2, true, false, 0, 1, 1, 1),
            (&[1, 1, 1], 3, true, false, 0, 0, 2, 3),
            (&[2, 1, 1], 4, false, false, 0, 0, 3, 4),
            // An admin lowering expected votes.
            (&[1, 1], 5, false, true, 2, 3, 2, 2),
            (&[1], 5, false, true, 1, 3, 1, 1),
            // Quorum does not drop by itself.
            (&[1, 1], 2, false, false, 0, 3, 3, 2),
            // More votes present than expected raises quorum.
            (&[1, 1, 1, 1], 2, false, false, 0, 0, 3, 4),
        ];
        for &(v, e, two, dec, max, prev, q, t) in cases {
            let got = calculate_quorum(&nodes(v, e), two, dec, max, prev);
            assert_eq!(
                (got.quorum, got.total_votes),
                (q, t),
                "{v:?} e={e} two={two} dec={dec} max={max}"
            );
        }
    }

    proptest::proptest! {
        /// Without two_node, two disjoint halves of a cluster can never both reach quorum.
        #[test]
        fn no_split_brain(votes in proptest::collection::vec(1u32..4, 1..9), mask in 0u32..512) {
            let expected: u32 = votes.iter().sum();
            let all = nodes(&votes, expected);
            let (a, b): (Vec<NodeVotes>, Vec<NodeVotes>) =
                all.iter().partition(|n| mask & (1 << (n.nodeid - 1)) != 0);
            let qa = calculate_quorum(&a, false, false, 0, 0);
            let qb = calculate_quorum(&b, false, false, 0, 0);
            proptest::prop_assert!(!(qa.total_votes >= qa.quorum && qb.total_votes >= qb.quorum));
        }

        /// Quorum is a strict majority of what is expected or present.
        #[test]
        fn majority(votes in proptest::collection::vec(0u32..4, 1..9), expected in 0u32..30) {
            let t = calculate_quorum(&nodes(&votes, expected), false, true, 0, 0);
            proptest::prop_assert!(2 * t.quorum > expected.max(t.total_votes));
            proptest::prop_assert!(2 * (t.quorum - 1) <= expected.max(t.total_votes));
        }
    }
}
