//! `update` for the screens before the main one: the welcome screen creating a vault, the
//! unlock screen, and what follows their answers (a vault created: the first-run import
//! preview; an unlock refused: the error under the field). The screens' state lives in
//! `tui/gate.rs`; this is their part of [`App`]. No I/O.

use super::{App, Effect, Msg, Screen};

impl App {
    pub(super) fn created(&mut self) -> Vec<Effect> {
        self.screen = Screen::Main;
        let mut fx = vec![Effect::LoadAll];
        if let (Some(path), Some(scope)) = (&self.cfg.env_file, &self.cfg.import_scope) {
            // Previewed, then asked; afterwards the link and the plaintext file are offered.
            fx.push(Effect::ImportPreview {
                scope: scope.clone(),
                path: path.clone(),
                first_run: true,
            });
        } else {
            fx.extend(self.say("vault created; press a to add a key".into(), false));
        }
        fx
    }

    pub(super) fn unlock_failed(&mut self, error: String) -> Vec<Effect> {
        match &mut self.screen {
            Screen::Unlock(u) => {
                u.busy = false;
                u.error = Some(error);
            }
            Screen::Welcome(w) => {
                w.busy = false;
                w.error = Some(error);
            }
            Screen::Main => return self.say(error, true),
        }
        vec![]
    }

    pub(super) fn gate(&mut self, msg: Msg) -> Vec<Effect> {
        match (&mut self.screen, msg) {
            (_, Msg::Cancel) => {
                self.quit = true;
                vec![Effect::Quit]
            }
            (Screen::Unlock(u), Msg::Input(e)) if !u.busy => {
                u.error = None;
                u.pass.apply(&e);
                vec![]
            }
            (Screen::Unlock(u), Msg::Submit) if !u.busy && !u.pass.is_empty() => {
                u.busy = true;
                u.error = None;
                vec![Effect::Unlock(u.pass.take_passphrase())]
            }
            (Screen::Welcome(w), Msg::Input(e)) if !w.busy => {
                w.error = None;
                w.edit(&e);
                vec![]
            }
            (Screen::Welcome(w), Msg::NextField(_)) => {
                w.focus = 1 - w.focus;
                vec![]
            }
            (Screen::Welcome(w), Msg::Submit) if !w.busy => {
                if w.focus == 0 {
                    w.focus = 1;
                    return vec![];
                }
                match w.check() {
                    Ok(()) => {
                        w.busy = true;
                        w.repeat.wipe();
                        vec![Effect::Create(w.pass.take_passphrase())]
                    }
                    Err(e) => {
                        w.error = Some(e);
                        vec![]
                    }
                }
            }
            _ => vec![],
        }
    }
}
