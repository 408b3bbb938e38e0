//! The scanner: finds `@(...)` / `@{...}` regions C#-aware, then reads the markup around them.
//!
//! Real policy documents are not well-formed XML: expressions hold the attribute's own quote,
//! raw `<` and `&&`. The scanner treats each expression region as opaque code (balanced
//! brackets, C# string, char, verbatim and interpolated literals, comments), decodes entities
//! with an offset map, and reads everything else as XML with byte spans into the file.

mod entities;
mod markup;
mod region;
mod tags;
mod value;

pub use value::named_value_len;

use crate::syntax::{Document, SyntaxError};
use crate::{Limits, Span};

/// Scans `src` into a markup tree. Expression regions are found and decoded but not parsed.
/// Errors accumulate; the tree holds everything that could be read.
pub fn scan(src: &str, limits: &Limits) -> (Document, Vec<SyntaxError>) {
    if src.len() > limits.max_document_bytes {
        let err = SyntaxError::new(
            "syntax::too-large",
            format!(
                "the document is {} bytes, more than the limit of {}",
                src.len(),
                limits.max_document_bytes
            ),
            Span::empty(0),
            "document starts here",
        )
        .with_help("split the policy into fragments, or raise `max_document_bytes`");
        return (Document::default(), vec![err]);
    }
    markup::Markup::new(src, limits).run()
}

#[cfg(test)]
mod tests;
