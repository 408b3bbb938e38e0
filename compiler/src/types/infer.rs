//! Type inference over expressions: literals, operators, locals, casts, patterns, `new`.

use super::ty::{from_ref, is_numeric, normalize, Ty};
use super::{dotnet_names, table, Finding};
use gatehouse_grammar::expr::*;

/// Deeper expressions are not inferred (the parser's limits normally stop them first).
const MAX_DEPTH: usize = 200;

/// Inference state: scopes of typed locals and the findings so far.
pub(crate) struct Checker {
    scopes: Vec<Vec<(Box<str>, Ty)>>,
    /// Findings so far.
    pub findings: Vec<Finding>,
    /// Types of the `return`s of the body being typed (the block, or the innermost
    /// lambda or local function).
    pub returns: Vec<Ty>,
    /// `…OrDefault` calls whose result is a value type, by the start of the member name,
    /// with that type's name: there `default(T)` is `0`, `false`, …, never `null`.
    pub value_defaults: Vec<(u32, Box<str>)>,
    depth: usize,
}

impl Checker {
    /// A checker with no locals.
    pub fn new() -> Checker {
        Checker {
            scopes: vec![Vec::new()],
            findings: Vec::new(),
            returns: Vec::new(),
            value_defaults: Vec::new(),
            depth: 0,
        }
    }

    /// Declares a local in the innermost scope.
    pub fn declare(&mut self, name: &str, ty: Ty) {
        if let Some(s) = self.scopes.last_mut() {
            s.push((name.into(), ty));
        }
    }

    /// The type of local `name`, if it is one.
    pub fn lookup(&self, name: &str) -> Option<&Ty> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| &**n == name)
            .map(|(_, t)| t)
    }

    /// Opens a scope.
    pub fn push(&mut self) {
        self.scopes.push(Vec::new());
    }

    /// Closes a scope.
    pub fn pop(&mut self) {
        self.scopes.pop();
    }

    /// Infers `e`'s type, reporting what is wrong inside it.
    pub fn expr(&mut self, e: &Expr) -> Ty {
        if self.depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        self.depth += 1;
        let t = self.expr_inner(e);
        self.depth -= 1;
        t
    }

    fn expr_inner(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Literal(l) => literal(l),
            ExprKind::Interpolated(parts) => {
                for p in parts {
                    if let InterpPart::Hole {
                        expr, alignment, ..
                    } = p
                    {
                        self.expr(expr);
                        if let Some(a) = alignment {
                            self.expr(a);
                        }
                    }
                }
                Ty::named("string")
            }
            ExprKind::NamedValue(_) | ExprKind::This => Ty::Unknown,
            ExprKind::Name(id, _) => self.name(id),
            ExprKind::PredefinedType(t) => match &t.kind {
                TypeKind::Predefined(p) => Ty::TypeName(normalize(p).into()),
                _ => Ty::Unknown,
            },
            ExprKind::Member { .. } | ExprKind::Call { .. } | ExprKind::Index { .. } => {
                self.postfix(e)
            }
            ExprKind::Unary(op, x) => self.unary(*op, x),
            ExprKind::Postfix(op, x) => {
                let t = self.expr(x);
                match op {
                    PostfixOp::NullForgiving => t,
                    _ => t.strip_nullable(),
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
            ExprKind::Assign(_, target, value) => {
                self.expr(target);
                self.expr(value)
            }
            ExprKind::Conditional(c, a, b) => {
                self.expr(c);
                let (a, b) = (self.expr(a), self.expr(b));
                join(a, b)
            }
            ExprKind::Cast(t, x) | ExprKind::As(x, t) => {
                self.expr(x);
                from_ref(t)
            }
            ExprKind::Is(x, p) => {
                let t = self.expr(x);
                self.pattern(p, &t);
                Ty::named("bool")
            }
            ExprKind::Lambda(l) => self.lambda(l, &[]),
            ExprKind::New(n) => self.new_expr(n),
            ExprKind::TypeOf(_) => Ty::named("Type"),
            ExprKind::NameOf(_) => Ty::named("string"),
            ExprKind::Default(t) => t.as_ref().map(from_ref).unwrap_or(Ty::Unknown),
            ExprKind::Checked(_, x) | ExprKind::Paren(x) => self.expr(x),
            ExprKind::Switch(x, arms) => self.switch_expr(x, arms),
            ExprKind::Tuple(xs) | ExprKind::ArrayInit(xs) => {
                for x in xs {
                    self.expr(x);
                }
                Ty::Unknown
            }
            ExprKind::Throw(x) => {
                self.expr(x);
                Ty::Unknown
            }
        }
    }

    fn name(&mut self, id: &Ident) -> Ty {
        if let Some(t) = self.lookup(&id.name) {
            return t.clone();
        }
        let n = normalize(&id.name);
        match n {
            "context" => Ty::named("IContext"),
            "System" | "Newtonsoft" | "Microsoft" => Ty::Namespace,
            n if is_type_name(n) => Ty::TypeName(n.into()),
            _ => Ty::Unknown,
        }
    }

    fn unary(&mut self, op: UnaryOp, x: &Expr) -> Ty {
        let t = self.expr(x);
        match op {
            UnaryOp::Not => Ty::named("bool"),
            UnaryOp::Neg | UnaryOp::Plus if t.is_numeric() => promote(t),
            UnaryOp::PreInc | UnaryOp::PreDec => t,
            _ => Ty::Unknown,
        }
    }

    fn binary(&mut self, op: BinaryOp, a: &Expr, b: &Expr) -> Ty {
        let (ta, tb) = (self.expr(a), self.expr(b));
        use BinaryOp::*;
        match op {
            Lt | Gt | Le | Ge | Eq | Ne | And | Or => Ty::named("bool"),
            Coalesce => match ta {
                Ty::Null | Ty::Unknown => tb,
                t => {
                    let t = t.strip_nullable();
                    if tb == t {
                        t
                    } else if tb.is_numeric() || t.is_numeric() || tb == Ty::Unknown {
                        Ty::Unknown
                    } else {
                        t
                    }
                }
            },
            Add if ta.is("string") || tb.is("string") => Ty::named("string"),
            Add | Sub | Mul | Div | Rem => arithmetic(op, ta, tb),
            BitAnd | BitOr | BitXor if ta.is("bool") && tb.is("bool") => Ty::named("bool"),
            _ => Ty::Unknown,
        }
    }

    /// Types a pattern tested against a value of type `t`, declaring its variables.
    pub fn pattern(&mut self, p: &Pattern, t: &Ty) {
        match &p.kind {
            PatternKind::Declaration(ty, id) => {
                let dt = match from_ref(ty) {
                    Ty::Unknown if is_var(ty) => t.strip_nullable(),
                    d => d,
                };
                self.declare(&id.name, dt);
            }
            PatternKind::Property { ty, fields, name } => {
                let pt = ty.as_ref().map(from_ref).unwrap_or_else(|| t.clone());
                for (_, f) in fields {
                    self.pattern(f, &Ty::Unknown);
                }
                if let Some(n) = name {
                    self.declare(&n.name, pt);
                }
            }
            PatternKind::Constant(x) | PatternKind::Relational(_, x) => {
                self.expr(x);
            }
            PatternKind::Not(q) | PatternKind::Paren(q) => self.pattern(q, t),
            PatternKind::And(a, b) | PatternKind::Or(a, b) => {
                self.pattern(a, t);
                self.pattern(b, t);
            }
            PatternKind::Discard | PatternKind::Type(_) => {}
        }
    }

    fn switch_expr(&mut self, x: &Expr, arms: &[SwitchArm]) -> Ty {
        let t = self.expr(x);
        let mut out: Option<Ty> = None;
        for arm in arms {
            self.push();
            self.pattern(&arm.pattern, &t);
            if let Some(g) = &arm.guard {
                self.expr(g);
            }
            let v = self.expr(&arm.value);
            self.pop();
            out = Some(match out {
                None => v,
                Some(o) => join(o, v),
            });
        }
        out.unwrap_or(Ty::Unknown)
    }

    /// Types a lambda whose parameters have types `params` (unknown where missing);
    /// returns a function type with the body's result.
    pub fn lambda(&mut self, l: &Lambda, params: &[Ty]) -> Ty {
        self.push();
        let outer = std::mem::take(&mut self.returns);
        let mut ps = Vec::new();
        for (i, p) in l.params.iter().enumerate() {
            let t = match p.ty.as_ref().map(from_ref) {
                Some(Ty::Unknown) | None => params.get(i).cloned().unwrap_or(Ty::Unknown),
                Some(t) => t,
            };
            self.declare(&p.name.name, t.clone());
            ps.push(t);
        }
        let ret = match &l.body {
            Body::Expr(x) => self.expr(x),
            Body::Block(b) => {
                self.block(b);
                super::common(&self.returns).unwrap_or(Ty::Unknown)
            }
        };
        self.returns = outer;
        self.pop();
        Ty::Func(ps, Box::new(ret))
    }

    /// Types one argument (declaring `out var x`).
    pub fn arg(&mut self, a: &Arg) -> Ty {
        match &a.value {
            ArgValue::Expr(x) => self.expr(x),
            ArgValue::Decl(t, id) => {
                self.declare(&id.name, from_ref(t));
                Ty::Unknown
            }
        }
    }
}

/// Whether a type reference is `var`.
pub fn is_var(t: &TypeRef) -> bool {
    matches!(&t.kind, TypeKind::Named(s) if s.len() == 1 && &*s[0].name.name == "var")
}

/// Whether `n` (normalized) names a type usable as a static-member target.
pub fn is_type_name(n: &str) -> bool {
    table::is_model_type(n)
        || dotnet_names::statics(n).is_some()
        || dotnet_names::ALLOWED_TYPES.contains(&n)
}

fn literal(l: &Literal) -> Ty {
    Ty::named(match l {
        Literal::Int(v, IntSuffix::None) if *v <= i32::MAX as u64 => "int",
        Literal::Int(v, IntSuffix::None) if *v <= i64::MAX as u64 => "long",
        Literal::Int(_, IntSuffix::None) => return Ty::Unknown,
        Literal::Int(_, IntSuffix::U) => "uint",
        Literal::Int(_, IntSuffix::L) => "long",
        Literal::Int(_, IntSuffix::UL) => "ulong",
        Literal::Real(_, RealSuffix::F) => "float",
        Literal::Real(_, RealSuffix::M) => "decimal",
        Literal::Real(..) => "double",
        Literal::Char(_) => "char",
        Literal::String(_) => "string",
        Literal::Bool(_) => "bool",
        Literal::Null => return Ty::Null,
    })
}

/// The type of `cond ? a : b`.
fn join(a: Ty, b: Ty) -> Ty {
    match (a, b) {
        (a, b) if a == b => a,
        (Ty::Null, t) | (t, Ty::Null) if !t.is_numeric() && !t.is("bool") => t,
        _ => Ty::Unknown,
    }
}

fn promote(t: Ty) -> Ty {
    match t.name() {
        Some("byte" | "sbyte" | "short" | "ushort" | "char") => Ty::named("int"),
        _ => t,
    }
}

fn arithmetic(op: BinaryOp, a: Ty, b: Ty) -> Ty {
    let (an, bn) = (a.name().unwrap_or(""), b.name().unwrap_or(""));
    match (an, bn, op) {
        ("DateTime", "DateTime", BinaryOp::Sub) => Ty::named("TimeSpan"),
        ("DateTime", "TimeSpan", BinaryOp::Add | BinaryOp::Sub) => Ty::named("DateTime"),
        ("TimeSpan", "TimeSpan", BinaryOp::Add | BinaryOp::Sub) => Ty::named("TimeSpan"),
        (x, y, _) if is_numeric(x) && is_numeric(y) => {
            const ORDER: &[&str] = &["int", "uint", "long", "ulong", "float", "double", "decimal"];
            let rank = |n: &str| ORDER.iter().position(|o| *o == n).unwrap_or(0);
            let (x, y) = (promote(a.clone()), promote(b.clone()));
            if rank(x.name().unwrap_or("")) >= rank(y.name().unwrap_or("")) {
                x
            } else {
                y
            }
        }
        _ => Ty::Unknown,
    }
}
