//! Small read-only objects (`Jwt`, `BasicAuthCredentials`, `Uri`, `IApi.ServiceUrl`) built
//! as anonymous objects: their properties are fields, read by the VM's field lookup.
//!
//! A record whose first field is `$text` shows that text as its `ToString()` (and wherever
//! the VM writes the value as text), as `Uri` and `IUrl` do; C# field names cannot start
//! with `$`, so no anonymous object of an expression can be mistaken for one.

use crate::value::Value;
use crate::vm::{Fault, Obj, Vm};
use std::sync::Arc;

/// The hidden first field holding a record's `ToString()`.
pub(crate) const TEXT: &str = "$text";

/// Allocates a record with these fields, in order.
pub(super) fn record(vm: &mut Vm<'_>, fields: Vec<(&str, Value)>) -> Result<Value, Fault> {
    let names: Arc<[Arc<str>]> = fields.iter().map(|(n, _)| Arc::from(*n)).collect();
    let vals = fields.into_iter().map(|(_, v)| v).collect();
    vm.alloc(Obj::Anon(names, vals))
}

/// A `string` value, or null.
pub(super) fn opt(s: Option<String>) -> Value {
    s.map_or(Value::Null, Value::str)
}
