//! Random values for `set --generate` and `rotate --generate`: a length and a charset
//! (`alnum`, `base64`, `hex`, `words`, `custom:CHARS`), drawn uniformly from the OS random
//! number generator by rejection sampling. Pure apart from that generator; a spec under 16
//! characters or 64 bits is refused unless the caller allows weak values.

use crate::error::{Error, Result};
use crate::secret::SecretValue;
use zeroize::Zeroizing;

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX: &str = "0123456789abcdef";
/// 778 short, common English words (about 9.6 bits each), one per line.
const WORDS: &str = include_str!("generate/words.txt");
/// The most characters (or words) one value may have.
const MAX_LEN: usize = 4096;
/// Below this many characters a value is weak.
pub const MIN_CHARS: usize = 16;
/// Below this many bits a value is weak.
pub const MIN_BITS: f64 = 64.0;

/// What a generated value is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Charset {
    /// Letters and digits (62 symbols).
    Alnum,
    /// The base64 alphabet (64 symbols, `+` and `/` included).
    Base64,
    /// Lowercase hexadecimal digits.
    Hex,
    /// Words joined by `-`; the length counts words.
    Words,
    /// The given distinct characters.
    Custom(Vec<char>),
}

impl Charset {
    /// Parses `alnum`, `base64`, `hex`, `words` or `custom:CHARS`.
    pub fn parse(s: &str) -> Result<Charset> {
        match s {
            "alnum" => Ok(Charset::Alnum),
            "base64" => Ok(Charset::Base64),
            "hex" => Ok(Charset::Hex),
            "words" => Ok(Charset::Words),
            _ => match s.strip_prefix("custom:") {
                Some(chars) => custom(chars),
                None => Err(Error::invalid(
                    format!("unknown charset `{}`", s.escape_debug()),
                    "use alnum, base64, hex, words or custom:CHARS (e.g. custom:abc123)",
                )),
            },
        }
    }

    fn symbols(&self) -> Vec<&str> {
        match self {
            Charset::Alnum => split(ALNUM),
            Charset::Base64 => split(BASE64),
            Charset::Hex => split(HEX),
            Charset::Words => WORDS.lines().filter(|w| !w.is_empty()).collect(),
            Charset::Custom(_) => Vec::new(),
        }
    }
}

fn split(s: &str) -> Vec<&str> {
    (0..s.len()).map(|i| &s[i..i + 1]).collect()
}

fn custom(chars: &str) -> Result<Charset> {
    let mut set: Vec<char> = Vec::new();
    for c in chars.chars() {
        if c.is_control() {
            return Err(Error::invalid(
                "a custom charset with a control character",
                "use printable characters only",
            ));
        }
        if !set.contains(&c) {
            set.push(c);
        }
    }
    if set.len() < 2 {
        return Err(Error::invalid(
            format!(
                "custom charset `{}` has fewer than 2 distinct characters",
                chars.escape_debug()
            ),
            "give at least 2 characters after `custom:` (e.g. custom:abcdef0123)",
        ));
    }
    Ok(Charset::Custom(set))
}

/// A generator spec: a charset and a length (characters, or words for [`Charset::Words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generator {
    /// What the value is made of.
    pub charset: Charset,
    /// How many symbols.
    pub len: usize,
}

impl Generator {
    /// A spec of `len` symbols, or by default 32 characters or 8 words.
    pub fn new(charset: Charset, len: Option<usize>) -> Generator {
        let default = if charset == Charset::Words { 8 } else { 32 };
        Generator {
            len: len.unwrap_or(default),
            charset,
        }
    }

    fn alphabet(&self) -> usize {
        match &self.charset {
            Charset::Custom(set) => set.len(),
            other => other.symbols().len(),
        }
    }

    /// The value's strength in bits.
    pub fn bits(&self) -> f64 {
        self.len as f64 * (self.alphabet() as f64).log2()
    }

    /// Refuses an empty or huge length always, and unless `allow_weak` a value under
    /// [`MIN_CHARS`] characters or [`MIN_BITS`] bits.
    pub fn check(&self, allow_weak: bool) -> Result<()> {
        if !(1..=MAX_LEN).contains(&self.len) {
            return Err(Error::invalid(
                format!("a generated length of {}", self.len),
                format!("choose 1 to {MAX_LEN}"),
            ));
        }
        let chars = match self.charset {
            Charset::Words => usize::MAX,
            _ => self.len,
        };
        if !allow_weak && (chars < MIN_CHARS || self.bits() < MIN_BITS) {
            return Err(Error::invalid(
                format!(
                    "a generated value of {} {} has about {:.0} bits",
                    self.len,
                    if chars == usize::MAX {
                        "words"
                    } else {
                        "characters"
                    },
                    self.bits()
                ),
                format!(
                    "that is weak: use at least {MIN_CHARS} characters and {MIN_BITS:.0} bits (e.g. --generate 32), or pass --allow-weak if the service demands it"
                ),
            ));
        }
        Ok(())
    }

    /// A fresh random value of this spec (call [`Self::check`] first).
    pub fn generate(&self) -> crate::Result<SecretValue> {
        let n = self.alphabet() as u32;
        let mut out = Zeroizing::new(String::new());
        for i in 0..self.len {
            let pick = uniform(n)? as usize;
            match &self.charset {
                Charset::Custom(set) => out.push(set[pick]),
                Charset::Words => {
                    if i > 0 {
                        out.push('-');
                    }
                    out.push_str(self.charset.symbols()[pick]);
                }
                other => out.push_str(other.symbols()[pick]),
            }
        }
        Ok(SecretValue::new(std::mem::take(&mut *out)))
    }
}

/// A uniform number below `n` (n >= 1): rejection sampling over random u32s.
fn uniform(n: u32) -> crate::Result<u32> {
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let mut b = Zeroizing::new([0u8; 4]);
        crate::crypto::fill_random(b.as_mut())?;
        let x = u32::from_le_bytes(*b);
        if x < zone {
            return Ok(x % n);
        }
    }
}

#[cfg(test)]
mod tests;
