//! The writer election (`attrd_elections.c`): the same algorithm as the
//! DC election, run among the attribute managers over CPG `attrd`.

use pcmk_controld::core::election::{Ballot, CountContext, ElectionState, age_of};

use super::{Attrd, AttrdMessage, Command, TimerId};

impl Attrd {
    pub(super) fn start_election_if_needed(&mut self) {
        if self.writer.is_none()
            && self.election.state() != ElectionState::InProgress
            && !self.shutting_down
            && self.members.contains(&self.name.to_ascii_lowercase())
        {
            tracing::info!("Starting an election to determine the writer");
            self.vote();
        }
    }

    pub(super) fn vote(&mut self) {
        let age = age_of(self.now.since(self.started));
        let v = self.election.vote(&self.name, &self.id, age);
        self.broadcast(AttrdMessage::Vote(v));
        let after = self.election.timeout();
        self.out.push(Command::StartTimer {
            timer: TimerId::Election,
            after,
        });
    }

    pub(super) fn check_election(&mut self) {
        let active = self.members.len();
        if self.election.check(active) {
            self.out.push(Command::StopTimer {
                timer: TimerId::Election,
            });
            self.won_election();
        }
    }

    pub(super) fn election_op(&mut self, from: &str, message: AttrdMessage) {
        let ballot = match message {
            AttrdMessage::Vote(v) => Ballot::Vote(v),
            AttrdMessage::NoVote(n) => Ballot::NoVote(n),
            _ => return,
        };
        if let Ballot::NoVote(n) = &ballot {
            if !n.to.eq_ignore_ascii_case(&self.name) {
                return;
            }
        }
        let previous = self.election.state();
        let id = self.id.clone();
        let ctx = CountContext {
            our_name: &self.name,
            our_id: &id,
            our_age: age_of(self.now.since(self.started)),
            can_win: !self.shutting_down,
            we_are_active: self.members.contains(&self.name.to_ascii_lowercase()),
            sender_is_active: self.members.contains(&from.to_ascii_lowercase()),
            known_peers: self.members.len(),
        };
        let outcome = self.election.count(&ballot, ctx, self.now);
        tracing::debug!("{}", outcome.reason);
        if let Some(no) = outcome.reply {
            let to = no.to.clone();
            self.out.push(Command::Send {
                to: Some(to),
                message: AttrdMessage::NoVote(no),
            });
        }
        match outcome.state {
            ElectionState::Start => {
                tracing::debug!(
                    "Unsetting writer (was {}) and starting new election",
                    self.writer.as_deref().unwrap_or("unset")
                );
                self.writer = None;
                self.vote();
            }
            ElectionState::Lost if self.writer.is_none() || previous != ElectionState::Lost => {
                tracing::debug!("Election lost, presuming {from} is writer for now");
                self.writer = Some(from.to_string());
            }
            ElectionState::InProgress => self.check_election(),
            _ => {}
        }
    }

    /// `attrd_check_for_new_writer()`.
    pub(super) fn new_writer(&mut self, from: &str) {
        if self.is_writer() && !from.eq_ignore_ascii_case(&self.name) {
            tracing::info!("Detected another attribute writer ({from}), starting new election");
            self.vote();
        } else if !self
            .writer
            .as_deref()
            .is_some_and(|w| w.eq_ignore_ascii_case(from))
        {
            tracing::info!(
                "Recorded new attribute writer: {from} (was {})",
                self.writer.as_deref().unwrap_or("unset")
            );
            self.writer = Some(from.to_string());
        }
    }

    /// `attrd_election_cb()`.
    pub(super) fn won_election(&mut self) {
        tracing::info!(
            "Recorded local node as attribute writer (was {})",
            self.writer.as_deref().unwrap_or("unset")
        );
        self.writer = Some(self.name.clone());
        self.sync_to(None);
        let removed: Vec<String> = std::mem::take(&mut self.removed_peers)
            .into_iter()
            .collect();
        for host in removed {
            self.erase_transient(&host);
        }
        self.write_attributes(true, false);
    }
}
