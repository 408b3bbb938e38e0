//! Lowering a loaded project to the runtime's whole-gateway [`Program`].
//!
//! Each scope document's section becomes one [`Block`] whose `<base/>` calls the parent's
//! block, memoised by (document, section, parent block), so an API's sections are emitted
//! once and every operation's block calls them. Each fragment is one block too. Policies
//! become typed [`Op`]s with their attributes parsed; expressions are compiled to `Code`
//! with plain named values substituted and secret ones kept as `{{name}}` references.

use crate::diagnostic::codes;
mod args;
mod executed;
mod loose;
mod ops;
mod pipelines;
mod tables;

#[cfg(test)]
mod tests;

pub(crate) use args::Reported;
pub use executed::{not_executed, support_matrix, NOT_EXECUTED};
pub use loose::loose_project;
pub use ops::{lowering, Lowering, LOWERINGS};

use crate::project::{Fragment, Project};
use crate::resolve::{Declared, NamedValueEnv};
use crate::{Diagnostic, SourceFile};
use gatehouse_grammar::Span;
use gatehouse_runtime::program::{
    Block, BlockId, Loc, LocId, Op, OpKind, Program, Scope, SecretRef, StrId,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// Lowers `project` to a program. Always returns one: what cannot be lowered is skipped
/// and reported in `diagnostics` (policies gatehouse does not execute are errors).
pub fn lower_program(project: &Project, diagnostics: &mut Vec<Diagnostic>) -> Program {
    lower_program_at(project, None, diagnostics)
}

/// [`lower_program`], with source paths made relative to `root` when given.
pub fn lower_program_at(
    project: &Project,
    root: Option<&Path>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Program {
    let prefix = root.map(|r| {
        let mut p = r.to_string_lossy().into_owned();
        if !p.ends_with('/') {
            p.push('/');
        }
        p
    });
    let mut b = Builder {
        program: Program::default(),
        strings: HashMap::new(),
        files: HashMap::new(),
        secret_names: HashSet::new(),
        memo: HashMap::new(),
        fragment_blocks: HashMap::new(),
        empty: None,
        prefix,
        skipped: 0,
        diagnostics,
    };
    let scopes = ScopeEnv::all(project);
    tables::lower_tables(&mut b, project, &scopes);
    pipelines::lower_pipelines(&mut b, project, &scopes);
    let errors = b
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::Severity::Error);
    if b.skipped > 0 && !errors {
        // Every failure is reported where it is found; this guards the rule that the
        // gateway never runs a program with a policy silently left out.
        let file = Arc::new(SourceFile::new("", ""));
        let message = format!("{} policies could not be lowered", b.skipped);
        b.diagnostics.push(Diagnostic::error(
            &file,
            codes::INTERNAL,
            message,
            Span::new(0, 0),
            "not lowered",
        ));
    }
    b.program
}

/// What the documents of one scope (the service, or a workspace) see by name.
pub(crate) struct ScopeEnv<'p> {
    /// Named values (the workspace's, then the service's).
    pub named: NamedValueEnv<'p>,
    /// Fragments (the workspace's, then the service's).
    pub fragments: HashMap<&'p str, &'p Fragment>,
    /// Backend names as written → the name the program's backend table uses.
    pub backends: HashMap<String, String>,
    /// Loggers (the workspace's, then the service's).
    pub loggers: HashMap<&'p str, &'p crate::project::Logger>,
    /// The declaration scope: 0 for the service, `1 + i` for workspace `i`.
    pub index: usize,
}

impl<'p> ScopeEnv<'p> {
    /// The service scope, then one per workspace.
    fn all(project: &'p Project) -> Vec<ScopeEnv<'p>> {
        let service = Declared::of(project, true);
        let mut out = vec![ScopeEnv::from_declared(None, service, project, None)];
        for (i, ws) in project.workspaces.iter().enumerate() {
            let mut declared = Declared::of(&ws.project, true);
            declared.extend_from(&Declared::of(project, true));
            let mut env =
                ScopeEnv::from_declared(Some(&ws.name), declared, project, Some(&ws.project));
            env.index = i + 1;
            out.push(env);
        }
        out
    }

    fn from_declared(
        workspace: Option<&'p str>,
        declared: Declared<'p>,
        service: &'p Project,
        own: Option<&'p Project>,
    ) -> Self {
        let mut backends: HashMap<String, String> = service
            .backends
            .iter()
            .map(|b| (b.name.clone(), b.name.clone()))
            .collect();
        if let (Some(ws), Some(own)) = (workspace, own) {
            for b in &own.backends {
                backends.insert(b.name.clone(), tables::workspace_backend_name(ws, &b.name));
            }
        }
        ScopeEnv {
            index: 0,
            named: declared.named_values.unwrap_or_default(),
            fragments: declared.fragments.unwrap_or_default(),
            loggers: declared.loggers.unwrap_or_default(),
            backends,
        }
    }
}

/// Where a policy being lowered sits: its file, scope, and path within the document.
#[derive(Clone)]
pub(crate) struct Site<'a> {
    /// The source file.
    pub file: &'a Arc<SourceFile>,
    /// Its index in [`Program::files`].
    pub file_id: u32,
    /// The document's scope.
    pub scope: Scope,
    /// The policy path so far, e.g. `inbound/choose[1]/when[2]`.
    pub path: String,
    /// The document's typed policies.
    pub typed: &'a crate::ast::Policies,
}

impl Site<'_> {
    /// The path one level down: `{path}/{name}[{n}]`.
    pub fn child(&self, name: &str, n: usize) -> Self {
        let path = if self.path.is_empty() {
            format!("{name}[{n}]")
        } else {
            format!("{}/{name}[{n}]", self.path)
        };
        Site {
            path,
            ..self.clone()
        }
    }
}

/// The lowering state: the program so far, interning tables and memoised blocks.
pub(crate) struct Builder<'d> {
    /// The program being built.
    pub program: Program,
    strings: HashMap<Arc<str>, StrId>,
    files: HashMap<String, u32>,
    secret_names: HashSet<String>,
    /// Section blocks by (document path, declaration scope, section index, parent block).
    pub memo: HashMap<(String, usize, usize, Option<BlockId>), Option<BlockId>>,
    /// Fragment blocks by fragment name and declaration scope (a fragment is lowered once
    /// per scope that includes it, since named values may differ between scopes).
    pub fragment_blocks: HashMap<(String, usize), BlockId>,
    empty: Option<BlockId>,
    prefix: Option<String>,
    /// Policies left out because they could not be lowered; each must have been reported.
    pub skipped: usize,
    /// Where findings go.
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl Builder<'_> {
    /// Interns `s`.
    pub fn intern(&mut self, s: &str) -> StrId {
        if let Some(&id) = self.strings.get(s) {
            return id;
        }
        let arc: Arc<str> = Arc::from(s);
        let id = self.program.strings.len() as StrId;
        self.program.strings.push(Arc::clone(&arc));
        self.strings.insert(arc, id);
        id
    }

    /// The index of `file` in the program's file table.
    pub fn file(&mut self, file: &SourceFile) -> u32 {
        if let Some(&id) = self.files.get(&file.path) {
            return id;
        }
        let shown = match &self.prefix {
            Some(p) => file.path.strip_prefix(p.as_str()).unwrap_or(&file.path),
            None => &file.path,
        };
        let id = self.program.files.len() as u32;
        self.program.files.push(Arc::from(shown));
        self.files.insert(file.path.clone(), id);
        id
    }

    /// A location at byte `offset` of the site's file.
    pub fn loc(&mut self, site: &Site<'_>, offset: u32) -> LocId {
        let lc = site.file.line_col(offset as usize);
        let path = self.intern(&site.path);
        self.program.locs.push(Loc {
            file: site.file_id,
            line: lc.line as u32,
            column: lc.column as u32,
            scope: site.scope,
            path,
        });
        self.program.locs.len() as LocId - 1
    }

    /// Appends a block, returning its id.
    pub fn block(&mut self, ops: Vec<Op>) -> BlockId {
        self.program.blocks.push(Block { ops });
        self.program.blocks.len() as BlockId - 1
    }

    /// The shared empty block (a section no scope writes).
    pub fn empty_block(&mut self) -> BlockId {
        match self.empty {
            Some(id) => id,
            None => {
                let id = self.block(Vec::new());
                self.empty = Some(id);
                id
            }
        }
    }

    /// Whether block `id` has no operations.
    pub fn is_empty_block(&self, id: BlockId) -> bool {
        self.program
            .blocks
            .get(id as usize)
            .is_none_or(|b| b.ops.is_empty())
    }

    /// Records that the program refers to secret named value `name`.
    pub fn secret(&mut self, env: &ScopeEnv<'_>, name: &str) {
        if self.secret_names.insert(name.to_string()) {
            let key_vault = env.named.get(name).and_then(|v| v.key_vault.clone());
            self.program.secrets.push(SecretRef {
                name: name.to_string(),
                key_vault,
            });
        }
    }

    /// A failure the checks have already reported (an undeclared reference, a missing
    /// required attribute): nothing is reported again.
    pub fn unreported(&mut self) -> Reported {
        Reported
    }

    /// Records an error, unless the checks already reported this code at this span (an
    /// expression the checks found wrong fails to compile for the same reason).
    pub fn error(
        &mut self,
        file: &Arc<SourceFile>,
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: &str,
    ) {
        let d = Diagnostic::error(file, code, message, span, label);
        let known = self
            .diagnostics
            .iter()
            .any(|o| o.span == d.span && o.code == d.code && o.file.path == d.file.path);
        if !known {
            self.diagnostics.push(d);
        }
    }

    /// An operation at the element starting at `offset`.
    pub fn op(&mut self, site: &Site<'_>, offset: u32, kind: OpKind) -> Op {
        let loc = self.loc(site, offset);
        Op { kind, loc }
    }
}
