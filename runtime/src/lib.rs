//! The gatehouse runtime: the compiled `Program`, its bundle form, the VM and the gateway server.
//!
//! [`dotnet`] is the .NET semantics library (pure functions for numbers, dates, strings,
//! encodings, hashes, regexes and Newtonsoft.Json). Expressions run on top of it: [`value`] (the
//! value model), [`program`] (compiled code), [`vm`] (the interpreter), [`library`] (the member
//! table the VM dispatches through and the compiler reads) and [`host`] (how `context.*` is
//! answered). [`engine`] runs a whole program for one request, yielding effects; behind the
//! `server` feature, [`server`] drives it with hyper and tokio and [`backend`] calls backends
//! (clients, pools, circuit breakers, credentials).

#[cfg(feature = "server")]
pub mod backend;
pub mod dotnet;
pub mod engine;
pub mod host;
pub mod library;
pub mod program;
#[cfg(feature = "server")]
pub mod server;
pub mod state;
pub mod value;
pub mod vm;
