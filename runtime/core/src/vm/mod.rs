//! The expression VM: runs a [`Code`] against a [`Host`], with step, heap and depth limits.
//!
//! A stack machine over [`Value`]s. Locals live in slots; lambdas share the enclosing
//! slots (captures by reference) and save/restore their own slots around each call, so
//! recursion works. Faults carry the span of the instruction that raised them; `try`
//! handlers catch them unless they are limit faults.

pub use gatehouse_dotnet::budget;
mod convert;
mod display;
mod exec;
mod fault;
mod heap;
mod ops;
#[cfg(test)]
mod tests;

pub use convert::{cast, is_type, new_collection, target_name};
pub use display::{format, to_dotnet_string, type_name};
pub use fault::{Fault, FaultKind};
pub use heap::{Enc, Heap, Key, Obj};
pub use ops::{compare, equals};

/// `a + b` (unchecked), for library code summing values.
pub fn add(vm: &Vm<'_>, a: &Value, b: &Value) -> Result<Value, Fault> {
    ops::binary(vm, crate::bytecode::BinOp::Add, a, b, false)
}

use crate::bytecode::Code;
use crate::host::Host;
use crate::value::Value;

/// Configurable bounds on one evaluation.
#[derive(Clone, Debug)]
pub struct VmLimits {
    /// Instructions executed.
    pub max_steps: u64,
    /// Heap objects allocated.
    pub max_heap: usize,
    /// Nested lambda calls.
    pub max_depth: u32,
    /// Regex backtracking bound (stands in for the match timeout).
    pub regex_backtrack: usize,
    /// Bytes of strings and builders one evaluation may allocate (cumulative); past it
    /// the evaluation faults with `System.OutOfMemoryException`.
    pub max_bytes: usize,
}

impl Default for VmLimits {
    fn default() -> Self {
        VmLimits {
            max_steps: 1_000_000,
            max_heap: 1_000_000,
            max_depth: 64,
            regex_backtrack: 1_000_000,
            max_bytes: 16 << 20,
        }
    }
}

/// Reusable per-evaluation buffers (stack, locals, heap), kept between evaluations.
#[derive(Debug, Default)]
pub struct Scratch {
    stack: Vec<Value>,
    locals: Vec<Value>,
    spare: Vec<Vec<Value>>,
    heap: Heap,
}

/// The result of an evaluation: the value and the heap its references point into.
#[derive(Debug)]
pub struct Evaluated {
    /// The value.
    pub value: Value,
    /// The heap (for `Ref` values).
    pub heap: Heap,
}

impl Evaluated {
    /// The value's .NET `ToString()` (empty for null).
    pub fn text(&self) -> String {
        to_dotnet_string(&self.heap, &self.value)
    }

    /// The value's .NET type name (`System.String`, …; `null` for null).
    pub fn type_name(&self) -> String {
        type_name(&self.heap, &self.value)
    }
}

/// One running evaluation. Library implementations receive it to allocate, read the host
/// and call lambdas.
pub struct Vm<'a> {
    /// The code being run.
    pub code: &'a Code,
    /// The host answering `context.*`.
    pub host: &'a mut dyn Host,
    /// The limits.
    pub limits: &'a VmLimits,
    /// The heap.
    pub heap: Heap,
    stack: Vec<Value>,
    locals: Vec<Value>,
    /// Spare stacks the VM runs on while its stack is lent out as a call's arguments.
    spare: Vec<Vec<Value>>,
    handlers: Vec<(u32, usize)>,
    steps: u64,
    depth: u32,
    /// The value of the last call's `out` parameter ([`crate::bytecode::Instr::LoadOut`]).
    pub out: Value,
}

/// Evaluates `code` with fresh buffers.
pub fn eval(code: &Code, host: &mut dyn Host, limits: &VmLimits) -> Result<Evaluated, Fault> {
    eval_with(code, host, limits, &mut Scratch::default())
}

/// Evaluates `code`, reusing `scratch`'s buffers (the heap moves into the result; give it
/// back with [`Scratch::recycle`]).
pub fn eval_with(
    code: &Code,
    host: &mut dyn Host,
    limits: &VmLimits,
    scratch: &mut Scratch,
) -> Result<Evaluated, Fault> {
    let mut heap = std::mem::take(&mut scratch.heap);
    heap.reset(limits.max_heap);
    let (result, heap) = run_on(code, host, limits, scratch, heap);
    result.map(|value| Evaluated { value, heap })
}

/// Evaluates `code` like [`eval_with`], but on top of the first `keep` objects of
/// `scratch`'s heap, which stay valid: values that outlive one evaluation (the engine's
/// `set-variable` results) keep their handles. Objects past `keep` are dropped first; the
/// limit allows `limits.max_heap` more. On failure the heap goes back into `scratch`; on
/// success give it back with [`Scratch::recycle`].
pub fn eval_keeping(
    code: &Code,
    host: &mut dyn Host,
    limits: &VmLimits,
    scratch: &mut Scratch,
    keep: usize,
) -> Result<Evaluated, Fault> {
    let mut heap = std::mem::take(&mut scratch.heap);
    heap.rewind(keep, limits.max_heap);
    let (result, heap) = run_on(code, host, limits, scratch, heap);
    match result {
        Ok(value) => Ok(Evaluated { value, heap }),
        Err(f) => {
            scratch.heap = heap;
            Err(f)
        }
    }
}

fn run_on(
    code: &Code,
    host: &mut dyn Host,
    limits: &VmLimits,
    scratch: &mut Scratch,
    heap: Heap,
) -> (Result<Value, Fault>, Heap) {
    let mut vm = Vm {
        code,
        host,
        limits,
        heap,
        stack: std::mem::take(&mut scratch.stack),
        locals: std::mem::take(&mut scratch.locals),
        spare: std::mem::take(&mut scratch.spare),
        handlers: Vec::new(),
        steps: 0,
        depth: 0,
        out: Value::Null,
    };
    vm.stack.clear();
    vm.locals.clear();
    vm.locals.resize(code.locals as usize, Value::Null);
    let budget = budget::Budget::enter(limits.max_bytes);
    let result = vm.run(0);
    drop(budget);
    scratch.stack = std::mem::take(&mut vm.stack);
    scratch.locals = std::mem::take(&mut vm.locals);
    scratch.spare = std::mem::take(&mut vm.spare);
    (result, vm.heap)
}

impl Scratch {
    /// Returns a result's heap to the buffers for the next evaluation.
    pub fn recycle(&mut self, done: Evaluated) {
        self.heap = done.heap;
    }

    /// The heap kept between evaluations (read values that point into it).
    pub fn heap(&self) -> &Heap {
        &self.heap
    }

    /// Allocates with `f` on the heap kept between evaluations (its first `keep` objects
    /// stay; at most `extra` more), returning the value and the heap's new length.
    pub fn alloc_kept(
        &mut self,
        keep: usize,
        extra: usize,
        f: impl FnOnce(&mut Heap) -> Result<Value, Fault>,
    ) -> Result<(Value, usize), Fault> {
        self.heap.rewind(keep, extra);
        let v = f(&mut self.heap)?;
        Ok((v, self.heap.len()))
    }
}

impl Vm<'_> {
    /// Calls lambda `f` with `args`, returning its result.
    pub fn invoke(&mut self, f: &Value, args: &[Value]) -> Result<Value, Fault> {
        let Value::Ref(r) = f else {
            return Err(Fault::null());
        };
        let Obj::Lambda(i) = self.heap.get(*r) else {
            return Err(Fault::cast("object", "System.Delegate"));
        };
        let Some(func) = self.code.funcs.get(*i as usize).copied() else {
            return Err(Fault::unsupported("a missing function"));
        };
        if self.depth >= self.limits.max_depth {
            return Err(Fault::new(
                FaultKind::DepthLimit,
                "call depth limit reached",
            ));
        }
        let (lo, hi) = (func.slots.0 as usize, func.slots.1 as usize);
        // The saved slots go in a pooled buffer, so calls allocate nothing after warm-up.
        let mut saved = self.spare.pop().unwrap_or_default();
        saved.clear();
        saved.extend_from_slice(self.locals.get(lo..hi).unwrap_or(&[]));
        for (k, a) in args.iter().take(func.params as usize).enumerate() {
            if let Some(slot) = self.locals.get_mut(func.first_param as usize + k) {
                *slot = a.clone();
            }
        }
        self.depth += 1;
        let depth = self.stack.len();
        let r = self.run(func.entry as usize);
        self.depth -= 1;
        self.stack.truncate(depth);
        if let Some(dst) = self.locals.get_mut(lo..hi) {
            for (d, v) in dst.iter_mut().zip(saved.drain(..)) {
                *d = v;
            }
        }
        saved.clear();
        self.spare.push(saved);
        r
    }

    /// `ToString()` of any value.
    pub fn text(&self, v: &Value) -> String {
        to_dotnet_string(&self.heap, v)
    }

    /// Allocates `o` and returns it as a value.
    pub fn alloc(&mut self, o: Obj) -> Result<Value, Fault> {
        self.heap.value(o)
    }
}
