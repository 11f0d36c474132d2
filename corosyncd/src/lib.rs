//! corosync: totem membership and ordering, votequorum, CPG, cmap and cfg.
