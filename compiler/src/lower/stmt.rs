//! Lowering of statements: locals, control flow, loops, `try`/`catch`/`finally`, local functions.

use super::{Loop, LowerError, Lowerer};
use gatehouse_grammar::expr::*;
use gatehouse_grammar::Span;
use gatehouse_runtime::bytecode::{type_id, Handler, Instr, TypeId};

impl Lowerer<'_> {
    /// Lowers a block in a new scope; local functions are bound first (they may be called
    /// before their declaration).
    pub(crate) fn block(&mut self, b: &Block) -> Result<(), LowerError> {
        self.push_scope();
        let r = self.stmts(&b.stmts);
        self.pop_scope();
        r
    }

    fn stmts(&mut self, stmts: &[Stmt]) -> Result<(), LowerError> {
        let mut funcs = Vec::new();
        for s in stmts {
            if let StmtKind::LocalFunction(f) = &s.kind {
                funcs.push(self.declare(&f.name.name, false));
            }
        }
        let mut slots = funcs.into_iter();
        for s in stmts {
            if let StmtKind::LocalFunction(f) = &s.kind {
                let slot = slots.next().unwrap_or_default();
                self.lambda(&f.params, &f.body, s.span)?;
                self.emit(Instr::Store(slot), s.span);
            }
        }
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), LowerError> {
        self.enter(s.span)?;
        let r = self.stmt_inner(s);
        self.depth -= 1;
        r
    }

    fn stmt_inner(&mut self, s: &Stmt) -> Result<(), LowerError> {
        let sp = s.span;
        match &s.kind {
            StmtKind::Empty | StmtKind::LocalFunction(_) => {}
            StmtKind::Block(b) => self.block(b)?,
            StmtKind::Local {
                ty, declarators, ..
            } => self.local(ty, declarators)?,
            StmtKind::Expr(e) => {
                self.expr(e)?;
                self.emit(Instr::Pop, sp);
            }
            StmtKind::If(c, a, b) => {
                self.expr(c)?;
                let j = self.emit(Instr::JumpIfFalse(0), sp);
                self.scoped(a)?;
                match b {
                    Some(b) => {
                        let end = self.emit(Instr::Jump(0), sp);
                        self.patch(j);
                        self.scoped(b)?;
                        self.patch(end);
                    }
                    None => self.patch(j),
                }
            }
            StmtKind::Foreach(_, name, coll, body) => self.foreach(name, coll, body, sp)?,
            StmtKind::For(l) => self.for_loop(l, sp)?,
            StmtKind::While(c, body) => {
                let top = self.here();
                self.expr(c)?;
                let exit = self.emit(Instr::JumpIfFalse(0), sp);
                self.loop_body(body, top, sp)?;
                self.patch(exit);
                self.end_loop(top);
            }
            StmtKind::DoWhile(body, c) => {
                let top = self.here();
                self.begin_loop(false);
                self.scoped(body)?;
                let cont = self.here();
                self.expr(c)?;
                self.emit(Instr::JumpIfTrue(top), sp);
                self.end_loop(cont);
            }
            StmtKind::Switch(e, sections) => self.switch(e, sections, sp)?,
            StmtKind::Return(e) => self.ret(e.as_ref(), sp)?,
            StmtKind::Break | StmtKind::Continue => {
                self.jump_out(matches!(s.kind, StmtKind::Break), sp)?
            }
            StmtKind::Throw(Some(e)) => {
                self.expr(e)?;
                self.emit(Instr::Throw, sp);
            }
            StmtKind::Throw(None) => {
                let Some(&slot) = self.catch_slots.last() else {
                    return Err(self.unsupported("`throw;` outside a catch clause", sp));
                };
                self.emit(Instr::Load(slot), sp);
                self.emit(Instr::Throw, sp);
            }
            StmtKind::Try(body, catches, finally) => {
                self.try_stmt(body, catches, finally.as_ref(), sp)?
            }
            StmtKind::Checked(on, b) => {
                let saved = std::mem::replace(&mut self.checked, *on);
                let r = self.block(b);
                self.checked = saved;
                r?;
            }
            StmtKind::Using(res, body) => {
                self.push_scope();
                self.stmt(res)?;
                self.stmt(body)?;
                self.pop_scope();
            }
        }
        Ok(())
    }

    fn scoped(&mut self, s: &Stmt) -> Result<(), LowerError> {
        self.push_scope();
        let r = self.stmt(s);
        self.pop_scope();
        r
    }

    fn local(&mut self, ty: &TypeRef, declarators: &[Declarator]) -> Result<(), LowerError> {
        let name = print_type(ty);
        let numeric = type_id(&name).filter(|t| {
            matches!(
                t,
                TypeId::Int
                    | TypeId::Long
                    | TypeId::UInt
                    | TypeId::ULong
                    | TypeId::Double
                    | TypeId::Float
                    | TypeId::Decimal
            )
        });
        for d in declarators {
            match &d.init {
                Some(init) => {
                    self.expr(init)?;
                    if let Some(t) = numeric {
                        self.emit(Instr::Cast(t), d.span);
                    }
                }
                None => {
                    self.emit(Instr::Null, d.span);
                }
            }
            let slot = self.declare(&d.name.name, name == "object");
            self.emit(Instr::Store(slot), d.span);
        }
        Ok(())
    }

    fn foreach(
        &mut self,
        name: &Ident,
        coll: &Expr,
        body: &Stmt,
        sp: Span,
    ) -> Result<(), LowerError> {
        self.expr(coll)?;
        self.emit(Instr::Iter, coll.span);
        let it = self.temp();
        self.emit(Instr::Store(it), sp);
        let top = self.here();
        self.emit(Instr::Load(it), sp);
        let exit = self.emit(Instr::IterNext(0), sp);
        self.push_scope();
        let var = self.declare(&name.name, false);
        self.emit(Instr::Store(var), name.span);
        let r = self.loop_body(body, top, sp);
        self.pop_scope();
        r?;
        self.patch(exit);
        self.end_loop(top);
        Ok(())
    }

    fn for_loop(&mut self, l: &ForLoop, sp: Span) -> Result<(), LowerError> {
        self.push_scope();
        for s in &l.init {
            self.stmt(s)?;
        }
        let top = self.here();
        let exit = match &l.cond {
            Some(c) => {
                self.expr(c)?;
                Some(self.emit(Instr::JumpIfFalse(0), sp))
            }
            None => None,
        };
        self.begin_loop(false);
        self.scoped(&l.body)?;
        let cont = self.here();
        for u in &l.update {
            self.expr(u)?;
            self.emit(Instr::Pop, u.span);
        }
        self.emit(Instr::Jump(top), sp);
        if let Some(e) = exit {
            self.patch(e);
        }
        self.end_loop(cont);
        self.pop_scope();
        Ok(())
    }

    /// Lowers a loop body that jumps back to `top`; the caller calls [`Self::end_loop`].
    fn loop_body(&mut self, body: &Stmt, top: u32, sp: Span) -> Result<(), LowerError> {
        self.begin_loop(false);
        self.scoped(body)?;
        self.emit(Instr::Jump(top), sp);
        Ok(())
    }

    /// Opens a loop (or, with `is_switch`, a `switch`, which `continue` passes through):
    /// its `break`s and `continue`s are patched by [`Self::end_loop`].
    fn begin_loop(&mut self, is_switch: bool) {
        self.loops.push(Loop {
            breaks: Vec::new(),
            continues: Vec::new(),
            is_switch,
            tries: self.tries,
        });
    }

    /// Closes the innermost loop: `break`s go here, `continue`s to `cont`.
    fn end_loop(&mut self, cont: u32) {
        if let Some(l) = self.loops.pop() {
            for b in l.breaks {
                self.patch(b);
            }
            for c in l.continues {
                if let Some(i) = self.code.instrs.get_mut(c) {
                    *i = Instr::Jump(cont);
                }
            }
        }
    }

    fn jump_out(&mut self, is_break: bool, sp: Span) -> Result<(), LowerError> {
        let idx = self.loops.iter().rposition(|l| is_break || !l.is_switch);
        let Some(idx) = idx else {
            return Err(self.unsupported("`break`/`continue` outside a loop", sp));
        };
        let tries = self.tries - self.loops[idx].tries;
        for _ in 0..tries {
            self.emit(Instr::TryExit, sp);
        }
        let j = self.emit(Instr::Jump(0), sp);
        let l = &mut self.loops[idx];
        if is_break {
            l.breaks.push(j)
        } else {
            l.continues.push(j)
        }
        Ok(())
    }

    fn ret(&mut self, e: Option<&Expr>, sp: Span) -> Result<(), LowerError> {
        match e {
            Some(e) => self.expr(e)?,
            None => {
                self.emit(Instr::Null, sp);
            }
        }
        if !self.finally.is_empty() {
            let tmp = self.temp();
            self.emit(Instr::Store(tmp), sp);
            for b in self.finally.clone().iter().rev() {
                self.block(b)?;
            }
            self.emit(Instr::Load(tmp), sp);
        }
        self.emit(Instr::Return, sp);
        Ok(())
    }

    fn switch(&mut self, e: &Expr, sections: &[SwitchSection], sp: Span) -> Result<(), LowerError> {
        self.expr(e)?;
        let tmp = self.temp();
        self.emit(Instr::Store(tmp), sp);
        self.push_scope();
        let mut entries = Vec::new();
        let mut default = None;
        for (i, sec) in sections.iter().enumerate() {
            for label in &sec.labels {
                match label {
                    SwitchLabel::Default => default = Some(i),
                    SwitchLabel::Case(p, guard) => {
                        self.pattern(tmp, p)?;
                        let skip = self.emit(Instr::JumpIfFalse(0), sec.span);
                        if let Some(g) = guard {
                            self.expr(g)?;
                            let no = self.emit(Instr::JumpIfFalse(0), g.span);
                            entries.push((i, self.emit(Instr::Jump(0), sec.span)));
                            self.patch(no);
                        } else {
                            entries.push((i, self.emit(Instr::Jump(0), sec.span)));
                        }
                        self.patch(skip);
                    }
                }
            }
        }
        let none = self.emit(Instr::Jump(0), sp);
        self.begin_loop(true);
        for (i, sec) in sections.iter().enumerate() {
            for (_, j) in entries.iter().filter(|(k, _)| *k == i) {
                self.patch(*j);
            }
            if default == Some(i) {
                self.patch(none);
            }
            self.stmts(&sec.body)?;
        }
        if default.is_none() {
            self.patch(none);
        }
        let here = self.here();
        self.end_loop(here);
        self.pop_scope();
        Ok(())
    }

    fn try_stmt(
        &mut self,
        body: &Block,
        catches: &[CatchClause],
        finally: Option<&Block>,
        sp: Span,
    ) -> Result<(), LowerError> {
        self.code.handlers.push(Handler { target: 0 });
        let h = self.code.handlers.len() - 1;
        self.emit(Instr::TryEnter(h as u32), sp);
        self.tries += 1;
        if let Some(f) = finally {
            self.finally.push(f.clone());
        }
        let r = self.block(body);
        self.tries -= 1;
        if finally.is_some() {
            self.finally.pop();
        }
        r?;
        self.emit(Instr::TryExit, sp);
        if let Some(f) = finally {
            self.block(f)?;
        }
        let done = self.emit(Instr::Jump(0), sp);
        let target = self.here();
        if let Some(handler) = self.code.handlers.get_mut(h) {
            handler.target = target;
        }
        let exc = self.temp();
        self.emit(Instr::Store(exc), sp);
        let mut ends = vec![done];
        for c in catches {
            ends.push(self.catch(exc, c, finally)?);
        }
        if let Some(f) = finally {
            self.block(f)?;
        }
        self.emit(Instr::Load(exc), sp);
        self.emit(Instr::Throw, sp);
        for e in ends {
            self.patch(e);
        }
        Ok(())
    }

    /// One catch clause; returns the jump to the end of the `try` statement.
    fn catch(
        &mut self,
        exc: u16,
        c: &CatchClause,
        finally: Option<&Block>,
    ) -> Result<usize, LowerError> {
        let sp = c.span;
        let mut skips = Vec::new();
        if let Some(t) = &c.ty {
            let name = print_type(t);
            let i = self.string(&name);
            self.emit(Instr::Load(exc), sp);
            self.emit(Instr::Catches(i), sp);
            skips.push(self.emit(Instr::JumpIfFalse(0), sp));
        }
        self.push_scope();
        if let Some(n) = &c.name {
            let v = self.declare(&n.name, false);
            self.emit(Instr::Load(exc), sp);
            self.emit(Instr::Store(v), sp);
        }
        if let Some(f) = &c.filter {
            self.expr(f)?;
            skips.push(self.emit(Instr::JumpIfFalse(0), sp));
        }
        self.catch_slots.push(exc);
        let r = self.block(&c.body);
        self.catch_slots.pop();
        self.pop_scope();
        r?;
        if let Some(f) = finally {
            self.block(f)?;
        }
        let end = self.emit(Instr::Jump(0), sp);
        for s in skips {
            self.patch(s);
        }
        Ok(end)
    }
}
