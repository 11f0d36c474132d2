//! The controller's input register (`R_*` flags): facts it remembers
//! across states.

use std::fmt;

/// A set of register flags.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Register(u32);

impl Register {
    /// We are the DC.
    pub const THE_DC: Register = Register(1 << 0);
    /// We are shutting down.
    pub const SHUTDOWN: Register = Register(1 << 2);
    /// Do not respawn after exit.
    pub const STAYDOWN: Register = Register(1 << 3);
    /// The configuration has been read.
    pub const READ_CONFIG: Register = Register(1 << 6);
    /// Connected to the CIB manager.
    pub const CIB_CONNECTED: Register = Register(1 << 8);
    /// The scheduler is connected.
    pub const PE_CONNECTED: Register = Register(1 << 9);
    /// The transition engine is running.
    pub const TE_CONNECTED: Register = Register(1 << 10);
    /// Connected to the executor.
    pub const LRM_CONNECTED: Register = Register(1 << 11);
    /// We hold the most recent CIB.
    pub const HAVE_CIB: Register = Register(1 << 17);
    /// Cluster-layer membership has been received.
    pub const MEMBERSHIP: Register = Register(1 << 20);
    /// Peer (CPG) data has been received.
    pub const PEER_DATA: Register = Register(1 << 21);
    /// Recovering from errors.
    pub const IN_RECOVERY: Register = Register(1 << 31);

    const NAMES: &'static [(Register, &'static str)] = &[
        (Register::THE_DC, "R_THE_DC"),
        (Register::SHUTDOWN, "R_SHUTDOWN"),
        (Register::STAYDOWN, "R_STAYDOWN"),
        (Register::READ_CONFIG, "R_READ_CONFIG"),
        (Register::CIB_CONNECTED, "R_CIB_CONNECTED"),
        (Register::PE_CONNECTED, "R_PE_CONNECTED"),
        (Register::TE_CONNECTED, "R_TE_CONNECTED"),
        (Register::LRM_CONNECTED, "R_LRM_CONNECTED"),
        (Register::HAVE_CIB, "R_HAVE_CIB"),
        (Register::MEMBERSHIP, "R_MEMBERSHIP"),
        (Register::PEER_DATA, "R_PEER_DATA"),
        (Register::IN_RECOVERY, "R_IN_RECOVERY"),
    ];

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: Register) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: Register) {
        self.0 |= other.0;
    }

    /// Clears the flags of `other`.
    pub fn remove(&mut self, other: Register) {
        self.0 &= !other.0;
    }
}

impl fmt::Debug for Register {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Register::NAMES
            .iter()
            .filter(|(r, _)| self.contains(*r))
            .map(|(_, n)| *n)
            .collect();
        write!(f, "[{}]", names.join("|"))
    }
}
