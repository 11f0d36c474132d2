//! cmap: the configuration and runtime key-value map every service reads.

pub mod store;
pub mod value;

pub use store::{Change, CmapStore};
pub use value::{CmapValue, ValueError};
