//! Secret named values: stored as references, resolved when the gateway loads a program.

use super::Program;
use std::sync::Arc;

/// A secret (or Key Vault) named value the program refers to as `{{name}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    /// The named value's display name.
    pub name: String,
    /// The Key Vault secret identifier, for Key Vault references.
    pub key_vault: Option<String>,
}

/// A secret the gateway was not given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingSecret {
    /// The named value.
    pub name: String,
    /// The environment variable that would provide it.
    pub env: String,
}

impl std::fmt::Display for MissingSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "secret named value '{}' is not provided: set {} or add it to the --secrets file",
            self.name, self.env
        )
    }
}

/// The environment variable that provides secret `name`:
/// `GATEHOUSE_NAMED_VALUE_` + the name upper-cased, non-alphanumerics as `_`.
pub fn secret_env_name(name: &str) -> String {
    let mut out = String::from("GATEHOUSE_NAMED_VALUE_");
    out.extend(name.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    out
}

impl Program {
    /// Replaces every `{{name}}` of a secret in the program's strings and in the string
    /// pools of its code with the value `lookup` gives. Fails, naming the first secret
    /// that `lookup` does not know, without changing anything.
    pub fn resolve_secrets(
        &mut self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), MissingSecret> {
        let mut values = Vec::with_capacity(self.secrets.len());
        for s in &self.secrets {
            match lookup(&s.name) {
                Some(v) => values.push((format!("{{{{{}}}}}", s.name), v)),
                None => {
                    return Err(MissingSecret {
                        name: s.name.clone(),
                        env: secret_env_name(&s.name),
                    })
                }
            }
        }
        if values.is_empty() {
            return Ok(());
        }
        let fill = |s: &mut Arc<str>| {
            if s.contains("{{") {
                let mut t = s.to_string();
                for (pat, v) in &values {
                    t = t.replace(pat.as_str(), v);
                }
                *s = t.into();
            }
        };
        self.strings.iter_mut().for_each(fill);
        for c in &mut self.codes {
            c.code.strings.iter_mut().for_each(fill);
        }
        self.secret_values = values
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(_, v)| Arc::from(v))
            .collect();
        // Longest first, so a secret containing another is hidden whole.
        self.secret_values
            .sort_by_key(|v| std::cmp::Reverse(v.len()));
        Ok(())
    }

    /// `text` with every secret value the program holds replaced by `***`: every message
    /// the gateway makes (`context.LastError.Message`, logs) passes through it.
    pub fn redact<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let mut out = std::borrow::Cow::Borrowed(text);
        for v in &self.secret_values {
            if out.contains(&**v) {
                out = std::borrow::Cow::Owned(out.replace(&**v, "***"));
            }
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_upper_case_with_underscores() {
        assert_eq!(
            secret_env_name("backend-key.v2"),
            "GATEHOUSE_NAMED_VALUE_BACKEND_KEY_V2"
        );
    }

    #[test]
    fn resolving_fills_references_and_names_the_missing_one() {
        let mut p = Program {
            strings: vec!["Bearer {{token}}".into(), "plain".into()],
            secrets: vec![SecretRef {
                name: "token".into(),
                key_vault: None,
            }],
            ..Program::default()
        };
        let err = p.resolve_secrets(&|_| None).unwrap_err();
        assert_eq!(err.env, "GATEHOUSE_NAMED_VALUE_TOKEN");
        assert_eq!(&*p.strings[0], "Bearer {{token}}");
        p.resolve_secrets(&|n| (n == "token").then(|| "abc".to_string()))
            .unwrap();
        assert_eq!(&*p.strings[0], "Bearer abc");
        assert_eq!(&*p.strings[1], "plain");
    }
}
