//! 2段階認証 (two-step verification): a one-time code from an authenticator app (TOTP, RFC 6238)
//! after the password, and single-use recovery codes for a lost phone. A stolen or guessed
//! password (SEC-4: credential stuffing) then opens nothing on its own.

use hmac::{Hmac, KeyInit, Mac};
use nencho_kernel::{OffsetDateTime, UserId};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::TokenHash;

/// The shared key of an authenticator app: 160 random bits, the length RFC 4226 §4 (R6)
/// recommends for HMAC-SHA-1.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret([u8; Self::BYTES]);

impl TotpSecret {
    pub const BYTES: usize = 20;

    pub fn from_random_bytes(bytes: [u8; Self::BYTES]) -> Self {
        Self(bytes)
    }

    /// A stored key; `None` unless exactly [`Self::BYTES`] long.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key as the apps take it typed in: RFC 4648 base32 without padding (32 letters).
    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// The key back from a form; spaces and lower case are tolerated, anything else is `None`.
    pub fn from_base32(text: &str) -> Option<Self> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = data_encoding::BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .ok()?;
        Self::from_bytes(&bytes)
    }

    /// The `otpauth://` URI of Google's Key Uri Format, which every authenticator app reads from
    /// a QR code: label `issuer:account`, the key, and the parameters of [`TotpPolicy::STANDARD`].
    pub fn provisioning_uri(&self, issuer: &str, account: &str) -> String {
        let issuer = percent_encode(issuer);
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
            account = percent_encode(account),
            secret = self.to_base32(),
        )
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters (UTF-8 bytes).
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the counter, dynamic truncation, the last `digits` decimal
/// digits.
pub fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(key) else {
        // HMAC takes a key of any length; this branch is unreachable.
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// TOTP parameters (RFC 6238): what every authenticator app uses by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpPolicy {
    pub step_seconds: i64,
    pub digits: u32,
    /// Steps accepted either side of the current one, for a phone's clock a little off
    /// (RFC 6238 §5.2 recommends at most one).
    pub drift_steps: i64,
}

impl TotpPolicy {
    pub const STANDARD: Self = Self {
        step_seconds: 30,
        digits: 6,
        drift_steps: 1,
    };

    /// The time step (RFC 6238 §4.2 `T`) at `at`.
    pub fn step_at(&self, at: OffsetDateTime) -> i64 {
        at.unix_timestamp().div_euclid(self.step_seconds)
    }

    /// The code an app shows during `step`, zero-padded.
    pub fn code_for_step(&self, secret: &TotpSecret, step: i64) -> String {
        let value = hotp(
            secret.as_bytes(),
            u64::try_from(step).unwrap_or(0),
            self.digits,
        );
        format!("{value:0width$}", width = self.digits as usize)
    }

    /// The step whose code `input` is, within the drift window around `at` and later than
    /// `last_used_step` (a code is accepted once: RFC 6238 §5.2), or `None`.
    pub fn verify(
        &self,
        secret: &TotpSecret,
        input: &str,
        at: OffsetDateTime,
        last_used_step: Option<i64>,
    ) -> Option<i64> {
        let code = normalise_code(input)?;
        if code.len() != self.digits as usize {
            return None;
        }
        let now = self.step_at(at);
        (now - self.drift_steps..=now + self.drift_steps)
            .filter(|step| *step >= 0 && last_used_step.is_none_or(|last| *step > last))
            .find(|step| self.code_for_step(secret, *step) == code)
    }
}

/// A typed code: full-width digits (a Japanese IME's) made ASCII, spaces and hyphens dropped;
/// `None` unless only digits remain.
fn normalise_code(input: &str) -> Option<String> {
    let mut code = String::new();
    for c in input.chars() {
        match c {
            '0'..='9' => code.push(c),
            '０'..='９' => code.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            ' ' | '　' | '-' | 'ー' | '－' => {}
            _ => return None,
        }
    }
    (!code.is_empty()).then_some(code)
}

/// A single-use code that stands in for the app's code when the phone is lost: 12 characters
/// (60 random bits) from an alphabet without look-alikes, shown as `XXXX-XXXX-XXXX`, given out
/// [`RecoveryCode::SET_SIZE`] at a time. Only the [`RecoveryCode::hash`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    pub const SET_SIZE: usize = 10;
    pub const RANDOM_BYTES: usize = 12;
    /// Crockford's base32 alphabet (no I, L, O, U): each random byte's low five bits pick one
    /// symbol, so every character is uniform; on reading, O counts as 0 and I or L as 1.
    const ALPHABET: &'static [u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    pub fn from_random_bytes(bytes: [u8; Self::RANDOM_BYTES]) -> Self {
        Self(
            bytes
                .iter()
                .map(|byte| char::from(Self::ALPHABET[usize::from(byte & 0x1f)]))
                .collect(),
        )
    }

    /// A code as typed: case, spaces and hyphens (half- or full-width) do not matter; `None`
    /// unless 12 characters of the alphabet remain.
    pub fn parse(input: &str) -> Option<Self> {
        let mut code = String::new();
        for c in input.chars() {
            let c = match c {
                '！'..='～' => char::from_u32(c as u32 - 0xFEE0)?,
                other => other,
            };
            match c {
                ' ' | '　' | '-' | 'ー' => {}
                c if c.is_ascii() => {
                    let symbol = match c.to_ascii_uppercase() {
                        'O' => '0',
                        'I' | 'L' => '1',
                        other => other,
                    };
                    if !Self::ALPHABET.contains(&(symbol as u8)) {
                        return None;
                    }
                    code.push(symbol);
                }
                _ => return None,
            }
        }
        (code.chars().count() == Self::RANDOM_BYTES).then_some(Self(code))
    }

    /// `XXXX-XXXX-XXXX`, for showing once.
    pub fn display(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|chunk| chunk.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// SHA-256 over the user and the code: equal codes of two users never share a hash, so a
    /// leaked table cannot be attacked for all users at once.
    pub fn hash(&self, user_id: UserId) -> TokenHash {
        let mut digest = Sha256::new();
        digest.update(user_id.as_uuid().as_bytes());
        digest.update(self.0.as_bytes());
        TokenHash::from_hex(hex::encode(digest.finalize()))
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

/// A user's enrolled authenticator: the key (sealed, or a key kept in clear by a version before
/// sealing: [`TotpSecret::from_bytes`] tells), when it was set up, and the last step whose code
/// was accepted (so no code works twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    pub secret: crate::SealedSecret,
    pub enabled_at: OffsetDateTime,
    pub last_used_step: Option<i64>,
}

/// What the user typed at the second step: the app's code, or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactorInput {
    Code(String),
    Recovery(RecoveryCode),
}

impl SecondFactorInput {
    /// Digits are an app code; 12 letters and digits are a recovery code; `None` otherwise.
    pub fn parse(input: &str) -> Option<Self> {
        if let Some(code) = normalise_code(input) {
            return Some(Self::Code(code));
        }
        RecoveryCode::parse(input).map(Self::Recovery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::FixedClock;
    use proptest::prelude::*;
    use time::macros::datetime;

    /// RFC 4226 Appendix D: the HOTP values of the key "12345678901234567890" for counters 0–9.
    #[test]
    fn hotp_matches_rfc_4226_appendix_d() {
        let expected = [
            755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871,
            520_489,
        ];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(b"12345678901234567890", counter as u64, 6), *value);
        }
    }

    /// RFC 6238 Appendix B, SHA-1 column (8 digits there; the 6-digit codes are their last six).
    #[test]
    fn totp_matches_rfc_6238_appendix_b() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890");
        let Some(secret) = secret else {
            unreachable!("20 bytes make a key");
        };
        let policy = TotpPolicy::STANDARD;
        for (unix, eight_digits) in [
            (59_i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            let at =
                OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let step = policy.step_at(at);
            assert_eq!(
                hotp(secret.as_bytes(), step as u64, 8),
                eight_digits.parse().unwrap_or(0)
            );
            assert_eq!(policy.code_for_step(&secret, step), eight_digits[2..]);
        }
    }

    fn key() -> TotpSecret {
        TotpSecret::from_random_bytes([7; TotpSecret::BYTES])
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let policy = TotpPolicy::STANDARD;
        let at = datetime!(2026-11-26 09:00:10 UTC);
        let now = policy.step_at(at);
        for (step, accepted) in [
            (now - 2, false),
            (now - 1, true),
            (now, true),
            (now + 1, true),
            (now + 2, false),
        ] {
            let code = policy.code_for_step(&key(), step);
            assert_eq!(
                policy.verify(&key(), &code, at, None),
                accepted.then_some(step),
                "step {step}"
            );
        }
    }

    #[test]
    fn a_used_code_and_older_ones_are_refused() {
        let policy = TotpPolicy::STANDARD;
        let at = datetime!(2026-11-26 09:00:10 UTC);
        let now = policy.step_at(at);
        let code = policy.code_for_step(&key(), now);
        assert_eq!(policy.verify(&key(), &code, at, Some(now - 1)), Some(now));
        assert_eq!(policy.verify(&key(), &code, at, Some(now)), None);
        let previous = policy.code_for_step(&key(), now - 1);
        assert_eq!(policy.verify(&key(), &previous, at, Some(now)), None);
    }

    #[test]
    fn full_width_digits_and_spaces_are_read() {
        let policy = TotpPolicy::STANDARD;
        let at = datetime!(2026-11-26 09:00:10 UTC);
        let code = policy.code_for_step(&key(), policy.step_at(at));
        let full_width: String = code
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect();
        let spaced = format!("{} {}", &full_width[..9], &full_width[9..]);
        assert!(policy.verify(&key(), &spaced, at, None).is_some());
        assert_eq!(policy.verify(&key(), "12345", at, None), None);
        assert_eq!(policy.verify(&key(), "abcdef", at, None), None);
    }

    #[test]
    fn the_key_survives_base32_and_the_uri_carries_it() {
        let secret = key();
        let text = secret.to_base32();
        assert_eq!(text.len(), 32);
        let spaced_lower = text.to_ascii_lowercase().replace("", " ");
        assert_eq!(TotpSecret::from_base32(&spaced_lower), Some(secret.clone()));
        assert_eq!(TotpSecret::from_base32("ABC"), None);
        let uri = secret.provisioning_uri("nencho 株式会社アクメ", "admin@acme");
        assert!(uri.starts_with("otpauth://totp/nencho%20%E6%A0%AA"));
        assert!(uri.contains(":admin%40acme?secret="));
        assert!(uri.contains(&format!("secret={text}&")));
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"));
    }

    #[test]
    fn recovery_codes_read_back_however_typed() {
        let code = RecoveryCode::from_random_bytes([0, 1, 2, 3, 31, 30, 29, 28, 64, 65, 66, 255]);
        let shown = code.display();
        assert_eq!(shown.len(), 14);
        assert_eq!(RecoveryCode::parse(&shown), Some(code.clone()));
        assert_eq!(
            RecoveryCode::parse(&shown.to_ascii_lowercase()),
            Some(code.clone())
        );
        let full_width: String = shown
            .chars()
            .map(|c| {
                if c == '-' {
                    'ー'
                } else {
                    char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
                }
            })
            .collect();
        assert_eq!(RecoveryCode::parse(&full_width), Some(code.clone()));
        assert_eq!(RecoveryCode::parse("ABCD-EFGH"), None);
        assert_eq!(
            RecoveryCode::parse("UUUU-UUUU-UUUU"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(
            RecoveryCode::parse("oooo-iiii-llll"),
            RecoveryCode::parse("0000-1111-1111"),
            "look-alikes read as the digits"
        );
        assert_eq!(
            SecondFactorInput::parse(&shown),
            Some(SecondFactorInput::Recovery(code))
        );
        assert_eq!(
            SecondFactorInput::parse("123 456"),
            Some(SecondFactorInput::Code("123456".into()))
        );
    }

    #[test]
    fn one_code_hashes_differently_for_two_users() {
        let clock = FixedClock::at(datetime!(2026-11-26 09:00 UTC));
        let code = RecoveryCode::from_random_bytes([9; RecoveryCode::RANDOM_BYTES]);
        let first = code.hash(UserId::generate(&clock));
        let second = code.hash(UserId::generate(&clock));
        assert_ne!(first, second);
        assert_eq!(first.as_hex().len(), 64);
    }

    proptest! {
        #[test]
        fn every_generated_recovery_code_parses_back(bytes in proptest::array::uniform12(any::<u8>())) {
            let code = RecoveryCode::from_random_bytes(bytes);
            prop_assert_eq!(RecoveryCode::parse(&code.display()), Some(code));
        }

        #[test]
        fn the_current_code_always_verifies(seconds in 0i64..4_000_000_000, key in proptest::array::uniform20(any::<u8>())) {
            let policy = TotpPolicy::STANDARD;
            let secret = TotpSecret::from_random_bytes(key);
            let at = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
            let code = policy.code_for_step(&secret, policy.step_at(at));
            prop_assert_eq!(code.len(), 6);
            prop_assert!(policy.verify(&secret, &code, at, None).is_some());
        }
    }
}
