//! The gatehouse runtime: the compiled `Program`, its bundle form, the VM and the gateway server.
//!
//! What exists today is [`dotnet`], the .NET semantics library: pure functions reproducing what
//! .NET prints, parses and computes for the members policy expressions use (numbers, dates,
//! strings, encodings, hashes, regexes and Newtonsoft.Json). The program, VM and server land
//! with the bytecode and gateway issues; the crate already holds its place in the workspace's
//! dependency graph (`gatehouse` → `compiler` → `runtime`), so nothing else has to move then.

pub mod dotnet;
pub mod host;
pub mod library;
pub mod program;
pub mod value;
pub mod vm;
