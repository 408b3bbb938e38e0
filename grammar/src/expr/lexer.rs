//! The C# policy-expression lexer: logos token kinds plus hand-written string scanners.

use logos::Logos;

use super::literal::{scan_interpolated, Scan};
use crate::Span;

/// Why the lexer stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LexError {
    /// A character that starts no token.
    #[default]
    Unexpected,
    /// A string, char or interpolated string without its closing quote.
    UnterminatedString,
    /// A char literal without its closing quote.
    UnterminatedChar,
    /// A char literal holding zero or several characters.
    InvalidChar,
    /// A `/*` comment without `*/`.
    UnterminatedComment,
}

/// The kind of one token. Keywords that C# reserves are their own kinds; contextual
/// keywords (`var`, `when`, `nameof`, ...) are [`TokenKind::Ident`].
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(error = LexError)]
// C#'s whitespace (Roslyn's `SyntaxFacts.IsWhitespace`/`IsNewLine`): space, tab, vertical tab,
// form feed, NBSP, BOM, Ctrl-Z, every Unicode space separator, and the line breaks CR, LF,
// NEL, LS and PS — which also end a `//` comment.
#[logos(skip r"[ \t\r\n\x0B\f\u{1A}\u{A0}\u{feff}\u{85}\u{2028}\u{2029}\p{Zs}]+")]
#[logos(skip(r"//[^\r\n\u{85}\u{2028}\u{2029}]*", allow_greedy = true))]
#[allow(missing_docs)]
pub enum TokenKind {
    #[regex(r"/\*([^*]|\*+[^*/])*\*+/", logos::skip)]
    #[token("/*", unterminated_comment)]
    Comment,
    #[regex(r"@?[A-Za-z_][A-Za-z0-9_]*", priority = 2)]
    Ident,
    #[regex(r"\{\{[A-Za-z0-9._-]+\}\}")]
    NamedValue,
    #[regex(r"[0-9][0-9_]*([uU][lL]?|[lL][uU]?)?")]
    #[regex(r"0[xX][0-9a-fA-F_]+([uU][lL]?|[lL][uU]?)?")]
    #[regex(r"0[bB][01_]+([uU][lL]?|[lL][uU]?)?")]
    Int,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?[fFdDmM]?")]
    #[regex(r"\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?[fFdDmM]?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]+[fFdDmM]?")]
    #[regex(r"[0-9][0-9_]*[fFdDmM]")]
    Real,
    #[token("'", lex_char)]
    Char,
    #[token("\"", |l| lex_string(l, false))]
    #[token("@\"", |l| lex_string(l, true))]
    Str,
    #[token("$\"", |l| lex_interp(l, false))]
    #[token("$@\"", |l| lex_interp(l, true))]
    #[token("@$\"", |l| lex_interp(l, true))]
    InterpStr,
    // reserved keywords
    #[token("as")]
    As,
    #[token("base")]
    Base,
    #[token("bool")]
    Bool,
    #[token("break")]
    Break,
    #[token("byte")]
    Byte,
    #[token("case")]
    Case,
    #[token("catch")]
    Catch,
    #[token("char")]
    CharKw,
    #[token("checked")]
    Checked,
    #[token("const")]
    Const,
    #[token("continue")]
    Continue,
    #[token("decimal")]
    Decimal,
    #[token("default")]
    Default,
    #[token("do")]
    Do,
    #[token("double")]
    Double,
    #[token("else")]
    Else,
    #[token("false")]
    False,
    #[token("finally")]
    Finally,
    #[token("float")]
    Float,
    #[token("for")]
    For,
    #[token("foreach")]
    Foreach,
    #[token("if")]
    If,
    #[token("in")]
    In,
    #[token("int")]
    IntKw,
    #[token("is")]
    Is,
    #[token("long")]
    Long,
    #[token("new")]
    New,
    #[token("null")]
    Null,
    #[token("object")]
    Object,
    #[token("out")]
    Out,
    #[token("ref")]
    Ref,
    #[token("return")]
    Return,
    #[token("sbyte")]
    SByte,
    #[token("short")]
    Short,
    #[token("string")]
    StringKw,
    #[token("switch")]
    Switch,
    #[token("this")]
    This,
    #[token("throw")]
    Throw,
    #[token("true")]
    True,
    #[token("try")]
    Try,
    #[token("typeof")]
    Typeof,
    #[token("uint")]
    UInt,
    #[token("ulong")]
    ULong,
    #[token("unchecked")]
    Unchecked,
    #[token("ushort")]
    UShort,
    #[token("using")]
    Using,
    #[token("void")]
    Void,
    #[token("while")]
    While,
    // punctuation
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(".")]
    Dot,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token("?")]
    Question,
    #[token("?.")]
    QDot,
    #[token("?[")]
    QBracket,
    #[token("??")]
    QQ,
    #[token("??=")]
    QQEq,
    #[token("=>")]
    Arrow,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("!")]
    Bang,
    #[token("~")]
    Tilde,
    #[token("=")]
    Eq,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("++")]
    PlusPlus,
    #[token("--")]
    MinusMinus,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("<<")]
    Shl,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    ShlEq,
    /// End of input (never produced by logos; appended by [`lex`]).
    Eof,
}

/// One token: its kind and its byte span in the full source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// A lexing failure with its location (relative to the full source).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexFailure {
    /// What went wrong.
    pub error: LexError,
    /// The offending text.
    pub span: Span,
}

/// Lexes `src[start..end]` into tokens with spans into `src`, ending with [`TokenKind::Eof`].
pub fn lex(src: &str, start: usize, end: usize) -> Result<Vec<Token>, LexFailure> {
    let text = &src[start..end];
    let mut lexer = TokenKind::lexer(text);
    let mut toks = Vec::with_capacity(text.len() / 4 + 1);
    while let Some(res) = lexer.next() {
        let span = Span::from(lexer.span()).shift(start);
        match res {
            Ok(kind) => toks.push(Token { kind, span }),
            Err(error) => return Err(LexFailure { error, span }),
        }
    }
    toks.push(Token {
        kind: TokenKind::Eof,
        span: Span::empty(end),
    });
    Ok(toks)
}

fn unterminated_comment(_: &mut logos::Lexer<'_, TokenKind>) -> Result<(), LexError> {
    Err(LexError::UnterminatedComment)
}

fn lex_char(lex: &mut logos::Lexer<'_, TokenKind>) -> Result<(), LexError> {
    let rest = lex.remainder();
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    if i >= b.len() || b[i] != b'\'' {
        return Err(LexError::UnterminatedChar);
    }
    lex.bump(i + 1);
    match super::literal::unescape(&rest[..i], false) {
        Ok(s) if s.chars().count() != 1 => Err(LexError::InvalidChar),
        _ => Ok(()),
    }
}

fn lex_string(lex: &mut logos::Lexer<'_, TokenKind>, verbatim: bool) -> Result<(), LexError> {
    let rest = lex.remainder().as_bytes();
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'"' if verbatim && rest.get(i + 1) == Some(&b'"') => i += 2,
            b'"' => {
                lex.bump(i + 1);
                return Ok(());
            }
            b'\\' if !verbatim => i += 2,
            b'\n' if !verbatim => break,
            _ => i += 1,
        }
    }
    Err(LexError::UnterminatedString)
}

fn lex_interp(lex: &mut logos::Lexer<'_, TokenKind>, verbatim: bool) -> Result<(), LexError> {
    let rest = lex.remainder().as_bytes();
    match scan_interpolated(rest, verbatim, &mut |_| {}) {
        Scan::Done(len) => {
            lex.bump(len);
            Ok(())
        }
        Scan::Unterminated => Err(LexError::UnterminatedString),
    }
}

/// Pairs each opening `(`/`[`/`{` with its closing token index (`u32::MAX` if unmatched).
pub fn match_brackets(toks: &[Token]) -> Vec<u32> {
    let mut out = vec![u32::MAX; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::QBracket | TokenKind::LBrace => {
                stack.push(i)
            }
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                if let Some(open) = stack.pop() {
                    out[open] = i as u32;
                }
            }
            _ => {}
        }
    }
    out
}
