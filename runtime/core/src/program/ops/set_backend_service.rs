//! `set-backend-service`: a declared backend or a base URL.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_opt_arg, BundleError, ProgramReader};

/// `set-backend-service`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetBackendService {
    /// `backend-id` (a declared backend; literal ids are checked at build).
    pub backend_id: Option<Arg>,
    /// `base-url`.
    pub base_url: Option<Arg>,
}

impl OpData for SetBackendService {
    fn write(&self, w: &mut Vec<u8>) {
        put_opt_arg(w, self.backend_id);
        put_opt_arg(w, self.base_url);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(SetBackendService {
            backend_id: r.opt_arg("a backend id")?,
            base_url: r.opt_arg("a base URL")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name}{}{}",
            p.opt("backend-id", self.backend_id),
            p.opt("base-url", self.base_url)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        self.backend_id
            .iter()
            .chain(&self.base_url)
            .for_each(|a| v.arg(*a));
    }
}
