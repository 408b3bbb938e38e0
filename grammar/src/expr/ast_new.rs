//! Syntax tree of `new` expressions, initializers, switch arms and patterns.

use super::ast::{Arg, BinaryOp, Expr, Ident, TypeRef};
use crate::Span;

/// The parts of an array creation, `new T[n] {..}` / `new T[] {..}` / `new[] {..}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrayCreation {
    /// Element type (`None` for `new[]`).
    pub elem: Option<TypeRef>,
    /// Sizes given in brackets (empty for `[]`), and the rank.
    pub sizes: Vec<Expr>,
    /// Rank of the outer array.
    pub rank: u32,
    /// Elements.
    pub init: Option<Vec<Expr>>,
}

/// A `new` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum NewExpr {
    /// `new T(args) { init }`; `ty` is `None` for target-typed `new()`.
    Object {
        /// The created type.
        ty: Option<TypeRef>,
        /// Constructor arguments (`None` if the parentheses were omitted).
        args: Option<Vec<Arg>>,
        /// The initializer.
        init: Option<Initializer>,
    },
    /// `new T[n] {..}` / `new T[] {..}` / `new[] {..}`.
    Array(ArrayCreation),
    /// `new { a = 1, b }`.
    Anonymous(Vec<AnonMember>),
}

/// An object or collection initializer.
#[derive(Clone, Debug, PartialEq)]
pub enum Initializer {
    /// `{ A = 1, [k] = v }`.
    Object(Vec<MemberInit>),
    /// `{ a, b }` and `{ {k, v} }` (multi-element items are `ArrayInit`).
    Collection(Vec<Expr>),
}

/// One `A = v` or `[k] = v` entry of an object initializer.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberInit {
    /// The target.
    pub target: InitTarget,
    /// The value (an expression, or a nested initializer as `ArrayInit`/`New`).
    pub value: InitValue,
    /// Where it is.
    pub span: Span,
}

/// Left side of an object-initializer entry.
#[derive(Clone, Debug, PartialEq)]
pub enum InitTarget {
    /// `Name =`.
    Member(Ident),
    /// `[args] =`.
    Index(Vec<Arg>),
}

/// Right side of an object-initializer entry.
#[derive(Clone, Debug, PartialEq)]
pub enum InitValue {
    /// An expression.
    Expr(Expr),
    /// A nested initializer `{ ... }`.
    Init(Initializer),
}

/// A member of an anonymous object: `name = value` or a projection `value`.
#[derive(Clone, Debug, PartialEq)]
pub struct AnonMember {
    /// The explicit name, if any.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// One arm of a switch expression.
#[derive(Clone, Debug, PartialEq)]
pub struct SwitchArm {
    /// The pattern.
    pub pattern: Pattern,
    /// The `when` guard.
    pub guard: Option<Expr>,
    /// The result.
    pub value: Expr,
    /// Where it is.
    pub span: Span,
}

/// A pattern (`is`, `case`, switch arms).
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// What it is.
    pub kind: PatternKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// `_`.
    Discard,
    /// A constant: `null`, `1`, `"a"`.
    Constant(Expr),
    /// A type: `string`.
    Type(TypeRef),
    /// A declaration: `string s` (or `var s`).
    Declaration(TypeRef, Ident),
    /// `< 5`, `>= 1`, ...
    Relational(BinaryOp, Expr),
    /// `T { A: p } name`.
    Property {
        /// The type tested, if any.
        ty: Option<TypeRef>,
        /// Sub-patterns on members.
        fields: Vec<(Ident, Pattern)>,
        /// The designation, if any.
        name: Option<Ident>,
    },
    /// `not p`.
    Not(Box<Pattern>),
    /// `p and q`.
    And(Box<Pattern>, Box<Pattern>),
    /// `p or q`.
    Or(Box<Pattern>, Box<Pattern>),
    /// `(p)`.
    Paren(Box<Pattern>),
}
