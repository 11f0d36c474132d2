//! The DC election, after Pacemaker's `lib/cluster/election.c` and
//! `daemons/controld/controld_election.c`.
//!
//! Primer: a node that wants a DC broadcasts a *vote* for itself carrying
//! its feature set and its age. Every node that receives a vote compares the
//! sender with itself: the newer feature set wins, then the greater age, then
//! the lower node name (case-insensitive). A node that loses sends the
//! sender a *no-vote* and stops competing (it remembers the loss for two
//! seconds, the dampening period, so it does not restart an election it
//! just lost); a node that wins starts its own round by voting. The owner of
//! a round counts its own vote and every no-vote addressed to it; once it has
//! one from each active member, it has won. If votes are missing when the
//! election timeout fires, the owner declares itself the winner. The result
//! is deterministic: every node ranks the candidates the same way.
//!
//! Deviations: Pacemaker's age is the process's CPU time, which hardly
//! moves while an election runs. Ours is the controller's uptime in whole
//! minutes ([`age_of`]): a vote carries the sender's age when sent and is
//! compared with the receiver's age when received, so a finer clock would
//! make every receiver look older than every sender and start a storm.
//! Election storm detection only counts and reports; it writes no black box.

use std::collections::BTreeMap;
use std::time::Duration;

use super::time::Timestamp;
use super::version::{CRM_FEATURE_SET, compare_versions};

/// How long after losing an election a node will not start a new one.
pub const LOSS_DAMPEN: Duration = Duration::from_secs(2);
/// Window over which election wins are counted to detect a storm.
pub const STORM_INTERVAL: Duration = Duration::from_secs(2);
/// The granularity of ages compared in elections.
pub const AGE_GRANULARITY: Duration = Duration::from_secs(60);

/// The age to vote with after `uptime`: uptime in whole minutes.
pub fn age_of(uptime: Duration) -> Duration {
    let g = AGE_GRANULARITY.as_secs();
    Duration::from_secs(uptime.as_secs() / g * g)
}

/// Default election timeout (the `election-timeout` cluster option).
pub const DEFAULT_ELECTION_TIMEOUT: Duration = Duration::from_secs(120);

/// A vote: the sender asks to be DC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// Name of the sending node.
    pub from: String,
    /// Node id (CIB `id`) of the node that started the round.
    pub owner: String,
    /// The owner's round number.
    pub election_id: u32,
    /// The sender's age (seconds and microseconds on the wire).
    pub age: Duration,
    /// The sender's CRM feature set.
    pub version: String,
}

/// A no-vote: the sender concedes the round `election_id` of `owner`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoVote {
    /// Name of the sending node.
    pub from: String,
    /// Name of the node the no-vote is sent to (the round's voter).
    pub to: String,
    /// Node id of the round's owner.
    pub owner: String,
    /// The owner's round number.
    pub election_id: u32,
    /// The sender's CRM feature set.
    pub version: String,
}

/// Where this node stands in the election.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectionState {
    /// No election has happened yet.
    Idle,
    /// We beat a peer and must start (or restart) our own round.
    Start,
    /// Our round is running.
    InProgress,
    /// We lost.
    Lost,
    /// We won.
    Won,
    /// A message could not be counted.
    Error,
}

/// What the local node knows about the cluster when counting a vote.
#[derive(Debug, Clone, Copy)]
pub struct CountContext<'a> {
    /// Our node name.
    pub our_name: &'a str,
    /// Our node id.
    pub our_id: &'a str,
    /// Our current age.
    pub our_age: Duration,
    /// Whether we may win at all (not while starting up).
    pub can_win: bool,
    /// Whether we are an active member.
    pub we_are_active: bool,
    /// Whether the sender is an active member.
    pub sender_is_active: bool,
    /// How many peers this node knows (for storm detection).
    pub known_peers: usize,
}

/// What counting a (no-)vote produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountOutcome {
    /// The election state after counting.
    pub state: ElectionState,
    /// A no-vote to send to the sender, when we lost to it.
    pub reply: Option<NoVote>,
    /// A log line explaining the decision (Pacemaker's wording).
    pub reason: String,
}

/// An incoming election message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ballot {
    /// A vote.
    Vote(Vote),
    /// A no-vote.
    NoVote(NoVote),
}

/// The election of one node.
#[derive(Debug, Clone)]
pub struct Election {
    state: ElectionState,
    count: u32,
    voted: BTreeMap<String, &'static str>,
    wins: u32,
    storm_expires: Option<Timestamp>,
    last_loss: Option<Timestamp>,
    timeout: Duration,
    storms: u32,
}

impl Default for Election {
    fn default() -> Self {
        Self::new()
    }
}

impl Election {
    /// A node that has not voted yet.
    pub fn new() -> Election {
        Election {
            state: ElectionState::Idle,
            count: 0,
            voted: BTreeMap::new(),
            wins: 0,
            storm_expires: None,
            last_loss: None,
            timeout: DEFAULT_ELECTION_TIMEOUT,
            storms: 0,
        }
    }

    /// The current state.
    pub fn state(&self) -> ElectionState {
        self.state
    }

    /// Number of rounds this node has started.
    pub fn rounds(&self) -> u32 {
        self.count
    }

    /// Number of election storms detected so far.
    pub fn storms(&self) -> u32 {
        self.storms
    }

    /// The election timeout (how long a round waits for missing votes).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets the election timeout (`election-timeout`).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Forgets the votes of the current round.
    pub fn reset(&mut self) {
        self.voted.clear();
    }

    /// Drops the (no-)vote of a peer that left.
    pub fn remove_voter(&mut self, name: &str) {
        self.voted.remove(&name.to_ascii_lowercase());
    }

    /// Ends the loss dampening (the DC we lost to has left).
    pub fn clear_dampening(&mut self) {
        self.last_loss = None;
    }

    /// Starts a new round: returns the vote to broadcast. The caller arms
    /// the election timeout for [`Election::timeout`].
    pub fn vote(&mut self, our_name: &str, our_id: &str, age: Duration) -> Vote {
        self.reset();
        self.state = ElectionState::InProgress;
        self.count += 1;
        Vote {
            from: our_name.to_string(),
            owner: our_id.to_string(),
            election_id: self.count,
            age,
            version: CRM_FEATURE_SET.to_string(),
        }
    }

    /// Declares this node the winner (the election timeout fired).
    pub fn timed_out(&mut self) -> ElectionState {
        self.complete()
    }

    fn complete(&mut self) -> ElectionState {
        self.state = ElectionState::Won;
        self.reset();
        self.state
    }

    /// Whether every active member has voted for us (`active_members`
    /// counts this node too); if so the election is won. The caller stops
    /// the election timeout when this returns true.
    pub fn check(&mut self, active_members: usize) -> bool {
        if self.voted.is_empty() {
            return false;
        }
        if self.voted.len() >= active_members {
            if self.voted.len() > active_members {
                tracing::warn!(
                    votes = self.voted.len(),
                    active_members,
                    "Received too many votes in election"
                );
            }
            tracing::info!("Election won by local node");
            self.complete();
            return true;
        }
        tracing::debug!(
            "Election still waiting on {} of {} votes",
            active_members - self.voted.len(),
            active_members
        );
        false
    }

    /// Counts a received vote or no-vote at time `now`.
    pub fn count(
        &mut self,
        ballot: &Ballot,
        ctx: CountContext<'_>,
        now: Timestamp,
    ) -> CountOutcome {
        let (op, from, owner, election_id) = match ballot {
            Ballot::Vote(v) => ("vote", &v.from, &v.owner, v.election_id),
            Ballot::NoVote(n) => ("no-vote", &n.from, &n.owner, n.election_id),
        };
        let we_are_owner = owner == ctx.our_id;
        let mut done = false;
        let mut we_lose = false;
        let reason: &str;

        if !ctx.can_win {
            reason = "Not eligible";
            we_lose = true;
        } else if !ctx.we_are_active {
            reason = "We are not part of the cluster";
            we_lose = true;
        } else if we_are_owner && election_id != self.count {
            reason = "Superseded";
            done = true;
        } else if !ctx.sender_is_active {
            reason = "Peer is not part of our cluster";
            done = true;
        } else if matches!(ballot, Ballot::NoVote(_)) || from.eq_ignore_ascii_case(ctx.our_name) {
            // Our own vote coming back, or a peer conceding: a vote for us.
            if !we_are_owner {
                return CountOutcome {
                    state: ElectionState::Error,
                    reply: None,
                    reason: format!(
                        "Cannot count election round {election_id} {op} from {from} because we did not start election (node ID {owner} did)"
                    ),
                };
            }
            if self.state != ElectionState::InProgress {
                return CountOutcome {
                    state: self.state,
                    reply: None,
                    reason: format!(
                        "Not counting election round {election_id} {op} from {from} because no election in progress"
                    ),
                };
            }
            self.voted
                .insert(from.to_ascii_lowercase(), op_name(ballot));
            reason = "Recorded";
            done = true;
        } else {
            let Ballot::Vote(vote) = ballot else {
                unreachable!("no-votes are handled above")
            };
            let version = compare_versions(&vote.version, CRM_FEATURE_SET);
            let age = ctx.our_age.cmp(&vote.age);
            use std::cmp::Ordering::*;
            (reason, we_lose) = match (version, age) {
                (Greater, _) => ("Version", true),
                (Less, _) => ("Version", false),
                (Equal, Less) => ("Uptime", true),
                (Equal, Greater) => ("Uptime", false),
                (Equal, Equal) => (
                    "Host name",
                    ctx.our_name.to_ascii_lowercase() > vote.from.to_ascii_lowercase(),
                ),
            };
        }

        self.track_storm(done, we_lose, ctx.known_peers, now);

        if done {
            return CountOutcome {
                state: self.state,
                reply: None,
                reason: format!(
                    "Processed election round {election_id} {op} (current round {}) from {from} ({reason})",
                    self.count
                ),
            };
        }
        if !we_lose {
            let dampened = self.last_loss.is_some_and(|t| now.since(t) <= LOSS_DAMPEN);
            if !dampened {
                self.last_loss = None;
                self.state = ElectionState::Start;
                return CountOutcome {
                    state: self.state,
                    reply: None,
                    reason: format!(
                        "Election round {election_id} (started by node ID {owner}) pass: {op} from {from} ({reason})"
                    ),
                };
            }
            tracing::info!(
                "Ignoring election round {election_id} (started by node ID {owner}) pass vs {from} because we lost less than {}s ago",
                LOSS_DAMPEN.as_secs()
            );
        }

        self.last_loss = Some(now);
        self.reset();
        self.state = ElectionState::Lost;
        CountOutcome {
            state: self.state,
            reply: Some(NoVote {
                from: ctx.our_name.to_string(),
                to: from.clone(),
                owner: owner.clone(),
                election_id,
                version: CRM_FEATURE_SET.to_string(),
            }),
            reason: format!(
                "Election round {election_id} (started by node ID {owner}) lost: {op} from {from} ({reason})"
            ),
        }
    }

    fn track_storm(&mut self, done: bool, we_lose: bool, known_peers: usize, now: Timestamp) {
        match self.storm_expires {
            Some(exp) if exp >= now => {
                if !done && !we_lose {
                    self.wins += 1;
                    // Every node voting down every other is N*(N-1) wins;
                    // allow some leeway before complaining.
                    let peers = 1 + u32::try_from(known_peers).unwrap_or(u32::MAX / 2);
                    if self.wins > peers.saturating_mul(peers) {
                        tracing::warn!(
                            "Election storm detected: {} wins in {} seconds",
                            self.wins,
                            STORM_INTERVAL.as_secs()
                        );
                        self.storms += 1;
                        self.wins = 0;
                        self.storm_expires = Some(now + STORM_INTERVAL);
                    }
                }
            }
            _ => {
                self.wins = 0;
                self.storm_expires = Some(now + STORM_INTERVAL);
            }
        }
    }
}

fn op_name(ballot: &Ballot) -> &'static str {
    match ballot {
        Ballot::Vote(_) => "vote",
        Ballot::NoVote(_) => "no-vote",
    }
}

#[cfg(test)]
#[path = "election_tests.rs"]
mod tests;
