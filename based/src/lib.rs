//! pacemaker-based: the CIB daemon.
