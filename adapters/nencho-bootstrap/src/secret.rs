//! The deployment secret that signs CSRF tokens. Configured (`NENCHO_SECRET_KEY` or `secret_key`
//! in nencho.toml) when several servers share a deployment; otherwise generated once and kept in
//! the data directory, readable by its owner only.

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

/// 32 secret bytes: SHA-256 of the configured secret (any length), or the data directory's key.
pub fn load_or_create(
    settings: &Settings,
    random: &dyn RandomSource,
) -> Result<[u8; 32], SecretError> {
    if let Some(secret) = &settings.secret_key {
        return Ok(Sha256::digest(secret.expose_secret().as_bytes()).into());
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
        Ok(text) => {
            let bytes = hex::decode(text.trim()).map_err(|_| SecretError::Damaged {
                path: shown.clone(),
            })?;
            bytes.try_into().map_err(|_| SecretError::Damaged {
                path: shown.clone(),
            })
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_crypto::OsRandom;

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
}
