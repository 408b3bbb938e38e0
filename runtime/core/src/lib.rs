//! The gatehouse runtime: expressions' bytecode, the compiled `Program`, its bundle form, the
//! VM and the policy engine.
//!
//! Expressions run on the .NET semantics of [`gatehouse_dotnet`] (re-exported as [`dotnet`]):
//! [`value`] (the value model), [`bytecode`] (an expression's compiled [`bytecode::Code`]),
//! [`vm`] (the interpreter), [`library`] (the member table the VM dispatches through and the
//! compiler reads) and [`host`] (how `context.*` is answered). [`program`] is the
//! whole-gateway [`program::Program`] and [`bundle`] its wire format with the verifier.
//! [`engine`] runs a whole program for one request, yielding effects; the `gatehouse-server`
//! crate performs them with hyper and tokio.

pub mod bundle;
pub mod bytecode;
pub mod engine;
pub mod host;
pub mod library;
pub mod liquid;
pub mod llm;
pub mod program;
pub mod state;
pub mod telemetry;
pub mod value;
pub mod vm;
pub mod xslt;

pub use gatehouse_dotnet as dotnet;
