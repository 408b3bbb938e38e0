//! `switch` and `try` statements.

use super::{PResult, Parser};
use crate::expr::lexer::TokenKind as K;
use crate::expr::stmt::*;

impl Parser<'_> {
    pub(super) fn switch_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let scrutinee = self.cond("`switch`")?;
        let open = self.expect(K::LBrace, "`{` to open the switch body")?.span;
        let mut sections = Vec::new();
        while matches!(self.peek(), K::Case | K::Default) {
            let start = self.span();
            let mut labels = Vec::new();
            while let Some(label) = self.switch_label()? {
                labels.push(label);
            }
            let mut body = Vec::new();
            while !self.at_section_end() {
                body.push(self.stmt()?);
            }
            sections.push(SwitchSection {
                labels,
                body,
                span: start.to(self.prev_span()),
            });
        }
        self.expect_close(K::RBrace, open, "this switch body")?;
        Ok(StmtKind::Switch(scrutinee, sections))
    }

    fn at_section_end(&self) -> bool {
        match self.peek() {
            K::Case | K::RBrace | K::Eof => true,
            K::Default => self.peek2() == K::Colon,
            _ => false,
        }
    }

    fn switch_label(&mut self) -> PResult<Option<SwitchLabel>> {
        match self.peek() {
            K::Default if self.peek2() == K::Colon => {
                self.pos += 2;
                Ok(Some(SwitchLabel::Default))
            }
            K::Case => {
                self.bump();
                let pat = self.nested(Self::pattern)?;
                let guard = if self.is_word("when") {
                    self.bump();
                    Some(self.expr()?)
                } else {
                    None
                };
                self.expect(K::Colon, "`:` after the case label")?;
                Ok(Some(SwitchLabel::Case(pat, guard)))
            }
            _ => Ok(None),
        }
    }

    pub(super) fn try_stmt(&mut self) -> PResult<StmtKind> {
        self.bump();
        let body = self.braced_block()?;
        let mut catches = Vec::new();
        while self.peek() == K::Catch {
            let start = self.bump().span;
            let (mut ty, mut name) = (None, None);
            if self.peek() == K::LParen {
                let open = self.bump().span;
                ty = Some(self.nested(|p| p.ty(true))?);
                if self.peek() == K::Ident {
                    name = Some(self.ident("a name")?);
                }
                self.expect_close(K::RParen, open, "this catch clause")?;
            }
            let filter = if self.is_word("when") {
                self.bump();
                Some(self.cond("`when`")?)
            } else {
                None
            };
            let body = self.braced_block()?;
            let span = start.to(self.prev_span());
            catches.push(CatchClause {
                ty,
                name,
                filter,
                body,
                span,
            });
        }
        let finally = if self.eat(K::Finally) {
            Some(self.braced_block()?)
        } else {
            None
        };
        if catches.is_empty() && finally.is_none() {
            return Err(self.unexpected("`catch` or `finally` after the `try` block"));
        }
        Ok(StmtKind::Try(body, catches, finally))
    }
}
