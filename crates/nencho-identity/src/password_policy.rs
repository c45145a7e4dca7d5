//! Password rules after NIST SP 800-63B rev. 4 §3.1.1.2: a minimum length, a generous maximum,
//! no composition rules, no expiry, and a check against weak, common and context-specific
//! passwords (here the zxcvbn strength estimator, fed with the tenant's and user's own words).

use zxcvbn::Score;
use zxcvbn::feedback::Warning;

/// Why a password was refused; the web adapter words it in Japanese or English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordRejection {
    TooShort {
        minimum: usize,
    },
    TooLong {
        maximum: usize,
    },
    /// Contains the user's ID or name, the company's name or the site name.
    ContainsContext,
    /// Easy to guess; the reason (when the estimator gives one) says why.
    TooWeak(WeakPasswordReason),
}

/// The estimator's explanation of a weak password, in our own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakPasswordReason {
    CommonPassword,
    KeyboardPattern,
    Repetition,
    Sequence,
    DateOrYear,
    WordOrName,
    Guessable,
}

/// What the password must not be built from: the tenant's name and site name, the user's ID,
/// name and e-mail address.
#[derive(Debug, Clone, Default)]
pub struct PasswordContext {
    words: Vec<String>,
}

impl PasswordContext {
    pub fn new() -> Self {
        Self {
            words: vec!["nencho".to_owned()],
        }
    }

    pub fn with(mut self, word: &str) -> Self {
        let word = word.trim().to_lowercase();
        if !word.is_empty() {
            // An e-mail address contributes its local part and domain words as well.
            for part in word.split(['@', '.', ' ', '　', '-', '_']) {
                if part.chars().count() >= 3 {
                    self.words.push(part.to_owned());
                }
            }
            self.words.push(word);
        }
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Characters (Unicode code points, as NIST counts them). 15 by default.
    pub minimum_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: Self::DEFAULT_MINIMUM_LENGTH,
        }
    }
}

impl PasswordPolicy {
    /// NIST SP 800-63B rev. 4: at least 15 characters when the password is the only factor.
    pub const DEFAULT_MINIMUM_LENGTH: usize = 15;
    /// NIST asks that at least 64 be accepted; more than this is refused only to bound hashing.
    pub const MAXIMUM_LENGTH: usize = 256;
    /// zxcvbn's "safely unguessable" (10^10 guesses and more).
    const MINIMUM_SCORE: Score = Score::Three;
    /// Context words shorter than this are too common to refuse inside a password.
    const MINIMUM_CONTEXT_WORD: usize = 4;

    pub fn check(
        &self,
        password: &str,
        context: &PasswordContext,
    ) -> Result<(), PasswordRejection> {
        let length = password.chars().count();
        if length < self.minimum_length {
            return Err(PasswordRejection::TooShort {
                minimum: self.minimum_length,
            });
        }
        if length > Self::MAXIMUM_LENGTH {
            return Err(PasswordRejection::TooLong {
                maximum: Self::MAXIMUM_LENGTH,
            });
        }
        let lowered = password.to_lowercase();
        if context.words.iter().any(|word| {
            word.chars().count() >= Self::MINIMUM_CONTEXT_WORD && lowered.contains(word.as_str())
        }) {
            return Err(PasswordRejection::ContainsContext);
        }
        let inputs: Vec<&str> = context.words.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(password, &inputs);
        if estimate.score() < Self::MINIMUM_SCORE {
            let reason = estimate
                .feedback()
                .and_then(|feedback| feedback.warning())
                .map_or(WeakPasswordReason::Guessable, weak_reason);
            return Err(PasswordRejection::TooWeak(reason));
        }
        Ok(())
    }
}

fn weak_reason(warning: Warning) -> WeakPasswordReason {
    match warning {
        Warning::ThisIsATop10Password
        | Warning::ThisIsATop100Password
        | Warning::ThisIsACommonPassword
        | Warning::ThisIsSimilarToACommonlyUsedPassword => WeakPasswordReason::CommonPassword,
        Warning::StraightRowsOfKeysAreEasyToGuess
        | Warning::ShortKeyboardPatternsAreEasyToGuess => WeakPasswordReason::KeyboardPattern,
        Warning::RepeatsLikeAaaAreEasyToGuess
        | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => WeakPasswordReason::Repetition,
        Warning::SequencesLikeAbcAreEasyToGuess => WeakPasswordReason::Sequence,
        Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess => {
            WeakPasswordReason::DateOrYear
        }
        Warning::AWordByItselfIsEasyToGuess
        | Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
        | Warning::CommonNamesAndSurnamesAreEasyToGuess => WeakPasswordReason::WordOrName,
    }
}

/// A password generated for the activation notice or by an administrator: 20 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 112 bits from the given random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct InitialPassword(String);

impl InitialPassword {
    const ALPHABET: &'static [u8] = b"23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    pub const LENGTH: usize = 20;

    /// Builds the password from random bytes (rejection sampling keeps every character equally
    /// likely). Returns `None` if the bytes run out, so give at least 2 × LENGTH.
    pub fn from_random_bytes(bytes: &[u8]) -> Option<Self> {
        let alphabet_size = Self::ALPHABET.len();
        let limit = 256 - 256 % alphabet_size;
        let text: String = bytes
            .iter()
            .filter(|byte| usize::from(**byte) < limit)
            .take(Self::LENGTH)
            .map(|byte| char::from(Self::ALPHABET[usize::from(*byte) % alphabet_size]))
            .collect();
        (text.len() == Self::LENGTH).then_some(Self(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for InitialPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InitialPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> PasswordContext {
        PasswordContext::new()
            .with("acme")
            .with("株式会社アクメ")
            .with("admin")
            .with("taro.yamada@acme.example")
    }

    #[test]
    fn a_long_unusual_passphrase_passes() {
        let policy = PasswordPolicy::default();
        assert_eq!(
            policy.check("kumo-no-ue-de-odoru-pengin", &context()),
            Ok(())
        );
        assert_eq!(
            policy.check("雪の日に温かいお茶を三杯のんだ", &context()),
            Ok(()),
            "Japanese passphrases count by character"
        );
    }

    #[test]
    fn the_minimum_length_counts_characters_and_is_configurable() {
        let policy = PasswordPolicy::default();
        assert_eq!(
            policy.check("x7#kQ9!mZ2@pL5", &context()),
            Err(PasswordRejection::TooShort { minimum: 15 })
        );
        let relaxed = PasswordPolicy { minimum_length: 12 };
        assert_eq!(relaxed.check("x7#kQ9!mZ2@pL5", &context()), Ok(()));
    }

    #[test]
    fn at_least_64_characters_are_accepted_and_the_maximum_is_bounded() {
        let policy = PasswordPolicy::default();
        let long = "correct horse battery staple ".repeat(3);
        assert!(long.chars().count() >= 64);
        assert_eq!(policy.check(&long, &context()), Ok(()));
        assert_eq!(
            policy.check(&"z".repeat(257), &context()),
            Err(PasswordRejection::TooLong { maximum: 256 })
        );
    }

    #[test]
    fn common_and_patterned_passwords_are_refused_with_a_reason() {
        let policy = PasswordPolicy::default();
        assert!(matches!(
            policy.check("passwordpassword", &context()),
            Err(PasswordRejection::TooWeak(_))
        ));
        assert!(matches!(
            policy.check("aaaaaaaaaaaaaaaaaa", &context()),
            Err(PasswordRejection::TooWeak(WeakPasswordReason::Repetition))
        ));
        assert!(matches!(
            policy.check("qwertyuiopasdfgh", &context()),
            Err(PasswordRejection::TooWeak(_))
        ));
        assert!(matches!(
            policy.check("123456789012345", &context()),
            Err(PasswordRejection::TooWeak(_))
        ));
    }

    #[test]
    fn context_words_are_refused() {
        let policy = PasswordPolicy::default();
        assert_eq!(
            policy.check("acme-company-2026-tax", &context()),
            Err(PasswordRejection::ContainsContext)
        );
        assert_eq!(
            policy.check("Taro.Yamada-likes-tea", &context()),
            Err(PasswordRejection::ContainsContext)
        );
        assert_eq!(
            policy.check("my-nencho-password-x", &context()),
            Err(PasswordRejection::ContainsContext)
        );
    }

    #[test]
    fn initial_passwords_use_the_unambiguous_alphabet_and_full_length() {
        let bytes: Vec<u8> = (0..=255).collect();
        let password = InitialPassword::from_random_bytes(&bytes).unwrap();
        assert_eq!(password.expose().len(), InitialPassword::LENGTH);
        assert!(
            password
                .expose()
                .bytes()
                .all(|b| InitialPassword::ALPHABET.contains(&b))
        );
        assert!(!password.expose().contains(['0', 'O', '1', 'l', 'I']));
        assert!(
            InitialPassword::from_random_bytes(&[255; 40]).is_none(),
            "biased bytes are rejected, not reused"
        );
        assert!(!format!("{password:?}").contains(password.expose()));
    }
}
