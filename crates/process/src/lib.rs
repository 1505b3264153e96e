//! Process definitions and the one engine that runs them.
//!
//! A definition is BPMN 2.0 XML in a stated subset (README "Process
//! definitions"): start and end events, user tasks with a candidate role or
//! post, exclusive and parallel gateways, timer boundary events counted on
//! the working-day calendar, and calls of the collective-decision
//! subprocess. The same definition is validated at import, executed by
//! [`engine::step`] and drawn by [`svg::render`], so the flowchart the
//! public sees is the process that runs. Nothing here knows about powers.

pub mod cond;
pub mod engine;
pub mod error;
pub mod export;
pub mod layout;
pub mod model;
pub mod parse;
pub mod steps;
pub mod svg;
pub mod validate;

pub use error::{DefinitionError, EngineError};
pub use model::*;
