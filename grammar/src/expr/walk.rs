//! Walkers that visit every expression in a tree (pre-order, source order).

use super::ast::*;
use super::stmt::{Block, Stmt, StmtKind, SwitchLabel};

/// Calls `f` on `e` and every expression nested in it, including those inside lambda
/// bodies, patterns, initializers and interpolation holes.
pub fn for_each_expr(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Literal(_)
        | ExprKind::NamedValue(_)
        | ExprKind::Name(..)
        | ExprKind::PredefinedType(_)
        | ExprKind::This
        | ExprKind::TypeOf(_)
        | ExprKind::Default(_) => {}
        ExprKind::Interpolated(parts) => parts.iter().for_each(|p| part(p, f)),
        ExprKind::Member { target, .. } => for_each_expr(target, f),
        ExprKind::Index { target, args, .. } => {
            for_each_expr(target, f);
            each_arg(args, f);
        }
        ExprKind::Call { callee, args } => {
            for_each_expr(callee, f);
            each_arg(args, f);
        }
        ExprKind::Unary(_, x)
        | ExprKind::Postfix(_, x)
        | ExprKind::Cast(_, x)
        | ExprKind::As(x, _)
        | ExprKind::NameOf(x)
        | ExprKind::Checked(_, x)
        | ExprKind::Paren(x)
        | ExprKind::Throw(x) => for_each_expr(x, f),
        ExprKind::Binary(_, a, b) | ExprKind::Assign(_, a, b) => {
            for_each_expr(a, f);
            for_each_expr(b, f);
        }
        ExprKind::Conditional(a, b, c) => [a, b, c].iter().for_each(|x| for_each_expr(x, f)),
        ExprKind::Is(x, p) => {
            for_each_expr(x, f);
            pattern(p, f);
        }
        ExprKind::Lambda(l) => body(&l.body, f),
        ExprKind::New(n) => new(n, f),
        ExprKind::Switch(x, arms) => {
            for_each_expr(x, f);
            for arm in arms {
                pattern(&arm.pattern, f);
                arm.guard.iter().for_each(|g| for_each_expr(g, f));
                for_each_expr(&arm.value, f);
            }
        }
        ExprKind::Tuple(xs) | ExprKind::ArrayInit(xs) => {
            xs.iter().for_each(|x| for_each_expr(x, f))
        }
    }
}

/// Calls `f` on every expression in every statement of `b`.
pub fn for_each_expr_in_block(b: &Block, f: &mut impl FnMut(&Expr)) {
    b.stmts.iter().for_each(|s| stmt(s, f));
}

fn part(p: &InterpPart, f: &mut impl FnMut(&Expr)) {
    if let InterpPart::Hole {
        expr, alignment, ..
    } = p
    {
        for_each_expr(expr, f);
        alignment.iter().for_each(|a| for_each_expr(a, f));
    }
}

fn each_arg(args: &[Arg], f: &mut impl FnMut(&Expr)) {
    for a in args {
        if let ArgValue::Expr(e) = &a.value {
            for_each_expr(e, f);
        }
    }
}

fn body(b: &Body, f: &mut impl FnMut(&Expr)) {
    match b {
        Body::Expr(e) => for_each_expr(e, f),
        Body::Block(b) => for_each_expr_in_block(b, f),
    }
}

fn pattern(p: &Pattern, f: &mut impl FnMut(&Expr)) {
    match &p.kind {
        PatternKind::Constant(e) | PatternKind::Relational(_, e) => for_each_expr(e, f),
        PatternKind::Property { fields, .. } => fields.iter().for_each(|(_, p)| pattern(p, f)),
        PatternKind::Not(p) | PatternKind::Paren(p) => pattern(p, f),
        PatternKind::And(a, b) | PatternKind::Or(a, b) => {
            pattern(a, f);
            pattern(b, f);
        }
        PatternKind::Discard | PatternKind::Type(_) | PatternKind::Declaration(..) => {}
    }
}

fn new(n: &NewExpr, f: &mut impl FnMut(&Expr)) {
    match n {
        NewExpr::Object { args, init, .. } => {
            args.iter().for_each(|a| each_arg(a, f));
            init.iter().for_each(|i| initializer(i, f));
        }
        NewExpr::Array(a) => {
            a.sizes.iter().for_each(|x| for_each_expr(x, f));
            a.init.iter().flatten().for_each(|x| for_each_expr(x, f));
        }
        NewExpr::Anonymous(ms) => ms.iter().for_each(|m| for_each_expr(&m.value, f)),
    }
}

fn initializer(i: &Initializer, f: &mut impl FnMut(&Expr)) {
    match i {
        Initializer::Collection(xs) => xs.iter().for_each(|x| for_each_expr(x, f)),
        Initializer::Object(entries) => {
            for m in entries {
                if let InitTarget::Index(args) = &m.target {
                    each_arg(args, f);
                }
                match &m.value {
                    InitValue::Expr(e) => for_each_expr(e, f),
                    InitValue::Init(i) => initializer(i, f),
                }
            }
        }
    }
}

fn stmt(s: &Stmt, f: &mut impl FnMut(&Expr)) {
    let e = |x: &Expr, f: &mut _| for_each_expr(x, f);
    match &s.kind {
        StmtKind::Empty | StmtKind::Break | StmtKind::Continue => {}
        StmtKind::Block(b) | StmtKind::Checked(_, b) => for_each_expr_in_block(b, f),
        StmtKind::Local { declarators, .. } => declarators
            .iter()
            .filter_map(|d| d.init.as_ref())
            .for_each(|x| e(x, f)),
        StmtKind::LocalFunction(l) => body(&l.body, f),
        StmtKind::Expr(x) | StmtKind::Return(Some(x)) | StmtKind::Throw(Some(x)) => e(x, f),
        StmtKind::Return(None) | StmtKind::Throw(None) => {}
        StmtKind::If(c, t, o) => {
            e(c, f);
            stmt(t, f);
            o.iter().for_each(|o| stmt(o, f));
        }
        StmtKind::Foreach(_, _, x, b) | StmtKind::While(x, b) | StmtKind::DoWhile(b, x) => {
            e(x, f);
            stmt(b, f);
        }
        StmtKind::For(l) => {
            l.init.iter().for_each(|s| stmt(s, f));
            l.cond.iter().for_each(|x| e(x, f));
            l.update.iter().for_each(|x| e(x, f));
            stmt(&l.body, f);
        }
        StmtKind::Switch(x, sections) => {
            e(x, f);
            for sec in sections {
                for l in &sec.labels {
                    if let SwitchLabel::Case(p, g) = l {
                        pattern(p, f);
                        g.iter().for_each(|x| e(x, f));
                    }
                }
                sec.body.iter().for_each(|s| stmt(s, f));
            }
        }
        StmtKind::Try(b, catches, fin) => {
            for_each_expr_in_block(b, f);
            for c in catches {
                c.filter.iter().for_each(|x| e(x, f));
                for_each_expr_in_block(&c.body, f);
            }
            fin.iter().for_each(|b| for_each_expr_in_block(b, f));
        }
        StmtKind::Using(r, b) => {
            stmt(r, f);
            stmt(b, f);
        }
    }
}
