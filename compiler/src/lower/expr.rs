//! Lowering of expressions: literals, names, operators, assignments, lambdas, conversions.

use super::{LowerError, Lowerer};
use crate::diagnostic::codes;
use gatehouse_grammar::expr::*;
use gatehouse_grammar::Span;
use gatehouse_runtime::bytecode::{type_id, BinOp, Const, Func, Instr, TypeId, UnOp};
use rust_decimal::Decimal;
use std::str::FromStr;

fn bin(op: BinaryOp) -> Option<BinOp> {
    Some(match op {
        BinaryOp::Mul => BinOp::Mul,
        BinaryOp::Div => BinOp::Div,
        BinaryOp::Rem => BinOp::Rem,
        BinaryOp::Add => BinOp::Add,
        BinaryOp::Sub => BinOp::Sub,
        BinaryOp::Shl => BinOp::Shl,
        BinaryOp::Shr => BinOp::Shr,
        BinaryOp::Lt => BinOp::Lt,
        BinaryOp::Gt => BinOp::Gt,
        BinaryOp::Le => BinOp::Le,
        BinaryOp::Ge => BinOp::Ge,
        BinaryOp::Eq => BinOp::Eq,
        BinaryOp::Ne => BinOp::Ne,
        BinaryOp::BitAnd => BinOp::And,
        BinaryOp::BitXor => BinOp::Xor,
        BinaryOp::BitOr => BinOp::Or,
        _ => return None,
    })
}

fn assign_op(op: AssignOp) -> Option<BinOp> {
    Some(match op {
        AssignOp::Add => BinOp::Add,
        AssignOp::Sub => BinOp::Sub,
        AssignOp::Mul => BinOp::Mul,
        AssignOp::Div => BinOp::Div,
        AssignOp::Rem => BinOp::Rem,
        AssignOp::And => BinOp::And,
        AssignOp::Or => BinOp::Or,
        AssignOp::Xor => BinOp::Xor,
        AssignOp::Shl => BinOp::Shl,
        AssignOp::Shr => BinOp::Shr,
        _ => return None,
    })
}

/// The C# type of an integer literal.
fn int_literal(v: u64, s: IntSuffix) -> Const {
    match s {
        IntSuffix::None if v <= i32::MAX as u64 => Const::Int(v as i32),
        IntSuffix::None | IntSuffix::U if v <= u32::MAX as u64 => Const::UInt(v as u32),
        IntSuffix::None | IntSuffix::L if v <= i64::MAX as u64 => Const::Long(v as i64),
        _ => Const::ULong(v),
    }
}

impl Lowerer<'_> {
    /// Lowers `e`, leaving its value on the stack.
    pub(crate) fn expr(&mut self, e: &Expr) -> Result<(), LowerError> {
        self.enter(e.span)?;
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<(), LowerError> {
        let sp = e.span;
        match &e.kind {
            ExprKind::Literal(l) => self.literal(l, sp)?,
            ExprKind::Interpolated(parts) => self.interpolated(parts, sp)?,
            ExprKind::NamedValue(n) => self.named_value(n, sp)?,
            ExprKind::Name(id, _) => self.name(id)?,
            ExprKind::Member { .. } | ExprKind::Call { .. } | ExprKind::Index { .. } => {
                let mark = self.null_jumps.len();
                self.postfix(e)?;
                for at in self.null_jumps.split_off(mark) {
                    self.patch(at);
                }
            }
            ExprKind::Paren(x) => self.expr(x)?,
            ExprKind::Unary(op, x) => self.unary(*op, x, sp)?,
            ExprKind::Postfix(PostfixOp::NullForgiving, x) => self.expr(x)?,
            ExprKind::Postfix(op, x) => {
                let u = if *op == PostfixOp::Inc {
                    UnOp::Inc
                } else {
                    UnOp::Dec
                };
                self.update(x, u, true, sp)?;
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, sp)?,
            ExprKind::Assign(op, t, v) => self.assign(*op, t, v, sp)?,
            ExprKind::Conditional(c, a, b) => {
                self.expr(c)?;
                let j = self.emit(Instr::JumpIfFalse(0), sp);
                self.expr(a)?;
                let end = self.emit(Instr::Jump(0), sp);
                self.patch(j);
                self.expr(b)?;
                self.patch(end);
            }
            ExprKind::Cast(t, x) => self.cast(t, x, sp)?,
            ExprKind::As(x, t) => {
                let id = self.type_of(t)?;
                self.expr(x)?;
                self.emit(Instr::As(id), sp);
            }
            ExprKind::Is(x, p) => {
                self.expr(x)?;
                let tmp = self.temp();
                self.emit(Instr::Store(tmp), sp);
                self.pattern(tmp, p)?;
            }
            ExprKind::Lambda(l) => self.lambda(&l.params, &l.body, sp)?,
            ExprKind::New(n) => self.new_expr(n, sp)?,
            ExprKind::NameOf(x) => {
                let name = match &x.kind {
                    ExprKind::Name(id, _) => id.name.to_string(),
                    ExprKind::Member { name, .. } => name.name.to_string(),
                    _ => return Err(self.unsupported("this nameof operand", x.span)),
                };
                self.push_str(&name, sp);
            }
            ExprKind::Default(t) => self.default(t.as_ref(), sp)?,
            ExprKind::Checked(on, x) => {
                let saved = std::mem::replace(&mut self.checked, *on);
                let r = self.expr(x);
                self.checked = saved;
                r?;
            }
            ExprKind::Switch(x, arms) => self.switch_expr(x, arms, sp)?,
            ExprKind::Throw(x) => {
                self.expr(x)?;
                self.emit(Instr::Throw, sp);
            }
            ExprKind::ArrayInit(xs) => {
                for x in xs {
                    self.expr(x)?;
                }
                self.emit(Instr::NewArray(TypeId::Array, xs.len() as u16), sp);
            }
            ExprKind::PredefinedType(_) => {
                return Err(self.unsupported("a type name used as a value", sp))
            }
            ExprKind::This => return Err(self.unsupported("`this`", sp)),
            ExprKind::TypeOf(_) => return Err(self.unsupported("`typeof`", sp)),
            ExprKind::Tuple(_) => return Err(self.unsupported("a tuple", sp)),
        }
        Ok(())
    }

    fn literal(&mut self, l: &Literal, sp: Span) -> Result<(), LowerError> {
        match l {
            Literal::Int(v, s) => self.konst(int_literal(*v, *s), sp),
            Literal::Real(digits, s) => {
                let bad = || LowerError::new("expr::bad-literal", "this number cannot be read", sp);
                let c = match s {
                    RealSuffix::M => Const::Decimal(
                        Decimal::from_str(digits)
                            .or_else(|_| Decimal::from_scientific(digits))
                            .map_err(|_| bad())?,
                    ),
                    RealSuffix::F => Const::Float(digits.parse().map_err(|_| bad())?),
                    _ => Const::Double(digits.parse().map_err(|_| bad())?),
                };
                self.konst(c, sp);
            }
            Literal::Char(c) => self.konst(Const::Char(*c as u32 as u16), sp),
            Literal::String(s) => self.push_str(s, sp),
            Literal::Bool(b) => self.konst(Const::Bool(*b), sp),
            Literal::Null => {
                self.emit(Instr::Null, sp);
            }
        }
        Ok(())
    }

    fn interpolated(&mut self, parts: &[InterpPart], sp: Span) -> Result<(), LowerError> {
        for p in parts {
            match p {
                InterpPart::Text(t, s) => self.push_str(t, *s),
                InterpPart::Hole {
                    expr,
                    alignment,
                    format,
                    span,
                } => {
                    self.expr(expr)?;
                    let f = format.as_deref().map_or(u32::MAX, |f| self.string(f));
                    self.emit(Instr::Format(f), *span);
                    if let Some(a) = alignment {
                        self.expr(a)?;
                        self.emit(Instr::Align, *span);
                    }
                }
            }
        }
        self.emit(Instr::Concat(parts.len() as u16), sp);
        Ok(())
    }

    fn named_value(&mut self, name: &str, sp: Span) -> Result<(), LowerError> {
        let Some(text) = (self.named)(name) else {
            return Err(LowerError::new(
                "expr::unresolved-named-value",
                format!("named value '{{{{{name}}}}}' is not defined"),
                sp,
            ));
        };
        let limits = gatehouse_grammar::Limits::default();
        let e = parse_expression(&text, &limits).map_err(|e| {
            LowerError::new(
                e.code,
                format!("in named value '{name}': {}", e.message),
                sp,
            )
        })?;
        let e = relocate(e, sp);
        self.expr(&e)
    }

    fn name(&mut self, id: &Ident) -> Result<(), LowerError> {
        if let Some((slot, _)) = self.lookup(&id.name) {
            self.emit(Instr::Load(slot), id.span);
        } else if &*id.name == "context" {
            self.emit(Instr::Context, id.span);
        } else {
            return Err(LowerError::new(
                "expr::unknown-name",
                format!("'{}' is not defined here", id.name),
                id.span,
            ));
        }
        Ok(())
    }

    fn unary(&mut self, op: UnaryOp, x: &Expr, sp: Span) -> Result<(), LowerError> {
        if let (UnaryOp::Neg, ExprKind::Literal(Literal::Int(v, s))) = (op, &x.kind) {
            let c = match int_literal(*v, *s) {
                Const::UInt(_) if *v == 1 << 31 && *s == IntSuffix::None => Const::Int(i32::MIN),
                Const::ULong(_) if *v == 1 << 63 && *s != IntSuffix::UL => Const::Long(i64::MIN),
                Const::Int(i) => Const::Int(-i),
                Const::Long(i) => Const::Long(-i),
                Const::UInt(u) => Const::Long(-(u as i64)),
                other => {
                    self.konst(other, x.span);
                    self.emit(Instr::Unary(UnOp::Neg), sp);
                    return Ok(());
                }
            };
            self.konst(c, sp);
            return Ok(());
        }
        let u = match op {
            UnaryOp::Plus => UnOp::Plus,
            UnaryOp::Neg => UnOp::Neg,
            UnaryOp::Not => UnOp::Not,
            UnaryOp::BitNot => UnOp::BitNot,
            UnaryOp::PreInc => return self.update(x, UnOp::Inc, false, sp),
            UnaryOp::PreDec => return self.update(x, UnOp::Dec, false, sp),
        };
        self.expr(x)?;
        self.emit(Instr::Unary(u), sp);
        Ok(())
    }

    fn binary(&mut self, op: BinaryOp, a: &Expr, b: &Expr, sp: Span) -> Result<(), LowerError> {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                self.expr(a)?;
                let j = if op == BinaryOp::And {
                    Instr::JumpIfFalse(0)
                } else {
                    Instr::JumpIfTrue(0)
                };
                let short = self.emit(j, sp);
                self.expr(b)?;
                let end = self.emit(Instr::Jump(0), sp);
                self.patch(short);
                self.konst(Const::Bool(op == BinaryOp::Or), sp);
                self.patch(end);
            }
            BinaryOp::Coalesce => {
                self.expr(a)?;
                let j = self.emit(Instr::JumpIfNotNull(0), sp);
                self.emit(Instr::Pop, sp);
                self.expr(b)?;
                self.patch(j);
            }
            BinaryOp::Eq | BinaryOp::Ne
                if matches!(&b.kind, ExprKind::Literal(Literal::String(_))) =>
            {
                // `x == "literal"`: compare without pushing the literal.
                if let (ExprKind::Call { callee, args }, ExprKind::Literal(Literal::String(s))) =
                    (&a.kind, &b.kind)
                {
                    // `Headers.GetValueOrDefault("k", "d") == "literal"`: one instruction that
                    // compares the stored header with the literal, the absent case decided here.
                    if let Some((map, key, default)) = self.lookup_call(callee, args) {
                        if let (Some(key), Some(lit)) = (self.pool16(key), self.pool16(s)) {
                            let absent_eq = default == Some(&**s);
                            let ins = if op == BinaryOp::Eq {
                                Instr::LookupEq(map, key, lit, absent_eq)
                            } else {
                                Instr::LookupNe(map, key, lit, !absent_eq)
                            };
                            self.emit(ins, sp);
                            return Ok(());
                        }
                    }
                }
                self.expr(a)?;
                if let ExprKind::Literal(Literal::String(s)) = &b.kind {
                    let i = self.string(s);
                    let ins = if op == BinaryOp::Eq {
                        Instr::EqStr(i)
                    } else {
                        Instr::NeStr(i)
                    };
                    self.emit(ins, sp);
                }
            }
            _ => {
                self.expr(a)?;
                self.expr(b)?;
                let o = bin(op).ok_or_else(|| self.unsupported("this operator", sp))?;
                self.arith(o, sp);
            }
        }
        Ok(())
    }

    fn arith(&mut self, o: BinOp, sp: Span) {
        let checkable = matches!(o, BinOp::Add | BinOp::Sub | BinOp::Mul);
        let i = if self.checked && checkable {
            Instr::BinaryChecked(o)
        } else {
            Instr::Binary(o)
        };
        self.emit(i, sp);
    }

    /// `++x`/`x++`: leaves the new (`post == false`) or old value.
    fn update(&mut self, x: &Expr, u: UnOp, post: bool, sp: Span) -> Result<(), LowerError> {
        let slot = self.local_target(x)?;
        self.emit(Instr::Load(slot), sp);
        if post {
            self.emit(Instr::Dup, sp);
        }
        self.emit(Instr::Unary(u), sp);
        if !post {
            self.emit(Instr::Dup, sp);
        }
        self.emit(Instr::Store(slot), sp);
        Ok(())
    }

    fn local_target(&self, x: &Expr) -> Result<u16, LowerError> {
        match &x.kind {
            ExprKind::Name(id, _) => self.lookup(&id.name).map(|(s, _)| s).ok_or_else(|| {
                LowerError::new(
                    "expr::unknown-name",
                    format!("'{}' is not defined here", id.name),
                    id.span,
                )
            }),
            ExprKind::Paren(inner) => self.local_target(inner),
            _ => Err(self.unsupported("assigning to this target", x.span)),
        }
    }

    fn assign(&mut self, op: AssignOp, t: &Expr, v: &Expr, sp: Span) -> Result<(), LowerError> {
        if let ExprKind::Index { target, args, .. } = &t.kind {
            return self.assign_index(op, target, args, v, sp);
        }
        let slot = self.local_target(t)?;
        match op {
            AssignOp::Assign => self.expr(v)?,
            AssignOp::Coalesce => {
                self.emit(Instr::Load(slot), sp);
                let j = self.emit(Instr::JumpIfNotNull(0), sp);
                self.emit(Instr::Pop, sp);
                self.expr(v)?;
                self.emit(Instr::Dup, sp);
                self.emit(Instr::Store(slot), sp);
                self.patch(j);
                return Ok(());
            }
            _ => {
                self.emit(Instr::Load(slot), sp);
                self.expr(v)?;
                let o = assign_op(op).ok_or_else(|| self.unsupported("this assignment", sp))?;
                self.arith(o, sp);
            }
        }
        self.emit(Instr::Dup, sp);
        self.emit(Instr::Store(slot), sp);
        Ok(())
    }

    fn assign_index(
        &mut self,
        op: AssignOp,
        target: &Expr,
        args: &[Arg],
        v: &Expr,
        sp: Span,
    ) -> Result<(), LowerError> {
        self.expr(target)?;
        let obj = self.temp();
        self.emit(Instr::Store(obj), sp);
        let mut keys = Vec::new();
        for a in args {
            self.arg_value(a)?;
            let k = self.temp();
            self.emit(Instr::Store(k), a.span);
            keys.push(k);
        }
        let load_target = |l: &mut Self| {
            l.emit(Instr::Load(obj), sp);
            for k in &keys {
                l.emit(Instr::Load(*k), sp);
            }
        };
        if op == AssignOp::Assign {
            self.expr(v)?;
        } else {
            load_target(self);
            self.emit(Instr::Index(keys.len() as u8), sp);
            self.expr(v)?;
            let o = assign_op(op).ok_or_else(|| self.unsupported("this assignment", sp))?;
            self.arith(o, sp);
        }
        let val = self.temp();
        self.emit(Instr::Store(val), sp);
        load_target(self);
        self.emit(Instr::Load(val), sp);
        self.emit(Instr::SetIndex(keys.len() as u8), sp);
        self.emit(Instr::Load(val), sp);
        Ok(())
    }

    /// The cast target of `t`, or an `unsupported-type` error.
    pub(crate) fn type_of(&self, t: &TypeRef) -> Result<TypeId, LowerError> {
        let name = print_type(t);
        type_id(&name).ok_or_else(|| {
            LowerError::new(
                codes::EXPR_UNSUPPORTED_TYPE,
                format!("type '{name}' is not supported"),
                t.span,
            )
        })
    }

    fn cast(&mut self, t: &TypeRef, x: &Expr, sp: Span) -> Result<(), LowerError> {
        let id = self.type_of(t)?;
        let boxed = self.is_boxed(x);
        self.expr(x)?;
        let i = if boxed {
            Instr::Unbox(id)
        } else if self.checked {
            Instr::CastChecked(id)
        } else {
            Instr::Cast(id)
        };
        self.emit(i, sp);
        Ok(())
    }

    /// Whether `x` is statically `object`: a variable read, or a local declared `object`.
    fn is_boxed(&self, x: &Expr) -> bool {
        match &x.kind {
            ExprKind::Paren(i) => self.is_boxed(i),
            ExprKind::Name(id, _) => self.lookup(&id.name).is_some_and(|(_, o)| o),
            ExprKind::Index { target, .. } => is_variables(target),
            ExprKind::Call { callee, .. } => matches!(&callee.kind,
                ExprKind::Member { target, name, type_args, .. }
                    if is_variables(target) && &*name.name == "GetValueOrDefault" && type_args.is_empty()),
            _ => false,
        }
    }

    fn default(&mut self, t: Option<&TypeRef>, sp: Span) -> Result<(), LowerError> {
        let id = t.map(|t| self.type_of(t)).transpose()?;
        self.default_of(id, sp)
    }

    /// Pushes `default(T)` of the type with id `id` (`null` for reference types).
    pub(crate) fn default_of(&mut self, id: Option<TypeId>, sp: Span) -> Result<(), LowerError> {
        let c = match id {
            Some(TypeId::Int | TypeId::Short | TypeId::Byte | TypeId::SByte | TypeId::UShort) => {
                Const::Int(0)
            }
            Some(TypeId::Long) => Const::Long(0),
            Some(TypeId::UInt) => Const::UInt(0),
            Some(TypeId::ULong) => Const::ULong(0),
            Some(TypeId::Double) => Const::Double(0.0),
            Some(TypeId::Float) => Const::Float(0.0),
            Some(TypeId::Decimal) => Const::Decimal(Decimal::ZERO),
            Some(TypeId::Bool) => Const::Bool(false),
            Some(TypeId::Char) => Const::Char(0),
            Some(id @ (TypeId::DateTime | TypeId::TimeSpan | TypeId::Guid)) => {
                // The value types without a constant form: their zero as a static property.
                let (ty, name) = match id {
                    TypeId::DateTime => ("DateTime", "MinValue"),
                    TypeId::TimeSpan => ("TimeSpan", "Zero"),
                    _ => ("Guid", "Empty"),
                };
                let m = gatehouse_runtime::library::find_static(ty, name, 0).ok_or_else(|| {
                    LowerError::new(codes::EXPR_UNSUPPORTED_TYPE, format!("default({ty})"), sp)
                })?;
                self.emit(Instr::Static(m, 0), sp);
                return Ok(());
            }
            _ => {
                self.emit(Instr::Null, sp);
                return Ok(());
            }
        };
        self.konst(c, sp);
        Ok(())
    }

    /// Compiles a lambda or local function inline (behind a jump) and pushes it.
    pub(crate) fn lambda(
        &mut self,
        params: &[Param],
        body: &Body,
        sp: Span,
    ) -> Result<(), LowerError> {
        let skip = self.emit(Instr::Jump(0), sp);
        let entry = self.here();
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_tries = std::mem::replace(&mut self.tries, 0);
        let saved_finally = std::mem::take(&mut self.finally);
        self.push_scope();
        let first = self.next_slot;
        for p in params {
            self.declare(
                &p.name.name,
                p.ty.as_ref().is_some_and(|t| print_type(t) == "object"),
            );
        }
        let r = match body {
            Body::Expr(e) => self.expr(e).map(|()| {
                self.emit(Instr::Return, e.span);
            }),
            Body::Block(b) => self.block(b).map(|()| {
                self.emit(Instr::Null, sp);
                self.emit(Instr::Return, sp);
            }),
        };
        self.pop_scope();
        let last = self.code.locals.max(self.next_slot);
        self.next_slot = first;
        self.loops = saved_loops;
        self.tries = saved_tries;
        self.finally = saved_finally;
        r?;
        self.patch(skip);
        self.code.funcs.push(Func {
            entry,
            first_param: first,
            params: params.len() as u16,
            slots: (first, last),
        });
        let f = self.code.funcs.len() as u32 - 1;
        self.emit(Instr::MakeLambda(f), sp);
        Ok(())
    }

    fn switch_expr(&mut self, x: &Expr, arms: &[SwitchArm], sp: Span) -> Result<(), LowerError> {
        self.expr(x)?;
        let tmp = self.temp();
        self.emit(Instr::Store(tmp), sp);
        let mut ends = Vec::new();
        for arm in arms {
            self.push_scope();
            self.pattern(tmp, &arm.pattern)?;
            let next = self.emit(Instr::JumpIfFalse(0), arm.span);
            let guard = match &arm.guard {
                Some(g) => {
                    self.expr(g)?;
                    Some(self.emit(Instr::JumpIfFalse(0), g.span))
                }
                None => None,
            };
            self.expr(&arm.value)?;
            ends.push(self.emit(Instr::Jump(0), arm.span));
            self.patch(next);
            if let Some(g) = guard {
                self.patch(g);
            }
            self.pop_scope();
        }
        self.throw_new(
            "The switch expression does not handle all possible values of its input type.",
            sp,
        )?;
        for e in ends {
            self.patch(e);
        }
        Ok(())
    }

    /// Emits `throw new Exception(message)`.
    pub(crate) fn throw_new(&mut self, message: &str, sp: Span) -> Result<(), LowerError> {
        self.push_str(message, sp);
        let ctor = gatehouse_runtime::library::find_static("Exception", ".ctor", 1)
            .ok_or_else(|| self.unsupported("exceptions", sp))?;
        self.emit(Instr::Static(ctor, 1), sp);
        self.emit(Instr::Throw, sp);
        Ok(())
    }
}

/// Whether `e` is `context.Variables`.
fn is_variables(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Member { target, name, .. }
        if &*name.name == "Variables" && matches!(&target.kind, ExprKind::Name(id, _) if &*id.name == "context"))
}

/// Moves every span of a re-parsed named value onto the `{{name}}` reference.
fn relocate(mut e: Expr, sp: Span) -> Expr {
    fn walk(e: &mut Expr, sp: Span) {
        e.span = sp;
        match &mut e.kind {
            ExprKind::Member { target, name, .. } => {
                name.span = sp;
                walk(target, sp);
            }
            ExprKind::Call { callee, args } => {
                walk(callee, sp);
                for a in args {
                    a.span = sp;
                    if let ArgValue::Expr(x) = &mut a.value {
                        walk(x, sp);
                    }
                }
            }
            ExprKind::Binary(_, a, b) => {
                walk(a, sp);
                walk(b, sp);
            }
            ExprKind::Paren(x) | ExprKind::Unary(_, x) | ExprKind::Cast(_, x) => walk(x, sp),
            ExprKind::Name(id, _) => id.span = sp,
            _ => {}
        }
    }
    walk(&mut e, sp);
    e
}
