//! `pacemaker-based`: the CIB manager daemon.

fn main() {}
