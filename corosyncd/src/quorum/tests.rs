use super::*;

fn cfg(n: u32) -> QuorumConfig {
    QuorumConfig {
        enabled: true,
        two_node: false,
        wait_for_all: false,
        last_man_standing: false,
        last_man_standing_window: 10_000,
        auto_tie_breaker: None,
        allow_downscale: false,
        expected_votes: n,
        node_votes: (1..=n).map(|i| (i, 1)).collect(),
    }
}

fn ring(seq: u64) -> RingId {
    RingId { rep: 1, seq }
}

fn t(ms: u64) -> Timestamp {
    Timestamp(ms * 1000)
}

#[test]
fn majority_table() {
    // (nodes, members) -> quorate
    let cases: &[(u32, &[u32], bool)] = &[
        (3, &[1, 2, 3], true),
        (3, &[1, 2], true),
        (3, &[3], false),
        (4, &[1, 2], false),
        (5, &[3, 4, 5], true),
        (5, &[1, 2], false),
    ];
    for &(n, members, want) in cases {
        let mut q = VoteQuorum::new(cfg(n), members[0]);
        let c = q.membership(t(0), members, ring(4)).unwrap();
        assert_eq!(c.quorate, want, "{n} nodes, members {members:?}");
        assert_eq!(c.members, members.to_vec());
    }
}

#[test]
fn quorum_never_drops_without_last_man_standing() {
    let mut q = VoteQuorum::new(cfg(5), 1);
    q.membership(t(0), &[1, 2, 3, 4, 5], ring(4));
    assert_eq!(q.status().quorum, 3);
    q.membership(t(1), &[1, 2, 3], ring(8));
    assert!(q.quorate());
    q.membership(t(2), &[1, 2], ring(12));
    assert!(!q.quorate());
    assert_eq!(q.status().quorum, 3);
    assert_eq!(q.tick(t(100_000)), None);
}

#[test]
fn per_node_votes_count() {
    let mut c = cfg(3);
    c.node_votes.insert(1, 3);
    c.expected_votes = 5;
    let mut q = VoteQuorum::new(c, 1);
    let s = q.membership(t(0), &[1], ring(4)).unwrap();
    assert!(s.quorate, "3 of 5 votes");
    assert_eq!(q.status().total_votes, 3);
    let mut q = VoteQuorum::new(q.config().clone(), 2);
    assert!(!q.membership(t(0), &[2, 3], ring(4)).unwrap().quorate);
}

#[test]
fn two_node_implies_wait_for_all() {
    let mut c = cfg(2);
    c.two_node = true;
    c.wait_for_all = true;
    let mut q = VoteQuorum::new(c.clone(), 1);
    // Alone at start: waits for the peer.
    assert!(!q.membership(t(0), &[1], ring(4)).unwrap().quorate);
    assert!(q.status().wait_for_all_status);
    assert!(q.membership(t(1), &[1, 2], ring(8)).unwrap().quorate);
    // The peer dies: the survivor keeps quorum (quorum is 1).
    let s = q.membership(t(2), &[1], ring(12)).unwrap();
    assert!(s.quorate);
    assert_eq!(q.status().quorum, 1);
    // Without wait_for_all, a lone node is quorate at once.
    c.wait_for_all = false;
    let mut q = VoteQuorum::new(c, 2);
    assert!(q.membership(t(0), &[2], ring(4)).unwrap().quorate);
}

#[test]
fn wait_for_all_needs_everyone_once() {
    let mut c = cfg(3);
    c.wait_for_all = true;
    let mut q = VoteQuorum::new(c, 1);
    assert!(!q.membership(t(0), &[1, 2], ring(4)).unwrap().quorate);
    assert!(q.membership(t(1), &[1, 2, 3], ring(8)).unwrap().quorate);
    assert!(q.membership(t(2), &[1, 2], ring(12)).unwrap().quorate);
    // Quorum lost: wait for all again.
    assert!(!q.membership(t(3), &[1], ring(16)).unwrap().quorate);
    assert!(!q.membership(t(4), &[1, 2], ring(20)).unwrap().quorate);
    assert!(q.membership(t(5), &[1, 2, 3], ring(24)).unwrap().quorate);
}

#[test]
fn last_man_standing_shrinks_expected_votes() {
    let mut c = cfg(5);
    c.last_man_standing = true;
    c.last_man_standing_window = 10_000;
    let mut q = VoteQuorum::new(c, 1);
    q.membership(t(0), &[1, 2, 3, 4, 5], ring(4));
    q.membership(t(1000), &[1, 2, 3], ring(8));
    assert!(q.quorate());
    assert_eq!(q.poll_timeout(), Some(t(11_000)));
    assert_eq!(q.tick(t(5000)), None);
    q.tick(t(11_000));
    assert_eq!(q.expected_votes(), 3);
    assert_eq!(q.status().quorum, 2);
    // Now two of the three may fail one at a time and keep quorum.
    q.membership(t(12_000), &[1, 2], ring(12));
    assert!(q.quorate());
    q.tick(t(30_000));
    q.membership(t(31_000), &[1], ring(16));
    assert!(!q.quorate(), "two nodes with expected 2 lose one: quorum 2");
}

#[test]
fn auto_tie_breaker_lowest_and_list() {
    let mut c = cfg(4);
    c.auto_tie_breaker = Some(TieBreaker::Lowest);
    let mut a = VoteQuorum::new(c.clone(), 1);
    let mut b = VoteQuorum::new(c.clone(), 3);
    a.membership(t(0), &[1, 2, 3, 4], ring(4));
    b.membership(t(0), &[1, 2, 3, 4], ring(4));
    assert!(a.membership(t(1), &[1, 2], ring(8)).unwrap().quorate);
    assert!(!b.membership(t(1), &[3, 4], ring(8)).unwrap().quorate);
    c.auto_tie_breaker = Some(TieBreaker::Highest);
    let mut b = VoteQuorum::new(c.clone(), 3);
    b.membership(t(0), &[1, 2, 3, 4], ring(4));
    assert!(b.membership(t(1), &[3, 4], ring(8)).unwrap().quorate);
    c.auto_tie_breaker = Some(TieBreaker::List(vec![3, 1]));
    let mut b = VoteQuorum::new(c.clone(), 3);
    let mut a = VoteQuorum::new(c, 1);
    b.membership(t(0), &[1, 2, 3, 4], ring(4));
    a.membership(t(0), &[1, 2, 3, 4], ring(4));
    assert!(b.membership(t(1), &[3, 4], ring(8)).unwrap().quorate);
    assert!(!a.membership(t(1), &[1, 2], ring(8)).unwrap().quorate);
}

#[test]
fn set_expected_and_votes_are_checked() {
    let mut q = VoteQuorum::new(cfg(3), 1);
    q.membership(t(0), &[1, 2, 3], ring(4));
    assert_eq!(q.check_expected(2), Err(QuorumError::InvalidParam));
    assert_eq!(
        q.check_expected(7),
        Err(QuorumError::InvalidParam),
        "would cost quorum"
    );
    assert_eq!(q.check_expected(4), Ok(()));
    assert_eq!(q.check_votes(9, 1), Err(QuorumError::NotFound));
    assert_eq!(q.check_votes(2, 1), Ok(()));
    // Losing two of three nodes, then lowering expected votes to regain quorum.
    let mut q = VoteQuorum::new(cfg(3), 1);
    q.membership(t(0), &[1, 2, 3], ring(4));
    q.membership(t(1), &[1], ring(8));
    assert!(!q.quorate());
    assert_eq!(q.check_expected(1), Ok(()));
    let c = q.apply_expected(1).unwrap();
    assert!(c.quorate);
    assert_eq!(q.status().expected_votes, 1);
    assert_eq!(q.status().quorum, 1);
    // Raising a node's votes.
    let change = q.apply_votes(1, 3);
    assert_eq!(change, None);
    assert_eq!(q.status().total_votes, 3);
}

#[test]
fn no_provider_means_always_quorate() {
    let mut c = cfg(3);
    c.enabled = false;
    let mut q = VoteQuorum::new(c, 3);
    assert!(q.membership(t(0), &[3], ring(4)).unwrap().quorate);
}

proptest::proptest! {
    /// Any split of a plain cluster has at most one quorate side.
    #[test]
    fn at_most_one_quorate_partition(n in 2u32..8, mask in 0u32..256) {
        let side_a: Vec<u32> = (1..=n).filter(|i| mask & (1 << (i - 1)) != 0).collect();
        let side_b: Vec<u32> = (1..=n).filter(|i| mask & (1 << (i - 1)) == 0).collect();
        let all: Vec<u32> = (1..=n).collect();
        let mut quorate = 0;
        for side in [&side_a, &side_b] {
            if let Some(&me) = side.first() {
                let mut q = VoteQuorum::new(cfg(n), me);
                q.membership(t(0), &all, ring(4));
                if q.membership(t(1), side, ring(8)).unwrap().quorate {
                    quorate += 1;
                }
            }
        }
        proptest::prop_assert!(quorate <= 1);
    }
}
