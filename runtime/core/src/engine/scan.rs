//! Which pipelines read a body: decided once per program by scanning the code of every
//! block a pipeline reaches, so bodies are buffered only when a policy may read them.

use crate::bytecode::Instr;
use crate::library::name_id;
use crate::program::Program;
use crate::program::{BlockId, CodeId, ForwardAttr, OpKind};
use crate::value::{HostObj, Msg};

/// The bodies a pipeline may read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BodyNeeds {
    /// Some expression may read the request body.
    pub request: bool,
    /// Some expression may read the response body.
    pub response: bool,
    /// `forward-request` may move the request headers into the backend call instead of
    /// copying them: it runs at most once and nothing reads them after it.
    pub move_headers: bool,
}

/// The body needs of each pipeline of `program`.
pub(crate) fn pipeline_needs(program: &Program) -> Vec<BodyNeeds> {
    let per_code: Vec<BodyNeeds> = program
        .codes
        .iter()
        .map(|c| code_needs(&c.code.instrs))
        .collect();
    program
        .pipelines
        .iter()
        .map(|p| {
            let mut seen = vec![false; program.blocks.len()];
            let mut needs = BodyNeeds::default();
            for b in p.sections {
                block_needs(program, &per_code, b, &mut seen, &mut needs);
            }
            for (s, b) in p.sections.into_iter().enumerate() {
                if rewrites_body(program, b) {
                    needs.request |= s < 2;
                    needs.response |= s >= 2;
                }
            }
            needs.move_headers = headers_movable(program, &p.sections[1..]);
            // A `forward-request` that may run again (inside `retry`) or asks for it
            // (`buffer-request-body`) sends the request body more than once: keep it.
            needs.request |= p
                .sections
                .into_iter()
                .any(|b| resends_body(program, b, false));
            needs
        })
        .collect()
}

/// Whether `instrs` may read a body: a folded `context.X.Body`, or a dynamic `.Body`
/// navigation (which could be either message).
fn code_needs(instrs: &[Instr]) -> BodyNeeds {
    let body = name_id("Body");
    let mut n = BodyNeeds::default();
    for (i, ins) in instrs.iter().enumerate() {
        match ins {
            Instr::Host(HostObj::Body(Msg::Request)) => n.request = true,
            Instr::Host(HostObj::Body(Msg::Response)) => n.response = true,
            Instr::Get(id) if Some(*id) == body => {
                match i.checked_sub(1).and_then(|j| instrs.get(j)) {
                    Some(Instr::Host(HostObj::Message(Msg::Request))) => n.request = true,
                    Some(Instr::Host(HostObj::Message(Msg::Response))) => n.response = true,
                    // `((IResponse)x).Body`: a stored response, or `context.Response`.
                    Some(
                        Instr::Unbox(crate::bytecode::TypeId::Response)
                        | Instr::Cast(crate::bytecode::TypeId::Response)
                        | Instr::CastChecked(crate::bytecode::TypeId::Response),
                    ) => n.response = true,
                    _ => {
                        n.request = true;
                        n.response = true;
                    }
                }
            }
            _ => {}
        }
    }
    n
}

/// Whether `instrs` may read the request's headers: directly, through `context` or
/// `context.Request`, or through a variable (which may hold them).
fn reads_request_headers(instrs: &[Instr]) -> bool {
    let touches = |o: &HostObj| {
        matches!(
            o,
            HostObj::Context
                | HostObj::Message(Msg::Request)
                | HostObj::Headers(Msg::Request)
                | HostObj::Variables
        )
    };
    instrs.iter().any(|ins| match ins {
        Instr::Context => true,
        Instr::Host(o) | Instr::Lookup(o, ..) | Instr::LookupEq(o, ..) | Instr::LookupNe(o, ..) => {
            touches(o)
        }
        _ => false,
    })
}

/// Whether the blocks from `sections` (backend, outbound, on-error) forward at most once
/// and never read the request headers. Walks every call (a shared block counts each time
/// it is reached), giving up (`false`) past a fixed number of visits.
fn headers_movable(program: &Program, sections: &[BlockId]) -> bool {
    let mut budget = 4096u32;
    let mut forwards = 0u32;
    let mut todo: Vec<BlockId> = sections.to_vec();
    while let Some(b) = todo.pop() {
        budget = match budget.checked_sub(1) {
            Some(n) => n,
            None => return false,
        };
        let Some(block) = program.blocks.get(b as usize) else {
            continue;
        };
        for op in &block.ops {
            match &op.kind {
                OpKind::ForwardRequest(_) => forwards += 1,
                // What a `retry` runs may run again.
                OpKind::Retry(_) => return false,
                // The conversions read the request's `Accept` after forwarding.
                OpKind::JsonToXml(_) | OpKind::XmlToJson(_) => return false,
                _ => {}
            }
            let mut reads = false;
            let mut code = |c: CodeId| {
                reads |= program
                    .codes
                    .get(c as usize)
                    .is_none_or(|e| reads_request_headers(&e.code.instrs));
            };
            op.kind.codes(&mut code);
            op.kind.blocks(&mut |b| todo.push(b));
            if reads || forwards > 1 {
                return false;
            }
        }
    }
    true
}

fn block_needs(
    program: &Program,
    per_code: &[BodyNeeds],
    block: BlockId,
    seen: &mut [bool],
    needs: &mut BodyNeeds,
) {
    match seen.get_mut(block as usize) {
        Some(s) if !*s => *s = true,
        _ => return,
    }
    let Some(b) = program.blocks.get(block as usize) else {
        return;
    };
    let mut code = |c: CodeId| {
        if let Some(n) = per_code.get(c as usize) {
            needs.request |= n.request;
            needs.response |= n.response;
        }
    };
    let mut blocks = Vec::new();
    let mut copies = false;
    for op in &b.ops {
        // `send-request mode="copy"` (or a mode computed per request) sends the request body.
        if let OpKind::SendRequest(s) | OpKind::SendOneWayRequest(s) = &op.kind {
            copies |= s.mode.is_some_and(|m| match m {
                crate::program::Arg::Lit(s) => !program.str(s).eq_ignore_ascii_case("new"),
                crate::program::Arg::Expr(_) => true,
            });
        }
        copies |= super::tokens::reads_request(&op.kind);
        copies |= super::policies::reads_prompt(&op.kind);
        op.kind.codes(&mut code);
        op.kind.blocks(&mut |b| blocks.push(b));
    }
    needs.request |= copies;
    for b in blocks {
        block_needs(program, per_code, b, seen, needs);
    }
}

/// Whether an operation rewrites (or stores: `cache-store`) its section's message body,
/// and so needs it buffered.
fn rewrites_message_body(kind: &OpKind) -> bool {
    // The validation policies only read the body, but need it whole, as a rewrite does.
    matches!(
        kind,
        OpKind::FindAndReplace(_)
            | OpKind::CacheStore(_)
            | OpKind::ValidateContent(_)
            | OpKind::ValidateGraphqlRequest(_)
            | OpKind::XslTransform(_)
            | OpKind::LlmSemanticCacheStore(_)
            | OpKind::AzureOpenAiSemanticCacheStore(_)
            | OpKind::JsonToXml(_)
            | OpKind::XmlToJson(_)
    ) || matches!(kind, OpKind::SetBody(s) if s.liquid.is_some())
}

/// Whether some operation reachable from `block` rewrites its section's message body.
fn rewrites_body(program: &Program, block: BlockId) -> bool {
    let mut seen = vec![false; program.blocks.len()];
    let mut todo = vec![block];
    while let Some(b) = todo.pop() {
        match seen.get_mut(b as usize) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        for op in program.blocks.get(b as usize).map_or(&[][..], |b| &b.ops) {
            if rewrites_message_body(&op.kind) {
                return true;
            }
            op.kind.blocks(&mut |b| todo.push(b));
        }
    }
    false
}

/// Whether a `forward-request` reachable from `block` may send the request body more than
/// once: inside a `retry` (`repeated`), or with `buffer-request-body`. Each block is walked
/// at most twice (once inside a `retry`, once outside).
fn resends_body(program: &Program, block: BlockId, repeated: bool) -> bool {
    let mut seen = vec![[false; 2]; program.blocks.len()];
    let mut todo = vec![(block, repeated)];
    while let Some((b, repeated)) = todo.pop() {
        match seen
            .get_mut(b as usize)
            .map(|s| &mut s[usize::from(repeated)])
        {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        for op in program.blocks.get(b as usize).map_or(&[][..], |b| &b.ops) {
            match &op.kind {
                OpKind::ForwardRequest(f)
                    if repeated
                        || f.buffer_request_body
                        || f.exprs
                            .iter()
                            .any(|(a, _)| *a == ForwardAttr::BufferRequestBody) =>
                {
                    return true
                }
                OpKind::Retry(r) => todo.push((r.body, true)),
                k => k.blocks(&mut |b| todo.push((b, repeated))),
            }
        }
    }
    false
}
