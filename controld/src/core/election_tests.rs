use super::*;

fn ctx<'a>(name: &'a str, id: &'a str, age: u64) -> CountContext<'a> {
    CountContext {
        our_name: name,
        our_id: id,
        our_age: Duration::from_secs(age),
        can_win: true,
        we_are_active: true,
        sender_is_active: true,
        known_peers: 3,
    }
}

fn vote(from: &str, owner: &str, id: u32, age: u64) -> Ballot {
    Ballot::Vote(Vote {
        from: from.into(),
        owner: owner.into(),
        election_id: id,
        age: Duration::from_secs(age),
        version: CRM_FEATURE_SET.into(),
    })
}

#[test]
fn older_node_wins_then_lower_name() {
    let now = Timestamp::from_millis(10_000);
    // We are older: we win and must start our own round.
    let mut e = Election::new();
    let out = e.count(&vote("node2", "2", 1, 5), ctx("node1", "1", 10), now);
    assert_eq!(out.state, ElectionState::Start);
    assert!(out.reason.contains("Uptime"), "{}", out.reason);
    // We are younger: we lose and concede to the sender.
    let mut e = Election::new();
    let out = e.count(&vote("node2", "2", 7, 50), ctx("node1", "1", 10), now);
    assert_eq!(out.state, ElectionState::Lost);
    let reply = out.reply.unwrap();
    assert_eq!(
        (reply.to.as_str(), reply.owner.as_str(), reply.election_id),
        ("node2", "2", 7)
    );
    // Same age: the lower name (case-insensitive) wins.
    let mut e = Election::new();
    let out = e.count(&vote("Node0", "0", 1, 10), ctx("node1", "1", 10), now);
    assert_eq!(out.state, ElectionState::Lost);
    assert!(out.reason.contains("Host name"));
    let mut e = Election::new();
    let out = e.count(&vote("node2", "2", 1, 10), ctx("node1", "1", 10), now);
    assert_eq!(out.state, ElectionState::Start);
}

#[test]
fn newer_feature_set_wins() {
    let mut e = Election::new();
    let ballot = Ballot::Vote(Vote {
        from: "node9".into(),
        owner: "9".into(),
        election_id: 1,
        age: Duration::ZERO,
        version: "3.99.0".into(),
    });
    let out = e.count(&ballot, ctx("node1", "1", 100), Timestamp::ZERO);
    assert_eq!(out.state, ElectionState::Lost);
    assert!(out.reason.contains("Version"));
}

#[test]
fn own_round_is_won_once_everyone_voted() {
    let now = Timestamp::ZERO;
    let mut e = Election::new();
    let v = e.vote("node1", "1", Duration::from_secs(10));
    assert_eq!((v.election_id, e.state()), (1, ElectionState::InProgress));
    // Our own broadcast comes back: one vote.
    let out = e.count(&Ballot::Vote(v.clone()), ctx("node1", "1", 10), now);
    assert_eq!(out.state, ElectionState::InProgress);
    assert!(!e.check(3));
    let nv = |from: &str, id| {
        Ballot::NoVote(NoVote {
            from: from.into(),
            to: "node1".into(),
            owner: "1".into(),
            election_id: id,
            version: CRM_FEATURE_SET.into(),
        })
    };
    e.count(&nv("node2", 1), ctx("node1", "1", 10), now);
    assert!(!e.check(3));
    // A no-vote for an old round is superseded and not counted.
    let v2 = e.vote("node1", "1", Duration::from_secs(10));
    e.count(&Ballot::Vote(v2), ctx("node1", "1", 10), now);
    e.count(&nv("node2", 1), ctx("node1", "1", 10), now);
    assert!(!e.check(2));
    e.count(&nv("node2", 2), ctx("node1", "1", 10), now);
    assert!(e.check(2));
    assert_eq!(e.state(), ElectionState::Won);
}

#[test]
fn no_vote_for_someone_else_is_an_error() {
    let mut e = Election::new();
    e.vote("node1", "1", Duration::ZERO);
    let ballot = Ballot::NoVote(NoVote {
        from: "node3".into(),
        to: "node2".into(),
        owner: "2".into(),
        election_id: 1,
        version: CRM_FEATURE_SET.into(),
    });
    let out = e.count(&ballot, ctx("node1", "1", 0), Timestamp::ZERO);
    assert_eq!(out.state, ElectionState::Error);
}

#[test]
fn loss_dampening_blocks_restarting_for_two_seconds() {
    let mut e = Election::new();
    let t0 = Timestamp::from_millis(1000);
    let out = e.count(&vote("node0", "0", 1, 100), ctx("node1", "1", 10), t0);
    assert_eq!(out.state, ElectionState::Lost);
    // A weaker peer votes one second later: we would win, but we lost recently.
    let t1 = t0 + Duration::from_secs(1);
    let out = e.count(&vote("node2", "2", 1, 1), ctx("node1", "1", 10), t1);
    assert_eq!(out.state, ElectionState::Lost);
    assert!(out.reply.is_some());
    // Once the DC we lost to leaves, dampening is cleared.
    e.clear_dampening();
    let out = e.count(&vote("node2", "2", 2, 1), ctx("node1", "1", 10), t1);
    assert_eq!(out.state, ElectionState::Start);
    // And without clearing, dampening lapses after LOSS_DAMPEN.
    let mut e = Election::new();
    e.count(&vote("node0", "0", 1, 100), ctx("node1", "1", 10), t0);
    let later = t0 + LOSS_DAMPEN + Duration::from_millis(1);
    let out = e.count(&vote("node2", "2", 1, 1), ctx("node1", "1", 10), later);
    assert_eq!(out.state, ElectionState::Start);
}

#[test]
fn ineligible_or_inactive_nodes_lose() {
    let mut c = ctx("node1", "1", 1000);
    c.can_win = false;
    let mut e = Election::new();
    let out = e.count(&vote("node2", "2", 1, 0), c, Timestamp::ZERO);
    assert_eq!(out.state, ElectionState::Lost);
    assert!(out.reason.contains("Not eligible"));
    let mut c = ctx("node1", "1", 1000);
    c.sender_is_active = false;
    let mut e = Election::new();
    let out = e.count(&vote("node2", "2", 1, 0), c, Timestamp::ZERO);
    assert_eq!(out.state, ElectionState::Idle);
    assert!(out.reply.is_none());
}

#[test]
fn storms_are_detected() {
    let mut e = Election::new();
    let t = Timestamp::from_millis(5);
    for i in 0..40 {
        e.count(&vote("node2", "2", i, 0), ctx("node1", "1", 10), t);
    }
    assert!(e.storms() >= 1);
}
