//! cmap: the configuration and runtime key-value map every service reads.

pub mod value;

pub use value::{CmapValue, ValueError};
