//! Type references: parsing, look-ahead scanning, and generic/cast disambiguation.

use super::{PResult, Parser};
use crate::expr::ast::{TypeKind, TypeRef, TypeSegment};
use crate::expr::lexer::TokenKind as K;

/// The keyword text of a predefined type token.
pub(super) fn predefined(k: K) -> Option<&'static str> {
    Some(match k {
        K::Bool => "bool",
        K::Byte => "byte",
        K::SByte => "sbyte",
        K::CharKw => "char",
        K::Decimal => "decimal",
        K::Double => "double",
        K::Float => "float",
        K::IntKw => "int",
        K::UInt => "uint",
        K::Long => "long",
        K::ULong => "ulong",
        K::Short => "short",
        K::UShort => "ushort",
        K::Object => "object",
        K::StringKw => "string",
        K::Void => "void",
        _ => return None,
    })
}

/// Tokens after which `<...>` is a type argument list (C# spec §6.2.5).
fn follows_type_args(k: K) -> bool {
    matches!(
        k,
        K::LParen
            | K::RParen
            | K::RBracket
            | K::RBrace
            | K::Colon
            | K::Semi
            | K::Comma
            | K::Dot
            | K::QDot
            | K::Question
            | K::EqEq
            | K::NotEq
            | K::Pipe
            | K::Caret
            | K::AndAnd
            | K::OrOr
            | K::Amp
            | K::LBracket
            | K::Eof
    )
}

/// Tokens that, after `(T)`, make it a cast of a plain name (C# spec §12.9.7).
fn starts_cast_operand(k: K) -> bool {
    matches!(
        k,
        K::Ident
            | K::Int
            | K::Real
            | K::Char
            | K::Str
            | K::InterpStr
            | K::True
            | K::False
            | K::Null
            | K::LParen
            | K::Bang
            | K::Tilde
            | K::New
            | K::This
            | K::Typeof
            | K::Default
            | K::Checked
            | K::Unchecked
            | K::NamedValue
    ) || predefined(k).is_some()
}

impl Parser<'_> {
    /// Scans a type starting at token `i` without building it. Returns the index after
    /// it and whether it can only be a type (keyword, generic, array or nullable).
    pub(super) fn scan_type(
        &self,
        mut i: usize,
        nullable: bool,
        depth: usize,
    ) -> Option<(usize, bool)> {
        if depth > self.max_depth {
            return None;
        }
        let mut only = false;
        if predefined(self.kind_at(i)).is_some() {
            i += 1;
            only = true;
        } else {
            loop {
                if self.kind_at(i) != K::Ident {
                    return None;
                }
                i += 1;
                if self.kind_at(i) == K::Lt {
                    i = self.scan_type_args(i, depth)?;
                    only = true;
                }
                if self.kind_at(i) == K::Dot && self.kind_at(i + 1) == K::Ident {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        loop {
            match self.kind_at(i) {
                K::Question if nullable && self.kind_at(i - 1) != K::Question => i += 1,
                K::LBracket | K::QBracket => {
                    if self.kind_at(i) == K::QBracket && !nullable {
                        break;
                    }
                    let mut j = i + 1;
                    while self.kind_at(j) == K::Comma {
                        j += 1;
                    }
                    if self.kind_at(j) != K::RBracket {
                        break;
                    }
                    i = j + 1;
                }
                _ => break,
            }
            only = true;
        }
        Some((i, only))
    }

    /// Scans `<T, U>` at `i`; returns the index after `>`.
    fn scan_type_args(&self, mut i: usize, depth: usize) -> Option<usize> {
        loop {
            i = self.scan_type(i + 1, true, depth + 1)?.0;
            match self.kind_at(i) {
                K::Comma => continue,
                K::Gt => return Some(i + 1),
                _ => return None,
            }
        }
    }

    /// Whether the `(` at the cursor starts a cast.
    pub(super) fn is_cast(&self) -> bool {
        let Some((end, only)) = self.scan_type(self.pos + 1, true, 0) else {
            return false;
        };
        if self.kind_at(end) != K::RParen {
            return false;
        }
        let after = self.kind_at(end + 1);
        only && !matches!(after, K::Arrow | K::Dot) || starts_cast_operand(after)
    }

    /// Parses `<T, U>` after a name in expression position if it is a type argument list.
    pub(super) fn generic_args_if_any(&mut self) -> PResult<Vec<TypeRef>> {
        if self.peek() != K::Lt {
            return Ok(Vec::new());
        }
        match self.scan_type_args(self.pos, 0) {
            Some(end) if follows_type_args(self.kind_at(end)) => self.type_args(),
            _ => Ok(Vec::new()),
        }
    }

    fn type_args(&mut self) -> PResult<Vec<TypeRef>> {
        let open = self.bump().span;
        let mut args = Vec::new();
        loop {
            args.push(self.nested(|p| p.ty(true))?);
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::Gt, open, "this type argument list")?;
        Ok(args)
    }

    /// A full type, with array ranks and (if `nullable`) `?`.
    pub(crate) fn ty(&mut self, nullable: bool) -> PResult<TypeRef> {
        let mut t = self.base_type()?;
        loop {
            match self.peek() {
                K::Question if nullable && !matches!(t.kind, TypeKind::Nullable(_)) => {
                    self.bump();
                    let span = t.span.to(self.prev_span());
                    t = TypeRef {
                        kind: TypeKind::Nullable(Box::new(t)),
                        span,
                    };
                }
                K::LBracket if matches!(self.peek2(), K::Comma | K::RBracket) => {
                    t = self.rank_spec(t)?;
                }
                K::QBracket if nullable && matches!(self.peek2(), K::Comma | K::RBracket) => {
                    let q = self.span();
                    let span = t
                        .span
                        .to(crate::Span::new(q.start as usize, q.start as usize + 1));
                    t = TypeRef {
                        kind: TypeKind::Nullable(Box::new(t)),
                        span,
                    };
                    t = self.rank_spec(t)?;
                }
                _ => return Ok(t),
            }
        }
    }

    /// `[` `,`* `]` after a type.
    pub(super) fn rank_spec(&mut self, elem: TypeRef) -> PResult<TypeRef> {
        self.bump();
        let mut rank = 1;
        while self.eat(K::Comma) {
            rank += 1;
        }
        self.expect(K::RBracket, "`]` to close this array rank")?;
        let span = elem.span.to(self.prev_span());
        Ok(TypeRef {
            kind: TypeKind::Array(Box::new(elem), rank),
            span,
        })
    }

    /// A type for `as`: `?` is nullable only when no expression follows it.
    pub(super) fn ty_in_expr(&mut self) -> PResult<TypeRef> {
        let allow_q = self.scan_type(self.pos, false, 0).is_some_and(|(end, _)| {
            let next = self.kind_at(end + 1);
            match self.kind_at(end) {
                K::Question => !starts_cast_operand(next) && !matches!(next, K::Plus | K::Minus),
                K::QBracket => matches!(next, K::Comma | K::RBracket),
                _ => false,
            }
        });
        self.ty(allow_q)
    }

    /// A predefined or (qualified, generic) named type without suffixes.
    pub(super) fn base_type(&mut self) -> PResult<TypeRef> {
        let start = self.span();
        if let Some(name) = predefined(self.peek()) {
            self.bump();
            return Ok(TypeRef {
                kind: TypeKind::Predefined(name),
                span: start,
            });
        }
        if self.peek() == K::LParen {
            return self.tuple_type();
        }
        let mut segs = Vec::new();
        loop {
            let name = self.ident("a type")?;
            let args = if self.peek() == K::Lt {
                self.type_args()?
            } else {
                Vec::new()
            };
            segs.push(TypeSegment { name, args });
            if !(self.peek() == K::Dot && self.peek2() == K::Ident) {
                break;
            }
            self.bump();
        }
        let span = start.to(self.prev_span());
        Ok(TypeRef {
            kind: TypeKind::Named(segs),
            span,
        })
    }

    fn tuple_type(&mut self) -> PResult<TypeRef> {
        let open = self.bump().span;
        let mut items = Vec::new();
        loop {
            let t = self.nested(|p| p.ty(true))?;
            let name = if self.peek() == K::Ident {
                Some(self.ident("a name")?)
            } else {
                None
            };
            items.push((t, name));
            if !self.eat(K::Comma) {
                break;
            }
        }
        self.expect_close(K::RParen, open, "this tuple type")?;
        Ok(TypeRef {
            kind: TypeKind::Tuple(items),
            span: open.to(self.prev_span()),
        })
    }
}
