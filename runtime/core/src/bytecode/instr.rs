//! The instruction set: a small `Copy` enum for a stack machine.

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

/// One instruction. Stack effects are noted as `before -> after`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Instr {
    /// `-> consts[i]`.
    Const(u32),
    /// `-> strings[i]`.
    Str(u32),
    /// `-> null`.
    Null,
    /// `-> context`.
    Context,
    /// `-> a context object`: a static navigation chain (`context.Request.Headers`) folded
    /// at lowering.
    Host(crate::value::HostObj),
    /// `x ->`.
    Pop,
    /// `x -> x x`.
    Dup,
    /// `-> locals[i]`.
    Load(u16),
    /// `x ->`, `locals[i] = x`.
    Store(u16),
    /// `obj -> obj.name` where `name` is library member-name id `n`.
    Get(u32),
    /// `obj -> obj.name` for a member no table entry has (anonymous-type fields), by
    /// `strings[i]`.
    GetNamed(u32),
    /// `obj value ->`: `obj.name = value`.
    Set(u32),
    /// `-> map.GetValueOrDefault(strings[key], strings[default])` for a static `context`
    /// multimap (`Headers`, `Url.Query`, `MatchedParameters`) and literal arguments: the
    /// values joined with `,` (the stored string itself for one value) or the default
    /// (`u16::MAX`: null). Folded at lowering; no dispatch, no argument pushes.
    Lookup(crate::value::HostObj, u16, u16),
    /// `-> map.GetValueOrDefault(strings[key], …) == strings[lit]` ([`Instr::Lookup`] fused
    /// with a literal comparison): compares the stored values in place; the `bool` is the
    /// result when the key is absent (decided at lowering from the literal default).
    LookupEq(crate::value::HostObj, u16, u16, bool),
    /// `-> map.GetValueOrDefault(…) != strings[lit]`, as [`Instr::LookupEq`].
    LookupNe(crate::value::HostObj, u16, u16, bool),
    /// `obj args… -> result`: instance member `n` with `argc` arguments, dispatched on the
    /// receiver's run-time type.
    Call(u32, u8),
    /// `args… -> result`: static member (method, property or constructor) at library index `i`.
    Static(u32, u8),
    /// `obj idx… -> obj[idx…]`.
    Index(u8),
    /// `obj idx… value ->`: `obj[idx…] = value`.
    SetIndex(u8),
    /// Jump to `pc`.
    Jump(u32),
    /// `b ->`; jump when false.
    JumpIfFalse(u32),
    /// `b ->`; jump when true.
    JumpIfTrue(u32),
    /// `x -> x`; jump when `x` is null (the `?.` chain and `??`).
    JumpIfNull(u32),
    /// `x -> x`; jump when `x` is not null.
    JumpIfNotNull(u32),
    /// `a b -> a op b` (unchecked).
    Binary(BinOp),
    /// `x -> x == strings[i]`: comparison with a string literal, without pushing it.
    EqStr(u32),
    /// `x -> x != strings[i]`.
    NeStr(u32),
    /// `a b -> a op b` (checked: overflow throws).
    BinaryChecked(BinOp),
    /// `x -> op x`.
    Unary(UnOp),
    /// `x -> (T)x` (explicit conversion; unboxing rules for boxed values).
    Cast(TypeId),
    /// `x -> checked((T)x)`.
    CastChecked(TypeId),
    /// `x -> (T)x` where `x` is statically `object`: unboxing needs the exact type.
    Unbox(TypeId),
    /// `x -> x is T`.
    IsType(TypeId),
    /// `e -> bool`: whether exception `e` is caught by a `catch` of type `strings[i]`.
    Catches(u32),
    /// `x -> x as T` (null when not a `T`).
    As(TypeId),
    /// `x -> x.ToString(strings[f])` (interpolation holes); `f == u32::MAX` for no format.
    Format(u32),
    /// `x n -> x padded to alignment n` (interpolation `{x,n}`).
    Align,
    /// `s₁ … sₙ -> concatenation` (interpolation).
    Concat(u16),
    /// `-> the compiled regex i` (a `Regex` object).
    Regex(u32),
    /// `-> lambda for funcs[i]`.
    MakeLambda(u32),
    /// `f args… -> f(args…)`.
    Invoke(u8),
    /// `xs… -> new T[]{xs…}` / `List<T>` (by type id) of `n` elements.
    NewArray(TypeId, u16),
    /// `vals… -> new { shapes[i] = vals… }`.
    NewAnon(u32),
    /// `coll -> iterator` (a snapshot of the collection's elements).
    Iter,
    /// `it -> item` or, at the end, `it ->` and jump.
    IterNext(u32),
    /// Push handler `handlers[i]`.
    TryEnter(u32),
    /// Pop the innermost handler.
    TryExit,
    /// `x ->`: return `x` from the current function or the expression.
    Return,
    /// `e ->`: throw exception object `e` (null: rethrow the one being handled).
    Throw,
    /// `-> the value the last call stored in its `out` parameter`.
    LoadOut,
    /// No operation.
    Nop,
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
        _ if short.ends_with("[]") => Array,
        _ if short.starts_with("List<") || short.starts_with("IList<") => List,
        _ if short.starts_with("Dictionary<") || short.starts_with("IDictionary<") => Dictionary,
        _ if short.starts_with("IEnumerable") => Enumerable,
        _ => return None,
    })
}
