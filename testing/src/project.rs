//! The project under test: built once with the compiler, and built again for each distinct
//! set of named values and secrets cases give (the gateway substitutes both at build and
//! load, so a case's world is a program of its own).

use crate::format::World;
use crate::tables::Tables;
use gatehouse_compiler::diagnostic::{render_human, Style};
use gatehouse_compiler::project::Project;
use gatehouse_compiler::{build_project, program::lower_program_at, CheckOptions, Severity};
use gatehouse_runtime::program::Program;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A program built for a world, with its tables.
#[derive(Debug)]
pub struct Built {
    /// The program, secrets resolved.
    pub program: Arc<Program>,
    /// Its operations indexed.
    pub tables: Tables,
}

/// The project and its programs.
pub struct Under {
    /// The project folder (or policy file).
    pub root: PathBuf,
    /// The loaded project.
    pub project: Project,
    programs: HashMap<String, Result<Arc<Built>, String>>,
}

impl std::fmt::Debug for Under {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Under").field("root", &self.root).finish()
    }
}

impl Under {
    /// Builds the project at `root`; `Err` holds the rendered build errors.
    pub fn load(root: &Path) -> Result<Under, String> {
        let report = build_project(root, &CheckOptions::default());
        if report.program.is_none() {
            let errors: Vec<_> = report
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            return Err(format!(
                "{} has {} error(s)\n{}",
                root.display(),
                errors.len(),
                render_human(&errors, Style::Plain).trim_end()
            ));
        }
        Ok(Under {
            root: root.to_path_buf(),
            project: report.project,
            programs: HashMap::new(),
        })
    }

    /// The program for `world`'s named values and secrets (built on first use).
    pub fn program(&mut self, world: &World) -> Result<Arc<Built>, String> {
        let key = format!("{:?}{:?}", world.named_values, world.secrets);
        if let Some(p) = self.programs.get(&key) {
            return p.clone();
        }
        let built = self.build(&world.named_values, &world.secrets);
        self.programs.insert(key, built.clone());
        built
    }

    fn build(
        &mut self,
        named: &BTreeMap<String, String>,
        secrets: &BTreeMap<String, String>,
    ) -> Result<Arc<Built>, String> {
        let mut saved = Vec::new();
        for (name, value) in named {
            let Some(nv) = self
                .project
                .named_values
                .iter_mut()
                .find(|n| n.name == *name)
            else {
                self.restore(saved);
                return Err(format!(
                    "the named value `{name}` is not declared by the project"
                ));
            };
            saved.push((name.clone(), nv.value.replace(value.clone())));
        }
        let base = self.root.is_dir().then_some(self.root.as_path());
        let base = base.or_else(|| self.root.parent().filter(|p| !p.as_os_str().is_empty()));
        let mut diags = Vec::new();
        let mut program = lower_program_at(&self.project, base, &mut diags);
        let declared: HashMap<String, String> = self
            .project
            .named_values
            .iter()
            .filter_map(|nv| Some((nv.name.clone(), nv.value.clone()?)))
            .collect();
        self.restore(saved);
        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(render_human(&diags, Style::Plain));
        }
        let lookup = |name: &str| {
            secrets
                .get(name)
                .cloned()
                .or_else(|| declared.get(name).cloned())
        };
        program
            .resolve_secrets(&lookup)
            .map_err(|e| format!("{e} (give it under `world: secrets:` in the test file)"))?;
        let tables = Tables::new(&program);
        Ok(Arc::new(Built {
            program: Arc::new(program),
            tables,
        }))
    }

    fn restore(&mut self, saved: Vec<(String, Option<String>)>) {
        for (name, old) in saved {
            if let Some(nv) = self
                .project
                .named_values
                .iter_mut()
                .find(|n| n.name == name)
            {
                nv.value = old;
            }
        }
    }

    /// The key sent for a subscription named `name`, or for the first active subscription
    /// of product `product`.
    pub fn key_of(&self, subscription: Option<&str>, product: Option<&str>) -> Option<String> {
        use gatehouse_compiler::project::SubscriptionScope;
        self.project
            .subscriptions
            .iter()
            .find(|s| match (subscription, product) {
                (Some(n), _) => s.name == n,
                (None, Some(p)) => {
                    s.state == "active" && s.scope == SubscriptionScope::Product(p.to_string())
                }
                _ => false,
            })
            .and_then(|s| s.primary_key.clone().or_else(|| s.secondary_key.clone()))
    }
}
