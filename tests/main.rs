//! Integration tests of gatehouse: the real-world corpus, the CLI, snapshots and robustness.

mod build;
mod bundle;
mod cli;
mod corpus;
mod eval;
mod fmt;
mod fuzz;
mod gateway;
mod lsp;
mod projects;
mod robustness;
mod snapshots;
mod support;
mod test_command;
mod types;
