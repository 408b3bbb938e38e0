//! The interpreter loop: one `match` per instruction, faults routed to `try` handlers.

use super::fault::{Fault, FaultKind};
use super::heap::Obj;
use super::{convert, ops, Vm};
use crate::bytecode::{Const, Instr, SpanRef};
use crate::library;
use crate::value::{HostObj, Value};

/// What an instruction did to control flow.
enum Flow {
    Next,
    Jump(u32),
    Return(Value),
}

fn konst(c: Const) -> Value {
    match c {
        Const::Bool(b) => Value::Bool(b),
        Const::Char(c) => Value::Char(c),
        Const::Int(v) => Value::Int(v),
        Const::Long(v) => Value::Long(v),
        Const::UInt(v) => Value::UInt(v),
        Const::ULong(v) => Value::ULong(v),
        Const::Float(v) => Value::Float(v),
        Const::Double(v) => Value::Double(v),
        Const::Decimal(v) => Value::Decimal(v),
    }
}

impl Vm<'_> {
    /// Runs from `pc` until a `Return` at this level.
    pub(super) fn run(&mut self, mut pc: usize) -> Result<Value, Fault> {
        let base = self.handlers.len();
        loop {
            let Some(&ins) = self.code.instrs.get(pc) else {
                return Err(Fault::unsupported("running past the end of the code"));
            };
            self.steps += 1;
            let r = if self.steps > self.limits.max_steps {
                Err(Fault::new(FaultKind::StepLimit, "step limit reached"))
            } else {
                self.exec(ins)
            };
            match r {
                Ok(Flow::Next) => pc += 1,
                Ok(Flow::Jump(to)) => pc = to as usize,
                Ok(Flow::Return(v)) => {
                    self.handlers.truncate(base);
                    return Ok(v);
                }
                Err(mut f) => {
                    if f.span == SpanRef::NONE {
                        f.span = self.code.span(pc);
                    }
                    pc = self.catch(f, base)?;
                }
            }
        }
    }

    /// Routes `f` to the innermost handler of this level, returning where to go on.
    fn catch(&mut self, f: Fault, base: usize) -> Result<usize, Fault> {
        let limit = matches!(
            f.kind,
            FaultKind::StepLimit
                | FaultKind::HeapLimit
                | FaultKind::DepthLimit
                | FaultKind::MemoryLimit
        );
        if limit || self.handlers.len() <= base {
            return Err(f);
        }
        let Some((target, depth)) = self.handlers.pop() else {
            return Err(f);
        };
        self.stack.truncate(depth);
        let e = self.alloc(Obj::Exception(f.kind, f.message.into()))?;
        self.stack.push(e);
        Ok(target as usize)
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or(Value::Null)
    }

    fn top(&self) -> &Value {
        self.stack.last().unwrap_or(&Value::Null)
    }

    fn exec(&mut self, ins: Instr) -> Result<Flow, Fault> {
        match ins {
            Instr::Const(i) => {
                let c = self.code.consts.get(i as usize).copied().map(konst);
                self.stack.push(c.unwrap_or(Value::Null));
            }
            Instr::Str(i) => {
                let s = self.code.strings.get(i as usize).cloned();
                self.stack.push(s.map(Value::Str).unwrap_or(Value::Null));
            }
            Instr::Null => self.stack.push(Value::Null),
            Instr::Context => self.stack.push(Value::Host(HostObj::Context)),
            Instr::Host(h) => self.stack.push(Value::Host(h)),
            Instr::LookupEq(map, key, lit, absent) | Instr::LookupNe(map, key, lit, absent) => {
                let code = self.code;
                let key = code.strings.get(key as usize).map_or("", |s| &**s);
                let lit = code.strings.get(lit as usize).map_or("", |s| &**s);
                let r = match library::lookup_eq(self, map, key, lit) {
                    Some(eq) => eq == matches!(ins, Instr::LookupEq(..)),
                    None => absent,
                };
                self.stack.push(Value::Bool(r));
            }
            Instr::Lookup(map, key, default) => {
                let strings = &self.code.strings;
                let key = strings.get(key as usize).map_or("", |s| &**s);
                let v = library::lookup(self, map, key).unwrap_or_else(|| {
                    let d = self.code.strings.get(default as usize).cloned();
                    d.map_or(Value::Null, Value::Str)
                });
                self.stack.push(v);
            }
            Instr::EqStr(i) | Instr::NeStr(i) => {
                // C# `==` of anything with a string is true only for an equal string (see
                // `ops::equals`); compare against the pool entry, no refcount traffic.
                let lit = self.code.strings.get(i as usize).map_or("", |s| &**s);
                let eq = matches!(self.stack.last(), Some(Value::Str(s)) if **s == *lit);
                let v = Value::Bool(eq == matches!(ins, Instr::EqStr(_)));
                match self.stack.last_mut() {
                    Some(top) => *top = v,
                    None => self.stack.push(v),
                }
            }
            Instr::Pop => {
                self.pop();
            }
            Instr::Dup => self.stack.push(self.top().clone()),
            Instr::Load(i) => {
                let v = self.locals.get(i as usize).cloned().unwrap_or(Value::Null);
                self.stack.push(v);
            }
            Instr::Store(i) => {
                let v = self.pop();
                if let Some(slot) = self.locals.get_mut(i as usize) {
                    *slot = v;
                }
            }
            Instr::Jump(to) => return Ok(Flow::Jump(to)),
            Instr::JumpIfFalse(to) => {
                if !truthy(&self.pop())? {
                    return Ok(Flow::Jump(to));
                }
            }
            Instr::JumpIfTrue(to) => {
                if truthy(&self.pop())? {
                    return Ok(Flow::Jump(to));
                }
            }
            Instr::JumpIfNull(to) => {
                if self.top().is_null() {
                    return Ok(Flow::Jump(to));
                }
            }
            Instr::JumpIfNotNull(to) => {
                if !self.top().is_null() {
                    return Ok(Flow::Jump(to));
                }
            }
            Instr::Return => return Ok(Flow::Return(self.pop())),
            Instr::IterNext(to) => {
                let it = self.pop();
                match self.next_item(&it) {
                    Some(v) => self.stack.push(v),
                    None => return Ok(Flow::Jump(to)),
                }
            }
            _ => return self.exec_value(ins).map(|()| Flow::Next),
        }
        Ok(Flow::Next)
    }

    /// Instructions that only transform the stack.
    fn exec_value(&mut self, ins: Instr) -> Result<(), Fault> {
        let v = match ins {
            Instr::Binary(op) | Instr::BinaryChecked(op) => {
                let b = self.pop();
                let a = self.pop();
                ops::binary(self, op, &a, &b, matches!(ins, Instr::BinaryChecked(_)))?
            }
            Instr::Unary(op) => {
                let a = self.pop();
                ops::unary(op, &a)?
            }
            Instr::Cast(t) | Instr::CastChecked(t) => {
                let a = self.pop();
                convert::cast(self, &a, t, matches!(ins, Instr::CastChecked(_)))?
            }
            Instr::Unbox(t) => {
                let a = self.pop();
                convert::unbox(self, &a, t)?
            }
            Instr::IsType(t) => {
                let a = self.pop();
                Value::Bool(convert::is_type(&self.heap, &a, t))
            }
            Instr::Catches(i) => {
                let e = self.pop();
                let ty = self.code.strings.get(i as usize).map_or("", |s| &**s);
                Value::Bool(match e {
                    Value::Ref(r) => {
                        matches!(self.heap.get(r), Obj::Exception(k, _) if k.caught_by(ty))
                    }
                    _ => false,
                })
            }
            Instr::As(t) => {
                let a = self.pop();
                if convert::is_type(&self.heap, &a, t) {
                    a
                } else {
                    Value::Null
                }
            }
            Instr::Get(n) => {
                let recv = self.pop();
                library::get(self, recv, n)?
            }
            Instr::GetNamed(i) => {
                let recv = self.pop();
                let name = self
                    .code
                    .strings
                    .get(i as usize)
                    .cloned()
                    .unwrap_or_else(|| "".into());
                library::get_named(self, recv, &name)?
            }
            Instr::Call(n, argc) => self.call_member(n, argc)?,
            Instr::Static(i, argc) => self.call_static(i, argc)?,
            Instr::Index(argc) => self.with_args(argc as usize + 1, library::index::get)?,
            Instr::SetIndex(argc) => {
                self.with_args(argc as usize + 2, library::index::set)?;
                return Ok(());
            }
            Instr::Set(_) => return Err(Fault::unsupported("assigning to a property")),
            _ => return self.exec_misc(ins),
        };
        self.stack.push(v);
        Ok(())
    }

    /// Runs `f` with the top `n` stack values as its argument slice, then pops them.
    ///
    /// No copy: the stack itself is lent to `f`, and while it is, the VM runs on a spare
    /// stack from the pool (library code may call lambdas, which push and pop). The spares
    /// keep their capacity across calls and evaluations, so this allocates nothing after
    /// warm-up.
    fn with_args<R>(&mut self, n: usize, f: impl FnOnce(&mut Self, &[Value]) -> R) -> R {
        let at = self.stack.len().saturating_sub(n);
        let spare = self.spare.pop().unwrap_or_default();
        let stack = std::mem::replace(&mut self.stack, spare);
        let r = f(self, stack.get(at..).unwrap_or(&[]));
        let mut spare = std::mem::replace(&mut self.stack, stack);
        spare.clear();
        self.spare.push(spare);
        self.stack.truncate(at);
        r
    }

    fn call_member(&mut self, n: u32, argc: u8) -> Result<Value, Fault> {
        self.with_args(argc as usize + 1, |vm, args| library::call(vm, n, args))
    }

    fn call_static(&mut self, i: u32, argc: u8) -> Result<Value, Fault> {
        self.with_args(argc as usize, |vm, args| {
            match library::members().get(i as usize) {
                Some(m) => (m.imp)(vm, m.name, args),
                None => Err(Fault::unsupported("a missing static member")),
            }
        })
    }

    fn exec_misc(&mut self, ins: Instr) -> Result<(), Fault> {
        let v = match ins {
            Instr::Format(f) => {
                let v = self.pop();
                let fmt = self.code.strings.get(f as usize).map_or("", |s| &**s);
                let text = super::display::format(&self.heap, &v, fmt)?;
                super::budget::charge(text.len())?;
                Value::str(text)
            }
            Instr::Align => {
                let n = self.pop().as_i128().unwrap_or(0);
                let s = self.pop();
                let s = s.as_str().unwrap_or("");
                let w = n.unsigned_abs().min(1 << 20) as i64;
                super::budget::charge(w as usize)?;
                let padded = if n < 0 {
                    gatehouse_dotnet::string::pad_right(s, w, ' ')?
                } else {
                    gatehouse_dotnet::string::pad_left(s, w, ' ')?
                };
                Value::str(padded)
            }
            Instr::Concat(n) => {
                let at = self.stack.len().saturating_sub(n as usize);
                let mut out = String::new();
                for v in &self.stack[at..] {
                    let piece = super::display::to_dotnet_string(&self.heap, v);
                    super::budget::charge(piece.len())?;
                    out.push_str(&piece);
                }
                self.stack.truncate(at);
                Value::str(out)
            }
            Instr::Regex(i) => match self.code.regex(i, self.limits.regex_backtrack) {
                Some(Ok(re)) => self.alloc(Obj::Regex(re.clone()))?,
                Some(Err(e)) => return Err(e.clone().into()),
                None => return Err(Fault::unsupported("a missing regex")),
            },
            Instr::MakeLambda(i) => self.alloc(Obj::Lambda(i))?,
            Instr::Invoke(argc) => {
                self.with_args(argc as usize + 1, |vm, args| match args.split_first() {
                    Some((f, rest)) => vm.invoke(f, rest),
                    None => Err(Fault::null()),
                })?
            }
            Instr::NewArray(t, n) => {
                let at = self.stack.len().saturating_sub(n as usize);
                let items: Vec<Value> = self.stack.drain(at..).collect();
                convert::new_collection(self, t, items)?
            }
            Instr::NewAnon(i) => {
                let shape = self
                    .code
                    .shapes
                    .get(i as usize)
                    .cloned()
                    .unwrap_or_else(|| std::sync::Arc::from([]));
                let at = self.stack.len().saturating_sub(shape.len());
                let vals: Vec<Value> = self.stack.drain(at..).collect();
                self.alloc(Obj::Anon(shape, vals))?
            }
            Instr::Iter => {
                let coll = self.pop();
                let items = library::enumerate(self, &coll)?;
                self.alloc(Obj::Iter(items, 0))?
            }
            Instr::TryEnter(h) => {
                let target = self.code.handlers.get(h as usize).map_or(0, |h| h.target);
                self.handlers.push((target, self.stack.len()));
                return Ok(());
            }
            Instr::TryExit => {
                self.handlers.pop();
                return Ok(());
            }
            Instr::Throw => return Err(self.throw()),
            Instr::Nop => return Ok(()),
            Instr::LoadOut => std::mem::take(&mut self.out),
            _ => return Err(Fault::unsupported(format!("instruction {ins:?}"))),
        };
        self.stack.push(v);
        Ok(())
    }

    fn next_item(&mut self, it: &Value) -> Option<Value> {
        let Value::Ref(r) = it else { return None };
        let Some(Obj::Iter(items, pos)) = self.heap.get_mut(*r) else {
            return None;
        };
        let v = items.get(*pos).cloned()?;
        *pos += 1;
        Some(v)
    }

    fn throw(&mut self) -> Fault {
        match self.pop() {
            Value::Ref(r) => match self.heap.get(r) {
                Obj::Exception(k, m) => Fault::new(*k, m.to_string()),
                _ => Fault::cast("object", "System.Exception"),
            },
            _ => Fault::null(),
        }
    }
}

/// A condition's truth value.
fn truthy(v: &Value) -> Result<bool, Fault> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Null => Err(Fault::null()),
        _ => Err(Fault::cast("object", "System.Boolean")),
    }
}
