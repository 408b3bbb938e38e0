//! C# operators on values: numeric promotion, integer widths, checked/unchecked, strings, dates.

use super::fault::Fault;
use super::Vm;
use crate::bytecode::{BinOp, UnOp};
use crate::value::{same, Value};
use gatehouse_dotnet::math::{checked, unchecked, wrap, IntOp};
use gatehouse_dotnet::numfmt::IntType;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// A number after C#'s binary numeric promotion.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Num {
    I(i128, IntType),
    F32(f32),
    F64(f64),
    Dec(Decimal),
}

/// A numeric value as a [`Num`] (chars promote to `int`).
pub(crate) fn num(v: &Value) -> Option<Num> {
    Some(match *v {
        Value::Char(c) => Num::I(c as i128, IntType::Int32),
        Value::Int(x) => Num::I(x as i128, IntType::Int32),
        Value::Long(x) => Num::I(x as i128, IntType::Int64),
        Value::UInt(x) => Num::I(x as i128, IntType::UInt32),
        Value::ULong(x) => Num::I(x as i128, IntType::UInt64),
        Value::Float(x) => Num::F32(x),
        Value::Double(x) => Num::F64(x),
        Value::Decimal(x) => Num::Dec(x),
        _ => return None,
    })
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::I(v, _) => v as f64,
        Num::F32(v) => v as f64,
        Num::F64(v) => v,
        Num::Dec(d) => rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(0.0),
    }
}

fn as_dec(n: Num) -> Decimal {
    match n {
        Num::I(v, _) => Decimal::from_i128(v).unwrap_or_default(),
        Num::Dec(d) => d,
        other => Decimal::from_f64(as_f64(other)).unwrap_or_default(),
    }
}

fn int_type(a: IntType, b: IntType) -> IntType {
    use IntType::*;
    let signed = |t: IntType| t.range().0 < 0;
    if a == UInt64 || b == UInt64 {
        UInt64
    } else if a == Int64 || b == Int64 {
        Int64
    } else if a == UInt32 || b == UInt32 {
        if signed(a) || signed(b) {
            Int64
        } else {
            UInt32
        }
    } else {
        Int32
    }
}

/// Promotes two numbers to their common type.
pub(crate) fn promote(a: Num, b: Num) -> (Num, Num) {
    match (a, b) {
        (Num::Dec(_), _) | (_, Num::Dec(_)) => (Num::Dec(as_dec(a)), Num::Dec(as_dec(b))),
        (Num::F64(_), _) | (_, Num::F64(_)) => (Num::F64(as_f64(a)), Num::F64(as_f64(b))),
        (Num::F32(_), _) | (_, Num::F32(_)) => {
            (Num::F32(as_f64(a) as f32), Num::F32(as_f64(b) as f32))
        }
        (Num::I(x, tx), Num::I(y, ty)) => {
            let t = int_type(tx, ty);
            (Num::I(x, t), Num::I(y, t))
        }
    }
}

/// A [`Num`] back as a value.
pub(crate) fn value_of(n: Num) -> Value {
    match n {
        Num::I(v, IntType::Int64) => Value::Long(v as i64),
        Num::I(v, IntType::UInt32) => Value::UInt(v as u32),
        Num::I(v, IntType::UInt64) => Value::ULong(v as u64),
        Num::I(v, _) => Value::Int(v as i32),
        Num::F32(v) => Value::Float(v),
        Num::F64(v) => Value::Double(v),
        Num::Dec(d) => Value::Decimal(d),
    }
}

fn overflow() -> Fault {
    Fault::new(
        super::FaultKind::Overflow,
        "Arithmetic operation resulted in an overflow.",
    )
}

fn int_op(op: BinOp, x: i128, y: i128, t: IntType, chk: bool) -> Result<i128, Fault> {
    let arith = |o| {
        if chk {
            checked(o, x, y, t)
        } else {
            unchecked(o, x, y, t)
        }
    };
    let mask = t.bits() as i128 - 1;
    Ok(match op {
        BinOp::Add => arith(IntOp::Add)?,
        BinOp::Sub => arith(IntOp::Sub)?,
        BinOp::Mul => arith(IntOp::Mul)?,
        BinOp::Div => arith(IntOp::Div)?,
        BinOp::Rem => arith(IntOp::Rem)?,
        BinOp::Shl => wrap(x << (y & mask), t),
        BinOp::Shr => x >> (y & mask),
        BinOp::And => x & y,
        BinOp::Or => x | y,
        BinOp::Xor => wrap(x ^ y, t),
        _ => return Err(Fault::unsupported("this operator")),
    })
}

fn dec_op(op: BinOp, x: Decimal, y: Decimal) -> Result<Decimal, Fault> {
    let r = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Div | BinOp::Rem if y.is_zero() => {
            return Err(gatehouse_dotnet::DotnetError::divide_by_zero().into())
        }
        BinOp::Div => x.checked_div(y).map(|d| d.normalize()),
        BinOp::Rem => x.checked_rem(y),
        _ => return Err(Fault::unsupported("this operator on decimal")),
    };
    r.ok_or_else(overflow)
}

fn float_op(op: BinOp, x: f64, y: f64) -> Result<f64, Fault> {
    Ok(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Rem => x % y,
        _ => {
            return Err(Fault::unsupported(
                "this operator on floating-point numbers",
            ))
        }
    })
}

fn arith(op: BinOp, a: Num, b: Num, chk: bool) -> Result<Value, Fault> {
    Ok(match promote(a, b) {
        (Num::I(x, t), Num::I(y, _)) => value_of(Num::I(int_op(op, x, y, t, chk)?, t)),
        (Num::Dec(x), Num::Dec(y)) => Value::Decimal(dec_op(op, x, y)?),
        (Num::F32(x), Num::F32(y)) => Value::Float(float_op(op, x as f64, y as f64)? as f32),
        (x, y) => Value::Double(float_op(op, as_f64(x), as_f64(y))?),
    })
}

/// Orders two numbers (`None` for NaN).
pub(crate) fn cmp_num(a: Num, b: Num) -> Option<Ordering> {
    match promote(a, b) {
        (Num::I(x, _), Num::I(y, _)) => Some(x.cmp(&y)),
        (Num::Dec(x), Num::Dec(y)) => Some(x.cmp(&y)),
        (x, y) => as_f64(x).partial_cmp(&as_f64(y)),
    }
}

/// Orders two values of comparable types (numbers, strings ordinally, dates, spans).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => {
            Some(gatehouse_dotnet::string::compare(x, y, Default::default()).cmp(&0))
        }
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.ticks().cmp(&y.ticks())),
        (Value::TimeSpan(x), Value::TimeSpan(y)) => Some(x.ticks().cmp(&y.ticks())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Guid(x), Value::Guid(y)) => Some(x.cmp(y)),
        _ => cmp_num(num(a)?, num(b)?),
    }
}

/// `a == b` as C# (value equality for primitives and strings, identity for objects).
pub fn equals(a: &Value, b: &Value) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => cmp_num(x, y) == Some(Ordering::Equal),
        _ => same(a, b),
    }
}

fn relational(op: BinOp, a: &Value, b: &Value) -> Result<Value, Fault> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Bool(false));
    }
    let o = compare(a, b).ok_or_else(|| Fault::unsupported("comparing these values"));
    let o = match o {
        Ok(o) => o,
        Err(_) if num(a).is_some() && num(b).is_some() => return Ok(Value::Bool(false)),
        Err(e) => return Err(e),
    };
    Ok(Value::Bool(match op {
        BinOp::Lt => o.is_lt(),
        BinOp::Le => o.is_le(),
        BinOp::Gt => o.is_gt(),
        _ => o.is_ge(),
    }))
}

fn dates(op: BinOp, a: &Value, b: &Value) -> Option<Result<Value, Fault>> {
    let r = match (op, a, b) {
        (BinOp::Sub, Value::DateTime(x), Value::DateTime(y)) => Ok(Value::TimeSpan(x.subtract(*y))),
        (BinOp::Add, Value::DateTime(x), Value::TimeSpan(y)) => x.add_span(*y).map(Value::DateTime),
        (BinOp::Sub, Value::DateTime(x), Value::TimeSpan(y)) => {
            x.subtract_span(*y).map(Value::DateTime)
        }
        (BinOp::Add, Value::TimeSpan(x), Value::TimeSpan(y)) => x.add_span(*y).map(Value::TimeSpan),
        (BinOp::Sub, Value::TimeSpan(x), Value::TimeSpan(y)) => x.subtract(*y).map(Value::TimeSpan),
        _ => return None,
    };
    Some(r.map_err(Fault::from))
}

/// `a op b`.
pub fn binary(vm: &Vm<'_>, op: BinOp, a: &Value, b: &Value, chk: bool) -> Result<Value, Fault> {
    match op {
        BinOp::Eq => return Ok(Value::Bool(equals(a, b))),
        BinOp::Ne => return Ok(Value::Bool(!equals(a, b))),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => return relational(op, a, b),
        _ => {}
    }
    if op == BinOp::Add && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) {
        let (a, b) = (vm.text(a), vm.text(b));
        // Charged before the copy: a doubling loop stops at the budget, not at the
        // machine's memory.
        super::budget::charge(a.len() + b.len())?;
        let mut s = a;
        s.push_str(&b);
        return Ok(Value::str(s));
    }
    if let Some(r) = dates(op, a, b) {
        return r;
    }
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        return Ok(Value::Bool(match op {
            BinOp::And => x & y,
            BinOp::Or => x | y,
            BinOp::Xor => x ^ y,
            _ => return Err(Fault::unsupported("this operator on bool")),
        }));
    }
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    if matches!(op, BinOp::Shl | BinOp::Shr) {
        if let (Some(Num::I(x, t)), Some(y)) = (num(a), b.as_i128()) {
            let t = if t.bits() < 32 { IntType::Int32 } else { t };
            return Ok(value_of(Num::I(int_op(op, x, y, t, chk)?, t)));
        }
    }
    match (num(a), num(b)) {
        (Some(x), Some(y)) => arith(op, x, y, chk),
        _ => Err(Fault::unsupported(format!(
            "operator {op:?} on these operands"
        ))),
    }
}

/// `op a`.
pub fn unary(op: UnOp, a: &Value) -> Result<Value, Fault> {
    if a.is_null() {
        return Ok(Value::Null);
    }
    match (op, a) {
        (UnOp::Not, Value::Bool(b)) => return Ok(Value::Bool(!b)),
        (UnOp::Inc | UnOp::Dec, Value::Char(c)) => {
            let d = if op == UnOp::Inc {
                c.wrapping_add(1)
            } else {
                c.wrapping_sub(1)
            };
            return Ok(Value::Char(d));
        }
        _ => {}
    }
    let n = num(a).ok_or_else(|| Fault::unsupported(format!("operator {op:?} on this operand")))?;
    Ok(match (op, n) {
        (UnOp::Plus, n) => value_of(n),
        (UnOp::Neg, Num::I(v, t)) => {
            let t = if t == IntType::UInt32 {
                IntType::Int64
            } else {
                t
            };
            value_of(Num::I(wrap(-v, t), t))
        }
        (UnOp::Neg, Num::F32(v)) => Value::Float(-v),
        (UnOp::Neg, Num::F64(v)) => Value::Double(-v),
        (UnOp::Neg, Num::Dec(v)) => Value::Decimal(-v),
        (UnOp::BitNot, Num::I(v, t)) => value_of(Num::I(wrap(!v, t), t)),
        (UnOp::Inc | UnOp::Dec, n) => {
            let one = Num::I(1, IntType::Int32);
            let op = if op == UnOp::Inc {
                BinOp::Add
            } else {
                BinOp::Sub
            };
            arith(op, n, one, false)?
        }
        _ => {
            return Err(Fault::unsupported(format!(
                "operator {op:?} on this operand"
            )))
        }
    })
}
