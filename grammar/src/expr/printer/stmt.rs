//! Printing lambdas, `new`, switch expressions, patterns and statements.

use super::text::ident;
use super::Printer;
use crate::expr::ast::*;
use crate::expr::stmt::{Block, Stmt, StmtKind, SwitchLabel};

impl Printer {
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
            StmtKind::LocalFunction(f) => {
                self.ty(&f.ret);
                self.s(" ");
                self.s(&ident(&f.name.name));
                self.params(&f.params);
                match &f.body {
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
            StmtKind::For(l) => {
                self.s("for (");
                for (i, s) in l.init.iter().enumerate() {
                    if i > 0 {
                        self.s(", ");
                    }
                    match &s.kind {
                        StmtKind::Expr(e) => self.expr(e, 0),
                        _ => self.local(s),
                    }
                }
                self.s("; ");
                if let Some(c) = &l.cond {
                    self.expr(c, 0);
                }
                self.s("; ");
                self.list(&l.update, |p, x| p.expr(x, 0));
                self.s(") ");
                self.sub(&l.body);
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
