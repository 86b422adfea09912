//! How Enter moves through a form (the Add form's Key field goes on to its Value field; an
//! empty value is saved only after a yes), and which keys a form's hints offer for the
//! focused field. Part of [`Form`]; no I/O.

use super::{FieldValue, Form, FormKind};
use crate::KeyName;

impl Form {
    /// Whether Enter in the focused field moves on rather than saving (the Key field of
    /// the Add form: a name alone is never saved).
    pub fn enter_moves(&self) -> bool {
        matches!(self.kind, FormKind::Add(_)) && self.focus == 0
    }

    /// Whether saving now would store an empty value the user has not confirmed. A form
    /// whose key name is wrong is not asked about: its error comes first.
    pub fn needs_empty_confirm(&self) -> bool {
        let value = match &self.kind {
            FormKind::Add(_) if KeyName::new(self.text(0)).is_ok() => 1,
            FormKind::Edit(..) => 0,
            _ => return false,
        };
        !self.confirm_empty && self.secret_is_empty(value)
    }

    /// The question asked before an empty value is saved.
    pub fn empty_question(&self) -> String {
        let key = match &self.kind {
            FormKind::Edit(_, k) => k.to_string(),
            _ => self.text(0).to_string(),
        };
        format!("Save {key} with an empty value?")
    }

    /// The keys that work in the focused field, as (key, what) pairs, most useful first.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        if self.confirm_empty {
            return vec![("y", "save it empty"), ("n", "back to the form")];
        }
        let mut out = vec![(
            "⏎",
            if self.enter_moves() {
                "next field"
            } else {
                "save"
            },
        )];
        out.push(("Esc", "cancel"));
        if self.fields.len() > 1 {
            out.push(("Tab", "field"));
        }
        match self.fields.get(self.focus).map(|f| &f.value) {
            Some(FieldValue::Choice { .. }) => out.push(("←→", "choose")),
            Some(FieldValue::Secret { .. }) => out.push(("^T", "show/hide")),
            _ => {}
        }
        out
    }
}
