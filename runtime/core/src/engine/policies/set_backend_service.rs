//! `set-backend-service`: where the request goes.

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::super::Target;
use crate::program::{BackendKind, Op, Program, SetBackendService};

/// `set-backend-service`: `backend-id` names a declared backend (checked here too, as an
/// expression may compute it); `base-url` replaces the service URL.
pub(super) fn set_backend_service(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    s: &SetBackendService,
) -> Next {
    let (backend_id, base_url) = (&s.backend_id, &s.base_url);
    if let Some(id) = backend_id {
        let name = match x.arg_text(program, id) {
            Ok(n) => n,
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        };
        let Some(b) = program.backend_by_name(&name) else {
            let msg = format!("Backend with id '{name}' could not be found.");
            return Next::Error(x.error_at(program, op, "BackendNotFound", msg));
        };
        x.ctx.req.target = Some(Target::Backend(b));
        if let Some(be) = program.backends.get(b as usize) {
            if let (BackendKind::Single, Some(url)) = (&be.kind, be.url) {
                x.ctx.req.base = program
                    .strings
                    .get(url as usize)
                    .cloned()
                    .unwrap_or_default();
            }
        }
    } else if let Some(url) = base_url {
        let url = match x.arg_text(program, url) {
            Ok(u) => u,
            Err(f) => return Next::Error(x.fault_at(program, op, &f)),
        };
        x.ctx.req.target = Some(Target::Url(url.to_string()));
        x.ctx.req.base = url;
    }
    Next::Go
}
