//! The one rule that turns another manager's entry into a key name: the parts (folder,
//! title, field) joined with `_`, upper-cased, every run of characters outside `A-Z0-9`
//! becoming one `_`, no `_` at either end, and a leading digit prefixed with `_`.
//! `Work/Stripe API` + `password` → `WORK_STRIPE_API_PASSWORD`.

/// The key name for the parts of an entry's name, in order (empty parts are skipped).
/// None when nothing of a letter or digit is left (the caller names the item in its error).
pub fn key_for(parts: &[&str]) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        for c in part.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_uppercase());
            } else if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        return None;
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::key_for;

    #[test]
    fn parts_become_one_upper_snake_name() {
        assert_eq!(
            key_for(&["Work", "Stripe API", "password"]).as_deref(),
            Some("WORK_STRIPE_API_PASSWORD")
        );
        assert_eq!(key_for(&["", "db-url"]).as_deref(), Some("DB_URL"));
        assert_eq!(key_for(&["2fa", "seed"]).as_deref(), Some("_2FA_SEED"));
        assert_eq!(key_for(&["ünï", "--"]).as_deref(), Some("N"));
        assert_eq!(key_for(&["!!", ""]), None);
    }
}
