//! pacemaker-execd: the local resource agent executor.
