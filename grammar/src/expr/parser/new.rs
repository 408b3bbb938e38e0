//! `new` expressions: objects, initializers, arrays and anonymous objects.

use super::{PResult, Parser};
use crate::expr::ast::*;
use crate::expr::lexer::TokenKind as K;

impl Parser<'_> {
    /// `new ...`, the `new` at the cursor.
    pub(super) fn new_expr(&mut self) -> PResult<ExprKind> {
        self.bump();
        let kind = match self.peek() {
            K::LBracket => self.implicit_array()?,
            K::LBrace => NewExpr::Anonymous(self.anonymous()?),
            K::LParen => {
                let args = Some(self.args(K::RParen, "these constructor arguments")?);
                NewExpr::Object {
                    ty: None,
                    args,
                    init: self.initializer_if_any()?,
                }
            }
            _ => self.typed_new()?,
        };
        Ok(ExprKind::New(Box::new(kind)))
    }

    fn implicit_array(&mut self) -> PResult<NewExpr> {
        let t = self.rank_spec(TypeRef {
            kind: TypeKind::Predefined("object"),
            span: self.span(),
        })?;
        let rank = match t.kind {
            TypeKind::Array(_, r) => r,
            _ => 1,
        };
        if self.peek() != K::LBrace {
            return Err(self.unexpected("`{` with the elements of `new[]`"));
        }
        let init = Some(self.array_init()?);
        Ok(NewExpr::Array(ArrayCreation {
            elem: None,
            sizes: Vec::new(),
            rank,
            init,
        }))
    }

    fn typed_new(&mut self) -> PResult<NewExpr> {
        let mut ty = self.nested(|p| p.base_type())?;
        if matches!(self.peek(), K::Question | K::QBracket) {
            if self.peek() == K::Question {
                self.bump();
            }
            let span = ty.span.to(self.prev_span());
            ty = TypeRef {
                kind: TypeKind::Nullable(Box::new(ty)),
                span,
            };
        }
        match self.peek() {
            K::LBracket | K::QBracket => self.typed_array(ty),
            K::LParen => {
                let args = Some(self.args(K::RParen, "these constructor arguments")?);
                Ok(NewExpr::Object {
                    ty: Some(ty),
                    args,
                    init: self.initializer_if_any()?,
                })
            }
            K::LBrace => {
                let init = self.initializer_if_any()?;
                Ok(NewExpr::Object {
                    ty: Some(ty),
                    args: None,
                    init,
                })
            }
            _ => Err(self.unexpected("`(`, `[` or `{` after the type in `new`")),
        }
    }

    fn typed_array(&mut self, ty: TypeRef) -> PResult<NewExpr> {
        let mut sizes = Vec::new();
        if matches!(self.peek2(), K::Comma | K::RBracket) {
            let t = self.rank_spec(ty)?;
            let TypeKind::Array(elem, r) = t.kind else {
                return Err(self.unexpected("an array rank"));
            };
            return self.array_tail(*elem, sizes, r);
        }
        let open = self.bump().span;
        loop {
            sizes.push(self.expr()?);
            if !self.eat(K::Comma) {
                break;
            }
        }
        let rank = sizes.len() as u32;
        self.expect_close(K::RBracket, open, "these array sizes")?;
        self.array_tail(ty, sizes, rank)
    }

    /// Jagged rank specifiers after the first, then the optional initializer.
    fn array_tail(&mut self, mut elem: TypeRef, sizes: Vec<Expr>, rank: u32) -> PResult<NewExpr> {
        let mut extra: Vec<u32> = Vec::new();
        while self.peek() == K::LBracket && matches!(self.peek2(), K::Comma | K::RBracket) {
            let t = self.rank_spec(TypeRef {
                kind: TypeKind::Predefined("object"),
                span: self.span(),
            })?;
            if let TypeKind::Array(_, r) = t.kind {
                extra.push(r);
            }
        }
        for r in extra.into_iter().rev() {
            let span = elem.span;
            elem = TypeRef {
                kind: TypeKind::Array(Box::new(elem), r),
                span,
            };
        }
        let init = if self.peek() == K::LBrace {
            Some(self.array_init()?)
        } else {
            None
        };
        Ok(NewExpr::Array(ArrayCreation {
            elem: Some(elem),
            sizes,
            rank,
            init,
        }))
    }

    /// `{ a, b, { c } }`: an array initializer's elements.
    pub(super) fn array_init(&mut self) -> PResult<Vec<Expr>> {
        self.nested(|p| {
            let open = p.bump().span;
            let mut items = Vec::new();
            while p.peek() != K::RBrace {
                items.push(p.element()?);
                if !p.eat(K::Comma) {
                    break;
                }
            }
            p.expect_close(K::RBrace, open, "this initializer")?;
            Ok(items)
        })
    }

    /// An initializer element, or a local variable's initializer: an expression or a
    /// nested `{ ... }` (as `ArrayInit`).
    pub(super) fn element(&mut self) -> PResult<Expr> {
        if self.peek() != K::LBrace {
            return self.expr();
        }
        let start = self.span();
        let items = self.array_init()?;
        Ok(Expr {
            kind: ExprKind::ArrayInit(items),
            span: start.to(self.prev_span()),
        })
    }

    fn initializer_if_any(&mut self) -> PResult<Option<Initializer>> {
        if self.peek() != K::LBrace {
            return Ok(None);
        }
        self.nested(|p| p.initializer()).map(Some)
    }

    fn initializer(&mut self) -> PResult<Initializer> {
        let is_object = self.peek2() == K::RBrace
            || self.kind_at(self.pos + 1) == K::Ident && self.kind_at(self.pos + 2) == K::Eq
            || self.peek2() == K::LBracket;
        if !is_object {
            return Ok(Initializer::Collection(self.array_init()?));
        }
        let open = self.bump().span;
        let mut entries = Vec::new();
        while self.peek() != K::RBrace {
            entries.push(self.member_init()?);
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::RBrace, open, "this object initializer")?;
        Ok(Initializer::Object(entries))
    }

    fn member_init(&mut self) -> PResult<MemberInit> {
        let start = self.span();
        let target = if self.peek() == K::LBracket {
            InitTarget::Index(self.args(K::RBracket, "this index")?)
        } else {
            InitTarget::Member(self.ident("a member name or `[key]`")?)
        };
        self.expect(K::Eq, "`=` in this initializer entry")?;
        let value = if self.peek() == K::LBrace {
            InitValue::Init(self.nested(|p| p.initializer())?)
        } else {
            InitValue::Expr(self.expr()?)
        };
        Ok(MemberInit {
            target,
            value,
            span: start.to(self.prev_span()),
        })
    }

    fn anonymous(&mut self) -> PResult<Vec<AnonMember>> {
        let open = self.bump().span;
        let mut members = Vec::new();
        while self.peek() != K::RBrace {
            let name = if self.peek() == K::Ident && self.peek2() == K::Eq {
                let n = self.ident("a member name")?;
                self.bump();
                Some(n)
            } else {
                None
            };
            members.push(AnonMember {
                name,
                value: self.expr()?,
            });
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::RBrace, open, "this anonymous object")?;
        Ok(members)
    }
}
