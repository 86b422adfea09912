//! Rendering one value for a `.env` file: of the forms python-dotenv reads exactly, the one
//! the most other readers ([`Reader`]) read exactly, never one that makes a reader run part
//! of it or stop reading the file when another form avoids it. Pure; part of `dotenv`.

use super::readers::{Form, Outcome, Reader, python_exact};

/// Renders one value for a dotenv file: the text after `KEY=`, and whether python-dotenv
/// AND npm dotenv read it back as the same bytes.
///
/// python-dotenv always does. The text holds the secret: zeroize it after use.
pub fn render_value(value: &str) -> (String, bool) {
    let mut len = 0;
    write_value(value, &mut |s| len += s.len());
    let mut out = String::with_capacity(len);
    write_value(value, &mut |s| out.push_str(s));
    let npm = choose("V", value).outcome(Reader::NpmDotenv) == Outcome::Exact;
    (out, npm)
}

/// The form chosen for one value and what each reader makes of it.
pub(crate) struct Choice {
    pub form: Form,
    /// One outcome per [`Reader::ALL`].
    pub outcomes: [Outcome; 7],
}

impl Choice {
    pub fn outcome(&self, r: Reader) -> Outcome {
        let i = Reader::ALL.iter().position(|&x| x == r).unwrap_or(0);
        self.outcomes[i]
    }

    /// How many readers stop reading the file at the value (losing other keys), run part of
    /// it, and read it differently: the cost that [`choose`] minimizes, in that order.
    fn cost(&self) -> (usize, usize, usize) {
        let count = |f: &dyn Fn(Outcome) -> bool| self.outcomes.iter().filter(|&&o| f(o)).count();
        (
            count(&|o| o == Outcome::Stops),
            count(&|o| o == Outcome::Executes),
            count(&|o| o != Outcome::Exact),
        )
    }

    /// 0: exact everywhere; 1: some reader differs; 2: npm dotenv differs; 3: some reader
    /// runs it or stops there. The file is written in this order, so a value one reader
    /// cannot read comes after every value it can.
    pub fn tier(&self) -> u8 {
        let (stops, runs, differ) = self.cost();
        if stops + runs > 0 {
            3
        } else if self.outcome(Reader::NpmDotenv) != Outcome::Exact {
            2
        } else {
            u8::from(differ > 0)
        }
    }
}

/// The form for `value` after `key`: of those python-dotenv reads exactly, the one with the
/// fewest readers that stop reading the file there, then that run part of it, then that read
/// it differently, then the first of single quotes, double quotes, escapes, none.
pub(crate) fn choose(key: &str, value: &str) -> Choice {
    let candidates = [Form::Single, Form::Double, Form::Escaped, Form::Bare];
    let choice = |form| Choice {
        form,
        outcomes: Reader::ALL.map(|r| r.reads(form, key, value)),
    };
    candidates
        .into_iter()
        .filter(|&f| python_exact(f, value))
        .map(choice)
        .min_by_key(Choice::cost)
        .unwrap_or_else(|| choice(Form::Escaped))
}

/// The line written after a value whose closing quote follows a `\\` (the escaped form of a
/// value ending in `\`). npm dotenv reads that quote as escaped and looks further for one
/// that ends a line; this comment holds a `"` that stops the search (it is not preceded by
/// `\\` and does not end a line), so npm can neither end the value inside the next binding
/// (e.g. before a U+2028 that starts its value) nor find a key there.
pub(crate) const GUARD: &str =
    "#\" (a stop for npm dotenv: the value above is python-dotenv's form)\n";

/// What follows the line of `value` written in `form`: [`GUARD`] after an escaped value
/// ending in `\`; an empty line after an unquoted one (a shell joins the line after a
/// trailing `\` to it, and an empty line ends the assignment there).
pub(crate) fn after(form: Form, value: &str) -> &'static str {
    match form {
        Form::Escaped if value.ends_with('\\') => GUARD,
        Form::Bare if value.ends_with('\\') => "\n",
        _ => "",
    }
}

/// Writes `value` in `form` piece by piece into `out` (so callers can write into a
/// pre-sized buffer).
pub(crate) fn write_form(form: Form, value: &str, out: &mut dyn FnMut(&str)) {
    match form {
        Form::Single => {
            out("'");
            out(value);
            out("'");
        }
        Form::Bare => out(value),
        Form::Double | Form::Escaped => {
            out("\"");
            let mut start = 0;
            for (i, c) in value.char_indices() {
                let esc = match c {
                    '\r' => "\\r",
                    '\n' => "\\n",
                    '\\' if form == Form::Escaped => "\\\\",
                    '"' if form == Form::Escaped => "\\\"",
                    _ => continue,
                };
                out(&value[start..i]);
                out(esc);
                start = i + c.len_utf8();
            }
            out(&value[start..]);
            out("\"");
        }
    }
}

/// Writes the chosen rendering of `value` (see [`choose`]) into `out`.
pub(crate) fn write_value(value: &str, out: &mut dyn FnMut(&str)) {
    write_form(choose("V", value).form, value, out);
}

/// The warning about `key` written as `choice`, naming every reader that does not read it
/// exactly; `None` when all do. Names the key, never the value.
pub(crate) fn warning(key: &str, choice: &Choice) -> Option<String> {
    let with = |o: Outcome| -> Vec<&'static str> {
        Reader::ALL
            .iter()
            .zip(choice.outcomes)
            .filter(|(_, x)| *x == o)
            .map(|(r, _)| r.name())
            .collect()
    };
    let mut clauses = Vec::new();
    let differ = with(Outcome::Differs);
    if !differ.is_empty() {
        clauses.push(format!("read differently by {}", list(&differ)));
    }
    for r in Reader::ALL {
        if choice.outcome(r) == Outcome::Executes {
            let stop = if r == Reader::Shell {
                ", or stop reading the file there"
            } else {
                ""
            };
            clauses.push(format!(
                "{} would EXECUTE the command in it (`$(...)` or backticks){stop}",
                r.name()
            ));
        }
    }
    for name in with(Outcome::Stops) {
        clauses.push(format!(
            "{name} stops reading the file there or refuses the whole file"
        ));
    }
    (!clauses.is_empty()).then(|| format!("`{key}`: {}", clauses.join("; ")))
}

/// `a`, `a and b`, `a, b and c`.
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
