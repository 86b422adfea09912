//! The forms a value can take in text: itself, base64 (both alphabets, at any alignment),
//! percent-encoded and JSON-escaped. The one list both the leak scan (`crate::scan`) and
//! the redactor look for. Pure.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde::Serialize;
use zeroize::Zeroizing;

/// How a value appeared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// As is.
    Raw,
    /// Base64 (standard or URL-safe alphabet).
    Base64,
    /// Percent-encoded.
    UrlEncoded,
    /// Escaped as in a JSON string.
    JsonEscaped,
}

/// The forms of `value` to look for: itself, base64 at three alignments in both
/// alphabets, percent-encoded and JSON-escaped (the encoded ones only when they differ).
pub(crate) fn forms(value: &str) -> Vec<(Zeroizing<String>, Form)> {
    let mut out = vec![(Zeroizing::new(value.to_string()), Form::Raw)];
    let bytes = value.as_bytes();
    out.push((Zeroizing::new(STANDARD.encode(bytes)), Form::Base64));
    for k in 0..3usize {
        let mut prefixed = Zeroizing::new(vec![0u8; k]);
        prefixed.extend_from_slice(bytes);
        let skip = [0, 2, 3][k];
        let cut_end = usize::from(!(k + bytes.len()).is_multiple_of(3));
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let enc = Zeroizing::new(engine.encode(&prefixed[..]));
            if enc.len() > skip + cut_end {
                let core = &enc[skip..enc.len() - cut_end];
                out.push((Zeroizing::new(core.to_string()), Form::Base64));
            }
        }
    }
    let mut url = Zeroizing::new(String::new());
    for b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                url.push(*b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    if url.as_str() != value {
        out.push((Zeroizing::new(lowercase_hex(&url)), Form::UrlEncoded));
        out.push((url, Form::UrlEncoded));
    }
    if let Ok(json) = serde_json::to_string(value) {
        let json = Zeroizing::new(json);
        let inner = &json[1..json.len() - 1];
        if inner != value {
            out.push((Zeroizing::new(inner.to_string()), Form::JsonEscaped));
        }
    }
    out
}

/// `%2F` -> `%2f`: both spellings are valid percent-encoding.
fn lowercase_hex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = 0;
    for c in s.chars() {
        if c == '%' {
            rest = 2;
            out.push(c);
        } else if rest > 0 {
            rest -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
