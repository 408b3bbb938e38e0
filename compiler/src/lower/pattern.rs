//! Lowering of patterns (`is`, switch arms, `case` labels): each test pushes a bool.

use super::{LowerError, Lowerer};
use gatehouse_grammar::expr::*;
use gatehouse_runtime::bytecode::{BinOp, Const, Instr};

impl Lowerer<'_> {
    /// Tests the value in `slot` against `p`, pushing the result; declarations bind locals.
    pub(crate) fn pattern(&mut self, slot: u16, p: &Pattern) -> Result<(), LowerError> {
        self.enter(p.span)?;
        let r = self.pattern_inner(slot, p);
        self.depth -= 1;
        r
    }

    fn pattern_inner(&mut self, slot: u16, p: &Pattern) -> Result<(), LowerError> {
        let sp = p.span;
        match &p.kind {
            PatternKind::Discard => self.konst(Const::Bool(true), sp),
            PatternKind::Paren(q) => self.pattern(slot, q)?,
            PatternKind::Constant(c) => {
                self.emit(Instr::Load(slot), sp);
                self.expr(c)?;
                self.emit(Instr::Binary(BinOp::Eq), sp);
            }
            PatternKind::Relational(op, c) => {
                let o = match op {
                    BinaryOp::Lt => BinOp::Lt,
                    BinaryOp::Le => BinOp::Le,
                    BinaryOp::Gt => BinOp::Gt,
                    _ => BinOp::Ge,
                };
                self.emit(Instr::Load(slot), sp);
                self.expr(c)?;
                self.emit(Instr::Binary(o), sp);
            }
            PatternKind::Type(t) => {
                let id = self.type_of(t)?;
                self.emit(Instr::Load(slot), sp);
                self.emit(Instr::IsType(id), sp);
            }
            PatternKind::Declaration(t, name) => {
                let is_var = print_type(t) == "var";
                if is_var {
                    self.konst(Const::Bool(true), sp);
                } else {
                    let id = self.type_of(t)?;
                    self.emit(Instr::Load(slot), sp);
                    self.emit(Instr::IsType(id), sp);
                }
                let var = self.declare(&name.name, false);
                self.emit(Instr::Load(slot), sp);
                self.emit(Instr::Store(var), sp);
            }
            PatternKind::Not(q) => {
                self.pattern(slot, q)?;
                self.emit(Instr::Unary(gatehouse_runtime::bytecode::UnOp::Not), sp);
            }
            PatternKind::And(a, b) | PatternKind::Or(a, b) => {
                let and = matches!(p.kind, PatternKind::And(..));
                self.pattern(slot, a)?;
                let j = self.emit(
                    if and {
                        Instr::JumpIfFalse(0)
                    } else {
                        Instr::JumpIfTrue(0)
                    },
                    sp,
                );
                self.pattern(slot, b)?;
                let end = self.emit(Instr::Jump(0), sp);
                self.patch(j);
                self.konst(Const::Bool(!and), sp);
                self.patch(end);
            }
            PatternKind::Property { .. } => return Err(self.unsupported("property patterns", sp)),
        }
        Ok(())
    }
}
