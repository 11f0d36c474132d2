//! What a clone keeps beyond the common resource fields: its instance
//! limits and the notification pseudo-actions of the current run.

use pcmk_common::xml::Element;

use super::ActIdx;

/// The pseudo-actions around one kind of clone action when the clone
/// notifies (`notify_data_t`): pre, pre-done, post and post-done.
#[derive(Debug, Clone, Default)]
pub struct NotifyOps {
    /// The action being notified about (start, stop, promote, demote).
    pub action: String,
    /// The clone's own action (e.g. `clone_start_0`).
    pub op: Option<ActIdx>,
    /// The clone's completion action (e.g. `clone_running_0`).
    pub complete: Option<ActIdx>,
    /// `pre_notify_<action>` pseudo-action.
    pub pre: Option<ActIdx>,
    /// `confirmed-pre_notify_<action>` pseudo-action.
    pub pre_done: Option<ActIdx>,
    /// `post_notify_<action>` pseudo-action.
    pub post: Option<ActIdx>,
    /// `confirmed-post_notify_<action>` pseudo-action.
    pub post_done: Option<ActIdx>,
}

/// Clone configuration (`clone_variant_data_t`).
#[derive(Debug, Clone)]
pub struct CloneData {
    /// Instances allowed in total.
    pub clone_max: i32,
    /// Instances allowed per node.
    pub clone_node_max: i32,
    /// Instances allowed in the promoted role.
    pub promoted_max: i32,
    /// Promoted instances allowed per node.
    pub promoted_node_max: i32,
    /// Instances created so far (the next instance number).
    pub total_clones: i32,
    /// Instances start and stop in instance-number order.
    pub ordered: bool,
    /// The element being cloned (primitive or group).
    pub child_xml: Element,
    /// Notification pseudo-actions for start, stop, promote and demote.
    pub notify: Vec<NotifyOps>,
    /// Promotion scores were added to the instances' node scores.
    pub promotion_added: bool,
    /// Instances were sorted for promotion.
    pub promotion_constrained: bool,
}
