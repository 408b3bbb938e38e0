//! The gatehouse runtime: the compiled `Program`, its bundle form, the VM and the gateway server.
//!
//! [`dotnet`] is the .NET semantics library the VM calls for the members policy expressions use
//! (number, date, string, encoding, crypto, regex and Newtonsoft.Json behaviour).
//!
//! The program, VM and server land with the bytecode and gateway issues; until then this
//! crate only reserves its place in the workspace's dependency graph
//! (`gatehouse` → `compiler` → `runtime`), so that nothing else has to move when they do.

pub mod dotnet;
