//! The few libxml2 and libxslt functions `xsl-transform` calls (a thin binding, no
//! generated bindings): parse, compile, transform with quoted parameters, serialise, and
//! the security preferences forbidding file and network access.
#![allow(unsafe_code)] // the C library's declarations (audited with `libxslt.rs`)

use std::ffi::{c_char, c_int, c_void};

/// `xmlDoc` (opaque).
#[repr(C)]
pub(super) struct XmlDoc {
    _private: [u8; 0],
}

/// `xsltStylesheet` (opaque).
#[repr(C)]
pub(super) struct XsltStylesheet {
    _private: [u8; 0],
}

/// `xsltTransformContext` (opaque).
#[repr(C)]
pub(super) struct XsltTransformContext {
    _private: [u8; 0],
}

/// `xsltSecurityPrefs` (opaque).
#[repr(C)]
pub(super) struct XsltSecurityPrefs {
    _private: [u8; 0],
}

/// `xsltSecurityCheck`.
pub(super) type SecurityCheck =
    unsafe extern "C" fn(*mut XsltSecurityPrefs, *mut XsltTransformContext, *const c_char) -> c_int;

/// The error handler type both libraries take: `(ctx, format, ...)`. The handler given
/// declares the first four variadic integer arguments as plain ones: on x86-64 System V
/// (and AArch64 Linux) both reach the callee in the same registers, so it can format
/// `%s`/`%d` of the first four; elsewhere it reads only the format.
pub(super) type GenericError =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, usize, usize, usize);

/// `XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NONET` (no `NOENT`, no `DTDLOAD`:
/// entities are never substituted and no external subset is loaded).
pub(super) const PARSE_OPTIONS: c_int = (1 << 5) | (1 << 6) | (1 << 11);

/// `XSLT_SECPREF_READ_FILE` … `XSLT_SECPREF_WRITE_NETWORK`.
pub(super) const SECPREF_ALL: [c_int; 5] = [1, 2, 3, 4, 5];

#[link(name = "xml2")]
unsafe extern "C" {
    pub(super) fn xmlInitParser();
    pub(super) fn xmlReadMemory(
        buffer: *const c_char,
        size: c_int,
        url: *const c_char,
        encoding: *const c_char,
        options: c_int,
    ) -> *mut XmlDoc;
    pub(super) fn xmlFreeDoc(doc: *mut XmlDoc);
    pub(super) fn xmlSetGenericErrorFunc(ctx: *mut c_void, handler: Option<GenericError>);
    pub(super) static xmlFree: Option<unsafe extern "C" fn(*mut c_void)>;
}

#[link(name = "xslt")]
unsafe extern "C" {
    pub(super) fn xsltParseStylesheetDoc(doc: *mut XmlDoc) -> *mut XsltStylesheet;
    pub(super) fn xsltFreeStylesheet(style: *mut XsltStylesheet);
    pub(super) fn xsltNewTransformContext(
        style: *mut XsltStylesheet,
        doc: *mut XmlDoc,
    ) -> *mut XsltTransformContext;
    pub(super) fn xsltFreeTransformContext(ctxt: *mut XsltTransformContext);
    pub(super) fn xsltQuoteUserParams(
        ctxt: *mut XsltTransformContext,
        params: *const *const c_char,
    ) -> c_int;
    pub(super) fn xsltApplyStylesheetUser(
        style: *mut XsltStylesheet,
        doc: *mut XmlDoc,
        params: *const *const c_char,
        output: *const c_char,
        profile: *mut c_void,
        user: *mut XsltTransformContext,
    ) -> *mut XmlDoc;
    pub(super) fn xsltSaveResultToString(
        out: *mut *mut u8,
        len: *mut c_int,
        result: *mut XmlDoc,
        style: *mut XsltStylesheet,
    ) -> c_int;
    pub(super) fn xsltNewSecurityPrefs() -> *mut XsltSecurityPrefs;
    pub(super) fn xsltSetSecurityPrefs(
        sec: *mut XsltSecurityPrefs,
        option: c_int,
        check: Option<SecurityCheck>,
    ) -> c_int;
    pub(super) fn xsltSetDefaultSecurityPrefs(sec: *mut XsltSecurityPrefs);
    pub(super) fn xsltSetCtxtSecurityPrefs(
        sec: *mut XsltSecurityPrefs,
        ctxt: *mut XsltTransformContext,
    ) -> c_int;
    pub(super) fn xsltSecurityForbid(
        sec: *mut XsltSecurityPrefs,
        ctxt: *mut XsltTransformContext,
        value: *const c_char,
    ) -> c_int;
    pub(super) fn xsltSetGenericErrorFunc(ctx: *mut c_void, handler: Option<GenericError>);
    pub(super) static mut xsltMaxDepth: c_int;
}
