//! Literal tokens and interpolated strings.

use super::{PResult, Parser};
use crate::expr::ast::*;
use crate::expr::lexer::TokenKind as K;
use crate::expr::literal::{scan_interpolated, unescape, unverbatim, Event, Scan};
use crate::expr::ExprError;
use crate::Span;

impl Parser<'_> {
    pub(super) fn literal(&mut self) -> PResult<Literal> {
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

    pub(super) fn interpolated(&mut self) -> PResult<ExprKind> {
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
            help: Some("integers must fit their type (`ulong` at most); for larger numbers use a `double` (`1e20`) or a string".into()),
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
