//! 会社からのご案内: what a company tells its employees about this year's adjustment — where
//! the paper certificates go, who to ask, a link to the internal manual. Set with the year's
//! periods, shown on the employee's declaration pages and written into the 依頼 and 督促 mails,
//! so that the instructions reach everyone with the request instead of in a separate circular.

use crate::free_text::cleaned_within;

/// The most the guidance may say, in characters: a page of instructions, not a manual.
pub const MAX_GUIDANCE_CHARS: usize = 2000;

/// Guidance that is not empty, at most [`MAX_GUIDANCE_CHARS`] characters, with line breaks as
/// `\n` and no other control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GuidanceText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuidanceError {
    #[error("ご案内は{MAX_GUIDANCE_CHARS}文字以内にしてください(いま{0}文字です)。")]
    TooLong(usize),
}

impl GuidanceText {
    /// Reads what was typed as every free text is read (blanks around it go, line breaks are
    /// unified); nothing left means no guidance.
    pub fn parse(text: &str) -> Result<Option<Self>, GuidanceError> {
        cleaned_within(text, MAX_GUIDANCE_CHARS)
            .map(|text| text.map(Self))
            .map_err(GuidanceError::TooLong)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A piece of the guidance as shown: text, or a web address the page makes a link of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuidancePiece<'a> {
    Text(&'a str),
    Link(&'a str),
}

impl GuidanceText {
    /// The guidance cut into text and the `https://` or `http://` addresses in it (an address
    /// runs to the first blank, full-width character or closing bracket), in order: a manual's
    /// address in the instructions becomes a link without letting anyone write HTML.
    pub fn pieces(&self) -> Vec<GuidancePiece<'_>> {
        let text = self.as_str();
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = next_address(rest) {
            let address_len = rest[start..]
                .find(|c: char| !is_address_char(c))
                .unwrap_or(rest.len() - start);
            let address = trim_trailing_punctuation(&rest[start..start + address_len]);
            if !rest[..start].is_empty() {
                pieces.push(GuidancePiece::Text(&rest[..start]));
            }
            if address.len() <= "https://".len() {
                // A scheme with nothing after it is no address.
                pieces.push(GuidancePiece::Text(address));
            } else {
                pieces.push(GuidancePiece::Link(address));
            }
            rest = &rest[start + address.len()..];
        }
        if !rest.is_empty() {
            pieces.push(GuidancePiece::Text(rest));
        }
        pieces
    }
}

fn next_address(text: &str) -> Option<usize> {
    [text.find("https://"), text.find("http://")]
        .into_iter()
        .flatten()
        .min()
}

/// The characters of an address as people paste it (RFC 3986's unreserved, reserved and `%`),
/// ASCII only: a Japanese sentence right after the address is not part of it.
fn is_address_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'*+,;=%".contains(c)
}

/// A sentence's full stop or comma after an address is not part of it.
fn trim_trailing_punctuation(address: &str) -> &str {
    address.trim_end_matches(['.', ',', ';', ':', '!', '?', '\''])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guidance_is_cleaned_and_at_most_two_thousand_characters() {
        let guidance = GuidanceText::parse("  証明書の原本は\r\n総務部へ。\u{3000}").unwrap();
        assert_eq!(
            guidance.as_ref().map(GuidanceText::as_str),
            Some("証明書の原本は\n総務部へ。")
        );
        assert_eq!(GuidanceText::parse(" \r\n\u{3000}").unwrap(), None);
        let longest = "あ".repeat(MAX_GUIDANCE_CHARS);
        assert_eq!(
            GuidanceText::parse(&longest).unwrap().unwrap().as_str(),
            longest
        );
        let error = GuidanceText::parse(&format!("{longest}い")).unwrap_err();
        assert_eq!(error, GuidanceError::TooLong(2001));
        assert_eq!(
            error.to_string(),
            "ご案内は2000文字以内にしてください(いま2001文字です)。"
        );
    }

    fn pieces_of(text: &str) -> Vec<GuidancePiece<'static>> {
        let guidance = GuidanceText(text.to_owned());
        guidance
            .pieces()
            .into_iter()
            .map(|piece| match piece {
                GuidancePiece::Text(t) => GuidancePiece::Text(t.to_owned().leak()),
                GuidancePiece::Link(t) => GuidancePiece::Link(t.to_owned().leak()),
            })
            .collect()
    }

    #[test]
    fn addresses_become_links_and_everything_else_stays_text() {
        use GuidancePiece::{Link, Text};
        assert_eq!(
            pieces_of("手引き: https://intra.example/nencho?y=2026#top。質問は総務部へ"),
            vec![
                Text("手引き: "),
                Link("https://intra.example/nencho?y=2026#top"),
                Text("。質問は総務部へ"),
            ]
        );
        assert_eq!(
            pieces_of("See http://a.example/x. And https://b.example/(c)"),
            vec![
                Text("See "),
                Link("http://a.example/x"),
                Text(". And "),
                Link("https://b.example/"),
                Text("(c)"),
            ]
        );
        assert_eq!(pieces_of("リンクなし"), vec![Text("リンクなし")]);
        assert_eq!(
            pieces_of("https:// だけ"),
            vec![Text("https://"), Text(" だけ")]
        );
        // Markup stays text: the page escapes it like any other text.
        assert_eq!(
            pieces_of("<a href=\"javascript:alert(1)\">x</a>"),
            vec![Text("<a href=\"javascript:alert(1)\">x</a>")]
        );
    }
}
