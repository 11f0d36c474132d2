//! Creating actions and fencing operations.

mod create;
mod fencing;
