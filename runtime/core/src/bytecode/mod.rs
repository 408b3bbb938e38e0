//! Compiled code for one policy expression or statement block: instructions and their pools.
//!
//! A [`Code`] is immutable and `Send + Sync`. Instructions index the pools with `u32`s;
//! `spans[i]` is the source span of `instrs[i]`. Functions (lambdas, local functions) are
//! instruction ranges after the main body, listed in `funcs`. Regexes with constant patterns
//! are compiled once per `Code`: by `engine::Gateway::new` when a program loads, else on first use.

mod instr;
mod operand;

pub use instr::{type_id, BinOp, Instr, Next, Operand, TypeId, UnOp};
pub use operand::{tag_of, Field, OperandSink, OperandSource};

use gatehouse_dotnet::regex::{Regex, RegexOptions};
use gatehouse_dotnet::DResult;
use rust_decimal::Decimal;
use std::sync::{Arc, OnceLock};

/// A source span (byte offsets into the expression text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct SpanRef {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl SpanRef {
    /// No location.
    pub const NONE: SpanRef = SpanRef {
        start: u32::MAX,
        end: u32::MAX,
    };
}

/// A constant in the constant pool.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum Const {
    Bool(bool),
    Char(u16),
    Int(i32),
    Long(i64),
    UInt(u32),
    ULong(u64),
    Float(f32),
    Double(f64),
    Decimal(Decimal),
}

/// A regex pattern and options known at lowering time.
#[derive(Clone, Debug, PartialEq)]
pub struct RegexSource {
    /// The .NET pattern.
    pub pattern: Arc<str>,
    /// Its options.
    pub options: RegexOptions,
}

/// A lambda or local function: where its code starts and which local slots it owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Func {
    /// First instruction.
    pub entry: u32,
    /// Slot of the first parameter; parameters are consecutive.
    pub first_param: u16,
    /// Number of parameters.
    pub params: u16,
    /// Slots saved and restored around a call (parameters and the body's locals), so that
    /// recursive calls get their own; other slots are shared with the enclosing code
    /// (captures are by reference, as in C#).
    pub slots: (u16, u16),
}

/// A `catch` handler pushed by [`Instr::TryEnter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handler {
    /// Where the handler code starts (the exception is on the stack).
    pub target: u32,
}

/// Compiled code for one expression or block.
#[derive(Debug, Default)]
pub struct Code {
    /// The instructions; the main body starts at 0.
    pub instrs: Vec<Instr>,
    /// Numeric and other constants.
    pub consts: Vec<Const>,
    /// String literals and member names used as data.
    pub strings: Vec<Arc<str>>,
    /// Constant regexes.
    pub regexes: Vec<RegexSource>,
    /// Member-name lists of anonymous types.
    pub shapes: Vec<Arc<[Arc<str>]>>,
    /// The source span of each instruction.
    pub spans: Vec<SpanRef>,
    /// Lambdas and local functions.
    pub funcs: Vec<Func>,
    /// `try` handlers.
    pub handlers: Vec<Handler>,
    /// Number of local slots.
    pub locals: u16,
    /// Compiled regexes, filled on first use.
    pub compiled: OnceLock<Vec<DResult<Arc<Regex>>>>,
}

impl Code {
    /// The compiled form of regex `i` (compiled once, on first use).
    pub fn regex(&self, i: u32, backtrack_limit: usize) -> Option<&DResult<Arc<Regex>>> {
        let all = self.compiled.get_or_init(|| {
            self.regexes
                .iter()
                .map(|r| Regex::new(&r.pattern, r.options, backtrack_limit).map(Arc::new))
                .collect()
        });
        all.get(i as usize)
    }

    /// The span of instruction `pc`.
    pub fn span(&self, pc: usize) -> SpanRef {
        self.spans.get(pc).copied().unwrap_or(SpanRef::NONE)
    }

    /// A disassembly, one instruction a line, with member names, strings and constants
    /// resolved so that a person can read it.
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        for (i, ins) in self.instrs.iter().enumerate() {
            let s = self.span(i);
            let note = self.operand_note(ins);
            out.push_str(&format!("{i:4} {ins:?}{note} @{}..{}\n", s.start, s.end));
        }
        out
    }

    /// What an instruction's pool and table operands stand for (empty when nothing), from
    /// [`Instr::operands`].
    fn operand_note(&self, ins: &Instr) -> String {
        let notes: Vec<String> = ins.operands().filter_map(|o| self.describe(o)).collect();
        if notes.is_empty() {
            return String::new();
        }
        format!(" ; {}", notes.join(", "))
    }

    /// What operand `o` refers to, for a person.
    fn describe(&self, o: Operand) -> Option<String> {
        match o {
            Operand::Name(n) => Some(crate::library::name_of(n).to_string()),
            Operand::Member(m) => crate::library::members()
                .get(m as usize)
                .map(|m| format!("{}.{}", m.ty, m.name)),
            Operand::Str(i) | Operand::OptStr(i) => {
                self.strings.get(i as usize).map(|s| format!("{s:?}"))
            }
            Operand::Const(i) => self.consts.get(i as usize).map(|c| format!("{c:?}")),
            Operand::Regex(i) => self
                .regexes
                .get(i as usize)
                .map(|r| format!("/{}/", r.pattern)),
            Operand::Local(_)
            | Operand::Target(_)
            | Operand::Func(_)
            | Operand::Shape(_)
            | Operand::Handler(_) => None,
        }
    }
}
