//! Resolution: declarations by name, named-value substitution, and effective pipelines.
//!
//! APIM evaluates a request against one *effective* policy: global → product → API →
//! operation, each scope's `<base/>` replaced by its parent's section, and every
//! `<include-fragment>` replaced by the fragment. Resolution computes these once, so the
//! runtime never merges anything per request.

mod declared;
mod merge;
mod print;

pub use declared::{Declared, NamedValueEnv};
pub use merge::{
    merge, pipelines, DocAt, Effective, EffectiveItem, Merge, OperationAt, Origin, Section,
    SECTIONS,
};
pub use print::print_effective;
