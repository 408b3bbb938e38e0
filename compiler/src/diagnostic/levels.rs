//! Lint levels: which warnings a team allows (drops) or denies (makes errors), from the
//! command line (`--allow CODE`, `--deny CODE`) and a project's `gatehouse.toml`.
//!
//! ```toml
//! [lints]
//! allow = ["missing-base"]
//! deny = ["unset-variable", "expr::unsupported-member"]
//! ```

use super::codes::{lookup, CODES};
use super::{did_you_mean, Diagnostic, Severity};
use serde::Deserialize;
use std::path::Path;

/// The file a project folder keeps its lint levels in.
pub const PROJECT_FILE: &str = "gatehouse.toml";

/// Codes allowed and denied; a code named in both is denied.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    /// Warnings not reported.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Warnings reported as errors.
    #[serde(default)]
    pub deny: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    #[serde(default)]
    lints: Levels,
}

impl Levels {
    /// The levels of `dir/gatehouse.toml`, if the file exists.
    pub fn of_project(dir: &Path) -> Result<Option<Levels>, String> {
        let path = dir.join(PROJECT_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let file: ProjectFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        file.lints
            .validate()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Some(file.lints))
    }

    /// `self` with `other`'s codes added (the command line's over a project file's).
    pub fn extend(&mut self, other: &Levels) {
        self.allow.extend(other.allow.iter().cloned());
        self.deny.extend(other.deny.iter().cloned());
    }

    /// Every code must be one gatehouse reports, and only warnings can be allowed.
    pub fn validate(&self) -> Result<(), String> {
        for code in self.allow.iter().chain(&self.deny) {
            if lookup(code).is_none() {
                let near = did_you_mean(code, CODES.iter().map(|c| c.code))
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                return Err(format!("`{code}` is not a gatehouse diagnostic code{near}"));
            }
        }
        for code in &self.allow {
            if lookup(code).is_some_and(|c| c.severity == Severity::Error) {
                return Err(format!(
                    "`{code}` is an error; only warnings can be allowed"
                ));
            }
        }
        Ok(())
    }

    /// Applies the levels. For a build (`build`), a warning the build refuses (e.g.
    /// `policy::not-executed`) stays: allowing it cannot make the gateway skip a policy.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>, build: bool) {
        let named = |list: &[String], d: &Diagnostic| {
            let code = d.code.strip_prefix("gatehouse::").unwrap_or(&d.code);
            list.iter()
                .any(|c| c.strip_prefix("gatehouse::").unwrap_or(c) == code)
        };
        for d in diagnostics.iter_mut() {
            if d.severity != Severity::Error && named(&self.deny, d) {
                d.severity = Severity::Error;
            }
        }
        let refused =
            |d: &Diagnostic| build && lookup(&d.code).is_some_and(|c| c.build == Severity::Error);
        diagnostics
            .retain(|d| d.severity == Severity::Error || refused(d) || !named(&self.allow, d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use gatehouse_grammar::Span;
    use std::sync::Arc;

    fn warning(code: &str) -> Diagnostic {
        let f = Arc::new(SourceFile::new("p.xml", "<policies/>"));
        Diagnostic::warning(&f, code, "m", Span::new(0, 1), "l")
    }

    #[test]
    fn allow_drops_and_deny_promotes_warnings() {
        let levels = Levels {
            allow: vec!["missing-base".into()],
            deny: vec!["gatehouse::unset-variable".into()],
        };
        levels.validate().expect("valid");
        let mut d = vec![
            warning("missing-base"),
            warning("unset-variable"),
            warning("child-order"),
        ];
        levels.apply(&mut d, false);
        let got: Vec<(&str, Severity)> = d.iter().map(|d| (d.code.as_str(), d.severity)).collect();
        assert_eq!(
            got,
            [
                ("gatehouse::unset-variable", Severity::Error),
                ("gatehouse::child-order", Severity::Warning)
            ]
        );
    }

    #[test]
    fn a_build_keeps_what_it_refuses() {
        let levels = Levels {
            allow: vec!["policy::not-executed".into()],
            deny: Vec::new(),
        };
        let mut d = vec![warning("policy::not-executed")];
        levels.apply(&mut d, true);
        assert_eq!(d.len(), 1);
        levels.apply(&mut d, false);
        assert!(d.is_empty());
    }

    #[test]
    fn unknown_codes_and_allowed_errors_are_refused() {
        let bad = Levels {
            allow: vec!["mising-base".into()],
            deny: Vec::new(),
        };
        assert!(bad
            .validate()
            .expect_err("unknown")
            .contains("did you mean `missing-base`"));
        let error = Levels {
            allow: vec!["unknown-policy".into()],
            deny: Vec::new(),
        };
        assert!(error
            .validate()
            .expect_err("error")
            .contains("only warnings"));
    }

    #[test]
    fn a_project_file_is_read() {
        let dir = std::env::temp_dir().join(format!("gatehouse-levels-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join(PROJECT_FILE),
            "[lints]\nallow = [\"missing-base\"]\n",
        )
        .expect("write");
        let levels = Levels::of_project(&dir).expect("read").expect("present");
        assert_eq!(levels.allow, ["missing-base"]);
        std::fs::write(dir.join(PROJECT_FILE), "[lint]\n").expect("write");
        assert!(Levels::of_project(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
