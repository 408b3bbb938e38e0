//! `new T[n]`: an array of `n` default values, charged to the memory budget. The lowering
//! calls it as the static `<array>.New(default, n, typeId)`; no C# expression can name
//! that type, so it is reachable only through `new T[n]`.

use super::{arg, int_arg, member_table, MemberSpec};
use crate::bytecode::TypeId;
use crate::value::Value;
use crate::vm::{Fault, FaultKind, Obj, Vm};

/// The declaring type of [`MEMBERS`]: not a C# name.
pub const ARRAY_TYPE: &str = "<array>";

/// The array constructor.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "<array>" {
        Static "New"("object", "long", "int") -> "object[]" => new_array;
    }
};

/// `new T[n]`: `a` is the element's default, the size and the element's [`TypeId`] tag.
fn new_array(vm: &mut Vm<'_>, _name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let n = int_arg(a, 1)?;
    let elem = usize::try_from(int_arg(a, 2)?)
        .ok()
        .and_then(|i| TypeId::ALL.get(i).copied())
        .unwrap_or(TypeId::Object);
    // .NET: a negative size overflows; more than the memory budget allows runs out.
    let n = usize::try_from(n).map_err(|_| {
        Fault::new(
            FaultKind::Overflow,
            "Arithmetic operation resulted in an overflow.",
        )
    })?;
    if elem == TypeId::Byte {
        crate::vm::budget::charge(n)?;
        return vm.alloc(Obj::Bytes(vec![0; n]));
    }
    crate::vm::budget::charge(n.saturating_mul(std::mem::size_of::<Value>()))?;
    let items = vec![arg(a, 0).clone(); n];
    vm.alloc(Obj::Array(crate::vm::target_name(elem), items))
}
