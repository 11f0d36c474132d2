//! pacemaker-controld: the cluster controller.
