//! The instruction set: a small `Copy` enum for a stack machine, defined by one table
//! (operands, opcode) with each instruction's facts beside it: the pools its operands
//! index, its stack effect and how control leaves it.

use super::operand::{Field, OperandSink, OperandSource};
use crate::value::HostObj;
use std::sync::Arc;

/// A cast/type-test target, resolved at lowering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum TypeId {
    Object,
    Bool,
    Char,
    SByte,
    Byte,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    Float,
    Double,
    Decimal,
    String,
    DateTime,
    TimeSpan,
    Guid,
    JToken,
    JObject,
    JArray,
    JValue,
    JProperty,
    ByteArray,
    Array,
    List,
    Dictionary,
    Enumerable,
    Exception,
    /// `IResponse` (`context.Response`, or a response `send-request` stored).
    Response,
    /// `Jwt` (`AsJwt()`, or `validate-jwt`'s `output-token-variable-name`).
    Jwt,
}

impl TypeId {
    /// Every type id, in tag order (the bundle writes the index).
    pub const ALL: [TypeId; 31] = {
        use TypeId::*;
        [
            Object, Bool, Char, SByte, Byte, Short, UShort, Int, UInt, Long, ULong, Float, Double,
            Decimal, String, DateTime, TimeSpan, Guid, JToken, JObject, JArray, JValue, JProperty,
            ByteArray, Array, List, Dictionary, Enumerable, Exception, Response, Jwt,
        ]
    };
}

/// Binary operators (`&&`, `||`, `??` are jumps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    And,
    Or,
    Xor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    /// Every operator, in tag order.
    pub const ALL: [BinOp; 16] = {
        use BinOp::*;
        [
            Add, Sub, Mul, Div, Rem, Shl, Shr, And, Or, Xor, Eq, Ne, Lt, Le, Gt, Ge,
        ]
    };
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum UnOp {
    Neg,
    Plus,
    Not,
    BitNot,
    /// `x + 1` keeping `x`'s type (`++`).
    Inc,
    /// `x - 1` keeping `x`'s type (`--`).
    Dec,
}

impl UnOp {
    /// Every operator, in tag order.
    pub const ALL: [UnOp; 6] = {
        use UnOp::*;
        [Neg, Plus, Not, BitNot, Inc, Dec]
    };
}

/// Defines [`Instr`] from one table: each variant's docs, operand types and opcode. The
/// operand types decide the wire encoding ([`Field`]); the bundle's writer and reader are
/// generated from the table, so an instruction is added here (plus its facts below and its
/// execution in the VM) and nowhere else.
macro_rules! instructions {
    ($( $(#[$meta:meta])* $name:ident $( ( $($field:ident : $ty:ty),+ ) )? = $op:literal, )*) => {
        /// One instruction. Stack effects are noted as `before -> after`.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Instr {
            $( $(#[$meta])* $name $( ( $($ty),+ ) )?, )*
        }

        impl Instr {
            /// The opcode of this instruction in a bundle.
            pub fn opcode(self) -> u8 {
                match self {
                    $( Instr::$name { .. } => $op, )*
                }
            }

            /// Writes the opcode, then each operand in order.
            pub fn write<S: OperandSink>(self, s: &mut S) {
                s.byte(self.opcode());
                match self {
                    $( Instr::$name $( ( $($field),+ ) )? => { $( $( $field.put(s); )+ )? } )*
                }
            }

            /// Reads the operands of the instruction with `opcode` (`None`: no such opcode).
            pub fn read<S: OperandSource>(opcode: u8, s: &mut S) -> Result<Option<Instr>, S::Error> {
                Ok(Some(match opcode {
                    $( $op => Instr::$name $( ( $( <$ty as Field>::take(s)? ),+ ) )?, )*
                    _ => return Ok(None),
                }))
            }
        }
    };
}

instructions! {
    /// `-> consts[i]`.
    Const(a: u32) = 0,
    /// `-> strings[i]`.
    Str(a: u32) = 1,
    /// `-> null`.
    Null = 2,
    /// `-> context`.
    Context = 3,
    /// `-> a context object`: a static navigation chain (`context.Request.Headers`) folded
    /// at lowering.
    Host(a: HostObj) = 4,
    /// `x ->`.
    Pop = 5,
    /// `x -> x x`.
    Dup = 6,
    /// `-> locals[i]`.
    Load(a: u16) = 7,
    /// `x ->`, `locals[i] = x`.
    Store(a: u16) = 8,
    /// `obj -> obj.name` where `name` is library member-name id `n`.
    Get(a: u32) = 9,
    /// `obj -> obj.name` for a member no table entry has (anonymous-type fields), by
    /// `strings[i]`.
    GetNamed(a: u32) = 10,
    /// `obj value ->`: `obj.name = value`.
    Set(a: u32) = 11,
    /// `-> map.GetValueOrDefault(strings[key], strings[default])` for a static `context`
    /// multimap (`Headers`, `Url.Query`, `MatchedParameters`) and literal arguments: the
    /// values joined with `,` (the stored string itself for one value) or the default
    /// (`u16::MAX`: null). Folded at lowering; no dispatch, no argument pushes.
    Lookup(map: HostObj, key: u16, default: u16) = 12,
    /// `-> map.GetValueOrDefault(strings[key], …) == strings[lit]` ([`Instr::Lookup`] fused
    /// with a literal comparison): compares the stored values in place; the `bool` is the
    /// result when the key is absent (decided at lowering from the literal default).
    LookupEq(map: HostObj, key: u16, lit: u16, absent: bool) = 13,
    /// `-> map.GetValueOrDefault(…) != strings[lit]`, as [`Instr::LookupEq`].
    LookupNe(map: HostObj, key: u16, lit: u16, absent: bool) = 14,
    /// `obj args… -> result`: instance member `n` with `argc` arguments, dispatched on the
    /// receiver's run-time type.
    Call(n: u32, argc: u8) = 15,
    /// `args… -> result`: static member (method, property or constructor) at library index `i`.
    Static(m: u32, argc: u8) = 16,
    /// `obj idx… -> obj[idx…]`.
    Index(a: u8) = 17,
    /// `obj idx… value ->`: `obj[idx…] = value`.
    SetIndex(a: u8) = 18,
    /// Jump to `pc`.
    Jump(a: u32) = 19,
    /// `b ->`; jump when false.
    JumpIfFalse(a: u32) = 20,
    /// `b ->`; jump when true.
    JumpIfTrue(a: u32) = 21,
    /// `x -> x`; jump when `x` is null (the `?.` chain and `??`).
    JumpIfNull(a: u32) = 22,
    /// `x -> x`; jump when `x` is not null.
    JumpIfNotNull(a: u32) = 23,
    /// `a b -> a op b` (unchecked).
    Binary(a: BinOp) = 24,
    /// `x -> x == strings[i]`: comparison with a string literal, without pushing it.
    EqStr(a: u32) = 25,
    /// `x -> x != strings[i]`.
    NeStr(a: u32) = 26,
    /// `a b -> a op b` (checked: overflow throws).
    BinaryChecked(a: BinOp) = 27,
    /// `x -> op x`.
    Unary(a: UnOp) = 28,
    /// `x -> (T)x` (explicit conversion; unboxing rules for boxed values).
    Cast(a: TypeId) = 29,
    /// `x -> checked((T)x)`.
    CastChecked(a: TypeId) = 30,
    /// `x -> (T)x` where `x` is statically `object`: unboxing needs the exact type.
    Unbox(a: TypeId) = 31,
    /// `x -> x is T`.
    IsType(a: TypeId) = 32,
    /// `e -> bool`: whether exception `e` is caught by a `catch` of type `strings[i]`.
    Catches(a: u32) = 33,
    /// `x -> x as T` (null when not a `T`).
    As(a: TypeId) = 34,
    /// `x -> x.ToString(strings[f])` (interpolation holes); `f == u32::MAX` for no format.
    Format(a: u32) = 35,
    /// `x n -> x padded to alignment n` (interpolation `{x,n}`).
    Align = 36,
    /// `s₁ … sₙ -> concatenation` (interpolation).
    Concat(a: u16) = 37,
    /// `-> the compiled regex i` (a `Regex` object).
    Regex(a: u32) = 38,
    /// `-> lambda for funcs[i]`.
    MakeLambda(a: u32) = 39,
    /// `f args… -> f(args…)`.
    Invoke(a: u8) = 40,
    /// `xs… -> new T[]{xs…}` / `List<T>` (by type id) of `n` elements.
    NewArray(t: TypeId, n: u16) = 41,
    /// `vals… -> new { shapes[i] = vals… }`.
    NewAnon(a: u32) = 42,
    /// `coll -> iterator` (a snapshot of the collection's elements).
    Iter = 43,
    /// `it -> item` or, at the end, `it ->` and jump.
    IterNext(a: u32) = 44,
    /// Push handler `handlers[i]`.
    TryEnter(a: u32) = 45,
    /// Pop the innermost handler.
    TryExit = 46,
    /// `x ->`: return `x` from the current function or the expression.
    Return = 47,
    /// `e ->`: throw exception object `e` (null: rethrow the one being handled).
    Throw = 48,
    /// `-> the value the last call stored in its `out` parameter`.
    LoadOut = 49,
    /// No operation.
    Nop = 50,
}

/// Which pool an operand indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// `consts`.
    Const(u32),
    /// `strings`.
    Str(u32),
    /// `strings`, or the "none" sentinel (`u32::MAX` / `u16::MAX` as the instruction uses).
    OptStr(u32),
    /// A local slot.
    Local(u16),
    /// A library instance member name id.
    Name(u32),
    /// A library member index.
    Member(u32),
    /// An instruction index (a jump target).
    Target(u32),
    /// `regexes`.
    Regex(u32),
    /// `funcs`.
    Func(u32),
    /// `shapes`.
    Shape(u32),
    /// `handlers`.
    Handler(u32),
}

/// How an instruction continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// To the next instruction.
    Fall,
    /// To the next instruction or the jump target (with `pops_on_jump` popped instead).
    Branch,
    /// Only to the jump target.
    Goto,
    /// Nowhere: it returns or throws.
    End,
}

impl Instr {
    /// The pool indices this instruction uses (at most two), without allocating.
    pub fn operands(self) -> impl Iterator<Item = Operand> {
        use Operand as O;
        let (a, b) = match self {
            Instr::Const(i) => (Some(O::Const(i)), None),
            Instr::Str(i)
            | Instr::GetNamed(i)
            | Instr::EqStr(i)
            | Instr::NeStr(i)
            | Instr::Catches(i) => (Some(O::Str(i)), None),
            Instr::Format(f) if f == u32::MAX => (None, None),
            Instr::Format(f) => (Some(O::Str(f)), None),
            Instr::Load(i) | Instr::Store(i) => (Some(O::Local(i)), None),
            Instr::Get(n) | Instr::Set(n) | Instr::Call(n, _) => (Some(O::Name(n)), None),
            Instr::Static(i, _) => (Some(O::Member(i)), None),
            Instr::Lookup(_, key, default) if default == u16::MAX => {
                (Some(O::Str(key.into())), None)
            }
            Instr::Lookup(_, key, default) => {
                (Some(O::Str(key.into())), Some(O::OptStr(default.into())))
            }
            Instr::LookupEq(_, key, lit, _) | Instr::LookupNe(_, key, lit, _) => {
                (Some(O::Str(key.into())), Some(O::Str(lit.into())))
            }
            Instr::Jump(t)
            | Instr::JumpIfFalse(t)
            | Instr::JumpIfTrue(t)
            | Instr::JumpIfNull(t)
            | Instr::JumpIfNotNull(t)
            | Instr::IterNext(t) => (Some(O::Target(t)), None),
            Instr::Regex(i) => (Some(O::Regex(i)), None),
            Instr::MakeLambda(i) => (Some(O::Func(i)), None),
            Instr::NewAnon(i) => (Some(O::Shape(i)), None),
            Instr::TryEnter(h) => (Some(O::Handler(h)), None),
            _ => (None, None),
        };
        a.into_iter().chain(b)
    }

    /// `(pops, pushes)` on the path that falls through (for [`Next::Goto`] and
    /// [`Next::End`]: what it pops). `shapes` sizes `NewAnon`; `None` when out of range.
    pub fn stack_effect(self, shapes: &[Arc<[Arc<str>]>]) -> Option<(u32, u32)> {
        Some(match self {
            Instr::Const(_)
            | Instr::Str(_)
            | Instr::Null
            | Instr::Context
            | Instr::Host(_)
            | Instr::Load(_)
            | Instr::Lookup(..)
            | Instr::LookupEq(..)
            | Instr::LookupNe(..)
            | Instr::Regex(_)
            | Instr::MakeLambda(_)
            | Instr::LoadOut => (0, 1),
            Instr::Pop | Instr::Store(_) | Instr::JumpIfFalse(_) | Instr::JumpIfTrue(_) => (1, 0),
            Instr::Dup => (1, 2),
            Instr::Get(_)
            | Instr::GetNamed(_)
            | Instr::JumpIfNull(_)
            | Instr::JumpIfNotNull(_)
            | Instr::EqStr(_)
            | Instr::NeStr(_)
            | Instr::Unary(_)
            | Instr::Cast(_)
            | Instr::CastChecked(_)
            | Instr::Unbox(_)
            | Instr::IsType(_)
            | Instr::Catches(_)
            | Instr::As(_)
            | Instr::Format(_)
            | Instr::Iter
            | Instr::IterNext(_) => (1, 1),
            Instr::Set(_) => (2, 0),
            Instr::Call(_, a) | Instr::Index(a) | Instr::Invoke(a) => (u32::from(a) + 1, 1),
            Instr::Static(_, a) => (u32::from(a), 1),
            Instr::SetIndex(a) => (u32::from(a) + 2, 0),
            Instr::Binary(_) | Instr::BinaryChecked(_) | Instr::Align => (2, 1),
            Instr::Concat(n) | Instr::NewArray(_, n) => (u32::from(n), 1),
            Instr::NewAnon(i) => (u32::try_from(shapes.get(i as usize)?.len()).ok()?, 1),
            Instr::Jump(_) | Instr::TryEnter(_) | Instr::TryExit | Instr::Nop => (0, 0),
            Instr::Return | Instr::Throw => (1, 0),
        })
    }

    /// How control leaves this instruction.
    pub fn next(self) -> Next {
        match self {
            Instr::Jump(_) => Next::Goto,
            Instr::Return | Instr::Throw => Next::End,
            Instr::JumpIfFalse(_)
            | Instr::JumpIfTrue(_)
            | Instr::JumpIfNull(_)
            | Instr::JumpIfNotNull(_)
            | Instr::IterNext(_) => Next::Branch,
            _ => Next::Fall,
        }
    }

    /// For a [`Next::Branch`]: `(pops, pushes)` when the jump is taken.
    pub fn jump_effect(self) -> (u32, u32) {
        match self {
            Instr::JumpIfNull(_) | Instr::JumpIfNotNull(_) => (1, 1),
            _ => (1, 0),
        }
    }

    /// The jump target, if any.
    pub fn target(self) -> Option<u32> {
        self.operands().find_map(|o| match o {
            Operand::Target(t) => Some(t),
            _ => None,
        })
    }
}

/// The cast target for a C# type name (`int`, `System.Int32`, `JObject`, `byte[]`, …).
pub fn type_id(name: &str) -> Option<TypeId> {
    use TypeId::*;
    let name = name.trim_end_matches('?');
    let short = name.rsplit('.').next().unwrap_or(name);
    Some(match short {
        "object" | "Object" | "dynamic" => Object,
        "bool" | "Boolean" => Bool,
        "char" | "Char" => Char,
        "sbyte" | "SByte" => SByte,
        "byte" | "Byte" => Byte,
        "short" | "Int16" => Short,
        "ushort" | "UInt16" => UShort,
        "int" | "Int32" => Int,
        "uint" | "UInt32" => UInt,
        "long" | "Int64" => Long,
        "ulong" | "UInt64" => ULong,
        "float" | "Single" => Float,
        "double" | "Double" => Double,
        "decimal" | "Decimal" => Decimal,
        "string" | "String" => String,
        "DateTime" => DateTime,
        "TimeSpan" => TimeSpan,
        "Guid" => Guid,
        "JToken" | "JContainer" => JToken,
        "JObject" => JObject,
        "JArray" => JArray,
        "JValue" => JValue,
        "JProperty" => JProperty,
        "byte[]" | "Byte[]" => ByteArray,
        "Exception" => Exception,
        "IResponse" => Response,
        "Jwt" => Jwt,
        _ if short.ends_with("[]") => Array,
        _ if short.starts_with("List<") || short.starts_with("IList<") => List,
        _ if short.starts_with("Dictionary<") || short.starts_with("IDictionary<") => Dictionary,
        _ if short.starts_with("IEnumerable") => Enumerable,
        _ => return None,
    })
}
