//! Lowering of member access, calls, indexers and `new`: static members resolve to table
//! indexes, instance members to name ids.

use super::{LowerError, Lowerer};
use crate::diagnostic::codes;
use gatehouse_grammar::expr::*;
use gatehouse_grammar::Span;
use gatehouse_runtime::bytecode::{type_id, Const, Instr, RegexSource, TypeId};
use gatehouse_runtime::library::{
    find_static, has_static, is_lookup, is_type, name_id, navigation,
};
use gatehouse_runtime::value::HostObj;

/// C# spells some types two ways; the member table uses the keyword.
fn normalize(name: &str) -> &str {
    match name {
        "String" => "string",
        "Int32" => "int",
        "Int64" => "long",
        "Double" => "double",
        "Decimal" => "decimal",
        "Boolean" => "bool",
        "Char" => "char",
        "Object" => "object",
        "Math" | "MathF" => "Math",
        other => other,
    }
}

fn unsupported_member(name: &str, on: &str, span: Span) -> LowerError {
    LowerError::new(
        codes::EXPR_UNSUPPORTED_MEMBER,
        format!("member '{name}' of {on} is not supported"),
        span,
    )
}

impl Lowerer<'_> {
    /// The type `e` names, when it is a (possibly qualified) type rather than a value.
    fn static_type(&self, e: &Expr) -> Option<String> {
        let last = match &e.kind {
            ExprKind::PredefinedType(t) => print_type(t),
            ExprKind::Name(id, _) if self.lookup(&id.name).is_none() && &*id.name != "context" => {
                id.name.to_string()
            }
            ExprKind::Member { target, name, .. } if self.is_namespace(target) => {
                name.name.to_string()
            }
            _ => return None,
        };
        let n = normalize(&last).to_string();
        is_type(&n).then_some(n)
    }

    /// Whether `e` is a dotted name that is not a value (a namespace such as `System.Text`).
    fn is_namespace(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(id, _) => {
                self.lookup(&id.name).is_none()
                    && &*id.name != "context"
                    && !is_type(normalize(&id.name))
            }
            ExprKind::Member { target, name, .. } => {
                !is_type(normalize(&name.name)) && self.is_namespace(target)
            }
            _ => false,
        }
    }

    /// The host object a static `context.…` navigation chain (`context.Request.Headers`)
    /// denotes, so that it lowers to one [`Instr::Host`] instead of a `Get` per step.
    fn static_host(&self, e: &Expr) -> Option<HostObj> {
        match &e.kind {
            ExprKind::Name(id, _) if &*id.name == "context" && self.lookup(&id.name).is_none() => {
                Some(HostObj::Context)
            }
            ExprKind::Member {
                target,
                name,
                conditional: false,
                ..
            } => navigation(self.static_host(target)?, &name.name),
            _ => None,
        }
    }

    /// `context.Request.Headers.GetValueOrDefault("k", "d")`: a call on a static multimap with
    /// literal arguments, as `(map, key, default)`.
    pub(crate) fn lookup_call<'e>(
        &self,
        callee: &'e Expr,
        args: &'e [Arg],
    ) -> Option<(HostObj, &'e str, Option<&'e str>)> {
        let ExprKind::Member {
            target,
            name,
            type_args,
            conditional: false,
        } = &callee.kind
        else {
            return None;
        };
        let map = self.static_host(target)?;
        if !type_args.is_empty() || !is_lookup(map, &name.name, args.len()) {
            return None;
        }
        let lit = |a: &'e Arg| match (&a.name, a.modifier, &a.value) {
            (None, ArgModifier::None, ArgValue::Expr(x)) => match &x.kind {
                ExprKind::Literal(Literal::String(s)) => Some(&**s),
                _ => None,
            },
            _ => None,
        };
        let key = lit(args.first()?)?;
        let default = match args.get(1) {
            Some(a) => Some(lit(a)?),
            None => None,
        };
        Some((map, key, default))
    }

    /// String pool index `s` as a `u16` operand (`u16::MAX` is reserved for "none").
    pub(crate) fn pool16(&mut self, s: &str) -> Option<u16> {
        u16::try_from(self.string(s))
            .ok()
            .filter(|&i| i != u16::MAX)
    }

    /// A [`Self::lookup_call`] as one [`Instr::Lookup`]; whether it applied.
    fn lookup_fold(&mut self, callee: &Expr, args: &[Arg], span: Span) -> bool {
        let Some((map, key, default)) = self.lookup_call(callee, args) else {
            return false;
        };
        let Some(key) = self.pool16(key) else {
            return false;
        };
        let default = match default.map(|d| self.pool16(d)) {
            Some(Some(i)) => i,
            Some(None) => return false,
            None => u16::MAX,
        };
        self.emit(Instr::Lookup(map, key, default), span);
        true
    }

    /// Lowers a member/call/index chain; `?.` jumps go to the end of the whole chain.
    pub(crate) fn postfix(&mut self, e: &Expr) -> Result<(), LowerError> {
        self.enter(e.span)?;
        let r = self.postfix_inner(e);
        self.depth -= 1;
        r
    }

    fn postfix_inner(&mut self, e: &Expr) -> Result<(), LowerError> {
        match &e.kind {
            ExprKind::Member {
                target,
                name,
                conditional,
                ..
            } => {
                if let Some(h) = self.static_host(e) {
                    self.emit(Instr::Host(h), e.span);
                    return Ok(());
                }
                if let Some(ty) = self.static_type(target) {
                    return self.static_member(&ty, name, &[], e.span);
                }
                self.target(target, *conditional)?;
                match name_id(&name.name) {
                    Some(id) => self.emit(Instr::Get(id), name.span),
                    None if self.anon_members.iter().any(|m| **m == *name.name) => {
                        let i = self.string(&name.name);
                        self.emit(Instr::GetNamed(i), name.span)
                    }
                    None => return Err(unsupported_member(&name.name, "this value", name.span)),
                };
            }
            ExprKind::Index {
                target,
                args,
                conditional,
            } => {
                self.target(target, *conditional)?;
                for a in args {
                    self.arg_value(a)?;
                }
                self.emit(Instr::Index(args.len() as u8), e.span);
            }
            ExprKind::Call { callee, args } => self.call(callee, args, e.span)?,
            _ => self.expr(e)?,
        }
        Ok(())
    }

    fn target(&mut self, t: &Expr, conditional: bool) -> Result<(), LowerError> {
        match &t.kind {
            ExprKind::Member { .. } | ExprKind::Call { .. } | ExprKind::Index { .. } => {
                self.postfix(t)?
            }
            _ => self.expr(t)?,
        }
        if conditional {
            let j = self.emit(Instr::JumpIfNull(0), t.span);
            self.null_jumps.push(j);
        }
        Ok(())
    }

    fn static_member(
        &mut self,
        ty: &str,
        name: &Ident,
        args: &[Arg],
        span: Span,
    ) -> Result<(), LowerError> {
        let Some(i) = find_static(ty, &name.name, args.len()) else {
            let what = if has_static(ty, &name.name) {
                "with these arguments "
            } else {
                ""
            };
            return Err(LowerError::new(
                codes::EXPR_UNSUPPORTED_MEMBER,
                format!("member '{ty}.{}' {what}is not supported", name.name),
                name.span,
            ));
        };
        let outs = self.args(args)?;
        self.emit(Instr::Static(i, args.len() as u8), span);
        self.store_outs(outs, span)
    }

    /// Pushes call arguments; returns the slots of `out` arguments.
    fn args(&mut self, args: &[Arg]) -> Result<Vec<u16>, LowerError> {
        let mut outs = Vec::new();
        for a in args {
            if a.modifier == ArgModifier::Out {
                let slot = match &a.value {
                    ArgValue::Decl(t, id) => self.declare(&id.name, print_type(t) == "object"),
                    ArgValue::Expr(x) => self.local_out(x)?,
                };
                outs.push(slot);
                self.emit(Instr::Null, a.span);
            } else {
                self.arg_value(a)?;
            }
        }
        Ok(outs)
    }

    fn local_out(&mut self, x: &Expr) -> Result<u16, LowerError> {
        match &x.kind {
            ExprKind::Name(id, _) if &*id.name == "_" => Ok(self.temp()),
            ExprKind::Name(id, _) => self.lookup(&id.name).map(|(s, _)| s).ok_or_else(|| {
                LowerError::new(
                    "expr::unknown-name",
                    format!("'{}' is not defined here", id.name),
                    id.span,
                )
            }),
            _ => Err(self.unsupported("this out argument", x.span)),
        }
    }

    fn store_outs(&mut self, outs: Vec<u16>, span: Span) -> Result<(), LowerError> {
        if outs.len() > 1 {
            return Err(self.unsupported("several out arguments", span));
        }
        for slot in outs {
            self.emit(Instr::LoadOut, span);
            self.emit(Instr::Store(slot), span);
        }
        Ok(())
    }

    /// Pushes one argument's value.
    pub(crate) fn arg_value(&mut self, a: &Arg) -> Result<(), LowerError> {
        match &a.value {
            ArgValue::Expr(x) => self.expr(x),
            ArgValue::Decl(..) => Err(self.unsupported("a declaration here", a.span)),
        }
    }

    fn call(&mut self, callee: &Expr, args: &[Arg], span: Span) -> Result<(), LowerError> {
        match &callee.kind {
            ExprKind::Member {
                target,
                name,
                type_args,
                conditional,
            } => {
                if let Some(ty) = self.static_type(target) {
                    if ty == "Regex" && self.constant_regex(name, args, span)? {
                        return Ok(());
                    }
                    return self.static_member(&ty, name, args, span);
                }
                if self.lookup_fold(callee, args, span) {
                    return Ok(());
                }
                self.target(target, *conditional)?;
                let id = name_id(&name.name)
                    .ok_or_else(|| unsupported_member(&name.name, "this value", name.span))?;
                for t in type_args {
                    let tn = format!("type:{}", print_type(t));
                    self.push_str(&tn, t.span);
                }
                let outs = self.args(args)?;
                self.emit(Instr::Call(id, (args.len() + type_args.len()) as u8), span);
                self.store_outs(outs, span)?;
                self.value_default(name.span.start, span)
            }
            ExprKind::Name(id, _) if self.lookup(&id.name).is_some() => {
                self.expr(callee)?;
                for a in args {
                    self.arg_value(a)?;
                }
                self.emit(Instr::Invoke(args.len() as u8), span);
                Ok(())
            }
            ExprKind::Name(id, _) => Err(LowerError::new(
                "expr::unknown-name",
                format!("'{}' is not defined here", id.name),
                id.span,
            )),
            _ => {
                self.expr(callee)?;
                for a in args {
                    self.arg_value(a)?;
                }
                self.emit(Instr::Invoke(args.len() as u8), span);
                Ok(())
            }
        }
    }

    /// `Regex.X(input, "literal", options?)`: compiles the pattern once, at load.
    fn constant_regex(
        &mut self,
        name: &Ident,
        args: &[Arg],
        span: Span,
    ) -> Result<bool, LowerError> {
        let method = &*name.name;
        let fixed = match method {
            "IsMatch" | "Match" | "Matches" | "Split" => 2,
            "Replace" => 3,
            _ => return Ok(false),
        };
        let lit = |a: Option<&Arg>| match a.map(|a| &a.value) {
            Some(ArgValue::Expr(Expr {
                kind: ExprKind::Literal(Literal::String(s)),
                ..
            })) => Some(s.clone()),
            _ => None,
        };
        let Some(pattern) = lit(args.get(1)) else {
            return Ok(false);
        };
        // Fewer than the fixed arguments (`Replace` without its replacement) is another
        // overload, or a mistake the checker reports: not this fold.
        if args.len() < fixed || args.len() > fixed + 1 || args.iter().any(|a| a.name.is_some()) {
            return Ok(false);
        }
        let options = match args.get(fixed) {
            None => 0,
            Some(a) => match self.constant_options(a) {
                Some(bits) => bits,
                None => return Ok(false),
            },
        };
        self.code.regexes.push(RegexSource {
            pattern: pattern.into(),
            options: gatehouse_runtime::library::regex_options(options),
        });
        let i = self.code.regexes.len() as u32 - 1;
        self.emit(Instr::Regex(i), span);
        let id = name_id(method).ok_or_else(|| unsupported_member(method, "Regex", name.span))?;
        self.arg_value(&args[0])?;
        if let Some(a) = args.get(2).filter(|_| fixed == 3) {
            self.arg_value(a)?;
        }
        self.emit(Instr::Call(id, (fixed - 1) as u8), span);
        Ok(true)
    }

    /// `RegexOptions.A | RegexOptions.B` as bits, when constant.
    fn constant_options(&self, a: &Arg) -> Option<i64> {
        fn bits(e: &Expr) -> Option<i64> {
            match &e.kind {
                ExprKind::Member { target, name, .. } if matches!(&target.kind, ExprKind::Name(id, _) if &*id.name == "RegexOptions") => {
                    Some(match &*name.name {
                        "None" => 0,
                        "IgnoreCase" => 1,
                        "Multiline" => 2,
                        "ExplicitCapture" => 4,
                        "Singleline" => 16,
                        "IgnorePatternWhitespace" => 32,
                        _ => return None,
                    })
                }
                ExprKind::Binary(BinaryOp::BitOr, a, b) => Some(bits(a)? | bits(b)?),
                ExprKind::Paren(x) => bits(x),
                _ => None,
            }
        }
        match &a.value {
            ArgValue::Expr(e) => bits(e),
            ArgValue::Decl(..) => None,
        }
    }

    /// `new …`.
    /// `new T[n]`: `n` default values of `T`, through the library's array constructor.
    fn sized_array(&mut self, a: &ArrayCreation, sp: Span) -> Result<(), LowerError> {
        let ([size], 1, Some(elem)) = (a.sizes.as_slice(), a.rank, a.elem.as_ref()) else {
            return Err(self.unsupported("this array creation", sp));
        };
        let id = self.type_of(elem)?;
        let ctor = gatehouse_runtime::library::find_static(
            gatehouse_runtime::library::ARRAY_TYPE,
            "New",
            3,
        )
        .ok_or_else(|| self.unsupported("this array creation", sp))?;
        self.default_of(Some(id), sp)?;
        self.expr(size)?;
        let tag = TypeId::ALL.iter().position(|t| *t == id).unwrap_or(0);
        self.konst(Const::Int(tag as i32), sp);
        self.emit(Instr::Static(ctor, 3), sp);
        Ok(())
    }

    pub(crate) fn new_expr(&mut self, n: &NewExpr, sp: Span) -> Result<(), LowerError> {
        match n {
            NewExpr::Object { ty, args, init } => {
                let Some(ty) = ty else {
                    return Err(self.unsupported("target-typed `new()`", sp));
                };
                let full = print_type(ty);
                let base = full.split('<').next().unwrap_or(&full);
                let base = normalize(base.rsplit('.').next().unwrap_or(base)).to_string();
                let args = args.as_deref().unwrap_or(&[]);
                let id = Ident {
                    name: ".ctor".into(),
                    span: ty.span,
                };
                self.static_member(&base, &id, args, sp).map_err(|_| {
                    LowerError::new(
                        codes::EXPR_UNSUPPORTED_TYPE,
                        format!("creating a '{full}' with these arguments is not supported"),
                        ty.span,
                    )
                })?;
                if let Some(init) = init {
                    self.initializer(init, sp)?;
                }
                Ok(())
            }
            NewExpr::Array(a) => {
                let Some(items) = &a.init else {
                    return self.sized_array(a, sp);
                };
                if !a.sizes.is_empty() {
                    return Err(self.unsupported("an array with explicit size", sp));
                }
                for x in items {
                    self.expr(x)?;
                }
                let byte = a.elem.as_ref().is_some_and(|t| print_type(t) == "byte");
                let t = if byte {
                    TypeId::ByteArray
                } else {
                    TypeId::Array
                };
                self.emit(Instr::NewArray(t, items.len() as u16), sp);
                Ok(())
            }
            NewExpr::Anonymous(members) => {
                let mut names = Vec::new();
                for m in members {
                    let name = match (&m.name, &m.value.kind) {
                        (Some(n), _) => n.name.to_string(),
                        (None, ExprKind::Name(id, _)) => id.name.to_string(),
                        (None, ExprKind::Member { name, .. }) => name.name.to_string(),
                        _ => return Err(self.unsupported("this anonymous member", m.value.span)),
                    };
                    self.anon_members.push(name.as_str().into());
                    names.push(std::sync::Arc::<str>::from(name));
                    self.expr(&m.value)?;
                }
                self.code.shapes.push(names.into());
                self.emit(Instr::NewAnon(self.code.shapes.len() as u32 - 1), sp);
                Ok(())
            }
        }
    }

    fn initializer(&mut self, init: &Initializer, sp: Span) -> Result<(), LowerError> {
        let add = name_id("Add").ok_or_else(|| self.unsupported("collection initializers", sp))?;
        match init {
            Initializer::Collection(items) => {
                for x in items {
                    self.emit(Instr::Dup, x.span);
                    let n = match &x.kind {
                        ExprKind::ArrayInit(parts) => {
                            for p in parts {
                                self.expr(p)?;
                            }
                            parts.len()
                        }
                        _ => {
                            self.expr(x)?;
                            1
                        }
                    };
                    self.emit(Instr::Call(add, n as u8), x.span);
                    self.emit(Instr::Pop, x.span);
                }
            }
            Initializer::Object(members) => {
                for m in members {
                    let InitTarget::Index(keys) = &m.target else {
                        return Err(self.unsupported("property initializers", m.span));
                    };
                    let InitValue::Expr(v) = &m.value else {
                        return Err(self.unsupported("nested initializers", m.span));
                    };
                    self.emit(Instr::Dup, m.span);
                    for k in keys {
                        self.arg_value(k)?;
                    }
                    self.expr(v)?;
                    self.emit(Instr::SetIndex(keys.len() as u8), m.span);
                }
            }
        }
        Ok(())
    }
}

impl Lowerer<'_> {
    /// After a value-typed `…OrDefault` call: `null` (nothing found) becomes `default(T)`.
    fn value_default(&mut self, at: u32, span: Span) -> Result<(), LowerError> {
        let Some(ty) = self
            .value_defaults
            .iter()
            .find(|(s, _)| *s == at)
            .map(|(_, t)| t.clone())
        else {
            return Ok(());
        };
        let j = self.emit(Instr::JumpIfNotNull(0), span);
        self.emit(Instr::Pop, span);
        self.default_of(type_id(&ty), span)?;
        self.patch(j);
        Ok(())
    }
}
