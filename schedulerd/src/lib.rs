//! pacemaker-schedulerd: the policy engine.
