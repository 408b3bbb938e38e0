//! Function bodies: each lambda or local function is an instruction range behind a jump, and
//! control never crosses from one function into another.

use crate::bundle::BundleError;
use crate::bytecode::{Code, Instr, Next};

/// Every function's body is `entry..end`, where the instruction before `entry` is the
/// `Jump(end)` that skips it (as the lowerer emits lambdas inline); bodies nest or are
/// disjoint; and every jump, branch, handler and fall-through stays inside the innermost
/// body (or the main code) it starts in. (The skipping jump itself belongs to the code
/// around the body and lands back in it.)
pub(crate) fn check_functions(code: &Code, offsets: &[usize]) -> Result<(), BundleError> {
    let n = code.instrs.len();
    let at = |pc: usize| offsets.get(pc).copied().unwrap_or(0);
    let mut ranges = Vec::with_capacity(code.funcs.len());
    for (k, f) in code.funcs.iter().enumerate() {
        let entry = f.entry as usize;
        let skip = entry.checked_sub(1).and_then(|i| code.instrs.get(i));
        match skip {
            Some(Instr::Jump(end)) if (*end as usize) > entry && (*end as usize) <= n => {
                ranges.push((entry, *end as usize, k));
            }
            _ => {
                return Err(BundleError::new(
                    at(entry),
                    format!("function {k}: the instruction before its entry {entry} is not a jump past its body"),
                ))
            }
        }
    }
    // Outer bodies first: by entry, then longest first.
    ranges.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    // owner[pc]: 0 for the main code, k + 1 for function k's own instructions.
    let mut owner = vec![0u32; n];
    let mut open: Vec<(usize, u32)> = Vec::new();
    let mut next = ranges.iter().peekable();
    for (pc, slot) in owner.iter_mut().enumerate() {
        while open.last().is_some_and(|&(end, _)| end <= pc) {
            open.pop();
        }
        while let Some(&&(entry, end, k)) = next.peek().filter(|r| r.0 == pc) {
            if let Some(&(outer_end, _)) = open.last() {
                if end > outer_end {
                    return Err(BundleError::new(
                        at(entry),
                        format!("function {k} overlaps the end of the function around it"),
                    ));
                }
            }
            open.push((end, k as u32 + 1));
            next.next();
        }
        *slot = open.last().map_or(0, |&(_, k)| k);
    }
    for (pc, ins) in code.instrs.iter().enumerate() {
        let mine = owner.get(pc).copied();
        let fall = matches!(ins.next(), Next::Fall | Next::Branch) && pc + 1 < n;
        let handler = match ins {
            Instr::TryEnter(h) => code.handlers.get(*h as usize).map(|h| h.target as usize),
            _ => None,
        };
        let targets = [
            ins.target().map(|t| t as usize),
            fall.then_some(pc + 1),
            handler,
        ];
        for t in targets.into_iter().flatten() {
            if owner.get(t).copied() != mine {
                return Err(BundleError::new(
                    at(pc),
                    format!("instruction {pc} ({ins:?}) leaves its function for instruction {t}"),
                ));
            }
        }
    }
    Ok(())
}
