//! Primary expressions: literals, names, parentheses, lambdas, arguments, switch expressions.

use super::expr::mk;
use super::{PResult, Parser};
use crate::expr::ast::*;
use crate::expr::lexer::TokenKind as K;

impl Parser<'_> {
    /// One primary expression; sets `self.h` to its height.
    pub(super) fn primary(&mut self) -> PResult<Expr> {
        let start = self.span();
        let kind = match self.peek() {
            K::Int | K::Real | K::Char | K::Str | K::True | K::False | K::Null => {
                self.literal().map(ExprKind::Literal)
            }
            K::InterpStr => self.interpolated(),
            K::LParen => self.paren_or_tuple(),
            K::New => self.new_expr(),
            _ => self.primary_other(),
        }?;
        self.h = self.hmax + 1;
        self.hmax = 0;
        Ok(mk(kind, start.to(self.prev_span())))
    }

    fn primary_other(&mut self) -> PResult<ExprKind> {
        Ok(match self.peek() {
            K::NamedValue => {
                let t = self.bump();
                let text = &self.src[t.span.range()];
                ExprKind::NamedValue(text[2..text.len() - 2].into())
            }
            K::Ident if self.is_word("nameof") && self.peek2() == K::LParen => {
                self.bump();
                ExprKind::NameOf(Box::new(self.paren_expr("`nameof`")?))
            }
            K::Ident => {
                let name = self.ident("a name")?;
                ExprKind::Name(name, self.generic_args_if_any()?)
            }
            K::This => {
                self.bump();
                ExprKind::This
            }
            k if super::types::predefined(k).is_some() => {
                ExprKind::PredefinedType(self.nested(|p| p.ty(false))?)
            }
            K::Typeof => {
                self.bump();
                let open = self.expect(K::LParen, "`(` after `typeof`")?.span;
                let ty = self.nested(|p| p.ty(true))?;
                self.expect_close(K::RParen, open, "`typeof(`")?;
                ExprKind::TypeOf(ty)
            }
            K::Default => self.default_expr()?,
            K::Checked | K::Unchecked => {
                let checked = self.bump().kind == K::Checked;
                ExprKind::Checked(checked, Box::new(self.paren_expr("`checked`")?))
            }
            K::Throw => {
                self.bump();
                ExprKind::Throw(Box::new(self.expr()?))
            }
            _ => return Err(self.unexpected("an expression")),
        })
    }

    fn paren_expr(&mut self, what: &str) -> PResult<Expr> {
        let open = self.expect_open_after(what)?.span;
        let e = self.expr()?;
        self.expect_close(K::RParen, open, "this parenthesis")?;
        Ok(e)
    }

    fn default_expr(&mut self) -> PResult<ExprKind> {
        self.bump();
        if self.peek() != K::LParen {
            return Ok(ExprKind::Default(None));
        }
        let open = self.bump().span;
        let ty = self.nested(|p| p.ty(true))?;
        self.expect_close(K::RParen, open, "`default(`")?;
        Ok(ExprKind::Default(Some(ty)))
    }

    fn paren_or_tuple(&mut self) -> PResult<ExprKind> {
        let open = self.bump().span;
        let first = self.expr()?;
        if self.peek() != K::Comma {
            self.expect_close(K::RParen, open, "this parenthesis")?;
            return Ok(ExprKind::Paren(Box::new(first)));
        }
        let mut items = vec![first];
        while self.eat(K::Comma) {
            items.push(self.expr()?);
        }
        self.expect_close(K::RParen, open, "this tuple")?;
        Ok(ExprKind::Tuple(items))
    }

    /// `(args)` or `[args]`, the opener at the cursor.
    pub(super) fn args(&mut self, close: K, what: &str) -> PResult<Vec<Arg>> {
        let open = self.bump().span;
        let mut args = Vec::new();
        if self.eat(close) {
            return Ok(args);
        }
        loop {
            args.push(self.arg()?);
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(close, open, what)?;
        Ok(args)
    }

    fn arg(&mut self) -> PResult<Arg> {
        let start = self.span();
        let name = if self.peek() == K::Ident && self.peek2() == K::Colon {
            let n = self.ident("a name")?;
            self.bump();
            Some(n)
        } else {
            None
        };
        let modifier = match self.peek() {
            K::Out => ArgModifier::Out,
            K::Ref => ArgModifier::Ref,
            K::In => ArgModifier::In,
            _ => ArgModifier::None,
        };
        if modifier != ArgModifier::None {
            self.bump();
        }
        let value = if modifier != ArgModifier::None && self.is_decl_arg() {
            let ty = self.nested(|p| p.ty(true))?;
            ArgValue::Decl(ty, self.ident("a variable name")?)
        } else {
            ArgValue::Expr(self.expr()?)
        };
        Ok(Arg {
            name,
            modifier,
            value,
            span: start.to(self.prev_span()),
        })
    }

    fn is_decl_arg(&self) -> bool {
        match self.scan_type(self.pos, true, 0) {
            Some((end, _)) => {
                self.kind_at(end) == K::Ident
                    && matches!(self.kind_at(end + 1), K::Comma | K::RParen | K::RBracket)
            }
            None => false,
        }
    }

    /// Whether the cursor starts a lambda.
    pub(super) fn lambda_ahead(&self) -> bool {
        match self.peek() {
            K::Ident => self.peek2() == K::Arrow,
            K::LParen => self
                .pair_of(self.pos)
                .is_some_and(|c| self.kind_at(c + 1) == K::Arrow),
            _ => false,
        }
    }

    /// A lambda (the cursor is on one, see [`Self::lambda_ahead`]).
    pub(super) fn lambda(&mut self) -> PResult<Expr> {
        let start = self.span();
        let (params, parenthesized) = if self.peek() == K::Ident {
            let name = self.ident("a parameter")?;
            let span = name.span;
            (
                vec![Param {
                    ty: None,
                    name,
                    span,
                }],
                false,
            )
        } else {
            (self.params()?, true)
        };
        self.expect(K::Arrow, "`=>`")?;
        let body = self.body()?;
        let kind = ExprKind::Lambda(Box::new(Lambda {
            params,
            parenthesized,
            body,
        }));
        self.h = self.hmax + 1;
        Ok(mk(kind, start.to(self.prev_span())))
    }

    /// A lambda or local-function body: `{ ... }` or an expression.
    pub(super) fn body(&mut self) -> PResult<Body> {
        if self.peek() == K::LBrace {
            Ok(Body::Block(self.braced_block()?))
        } else {
            Ok(Body::Expr(self.expr()?))
        }
    }

    /// `(T a, b)` parameter list, the `(` at the cursor.
    pub(super) fn params(&mut self) -> PResult<Vec<Param>> {
        let open = self.bump().span;
        let mut params = Vec::new();
        while self.peek() != K::RParen {
            let start = self.span();
            if matches!(self.peek(), K::Ref | K::Out | K::In) {
                self.bump();
            }
            let ty = if self.peek() == K::Ident && matches!(self.peek2(), K::Comma | K::RParen) {
                None
            } else {
                Some(self.nested(|p| p.ty(true))?)
            };
            let name = self.ident("a parameter name")?;
            params.push(Param {
                ty,
                name,
                span: start.to(self.prev_span()),
            });
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::RParen, open, "this parameter list")?;
        Ok(params)
    }

    /// `e switch { p when g => v, ... }`, with `e` already parsed.
    pub(super) fn switch_expr(&mut self, scrutinee: Expr) -> PResult<Expr> {
        self.bump();
        let open = self.bump().span;
        let mut arms = Vec::new();
        while self.peek() != K::RBrace {
            let pattern = self.nested(Self::pattern)?;
            let guard = if self.is_word("when") {
                self.bump();
                Some(self.expr()?)
            } else {
                None
            };
            self.expect(K::Arrow, "`=>` after this switch pattern")?;
            let value = self.expr()?;
            let span = pattern.span.to(value.span);
            arms.push(SwitchArm {
                pattern,
                guard,
                value,
                span,
            });
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::RBrace, open, "this switch expression")?;
        self.h = self.hmax + 1;
        let span = scrutinee.span.to(self.prev_span());
        Ok(mk(ExprKind::Switch(Box::new(scrutinee), arms), span))
    }
}
