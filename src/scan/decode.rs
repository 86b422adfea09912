//! Whether a file is text, and its text as UTF-8 for the matcher: UTF-8 (or any
//! ASCII-compatible encoding) as is; UTF-16 and UTF-32 in either byte order, announced by a
//! byte-order mark or recognised without one, decoded. A file is binary only when it is
//! text in none of these. Pure: bytes in, bytes out; line breaks are kept, so line numbers
//! count as in the file.

use std::borrow::Cow;

/// How many leading bytes decide whether a file without a NUL byte is text.
pub const PROBE: usize = 8 << 10;

/// The file's text as UTF-8, or None when it is binary.
pub fn as_text(data: &[u8]) -> Option<Cow<'_, [u8]>> {
    if let Some(rest) = data.strip_prefix(b"\xEF\xBB\xBF") {
        return Some(Cow::Borrowed(rest));
    }
    // UTF-32 marks first: FF FE 00 00 also starts like UTF-16LE's.
    let boms: [(&[u8], Encoding); 4] = [
        (b"\xFF\xFE\0\0", Encoding::Utf32Le),
        (b"\0\0\xFE\xFF", Encoding::Utf32Be),
        (b"\xFF\xFE", Encoding::Utf16Le),
        (b"\xFE\xFF", Encoding::Utf16Be),
    ];
    for (bom, enc) in boms {
        if let Some(rest) = data.strip_prefix(bom) {
            return Some(Cow::Owned(enc.decode(rest, true)?.into_bytes()));
        }
    }
    if !data[..data.len().min(PROBE)].contains(&0) {
        return Some(Cow::Borrowed(data));
    }
    // Without a mark, the decoding that reads as text with the most ASCII wins: UTF-16BE
    // ASCII read as UTF-16LE is valid but all CJK, and UTF-32 read as UTF-16 holds NULs.
    [
        Encoding::Utf32Le,
        Encoding::Utf32Be,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
    ]
    .into_iter()
    .filter_map(|enc| enc.decode(data, false))
    .filter(|t| looks_like_text(t))
    .max_by_key(|t| t.chars().take(PROBE).filter(char::is_ascii).count())
    .map(|t| Cow::Owned(t.into_bytes()))
}

#[derive(Clone, Copy)]
enum Encoding {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Encoding {
    /// Decodes `data`; with `lossy`, bad sequences become U+FFFD, else they fail.
    fn decode(self, data: &[u8], lossy: bool) -> Option<String> {
        let bad = |lossy: bool| lossy.then_some(char::REPLACEMENT_CHARACTER);
        match self {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                if !lossy && !data.len().is_multiple_of(2) {
                    return None;
                }
                let units = data.chunks_exact(2).map(|c| match self {
                    Encoding::Utf16Le => u16::from_le_bytes([c[0], c[1]]),
                    _ => u16::from_be_bytes([c[0], c[1]]),
                });
                char::decode_utf16(units)
                    .map(|c| c.ok().or_else(|| bad(lossy)))
                    .collect()
            }
            Encoding::Utf32Le | Encoding::Utf32Be => {
                if !lossy && !data.len().is_multiple_of(4) {
                    return None;
                }
                data.chunks_exact(4)
                    .map(|c| {
                        let b = [c[0], c[1], c[2], c[3]];
                        let u = match self {
                            Encoding::Utf32Le => u32::from_le_bytes(b),
                            _ => u32::from_be_bytes(b),
                        };
                        char::from_u32(u).or_else(|| bad(lossy))
                    })
                    .collect()
            }
        }
    }
}

/// Decoded text without a BOM counts only when it has no NUL, few control characters and
/// is mostly ASCII (configuration and source files are; a file in another script that
/// carries no byte-order mark is taken as binary).
fn looks_like_text(t: &str) -> bool {
    let probe = t.chars().take(PROBE);
    let (mut n, mut control, mut ascii) = (0usize, 0usize, 0usize);
    for c in probe {
        if c == '\0' {
            return false;
        }
        n += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            control += 1;
        } else if c.is_ascii() {
            ascii += 1;
        }
    }
    control * 32 <= n && ascii * 2 >= n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { b"\xFF\xFE" } else { b"\xFE\xFF" });
        }
        for u in s.encode_utf16() {
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    fn utf32(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if le { b"\xFF\xFE\0\0" } else { b"\0\0\xFE\xFF" });
        }
        for c in s.chars() {
            let u = c as u32;
            out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    }

    #[test]
    fn every_unicode_encoding_is_text() {
        let s = "A=1\nAPI_KEY=sk_live_ünïcode\n";
        for le in [true, false] {
            for bom in [true, false] {
                for data in [utf16(s, le, bom), utf32(s, le, bom)] {
                    let text = as_text(&data).unwrap_or_else(|| panic!("{data:?}"));
                    assert_eq!(std::str::from_utf8(&text).unwrap(), s);
                }
            }
        }
        assert_eq!(&*as_text(b"\xEF\xBB\xBFplain").unwrap(), b"plain");
        assert_eq!(&*as_text(b"plain").unwrap(), b"plain");
    }

    #[test]
    fn binaries_are_not_text() {
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
        elf.extend_from_slice(&[0, 0, 0, 0, 3, 0, 0x3e, 0, 1, 0, 0, 0]);
        assert!(as_text(&elf).is_none());
        assert!(as_text(&[0u8; 64]).is_none());
        assert!(as_text(&[1, 0, 2, 0, 3, 0, 4, 0]).is_none());
    }
}
