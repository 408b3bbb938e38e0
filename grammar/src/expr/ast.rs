//! Syntax tree of C# policy expressions and statement blocks, with a span on every node.

use crate::Span;

pub use super::ast_new::*;

/// An identifier (without any `@` verbatim prefix).
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: Box<str>,
    /// Where it is.
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// `$"..."`.
    Interpolated(Vec<InterpPart>),
    /// `{{Name}}`: a named-value reference in code position.
    NamedValue(Box<str>),
    /// A simple name, possibly generic: `x`, `As<JObject>`.
    Name(Ident, Vec<TypeRef>),
    /// A predefined type used as an expression target: `string` in `string.Join`.
    PredefinedType(TypeRef),
    /// `this`.
    This,
    /// `target.name<args>` or `target?.name<args>`.
    Member {
        /// The expression before the dot.
        target: Box<Expr>,
        /// The member name.
        name: Ident,
        /// Generic arguments, if any.
        type_args: Vec<TypeRef>,
        /// `?.` rather than `.`.
        conditional: bool,
    },
    /// `target[args]` or `target?[args]`.
    Index {
        /// The indexed expression.
        target: Box<Expr>,
        /// The index arguments.
        args: Vec<Arg>,
        /// `?[` rather than `[`.
        conditional: bool,
    },
    /// `callee(args)`.
    Call {
        /// The called expression.
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<Arg>,
    },
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// A postfix `++`, `--` or `!`.
    Postfix(PostfixOp, Box<Expr>),
    /// A binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// An assignment, simple or compound.
    Assign(AssignOp, Box<Expr>, Box<Expr>),
    /// `cond ? a : b`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `(T)e`.
    Cast(TypeRef, Box<Expr>),
    /// `e is pattern`.
    Is(Box<Expr>, Box<Pattern>),
    /// `e as T`.
    As(Box<Expr>, TypeRef),
    /// A lambda.
    Lambda(Box<Lambda>),
    /// A `new` expression.
    New(Box<NewExpr>),
    /// `typeof(T)`.
    TypeOf(TypeRef),
    /// `nameof(e)`.
    NameOf(Box<Expr>),
    /// `default(T)` or `default`.
    Default(Option<TypeRef>),
    /// `checked(e)` (true) or `unchecked(e)` (false).
    Checked(bool, Box<Expr>),
    /// `e switch { arms }`.
    Switch(Box<Expr>, Vec<SwitchArm>),
    /// `(e)`, kept so printing and spans stay faithful.
    Paren(Box<Expr>),
    /// `(a, b)`.
    Tuple(Vec<Expr>),
    /// `throw e` in expression position.
    Throw(Box<Expr>),
    /// `{ a, b }` as a variable or array initializer.
    ArrayInit(Vec<Expr>),
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// An integer with its type suffix.
    Int(u64, IntSuffix),
    /// A real number: its digits (underscores removed, suffix stripped) and suffix.
    Real(Box<str>, RealSuffix),
    /// A char.
    Char(char),
    /// A string, escapes decoded.
    String(Box<str>),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// Integer suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntSuffix {
    /// No suffix.
    None,
    /// `u`.
    U,
    /// `l`.
    L,
    /// `ul`.
    UL,
}

/// Real suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RealSuffix {
    /// No suffix (double).
    None,
    /// `f`.
    F,
    /// `d`.
    D,
    /// `m`.
    M,
}

/// One piece of an interpolated string.
#[derive(Clone, Debug, PartialEq)]
pub enum InterpPart {
    /// Literal text, escapes decoded.
    Text(Box<str>, Span),
    /// `{expr,alignment:format}`.
    Hole {
        /// The interpolated expression.
        expr: Expr,
        /// The `,n` alignment.
        alignment: Option<Expr>,
        /// The `:format` text.
        format: Option<Box<str>>,
        /// The hole including braces.
        span: Span,
    },
}

/// A call or index argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `name:` for named arguments.
    pub name: Option<Ident>,
    /// `out`, `ref` or `in`.
    pub modifier: ArgModifier,
    /// The value.
    pub value: ArgValue,
    /// Where it is.
    pub span: Span,
}

/// Argument passing modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgModifier {
    /// By value.
    None,
    /// `out`.
    Out,
    /// `ref`.
    Ref,
    /// `in`.
    In,
}

/// An argument's value.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue {
    /// An expression.
    Expr(Expr),
    /// `out var x` / `out string x`: a declaration.
    Decl(TypeRef, Ident),
}

/// A type reference.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeRef {
    /// What it is.
    pub kind: TypeKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of type reference.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A predefined type keyword: `string`, `int`, ...
    Predefined(&'static str),
    /// A dotted, possibly generic name: `System.Collections.Generic.List<int>`.
    Named(Vec<TypeSegment>),
    /// `T[]` (rank 1), `T[,]` (rank 2), ...
    Array(Box<TypeRef>, u32),
    /// `T?`.
    Nullable(Box<TypeRef>),
    /// `(T1, T2 name)`.
    Tuple(Vec<(TypeRef, Option<Ident>)>),
}

/// One `Name<Args>` segment of a named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSegment {
    /// The name.
    pub name: Ident,
    /// Generic arguments.
    pub args: Vec<TypeRef>,
}

/// A lambda expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// Parameters.
    pub params: Vec<Param>,
    /// Whether the parameters were parenthesised.
    pub parenthesized: bool,
    /// The body.
    pub body: Body,
}

/// A lambda or local-function parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The declared type, if explicit.
    pub ty: Option<TypeRef>,
    /// The name.
    pub name: Ident,
    /// Where it is.
    pub span: Span,
}

/// A lambda or local-function body.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// `=> expr`.
    Expr(Expr),
    /// `{ ... }`.
    Block(super::Block),
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Plus,
    Neg,
    Not,
    BitNot,
    PreInc,
    PreDec,
}

/// Postfix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum PostfixOp {
    Inc,
    Dec,
    NullForgiving,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
    Coalesce,
}

/// Assignment operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum AssignOp {
    Assign,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
    Shl,
    Shr,
    Coalesce,
}
