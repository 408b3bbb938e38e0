//! Statements of `@{ ... }` blocks, lambda bodies and local functions.

use super::{PResult, Parser};
use crate::expr::ast::Expr;
use crate::expr::lexer::TokenKind as K;
use crate::expr::stmt::*;
use crate::Span;

impl Parser<'_> {
    /// Statements up to end of input (the body of `@{ ... }`).
    pub(crate) fn top_block(&mut self) -> PResult<Block> {
        let mut stmts = Vec::new();
        while self.peek() != K::Eof {
            if self.peek() == K::RBrace {
                return Err(self.unexpected("a statement (this `}` closes nothing)"));
            }
            stmts.push(self.stmt()?);
        }
        Ok(Block {
            stmts,
            span: Span::new(0, self.src.len()),
        })
    }

    /// `{ statements }`, the `{` at the cursor.
    pub(crate) fn braced_block(&mut self) -> PResult<Block> {
        let open = self.expect(K::LBrace, "`{`")?.span;
        let mut stmts = Vec::new();
        while !matches!(self.peek(), K::RBrace | K::Eof) {
            stmts.push(self.stmt()?);
        }
        self.expect_close(K::RBrace, open, "this block")?;
        Ok(Block {
            stmts,
            span: open.to(self.prev_span()),
        })
    }

    pub(super) fn stmt(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let kind = self.nested(Self::stmt_kind)?;
        Ok(Stmt {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn boxed_stmt(&mut self) -> PResult<Box<Stmt>> {
        self.stmt().map(Box::new)
    }

    fn stmt_kind(&mut self) -> PResult<StmtKind> {
        Ok(match self.peek() {
            K::LBrace => StmtKind::Block(self.braced_block()?),
            K::Semi => {
                self.bump();
                StmtKind::Empty
            }
            K::If => {
                self.bump();
                let cond = self.cond("`if`")?;
                let then = self.boxed_stmt()?;
                let other = if self.eat(K::Else) {
                    Some(self.boxed_stmt()?)
                } else {
                    None
                };
                StmtKind::If(cond, then, other)
            }
            K::While => {
                self.bump();
                StmtKind::While(self.cond("`while`")?, self.boxed_stmt()?)
            }
            K::Do => {
                self.bump();
                let body = self.boxed_stmt()?;
                self.expect(K::While, "`while` after the body of `do`")?;
                let cond = self.cond("`while`")?;
                self.semi()?;
                StmtKind::DoWhile(body, cond)
            }
            K::For => self.for_stmt()?,
            K::Foreach => self.foreach_stmt()?,
            K::Switch => self.switch_stmt()?,
            K::Try => self.try_stmt()?,
            K::Using => {
                self.bump();
                let open = self.expect(K::LParen, "`(` after `using`")?.span;
                let start = self.span();
                let kind = self.decl_or_expr()?;
                let res = Stmt {
                    kind,
                    span: start.to(self.prev_span()),
                };
                self.expect_close(K::RParen, open, "`using (`")?;
                StmtKind::Using(Box::new(res), self.boxed_stmt()?)
            }
            K::Checked | K::Unchecked if self.peek2() == K::LBrace => {
                let checked = self.bump().kind == K::Checked;
                StmtKind::Checked(checked, self.braced_block()?)
            }
            K::Return => self.jump(StmtKind::Return)?,
            K::Throw => self.jump(StmtKind::Throw)?,
            K::Break | K::Continue => {
                let k = if self.bump().kind == K::Break {
                    StmtKind::Break
                } else {
                    StmtKind::Continue
                };
                self.semi()?;
                k
            }
            K::Const => {
                self.bump();
                let StmtKind::Local {
                    ty, declarators, ..
                } = self.local()?
                else {
                    return Err(self.unexpected("a constant declaration"));
                };
                self.semi()?;
                StmtKind::Local {
                    is_const: true,
                    ty,
                    declarators,
                }
            }
            _ if self.is_local_function() => self.local_function()?,
            _ => {
                let k = self.decl_or_expr()?;
                self.semi()?;
                k
            }
        })
    }

    fn semi(&mut self) -> PResult<()> {
        if self.eat(K::Semi) {
            return Ok(());
        }
        let mut e = self.unexpected("`;` to end this statement");
        if self.pos > 0 {
            e.span = crate::Span::empty(self.prev_span().end as usize);
            e.label = "expected `;` here".into();
        }
        e.help = Some("statements inside `@{ ... }` end with `;`".into());
        Err(e)
    }

    pub(super) fn cond(&mut self, what: &str) -> PResult<Expr> {
        let open = self.expect_open_after(what)?.span;
        let e = self.expr()?;
        self.expect_close(K::RParen, open, "this condition")?;
        Ok(e)
    }

    fn jump(&mut self, f: fn(Option<Expr>) -> StmtKind) -> PResult<StmtKind> {
        self.bump();
        let value = if self.peek() == K::Semi {
            None
        } else {
            Some(self.expr()?)
        };
        self.semi()?;
        Ok(f(value))
    }

    fn is_declaration(&self) -> bool {
        match self.scan_type(self.pos, true, 0) {
            Some((end, _)) => {
                self.kind_at(end) == K::Ident
                    && matches!(self.kind_at(end + 1), K::Eq | K::Semi | K::Comma | K::In)
            }
            None => false,
        }
    }

    fn is_local_function(&self) -> bool {
        let Some((end, _)) = self.scan_type(self.pos, true, 0) else {
            return false;
        };
        self.kind_at(end) == K::Ident
            && self.kind_at(end + 1) == K::LParen
            && self
                .pair_of(end + 1)
                .is_some_and(|c| matches!(self.kind_at(c + 1), K::LBrace | K::Arrow))
    }

    fn decl_or_expr(&mut self) -> PResult<StmtKind> {
        if self.is_declaration() {
            self.local()
        } else {
            Ok(StmtKind::Expr(self.expr()?))
        }
    }

    /// `T a = 1, b` without the `;`.
    fn local(&mut self) -> PResult<StmtKind> {
        let ty = self.nested(|p| p.ty(true))?;
        let mut declarators = Vec::new();
        loop {
            let name = self.ident("a variable name")?;
            let init = if self.eat(K::Eq) {
                Some(self.element()?)
            } else {
                None
            };
            let span = name.span.to(self.prev_span());
            declarators.push(Declarator { name, init, span });
            if !self.eat(K::Comma) {
                break;
            }
        }
        Ok(StmtKind::Local {
            is_const: false,
            ty,
            declarators,
        })
    }

    fn local_function(&mut self) -> PResult<StmtKind> {
        let ret = self.nested(|p| p.ty(true))?;
        let name = self.ident("a function name")?;
        let params = self.params()?;
        let body = if self.eat(K::Arrow) {
            let b = crate::expr::ast::Body::Expr(self.expr()?);
            self.semi()?;
            b
        } else {
            self.body()?
        };
        Ok(StmtKind::LocalFunction(LocalFunction {
            ret,
            name,
            params,
            body,
        }))
    }

    fn for_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let open = self.expect(K::LParen, "`(` after `for`")?.span;
        let mut init = Vec::new();
        if self.is_declaration() {
            let start = self.span();
            let kind = self.local()?;
            init.push(Stmt {
                kind,
                span: start.to(self.prev_span()),
            });
        } else {
            for e in self.expr_list(K::Semi)? {
                let span = e.span;
                init.push(Stmt {
                    kind: StmtKind::Expr(e),
                    span,
                });
            }
        }
        self.expect(K::Semi, "`;` after the `for` initializer")?;
        let cond = if self.peek() == K::Semi {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect(K::Semi, "`;` after the `for` condition")?;
        let update = self.expr_list(K::RParen)?;
        self.expect_close(K::RParen, open, "`for (`")?;
        Ok(StmtKind::For(ForLoop {
            init,
            cond,
            update,
            body: self.boxed_stmt()?,
        }))
    }

    fn expr_list(&mut self, end: K) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        if self.peek() == end {
            return Ok(out);
        }
        loop {
            out.push(self.expr()?);
            if !self.eat(K::Comma) {
                return Ok(out);
            }
        }
    }

    fn foreach_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let open = self.expect(K::LParen, "`(` after `foreach`")?.span;
        let ty = self.nested(|p| p.ty(true))?;
        let name = self.ident("the loop variable name")?;
        self.expect(K::In, "`in` after the loop variable")?;
        let iter = self.expr()?;
        self.expect_close(K::RParen, open, "`foreach (`")?;
        Ok(StmtKind::Foreach(ty, name, iter, self.boxed_stmt()?))
    }
}
