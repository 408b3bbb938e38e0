//! The Pratt parser's shared state: token cursor, depth accounting and error helpers.

mod control;
mod expr;
mod literal;
mod new;
mod pattern;
mod primary;
mod stmt;
mod types;

use super::lexer::{lex, match_brackets, LexError, LexFailure, Token, TokenKind as K};
use super::ExprError;
use crate::{Limits, Span};

pub(crate) type PResult<T> = Result<T, Box<ExprError>>;

/// Parser state over one token vector.
pub(crate) struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pairs: Vec<u32>,
    pos: usize,
    depth: usize,
    max_depth: usize,
    /// Height of the most recently completed expression (for chains, which loop).
    h: usize,
    /// Largest height among sub-expressions completed since the last reset.
    hmax: usize,
}

impl<'a> Parser<'a> {
    /// Lexes `src` and prepares to parse it.
    pub(crate) fn new(src: &'a str, limits: &Limits) -> PResult<Self> {
        let toks = lex(src, 0, src.len()).map_err(|f| Box::new(lex_error(src, f)))?;
        let pairs = match_brackets(&toks);
        Ok(Parser {
            src,
            toks,
            pairs,
            pos: 0,
            depth: 0,
            max_depth: limits.max_expression_depth.max(1),
            h: 0,
            hmax: 0,
        })
    }

    fn kind_at(&self, i: usize) -> K {
        self.toks.get(i).map_or(K::Eof, |t| t.kind)
    }

    fn peek(&self) -> K {
        self.kind_at(self.pos)
    }

    fn peek2(&self) -> K {
        self.kind_at(self.pos + 1)
    }

    fn span(&self) -> Span {
        self.span_at(self.pos)
    }

    fn span_at(&self, i: usize) -> Span {
        let last = self.toks.len() - 1;
        self.toks[i.min(last)].span
    }

    /// Span of the previously consumed token.
    fn prev_span(&self) -> Span {
        self.span_at(self.pos.saturating_sub(1))
    }

    fn text_at(&self, i: usize) -> &'a str {
        &self.src[self.span_at(i).range()]
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)];
        if t.kind != K::Eof {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, k: K) -> bool {
        let yes = self.peek() == k;
        if yes {
            self.bump();
        }
        yes
    }

    /// Whether token `i` is the identifier `word` (contextual keywords).
    fn is_word_at(&self, i: usize, word: &str) -> bool {
        self.kind_at(i) == K::Ident && self.text_at(i) == word
    }

    fn is_word(&self, word: &str) -> bool {
        self.is_word_at(self.pos, word)
    }

    /// Whether tokens `i` and `i + 1` touch (for `>>` split into two `>`).
    fn adjacent(&self, i: usize) -> bool {
        self.span_at(i).end == self.span_at(i + 1).start
    }

    /// The index of the token closing the bracket at `i`, if matched.
    fn pair_of(&self, i: usize) -> Option<usize> {
        match self.pairs.get(i) {
            Some(&p) if p != u32::MAX => Some(p as usize),
            _ => None,
        }
    }

    /// Expects `(` after a keyword like `if`, building the message only on failure.
    fn expect_open_after(&mut self, what: &str) -> PResult<Token> {
        if self.peek() == K::LParen {
            return Ok(self.bump());
        }
        Err(self.unexpected(&format!("`(` after {what}")))
    }

    fn expect(&mut self, k: K, what: &str) -> PResult<Token> {
        if self.peek() == k {
            Ok(self.bump())
        } else {
            Err(self.unexpected(what))
        }
    }

    /// Expects the closing bracket `k` for the construct opened at `open`.
    fn expect_close(&mut self, k: K, open: Span, what: &str) -> PResult<Token> {
        if self.peek() == k {
            return Ok(self.bump());
        }
        let close = describe_kind(k);
        let mut e = self.unexpected(&format!("{close} to close {what}"));
        e.help = Some(format!(
            "the opening bracket is at offset {}; add a matching {close}",
            open.start
        ));
        Err(e)
    }

    /// An "expected X, found Y" error at the current token.
    fn unexpected(&self, expected: &str) -> Box<ExprError> {
        let found = self.describe(self.pos);
        Box::new(ExprError {
            code: "syntax::unexpected-token",
            message: format!("expected {expected}, found {found}"),
            span: self.span(),
            label: format!("expected {expected}"),
            help: None,
        })
    }

    fn describe(&self, i: usize) -> String {
        if self.kind_at(i) == K::Eof {
            return "end of input".into();
        }
        let t = self.text_at(i);
        match t.char_indices().nth(24) {
            Some((cut, _)) => format!("`{}…`", &t[..cut]),
            None => format!("`{t}`"),
        }
    }

    fn too_deep(&self) -> Box<ExprError> {
        Box::new(ExprError {
            code: "syntax::too-deep",
            message: format!(
                "expression is nested too deeply (the limit is {} levels)",
                self.max_depth
            ),
            span: self.span(),
            label: "nesting limit reached here".into(),
            help: Some("split the expression into smaller parts using variables".into()),
        })
    }

    fn enter(&mut self) -> PResult<()> {
        if self.depth >= self.max_depth {
            return Err(self.too_deep());
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Runs `f` one nesting level deeper.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.enter()?;
        let r = f(self);
        self.leave();
        r
    }

    /// Checks a chain's tree height against the limit (chains loop, but the tree they
    /// build must stay shallow enough for recursive consumers).
    fn check_height(&self, h: usize) -> PResult<()> {
        if h > self.max_depth.saturating_mul(4) {
            return Err(self.too_deep());
        }
        Ok(())
    }

    /// Parses the text `start..end` of the source (an interpolation hole) with this
    /// parser's depth budget, then restores the outer token stream.
    fn sub_parse<T>(
        &mut self,
        start: usize,
        end: usize,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        let toks = lex(self.src, start, end).map_err(|e| Box::new(lex_error(self.src, e)))?;
        let pairs = match_brackets(&toks);
        let saved_toks = std::mem::replace(&mut self.toks, toks);
        let saved_pairs = std::mem::replace(&mut self.pairs, pairs);
        let saved_pos = std::mem::replace(&mut self.pos, 0);
        let r = self.nested(f);
        self.toks = saved_toks;
        self.pairs = saved_pairs;
        self.pos = saved_pos;
        r
    }

    /// Requires end of input (nothing after the expression).
    pub(crate) fn finish(&mut self, what: &str) -> PResult<()> {
        if self.peek() == K::Eof {
            return Ok(());
        }
        let mut e = self.unexpected(what);
        e.help = Some("an `@(...)` expression holds exactly one expression".into());
        Err(e)
    }

    fn ident(&mut self, what: &str) -> PResult<super::ast::Ident> {
        if self.peek() != K::Ident {
            return Err(self.unexpected(what));
        }
        let t = self.bump();
        let text = &self.src[t.span.range()];
        Ok(super::ast::Ident {
            name: text.strip_prefix('@').unwrap_or(text).into(),
            span: t.span,
        })
    }
}

/// Human name of a token kind, for "expected" messages.
fn describe_kind(k: K) -> &'static str {
    match k {
        K::RParen => "`)`",
        K::RBracket => "`]`",
        K::RBrace => "`}`",
        K::LParen => "`(`",
        K::LBrace => "`{`",
        K::Semi => "`;`",
        K::Colon => "`:`",
        K::Gt => "`>`",
        K::Arrow => "`=>`",
        K::In => "`in`",
        K::While => "`while`",
        K::Eof => "end of input",
        _ => "a token",
    }
}

/// Converts a lexer failure into a located, helpful error.
pub(crate) fn lex_error(src: &str, f: LexFailure) -> ExprError {
    let text = src.get(f.span.range()).unwrap_or("");
    let open = Span::new(
        f.span.start as usize,
        f.span.start as usize + text.len().min(1),
    );
    match f.error {
        LexError::InvalidChar => {
            let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
            ExprError {
                code: "syntax::invalid-char-literal",
                message: format!("character literal {text} must hold exactly one character"),
                span: f.span,
                label: "not a single character".into(),
                help: Some(format!("use a string literal instead: \"{inner}\"")),
            }
        }
        LexError::UnterminatedString | LexError::UnterminatedChar => ExprError {
            code: "syntax::unterminated-string",
            message: "this literal is never closed".into(),
            span: f.span,
            label: "literal starts here".into(),
            help: Some("add the closing quote (escape inner quotes with `\\`)".into()),
        },
        LexError::UnterminatedComment => ExprError {
            code: "syntax::unterminated-comment",
            message: "this `/*` comment is never closed".into(),
            span: f.span,
            label: "comment starts here".into(),
            help: Some("add `*/`".into()),
        },
        LexError::Unexpected => {
            let c = src[f.span.start as usize..].chars().next().unwrap_or(' ');
            let end = f.span.start as usize + c.len_utf8();
            ExprError {
                code: "syntax::unexpected-character",
                message: format!("unexpected character `{c}`"),
                span: Span::new(open.start as usize, end),
                label: "not valid here".into(),
                help: Some("C# has no such token here; comments are `// ...` or `/* ... */`, and text belongs in a string literal `\"...\"`".into()),
            }
        }
    }
}
