//! Declarations given beside loose policy files: `--backends FILE` and `--named-values FILE`.

use super::backend::read_backend;
use super::entities::read_named_value;
use super::fields::{parse_json, Fields};
use super::{Backend, NamedValue};
use crate::diagnostic::codes;
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::Span;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// Backends from a JSON file: an array of `{"name": ..., "properties": {...}}` entities, or
/// an object mapping each name to `{"properties": {...}}`.
pub fn load_backends_file(path: &Path) -> Result<(Vec<Backend>, Vec<Diagnostic>), std::io::Error> {
    load_entities(path, "backend", read_backend)
}

/// Named values from a JSON file, in the same shapes as [`load_backends_file`]; the name
/// of each entity is its display name unless `properties.displayName` says otherwise.
pub fn load_named_values_file(
    path: &Path,
) -> Result<(Vec<NamedValue>, Vec<Diagnostic>), std::io::Error> {
    load_entities(path, "named value", |name, f| read_named_value(f, name))
}

fn load_entities<T>(
    path: &Path,
    what: &str,
    read: impl Fn(&str, &mut Fields) -> T,
) -> Result<(Vec<T>, Vec<Diagnostic>), std::io::Error> {
    let bytes = std::fs::read(path)?;
    let (file, bad) = SourceFile::from_bytes(path.display().to_string(), bytes);
    let file = Arc::new(file);
    let mut out = Vec::new();
    if let Some(at) = bad {
        out.push(
            Diagnostic::error(
                &file,
                codes::INVALID_UTF8,
                "the file is not valid UTF-8",
                Span::new(at, at + 1),
                "invalid byte",
            )
            .with_help("save the file as UTF-8"),
        );
        return Ok((Vec::new(), out));
    }
    let root = match parse_json(&file) {
        Ok(v) => v,
        Err(d) => return Ok((Vec::new(), vec![d])),
    };
    let mut prefix = "";
    let root = match root {
        // An ARM list (`az rest` output): `{"value": [...], "nextLink": ...}`.
        Value::Object(mut map)
            if map.get("value").is_some_and(Value::is_array)
                && map
                    .keys()
                    .all(|k| ["value", "nextLink", "count"].contains(&k.as_str())) =>
        {
            prefix = "/value";
            map.remove("value").unwrap_or_default()
        }
        Value::Array(_) | Value::Object(_) => root,
        _ => {
            let message =
                format!("expected an array of {what} entities or an object keyed by name");
            let d = Diagnostic::error(
                &file,
                codes::INVALID_FIELD,
                message,
                Span::new(0, 0),
                "here",
            )
            .with_help("write `[{\"name\": ..., \"properties\": {...}}]`");
            return Ok((Vec::new(), vec![d]));
        }
    };
    let mut items = Vec::new();
    for (name, pointer, value) in entities(&root) {
        let pointer = format!("{prefix}{pointer}");
        match name {
            Some(name) => items.push(read(
                &name,
                &mut Fields::at(&file, value, pointer, &mut out),
            )),
            None => {
                let f = Fields::at(&file, value, pointer.clone(), &mut out);
                let span = f.span("");
                let msg = format!("this {what} has no name");
                out.push(
                    Diagnostic::error(&file, codes::MISSING_FIELD, msg, span, "no `name`")
                        .with_help(format!(
                            "add `\"name\": \"...\"` to the {what}, or use an object keyed by name"
                        )),
                );
            }
        }
    }
    Ok((items, out))
}

/// Each entity with its name (if any) and JSON pointer.
fn entities(root: &Value) -> Vec<(Option<String>, String, &Value)> {
    match root {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    v.get("name").and_then(Value::as_str).map(str::to_string),
                    format!("/{i}"),
                    v,
                )
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (Some(k.clone()), format!("/{}", escape(k)), v))
            .collect(),
        _ => Vec::new(),
    }
}

/// A JSON-pointer reference token (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gatehouse-decl-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("decl.json");
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn array_and_object_shapes() {
        let p = write(
            "arr",
            r#"[{"name": "eu", "properties": {"url": "https://eu.example", "protocol": "http"}}]"#,
        );
        let (b, d) = load_backends_file(&p).expect("read");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(b[0].name, "eu");
        let p = write(
            "obj",
            r#"{"key": {"properties": {"displayName": "key", "value": "v"}}}"#,
        );
        let (n, d) = load_named_values_file(&p).expect("read");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(n[0].name, "key");
    }

    #[test]
    fn problems_are_located_in_the_entity() {
        let p = write(
            "bad",
            r#"[{"name": "ok", "properties": {"protocol": "http", "url": "https://a"}}, {"name": "eu", "properties": {"protocol": "http"}}]"#,
        );
        let (_, d) = load_backends_file(&p).expect("read");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "gatehouse::missing-field");
        assert!(
            d[0].span.start > 40,
            "points into the second entity: {:?}",
            d[0].span
        );
    }
}
