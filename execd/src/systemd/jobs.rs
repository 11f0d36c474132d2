//! Matching systemd's `JobRemoved` signals to the operations waiting for
//! them. A signal may arrive before the reply that names its job (a job
//! that finishes at once), so recent signals nobody waited for are kept
//! for a while (a bounded number of them: most are other clients' jobs).

use std::collections::{HashMap, VecDeque};

/// Most unclaimed job results remembered.
pub const MAX_UNCLAIMED: usize = 1024;

/// Jobs waited for, and results not yet claimed. `W` is what identifies
/// a waiter (a channel in the daemon).
#[derive(Debug)]
pub struct JobTracker<W> {
    waiting: HashMap<String, W>,
    unclaimed: HashMap<String, String>,
    order: VecDeque<String>,
}

impl<W> Default for JobTracker<W> {
    fn default() -> Self {
        JobTracker {
            waiting: HashMap::new(),
            unclaimed: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

/// What [`JobTracker::wait`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Wait<W> {
    /// The job has already finished with this result.
    Finished(String),
    /// The waiter is registered.
    Registered,
    /// Another waiter was already registered for the job; it is replaced
    /// and handed back.
    Replaced(W),
}

impl<W> JobTracker<W> {
    /// Waits for `job`: its result if already known, else registers `waiter`.
    pub fn wait(&mut self, job: &str, waiter: W) -> Wait<W> {
        if let Some(result) = self.unclaimed.remove(job) {
            self.order.retain(|j| j != job);
            return Wait::Finished(result);
        }
        match self.waiting.insert(job.to_string(), waiter) {
            Some(old) => Wait::Replaced(old),
            None => Wait::Registered,
        }
    }

    /// Gives up waiting for `job`.
    pub fn forget(&mut self, job: &str) -> Option<W> {
        self.waiting.remove(job)
    }

    /// A `JobRemoved` signal: the waiter to hand `result` to, if any; else
    /// the result is kept for a later [`JobTracker::wait`].
    pub fn removed(&mut self, job: &str, result: &str) -> Option<W> {
        if let Some(w) = self.waiting.remove(job) {
            return Some(w);
        }
        if self
            .unclaimed
            .insert(job.to_string(), result.to_string())
            .is_none()
        {
            self.order.push_back(job.to_string());
        }
        while self.order.len() > MAX_UNCLAIMED {
            if let Some(old) = self.order.pop_front() {
                self.unclaimed.remove(&old);
            }
        }
        None
    }

    /// Every waiter, removed (the connection was lost).
    pub fn drain(&mut self) -> Vec<W> {
        self.unclaimed.clear();
        self.order.clear();
        self.waiting.drain().map(|(_, w)| w).collect()
    }

    /// Number of operations waiting.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_after_and_before_the_reply() {
        let mut t: JobTracker<u32> = JobTracker::default();
        assert_eq!(t.wait("/job/1", 1), Wait::Registered);
        assert_eq!(t.removed("/job/2", "done"), None);
        assert_eq!(t.removed("/job/1", "failed"), Some(1));
        assert_eq!(t.waiting(), 0);
        // /job/2 finished before anyone waited.
        assert_eq!(t.wait("/job/2", 2), Wait::Finished("done".into()));
        assert_eq!(t.wait("/job/3", 3), Wait::Registered);
        assert_eq!(t.wait("/job/3", 4), Wait::Replaced(3));
        assert_eq!(t.forget("/job/3"), Some(4));
        assert_eq!(t.wait("/job/4", 5), Wait::Registered);
        assert_eq!(t.drain(), [5]);
    }

    #[test]
    fn unclaimed_results_are_bounded() {
        let mut t: JobTracker<()> = JobTracker::default();
        for i in 0..(MAX_UNCLAIMED + 10) {
            t.removed(&format!("/job/{i}"), "done");
        }
        assert_eq!(t.unclaimed.len(), MAX_UNCLAIMED);
        assert_eq!(t.wait("/job/0", ()), Wait::Registered);
        assert_eq!(
            t.wait(&format!("/job/{}", MAX_UNCLAIMED + 9), ()),
            Wait::Finished("done".into())
        );
    }
}
