//! Secrets the service must read back (an authenticator key) are kept encrypted with a key of the
//! deployment (SEC-7, OWASP ASVS 4.0 V2.9 and V6.4): a copy of the database or of a backup alone
//! gives no working second factor. The sealing itself is the `SecretSealer` port's.

/// A secret as the store keeps it: opaque bytes that only the deployment's sealer opens.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret(Vec<u8>);

impl SealedSecret {
    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedSecret({} bytes)", self.0.len())
    }
}

/// The deployment's sealing key as the store records it, so that a server started with another
/// key stops before it seals anything that the others cannot open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealingKeyRegistration {
    /// No key was recorded: this one is now.
    New,
    /// The recorded key is this one.
    Same,
    /// Another key is recorded (its fingerprint).
    Other(String),
}
