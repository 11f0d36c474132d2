//! pacemaker-attrd: node attributes.
