//! `authentication-certificate`: the operator certificate the backend request presents,
//! named by `certificate-id` or `thumbprint` (also a child of `send-request`).

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_flags, BundleError, ProgramReader};

/// `authentication-certificate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthenticationCertificate {
    /// `true`: `key` is a `thumbprint`; `false`: a `certificate-id`.
    pub by_thumbprint: bool,
    /// The certificate id or thumbprint.
    pub key: Arg,
}

impl OpData for AuthenticationCertificate {
    fn write(&self, w: &mut Vec<u8>) {
        put_flags(w, &[self.by_thumbprint]);
        put_arg(w, self.key);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let [by_thumbprint] = r.flags::<1>("authentication-certificate flags")?;
        Ok(AuthenticationCertificate {
            by_thumbprint,
            key: r.arg("a certificate id or thumbprint")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let what = if self.by_thumbprint {
            "thumbprint"
        } else {
            "certificate-id"
        };
        format!("{name} {what}={}", p.arg(self.key))
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.key);
    }
}
