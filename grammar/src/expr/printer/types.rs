//! Printing literals, interpolated strings, arguments and types.

use super::text::{char_lit, ident, string_lit};
use super::Printer;
use crate::expr::ast::*;
use std::fmt::Write;

impl Printer {
    pub(super) fn literal(&mut self, l: &Literal) {
        match l {
            Literal::Int(v, s) => {
                let suffix = match s {
                    IntSuffix::None => "",
                    IntSuffix::U => "u",
                    IntSuffix::L => "L",
                    IntSuffix::UL => "UL",
                };
                let _ = write!(self.out, "{v}{suffix}");
            }
            Literal::Real(t, s) => {
                let suffix = match s {
                    RealSuffix::None => "",
                    RealSuffix::F => "f",
                    RealSuffix::D => "d",
                    RealSuffix::M => "m",
                };
                let _ = write!(self.out, "{t}{suffix}");
            }
            Literal::Char(c) => self.s(&char_lit(*c)),
            Literal::String(s) => self.s(&string_lit(s, false)),
            Literal::Bool(b) => self.s(if *b { "true" } else { "false" }),
            Literal::Null => self.s("null"),
        }
    }

    pub(super) fn interpolated(&mut self, parts: &[InterpPart]) {
        self.s("$\"");
        for part in parts {
            match part {
                InterpPart::Text(t, _) => {
                    let lit = string_lit(t, true);
                    self.s(&lit[1..lit.len() - 1]);
                }
                InterpPart::Hole {
                    expr,
                    alignment,
                    format,
                    ..
                } => {
                    self.s("{");
                    let min = if matches!(expr.kind, ExprKind::Conditional(..)) {
                        2
                    } else {
                        0
                    };
                    self.expr(expr, min);
                    if let Some(a) = alignment {
                        self.s(",");
                        self.expr(a, 2);
                    }
                    if let Some(f) = format {
                        self.s(":");
                        self.s(f);
                    }
                    self.s("}");
                }
            }
        }
        self.s("\"");
    }

    pub(super) fn args(&mut self, args: &[Arg]) {
        self.list(args, |p, a| {
            if let Some(n) = &a.name {
                let _ = write!(p.out, "{}: ", ident(&n.name));
            }
            p.s(match a.modifier {
                ArgModifier::None => "",
                ArgModifier::Out => "out ",
                ArgModifier::Ref => "ref ",
                ArgModifier::In => "in ",
            });
            match &a.value {
                ArgValue::Expr(e) => p.expr(e, 0),
                ArgValue::Decl(t, n) => {
                    p.ty(t);
                    p.s(" ");
                    p.s(&ident(&n.name));
                }
            }
        });
    }

    pub(super) fn type_args(&mut self, args: &[TypeRef]) {
        if args.is_empty() {
            return;
        }
        self.s("<");
        self.list(args, |p, t| p.ty(t));
        self.s(">");
    }

    pub(super) fn ty(&mut self, t: &TypeRef) {
        match &t.kind {
            TypeKind::Predefined(n) => self.s(n),
            TypeKind::Named(segs) => {
                for (i, g) in segs.iter().enumerate() {
                    if i > 0 {
                        self.s(".");
                    }
                    self.s(&ident(&g.name.name));
                    self.type_args(&g.args);
                }
            }
            TypeKind::Array(e, rank) => {
                self.ty(e);
                self.rank(*rank);
            }
            TypeKind::Nullable(e) => {
                self.ty(e);
                self.s("?");
            }
            TypeKind::Tuple(items) => {
                self.s("(");
                self.list(items, |p, (t, n)| {
                    p.ty(t);
                    if let Some(n) = n {
                        p.s(" ");
                        p.s(&ident(&n.name));
                    }
                });
                self.s(")");
            }
        }
    }

    pub(super) fn rank(&mut self, rank: u32) {
        self.s("[");
        for _ in 1..rank {
            self.s(",");
        }
        self.s("]");
    }
}
