//! Bounded parsing of the bodies `validate-content` checks: UTF-8 first, nesting counted
//! before anything is built, XML without document type declarations (so no entity can
//! expand) and only the predefined entities. Errors say where (line and position).

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// `Line: L, Position: P.` of byte `at` of `text` (1-based, position in characters).
fn located(text: &[u8], at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    format!("Line: {line}, Position: {column}.")
}

/// The body as text: without a UTF-8 byte order mark, and refused when not UTF-8.
fn utf8(body: &[u8]) -> Result<&str, String> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        format!("The body is not valid UTF-8. {}", located(body, at))
    })
}

/// A JSON body, parsed when its arrays and objects nest at most `max_depth` deep.
pub(super) fn json(body: &[u8], max_depth: usize) -> Result<serde_json::Value, String> {
    let text = utf8(body)?;
    if let Some(at) = too_deep(text.as_bytes(), max_depth) {
        return Err(format!(
            "The JSON nests deeper than {max_depth} levels. {}",
            located(text.as_bytes(), at)
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        format!("{message}. Line: {}, Position: {}.", e.line(), e.column())
    })
}

/// The offset where JSON `text` first nests deeper than `max`, if it does.
fn too_deep(text: &[u8], max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in text.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// SOAP envelope namespaces: 1.1 (`text/xml`) and 1.2 (`application/soap+xml`).
const SOAP_11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP_12: &str = "http://www.w3.org/2003/05/soap-envelope";

/// A well-formed XML document (one root element, elements nested at most `max_depth`
/// deep, no DTD, only predefined and character entities). With `soap` (the content
/// type), the root must also be the SOAP envelope of that version.
pub(super) fn xml(
    body: &[u8],
    max_depth: usize,
    soap: Option<&str>,
) -> Result<(), (&'static str, String)> {
    let incorrect = |m: String| ("IncorrectMessage", m);
    let text = utf8(body).map_err(incorrect)?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let pos = reader.error_position() as usize;
            incorrect(format!("{e}. {}", located(text.as_bytes(), pos)))
        })?;
        let fail = |m: &str| Err(incorrect(format!("{m} {}", located(text.as_bytes(), at))));
        match event {
            Event::DocType(_) => {
                return fail("Document type declarations (DTDs) are not allowed.");
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth == 0 {
                    roots += 1;
                    if roots > 1 {
                        return fail("The document has more than one root element.");
                    }
                    if let Some(m) = soap.and_then(|ct| soap_envelope(e, ct).err()) {
                        return fail(&m);
                    }
                }
                if let Some(m) = bad_attributes(e) {
                    return fail(m);
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    if depth > max_depth {
                        return fail(&format!("The XML nests deeper than {max_depth} elements."));
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t)
                if depth == 0 && !t.xml_content(XmlVersion::Implicit1_0).trim().is_empty() =>
            {
                return fail("Text is not allowed outside the root element.");
            }
            Event::GeneralRef(r) => {
                let known = matches!(&*r, "lt" | "gt" | "amp" | "apos" | "quot");
                if !(known || (r.is_char_ref() && matches!(r.resolve_char_ref(), Ok(Some(_))))) {
                    return fail(&format!("The entity '{}' is not defined.", &*r));
                }
                if depth == 0 {
                    return fail("Text is not allowed outside the root element.");
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if roots == 0 {
        return Err(incorrect("The document has no root element.".to_string()));
    }
    if depth != 0 {
        return Err(incorrect(format!(
            "The document ends inside an element. {}",
            located(text.as_bytes(), text.len())
        )));
    }
    Ok(())
}

/// What is wrong with an element's attributes (malformed, or an undefined entity).
fn bad_attributes(e: &quick_xml::events::BytesStart<'_>) -> Option<&'static str> {
    for a in e.attributes().with_checks(true) {
        let Ok(a) = a else {
            return Some("An attribute is malformed.");
        };
        if a.normalized_value(XmlVersion::Implicit1_0).is_err() {
            return Some("An attribute refers to an undefined entity.");
        }
    }
    None
}

/// Checks that `root` is `Envelope` in the namespace of the content type's SOAP version.
fn soap_envelope(
    root: &quick_xml::events::BytesStart<'_>,
    content_type: &str,
) -> Result<(), String> {
    let ns = if content_type.eq_ignore_ascii_case("application/soap+xml") {
        SOAP_12
    } else {
        SOAP_11
    };
    let name = root.name();
    let name: &str = name.as_ref();
    let (prefix, local) = name.split_once(':').map_or(("", name), |(p, l)| (p, l));
    let xmlns = if prefix.is_empty() {
        "xmlns".to_string()
    } else {
        format!("xmlns:{prefix}")
    };
    let declared = root.attributes().flatten().find(|a| {
        let k: &str = a.key.as_ref();
        k == xmlns
    });
    let uri = declared.and_then(|a| {
        a.normalized_value(XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    });
    if local != "Envelope" || uri.as_deref() != Some(ns) {
        return Err(format!(
            "The root element is not a SOAP envelope ({{{ns}}}Envelope)."
        ));
    }
    Ok(())
}
