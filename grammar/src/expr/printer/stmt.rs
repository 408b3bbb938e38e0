//! Printing lambdas, `new`, switch expressions, patterns and statements.

use super::text::ident;
use super::Printer;
use crate::expr::ast::*;
use crate::expr::stmt::{Block, Stmt, StmtKind, SwitchLabel};

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

    fn params(&mut self, ps: &[Param]) {
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

    fn body(&mut self, b: &Body) {
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
            NewExpr::Array {
                elem,
                sizes,
                rank,
                init,
            } => {
                let mut ranks = Vec::new();
                let mut base = elem.as_ref();
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
                if sizes.is_empty() {
                    self.rank(*rank);
                } else {
                    self.s("[");
                    self.list(sizes, |p, x| p.expr(x, 0));
                    self.s("]");
                }
                ranks.into_iter().for_each(|r| self.rank(r));
                if let Some(xs) = init {
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

    fn initializer(&mut self, i: &Initializer) {
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

    fn pattern_pair(&mut self, a: &Pattern, op: &str, b: &Pattern) {
        self.pattern(a);
        self.s(op);
        self.pattern(b);
    }

    fn newline(&mut self) {
        self.s("\n");
        for _ in 0..self.indent {
            self.s("    ");
        }
    }

    pub(super) fn block(&mut self, b: &Block) {
        self.s("{");
        self.indent += 1;
        for s in &b.stmts {
            self.newline();
            self.stmt(s);
        }
        self.indent -= 1;
        self.newline();
        self.s("}");
    }

    /// Prints a statement (followed by a newline at top level).
    pub(super) fn stmt(&mut self, s: &Stmt) {
        let top = self.indent == 0;
        self.stmt_kind(s);
        if top {
            self.s("\n");
        }
    }

    fn sub(&mut self, s: &Stmt) {
        self.indent += 1;
        self.stmt_kind(s);
        self.indent -= 1;
    }

    fn stmt_kind(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Empty => self.s(";"),
            StmtKind::Block(b) => self.block(b),
            StmtKind::Checked(c, b) => {
                self.s(if *c { "checked " } else { "unchecked " });
                self.block(b);
            }
            StmtKind::Local { .. } => {
                self.local(s);
                self.s(";");
            }
            StmtKind::LocalFunction {
                ret,
                name,
                params,
                body,
            } => {
                self.ty(ret);
                self.s(" ");
                self.s(&ident(&name.name));
                self.params(params);
                match body {
                    Body::Block(b) => {
                        self.s(" ");
                        self.block(b);
                    }
                    Body::Expr(e) => {
                        self.s(" => ");
                        self.expr(e, 0);
                        self.s(";");
                    }
                }
            }
            StmtKind::Expr(e) => {
                self.expr(e, 0);
                self.s(";");
            }
            StmtKind::If(c, t, o) => {
                self.head("if (", c);
                self.sub(t);
                if let Some(o) = o {
                    self.s(" else ");
                    self.sub(o);
                }
            }
            StmtKind::Foreach(t, n, x, b) => {
                self.s("foreach (");
                self.ty(t);
                self.s(" ");
                self.s(&ident(&n.name));
                self.head(" in ", x);
                self.sub(b);
            }
            StmtKind::For {
                init,
                cond,
                update,
                body,
            } => {
                self.s("for (");
                for (i, s) in init.iter().enumerate() {
                    if i > 0 {
                        self.s(", ");
                    }
                    match &s.kind {
                        StmtKind::Expr(e) => self.expr(e, 0),
                        _ => self.local(s),
                    }
                }
                self.s("; ");
                if let Some(c) = cond {
                    self.expr(c, 0);
                }
                self.s("; ");
                self.list(update, |p, x| p.expr(x, 0));
                self.s(") ");
                self.sub(body);
            }
            StmtKind::While(c, b) => {
                self.head("while (", c);
                self.sub(b);
            }
            StmtKind::DoWhile(b, c) => {
                self.s("do ");
                self.sub(b);
                self.head(" while (", c);
                self.out.pop();
                self.s(";");
            }
            StmtKind::Switch(x, sections) => {
                self.head("switch (", x);
                self.s("{");
                self.indent += 1;
                for sec in sections {
                    for l in &sec.labels {
                        self.newline();
                        match l {
                            SwitchLabel::Default => self.s("default:"),
                            SwitchLabel::Case(p, g) => {
                                self.s("case ");
                                self.pattern(p);
                                if let Some(g) = g {
                                    self.s(" when ");
                                    self.expr(g, 0);
                                }
                                self.s(":");
                            }
                        }
                    }
                    self.indent += 1;
                    for s in &sec.body {
                        self.newline();
                        self.stmt_kind(s);
                    }
                    self.indent -= 1;
                }
                self.indent -= 1;
                self.newline();
                self.s("}");
            }
            StmtKind::Return(x) => self.jump("return", x.as_ref()),
            StmtKind::Throw(x) => self.jump("throw", x.as_ref()),
            StmtKind::Break => self.s("break;"),
            StmtKind::Continue => self.s("continue;"),
            StmtKind::Try(b, catches, fin) => {
                self.s("try ");
                self.block(b);
                for c in catches {
                    self.s(" catch ");
                    if let Some(t) = &c.ty {
                        self.s("(");
                        self.ty(t);
                        if let Some(n) = &c.name {
                            self.s(" ");
                            self.s(&ident(&n.name));
                        }
                        self.s(") ");
                    }
                    if let Some(f) = &c.filter {
                        self.head("when (", f);
                    }
                    self.block(&c.body);
                }
                if let Some(f) = fin {
                    self.s(" finally ");
                    self.block(f);
                }
            }
            StmtKind::Using(r, b) => {
                self.s("using (");
                match &r.kind {
                    StmtKind::Expr(e) => self.expr(e, 0),
                    _ => self.local(r),
                }
                self.s(") ");
                self.sub(b);
            }
        }
    }

    fn head(&mut self, open: &str, x: &Expr) {
        self.s(open);
        self.expr(x, 0);
        self.s(") ");
    }

    fn jump(&mut self, kw: &str, x: Option<&Expr>) {
        self.s(kw);
        if let Some(x) = x {
            self.s(" ");
            self.expr(x, 0);
        }
        self.s(";");
    }

    fn local(&mut self, s: &Stmt) {
        let StmtKind::Local {
            is_const,
            ty,
            declarators,
        } = &s.kind
        else {
            return;
        };
        if *is_const {
            self.s("const ");
        }
        self.ty(ty);
        self.s(" ");
        self.list(declarators, |p, d| {
            p.s(&ident(&d.name.name));
            if let Some(i) = &d.init {
                p.s(" = ");
                p.expr(i, 0);
            }
        });
    }
}
