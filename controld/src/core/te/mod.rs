//! The transition engine: unpacking the scheduler's transition graph and
//! carrying it out on the DC.

mod command;
mod engine;
mod event;
mod events;
mod graph;

pub use engine::{GraphStatus, PassCounts, TeCommand, TeConfig, TransitionEngine};
pub use event::ActionEvent;
pub use graph::{
    ActionKind, Graph, GraphAction, GraphError, GraphNext, SCORE_INFINITY, Synapse, SynapseInput,
};
