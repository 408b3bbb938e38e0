//! Limits that bound the work the front end does on untrusted input.

/// Size and nesting limits for scanning and parsing. Every walk over untrusted input is
/// bounded by one of these; exceeding one is a located diagnostic, never a crash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest policy document accepted, in bytes.
    pub max_document_bytes: usize,
    /// Deepest element nesting in a policy document.
    pub max_element_depth: usize,
    /// Deepest nesting of expressions and statements inside one `@(...)` / `@{...}`.
    pub max_expression_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 4 * 1024 * 1024,
            max_element_depth: 64,
            max_expression_depth: 128,
        }
    }
}
