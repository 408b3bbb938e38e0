//! The gatehouse compiler: checks policy documents and reports diagnostics.
