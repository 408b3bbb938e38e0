//! Dumping lambdas, `new`, patterns and statements.

use super::Dumper;
use crate::expr::ast::*;
use crate::expr::printer::print_type as ty;
use crate::expr::stmt::{Block, Stmt, StmtKind, SwitchLabel};

impl Dumper {
    pub(super) fn lambda(&mut self, l: &Lambda) {
        let head = if l.parenthesized {
            "Lambda (..)"
        } else {
            "Lambda"
        };
        self.node(head, |d| {
            d.params(&l.params);
            d.body(&l.body);
        });
    }

    fn params(&mut self, ps: &[Param]) {
        for p in ps {
            match &p.ty {
                Some(t) => self.line(&format!("Param {} {}", ty(t), p.name.name)),
                None => self.line(&format!("Param {}", p.name.name)),
            }
        }
    }

    fn body(&mut self, b: &Body) {
        match b {
            Body::Expr(e) => self.expr(e),
            Body::Block(b) => self.block("Block", b),
        }
    }

    pub(super) fn new_expr(&mut self, n: &NewExpr) {
        match n {
            NewExpr::Object { ty: t, args, init } => {
                let name = t.as_ref().map(ty).unwrap_or_else(|| "()".into());
                let parens = if args.is_some() { " (args)" } else { "" };
                self.node(&format!("New {name}{parens}"), |d| {
                    if let Some(a) = args {
                        d.args(a);
                    }
                    if let Some(i) = init {
                        d.initializer(i);
                    }
                });
            }
            NewExpr::Array(a) => {
                let name = a.elem.as_ref().map(ty).unwrap_or_else(|| "implicit".into());
                self.node(&format!("NewArray {name} rank={}", a.rank), |d| {
                    for s in &a.sizes {
                        d.node("Size", |d| d.expr(s));
                    }
                    if let Some(xs) = &a.init {
                        d.node("Elements", |d| xs.iter().for_each(|x| d.expr(x)));
                    }
                });
            }
            NewExpr::Anonymous(ms) => self.node("NewAnonymous", |d| {
                for m in ms {
                    let name = m.name.as_ref().map(|n| &*n.name).unwrap_or("_");
                    d.node(&format!("Member {name}"), |d| d.expr(&m.value));
                }
            }),
        }
    }

    fn initializer(&mut self, i: &Initializer) {
        match i {
            Initializer::Collection(xs) => {
                self.node("CollectionInit", |d| xs.iter().for_each(|x| d.expr(x)))
            }
            Initializer::Object(entries) => self.node("ObjectInit", |d| {
                for m in entries {
                    let head = match &m.target {
                        InitTarget::Member(n) => format!("Set {}", n.name),
                        InitTarget::Index(_) => "SetIndex".to_string(),
                    };
                    d.node(&head, |d| {
                        if let InitTarget::Index(a) = &m.target {
                            d.args(a);
                        }
                        match &m.value {
                            InitValue::Expr(e) => d.expr(e),
                            InitValue::Init(i) => d.initializer(i),
                        }
                    });
                }
            }),
        }
    }

    pub(super) fn pattern(&mut self, p: &Pattern) {
        match &p.kind {
            PatternKind::Discard => self.line("Discard"),
            PatternKind::Constant(e) => self.node("ConstantPattern", |d| d.expr(e)),
            PatternKind::Type(t) => self.line(&format!("TypePattern {}", ty(t))),
            PatternKind::Declaration(t, n) => {
                self.line(&format!("DeclarationPattern {} {}", ty(t), n.name))
            }
            PatternKind::Relational(op, e) => {
                self.node(&format!("RelationalPattern {op:?}"), |d| d.expr(e))
            }
            PatternKind::Property {
                ty: t,
                fields,
                name,
            } => {
                let t = t.as_ref().map(ty).unwrap_or_default();
                let n = name.as_ref().map(|n| &*n.name).unwrap_or("");
                self.node(&format!("PropertyPattern {t} {n}"), |d| {
                    for (f, p) in fields {
                        d.node(&format!("Field {}", f.name), |d| d.pattern(p));
                    }
                });
            }
            PatternKind::Not(x) => self.node("Not", |d| d.pattern(x)),
            PatternKind::And(a, b) => self.node("And", |d| {
                d.pattern(a);
                d.pattern(b);
            }),
            PatternKind::Or(a, b) => self.node("Or", |d| {
                d.pattern(a);
                d.pattern(b);
            }),
            PatternKind::Paren(x) => self.node("ParenPattern", |d| d.pattern(x)),
        }
    }

    pub(super) fn block(&mut self, head: &str, b: &Block) {
        self.node(head, |d| b.stmts.iter().for_each(|s| d.stmt(s)));
    }

    fn opt_expr(&mut self, head: &str, x: Option<&crate::expr::ast::Expr>) {
        match x {
            Some(x) => self.node(head, |d| d.expr(x)),
            None => self.line(head),
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Empty => self.line("Empty"),
            StmtKind::Block(b) => self.block("Block", b),
            StmtKind::Checked(c, b) => self.block(if *c { "Checked" } else { "Unchecked" }, b),
            StmtKind::Local {
                is_const,
                ty: t,
                declarators,
            } => {
                let c = if *is_const { "Const" } else { "Local" };
                self.node(&format!("{c} {}", ty(t)), |d| {
                    for decl in declarators {
                        d.opt_expr(&format!("Var {}", decl.name.name), decl.init.as_ref());
                    }
                });
            }
            StmtKind::LocalFunction(f) => {
                self.node(
                    &format!("LocalFunction {} {}", ty(&f.ret), f.name.name),
                    |d| {
                        d.params(&f.params);
                        d.body(&f.body);
                    },
                );
            }
            StmtKind::Expr(e) => self.node("ExprStmt", |d| d.expr(e)),
            StmtKind::If(c, t, o) => self.node("If", |d| {
                d.expr(c);
                d.stmt(t);
                if let Some(o) = o {
                    d.node("Else", |d| d.stmt(o));
                }
            }),
            StmtKind::Foreach(t, n, x, b) => {
                self.node(&format!("Foreach {} {}", ty(t), n.name), |d| {
                    d.expr(x);
                    d.stmt(b);
                })
            }
            StmtKind::For(l) => self.node("For", |d| {
                d.node("Init", |d| l.init.iter().for_each(|s| d.stmt(s)));
                d.opt_expr("Cond", l.cond.as_ref());
                d.node("Update", |d| l.update.iter().for_each(|x| d.expr(x)));
                d.stmt(&l.body);
            }),
            StmtKind::While(c, b) => self.node("While", |d| {
                d.expr(c);
                d.stmt(b);
            }),
            StmtKind::DoWhile(b, c) => self.node("DoWhile", |d| {
                d.stmt(b);
                d.expr(c);
            }),
            StmtKind::Switch(x, sections) => self.node("SwitchStmt", |d| {
                d.expr(x);
                for sec in sections {
                    d.node("Section", |d| {
                        for l in &sec.labels {
                            match l {
                                SwitchLabel::Default => d.line("Default"),
                                SwitchLabel::Case(p, g) => d.node("Case", |d| {
                                    d.pattern(p);
                                    if let Some(g) = g {
                                        d.node("When", |d| d.expr(g));
                                    }
                                }),
                            }
                        }
                        sec.body.iter().for_each(|s| d.stmt(s));
                    });
                }
            }),
            StmtKind::Return(x) => self.opt_expr("Return", x.as_ref()),
            StmtKind::Throw(x) => self.opt_expr("Throw", x.as_ref()),
            StmtKind::Break => self.line("Break"),
            StmtKind::Continue => self.line("Continue"),
            StmtKind::Try(b, catches, fin) => self.node("Try", |d| {
                d.block("Block", b);
                for c in catches {
                    let t = c.ty.as_ref().map(ty).unwrap_or_default();
                    let n = c.name.as_ref().map(|n| &*n.name).unwrap_or("");
                    d.node(&format!("Catch {t} {n}"), |d| {
                        if let Some(f) = &c.filter {
                            d.node("When", |d| d.expr(f));
                        }
                        d.block("Block", &c.body);
                    });
                }
                if let Some(f) = fin {
                    d.block("Finally", f);
                }
            }),
            StmtKind::Using(r, b) => self.node("Using", |d| {
                d.stmt(r);
                d.stmt(b);
            }),
        }
    }
}
