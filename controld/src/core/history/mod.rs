//! Operation history: recording results as `lrm_rsc_op` entries with
//! Pacemaker's keys and digests, and the local node's history cache.

mod cache;
mod digest;
mod metadata;
mod record;

pub use cache::{HistoryCache, ResourceHistory};
pub use digest::{filter_for_digest, op_digest, params_digest};
pub use metadata::{AgentMetadata, MetadataError, ParamMeta};
pub use record::{OpResult, RscInfo, add_resource_history, create_history_xml, needs_metadata};
