//! Printing syntax trees back to C# source that parses to the same tree.

use super::ast::*;
use super::stmt::Block;
use std::fmt::Write;

mod new;
mod stmt;
mod text;
mod types;

use text::ident;

/// Prints an expression as C# source.
pub fn print_expression(e: &Expr) -> String {
    let mut p = Printer::default();
    p.expr(e, 0);
    p.out
}

/// Prints a block's statements (without the surrounding braces).
pub fn print_block(b: &Block) -> String {
    let mut p = Printer::default();
    for s in &b.stmts {
        p.stmt(s);
    }
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
}

/// Binding strength of an expression: higher binds tighter.
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Assign(..) | ExprKind::Lambda(_) => 0,
        ExprKind::Conditional(..) => 1,
        ExprKind::Binary(op, ..) => bin_prec(*op),
        ExprKind::Is(..) | ExprKind::As(..) => 9,
        ExprKind::Switch(..) => 13,
        ExprKind::Unary(..) | ExprKind::Cast(..) => 14,
        _ => 15,
    }
}

fn bin_prec(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Coalesce => 2,
        Or => 3,
        And => 4,
        BitOr => 5,
        BitXor => 6,
        BitAnd => 7,
        Eq | Ne => 8,
        Lt | Gt | Le | Ge => 9,
        Shl | Shr => 10,
        Add | Sub => 11,
        Mul | Div | Rem => 12,
    }
}

fn bin_text(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    match op {
        Mul => "*",
        Div => "/",
        Rem => "%",
        Add => "+",
        Sub => "-",
        Shl => "<<",
        Shr => ">>",
        Lt => "<",
        Gt => ">",
        Le => "<=",
        Ge => ">=",
        Eq => "==",
        Ne => "!=",
        BitAnd => "&",
        BitXor => "^",
        BitOr => "|",
        And => "&&",
        Or => "||",
        Coalesce => "??",
    }
}

fn assign_text(op: AssignOp) -> &'static str {
    use AssignOp::*;
    match op {
        Assign => "=",
        Add => "+=",
        Sub => "-=",
        Mul => "*=",
        Div => "/=",
        Rem => "%=",
        And => "&=",
        Or => "|=",
        Xor => "^=",
        Shl => "<<=",
        Shr => ">>=",
        Coalesce => "??=",
    }
}

impl Printer {
    fn s(&mut self, t: &str) {
        self.out.push_str(t);
    }

    /// Prints `e`, parenthesised if it binds looser than `min`.
    fn expr(&mut self, e: &Expr, min: u8) {
        if prec(e) < min {
            self.s("(");
            self.expr_kind(e);
            self.s(")");
        } else {
            self.expr_kind(e);
        }
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.s(", ");
            }
            f(self, x);
        }
    }

    fn expr_kind(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(l) => self.literal(l),
            ExprKind::Interpolated(parts) => self.interpolated(parts),
            ExprKind::NamedValue(n) => {
                let _ = write!(self.out, "{{{{{n}}}}}");
            }
            ExprKind::Name(n, args) => {
                self.s(&ident(&n.name));
                self.type_args(args);
            }
            ExprKind::PredefinedType(t) => self.ty(t),
            ExprKind::This => self.s("this"),
            ExprKind::Member {
                target,
                name,
                type_args,
                conditional,
            } => {
                self.expr(target, 15);
                self.s(if *conditional { "?." } else { "." });
                self.s(&ident(&name.name));
                self.type_args(type_args);
            }
            ExprKind::Index {
                target,
                args,
                conditional,
            } => {
                self.expr(target, 15);
                self.s(if *conditional { "?[" } else { "[" });
                self.args(args);
                self.s("]");
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee, 15);
                self.s("(");
                self.args(args);
                self.s(")");
            }
            ExprKind::Unary(op, x) => self.unary(*op, x),
            ExprKind::Postfix(op, x) => {
                self.expr(x, 15);
                self.s(match op {
                    PostfixOp::Inc => "++",
                    PostfixOp::Dec => "--",
                    PostfixOp::NullForgiving => "!",
                });
            }
            ExprKind::Binary(op, a, b) => {
                let p = bin_prec(*op);
                let (l, r) = if *op == BinaryOp::Coalesce {
                    (p + 1, p)
                } else {
                    (p, p + 1)
                };
                self.expr(a, l);
                let _ = write!(self.out, " {} ", bin_text(*op));
                self.expr(b, r);
            }
            ExprKind::Assign(op, a, b) => {
                self.expr(a, 2);
                let _ = write!(self.out, " {} ", assign_text(*op));
                self.expr(b, 0);
            }
            ExprKind::Conditional(c, a, b) => {
                self.expr(c, 2);
                self.s(" ? ");
                self.expr(a, 0);
                self.s(" : ");
                self.expr(b, 0);
            }
            ExprKind::Cast(t, x) => self.cast(t, x),
            ExprKind::Is(x, p) => {
                self.expr(x, 9);
                self.s(" is ");
                self.pattern(p);
            }
            ExprKind::As(x, t) => {
                self.expr(x, 9);
                self.s(" as ");
                self.ty(t);
            }
            ExprKind::Lambda(l) => self.lambda(l),
            ExprKind::New(n) => self.new_expr(n),
            ExprKind::TypeOf(t) => {
                self.s("typeof(");
                self.ty(t);
                self.s(")");
            }
            ExprKind::NameOf(x) => self.call_like("nameof(", x),
            ExprKind::Default(t) => {
                self.s("default");
                if let Some(t) = t {
                    self.s("(");
                    self.ty(t);
                    self.s(")");
                }
            }
            ExprKind::Checked(c, x) => {
                self.call_like(if *c { "checked(" } else { "unchecked(" }, x)
            }
            ExprKind::Switch(x, arms) => self.switch(x, arms),
            ExprKind::Paren(x) => self.call_like("(", x),
            ExprKind::Tuple(xs) => {
                self.s("(");
                self.list(xs, |p, x| p.expr(x, 0));
                self.s(")");
            }
            ExprKind::Throw(x) => {
                self.s("throw ");
                self.expr(x, 0);
            }
            ExprKind::ArrayInit(xs) => self.braced_exprs(xs),
        }
    }

    fn call_like(&mut self, open: &str, x: &Expr) {
        self.s(open);
        self.expr(x, 0);
        self.s(")");
    }

    fn braced_exprs(&mut self, xs: &[Expr]) {
        self.s("{ ");
        self.list(xs, |p, x| p.expr(x, 0));
        self.s(" }");
    }

    fn unary(&mut self, op: UnaryOp, x: &Expr) {
        let t = match op {
            UnaryOp::Plus => "+",
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::BitNot => "~",
            UnaryOp::PreInc => "++",
            UnaryOp::PreDec => "--",
        };
        self.s(t);
        let mark = self.out.len();
        self.expr(x, 14);
        let next = self.out[mark..].chars().next();
        if matches!(
            (t.chars().next(), next),
            (Some('+'), Some('+')) | (Some('-'), Some('-'))
        ) {
            self.out.insert(mark, ' ');
        }
    }

    fn cast(&mut self, t: &TypeRef, x: &Expr) {
        self.s("(");
        self.ty(t);
        self.s(")");
        let type_only =
            !matches!(&t.kind, TypeKind::Named(s) if s.iter().all(|g| g.args.is_empty()));
        let ok = match &x.kind {
            ExprKind::Unary(UnaryOp::Not | UnaryOp::BitNot, _) | ExprKind::Cast(..) => true,
            ExprKind::Unary(..) => type_only,
            _ => prec(x) >= 15,
        };
        if ok {
            self.expr(x, 0);
        } else {
            self.call_like("(", x);
        }
    }
}

/// Prints a type reference as C# source.
pub fn print_type(t: &TypeRef) -> String {
    let mut p = Printer::default();
    p.ty(t);
    p.out
}
