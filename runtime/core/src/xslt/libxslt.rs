//! libxslt by FFI (the `xslt` feature).
#![allow(unsafe_code)] // the one binding to libxslt: every `unsafe` block says why it is sound

use super::ffi;
use super::XsltLimits;

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt;
use std::ptr;
use std::sync::{Arc, Mutex, OnceLock};

/// Deepest template recursion a transform may reach.
const MAX_TEMPLATE_DEPTH: c_int = 1_000;

/// A compiled stylesheet (cheap to clone: shared). libxslt's stylesheets are used by one
/// transform at a time.
#[derive(Clone)]
pub struct Stylesheet(Arc<Mutex<Compiled>>);

impl fmt::Debug for Stylesheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stylesheet")
    }
}

/// The owned `xsltStylesheetPtr`.
struct Compiled(*mut ffi::XsltStylesheet);

// SAFETY: the stylesheet is only touched under its mutex, and libxml2 is initialised for
// threads (`xmlInitParser`) before any use.
unsafe impl Send for Compiled {}

impl Drop for Compiled {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `xsltParseStylesheetDoc` and is freed once.
        unsafe { ffi::xsltFreeStylesheet(self.0) }
    }
}

thread_local! {
    /// Messages the libraries reported during the current call on this thread.
    static MESSAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Keeps the first messages libxml2 and libxslt report, formatted as far as the first four
/// integer-class arguments allow (see [`ffi::GenericError`]).
unsafe extern "C" fn collect(
    _ctx: *mut c_void,
    msg: *const c_char,
    a: usize,
    b: usize,
    c: usize,
    d: usize,
) {
    if msg.is_null() {
        return;
    }
    // SAFETY: the libraries pass a NUL-terminated format string.
    let format = unsafe { CStr::from_ptr(msg) }.to_string_lossy();
    let args = if cfg!(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )) {
        [a, b, c, d]
    } else {
        [0; 4]
    };
    // SAFETY: `%s` arguments are C strings the library passed (null checked).
    let text = unsafe { printf(&format, args) };
    let text = text.trim().trim_end_matches(['\n', ':']).trim();
    MESSAGES.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() < 8 && !text.is_empty() {
            m.push(text.to_string());
        }
    });
}

/// `format` with its first `%s`/`%d` directives filled from `args` (a zero argument, or
/// any directive past them, is left out).
///
/// # Safety
/// Every non-zero argument a `%s` reads must be a NUL-terminated string.
unsafe fn printf(format: &str, args: [usize; 4]) -> String {
    let mut out = String::new();
    let mut next = args.iter().copied();
    let mut chars = format.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        while chars
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || *c == 'l' || *c == '.')
        {
            chars.next();
        }
        match (chars.next(), next.next()) {
            (Some('%'), _) => out.push('%'),
            (Some('s'), Some(p)) if p != 0 => {
                // SAFETY: the caller's promise.
                out.push_str(&unsafe { CStr::from_ptr(p as *const c_char) }.to_string_lossy());
            }
            (Some('d' | 'i'), Some(v)) => out.push_str(&(v as i32).to_string()),
            (Some('u'), Some(v)) => out.push_str(&(v as u32).to_string()),
            _ => break,
        }
    }
    out
}

/// The forbid-everything security preferences (file and network access), made once.
fn prefs() -> *mut ffi::XsltSecurityPrefs {
    static PREFS: OnceLock<usize> = OnceLock::new();
    *PREFS.get_or_init(|| {
        // SAFETY: initialisation calls of the libraries, once, before any other use.
        unsafe {
            ffi::xmlInitParser();
            ffi::xsltSetGenericErrorFunc(ptr::null_mut(), Some(collect));
            ffi::xsltMaxDepth = MAX_TEMPLATE_DEPTH;
            let p = ffi::xsltNewSecurityPrefs();
            for option in ffi::SECPREF_ALL {
                ffi::xsltSetSecurityPrefs(p, option, Some(ffi::xsltSecurityForbid));
            }
            ffi::xsltSetDefaultSecurityPrefs(p);
            p as usize
        }
    }) as *mut ffi::XsltSecurityPrefs
}

/// Runs `f` with this thread's messages collected; the error text is `what` and them.
fn reporting<T>(what: &str, f: impl FnOnce() -> Option<T>) -> Result<T, String> {
    prefs();
    MESSAGES.with(|m| m.borrow_mut().clear());
    // SAFETY: sets this thread's libxml2 error handler.
    unsafe { ffi::xmlSetGenericErrorFunc(ptr::null_mut(), Some(collect)) };
    let out = f();
    let messages = MESSAGES.with(|m| std::mem::take(&mut *m.borrow_mut()));
    out.ok_or_else(|| match messages.is_empty() {
        true => what.to_string(),
        false => format!("{what}: {}", messages.join("; ")),
    })
}

/// Refuses a document type declaration (the only way to declare entities).
fn refuse_doctype(text: &[u8], what: &str) -> Result<(), String> {
    let found = text
        .windows(9)
        .any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"));
    match found {
        true => Err(format!(
            "{what} holds a document type declaration (`<!DOCTYPE`): DTDs and entities are refused"
        )),
        false => Ok(()),
    }
}

/// Parses XML without DTD loading, entity substitution or network access.
fn parse(text: &[u8], url: &CStr) -> Option<*mut ffi::XmlDoc> {
    let len = c_int::try_from(text.len()).ok()?;
    // SAFETY: the buffer is valid for `len` bytes; the result is null or an owned document.
    let doc = unsafe {
        ffi::xmlReadMemory(
            text.as_ptr().cast(),
            len,
            url.as_ptr(),
            ptr::null(),
            ffi::PARSE_OPTIONS,
        )
    };
    (!doc.is_null()).then_some(doc)
}

/// Compiles an XSLT 1.0 stylesheet (the `xsl:stylesheet` element as written, with its
/// namespace declarations).
pub fn compile(source: &str) -> Result<Stylesheet, String> {
    refuse_doctype(source.as_bytes(), "the stylesheet")?;
    let style = reporting("the stylesheet does not compile", || {
        let doc = parse(source.as_bytes(), c"stylesheet")?;
        // SAFETY: on success the stylesheet owns `doc`; on failure it is ours to free.
        let style = unsafe { ffi::xsltParseStylesheetDoc(doc) };
        if style.is_null() {
            unsafe { ffi::xmlFreeDoc(doc) };
            return None;
        }
        Some(style)
    })?;
    Ok(Stylesheet(Arc::new(Mutex::new(Compiled(style)))))
}

/// Frees what a transform allocated, whatever path it leaves by.
struct Transform {
    doc: *mut ffi::XmlDoc,
    ctxt: *mut ffi::XsltTransformContext,
    result: *mut ffi::XmlDoc,
}

impl Drop for Transform {
    fn drop(&mut self) {
        // SAFETY: each pointer is null or owned here, and freed once.
        unsafe {
            if !self.result.is_null() {
                ffi::xmlFreeDoc(self.result);
            }
            if !self.ctxt.is_null() {
                ffi::xsltFreeTransformContext(self.ctxt);
            }
            if !self.doc.is_null() {
                ffi::xmlFreeDoc(self.doc);
            }
        }
    }
}

impl Stylesheet {
    /// Transforms `input` with string `params` (name, value): the serialised result as
    /// `xsl:output` says, or why it failed.
    pub fn transform(
        &self,
        input: &[u8],
        params: &[(String, String)],
        limits: XsltLimits,
    ) -> Result<Vec<u8>, String> {
        if input.len() > limits.max_input {
            return Err(format!(
                "the body of {} bytes is larger than the XSLT input limit of {} bytes",
                input.len(),
                limits.max_input
            ));
        }
        refuse_doctype(input, "the body")?;
        let mut strings = Vec::with_capacity(params.len() * 2);
        for (k, v) in params {
            let k = CString::new(k.as_str()).map_err(|_| "a parameter name holds NUL")?;
            let v = CString::new(v.as_str()).map_err(|_| "a parameter value holds NUL")?;
            strings.push(k);
            strings.push(v);
        }
        let mut ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
        ptrs.push(ptr::null());
        let style = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let doc = reporting("the body is not well-formed XML", || parse(input, c"body"))?;
        let mut t = Transform {
            doc,
            ctxt: ptr::null_mut(),
            result: ptr::null_mut(),
        };
        let out = reporting("the transform failed", || {
            // SAFETY: the stylesheet is locked; `t` owns and frees the rest; the parameter
            // array is NULL-terminated and outlives the calls.
            unsafe {
                t.ctxt = ffi::xsltNewTransformContext(style.0, t.doc);
                if t.ctxt.is_null() {
                    return None;
                }
                ffi::xsltSetCtxtSecurityPrefs(prefs(), t.ctxt);
                if ffi::xsltQuoteUserParams(t.ctxt, ptrs.as_ptr()) != 0 {
                    return None;
                }
                let (doc, no_params, no_output) = (t.doc, ptr::null(), ptr::null());
                t.result = ffi::xsltApplyStylesheetUser(
                    style.0,
                    doc,
                    no_params,
                    no_output,
                    ptr::null_mut(),
                    t.ctxt,
                );
                if t.result.is_null() {
                    return None;
                }
                let (mut buf, mut len): (*mut u8, c_int) = (ptr::null_mut(), 0);
                if ffi::xsltSaveResultToString(&mut buf, &mut len, t.result, style.0) != 0 {
                    return None;
                }
                let bytes = match buf.is_null() {
                    true => Vec::new(),
                    false => {
                        std::slice::from_raw_parts(buf, usize::try_from(len).unwrap_or(0)).to_vec()
                    }
                };
                if let (false, Some(free)) = (buf.is_null(), ffi::xmlFree) {
                    free(buf.cast());
                }
                Some(bytes)
            }
        })?;
        if out.len() > limits.max_output {
            return Err(format!(
                "the result of {} bytes is larger than the limit of {} bytes",
                out.len(),
                limits.max_output
            ));
        }
        Ok(out)
    }
}
