//! A yes/no question with something to do on yes, and another question to ask on no
//! (after the first-run import: link the directory; delete the plaintext `.env`, or else
//! git-ignore it). Data only.

use super::msg::Effect;
use crate::Scope;

/// A yes/no question with something to do on either answer (Esc or `n` is no).
#[derive(Debug)]
pub struct Offer {
    /// The question.
    pub text: String,
    /// Run on yes.
    pub on_yes: Vec<Effect>,
    /// Asked next on no.
    pub or_else: Option<Box<Offer>>,
}

impl Offer {
    /// A question whose yes runs `on_yes` and whose no does nothing.
    pub fn new(text: String, on_yes: Effect) -> Offer {
        Offer {
            text,
            on_yes: vec![on_yes],
            or_else: None,
        }
    }
}

/// What the scope views remember between messages.
#[derive(Debug, Default)]
pub struct ScopeState {
    /// Questions waiting for the one on screen to be answered.
    pub offers: std::collections::VecDeque<Offer>,
    /// The scope shown when the vault was last used.
    pub last: Option<Scope>,
    /// The first listing arrived (the start scope was chosen).
    pub opened: bool,
    /// The key selected before a listing whose scope's keys were still to load.
    pub pending_key: Option<(Scope, crate::KeyName)>,
}
