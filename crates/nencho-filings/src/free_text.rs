//! Free text typed into a form (a note, the company's guidance): read the same way wherever it
//! is typed, so that what is stored and shown is what the person meant.

/// What was typed, cleaned: surrounding blanks (full-width too) go, `\r\n` and `\r` become
/// `\n`, tabs and other control characters become spaces; `None` when nothing is left.
pub(crate) fn cleaned(text: &str) -> Option<String> {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let spaced: String = unified
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    let trimmed = spaced.trim_matches(|c: char| c.is_whitespace());
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// [`cleaned`] text of at most `max_chars` characters; `Err` with its length when longer.
pub(crate) fn cleaned_within(text: &str, max_chars: usize) -> Result<Option<String>, usize> {
    match cleaned(text) {
        Some(text) if text.chars().count() > max_chars => Err(text.chars().count()),
        cleaned => Ok(cleaned),
    }
}

#[cfg(test)]
mod tests {
    use super::{cleaned, cleaned_within};

    #[test]
    fn text_is_trimmed_with_line_breaks_unified_and_controls_spaced() {
        assert_eq!(
            cleaned("\u{3000} 証明書は\r\n後日\r提出します。\t\r").as_deref(),
            Some("証明書は\n後日\n提出します。")
        );
        assert_eq!(cleaned("a\u{0}b\tc").as_deref(), Some("a b c"));
        assert_eq!(cleaned(" \u{3000}\r\n "), None);
        assert_eq!(cleaned(""), None);
    }

    #[test]
    fn the_limit_counts_characters_after_cleaning() {
        assert_eq!(cleaned_within(" ああ ", 2), Ok(Some("ああ".to_owned())));
        assert_eq!(cleaned_within("あいう", 2), Err(3));
        assert_eq!(cleaned_within("  ", 0), Ok(None));
    }
}
