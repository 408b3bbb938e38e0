//! The member table: every .NET and `context` member expressions may use, with its signature
//! and implementation. The VM calls the implementations; the compiler reads the signatures.
//!
//! Instance members are found at run time by (receiver type, member-name id, argument
//! count); the compiler resolves only the name to an id. The receiver's type chain
//! (`JObject` → `JContainer` → `JToken` → `IEnumerable` → `object`) is flattened when the
//! index is built, so a call is one hash lookup of an integer key. Static members,
//! static properties and constructors are resolved to their table index at lowering.
//! One implementation may serve several names (it receives the member name) and overloads
//! of the same arity (it looks at the argument values).

mod args;
mod arrays;
mod basic;
mod certificates;
mod collections;
mod context;
mod crypto_sym;
mod extras;
mod forms;
pub mod index;
pub mod json;
mod jwt;
pub use arrays::ARRAY_TYPE;
pub(crate) use jwt::{is_jwt, jwt_value};
mod linq;
mod linq_more;
mod numbers;
mod objects;
mod offsets;
mod random;
mod records;
mod regex;
pub mod sig;
mod statics;
mod strings;
mod urls;
mod users;
pub(crate) mod xml;

pub use args::*;
pub use objects::chain as type_chain;

use crate::value::Value;
use crate::vm::{Fault, Vm};
use objects::RecvTy;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// An implementation: `(vm, member name, args)`; instance members get the receiver first.
pub type Imp = fn(&mut Vm<'_>, &'static str, &[Value]) -> Result<Value, Fault>;

/// What kind of member a [`MemberSpec`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An instance method.
    Method,
    /// An instance property.
    Property,
    /// A static method.
    Static,
    /// A static property or field.
    StaticProperty,
    /// A constructor (`name` is `.ctor`).
    Constructor,
}

/// One member: receiver type, name, parameter and return types, and implementation.
#[derive(Clone, Copy)]
pub struct MemberSpec {
    /// The receiver (or declaring) type as C# spells it: `string`, `JObject`, `IRequest`,
    /// `IEnumerable`, `number` (any numeric type), `object` (any value).
    pub ty: &'static str,
    /// The member name.
    pub name: &'static str,
    /// Its kind.
    pub kind: Kind,
    /// Parameter types (`params object[]` last for variadic members; `|` for alternatives).
    pub params: &'static [&'static str],
    /// The return type.
    pub ret: &'static str,
    /// The implementation.
    pub imp: Imp,
}

impl MemberSpec {
    /// The member's signature as typed data: read once per distinct notation when the index
    /// is built, so the table's entries share it; any other `MemberSpec` reads its notation
    /// on the spot.
    pub fn sig(&self) -> std::borrow::Cow<'static, sig::Sig> {
        match index().sigs.get(&(self.params, self.ret)) {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => std::borrow::Cow::Owned(sig::Sig::read(self.params, self.ret)),
        }
    }
}

impl std::fmt::Debug for MemberSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}.{}({})",
            self.ret,
            self.ty,
            self.name,
            self.params.join(", ")
        )
    }
}

/// Builds a [`MemberSpec`].
macro_rules! m {
    ($ty:expr, $name:expr, $kind:ident, [$($p:expr),*], $ret:expr, $imp:expr) => {
        $crate::library::MemberSpec {
            ty: $ty, name: $name, kind: $crate::library::Kind::$kind,
            params: &[$($p),*], ret: $ret, imp: $imp,
        }
    };
}
pub(crate) use m;

/// Builds a member table (`&[MemberSpec]`), the entries grouped by receiver type so that
/// the type is written once and each member stays on one line:
///
/// ```text
/// member_table! {
///     "IUrl" {
///         Property "Host"() -> "string" => data;
///         Method "ToString"() -> "string" => url_text;
///     }
/// }
/// ```
///
/// Each entry is `Kind "Name"(param types…) -> "Return" => implementation;`, in table order.
macro_rules! member_table {
    ($($ty:literal {
        $($kind:ident $name:literal($($p:literal),*) -> $ret:literal => $imp:expr;)*
    })*) => {
        &[$($($crate::library::m!($ty, $name, $kind, [$($p),*], $ret, $imp),)*)*]
    };
}
pub(crate) use member_table;

struct Index {
    all: Vec<MemberSpec>,
    /// Signatures by notation (parameter types, return type), each read once.
    sigs: FxHashMap<(&'static [&'static str], &'static str), sig::Sig>,
    names: Vec<&'static str>,
    /// Instance members by [`instance_key`] (receiver type id, name id, arity), with each
    /// type's chain flattened in; FxHash of one `u64`, since this lookup is on the hot path
    /// of every instance call.
    instance: FxHashMap<u64, u32>,
}

/// The key of an instance member in [`Index::instance`].
fn instance_key(ty: RecvTy, name: u32, argc: u8) -> u64 {
    ((ty as u64) << 40) | ((name as u64) << 8) | argc as u64
}

const PROP: u8 = u8::MAX;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let all: Vec<MemberSpec> = [
            strings::search::MEMBERS,
            strings::transform::MEMBERS,
            strings::statics::MEMBERS,
            numbers::MEMBERS,
            context::MEMBERS,
            json::MEMBERS,
            jwt::MEMBERS,
            collections::MEMBERS,
            linq::MEMBERS,
            linq_more::MEMBERS,
            objects::MEMBERS,
            regex::MEMBERS,
            statics::hashing::MEMBERS,
            statics::dates::MEMBERS,
            statics::spans::MEMBERS,
            statics::codecs::MEMBERS,
            statics::constants::MEMBERS,
            random::MEMBERS,
            offsets::MEMBERS,
            users::MEMBERS,
            extras::MEMBERS,
            basic::MEMBERS,
            urls::MEMBERS,
            forms::MEMBERS,
            crypto_sym::MEMBERS,
            xml::MEMBERS,
            certificates::MEMBERS,
            arrays::MEMBERS,
        ]
        .concat();
        let mut names: Vec<&'static str> = all
            .iter()
            .filter(|m| matches!(m.kind, Kind::Method | Kind::Property))
            .map(|m| m.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        // Declared members by (declaring type, name id, arity), first entry wins.
        let mut declared: FxHashMap<(&'static str, u32, u8), u32> = FxHashMap::default();
        for (i, m) in all.iter().enumerate() {
            let argc = match m.kind {
                Kind::Method => m.params.len() as u8,
                Kind::Property => PROP,
                _ => continue,
            };
            if let Ok(n) = names.binary_search(&m.name) {
                declared.entry((m.ty, n as u32, argc)).or_insert(i as u32);
            }
        }
        // Flatten: each receiver type gets every member of its chain, most specific first.
        let mut instance = FxHashMap::default();
        for ty in RecvTy::ALL {
            for t in objects::chain(ty.name()) {
                for (&(dt, n, argc), &i) in &declared {
                    if dt == *t {
                        instance.entry(instance_key(ty, n, argc)).or_insert(i);
                    }
                }
            }
        }
        let sigs = all
            .iter()
            .map(|m| ((m.params, m.ret), sig::Sig::read(m.params, m.ret)))
            .collect();
        Index {
            all,
            sigs,
            names,
            instance,
        }
    })
}

/// Every member, in table order (static indexes refer to this order).
pub fn members() -> &'static [MemberSpec] {
    &index().all
}

/// The id of instance member name `name`, if any type has such a member.
pub fn name_id(name: &str) -> Option<u32> {
    index().names.binary_search(&name).ok().map(|i| i as u32)
}

/// The instance member name with id `id`.
pub fn name_of(id: u32) -> &'static str {
    index().names.get(id as usize).copied().unwrap_or("?")
}

/// The static member (`Kind::Static`, `StaticProperty`, `Constructor`) of `ty` called `name`
/// taking `argc` arguments (variadic members match any count from their fixed part up).
pub fn find_static(ty: &str, name: &str, argc: usize) -> Option<u32> {
    let all = &index().all;
    let fits = |m: &MemberSpec| m.sig().fits(argc);
    let exact = all.iter().position(|m| {
        m.ty == ty
            && m.name == name
            && !matches!(m.kind, Kind::Method | Kind::Property)
            && fits(m)
            && !m.sig().is_variadic()
    });
    exact
        .or_else(|| {
            all.iter().position(|m| {
                m.ty == ty
                    && m.name == name
                    && !matches!(m.kind, Kind::Method | Kind::Property)
                    && fits(m)
            })
        })
        .map(|i| i as u32)
}

/// Whether `ty` has any static member called `name` (for error messages).
pub fn has_static(ty: &str, name: &str) -> bool {
    index()
        .all
        .iter()
        .any(|m| m.ty == ty && m.name == name && !matches!(m.kind, Kind::Method | Kind::Property))
}

/// Whether any table entry is declared on type `ty`.
pub fn is_type(ty: &str) -> bool {
    index().all.iter().any(|m| m.ty == ty)
}

fn find_instance(ty: RecvTy, name: u32, argc: u8) -> Option<&'static MemberSpec> {
    let idx = index();
    let i = *idx.instance.get(&instance_key(ty, name, argc))?;
    idx.all.get(i as usize)
}

fn missing(vm: &Vm<'_>, recv: &Value, name: u32) -> Fault {
    Fault::unsupported(format!(
        "member '{}' on {}",
        name_of(name),
        crate::vm::type_name(&vm.heap, recv)
    ))
}

/// Where the structural `context` member `h.name` leads (`context.Request` →
/// `Message(Request)`, `Request.Headers` → `Headers(Request)`, …), when the table gives
/// `h`'s type that property; `None` otherwise. Lowering folds static `context.…` chains with
/// it into one [`crate::bytecode::Instr::Host`].
pub fn navigation(h: crate::value::HostObj, name: &str) -> Option<crate::value::HostObj> {
    let id = name_id(name)?;
    find_instance(objects::ty_of_host(h), id, PROP)?;
    context::step(h, name)
}

/// Whether `map.name(…argc string literals)` may lower to [`crate::bytecode::Instr::Lookup`]:
/// `GetValueOrDefault` with a key (and a default) on a host multimap (headers, query,
/// matched parameters; not `Variables`, whose values are not strings).
pub fn is_lookup(map: crate::value::HostObj, name: &str, argc: usize) -> bool {
    use crate::value::HostObj;
    matches!(
        map,
        HostObj::Headers(_) | HostObj::Query(_) | HostObj::MatchedParameters
    ) && name == "GetValueOrDefault"
        && matches!(argc, 1 | 2)
        && name_id(name)
            .is_some_and(|id| find_instance(objects::ty_of_host(map), id, argc as u8).is_some())
}

/// `map.GetValueOrDefault(key)` of a host multimap ([`is_lookup`]); `None` when absent.
pub fn lookup(vm: &Vm<'_>, map: crate::value::HostObj, key: &str) -> Option<Value> {
    context::lookup(vm, map, key)
}

/// Whether `map.GetValueOrDefault(key) == lit` ([`is_lookup`]); `None` when `key` is absent.
pub fn lookup_eq(vm: &Vm<'_>, map: crate::value::HostObj, key: &str, lit: &str) -> Option<bool> {
    context::lookup_eq(vm, map, key, lit)
}

/// `recv.name` (property `name` by id).
pub fn get(vm: &mut Vm<'_>, recv: Value, name: u32) -> Result<Value, Fault> {
    if recv.is_null() {
        return Err(Fault::null());
    }
    let ty = objects::ty_of(vm, &recv);
    match find_instance(ty, name, PROP) {
        Some(m) => (m.imp)(vm, m.name, std::slice::from_ref(&recv)),
        None => objects::dynamic_get(vm, &recv, name_of(name))
            .ok_or_else(|| missing(vm, &recv, name))?,
    }
}

/// `recv.name` for members outside the table (anonymous-type fields).
pub fn get_named(vm: &mut Vm<'_>, recv: Value, name: &str) -> Result<Value, Fault> {
    if recv.is_null() {
        return Err(Fault::null());
    }
    objects::dynamic_get(vm, &recv, name).unwrap_or_else(|| {
        Err(Fault::unsupported(format!(
            "member '{name}' on {}",
            crate::vm::type_name(&vm.heap, &recv)
        )))
    })
}

/// `args[0].name(args[1..])`.
pub fn call(vm: &mut Vm<'_>, name: u32, args: &[Value]) -> Result<Value, Fault> {
    let recv = arg(args, 0);
    if recv.is_null() {
        return Err(Fault::null());
    }
    let ty = objects::ty_of(vm, recv);
    match find_instance(ty, name, args.len().saturating_sub(1) as u8) {
        Some(m) => (m.imp)(vm, m.name, args),
        None => Err(missing(vm, recv, name)),
    }
}

/// The elements `foreach` and LINQ see.
pub fn enumerate(vm: &mut Vm<'_>, v: &Value) -> Result<Vec<Value>, Fault> {
    collections::enumerate(vm, v)
}

/// `RegexOptions` bits (as lowered) to options.
pub fn regex_options(bits: i64) -> gatehouse_dotnet::regex::RegexOptions {
    regex::options(bits)
}
