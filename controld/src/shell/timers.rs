//! The core's timers as tokio sleeps. Each arming gets a new generation,
//! so a timer that fires just as it is stopped or re-armed is ignored.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::{Input, InputTx};
use crate::core::controller::TimerId;

/// A timer that went off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fired {
    timer: TimerId,
    generation: u64,
}

#[derive(Debug)]
struct Armed {
    generation: u64,
    task: JoinHandle<()>,
}

/// The armed timers.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    armed: BTreeMap<TimerId, Armed>,
    generation: u64,
}

impl Timers {
    /// Arms (or re-arms) `timer` to fire after `after`.
    pub(crate) fn start(&mut self, timer: TimerId, after: Duration, tx: &InputTx) {
        self.stop(timer);
        self.generation += 1;
        let generation = self.generation;
        let tx = tx.clone();
        let task = tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = tx.send(Input::Timer(Fired { timer, generation }));
        });
        self.armed.insert(timer, Armed { generation, task });
    }

    /// Disarms `timer`.
    pub(crate) fn stop(&mut self, timer: TimerId) {
        if let Some(a) = self.armed.remove(&timer) {
            a.task.abort();
        }
    }

    /// The timer to report for `fired`, unless it was stopped or re-armed
    /// since.
    pub(crate) fn fired(&mut self, fired: Fired) -> Option<TimerId> {
        match self.armed.get(&fired.timer) {
            Some(a) if a.generation == fired.generation => {
                self.armed.remove(&fired.timer);
                Some(fired.timer)
            }
            _ => None,
        }
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        for a in self.armed.values() {
            a.task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rearmed_and_stopped_timers_do_not_fire() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut t = Timers::default();
        t.start(TimerId::DcDeadtime, Duration::from_millis(10), &tx);
        t.start(TimerId::Election, Duration::from_millis(10), &tx);
        t.stop(TimerId::Election);
        tokio::time::sleep(Duration::from_millis(5)).await;
        t.start(TimerId::DcDeadtime, Duration::from_millis(20), &tx);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut fired = Vec::new();
        while let Ok(Input::Timer(f)) = rx.try_recv() {
            fired.extend(t.fired(f));
        }
        assert_eq!(fired, vec![TimerId::DcDeadtime]);
        // A stale report of an old arming is ignored.
        t.start(TimerId::Recheck, Duration::from_secs(60), &tx);
        let stale = Fired {
            timer: TimerId::Recheck,
            generation: 1,
        };
        assert_eq!(t.fired(stale), None);
    }
}
