//! Declarations by name, and the substitution of `{{named values}}`.

use crate::project::{Backend, Fragment, Logger, NamedValue, Project};
use std::collections::HashMap;

/// The declarations a document's references are checked against. A category is `None`
/// when nothing declares it (a loose file with no `--backends`), so references to it are
/// taken as declared elsewhere.
#[derive(Debug, Default)]
pub struct Declared<'p> {
    /// Backends by name.
    pub backends: Option<HashMap<&'p str, &'p Backend>>,
    /// Named values by display name.
    pub named_values: Option<NamedValueEnv<'p>>,
    /// Fragments by name.
    pub fragments: Option<HashMap<&'p str, &'p Fragment>>,
    /// Loggers by name.
    pub loggers: Option<HashMap<&'p str, &'p Logger>>,
}

impl<'p> Declared<'p> {
    /// Everything a project declares. `loose` marks categories that were not given at all
    /// (for loose files only `--backends` / `--named-values` declare anything).
    pub fn of(project: &'p Project, complete: bool) -> Self {
        let some = |present: bool| complete || present;
        Declared {
            backends: some(!project.backends.is_empty()).then(|| {
                project
                    .backends
                    .iter()
                    .map(|b| (b.name.as_str(), b))
                    .collect()
            }),
            named_values: some(!project.named_values.is_empty())
                .then(|| NamedValueEnv::new(&project.named_values)),
            fragments: some(!project.fragments.is_empty()).then(|| {
                project
                    .fragments
                    .iter()
                    .map(|f| (f.name.as_str(), f))
                    .collect()
            }),
            loggers: some(!project.loggers.is_empty()).then(|| {
                project
                    .loggers
                    .iter()
                    .map(|l| (l.name.as_str(), l))
                    .collect()
            }),
        }
    }
}

impl<'p> Declared<'p> {
    /// Adds `parent`'s declarations for names this scope does not declare itself.
    pub fn extend_from(&mut self, parent: &Declared<'p>) {
        fn merge<'p, T>(
            mine: &mut Option<HashMap<&'p str, &'p T>>,
            theirs: &Option<HashMap<&'p str, &'p T>>,
        ) {
            if let Some(theirs) = theirs {
                let mine = mine.get_or_insert_with(HashMap::new);
                for (k, v) in theirs {
                    mine.entry(k).or_insert(v);
                }
            }
        }
        merge(&mut self.backends, &parent.backends);
        merge(&mut self.fragments, &parent.fragments);
        merge(&mut self.loggers, &parent.loggers);
        if let Some(theirs) = &parent.named_values {
            let mine = self.named_values.get_or_insert_with(NamedValueEnv::default);
            for (k, v) in &theirs.by_name {
                mine.by_name.entry(k).or_insert(v);
            }
        }
    }
}

/// Named values by display name, and textual substitution as APIM does it.
#[derive(Debug, Default)]
pub struct NamedValueEnv<'p> {
    by_name: HashMap<&'p str, &'p NamedValue>,
}

impl<'p> NamedValueEnv<'p> {
    /// An environment over these named values.
    pub fn new(values: &'p [NamedValue]) -> Self {
        NamedValueEnv {
            by_name: values.iter().map(|v| (v.name.as_str(), v)).collect(),
        }
    }

    /// The named value called `name`, if declared.
    pub fn get(&self, name: &str) -> Option<&'p NamedValue> {
        self.by_name.get(name).copied()
    }

    /// All declared names.
    pub fn names(&self) -> impl Iterator<Item = &'p str> + '_ {
        self.by_name.keys().copied()
    }

    /// The text that replaces `{{name}}`: the value for plain named values; `None` for
    /// secrets and Key Vault references (resolved only when the gateway loads) and for
    /// undeclared names, which stay as written.
    pub fn public_value(&self, name: &str) -> Option<&'p str> {
        let v = self.get(name)?;
        if v.secret || v.key_vault.is_some() {
            return None;
        }
        v.value.as_deref()
    }

    /// `text` with every `{{name}}` of a plain named value replaced by its value. Secret
    /// and unknown references are kept as written.
    pub fn substitute(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("{{") {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            match gatehouse_grammar::syntax::named_value_len(tail.as_bytes()) {
                Some(len) => {
                    let name = &tail[2..len - 2];
                    match self.public_value(name) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(&tail[..len]),
                    }
                    rest = &tail[len..];
                }
                None => {
                    out.push_str("{{");
                    rest = &tail[2..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}
