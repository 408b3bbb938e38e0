//! End-to-end tests of the gateway server with real sockets on loopback.

mod access;
mod backend_misbehaviour;
mod caching;
mod client_cert;
mod client_failures;
mod connections;
mod failures;
mod hardening;
mod harness;
mod lifecycle;
mod malformed;
mod policies;
mod project;
mod run_bundle;
mod run_cmd;
mod send_request;
mod soak;
mod streaming;
mod tls;
mod transform;
