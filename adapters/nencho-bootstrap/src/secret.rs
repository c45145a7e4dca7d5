//! The deployment secret that signs CSRF tokens and seals authenticator keys. Configured
//! (`NENCHO_SECRET_KEY` or `secret_key` in nencho.toml) when several servers share a deployment;
//! otherwise generated once and kept in the data directory, readable by its owner only.

use std::io::Write;
use std::path::Path;

use nencho_ports::RandomSource;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::Settings;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or create the secret key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("the secret key file {path} is damaged (expected 64 hex digits)")]
    Damaged { path: String },
}

const FILE_NAME: &str = "secret.key";
/// A generated key being replaced: the operator renames `secret.key` to this and restarts.
const PREVIOUS_FILE_NAME: &str = "secret.key.previous";

/// The deployment secret, and the one it replaces while a rotation re-seals.
#[derive(Clone)]
pub struct DeploymentSecrets {
    pub current: [u8; 32],
    pub previous: Option<[u8; 32]>,
}

impl std::fmt::Debug for DeploymentSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeploymentSecrets(…)")
    }
}

/// The current secret ([`load_or_create`]) and the previous one: `previous_secret_key` when
/// configured, else the data directory's `secret.key.previous` if there is one.
pub fn load_with_previous(
    settings: &Settings,
    random: &dyn RandomSource,
) -> Result<DeploymentSecrets, SecretError> {
    let current = load_or_create(settings, random)?;
    let previous = read_existing(settings)?.previous;
    Ok(DeploymentSecrets { current, previous })
}

/// The secrets as [`load_with_previous`] finds them, without creating a key file: `current` is
/// `None` when neither `secret_key` nor `DATA_DIR/secret.key` exists (for a command that only
/// reports).
pub fn read_existing(settings: &Settings) -> Result<ExistingSecrets, SecretError> {
    Ok(ExistingSecrets {
        current: existing(
            settings.secret_key.as_ref(),
            &settings.data_dir.join(FILE_NAME),
        )?,
        previous: existing(
            settings.previous_secret_key.as_ref(),
            &settings.data_dir.join(PREVIOUS_FILE_NAME),
        )?,
    })
}

/// A configured secret, else the key file at `path` if there is one.
fn existing(
    configured_secret: Option<&secrecy::SecretString>,
    path: &Path,
) -> Result<Option<[u8; 32]>, SecretError> {
    match configured_secret {
        Some(secret) => Ok(Some(configured(secret.expose_secret()))),
        None if path.is_file() => read_key_file(path).map(Some),
        None => Ok(None),
    }
}

/// The secrets found without creating any (see [`read_existing`]).
#[derive(Clone, Default)]
pub struct ExistingSecrets {
    pub current: Option<[u8; 32]>,
    pub previous: Option<[u8; 32]>,
}

impl std::fmt::Debug for ExistingSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExistingSecrets(…)")
    }
}

/// A configured secret of any length as 32 bytes.
fn configured(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// 32 secret bytes: SHA-256 of the configured secret (any length), or the data directory's key.
pub fn load_or_create(
    settings: &Settings,
    random: &dyn RandomSource,
) -> Result<[u8; 32], SecretError> {
    if let Some(secret) = &settings.secret_key {
        return Ok(configured(secret.expose_secret()));
    }
    from_file(&settings.data_dir.join(FILE_NAME), random)
}

fn from_file(path: &Path, random: &dyn RandomSource) -> Result<[u8; 32], SecretError> {
    let shown = path.display().to_string();
    let file_error = |source| SecretError::File {
        path: shown.clone(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => key_of(&text, &shown),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            random.fill(&mut key);
            if let Some(directory) = path.parent() {
                std::fs::create_dir_all(directory).map_err(file_error)?;
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    file.write_all(hex::encode(key).as_bytes())
                        .map_err(file_error)?;
                    Ok(key)
                }
                // Another process created it first: use theirs.
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    from_file(path, random)
                }
                Err(error) => Err(file_error(error)),
            }
        }
        Err(error) => Err(file_error(error)),
    }
}

fn read_key_file(path: &Path) -> Result<[u8; 32], SecretError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SecretError::File {
        path: shown.clone(),
        source,
    })?;
    key_of(&text, &shown)
}

/// A key file's 64 hex digits as the key.
fn key_of(text: &str, shown: &str) -> Result<[u8; 32], SecretError> {
    let damaged = || SecretError::Damaged {
        path: shown.to_owned(),
    };
    let bytes = hex::decode(text.trim()).map_err(|_| damaged())?;
    bytes.try_into().map_err(|_| damaged())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_crypto::OsRandom;
    use secrecy::SecretString;

    #[test]
    fn the_generated_key_is_kept_and_reused() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("secret.key");
        let first = from_file(&path, &OsRandom).unwrap();
        let second = from_file(&path, &OsRandom).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, "zz").unwrap();
        assert!(matches!(
            from_file(&path, &OsRandom),
            Err(SecretError::Damaged { .. })
        ));
    }

    #[test]
    fn the_previous_secret_comes_from_the_setting_or_the_renamed_file() {
        let directory = tempfile::tempdir().unwrap();
        let mut settings = Settings::load(&crate::SettingsArgs {
            data_dir: Some(directory.path().to_path_buf()),
            ..Default::default()
        })
        .unwrap();
        let secrets = load_with_previous(&settings, &OsRandom).unwrap();
        assert_eq!(secrets.previous, None, "no rotation under way");
        assert_eq!(
            secrets.current,
            load_or_create(&settings, &OsRandom).unwrap()
        );

        std::fs::write(
            directory.path().join("secret.key.previous"),
            hex::encode([5u8; 32]),
        )
        .unwrap();
        assert_eq!(
            load_with_previous(&settings, &OsRandom).unwrap().previous,
            Some([5u8; 32])
        );

        settings.previous_secret_key = Some(SecretString::from("the old one"));
        assert_eq!(
            load_with_previous(&settings, &OsRandom).unwrap().previous,
            Some(Sha256::digest(b"the old one").into()),
            "the setting wins over the file"
        );

        settings.previous_secret_key = None;
        std::fs::write(directory.path().join("secret.key.previous"), "not hex").unwrap();
        assert!(matches!(
            load_with_previous(&settings, &OsRandom),
            Err(SecretError::Damaged { .. })
        ));
    }
}
