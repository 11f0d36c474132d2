//! pacemakerd: the launcher of the Pacemaker daemons.
