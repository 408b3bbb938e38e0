//! The verifier: operand ranges, stack effects and stack-depth consistency of decoded code.

use super::super::reader::{name_count, Scratch};
use crate::bundle::{BundleError, DecodeLimits};
use crate::bytecode::{Code, Instr};
use std::sync::Arc;

/// Which pool an operand indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// `consts`.
    Const(u32),
    /// `strings`.
    Str(u32),
    /// `strings`, or the "none" sentinel (`u32::MAX` / `u16::MAX` as the instruction uses).
    OptStr(u32),
    /// A local slot.
    Local(u16),
    /// A library instance member name id.
    Name(u32),
    /// A library member index.
    Member(u32),
    /// An instruction index (a jump target).
    Target(u32),
    /// `regexes`.
    Regex(u32),
    /// `funcs`.
    Func(u32),
    /// `shapes`.
    Shape(u32),
    /// `handlers`.
    Handler(u32),
}

/// How an instruction continues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// To the next instruction.
    Fall,
    /// To the next instruction or the jump target (with `pops_on_jump` popped instead).
    Branch,
    /// Only to the jump target.
    Goto,
    /// Nowhere: it returns or throws.
    End,
}

impl Instr {
    /// The pool indices this instruction uses (at most two), without allocating.
    pub fn operands(self) -> impl Iterator<Item = Operand> {
        use Operand as O;
        let (a, b) = match self {
            Instr::Const(i) => (Some(O::Const(i)), None),
            Instr::Str(i)
            | Instr::GetNamed(i)
            | Instr::EqStr(i)
            | Instr::NeStr(i)
            | Instr::Catches(i) => (Some(O::Str(i)), None),
            Instr::Format(f) if f == u32::MAX => (None, None),
            Instr::Format(f) => (Some(O::Str(f)), None),
            Instr::Load(i) | Instr::Store(i) => (Some(O::Local(i)), None),
            Instr::Get(n) | Instr::Set(n) | Instr::Call(n, _) => (Some(O::Name(n)), None),
            Instr::Static(i, _) => (Some(O::Member(i)), None),
            Instr::Lookup(_, key, default) if default == u16::MAX => {
                (Some(O::Str(key.into())), None)
            }
            Instr::Lookup(_, key, default) => {
                (Some(O::Str(key.into())), Some(O::OptStr(default.into())))
            }
            Instr::LookupEq(_, key, lit, _) | Instr::LookupNe(_, key, lit, _) => {
                (Some(O::Str(key.into())), Some(O::Str(lit.into())))
            }
            Instr::Jump(t)
            | Instr::JumpIfFalse(t)
            | Instr::JumpIfTrue(t)
            | Instr::JumpIfNull(t)
            | Instr::JumpIfNotNull(t)
            | Instr::IterNext(t) => (Some(O::Target(t)), None),
            Instr::Regex(i) => (Some(O::Regex(i)), None),
            Instr::MakeLambda(i) => (Some(O::Func(i)), None),
            Instr::NewAnon(i) => (Some(O::Shape(i)), None),
            Instr::TryEnter(h) => (Some(O::Handler(h)), None),
            _ => (None, None),
        };
        a.into_iter().chain(b)
    }

    /// `(pops, pushes)` on the path that falls through (for [`Next::Goto`] and
    /// [`Next::End`]: what it pops). `shapes` sizes `NewAnon`; `None` when out of range.
    pub fn stack_effect(self, shapes: &[Arc<[Arc<str>]>]) -> Option<(u32, u32)> {
        Some(match self {
            Instr::Const(_)
            | Instr::Str(_)
            | Instr::Null
            | Instr::Context
            | Instr::Host(_)
            | Instr::Load(_)
            | Instr::Lookup(..)
            | Instr::LookupEq(..)
            | Instr::LookupNe(..)
            | Instr::Regex(_)
            | Instr::MakeLambda(_)
            | Instr::LoadOut => (0, 1),
            Instr::Pop | Instr::Store(_) | Instr::JumpIfFalse(_) | Instr::JumpIfTrue(_) => (1, 0),
            Instr::Dup => (1, 2),
            Instr::Get(_)
            | Instr::GetNamed(_)
            | Instr::JumpIfNull(_)
            | Instr::JumpIfNotNull(_)
            | Instr::EqStr(_)
            | Instr::NeStr(_)
            | Instr::Unary(_)
            | Instr::Cast(_)
            | Instr::CastChecked(_)
            | Instr::Unbox(_)
            | Instr::IsType(_)
            | Instr::Catches(_)
            | Instr::As(_)
            | Instr::Format(_)
            | Instr::Iter
            | Instr::IterNext(_) => (1, 1),
            Instr::Set(_) => (2, 0),
            Instr::Call(_, a) | Instr::Index(a) | Instr::Invoke(a) => (u32::from(a) + 1, 1),
            Instr::Static(_, a) => (u32::from(a), 1),
            Instr::SetIndex(a) => (u32::from(a) + 2, 0),
            Instr::Binary(_) | Instr::BinaryChecked(_) | Instr::Align => (2, 1),
            Instr::Concat(n) | Instr::NewArray(_, n) => (u32::from(n), 1),
            Instr::NewAnon(i) => (u32::try_from(shapes.get(i as usize)?.len()).ok()?, 1),
            Instr::Jump(_) | Instr::TryEnter(_) | Instr::TryExit | Instr::Nop => (0, 0),
            Instr::Return | Instr::Throw => (1, 0),
        })
    }

    /// How control leaves this instruction.
    pub fn next(self) -> Next {
        match self {
            Instr::Jump(_) => Next::Goto,
            Instr::Return | Instr::Throw => Next::End,
            Instr::JumpIfFalse(_)
            | Instr::JumpIfTrue(_)
            | Instr::JumpIfNull(_)
            | Instr::JumpIfNotNull(_)
            | Instr::IterNext(_) => Next::Branch,
            _ => Next::Fall,
        }
    }

    /// For a [`Next::Branch`]: `(pops, pushes)` when the jump is taken.
    fn jump_effect(self) -> (u32, u32) {
        match self {
            Instr::JumpIfNull(_) | Instr::JumpIfNotNull(_) => (1, 1),
            _ => (1, 0),
        }
    }

    /// The jump target, if any.
    pub fn target(self) -> Option<u32> {
        self.operands().find_map(|o| match o {
            Operand::Target(t) => Some(t),
            _ => None,
        })
    }
}

/// Every operand of every instruction, and every function and handler, is in range.
pub(crate) fn check_operands(code: &Code, offsets: &[usize]) -> Result<(), BundleError> {
    let n = code.instrs.len();
    let at = |pc: usize| offsets.get(pc).copied().unwrap_or(0);
    for (pc, ins) in code.instrs.iter().enumerate() {
        for o in ins.operands() {
            let (i, len, what) = match o {
                Operand::Const(i) => (i as usize, code.consts.len(), "constant"),
                Operand::Str(i) | Operand::OptStr(i) => (i as usize, code.strings.len(), "string"),
                Operand::Local(i) => (i.into(), code.locals.into(), "local slot"),
                Operand::Name(i) => (i as usize, name_count(), "member name"),
                Operand::Member(i) => (i as usize, crate::library::members().len(), "member"),
                Operand::Target(i) => (i as usize, n, "jump target"),
                Operand::Regex(i) => (i as usize, code.regexes.len(), "regex"),
                Operand::Func(i) => (i as usize, code.funcs.len(), "function"),
                Operand::Shape(i) => (i as usize, code.shapes.len(), "shape"),
                Operand::Handler(i) => (i as usize, code.handlers.len(), "handler"),
            };
            if i >= len {
                return Err(BundleError::new(
                    at(pc),
                    format!("instruction {pc} ({ins:?}): {what} {i} out of range (0..{len})"),
                ));
            }
        }
    }
    for (k, f) in code.funcs.iter().enumerate() {
        let params_end = u32::from(f.first_param) + u32::from(f.params);
        if f.entry as usize >= n
            || params_end > u32::from(code.locals)
            || f.slots.0 > f.slots.1
            || f.slots.1 > code.locals
        {
            return Err(BundleError::new(
                0,
                format!("function {k} ({f:?}) out of range"),
            ));
        }
    }
    for (k, h) in code.handlers.iter().enumerate() {
        if h.target as usize >= n {
            return Err(BundleError::new(
                0,
                format!("handler {k} targets {} of {n} instructions", h.target),
            ));
        }
    }
    Ok(())
}

/// Stack-depth consistency: from the main entry and every function entry (each at depth 0)
/// and every handler (at its `TryEnter` depth plus the exception), every reachable
/// instruction has one depth along every path, never pops below zero, never exceeds
/// [`DecodeLimits::max_stack`], and control never runs past the last instruction.
pub(crate) fn verify(
    code: &Code,
    limits: &DecodeLimits,
    scratch: &mut Scratch,
) -> Result<(), BundleError> {
    let n = code.instrs.len();
    let depth = &mut scratch.depth;
    depth.clear();
    depth.resize(n, None);
    let work = &mut scratch.work;
    work.clear();
    let err = |pc: usize, m: String| BundleError::new(0, format!("instruction {pc}: {m}"));
    let reach = |pc: usize,
                 d: u32,
                 from: usize,
                 depth: &mut Vec<Option<u32>>,
                 work: &mut Vec<(usize, u32)>|
     -> Result<(), BundleError> {
        if d > limits.max_stack {
            return Err(err(from, format!("stack depth {d} over the limit")));
        }
        match depth.get_mut(pc) {
            None => Err(err(from, "control runs past the last instruction".into())),
            Some(Some(old)) if *old != d => Err(err(
                pc,
                format!("reached with stack depth {old} and {d} (from {from})"),
            )),
            Some(Some(_)) => Ok(()),
            Some(slot @ None) => {
                *slot = Some(d);
                work.push((pc, d));
                Ok(())
            }
        }
    };
    if n == 0 {
        return Err(BundleError::new(0, "no instructions"));
    }
    reach(0, 0, 0, depth, work)?;
    for f in &code.funcs {
        reach(f.entry as usize, 0, 0, depth, work)?;
    }
    while let Some((pc, d)) = work.pop() {
        let Some(&ins) = code.instrs.get(pc) else {
            continue;
        };
        let Some((pops, pushes)) = ins.stack_effect(&code.shapes) else {
            return Err(err(pc, "operand out of range".into()));
        };
        let Some(base) = d.checked_sub(pops) else {
            return Err(err(pc, format!("pops {pops} from a stack of {d}")));
        };
        let after = base.saturating_add(pushes);
        let target = ins.target().map(|t| t as usize);
        match (ins.next(), target) {
            (Next::Fall, _) => reach(pc + 1, after, pc, depth, work)?,
            (Next::Branch, Some(t)) => {
                reach(pc + 1, after, pc, depth, work)?;
                let (jp, jq) = ins.jump_effect();
                reach(t, d.saturating_sub(jp).saturating_add(jq), pc, depth, work)?;
            }
            (Next::Goto, Some(t)) => reach(t, after, pc, depth, work)?,
            (Next::End, _) => {}
            (_, None) => return Err(err(pc, "jump without a target".into())),
        }
        if let Instr::TryEnter(h) = ins {
            if let Some(h) = code.handlers.get(h as usize) {
                reach(h.target as usize, d.saturating_add(1), pc, depth, work)?;
            }
        }
    }
    Ok(())
}
