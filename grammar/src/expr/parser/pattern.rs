//! Patterns for `is`, `case` labels and switch-expression arms.

use super::expr::PREC_SHIFT;
use super::{PResult, Parser};
use crate::expr::ast::{BinaryOp, Ident, Pattern, PatternKind, TypeRef};
use crate::expr::lexer::TokenKind as K;

impl Parser<'_> {
    /// A pattern with `or`/`and`/`not` combinators (right-nested, depth-counted).
    pub(crate) fn pattern(&mut self) -> PResult<Pattern> {
        let lhs = self.and_pattern()?;
        if !self.is_word("or") {
            return Ok(lhs);
        }
        self.bump();
        let rhs = self.nested(Self::pattern)?;
        let span = lhs.span.to(rhs.span);
        Ok(Pattern {
            kind: PatternKind::Or(Box::new(lhs), Box::new(rhs)),
            span,
        })
    }

    fn and_pattern(&mut self) -> PResult<Pattern> {
        let lhs = self.not_pattern()?;
        if !self.is_word("and") {
            return Ok(lhs);
        }
        self.bump();
        let rhs = self.nested(Self::and_pattern)?;
        let span = lhs.span.to(rhs.span);
        Ok(Pattern {
            kind: PatternKind::And(Box::new(lhs), Box::new(rhs)),
            span,
        })
    }

    fn not_pattern(&mut self) -> PResult<Pattern> {
        if !self.is_word("not") || self.is_pattern_end(self.pos + 1) {
            return self.primary_pattern();
        }
        let start = self.bump().span;
        let inner = self.nested(Self::not_pattern)?;
        let span = start.to(inner.span);
        Ok(Pattern {
            kind: PatternKind::Not(Box::new(inner)),
            span,
        })
    }

    fn is_pattern_end(&self, i: usize) -> bool {
        matches!(
            self.kind_at(i),
            K::RParen | K::Comma | K::Arrow | K::Colon | K::Eof | K::AndAnd | K::OrOr | K::Semi
        )
    }

    fn primary_pattern(&mut self) -> PResult<Pattern> {
        let start = self.span();
        let rel = match self.peek() {
            K::Lt => Some(BinaryOp::Lt),
            K::Le => Some(BinaryOp::Le),
            K::Gt => Some(BinaryOp::Gt),
            K::Ge => Some(BinaryOp::Ge),
            _ => None,
        };
        let kind = if let Some(op) = rel {
            self.bump();
            PatternKind::Relational(op, self.binary(PREC_SHIFT)?)
        } else if self.peek() == K::LParen && !self.paren_is_constant() {
            let open = self.bump().span;
            let inner = self.nested(Self::pattern)?;
            self.expect_close(K::RParen, open, "this pattern")?;
            PatternKind::Paren(Box::new(inner))
        } else if self.is_word("_") && self.is_pattern_end(self.pos + 1)
            || self.is_word("_") && self.is_word_at(self.pos + 1, "when")
        {
            self.bump();
            PatternKind::Discard
        } else if self.peek() == K::LBrace {
            self.property_pattern(None)?
        } else if let Some(kind) = self.type_pattern()? {
            kind
        } else {
            PatternKind::Constant(self.binary(PREC_SHIFT)?)
        };
        Ok(Pattern {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    /// `(` starts a parenthesised constant (like `(1 + 2)`) rather than a pattern when
    /// its contents scan as no type and hold an operator; keep it simple: only literals.
    fn paren_is_constant(&self) -> bool {
        self.pair_of(self.pos).is_some_and(|close| {
            matches!(
                self.kind_at(close + 1),
                K::Plus | K::Minus | K::Star | K::Slash | K::Dot
            )
        })
    }

    fn type_pattern(&mut self) -> PResult<Option<PatternKind>> {
        let Some((end, _)) = self.scan_type(self.pos, false, 0) else {
            return Ok(None);
        };
        let after = self.kind_at(end);
        if matches!(after, K::Dot | K::LParen | K::LBracket) && after != K::LBrace {
            return Ok(None);
        }
        let ty = self.nested(|p| p.ty(false))?;
        if self.peek() == K::LBrace {
            return self.property_pattern(Some(ty)).map(Some);
        }
        if self.is_designation() {
            return Ok(Some(PatternKind::Declaration(ty, self.ident("a name")?)));
        }
        Ok(Some(PatternKind::Type(ty)))
    }

    fn is_designation(&self) -> bool {
        self.peek() == K::Ident && !["and", "or", "when"].iter().any(|w| self.is_word(w))
    }

    fn property_pattern(&mut self, ty: Option<TypeRef>) -> PResult<PatternKind> {
        let open = self.bump().span;
        let mut fields: Vec<(Ident, Pattern)> = Vec::new();
        while self.peek() != K::RBrace {
            let name = self.ident("a member name in this property pattern")?;
            self.expect(K::Colon, "`:` after the member name")?;
            fields.push((name, self.nested(Self::pattern)?));
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::RBrace, open, "this property pattern")?;
        let name = if self.is_designation() {
            Some(self.ident("a name")?)
        } else {
            None
        };
        Ok(PatternKind::Property { ty, fields, name })
    }
}
