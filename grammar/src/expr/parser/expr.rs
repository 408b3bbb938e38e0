//! Operator-precedence (Pratt) parsing: assignment, conditional, binary, prefix and postfix.

use super::{PResult, Parser};
use crate::expr::ast::{AssignOp, BinaryOp, Expr, ExprKind, PostfixOp, TypeRef, UnaryOp};
use crate::expr::lexer::TokenKind as K;

/// Precedence of `??` (the lowest binary operator).
pub(super) const PREC_COALESCE: u8 = 1;
/// Precedence of `<<`/`>>`: operands of relational patterns.
pub(super) const PREC_SHIFT: u8 = 9;
const PREC_RELATIONAL: u8 = 8;
const PREC_SWITCH: u8 = 12;

enum Infix {
    Bin(BinaryOp, usize),
    Is,
    As,
    Switch,
}

enum Prefix {
    Op(UnaryOp),
    Cast(TypeRef),
}

impl Parser<'_> {
    /// A full expression: lambda, assignment, conditional or lower.
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.expr_inner();
        self.leave();
        self.hmax = self.hmax.max(self.h);
        e
    }

    fn expr_inner(&mut self) -> PResult<Expr> {
        if self.lambda_ahead() {
            return self.lambda();
        }
        let lhs = self.binary(PREC_COALESCE)?;
        if let Some((op, n)) = self.assign_op() {
            self.pos += n;
            return self.assignment(op, lhs);
        }
        if self.peek() == K::Question {
            return self.conditional(lhs);
        }
        Ok(lhs)
    }

    fn assignment(&mut self, op: AssignOp, lhs: Expr) -> PResult<Expr> {
        let h = self.h;
        let rhs = self.expr()?;
        self.h = h.max(self.h) + 1;
        let span = lhs.span.to(rhs.span);
        Ok(mk(ExprKind::Assign(op, Box::new(lhs), Box::new(rhs)), span))
    }

    fn conditional(&mut self, lhs: Expr) -> PResult<Expr> {
        let h = self.h;
        self.bump();
        let then = self.expr()?;
        let h = h.max(self.h);
        self.expect(K::Colon, "`:` in this conditional expression")?;
        let other = self.expr()?;
        self.h = h.max(self.h) + 1;
        let span = lhs.span.to(other.span);
        let kind = ExprKind::Conditional(Box::new(lhs), Box::new(then), Box::new(other));
        Ok(mk(kind, span))
    }

    fn assign_op(&self) -> Option<(AssignOp, usize)> {
        let op = match self.peek() {
            K::Eq => AssignOp::Assign,
            K::PlusEq => AssignOp::Add,
            K::MinusEq => AssignOp::Sub,
            K::StarEq => AssignOp::Mul,
            K::SlashEq => AssignOp::Div,
            K::PercentEq => AssignOp::Rem,
            K::AmpEq => AssignOp::And,
            K::PipeEq => AssignOp::Or,
            K::CaretEq => AssignOp::Xor,
            K::ShlEq => AssignOp::Shl,
            K::QQEq => AssignOp::Coalesce,
            K::Gt if self.peek2() == K::Ge && self.adjacent(self.pos) => {
                return Some((AssignOp::Shr, 2))
            }
            _ => return None,
        };
        Some((op, 1))
    }

    fn infix(&self) -> Option<(Infix, u8)> {
        use BinaryOp as B;
        let (op, prec) = match self.peek() {
            K::QQ => (B::Coalesce, 1),
            K::OrOr => (B::Or, 2),
            K::AndAnd => (B::And, 3),
            K::Pipe => (B::BitOr, 4),
            K::Caret => (B::BitXor, 5),
            K::Amp => (B::BitAnd, 6),
            K::EqEq => (B::Eq, 7),
            K::NotEq => (B::Ne, 7),
            K::Lt => (B::Lt, 8),
            K::Le => (B::Le, 8),
            K::Ge => (B::Ge, 8),
            K::Gt if self.peek2() == K::Gt && self.adjacent(self.pos) => {
                return Some((Infix::Bin(B::Shr, 2), PREC_SHIFT))
            }
            K::Gt if self.peek2() == K::Ge && self.adjacent(self.pos) => return None,
            K::Gt => (B::Gt, 8),
            K::Is => return Some((Infix::Is, PREC_RELATIONAL)),
            K::As => return Some((Infix::As, PREC_RELATIONAL)),
            K::Shl => (B::Shl, PREC_SHIFT),
            K::Plus => (B::Add, 10),
            K::Minus => (B::Sub, 10),
            K::Star => (B::Mul, 11),
            K::Slash => (B::Div, 11),
            K::Percent => (B::Rem, 11),
            K::Switch if self.peek2() == K::LBrace => return Some((Infix::Switch, PREC_SWITCH)),
            _ => return None,
        };
        Some((Infix::Bin(op, 1), prec))
    }

    /// Binary operators of precedence `min` and above; left-associative chains loop.
    pub(super) fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        let mut h = self.h;
        let mut max = u8::MAX;
        while let Some((op, prec)) = self.infix() {
            if prec < min || prec > max {
                break;
            }
            // `is`/`as`/`switch` do not absorb tighter operators on their right, so a
            // tighter operator after them cannot apply to their result either.
            max = if matches!(op, Infix::Bin(..)) {
                u8::MAX
            } else {
                prec
            };
            lhs = self.infix_step(op, prec, lhs)?;
            h = h.max(self.h) + 1;
            self.check_height(h)?;
        }
        self.h = h;
        Ok(lhs)
    }

    fn infix_step(&mut self, op: Infix, prec: u8, lhs: Expr) -> PResult<Expr> {
        match op {
            Infix::Bin(op, n) => {
                self.pos += n;
                let next = if op == BinaryOp::Coalesce {
                    prec
                } else {
                    prec + 1
                };
                self.binary_rhs(op, next, lhs)
            }
            Infix::Is => self.is_rhs(lhs),
            Infix::As => self.as_rhs(lhs),
            Infix::Switch => self.switch_expr(lhs),
        }
    }

    fn is_rhs(&mut self, lhs: Expr) -> PResult<Expr> {
        self.bump();
        let pat = self.nested(Self::pattern)?;
        let span = lhs.span.to(pat.span);
        Ok(mk(ExprKind::Is(Box::new(lhs), Box::new(pat)), span))
    }

    fn as_rhs(&mut self, lhs: Expr) -> PResult<Expr> {
        self.bump();
        self.h = 1;
        let ty = self.nested(|p| p.ty_in_expr())?;
        let span = lhs.span.to(ty.span);
        Ok(mk(ExprKind::As(Box::new(lhs), ty), span))
    }

    fn binary_rhs(&mut self, op: BinaryOp, min: u8, lhs: Expr) -> PResult<Expr> {
        self.enter()?;
        let rhs = self.binary(min);
        self.leave();
        let rhs = rhs?;
        let span = lhs.span.to(rhs.span);
        Ok(mk(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span))
    }

    /// Prefix operators and casts (iterative), then a postfix chain.
    fn unary(&mut self) -> PResult<Expr> {
        let ops = self.prefixes()?;
        let n = ops.len();
        self.depth += n;
        let operand = self.postfix();
        self.depth -= n;
        let operand = operand?;
        self.h += n;
        Ok(fold_prefixes(ops, operand))
    }

    fn prefixes(&mut self) -> PResult<Vec<(Prefix, crate::Span)>> {
        let mut ops = Vec::new();
        loop {
            let start = self.span();
            let op = match self.peek() {
                K::Plus => UnaryOp::Plus,
                K::Minus => UnaryOp::Neg,
                K::Bang => UnaryOp::Not,
                K::Tilde => UnaryOp::BitNot,
                K::PlusPlus => UnaryOp::PreInc,
                K::MinusMinus => UnaryOp::PreDec,
                K::LParen if self.is_cast() => {
                    self.bump();
                    let ty = self.nested(|p| p.ty(true))?;
                    self.expect(K::RParen, "`)` to close this cast")?;
                    ops.push((Prefix::Cast(ty), start));
                    self.check_prefix_depth(ops.len())?;
                    continue;
                }
                _ => return Ok(ops),
            };
            self.bump();
            ops.push((Prefix::Op(op), start));
            self.check_prefix_depth(ops.len())?;
        }
    }

    fn check_prefix_depth(&self, n: usize) -> PResult<()> {
        if self.depth + n >= self.max_depth {
            return Err(self.too_deep());
        }
        Ok(())
    }

    /// A primary expression followed by `.x`, `?.x`, `(args)`, `[args]`, `++`, `--`, `!`.
    fn postfix(&mut self) -> PResult<Expr> {
        let saved = std::mem::replace(&mut self.hmax, 0);
        let r = self.postfix_chain();
        self.hmax = saved;
        r
    }

    fn postfix_chain(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        let mut h = self.h;
        while self.at_postfix() {
            e = self.postfix_step(e)?;
            e.span = self.fix_chain_span(&e);
            h = h.max(self.hmax) + 1;
            self.hmax = 0;
            self.check_height(h)?;
        }
        self.h = h;
        Ok(e)
    }

    fn at_postfix(&self) -> bool {
        match self.peek() {
            K::Dot | K::QDot | K::LParen | K::LBracket | K::QBracket => true,
            K::PlusPlus | K::MinusMinus => true,
            K::Bang => self.null_forgiving(),
            _ => false,
        }
    }

    fn postfix_step(&mut self, e: Expr) -> PResult<Expr> {
        let kind = match self.peek() {
            K::Dot | K::QDot => self.member(e)?,
            K::LParen => self.call(e)?,
            K::LBracket | K::QBracket => self.index(e)?,
            K::PlusPlus => self.postfix_op(PostfixOp::Inc, e),
            K::MinusMinus => self.postfix_op(PostfixOp::Dec, e),
            _ => self.postfix_op(PostfixOp::NullForgiving, e),
        };
        Ok(mk(kind, crate::Span::default()))
    }

    fn member(&mut self, e: Expr) -> PResult<ExprKind> {
        let conditional = self.bump().kind == K::QDot;
        let name = self.ident("a member name after `.`")?;
        let type_args = self.generic_args_if_any()?;
        let target = Box::new(e);
        Ok(ExprKind::Member {
            target,
            name,
            type_args,
            conditional,
        })
    }

    fn call(&mut self, e: Expr) -> PResult<ExprKind> {
        let args = self.args(K::RParen, "this call")?;
        Ok(ExprKind::Call {
            callee: Box::new(e),
            args,
        })
    }

    fn index(&mut self, e: Expr) -> PResult<ExprKind> {
        let conditional = self.peek() == K::QBracket;
        let args = self.args(K::RBracket, "this index")?;
        Ok(ExprKind::Index {
            target: Box::new(e),
            args,
            conditional,
        })
    }

    fn postfix_op(&mut self, op: PostfixOp, e: Expr) -> ExprKind {
        self.bump();
        ExprKind::Postfix(op, Box::new(e))
    }

    fn null_forgiving(&self) -> bool {
        matches!(
            self.peek2(),
            K::Dot | K::QDot | K::RParen | K::Semi | K::Comma | K::LBracket | K::RBracket | K::Eof
        )
    }

    /// A chain node spans from its innermost target to the last consumed token.
    fn fix_chain_span(&self, e: &Expr) -> crate::Span {
        let first = match &e.kind {
            ExprKind::Member { target, .. } | ExprKind::Index { target, .. } => target.span,
            ExprKind::Call { callee, .. } => callee.span,
            ExprKind::Postfix(_, t) => t.span,
            _ => e.span,
        };
        first.to(self.prev_span())
    }
}

fn fold_prefixes(ops: Vec<(Prefix, crate::Span)>, mut e: Expr) -> Expr {
    for (op, start) in ops.into_iter().rev() {
        let span = start.to(e.span);
        e = match op {
            Prefix::Op(op) => mk(ExprKind::Unary(op, Box::new(e)), span),
            Prefix::Cast(ty) => mk(ExprKind::Cast(ty, Box::new(e)), span),
        };
    }
    e
}

/// Builds an expression node.
pub(super) fn mk(kind: ExprKind, span: crate::Span) -> Expr {
    Expr { kind, span }
}
