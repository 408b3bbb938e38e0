//! Lowering: C# expression and block syntax trees → the runtime's [`Code`].
//!
//! Locals get slots; lambdas and local functions are compiled inline behind a jump and
//! share the enclosing slots (captures by reference). Static members and constructors
//! resolve to member-table indexes here; instance members to name ids, dispatched on the
//! run-time type by the VM. Anything the runtime cannot do is a [`LowerError`] whose code
//! contains `unsupported`, located at the construct.

use crate::diagnostic::codes;
mod call;
mod expr;
mod pattern;
mod stmt;

use gatehouse_grammar::expr::{parse_block, parse_expression, Block, Expr};
use gatehouse_grammar::{Limits, Span};
use gatehouse_runtime::bytecode::{Code, Const, Instr, SpanRef};
use std::sync::Arc;

/// A lowering failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError {
    /// Stable code: `expr::unsupported-member`, `expr::unsupported-syntax`,
    /// `expr::unsupported-type`, `expr::unknown-name`, `expr::unresolved-named-value`,
    /// or a `syntax::…` code from the parser.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// Where (relative to the expression text).
    pub span: Span,
}

impl LowerError {
    fn new(code: &'static str, message: impl Into<String>, span: Span) -> LowerError {
        LowerError {
            code,
            message: message.into(),
            span,
        }
    }
}

/// Resolves `{{name}}` to its value text (`None`: unknown).
pub type NamedValues<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Lowers a single expression (the text of `@(...)`).
pub fn lower_expression(e: &Expr, named: NamedValues<'_>) -> Result<Code, LowerError> {
    let mut l = Lowerer::new(named);
    l.value_defaults = crate::types::value_defaults(Some(e), None);
    l.expr(e)?;
    l.emit(Instr::Return, e.span);
    Ok(l.finish())
}

/// Lowers a statement block (the text of `@{...}`).
pub fn lower_block(b: &Block, named: NamedValues<'_>) -> Result<Code, LowerError> {
    let mut l = Lowerer::new(named);
    l.value_defaults = crate::types::value_defaults(None, Some(b));
    l.block(b)?;
    let end = Span::empty(b.span.end as usize);
    l.emit(Instr::Null, end);
    l.emit(Instr::Return, end);
    Ok(l.finish())
}

/// Parses, type-checks (as `check` does) and lowers policy-expression text: `@(...)`,
/// `@{...}`, or a bare expression.
/// Spans are relative to the text after `@(`/`@{` (`offset` tells how far that is).
pub fn lower_source(text: &str, named: NamedValues<'_>) -> Result<(Code, usize), LowerError> {
    let limits = Limits::default();
    let t = text.trim_end();
    let syntax = |e: gatehouse_grammar::expr::ExprError, off: usize| {
        LowerError::new(e.code, e.message, e.span.shift(off))
    };
    for (open, close) in [("@(", ')'), ("@{", '}')] {
        if t.starts_with(open) && !t.ends_with(close) {
            let message = format!("`{open}` is not closed: `{close}` is missing at the end");
            let at = Span::new(t.len(), t.len());
            return Err(LowerError::new(
                codes::SYNTAX_UNCLOSED_EXPRESSION,
                message,
                at,
            ));
        }
    }
    if let Some(body) = t.strip_prefix("@{").and_then(|b| b.strip_suffix('}')) {
        let b = parse_block(body, &limits).map_err(|e| syntax(e, 2))?;
        first_error(crate::types::check_block(&b)).map_err(|e| shifted(e, 2))?;
        return lower_block(&b, named)
            .map(|c| (c, 2))
            .map_err(|e| shifted(e, 2));
    }
    let (body, off) = match t.strip_prefix("@(").and_then(|b| b.strip_suffix(')')) {
        Some(b) => (b, 2),
        None => (t, 0),
    };
    let e = parse_expression(body, &limits).map_err(|e| syntax(e, off))?;
    first_error(crate::types::check_expression(&e)).map_err(|e| shifted(e, off))?;
    lower_expression(&e, named)
        .map(|c| (c, off))
        .map_err(|e| shifted(e, off))
}

/// The first error the type and flow checks of `check` find, so that `eval` refuses exactly
/// what `check` refuses (warnings pass).
fn first_error(checked: crate::types::Checked) -> Result<(), LowerError> {
    match checked
        .findings
        .into_iter()
        .find(|f| f.severity == crate::Severity::Error)
    {
        Some(f) => Err(LowerError::new(f.code, f.message, f.span)),
        None => Ok(()),
    }
}

fn shifted(mut e: LowerError, off: usize) -> LowerError {
    e.span = e.span.shift(off);
    e
}

/// A loop (or switch) being lowered: where `break`/`continue` go.
struct Loop {
    breaks: Vec<usize>,
    continues: Vec<usize>,
    is_switch: bool,
    tries: usize,
}

/// Lowering state for one `Code`.
pub(crate) struct Lowerer<'a> {
    code: Code,
    scopes: Vec<Vec<(Box<str>, u16, bool)>>,
    next_slot: u16,
    loops: Vec<Loop>,
    tries: usize,
    finally: Vec<Block>,
    catch_slots: Vec<u16>,
    null_jumps: Vec<usize>,
    checked: bool,
    anon_members: Vec<Box<str>>,
    named: NamedValues<'a>,
    /// From the checker: value-typed `…OrDefault` calls by member-name start.
    value_defaults: Vec<(u32, Box<str>)>,
    depth: usize,
}

impl<'a> Lowerer<'a> {
    fn new(named: NamedValues<'a>) -> Self {
        Lowerer {
            code: Code::default(),
            scopes: vec![Vec::new()],
            next_slot: 0,
            loops: Vec::new(),
            tries: 0,
            finally: Vec::new(),
            catch_slots: Vec::new(),
            null_jumps: Vec::new(),
            checked: false,
            anon_members: Vec::new(),
            named,
            value_defaults: Vec::new(),
            depth: 0,
        }
    }

    fn finish(self) -> Code {
        self.code
    }

    /// Appends an instruction, returning its index.
    fn emit(&mut self, i: Instr, span: Span) -> usize {
        self.code.instrs.push(i);
        self.code.spans.push(SpanRef {
            start: span.start,
            end: span.end,
        });
        self.code.instrs.len() - 1
    }

    /// The index the next instruction will get.
    fn here(&self) -> u32 {
        self.code.instrs.len() as u32
    }

    /// Points the jump at `at` to the current position.
    fn patch(&mut self, at: usize) {
        let to = self.here();
        if let Some(i) = self.code.instrs.get_mut(at) {
            *i = match *i {
                Instr::Jump(_) => Instr::Jump(to),
                Instr::JumpIfFalse(_) => Instr::JumpIfFalse(to),
                Instr::JumpIfTrue(_) => Instr::JumpIfTrue(to),
                Instr::JumpIfNull(_) => Instr::JumpIfNull(to),
                Instr::JumpIfNotNull(_) => Instr::JumpIfNotNull(to),
                Instr::IterNext(_) => Instr::IterNext(to),
                other => other,
            };
        }
    }

    fn konst(&mut self, c: Const, span: Span) {
        let i = match self.code.consts.iter().position(|x| *x == c) {
            Some(i) => i,
            None => {
                self.code.consts.push(c);
                self.code.consts.len() - 1
            }
        };
        self.emit(Instr::Const(i as u32), span);
    }

    fn string(&mut self, s: &str) -> u32 {
        match self.code.strings.iter().position(|x| &**x == s) {
            Some(i) => i as u32,
            None => {
                self.code.strings.push(Arc::from(s));
                self.code.strings.len() as u32 - 1
            }
        }
    }

    fn push_str(&mut self, s: &str, span: Span) {
        let i = self.string(s);
        self.emit(Instr::Str(i), span);
    }

    /// A fresh slot in the innermost scope (`object_typed`: declared `object`, so casts unbox).
    fn declare(&mut self, name: &str, object_typed: bool) -> u16 {
        let slot = self.temp();
        if let Some(s) = self.scopes.last_mut() {
            s.push((name.into(), slot, object_typed));
        }
        slot
    }

    /// A fresh unnamed slot.
    fn temp(&mut self) -> u16 {
        let slot = self.next_slot;
        self.next_slot = self.next_slot.saturating_add(1);
        self.code.locals = self.code.locals.max(self.next_slot);
        slot
    }

    fn lookup(&self, name: &str) -> Option<(u16, bool)> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _, _)| &**n == name)
            .map(|(_, s, o)| (*s, *o))
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    fn unsupported(&self, what: impl Into<String>, span: Span) -> LowerError {
        LowerError::new(
            "expr::unsupported-syntax",
            format!("{} is not supported", what.into()),
            span,
        )
    }

    fn enter(&mut self, span: Span) -> Result<(), LowerError> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(LowerError::new(
                codes::SYNTAX_TOO_DEEP,
                "the expression is nested too deeply",
                span,
            ));
        }
        Ok(())
    }
}
