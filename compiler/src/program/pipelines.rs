//! Effective pipelines as shared blocks: one block per (document, section, parent block),
//! `<base/>` as a call to the parent's block, one block per fragment, `choose` branches.

use super::{executed, ops, Builder, ScopeEnv, Site};
use crate::project::{PolicyDoc, Project};
use crate::resolve::SECTIONS;
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{BlockId, Choose, Op, OpKind, Pipeline, PipelineId, Scope};
use std::collections::HashMap;

/// The blocks of the four sections; `None`: no scope wrote anything there yet.
type Sections = [Option<BlockId>; 4];

/// Builds every operation's pipelines, in the order `resolve::pipelines` defines them.
pub(super) fn lower_pipelines(b: &mut Builder<'_>, project: &Project, scopes: &[ScopeEnv<'_>]) {
    let Some(service) = scopes.first() else {
        return;
    };
    let global = b.sections(service, project.global.as_ref(), Scope::Global, [None; 4]);
    let mut next = Next::default();
    scope_pipelines(b, project, service, global, &mut next);
    for (ws, env) in project
        .workspaces
        .iter()
        .zip(scopes.get(1..).unwrap_or(&[]))
    {
        let parent = b.sections(env, ws.project.global.as_ref(), Scope::Workspace, global);
        scope_pipelines(b, &ws.project, env, parent, &mut next);
    }
}

/// The program indices the next scope's APIs and products start at.
#[derive(Default)]
struct Next {
    api: usize,
    product: usize,
}

fn scope_pipelines(
    b: &mut Builder<'_>,
    project: &Project,
    env: &ScopeEnv<'_>,
    parent: Sections,
    next: &mut Next,
) {
    for api in &project.apis {
        let mut parents = vec![(u32::MAX, parent)];
        for (i, product) in project.products.iter().enumerate() {
            if product.policy.is_some() && product.apis.contains(&api.name) {
                let s = b.sections(env, product.policy.as_ref(), Scope::Product, parent);
                parents.push(((next.product + i) as u32, s));
            }
        }
        for (product, parent) in parents {
            let api_sections = b.sections(env, api.policy.as_ref(), Scope::Api, parent);
            for (oi, op) in api.operations.iter().enumerate() {
                let s = b.sections(env, op.policy.as_ref(), Scope::Operation, api_sections);
                let id = b.pipeline(s);
                if let Some(o) = b
                    .program
                    .apis
                    .get_mut(next.api)
                    .and_then(|a| a.operations.get_mut(oi))
                {
                    o.pipelines.push((product, id));
                }
            }
        }
        next.api += 1;
    }
    next.product += project.products.len();
}

impl Builder<'_> {
    /// Adds a pipeline; sections no scope wrote get the shared empty block.
    fn pipeline(&mut self, s: Sections) -> PipelineId {
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

    /// A scope's sections over `parent`: a section the document writes becomes a block
    /// (memoised); one it does not write, or a missing document, keeps the parent's.
    fn sections(
        &mut self,
        env: &ScopeEnv<'_>,
        doc: Option<&PolicyDoc>,
        scope: Scope,
        parent: Sections,
    ) -> Sections {
        let Some(doc) = doc else {
            return parent;
        };
        let root = doc
            .parsed
            .document
            .root_elements()
            .next()
            .filter(|r| &*r.name.text == "policies");
        let mut out = parent;
        for (i, name) in SECTIONS.iter().enumerate() {
            let Some(section) =
                root.and_then(|r| r.child_elements().find(|s| &*s.name.text == *name))
            else {
                continue;
            };
            let key = (doc as *const PolicyDoc as usize, i, parent[i]);
            if let Some(&memo) = self.memo.get(&key) {
                out[i] = memo;
                continue;
            }
            let file_id = self.file(&doc.file);
            let site = Site {
                file: &doc.file,
                file_id,
                scope,
                path: (*name).to_string(),
            };
            let ops = self.statements(env, &site, section, parent[i]);
            let id = match ops.as_slice() {
                // A section that only runs its parent's is the parent's block.
                [only] if parent[i].is_some_and(|p| only.kind == OpKind::Call(p)) => parent[i],
                [] => Some(self.empty_block()),
                _ => Some(self.block(ops)),
            };
            self.memo.insert(key, id);
            out[i] = id;
        }
        out
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
                _ if executed::is_executed(name) => ops::lower(self, env, &inner, e),
                _ => {
                    executed::report(self, site.file, e);
                    None
                }
            };
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
                    let Some(a) = child.attribute("condition") else {
                        continue;
                    };
                    let cond = self.condition(env, &inner, &a.value, a.span);
                    let ops = self.statements(env, &inner, child, base);
                    let block = self.block(ops);
                    if let Some(cond) = cond {
                        branches.push((cond, block));
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
                "nested-fragment",
                message,
                e.span,
                "nested include",
            );
            return None;
        }
        let id = self.literal_attr(env, site, e, "fragment-id")?;
        let Some(f) = env.fragments.get(id.as_str()).copied() else {
            let message = format!("fragment `{id}` is not declared");
            self.error(
                site.file,
                "unknown-fragment",
                message,
                e.span,
                "no such fragment",
            );
            return None;
        };
        let key = (f as *const _ as usize, env as *const _ as usize);
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
        };
        let ops = self.statements(env, &inner, root, None);
        let block = self.block(ops);
        self.fragment_blocks.insert(key, block);
        Some(OpKind::Call(block))
    }
}
