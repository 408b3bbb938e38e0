//! Version sets (`version sets/<name>/versionSetInformation.json`) and the checks of the
//! APIs that belong to them.

use super::fields::Fields;
use super::model::{Origin, Project, VersionScheme, VersionSet};
use super::read::{subdirs, Reader};
use crate::diagnostic::{codes, suggestion};
use crate::Diagnostic;
use std::collections::HashMap;
use std::path::Path;

const P: &str = "/properties";

/// Every version set under `dir`.
pub(crate) fn load_version_sets(rx: &mut Reader, dir: &Path) -> Vec<VersionSet> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        let what = format!("version set `{name}`");
        let file = path.join("versionSetInformation.json");
        let Some((file, info)) = rx.info(&file, Some(&what)) else {
            continue;
        };
        if let Some(set) = rx.with_fields(&file, info.as_ref(), |f| read_version_set(f, &name)) {
            out.push(set);
        }
    }
    out
}

/// The fields of `versionSetInformation.json`; `None` when the scheme is unusable
/// (reported).
fn read_version_set(f: &mut Fields, name: &str) -> Option<VersionSet> {
    let pointer = "/properties/versioningScheme";
    let scheme = match f.string(pointer).as_deref() {
        Some(s) if s.eq_ignore_ascii_case("Segment") => VersionScheme::Segment,
        Some(s) if s.eq_ignore_ascii_case("Header") => VersionScheme::Header(named(
            f,
            "versionHeaderName",
            "name the header that carries the version, e.g. \"versionHeaderName\": \"Api-Version\"",
        )?),
        Some(s) if s.eq_ignore_ascii_case("Query") => VersionScheme::Query(named(
            f,
            "versionQueryName",
            "name the query parameter that carries the version, e.g. \"versionQueryName\": \"api-version\"",
        )?),
        Some(_) => {
            f.invalid(pointer, "one of `Segment`, `Header`, `Query`");
            return None;
        }
        None => {
            f.missing(P, "versioningScheme", "give the set's scheme: \"Segment\", \"Header\" or \"Query\"");
            return None;
        }
    };
    Some(VersionSet {
        name: name.to_string(),
        scheme,
        origin: Origin {
            file: f.file.clone(),
            span: f.span(pointer),
        },
    })
}

/// The non-empty string `/properties/<key>`, reported as missing otherwise.
fn named(f: &mut Fields, key: &str, help: &str) -> Option<String> {
    let v = f.string(&format!("{P}/{key}")).filter(|v| !v.is_empty());
    if v.is_none() {
        f.missing(P, key, help);
    }
    v
}

/// Each API's version set must be declared, and no two APIs of a set may claim the same
/// version (revisions of one API share theirs).
pub(crate) fn check(project: &Project, out: &mut Vec<Diagnostic>) {
    let mut claimed: HashMap<(&str, Option<&str>), &str> = HashMap::new();
    for api in &project.apis {
        let Some(set) = api.version_set.as_deref() else {
            continue;
        };
        let o = &api.origin;
        let (set_at, version_at) = api.version_spans.unwrap_or((o.span, o.span));
        if !project.version_sets.iter().any(|s| s.name == set) {
            let names = project.version_sets.iter().map(|s| s.name.as_str());
            let help = suggestion(
                set,
                names,
                "declare it under `version sets/`, or fix the id",
            );
            out.push(
                Diagnostic::error(
                    &o.file,
                    codes::UNKNOWN_VERSION_SET,
                    format!(
                        "API `{}` belongs to version set `{set}`, which is not declared",
                        api.name
                    ),
                    set_at,
                    "unknown version set",
                )
                .with_help(help),
            );
            continue;
        }
        let key = (set, api.version.as_deref());
        match claimed.get(&key) {
            Some(other) if *other != api.name => {
                let v = api.version.as_deref().unwrap_or("(none: the original)");
                out.push(
                    Diagnostic::error(
                        &o.file,
                        codes::DUPLICATE_API_VERSION,
                        format!(
                            "APIs `{other}` and `{}` both claim version {v} of set `{set}`",
                            api.name
                        ),
                        version_at,
                        "version claimed twice",
                    )
                    .with_help("give each API of a version set its own `apiVersion`"),
                );
            }
            _ => {
                claimed.insert(key, &api.name);
            }
        }
    }
}
