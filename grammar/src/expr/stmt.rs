//! Syntax tree of statements inside `@{ ... }` blocks and lambda bodies.

use super::ast::{Body, Expr, Ident, Param, Pattern, TypeRef};
use crate::Span;

/// A `{ ... }` block (or the whole `@{ ... }` body).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The statements.
    pub stmts: Vec<Stmt>,
    /// Where it is (braces included, except for the top-level body).
    pub span: Span,
}

/// A local function, `T F(params) { ... }` or `T F(params) => e;`.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalFunction {
    /// Return type.
    pub ret: TypeRef,
    /// Name.
    pub name: Ident,
    /// Parameters.
    pub params: Vec<Param>,
    /// Body.
    pub body: Body,
}

/// The parts of `for (init; cond; update) body`.
#[derive(Clone, Debug, PartialEq)]
pub struct ForLoop {
    /// Initializer: a declaration statement or expression statements.
    pub init: Vec<Stmt>,
    /// Condition.
    pub cond: Option<Expr>,
    /// Iterators.
    pub update: Vec<Expr>,
    /// Body.
    pub body: Box<Stmt>,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Where it is.
    pub span: Span,
}

/// One `name = init` of a local declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Declarator {
    /// The variable.
    pub name: Ident,
    /// Its initializer.
    pub init: Option<Expr>,
    /// Where it is.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `;`.
    Empty,
    /// `{ ... }`.
    Block(Block),
    /// `[const] T a = 1, b;`.
    Local {
        /// `const`.
        is_const: bool,
        /// The declared type (`var` is a named type).
        ty: TypeRef,
        /// The variables.
        declarators: Vec<Declarator>,
    },
    /// `T F(params) { ... }` or `=> e;`.
    LocalFunction(LocalFunction),
    /// `e;`.
    Expr(Expr),
    /// `if (c) s else s`.
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    /// `foreach (T x in e) s`.
    Foreach(TypeRef, Ident, Expr, Box<Stmt>),
    /// `for (init; cond; update) s`.
    For(ForLoop),
    /// `while (c) s`.
    While(Expr, Box<Stmt>),
    /// `do s while (c);`.
    DoWhile(Box<Stmt>, Expr),
    /// `switch (e) { sections }`.
    Switch(Expr, Vec<SwitchSection>),
    /// `return e;`.
    Return(Option<Expr>),
    /// `break;`.
    Break,
    /// `continue;`.
    Continue,
    /// `throw e;`.
    Throw(Option<Expr>),
    /// `try { } catch ... finally { }`.
    Try(Block, Vec<CatchClause>, Option<Block>),
    /// `checked { }` (true) or `unchecked { }` (false).
    Checked(bool, Block),
    /// `using (resource) s`: the resource is a declaration or expression statement.
    Using(Box<Stmt>, Box<Stmt>),
}

/// A `case ...:`/`default:` group and its statements.
#[derive(Clone, Debug, PartialEq)]
pub struct SwitchSection {
    /// The labels.
    pub labels: Vec<SwitchLabel>,
    /// The statements.
    pub body: Vec<Stmt>,
    /// Where it is.
    pub span: Span,
}

/// A switch label.
#[derive(Clone, Debug, PartialEq)]
pub enum SwitchLabel {
    /// `case p when g:`.
    Case(Pattern, Option<Expr>),
    /// `default:`.
    Default,
}

/// `catch (T name) when (f) { }`.
#[derive(Clone, Debug, PartialEq)]
pub struct CatchClause {
    /// The exception type.
    pub ty: Option<TypeRef>,
    /// The variable.
    pub name: Option<Ident>,
    /// The `when` filter.
    pub filter: Option<Expr>,
    /// The handler.
    pub body: Block,
    /// Where it is.
    pub span: Span,
}
