//! The gatehouse runtime: the compiled `Program`, its bundle form, the VM and the gateway server.
//!
//! The program, VM and server land with the bytecode and gateway issues; until then this
//! crate only reserves its place in the workspace's dependency graph
//! (`gatehouse` → `compiler` → `runtime`), so that nothing else has to move when they do.
