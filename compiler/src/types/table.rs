//! The runtime's member table seen statically: type chains, member lookup by name, and
//! whether a missing name is a typo or valid .NET that gatehouse does not implement.

use super::dotnet_names;
use super::ty::{is_numeric, Ty};
use gatehouse_runtime::library::{is_type, members, type_chain, Kind, MemberSpec};

/// The member-table types whose members a value of static type `ty` has, most specific
/// first: the runtime's one type chain (`library::type_chain`), after the interfaces C#
/// code names are mapped to the collection types the table declares.
pub fn chain(ty: &Ty) -> Vec<&'static str> {
    let name = match ty {
        Ty::Array(e) if e.is("byte") => "byte[]",
        Ty::Array(_) => "Array",
        Ty::Named(n, _) => table_name(n),
        _ => return Vec::new(),
    };
    match type_chain(name) {
        // A type the chain does not list: its own members (if the table has any), then
        // `object`'s.
        ["object"] if name != "object" => {
            let own = members().iter().find(|m| m.ty == name).map(|m| m.ty);
            own.into_iter().chain(["object"]).collect()
        }
        chain => chain.to_vec(),
    }
}

/// The table's name for a static type: collection interfaces name their class.
fn table_name(n: &str) -> &str {
    match n {
        "List" | "IList" | "ICollection" | "IReadOnlyList" | "IReadOnlyCollection" => "List",
        "Dictionary" | "IDictionary" | "IReadOnlyDictionary" => "Dictionary",
        "HashSet" | "ISet" => "HashSet",
        n => n,
    }
}

/// Whether the checker models type `name` (table types, collections, primitives).
pub fn is_model_type(name: &str) -> bool {
    is_type(name)
        || is_numeric(name)
        || matches!(
            name,
            "bool" | "char" | "string" | "JContainer" | "JToken" | "Match"
        )
        || super::ty::is_list(name)
        || super::ty::is_dictionary(name)
}

/// What looking a member name up on a type found.
pub enum Found {
    /// Table entries with that name (any arity), most specific type first.
    Members(Vec<&'static MemberSpec>),
    /// Real .NET, not in the table.
    Unsupported,
    /// Not a member: the closest real name, if any.
    Unknown(Option<&'static str>),
    /// The type is not fully known: say nothing.
    Open,
}

/// Looks up instance member `name` on a value of static type `ty`.
pub fn instance(ty: &Ty, name: &str) -> Found {
    let chain = chain(ty);
    let Some(&first) = chain.first() else {
        return Found::Open;
    };
    let found: Vec<&'static MemberSpec> = chain
        .iter()
        .flat_map(|t| {
            members().iter().filter(move |m| {
                m.ty == *t && m.name == name && matches!(m.kind, Kind::Method | Kind::Property)
            })
        })
        .collect();
    if !found.is_empty() {
        return Found::Members(found);
    }
    let closed = first != "object" && dotnet_names::knows_instance(first);
    if !closed && !has_instance_members(first) {
        return Found::Open; // e.g. `Uri`: only its statics exist; creating one was reported
    }
    let real = chain
        .iter()
        .filter_map(|t| dotnet_names::instance(t))
        .flatten()
        .any(|n| n == name);
    if real {
        return Found::Unsupported;
    }
    if !closed {
        return if first == "object" {
            Found::Open
        } else {
            Found::Unsupported
        };
    }
    let table = chain.iter().flat_map(|t| {
        members()
            .iter()
            .filter(move |m| m.ty == *t && matches!(m.kind, Kind::Method | Kind::Property))
            .map(|m| m.name)
    });
    let dotnet = chain
        .iter()
        .filter_map(|t| dotnet_names::instance(t))
        .flatten();
    let all: Vec<&'static str> = table.chain(dotnet).collect();
    Found::Unknown(crate::diagnostic::did_you_mean(name, all))
}

fn has_instance_members(ty: &str) -> bool {
    members()
        .iter()
        .any(|m| m.ty == ty && matches!(m.kind, Kind::Method | Kind::Property))
}

/// Looks up static member `name` of type `ty`.
pub fn statics(ty: &str, name: &str) -> Found {
    let found: Vec<&'static MemberSpec> = members()
        .iter()
        .filter(|m| {
            m.ty == ty && m.name == name && matches!(m.kind, Kind::Static | Kind::StaticProperty)
        })
        .collect();
    if !found.is_empty() {
        return Found::Members(found);
    }
    let Some(names) = dotnet_names::statics(ty) else {
        return if is_type(ty) {
            Found::Unsupported
        } else {
            Found::Open
        };
    };
    let names: Vec<&'static str> = names.collect();
    if names.contains(&name) {
        return Found::Unsupported;
    }
    let table = members()
        .iter()
        .filter(|m| m.ty == ty && matches!(m.kind, Kind::Static | Kind::StaticProperty))
        .map(|m| m.name);
    let all: Vec<&'static str> = table.chain(names.iter().copied()).collect();
    Found::Unknown(crate::diagnostic::did_you_mean(name, all))
}

/// The constructors of `ty` in the table.
pub fn constructors(ty: &str) -> Vec<&'static MemberSpec> {
    members()
        .iter()
        .filter(|m| m.ty == ty && m.kind == Kind::Constructor)
        .collect()
}

/// Whether `m` accepts `argc` arguments.
pub fn fits(m: &'static MemberSpec, argc: usize) -> bool {
    m.sig().fits(argc)
}

/// Whether the table's signatures of these members are the whole truth (the `context`
/// model is documented completely; .NET types may have overloads the table lacks).
pub fn signatures_complete(m: &MemberSpec) -> bool {
    m.ty.starts_with('I') && dotnet_names::knows_instance(m.ty) && m.ty != "IEnumerable"
}
