//! `System.Random`: construction and draws, seeded from the host's randomness.
//!
//! The generator is a SplitMix64 stream whose state lives in `Obj::Random`. `new Random()`
//! draws its seed from [`crate::host::Host::random`] (deterministic under `RequestHost`);
//! `new Random(seed)` is reproducible for a seed but does not replay .NET's sequence, so
//! only the documented ranges of `Next`/`NextDouble` are guaranteed.

use super::{arg, int_arg, member_table, no_member, MemberSpec};
use crate::value::Value;
use crate::vm::{Fault, FaultKind, Obj, Vm};

/// One SplitMix64 step: advances `state` and returns 64 well-mixed bits.
fn step(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `new Random()` and `new Random(seed)`.
fn create(vm: &mut Vm<'_>, _: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let seed = if a.is_empty() {
        let b = vm.host.random();
        let mut w = [0u8; 8];
        w.copy_from_slice(b.get(..8).unwrap_or(&[0; 8]));
        u64::from_le_bytes(w)
    } else {
        // .NET uses the absolute value of the seed (int.MinValue becomes int.MaxValue).
        let s = int_arg(a, 0)?;
        s.unsigned_abs().min(i32::MAX as u64)
    };
    vm.alloc(Obj::Random(seed))
}

/// A uniform double in `[0, 1)` from the receiver's stream.
fn draw(vm: &mut Vm<'_>, recv: &Value, name: &str) -> Result<f64, Fault> {
    let Value::Ref(r) = recv else {
        return Err(Fault::null());
    };
    match vm.heap.get_mut(*r) {
        Some(Obj::Random(state)) => Ok((step(state) >> 11) as f64 / (1u64 << 53) as f64),
        _ => Err(no_member(name)),
    }
}

fn out_of_range(message: &str) -> Fault {
    Fault::new(FaultKind::ArgumentOutOfRange, message)
}

/// `Next()`, `Next(max)`, `Next(min, max)` and `NextDouble()`.
fn next(vm: &mut Vm<'_>, name: &'static str, a: &[Value]) -> Result<Value, Fault> {
    let (lo, hi) = match (name, a.len()) {
        ("NextDouble", _) => return Ok(Value::Double(draw(vm, arg(a, 0), name)?)),
        (_, 1) => (0, i32::MAX as i64),
        (_, 2) => {
            let max = int_arg(a, 1)?;
            if max < 0 {
                return Err(out_of_range(
                    "'maxValue' must be greater than or equal to zero.",
                ));
            }
            (0, max)
        }
        _ => {
            let (min, max) = (int_arg(a, 1)?, int_arg(a, 2)?);
            if min > max {
                return Err(out_of_range("'minValue' cannot be greater than maxValue."));
            }
            (min, max)
        }
    };
    let u = draw(vm, arg(a, 0), name)?;
    let span = (hi - lo) as f64;
    let v = lo + (u * span) as i64;
    Ok(Value::Int(v.clamp(lo, (hi - 1).max(lo)) as i32))
}

/// `System.Random`.
pub(super) const MEMBERS: &[MemberSpec] = member_table! {
    "Random" {
        Constructor ".ctor"() -> "Random" => create;
        Constructor ".ctor"("int") -> "Random" => create;
        Method "Next"() -> "int" => next;
        Method "Next"("int") -> "int" => next;
        Method "Next"("int", "int") -> "int" => next;
        Method "NextDouble"() -> "double" => next;
    }
};
