//! Projects: the APIOps folder layout loaded into declarations.

mod model;

pub use model::*;
