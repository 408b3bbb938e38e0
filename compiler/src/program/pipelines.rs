//! Effective pipelines as shared blocks: the scope merge ([`crate::resolve::merge`]) with
//! each written section one block per (document, section, parent block), `<base/>` a call
//! to the parent's block, one block per fragment and scope, `choose` branches.

use super::{ops, Builder, ScopeEnv, Site};
use crate::check::DocKind;
use crate::diagnostic::codes;
use crate::project::Project;
use crate::resolve::{merge, DocAt, Merge, OperationAt, SECTIONS};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{BlockId, Choose, Op, OpKind, Pipeline, PipelineId, Scope};
use std::collections::HashMap;
use std::sync::Arc;

/// Builds every operation's pipelines, in the order the scope merge defines them.
pub(super) fn lower_pipelines(b: &mut Builder<'_>, project: &Project, scopes: &[ScopeEnv<'_>]) {
    let mut blocks = Blocks {
        b,
        scopes,
        global: None,
    };
    let top = match project.global {
        Some(_) => [None; 4],
        None => [None, Some(blocks.b.default_forward()), None, None],
    };
    merge(project, &top, &mut blocks);
    // Last, so that the operations' pipelines keep their numbers.
    if let Some(sections) = blocks.global {
        let id = blocks.b.pipeline(sections);
        blocks.b.program.global = Some(id);
    }
}

/// The scope merge as blocks of the program; `None`: no scope wrote the section yet.
struct Blocks<'a, 'b, 'd> {
    b: &'a mut Builder<'d>,
    scopes: &'a [ScopeEnv<'b>],
    /// The global policy's sections alone, made into a pipeline after the operations'.
    global: Option<[Option<BlockId>; 4]>,
}

impl<'p> Merge<'p> for Blocks<'_, '_, '_> {
    type Section = Option<BlockId>;

    fn section(
        &mut self,
        at: DocAt<'p>,
        index: usize,
        section: &'p Element,
        parent: &Option<BlockId>,
    ) -> Option<BlockId> {
        let Some(env) = self.scopes.get(at.scope) else {
            return *parent;
        };
        self.b.section(env, at, index, section, *parent)
    }

    fn global(&mut self, sections: &[Option<BlockId>; 4]) {
        self.global = Some(*sections);
    }

    fn operation(&mut self, at: OperationAt<'p>, sections: [Option<BlockId>; 4]) {
        let id = self.b.pipeline(sections);
        let product = at.product.map_or(u32::MAX, |(i, _)| i as u32);
        if let Some(o) = self
            .b
            .program
            .apis
            .get_mut(at.api_index)
            .and_then(|a| a.operations.get_mut(at.operation.0))
        {
            o.pipelines.push((product, id));
        }
    }
}

/// The program's scope of a document.
fn scope_of(kind: DocKind) -> Scope {
    match kind {
        DocKind::Global => Scope::Global,
        DocKind::Workspace => Scope::Workspace,
        DocKind::Product => Scope::Product,
        DocKind::Api | DocKind::Loose => Scope::Api,
        DocKind::Operation => Scope::Operation,
        DocKind::Fragment => Scope::Fragment,
    }
}

/// APIM's default global policy, which a project without `policy.xml` runs: its backend
/// section forwards the request.
const DEFAULT_GLOBAL: &str = "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>";

impl Builder<'_> {
    /// The block of APIM's default global `<backend>` (`forward-request`), located in a
    /// file of its own, `(default global policy)`, so `explain` and errors name it.
    fn default_forward(&mut self) -> BlockId {
        let file = Arc::new(crate::SourceFile::new(
            "(default global policy)",
            DEFAULT_GLOBAL,
        ));
        let file_id = self.file(&file);
        let site = Site {
            file: &file,
            file_id,
            scope: Scope::Global,
            path: "backend/forward-request[1]".to_string(),
            typed: &Default::default(),
        };
        let at = DEFAULT_GLOBAL.find("<forward-request").unwrap_or(0) as u32;
        let loc = self.loc(&site, at);
        let kind = OpKind::ForwardRequest(Default::default());
        self.block(vec![Op { kind, loc }])
    }

    /// Adds a pipeline; sections no scope wrote get the shared empty block.
    fn pipeline(&mut self, s: [Option<BlockId>; 4]) -> PipelineId {
        let mut sections = [0; 4];
        for (out, block) in sections.iter_mut().zip(s) {
            *out = match block {
                Some(id) => id,
                None => self.empty_block(),
            };
        }
        self.program.pipelines.push(Pipeline { sections });
        self.program.pipelines.len() as PipelineId - 1
    }

    /// A written section over `parent` as a block, memoised by (file, declaration scope,
    /// section, parent): the scope decides what its named values and backends mean.
    fn section(
        &mut self,
        env: &ScopeEnv<'_>,
        at: DocAt<'_>,
        index: usize,
        section: &Element,
        parent: Option<BlockId>,
    ) -> Option<BlockId> {
        let key = (at.doc.file.path.clone(), at.scope, index, parent);
        if let Some(&memo) = self.memo.get(&key) {
            return memo;
        }
        let file_id = self.file(&at.doc.file);
        let site = Site {
            file: &at.doc.file,
            file_id,
            scope: scope_of(at.kind),
            path: SECTIONS[index].to_string(),
            typed: &at.doc.typed,
        };
        let ops = self.statements(env, &site, section, parent);
        let id = match ops.as_slice() {
            // A section that only runs its parent's is the parent's block.
            [only] if parent.is_some_and(|p| only.kind == OpKind::Call(p)) => parent,
            [] => Some(self.empty_block()),
            _ => Some(self.block(ops)),
        };
        self.memo.insert(key, id);
        id
    }

    /// The statements of a block element (section, `when`, `otherwise`, fragment).
    pub(super) fn statements(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        container: &Element,
        base: Option<BlockId>,
    ) -> Vec<Op> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut out = Vec::new();
        for e in container.child_elements() {
            let name = &*e.name.text;
            let n = counts.entry(name).or_default();
            *n += 1;
            let inner = site.child(name, *n);
            let kind = match name {
                // Calling an empty block does nothing: leave the call out.
                "base" => base.filter(|&b| !self.is_empty_block(b)).map(OpKind::Call),
                "choose" => self.choose(env, &inner, e, base),
                "include-fragment" => self.include(env, &inner, e),
                // A policy gatehouse does not execute is reported by `executed::not_executed`.
                _ => ops::lowering(name).and_then(|how| ops::lower(self, env, &inner, e, how).ok()),
            };
            if kind.is_none() && name != "base" {
                self.skipped += 1;
            }
            if let Some(kind) = kind {
                let op = self.op(&inner, e.span.start, kind);
                out.push(op);
            }
        }
        out
    }

    fn choose(
        &mut self,
        env: &ScopeEnv<'_>,
        site: &Site<'_>,
        e: &Element,
        base: Option<BlockId>,
    ) -> Option<OpKind> {
        let mut branches = Vec::new();
        let mut otherwise = None;
        let (mut whens, mut others) = (0, 0);
        for child in e.child_elements() {
            match &*child.name.text {
                "when" => {
                    whens += 1;
                    let inner = site.child("when", whens);
                    let cond = self.condition(env, &inner, child, "condition");
                    let ops = self.statements(env, &inner, child, base);
                    let block = self.block(ops);
                    match cond {
                        Ok(Some(cond)) => branches.push((cond, block)),
                        // A `when` without a condition is reported by the checks.
                        Ok(None) | Err(_) => return None,
                    }
                }
                "otherwise" => {
                    others += 1;
                    let inner = site.child("otherwise", others);
                    let ops = self.statements(env, &inner, child, base);
                    otherwise = Some(self.block(ops));
                }
                _ => {}
            }
        }
        Some(OpKind::Choose(Choose {
            branches,
            otherwise,
        }))
    }

    /// `<include-fragment>`: a call to the fragment's block, lowered once.
    fn include(&mut self, env: &ScopeEnv<'_>, site: &Site<'_>, e: &Element) -> Option<OpKind> {
        if site.scope == Scope::Fragment {
            // APIM forbids it, and lowering it could recurse without end.
            let message = "a fragment cannot include another fragment";
            self.error(
                site.file,
                codes::NESTED_FRAGMENT,
                message,
                e.span,
                "nested include",
            );
            return None;
        }
        let id = self.text_attr(env, site, e, "fragment-id").ok()??;
        // An undeclared fragment is reported by the reference checks.
        let f = env.fragments.get(id.as_str()).copied()?;
        let key = (f.name.clone(), env.index);
        if let Some(&block) = self.fragment_blocks.get(&key) {
            return Some(OpKind::Call(block));
        }
        let root = f.policy.parsed.document.root_elements().next()?;
        let file_id = self.file(&f.policy.file);
        let inner = Site {
            file: &f.policy.file,
            file_id,
            scope: Scope::Fragment,
            path: "fragment".to_string(),
            typed: &f.policy.typed,
        };
        let ops = self.statements(env, &inner, root, None);
        let block = self.block(ops);
        self.fragment_blocks.insert(key, block);
        Some(OpKind::Call(block))
    }
}
