//! How an instruction's operands are written and read: each operand type is a [`Field`]
//! with one encoding; the bundle supplies the byte sink and the checked source.

use super::{BinOp, TypeId, UnOp};
use crate::value::HostObj;

/// Where encoded operands go (the bundle writer).
pub trait OperandSink {
    /// One byte.
    fn byte(&mut self, b: u8);
    /// An unsigned varint.
    fn var(&mut self, v: u64);
    /// A host object (two bytes: kind and argument).
    fn host(&mut self, h: HostObj);
}

/// Where encoded operands come from (the bundle reader, which checks every value).
pub trait OperandSource {
    /// Why a read failed.
    type Error;
    /// One byte.
    fn byte(&mut self) -> Result<u8, Self::Error>;
    /// A byte that must be 0 or 1.
    fn flag(&mut self) -> Result<bool, Self::Error>;
    /// A varint that must fit a `u32`.
    fn var_u32(&mut self) -> Result<u32, Self::Error>;
    /// A varint that must fit a `u16`.
    fn var_u16(&mut self) -> Result<u16, Self::Error>;
    /// A host object in canonical form.
    fn host(&mut self) -> Result<HostObj, Self::Error>;
    /// A byte indexing `all` (an enum in tag order); `what` names it in errors.
    fn tag<T: Copy>(&mut self, all: &[T], what: &str) -> Result<T, Self::Error>;
}

/// An operand type and its encoding.
pub trait Field: Copy {
    /// Writes `self`.
    fn put<S: OperandSink>(self, s: &mut S);
    /// Reads one.
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error>;
}

impl Field for u32 {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.var(self.into());
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.var_u32()
    }
}

impl Field for u16 {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.var(self.into());
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.var_u16()
    }
}

impl Field for u8 {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.byte(self);
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.byte()
    }
}

impl Field for bool {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.byte(u8::from(self));
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.flag()
    }
}

impl Field for HostObj {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.host(self);
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.host()
    }
}

/// The index of `v` in `all` (an enum's variants in tag order).
pub fn tag_of<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter().position(|x| x == v).unwrap_or(0) as u8
}

impl Field for BinOp {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.byte(tag_of(&BinOp::ALL, &self));
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.tag(&BinOp::ALL, "binary operator")
    }
}

impl Field for UnOp {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.byte(tag_of(&UnOp::ALL, &self));
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.tag(&UnOp::ALL, "unary operator")
    }
}

impl Field for TypeId {
    fn put<S: OperandSink>(self, s: &mut S) {
        s.byte(tag_of(&TypeId::ALL, &self));
    }
    fn take<S: OperandSource>(s: &mut S) -> Result<Self, S::Error> {
        s.tag(&TypeId::ALL, "type id")
    }
}
