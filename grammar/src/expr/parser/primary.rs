//! Primary expressions: literals, names, parentheses, lambdas, arguments, switch expressions.

use super::expr::mk;
use super::{PResult, Parser};
use crate::expr::ast::*;
use crate::expr::lexer::TokenKind as K;
use crate::expr::literal::{scan_interpolated, unescape, unverbatim, Event, Scan};
use crate::expr::ExprError;
use crate::Span;

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

    fn literal(&mut self) -> PResult<Literal> {
        let t = self.bump();
        let text = &self.src[t.span.range()];
        Ok(match t.kind {
            K::True => Literal::Bool(true),
            K::False => Literal::Bool(false),
            K::Null => Literal::Null,
            K::Int => int_literal(text, t.span)?,
            K::Real => real_literal(text),
            K::Char => {
                let body = &text[1..text.len() - 1];
                let s = unescape(body, false).map_err(|at| Box::new(bad_escape(t.span, at + 1)))?;
                Literal::Char(s.chars().next().unwrap_or('\0'))
            }
            _ => match text.strip_prefix('@') {
                Some(v) => Literal::String(unverbatim(&v[1..v.len() - 1], false).into()),
                None => {
                    let body = &text[1..text.len() - 1];
                    let s =
                        unescape(body, false).map_err(|at| Box::new(bad_escape(t.span, at + 1)))?;
                    Literal::String(s.into())
                }
            },
        })
    }

    fn interpolated(&mut self) -> PResult<ExprKind> {
        let t = self.bump();
        let text = &self.src[t.span.range()];
        let prefix = text.find('"').unwrap_or(0) + 1;
        let verbatim = prefix == 3;
        let base = t.span.start as usize + prefix;
        let body = &text.as_bytes()[prefix..];
        let mut events = Vec::new();
        if let Scan::Unterminated = scan_interpolated(body, verbatim, &mut |e| events.push(e)) {
            return Err(self.unexpected("a closed interpolated string"));
        }
        let end = t.span.end as usize - 1;
        let mut parts = Vec::new();
        let mut text_from = base;
        let mut hole: Option<(usize, Option<usize>)> = None;
        for ev in events {
            match ev {
                Event::HoleStart(at) => {
                    self.interp_text(&mut parts, text_from, base + at - 1, verbatim)?;
                    hole = Some((base + at, None));
                }
                Event::Format(at) => hole = hole.map(|(s, _)| (s, Some(base + at))),
                Event::HoleEnd(at) => {
                    if let Some((s, fmt)) = hole.take() {
                        parts.push(self.hole(s, fmt, base + at)?);
                    }
                    text_from = base + at + 1;
                }
            }
        }
        self.interp_text(&mut parts, text_from, end, verbatim)?;
        Ok(ExprKind::Interpolated(parts))
    }

    fn interp_text(
        &self,
        parts: &mut Vec<InterpPart>,
        from: usize,
        to: usize,
        verbatim: bool,
    ) -> PResult<()> {
        if from >= to {
            return Ok(());
        }
        let raw = &self.src[from..to];
        let span = Span::new(from, to);
        let value = if verbatim {
            unverbatim(raw, true)
        } else {
            unescape(raw, true).map_err(|at| Box::new(bad_escape(span, at)))?
        };
        parts.push(InterpPart::Text(value.into(), span));
        Ok(())
    }

    fn hole(&mut self, start: usize, fmt: Option<usize>, end: usize) -> PResult<InterpPart> {
        let expr_end = fmt.unwrap_or(end);
        let (expr, alignment) = self.sub_parse(start, expr_end, |p| {
            let e = p.expr()?;
            let align = if p.eat(K::Comma) {
                Some(p.expr()?)
            } else {
                None
            };
            if p.peek() != K::Eof {
                return Err(p.unexpected("`}` to end this interpolation hole"));
            }
            Ok((e, align))
        })?;
        let format = fmt.map(|f| self.src[f + 1..end].into());
        let span = Span::new(start - 1, end + 1);
        Ok(InterpPart::Hole {
            expr,
            alignment,
            format,
            span,
        })
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

fn bad_escape(span: Span, at: usize) -> ExprError {
    let start = span.start as usize + at;
    ExprError {
        code: "syntax::invalid-escape",
        message: "unrecognised escape sequence".into(),
        span: Span::new(start, (start + 2).min(span.end as usize).max(start)),
        label: "unknown escape".into(),
        help: Some(
            "valid escapes are \\n \\t \\\\ \\\" \\' \\0 \\uXXXX; use @\"...\" for raw backslashes"
                .into(),
        ),
    }
}

fn int_literal(text: &str, span: Span) -> PResult<Literal> {
    let lower = text.to_ascii_lowercase();
    let digits_end = lower.trim_end_matches(['u', 'l']).len();
    let suffix = match &lower[digits_end..] {
        "" => IntSuffix::None,
        "u" => IntSuffix::U,
        "l" => IntSuffix::L,
        _ => IntSuffix::UL,
    };
    let digits: String = lower[..digits_end].chars().filter(|&c| c != '_').collect();
    let parsed = if let Some(h) = digits.strip_prefix("0x") {
        u64::from_str_radix(h, 16)
    } else if let Some(b) = digits.strip_prefix("0b") {
        u64::from_str_radix(b, 2)
    } else {
        digits.parse()
    };
    parsed.map(|v| Literal::Int(v, suffix)).map_err(|_| {
        Box::new(ExprError {
            code: "syntax::invalid-number",
            message: format!("integer literal `{text}` is out of range or malformed"),
            span,
            label: "invalid integer".into(),
            help: None,
        })
    })
}

fn real_literal(text: &str) -> Literal {
    let suffix = match text.as_bytes().last().map(u8::to_ascii_lowercase) {
        Some(b'f') => RealSuffix::F,
        Some(b'd') => RealSuffix::D,
        Some(b'm') => RealSuffix::M,
        _ => RealSuffix::None,
    };
    let body = if suffix == RealSuffix::None {
        text
    } else {
        &text[..text.len() - 1]
    };
    Literal::Real(
        body.chars()
            .filter(|&c| c != '_')
            .collect::<String>()
            .into(),
        suffix,
    )
}
