//! [`AesGcmSealer`] (`SecretSealer`): AES-256-GCM with a key derived from the deployment secret.
//!
//! A sealed value is `version (1) ‖ key fingerprint (8) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`; the
//! associated data is a fixed label and the row the secret belongs to, so a value copied to
//! another user's row fails authentication. The nonce is random: 96 bits are safe for far more
//! than the 2^32 messages NIST SP 800-38D §8.3 allows per key, and authenticator keys are sealed
//! once per set-up.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hmac::{Hmac, Mac};
use nencho_identity::SealedSecret;
use nencho_ports::{SealError, SecretSealer};
use sha2::Sha256;

const VERSION: u8 = 1;
const FINGERPRINT_BYTES: usize = 8;
const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;
const HEADER_BYTES: usize = 1 + FINGERPRINT_BYTES + NONCE_BYTES;
const ASSOCIATED_LABEL: &[u8] = b"nencho sealed secret v1|";

/// Seals with the current key; opens with it or, during a rotation, with the previous one.
pub struct AesGcmSealer {
    current: SealingKey,
    previous: Option<SealingKey>,
}

struct SealingKey {
    cipher: Aes256Gcm,
    fingerprint: [u8; FINGERPRINT_BYTES],
}

impl SealingKey {
    /// The sealing key and its fingerprint are derived from the 32-byte deployment secret (which
    /// also signs CSRF tokens) by HMAC-SHA-256 with distinct labels (the expand step of RFC 5869
    /// with a uniformly random input key), so neither reveals the secret or the other.
    fn derived_from(secret: &[u8; 32]) -> Self {
        let key = derive(secret, b"nencho sealing key v1");
        let fingerprint_full = derive(secret, b"nencho sealing key fingerprint v1");
        let mut fingerprint = [0u8; FINGERPRINT_BYTES];
        fingerprint.copy_from_slice(&fingerprint_full[..FINGERPRINT_BYTES]);
        Self {
            cipher: Aes256Gcm::new(&key.into()),
            fingerprint,
        }
    }
}

impl std::fmt::Debug for AesGcmSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AesGcmSealer({})", hex::encode(self.current.fingerprint))
    }
}

impl AesGcmSealer {
    pub fn from_deployment_secret(secret: &[u8; 32]) -> Self {
        Self {
            current: SealingKey::derived_from(secret),
            previous: None,
        }
    }

    /// Also opens what `previous` sealed: the deployment secret being replaced.
    pub fn with_previous_secret(mut self, previous: &[u8; 32]) -> Self {
        self.previous = Some(SealingKey::derived_from(previous));
        self
    }

    fn associated_data(bound_to: &[u8]) -> Vec<u8> {
        [ASSOCIATED_LABEL, bound_to].concat()
    }

    /// The fingerprint a well-formed sealed value names, `None` for anything else.
    fn fingerprint_of(sealed: &SealedSecret) -> Option<&[u8]> {
        let bytes = sealed.as_bytes();
        (bytes.len() >= HEADER_BYTES + TAG_BYTES && bytes[0] == VERSION)
            .then(|| &bytes[1..=FINGERPRINT_BYTES])
    }
}

fn derive(secret: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let Ok(mut mac) = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(secret) else {
        // HMAC takes a key of any length; this branch is unreachable.
        return [0u8; 32];
    };
    mac.update(label);
    mac.update(&[1]);
    mac.finalize().into_bytes().into()
}

impl SecretSealer for AesGcmSealer {
    fn seal(&self, plain: &[u8], bound_to: &[u8]) -> SealedSecret {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::fill(&mut nonce);
        let associated = Self::associated_data(bound_to);
        // Encryption fails only for a message longer than 64 GiB.
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: &associated,
                },
            )
            .unwrap_or_default();
        let mut sealed = Vec::with_capacity(HEADER_BYTES + ciphertext.len());
        sealed.push(VERSION);
        sealed.extend_from_slice(&self.current.fingerprint);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        SealedSecret::from_stored(sealed)
    }

    fn open(&self, sealed: &SealedSecret, bound_to: &[u8]) -> Result<Vec<u8>, SealError> {
        let fingerprint = Self::fingerprint_of(sealed).ok_or(SealError::Damaged)?;
        let key = std::iter::once(&self.current)
            .chain(self.previous.as_ref())
            .find(|key| key.fingerprint == fingerprint)
            .ok_or_else(|| SealError::OtherKey(hex::encode(fingerprint)))?;
        let bytes = sealed.as_bytes();
        let mut nonce = [0u8; NONCE_BYTES];
        nonce.copy_from_slice(&bytes[1 + FINGERPRINT_BYTES..HEADER_BYTES]);
        let associated = Self::associated_data(bound_to);
        key.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &bytes[HEADER_BYTES..],
                    aad: &associated,
                },
            )
            .map_err(|_| SealError::Damaged)
    }

    fn key_fingerprint(&self) -> String {
        hex::encode(self.current.fingerprint)
    }

    fn previous_key_fingerprint(&self) -> Option<String> {
        self.previous
            .as_ref()
            .map(|key| hex::encode(key.fingerprint))
    }

    fn is_sealed_with_current_key(&self, sealed: &SealedSecret) -> bool {
        Self::fingerprint_of(sealed) == Some(self.current.fingerprint.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: [u8; 32] = [7u8; 32];
    const AUTHENTICATOR_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn a_sealed_secret_opens_for_its_row_only() {
        let sealer = AesGcmSealer::from_deployment_secret(&SECRET);
        let sealed = sealer.seal(AUTHENTICATOR_KEY, b"tenant-a|user-1");
        assert_eq!(
            sealed.as_bytes().len(),
            HEADER_BYTES + AUTHENTICATOR_KEY.len() + TAG_BYTES
        );
        assert!(
            !sealed
                .as_bytes()
                .windows(AUTHENTICATOR_KEY.len())
                .any(|window| window == AUTHENTICATOR_KEY),
            "the key must not appear in clear"
        );
        assert_eq!(
            sealer.open(&sealed, b"tenant-a|user-1").unwrap(),
            AUTHENTICATOR_KEY
        );
        assert_eq!(
            sealer.open(&sealed, b"tenant-a|user-2"),
            Err(SealError::Damaged)
        );
    }

    #[test]
    fn each_seal_takes_a_new_nonce() {
        let sealer = AesGcmSealer::from_deployment_secret(&SECRET);
        let first = sealer.seal(AUTHENTICATOR_KEY, b"row");
        let second = sealer.seal(AUTHENTICATOR_KEY, b"row");
        assert_ne!(first, second);
        assert_eq!(sealer.open(&second, b"row").unwrap(), AUTHENTICATOR_KEY);
    }

    #[test]
    fn an_altered_byte_anywhere_is_refused() {
        let sealer = AesGcmSealer::from_deployment_secret(&SECRET);
        let sealed = sealer.seal(AUTHENTICATOR_KEY, b"row");
        for index in 0..sealed.as_bytes().len() {
            let mut bytes = sealed.as_bytes().to_vec();
            bytes[index] ^= 0x01;
            let result = sealer.open(&SealedSecret::from_stored(bytes), b"row");
            assert!(result.is_err(), "byte {index} altered yet opened");
        }
        for length in [0, 1, HEADER_BYTES, HEADER_BYTES + TAG_BYTES - 1] {
            let cut = SealedSecret::from_stored(sealed.as_bytes()[..length].to_vec());
            assert_eq!(sealer.open(&cut, b"row"), Err(SealError::Damaged));
        }
    }

    #[test]
    fn another_deployment_secret_is_named_not_guessed() {
        let ours = AesGcmSealer::from_deployment_secret(&SECRET);
        let theirs = AesGcmSealer::from_deployment_secret(&[8u8; 32]);
        assert_ne!(ours.key_fingerprint(), theirs.key_fingerprint());
        assert_eq!(ours.key_fingerprint().len(), 2 * FINGERPRINT_BYTES);
        assert_eq!(
            ours.key_fingerprint(),
            AesGcmSealer::from_deployment_secret(&SECRET).key_fingerprint()
        );
        let sealed = theirs.seal(AUTHENTICATOR_KEY, b"row");
        assert_eq!(
            ours.open(&sealed, b"row"),
            Err(SealError::OtherKey(theirs.key_fingerprint()))
        );
    }

    #[test]
    fn during_a_rotation_the_previous_key_still_opens_and_the_current_one_seals() {
        let old = AesGcmSealer::from_deployment_secret(&SECRET);
        let sealed_before = old.seal(AUTHENTICATOR_KEY, b"row");
        let rotating =
            AesGcmSealer::from_deployment_secret(&[8u8; 32]).with_previous_secret(&SECRET);
        assert_eq!(
            rotating.previous_key_fingerprint(),
            Some(old.key_fingerprint())
        );
        assert_eq!(old.previous_key_fingerprint(), None);
        assert!(!rotating.is_sealed_with_current_key(&sealed_before));
        assert!(old.is_sealed_with_current_key(&sealed_before));
        assert_eq!(
            rotating.open(&sealed_before, b"row").unwrap(),
            AUTHENTICATOR_KEY
        );
        assert_eq!(
            rotating.open(&sealed_before, b"another row"),
            Err(SealError::Damaged)
        );
        let resealed = rotating.seal(AUTHENTICATOR_KEY, b"row");
        assert!(rotating.is_sealed_with_current_key(&resealed));
        assert_eq!(
            old.open(&resealed, b"row"),
            Err(SealError::OtherKey(rotating.key_fingerprint())),
            "a server still on the old key cannot open what the new one seals"
        );
        assert!(
            !rotating
                .is_sealed_with_current_key(&SealedSecret::from_stored(AUTHENTICATOR_KEY.to_vec()))
        );
    }

    /// NIST's GCM test vector (McGrew and Viega, "The Galois/Counter Mode of Operation",
    /// test case 16: AES-256, 96-bit IV, with associated data) through the same cipher type, so
    /// the crate and its feature set are the real AES-256-GCM.
    #[test]
    fn the_cipher_is_aes_256_gcm() {
        let key = hex::decode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
            .unwrap();
        let nonce: [u8; 12] = hex::decode("cafebabefacedbaddecaf888")
            .unwrap()
            .try_into()
            .unwrap();
        let plain = hex::decode(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        )
        .unwrap();
        let aad = hex::decode("feedfacedeadbeeffeedfacedeadbeefabaddad2").unwrap();
        let cipher = Aes256Gcm::new_from_slice(&key).unwrap();
        let sealed = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(
            hex::encode(sealed),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
             8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662\
             76fc6ece0f4e1768cddf8853bb2d551b"
        );
    }
}
