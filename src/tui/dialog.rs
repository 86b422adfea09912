//! Dialogs over the main screen: the help overlay, yes/no confirmations and forms (add,
//! edit, rotate, export, new scope). A form is a list of fields; submitting checks them
//! and yields the [`Effect`] to run, or an error shown in the form. Values typed here live
//! only in [`SecretInput`] fields, masked unless the user toggles them visible.

use super::input::{Edit, SecretInput, TextInput};
use super::msg::{Effect, RotateHow, SaveKind};
use crate::generate::{Charset, Generator};
use crate::{ExportFormat, KeyName, Scope};
use std::path::PathBuf;

mod flow;

/// What is open over the main screen.
#[derive(Debug)]
pub enum Dialog {
    /// The key list.
    Help,
    /// A yes/no question.
    Confirm(Confirm),
    /// A form.
    Form(Form),
    /// A key's versions.
    History(super::lists::HistoryView),
    /// The audit log.
    Audit(super::lists::AuditView),
    /// A question with an answer for yes and for no.
    Offer(super::offer::Offer),
    /// A scope's removed keys.
    Trash(super::scopes::TrashView),
    /// Two environments compared by key name.
    Diff(super::scopes::DiffView),
}

/// A yes/no question and what "yes" does.
#[derive(Debug)]
pub struct Confirm {
    /// The question.
    pub text: String,
    /// Run on "yes".
    pub on_yes: Effect,
}

/// What a form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Add a key to a scope.
    Add(Scope),
    /// Change a key's value.
    Edit(Scope, KeyName),
    /// Give a key a new value, generated or pasted.
    Rotate(Scope, KeyName),
    /// Write a scope to a file.
    Export(Scope),
    /// Start a new project or environment.
    NewScope,
    /// Remove, purge, rename, copy or compare a scope.
    ScopeOps(Scope),
    /// Import a `.env` into a scope (`first_run`: right after the vault was made).
    Import(Scope, bool),
}

/// One field's content.
#[derive(Debug)]
pub enum FieldValue {
    /// Plain text.
    Text(TextInput),
    /// A masked secret; `shown` when toggled visible.
    Secret {
        /// The field.
        input: SecretInput,
        /// Whether the value is drawn in clear.
        shown: bool,
    },
    /// One of a few options, cycled with ←/→ or Space.
    Choice {
        /// The options.
        options: &'static [&'static str],
        /// The chosen one.
        idx: usize,
    },
}

/// A labelled field.
#[derive(Debug)]
pub struct Field {
    /// Its label.
    pub label: &'static str,
    /// Its content.
    pub value: FieldValue,
}

/// A form: fields, the focused one, and the last error.
#[derive(Debug)]
pub struct Form {
    /// What submitting does.
    pub kind: FormKind,
    /// Its fields, top to bottom.
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
    /// Asking whether to save an empty value (y/n).
    pub confirm_empty: bool,
}

/// The export formats, in the order the form cycles them.
pub const FORMATS: &[&str] = &["dotenv", "shell", "json", "yaml", "docker", "k8s"];
/// How a rotation gets its value.
pub const ROTATE_SOURCES: &[&str] = &["generate", "paste"];
/// Generator alphabets.
pub const CHARSETS: &[&str] = &["alnum", "base64", "hex", "words"];

fn text(label: &'static str, init: &str) -> Field {
    Field {
        label,
        value: FieldValue::Text(TextInput::new(init)),
    }
}

fn secret(label: &'static str, input: SecretInput) -> Field {
    Field {
        label,
        value: FieldValue::Secret {
            input,
            shown: false,
        },
    }
}

fn choice(label: &'static str, options: &'static [&'static str]) -> Field {
    Field {
        label,
        value: FieldValue::Choice { options, idx: 0 },
    }
}

impl Form {
    /// A form of `kind`; `value` pre-fills the value field of an edit.
    pub fn new(kind: FormKind, value: Option<SecretInput>) -> Form {
        let value_field = || value.unwrap_or_else(|| SecretInput::new(SecretInput::VALUE, true));
        let fields = match &kind {
            FormKind::Add(_) => vec![text("Key", ""), secret("Value", value_field())],
            FormKind::Edit(..) => vec![secret("Value", value_field())],
            FormKind::Rotate(..) => vec![
                choice("Source", ROTATE_SOURCES),
                text("Length", ""),
                choice("Charset", CHARSETS),
                secret("Paste", value_field()),
            ],
            FormKind::Export(scope) => vec![
                choice("Format", FORMATS),
                text("File", &format!("{}.env", scope.env)),
            ],
            FormKind::NewScope => vec![text("Project/env", "")],
            FormKind::ScopeOps(_) => vec![
                choice("Action", super::scope_forms::OPS),
                choice("Of", super::scope_forms::OF),
                text("To", ""),
            ],
            FormKind::Import(..) => vec![text("File", "./.env")],
        };
        Form {
            kind,
            fields,
            focus: 0,
            error: None,
            confirm_empty: false,
        }
    }

    /// The form's title.
    pub fn title(&self) -> String {
        match &self.kind {
            FormKind::Add(s) => format!("Add a key to {s}"),
            FormKind::Edit(s, k) => format!("Edit {k} in {s}"),
            FormKind::Rotate(s, k) => format!("Rotate {k} in {s}"),
            FormKind::Export(s) => format!("Export {s} to a file"),
            FormKind::NewScope => "New project or environment".into(),
            FormKind::ScopeOps(s) => format!("Scope {s}: remove, rename, copy, diff"),
            FormKind::Import(s, _) => format!("Import a .env into {s}"),
        }
    }

    /// Applies an edit to the focused field.
    pub fn edit(&mut self, edit: &Edit) {
        self.error = None;
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        match &mut field.value {
            FieldValue::Text(t) => t.apply(edit),
            FieldValue::Secret { input, .. } => {
                if !input.apply(edit) {
                    self.error = Some("the value is too long for this field (64 KiB)".into());
                }
            }
            FieldValue::Choice { options, idx } => match edit {
                Edit::Left => *idx = (*idx + options.len() - 1) % options.len(),
                Edit::Right | Edit::Char(' ') => *idx = (*idx + 1) % options.len(),
                _ => {}
            },
        }
    }

    /// Moves the focus by `delta` fields, wrapping.
    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        self.focus = ((self.focus as isize + delta).rem_euclid(n)) as usize;
    }

    /// Shows or masks the secret field.
    pub fn toggle_mask(&mut self) {
        for f in &mut self.fields {
            if let FieldValue::Secret { shown, .. } = &mut f.value {
                *shown = !*shown;
            }
        }
    }

    fn text(&self, i: usize) -> &str {
        match &self.fields[i].value {
            FieldValue::Text(t) => t.text().trim(),
            _ => "",
        }
    }

    fn choice(&self, i: usize) -> &'static str {
        match &self.fields[i].value {
            FieldValue::Choice { options, idx } => options[*idx],
            _ => "",
        }
    }

    fn take_secret(&mut self, i: usize) -> crate::SecretValue {
        match &mut self.fields[i].value {
            FieldValue::Secret { input, .. } => input.take_value(),
            _ => crate::SecretValue::from(""),
        }
    }

    fn secret_is_empty(&self, i: usize) -> bool {
        matches!(&self.fields[i].value, FieldValue::Secret { input, .. } if input.is_empty())
    }

    /// Checks the fields and yields the effect to run. On an error nothing is taken from
    /// the form, so the user can fix it.
    pub fn submit(&mut self) -> Result<Effect, String> {
        match self.kind.clone() {
            FormKind::Add(scope) => {
                let key = KeyName::new(self.text(0)).map_err(|e| e.to_string())?;
                let value = self.take_secret(1);
                let kind = SaveKind::Add;
                Ok(Effect::Save {
                    scope,
                    key,
                    value,
                    kind,
                })
            }
            FormKind::Edit(scope, key) => Ok(Effect::Save {
                scope,
                key,
                value: self.take_secret(0),
                kind: SaveKind::Edit,
            }),
            FormKind::Rotate(scope, key) => {
                let how = if self.choice(0) == "paste" {
                    if self.secret_is_empty(3) {
                        return Err("paste the new value into the Paste field".into());
                    }
                    RotateHow::Paste(self.take_secret(3))
                } else {
                    let len = match self.text(1) {
                        "" => None,
                        s => Some(s.parse::<usize>().map_err(|_| {
                            format!("`{s}` is not a length; type a number, or leave it empty")
                        })?),
                    };
                    let charset = Charset::parse(self.choice(2)).map_err(|e| e.to_string())?;
                    let generator = Generator::new(charset, len);
                    generator.check(false).map_err(|e| e.to_string())?;
                    RotateHow::Generate(generator)
                };
                Ok(Effect::Rotate { scope, key, how })
            }
            FormKind::Export(scope) => {
                let format: ExportFormat = self.choice(0).parse().map_err(|e| format!("{e}"))?;
                let path = self.text(1);
                if path.is_empty() {
                    return Err("name the file to write, e.g. .env".into());
                }
                let path = PathBuf::from(path);
                Ok(Effect::Export {
                    scope,
                    format,
                    path,
                })
            }
            FormKind::NewScope => {
                let scope = Scope::parse(self.text(0)).map_err(|e| e.to_string())?;
                Ok(Effect::AddScope(scope))
            }
            FormKind::ScopeOps(scope) => {
                super::scope_forms::ops_submit(&scope, self.choice(0), self.choice(1), self.text(2))
                    .map(Effect::AskScopeOp)
            }
            FormKind::Import(scope, first_run) => match self.text(0) {
                "" => Err("name the .env file to import, e.g. ./.env".into()),
                p => Ok(Effect::ImportPreview {
                    scope,
                    path: PathBuf::from(p),
                    first_run,
                }),
            },
        }
    }
}
