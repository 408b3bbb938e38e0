//! `docs/members.md`: every .NET type and `context` object the checker knows, each real
//! member marked implemented or not, generated from the member table and the name lists so
//! it cannot go stale (a test compares it with the file).

use super::dotnet_names::{self, ALLOWED_TYPES};
use gatehouse_runtime::library::{members, type_chain, Kind};
use std::fmt::Write;

/// The generated document.
pub fn members_doc() -> String {
    let mut out = String::from(
        "# Expression members\n\n\
         <!-- Generated from the member table (`runtime/core/src/library`) and the checker's \
         .NET name lists (`compiler/src/types/dotnet_names.rs`); regenerate with \
         UPDATE_DOCS=1 cargo test -p gatehouse-compiler --lib members_doc -->\n\n\
         Every type policy expressions may use, with each of its real .NET members: \
         **implemented** ones are typed by `check` and evaluated by the VM; the others are valid \
         in APIM, reported by `check` as `expr::unsupported-member` (a warning) and refused by \
         `build`. A name in neither list is a mistake (`expr::unknown-member`).\n\n",
    );
    let (mut done, mut total) = (0, 0);
    let mut body = String::new();
    for (ty, names) in dotnet_names::all_instance() {
        let (d, t) = section(&mut body, ty, "instance", names, |n| has_instance(ty, n));
        done += d;
        total += t;
    }
    for (ty, names) in dotnet_names::all_static() {
        let (d, t) = section(&mut body, ty, "static", names, |n| has_static(ty, n));
        done += d;
        total += t;
    }
    let _ = writeln!(
        out,
        "**{done} of {total}** listed members are implemented.\n"
    );
    out.push_str(&body);
    out.push_str("## Allowed types with no implemented member\n\n");
    let missing: Vec<&str> = ALLOWED_TYPES
        .iter()
        .copied()
        .filter(|t| !members().iter().any(|m| m.ty == *t))
        .collect();
    let _ = writeln!(out, "{}", join_code(&missing));
    out
}

/// One `## type (kind)` section; returns (implemented, listed).
fn section(
    out: &mut String,
    ty: &str,
    kind: &str,
    names: impl Iterator<Item = &'static str>,
    implemented: impl Fn(&str) -> bool,
) -> (usize, usize) {
    let (yes, no): (Vec<&str>, Vec<&str>) = names.partition(|n| implemented(n));
    let _ = writeln!(
        out,
        "## `{ty}` ({kind}) — {} of {}\n",
        yes.len(),
        yes.len() + no.len()
    );
    let _ = writeln!(out, "* implemented: {}", join_code(&yes));
    let _ = writeln!(out, "* not implemented: {}\n", join_code(&no));
    (yes.len(), yes.len() + no.len())
}

fn join_code(names: &[&str]) -> String {
    if names.is_empty() {
        return "—".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn has_instance(ty: &str, name: &str) -> bool {
    let chain = type_chain(ty);
    members().iter().any(|m| {
        m.name == name
            && matches!(m.kind, Kind::Method | Kind::Property)
            && (m.ty == ty || chain.contains(&m.ty))
    })
}

fn has_static(ty: &str, name: &str) -> bool {
    members()
        .iter()
        .any(|m| m.ty == ty && m.name == name && !matches!(m.kind, Kind::Method | Kind::Property))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn members_doc_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/members.md");
        let expected = super::members_doc();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).expect("write docs/members.md");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/members.md is stale; regenerate with UPDATE_DOCS=1 cargo test -p gatehouse-compiler --lib members_doc"
        );
    }
}
