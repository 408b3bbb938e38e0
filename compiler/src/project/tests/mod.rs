//! Tests of project loading: the sample project, validation diagnostics, robustness.
