//! Printing lambdas, `new` expressions, initializers, switch expressions and patterns.

use super::text::ident;
use super::Printer;
use crate::expr::ast::*;

impl Printer {
    pub(super) fn lambda(&mut self, l: &Lambda) {
        let simple = !l.parenthesized && l.params.len() == 1 && l.params[0].ty.is_none();
        if simple {
            self.s(&ident(&l.params[0].name.name));
        } else {
            self.params(&l.params);
        }
        self.s(" => ");
        self.body(&l.body);
    }

    pub(super) fn params(&mut self, ps: &[Param]) {
        self.s("(");
        self.list(ps, |p, x| {
            if let Some(t) = &x.ty {
                p.ty(t);
                p.s(" ");
            }
            p.s(&ident(&x.name.name));
        });
        self.s(")");
    }

    pub(super) fn body(&mut self, b: &Body) {
        match b {
            Body::Expr(e) => self.expr(e, 0),
            Body::Block(b) => self.block(b),
        }
    }

    pub(super) fn new_expr(&mut self, n: &NewExpr) {
        self.s("new");
        match n {
            NewExpr::Object { ty, args, init } => {
                if let Some(t) = ty {
                    self.s(" ");
                    self.ty(t);
                }
                if let Some(a) = args {
                    self.s("(");
                    self.args(a);
                    self.s(")");
                } else if ty.is_none() {
                    self.s("()");
                }
                if let Some(i) = init {
                    self.s(" ");
                    self.initializer(i);
                }
            }
            NewExpr::Array(a) => {
                let mut ranks = Vec::new();
                let mut base = a.elem.as_ref();
                while let Some(TypeRef {
                    kind: TypeKind::Array(e, r),
                    ..
                }) = base
                {
                    ranks.push(*r);
                    base = Some(e);
                }
                if let Some(b) = base {
                    self.s(" ");
                    self.ty(b);
                }
                if a.sizes.is_empty() {
                    self.rank(a.rank);
                } else {
                    self.s("[");
                    self.list(&a.sizes, |p, x| p.expr(x, 0));
                    self.s("]");
                }
                ranks.into_iter().for_each(|r| self.rank(r));
                if let Some(xs) = &a.init {
                    self.s(" ");
                    self.braced_exprs(xs);
                }
            }
            NewExpr::Anonymous(ms) => {
                self.s(" { ");
                self.list(ms, |p, m| {
                    if let Some(n) = &m.name {
                        p.s(&ident(&n.name));
                        p.s(" = ");
                    }
                    p.expr(&m.value, 0);
                });
                self.s(" }");
            }
        }
    }

    pub(super) fn initializer(&mut self, i: &Initializer) {
        match i {
            Initializer::Collection(xs) => self.braced_exprs(xs),
            Initializer::Object(entries) => {
                self.s("{ ");
                self.list(entries, |p, m| {
                    match &m.target {
                        InitTarget::Member(n) => p.s(&ident(&n.name)),
                        InitTarget::Index(a) => {
                            p.s("[");
                            p.args(a);
                            p.s("]");
                        }
                    }
                    p.s(" = ");
                    match &m.value {
                        InitValue::Expr(e) => p.expr(e, 0),
                        InitValue::Init(i) => p.initializer(i),
                    }
                });
                self.s(" }");
            }
        }
    }

    pub(super) fn switch(&mut self, x: &Expr, arms: &[SwitchArm]) {
        self.expr(x, 14);
        self.s(" switch { ");
        self.list(arms, |p, a| {
            p.pattern(&a.pattern);
            if let Some(g) = &a.guard {
                p.s(" when ");
                p.expr(g, 0);
            }
            p.s(" => ");
            p.expr(&a.value, 0);
        });
        self.s(" }");
    }

    pub(super) fn pattern(&mut self, p: &Pattern) {
        match &p.kind {
            PatternKind::Discard => self.s("_"),
            PatternKind::Constant(e) => self.expr(e, 10),
            PatternKind::Type(t) => self.ty(t),
            PatternKind::Declaration(t, n) => {
                self.ty(t);
                self.s(" ");
                self.s(&ident(&n.name));
            }
            PatternKind::Relational(op, e) => {
                self.s(super::bin_text(*op));
                self.s(" ");
                self.expr(e, 10);
            }
            PatternKind::Property { ty, fields, name } => {
                if let Some(t) = ty {
                    self.ty(t);
                    self.s(" ");
                }
                self.s("{ ");
                self.list(fields, |p, (n, pat)| {
                    p.s(&ident(&n.name));
                    p.s(": ");
                    p.pattern(pat);
                });
                self.s(" }");
                if let Some(n) = name {
                    self.s(" ");
                    self.s(&ident(&n.name));
                }
            }
            PatternKind::Not(x) => {
                self.s("not ");
                self.pattern(x);
            }
            PatternKind::And(a, b) => self.pattern_pair(a, " and ", b),
            PatternKind::Or(a, b) => self.pattern_pair(a, " or ", b),
            PatternKind::Paren(x) => {
                self.s("(");
                self.pattern(x);
                self.s(")");
            }
        }
    }

    pub(super) fn pattern_pair(&mut self, a: &Pattern, op: &str, b: &Pattern) {
        self.pattern(a);
        self.s(op);
        self.pattern(b);
    }
}
