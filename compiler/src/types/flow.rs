//! Flow checks over `@{}` blocks: every path must `return`, and locals declared without an
//! initializer must be assigned before they are read. Both stay silent when unsure.

use super::Finding;
use crate::diagnostic::codes;
use gatehouse_grammar::expr::for_each_expr;
use gatehouse_grammar::expr::*;
use gatehouse_grammar::Span;

/// `expr::missing-return` when the end of the block is reachable.
pub fn missing_return(b: &Block) -> Option<Finding> {
    if exits_all(&b.stmts) {
        return None;
    }
    let span = b.stmts.last().map_or(b.span, |s| s.span);
    Some(
        Finding::error(
            codes::EXPR_MISSING_RETURN,
            "not every path of this block returns a value".into(),
            span,
            "the block can end after this without `return`",
        )
        .help("APIM requires every path of a `@{...}` block to end in `return` (or `throw`)"),
    )
}

/// Whether a statement list never completes normally.
fn exits_all(stmts: &[Stmt]) -> bool {
    stmts.iter().any(exits)
}

/// Whether a statement never completes normally (returns, throws or loops forever).
fn exits(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Throw(_) => true,
        StmtKind::Expr(Expr {
            kind: ExprKind::Throw(_),
            ..
        }) => true,
        StmtKind::Block(b) | StmtKind::Checked(_, b) => exits_all(&b.stmts),
        StmtKind::If(c, a, _) if is_true(Some(c)) => exits(a),
        StmtKind::If(_, a, Some(b)) => exits(a) && exits(b),
        StmtKind::While(c, body) => is_true(Some(c)) && !breaks(body),
        StmtKind::For(l) => is_true(l.cond.as_ref()) && !breaks(&l.body),
        StmtKind::DoWhile(body, c) => {
            (is_true(Some(c)) && !breaks(body)) || (exits(body) && !breaks(body))
        }
        StmtKind::Switch(_, sections) => {
            let has_default = sections
                .iter()
                .any(|s| s.labels.iter().any(|l| matches!(l, SwitchLabel::Default)));
            has_default && sections.iter().all(|s| exits_all(&s.body))
        }
        StmtKind::Try(b, catches, finally) => {
            (exits_all(&b.stmts) && catches.iter().all(|c| exits_all(&c.body.stmts)))
                || finally.as_ref().is_some_and(|f| exits_all(&f.stmts))
        }
        StmtKind::Using(_, body) => exits(body),
        _ => false,
    }
}

/// A constant `true` condition (a missing `for` condition counts).
fn is_true(c: Option<&Expr>) -> bool {
    match c.map(|c| &c.kind) {
        None => true,
        Some(ExprKind::Literal(Literal::Bool(true))) => true,
        Some(ExprKind::Paren(x)) => is_true(Some(x)),
        _ => false,
    }
}

/// Whether `s` contains a `break` (or `continue`, for `do`) that leaves the loop it is in.
fn breaks(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Break | StmtKind::Continue => true,
        StmtKind::Block(b) | StmtKind::Checked(_, b) => b.stmts.iter().any(breaks),
        StmtKind::If(_, a, b) => breaks(a) || b.as_deref().is_some_and(breaks),
        StmtKind::Try(b, catches, finally) => {
            b.stmts.iter().any(breaks)
                || catches.iter().any(|c| c.body.stmts.iter().any(breaks))
                || finally.as_ref().is_some_and(|f| f.stmts.iter().any(breaks))
        }
        StmtKind::Using(_, body) => breaks(body),
        // `continue` in a switch still leaves the enclosing loop's body.
        StmtKind::Switch(_, sections) => sections.iter().any(|sec| sec.body.iter().any(continues)),
        _ => false,
    }
}

fn continues(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Continue => true,
        StmtKind::Block(b) | StmtKind::Checked(_, b) => b.stmts.iter().any(continues),
        StmtKind::If(_, a, b) => continues(a) || b.as_deref().is_some_and(continues),
        _ => false,
    }
}

/// Locals declared without a value and not yet assigned; `None`: unreachable.
type State = Option<Vec<Box<str>>>;

/// `expr::unassigned-local` for reads of locals no path has assigned yet.
pub fn unassigned(b: &Block) -> Vec<Finding> {
    let mut out = Vec::new();
    if !has_local_function(&b.stmts) {
        stmts(&b.stmts, Some(Vec::new()), &mut out);
    }
    out
}

fn has_local_function(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match &s.kind {
        StmtKind::LocalFunction(_) => true,
        StmtKind::Block(b) | StmtKind::Checked(_, b) => has_local_function(&b.stmts),
        _ => false,
    })
}

fn stmts(list: &[Stmt], mut st: State, out: &mut Vec<Finding>) -> State {
    for s in list {
        st = stmt(s, st, out);
    }
    st
}

fn stmt(s: &Stmt, st: State, out: &mut Vec<Finding>) -> State {
    let mut pending = st?;
    match &s.kind {
        StmtKind::Local {
            is_const: false,
            declarators,
            ..
        } => {
            for d in declarators {
                match &d.init {
                    Some(x) => expr(x, &mut pending, out),
                    None => pending.push(d.name.name.clone()),
                }
            }
            Some(pending)
        }
        StmtKind::Expr(x) => {
            expr(x, &mut pending, out);
            Some(pending)
        }
        StmtKind::Block(b) => stmts(&b.stmts, Some(pending), out),
        StmtKind::If(c, a, _) if is_true(Some(c)) => {
            expr(c, &mut pending, out);
            stmt(a, Some(pending), out)
        }
        StmtKind::If(c, a, b) => {
            expr(c, &mut pending, out);
            let sa = stmt(a, Some(pending.clone()), out);
            let sb = match b {
                Some(b) => stmt(b, Some(pending), out),
                None => Some(pending),
            };
            merge(sa, sb)
        }
        StmtKind::While(c, body) => {
            expr(c, &mut pending, out);
            stmt(body, Some(pending.clone()), out);
            // After `while (true)`, what every `break` saw: not tracked, so assume all.
            Some(if is_true(Some(c)) {
                Vec::new()
            } else {
                pending
            })
        }
        StmtKind::Foreach(_, _, x, body) => {
            expr(x, &mut pending, out);
            stmt(body, Some(pending.clone()), out);
            Some(pending)
        }
        StmtKind::DoWhile(body, c) => {
            let mut after = stmt(body, Some(pending), out).unwrap_or_default();
            expr(c, &mut after, out);
            Some(after)
        }
        StmtKind::Return(x) | StmtKind::Throw(x) => {
            if let Some(x) = x {
                expr(x, &mut pending, out);
            }
            None
        }
        StmtKind::Break | StmtKind::Continue => None,
        StmtKind::Empty => Some(pending),
        // `for`, `switch`, `try`, `using`, `checked`: assume everything assigned afterwards.
        _ => Some(Vec::new()),
    }
}

fn merge(a: State, b: State) -> State {
    match (a, b) {
        (None, s) | (s, None) => s,
        (Some(mut a), Some(b)) => {
            for n in b {
                if !a.contains(&n) {
                    a.push(n);
                }
            }
            Some(a)
        }
    }
}

/// Reports reads of pending locals in `e`, then drops the locals `e` assigns.
fn expr(e: &Expr, pending: &mut Vec<Box<str>>, out: &mut Vec<Finding>) {
    if pending.is_empty() {
        return;
    }
    let (mut writes, mut write_spans, mut reads, mut shadow) =
        (Vec::new(), Vec::new(), Vec::new(), false);
    for_each_expr(e, &mut |x| match &x.kind {
        ExprKind::Assign(AssignOp::Assign, t, _) => {
            if let ExprKind::Name(id, _) = &t.kind {
                writes.push(id.name.clone());
                write_spans.push(id.span);
            }
        }
        ExprKind::Call { args, .. } => {
            for a in args.iter().filter(|a| a.modifier == ArgModifier::Out) {
                if let ArgValue::Expr(Expr {
                    kind: ExprKind::Name(id, _),
                    ..
                }) = &a.value
                {
                    writes.push(id.name.clone());
                    write_spans.push(id.span);
                }
            }
        }
        ExprKind::Name(id, _) => reads.push((id.name.clone(), id.span)),
        ExprKind::Lambda(l) => shadow |= l.params.iter().any(|p| pending.contains(&p.name.name)),
        ExprKind::NameOf(_) => shadow = true,
        _ => {}
    });
    if !shadow {
        for (name, span) in reads {
            let is_write = write_spans.contains(&span);
            if !is_write && pending.contains(&name) && !writes.contains(&name) {
                out.push(read_before_assign(&name, span));
                pending.retain(|p| *p != name);
            }
        }
    }
    pending.retain(|p| !writes.contains(p));
}

fn read_before_assign(name: &str, span: Span) -> Finding {
    Finding::error(
        codes::EXPR_UNASSIGNED_LOCAL,
        format!("`{name}` is used before it is assigned"),
        span,
        "not assigned on every path to here",
    )
    .help(format!(
        "assign `{name}` on every path before this use, or give it a value where it is declared"
    ))
}
