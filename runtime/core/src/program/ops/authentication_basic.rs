//! `authentication-basic`: the user name and password of the backend request's
//! `Authorization: Basic` header.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, BundleError, ProgramReader};

/// `authentication-basic`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthenticationBasic {
    /// `username`.
    pub username: Arg,
    /// `password` (usually a secret named value, completed at load).
    pub password: Arg,
}

impl OpData for AuthenticationBasic {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.username);
        put_arg(w, self.password);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(AuthenticationBasic {
            username: r.arg("a user name")?,
            password: r.arg("a password")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} username={} password={}",
            p.arg(self.username),
            p.arg(self.password)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.username);
        v.arg(self.password);
    }
}
