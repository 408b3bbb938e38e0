//! End-to-end tests of the gateway server with real sockets on loopback.

mod access;
mod backend_misbehaviour;
mod client_cert;
mod client_failures;
mod connections;
mod failures;
mod forward_expressions;
mod hardening;
mod harness;
mod lifecycle;
mod loops;
mod malformed;
mod policies;
mod project;
mod retry;
mod run_bundle;
mod run_cmd;
mod send_one_way;
mod send_request;
mod send_request_more;
mod soak;
mod streaming;
mod tls;
mod transform;
mod wait;
