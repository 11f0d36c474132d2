//! Bounded capture of an agent's output, and the exit reason it reports.
//!
//! Pacemaker keeps the first 10 MiB of each stream and discards the rest;
//! so does this buffer. The exit reason (`ocf-exitreason:` line) is the
//! last one in standard error; lines in the discarded part still count, so
//! an agent that floods its output does not lose its reason.

/// Most bytes kept per stream (Pacemaker's `MAX_OUTPUT`).
pub const MAX_OUTPUT: usize = 10 * 1024 * 1024;

/// The marker OCF agents put before their exit reason.
pub const EXIT_REASON_PREFIX: &str = "ocf-exitreason:";

/// Captured output of one stream.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    data: Vec<u8>,
    limit: usize,
    discarded: usize,
    /// Partial last line, for finding exit reasons beyond the limit.
    tail_line: Vec<u8>,
    /// The reason of the last line with a marker (`Some(None)`: empty).
    reason: Option<Option<String>>,
}

impl Captured {
    /// An empty buffer keeping at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Captured {
            limit,
            ..Default::default()
        }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        let room = self.limit.saturating_sub(self.data.len());
        let keep = room.min(bytes.len());
        self.data.extend_from_slice(&bytes[..keep]);
        self.discarded += bytes.len() - keep;
        self.scan_reason(bytes);
    }

    fn scan_reason(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.finish_line();
            } else if self.tail_line.len() < 4096 {
                self.tail_line.push(b);
            }
        }
    }

    fn finish_line(&mut self) {
        if let Some(r) = reason_in_line(&self.tail_line) {
            self.reason = Some(r);
        }
        self.tail_line.clear();
    }

    /// Bytes dropped beyond the limit.
    pub fn discarded(&self) -> usize {
        self.discarded
    }

    /// The kept output, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// Whether nothing was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.discarded == 0
    }

    /// The exit reason: the text after the last marker on this stream,
    /// unless that is empty.
    pub fn exit_reason(&self) -> Option<String> {
        reason_in_line(&self.tail_line)
            .or_else(|| self.reason.clone())
            .flatten()
    }
}

/// The exit reason in one line: `None` without a marker, `Some(None)` when
/// the text after the last marker is empty.
fn reason_in_line(line: &[u8]) -> Option<Option<String>> {
    let text = String::from_utf8_lossy(line);
    let pos = text.rfind(EXIT_REASON_PREFIX)?;
    let reason = &text[pos + EXIT_REASON_PREFIX.len()..];
    Some((!reason.is_empty()).then(|| reason.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The buffer never exceeds its limit, keeps exactly the head, and
        /// finds the same reason however the stream is chunked.
        #[test]
        fn bounded_and_chunking_independent(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000), limit in 0usize..500, cut in 0usize..2000) {
            let mut whole = Captured::new(limit);
            whole.push(&data);
            let mut parts = Captured::new(limit);
            let cut = cut.min(data.len());
            parts.push(&data[..cut]);
            parts.push(&data[cut..]);
            proptest::prop_assert!(whole.text().len() <= limit * 3 + 3);
            proptest::prop_assert_eq!(whole.discarded(), data.len().saturating_sub(limit));
            proptest::prop_assert_eq!(whole.text(), parts.text());
            proptest::prop_assert_eq!(whole.exit_reason(), parts.exit_reason());
        }
    }

    #[test]
    fn keeps_head_and_counts_rest() {
        let mut c = Captured::new(8);
        c.push(b"0123");
        c.push(b"456789ab");
        assert_eq!(c.text(), "01234567");
        assert_eq!(c.discarded(), 4);
    }

    #[test]
    fn last_reason_wins_even_beyond_limit() {
        let mut c = Captured::new(10);
        c.push(b"ocf-exitreason:first\nlots of noise here\n");
        c.push(b"x ocf-exitreason:second one\nmore\n");
        assert_eq!(c.exit_reason().as_deref(), Some("second one"));
        c.push(b"ocf-exitreason:\n");
        assert_eq!(c.exit_reason(), None);
        let mut c = Captured::new(100);
        c.push(b"ocf-exitreason:no newline");
        assert_eq!(c.exit_reason().as_deref(), Some("no newline"));
    }
}
