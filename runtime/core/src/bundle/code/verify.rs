//! The verifier: operand ranges, stack effects and stack-depth consistency of decoded code.

use super::super::reader::{name_count, Scratch};
use crate::bundle::{BundleError, DecodeLimits};
use crate::bytecode::{Code, Instr, Next, Operand};

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
