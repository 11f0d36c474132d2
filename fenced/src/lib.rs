//! pacemaker-fenced: the fencer.
