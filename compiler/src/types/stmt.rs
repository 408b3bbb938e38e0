//! Type inference over statements: scopes, declarations, loops, `catch` variables.

use super::infer::{is_var, Checker};
use super::ty::{from_ref, Ty};
use gatehouse_grammar::expr::*;

impl Checker {
    /// Types a block in its own scope.
    pub fn block(&mut self, b: &Block) {
        self.push();
        for s in &b.stmts {
            self.stmt(s);
        }
        self.pop();
    }

    /// Types one statement.
    pub fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Empty | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Block(b) | StmtKind::Checked(_, b) => self.block(b),
            StmtKind::Local {
                ty, declarators, ..
            } => {
                for d in declarators {
                    let init = d.init.as_ref().map(|x| self.expr(x));
                    let t = match (is_var(ty), init) {
                        (true, Some(t)) => declared_var(t),
                        _ => from_ref(ty),
                    };
                    self.declare(&d.name.name, t);
                }
            }
            StmtKind::LocalFunction(f) => {
                self.declare(&f.name.name, Ty::Unknown);
                self.function_body(&f.params, &f.body);
            }
            StmtKind::Expr(x) => {
                self.expr(x);
            }
            StmtKind::If(c, a, b) => {
                self.expr(c);
                self.scoped(a);
                if let Some(b) = b {
                    self.scoped(b);
                }
            }
            StmtKind::Foreach(ty, id, x, body) => {
                let t = self.expr(x);
                self.push();
                let et = if is_var(ty) {
                    t.element()
                } else {
                    from_ref(ty)
                };
                self.declare(&id.name, et);
                self.stmt(body);
                self.pop();
            }
            StmtKind::For(l) => {
                self.push();
                for s in &l.init {
                    self.stmt(s);
                }
                if let Some(c) = &l.cond {
                    self.expr(c);
                }
                for u in &l.update {
                    self.expr(u);
                }
                self.stmt(&l.body);
                self.pop();
            }
            StmtKind::While(c, body) => {
                self.expr(c);
                self.scoped(body);
            }
            StmtKind::DoWhile(body, c) => {
                self.scoped(body);
                self.expr(c);
            }
            StmtKind::Switch(x, sections) => self.switch(x, sections),
            StmtKind::Return(x) => {
                let t = x.as_ref().map(|x| self.expr(x)).unwrap_or(Ty::Void);
                self.returns.push(t);
            }
            StmtKind::Throw(x) => {
                if let Some(x) = x {
                    self.expr(x);
                }
            }
            StmtKind::Try(b, catches, finally) => {
                self.block(b);
                for c in catches {
                    self.push();
                    if let Some(n) = &c.name {
                        self.declare(&n.name, Ty::Unknown);
                    }
                    if let Some(f) = &c.filter {
                        self.expr(f);
                    }
                    self.block(&c.body);
                    self.pop();
                }
                if let Some(f) = finally {
                    self.block(f);
                }
            }
            StmtKind::Using(r, body) => {
                self.push();
                self.stmt(r);
                self.stmt(body);
                self.pop();
            }
        }
    }

    /// A statement in its own scope (`if` branches, loop bodies).
    fn scoped(&mut self, s: &Stmt) {
        self.push();
        self.stmt(s);
        self.pop();
    }

    fn switch(&mut self, x: &Expr, sections: &[SwitchSection]) {
        let t = self.expr(x);
        self.push();
        for sec in sections {
            for l in &sec.labels {
                if let SwitchLabel::Case(p, guard) = l {
                    self.pattern(p, &t);
                    if let Some(g) = guard {
                        self.expr(g);
                    }
                }
            }
            for s in &sec.body {
                self.stmt(s);
            }
        }
        self.pop();
    }

    /// Types a local function's body; its returns are not the block's.
    fn function_body(&mut self, params: &[Param], body: &Body) {
        self.push();
        let outer = std::mem::take(&mut self.returns);
        for p in params {
            let t = p.ty.as_ref().map(from_ref).unwrap_or(Ty::Unknown);
            self.declare(&p.name.name, t);
        }
        match body {
            Body::Expr(x) => {
                self.expr(x);
            }
            Body::Block(b) => self.block(b),
        }
        self.returns = outer;
        self.pop();
    }
}

/// The type `var x = init` gives `x`: unknown for `null` and lambdas.
fn declared_var(t: Ty) -> Ty {
    match t {
        Ty::Null | Ty::Func(..) | Ty::Void | Ty::TypeName(_) | Ty::Namespace => Ty::Unknown,
        t => t,
    }
}
