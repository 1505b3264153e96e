//! Keys live outside the database (RULES.md §9): one file per key in
//! `<data dir>/keys/`, mode 0600, or a hex secret in an environment
//! variable (`YANGGUANG_AUDIT_KEY`, `YANGGUANG_DATA_KEY`). Backups do not
//! contain them; they are kept separately.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

#[derive(Clone)]
pub struct Keys {
    /// HMAC-SM3 key of the audit chain.
    pub audit: [u8; 32],
    /// SM4 data key for personal data at rest (used by later modules).
    pub data: [u8; 16],
    /// Where the audit chain's head is written outside the database.
    pub head_path: PathBuf,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(**)")
    }
}

pub fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

impl Keys {
    /// Loads the keys of a data directory, creating them on first use.
    pub fn load_or_create(data_dir: &Path) -> Result<Keys> {
        let dir = keys_dir(data_dir);
        std::fs::create_dir_all(&dir)?;
        restrict(&dir, 0o700)?;
        let audit = key_from("YANGGUANG_AUDIT_KEY", &dir.join("audit.key"))?;
        let data = key_from("YANGGUANG_DATA_KEY", &dir.join("data.key"))?;
        Ok(Keys {
            audit,
            data,
            head_path: data_dir.join("audit-head"),
        })
    }

    /// Loads existing keys only (restore refuses to invent new ones).
    pub fn load_existing(data_dir: &Path) -> Result<Keys> {
        let dir = keys_dir(data_dir);
        for name in ["audit.key", "data.key"] {
            if !dir.join(name).exists() {
                return Err(Error::invalid(
                    "missing_keys",
                    format!(
                        "未找到密钥文件 {}：请先把备份时另行保存的密钥复制到该目录",
                        dir.join(name).display()
                    ),
                ));
            }
        }
        Keys::load_or_create(data_dir)
    }

    /// Fixed keys for tests.
    pub fn for_tests(head_path: PathBuf) -> Keys {
        Keys {
            audit: [7; 32],
            data: [9; 16],
            head_path,
        }
    }
}

fn key_from<const N: usize>(env: &str, path: &Path) -> Result<[u8; N]> {
    if let Ok(hexkey) = std::env::var(env) {
        return decode::<N>(hexkey.trim(), env);
    }
    if path.exists() {
        let text = std::fs::read_to_string(path)?;
        return decode::<N>(text.trim(), &path.display().to_string());
    }
    let mut key = [0u8; N];
    getrandom::fill(&mut key).map_err(|e| Error::Key(format!("无法生成随机密钥：{e}")))?;
    std::fs::write(path, hex::encode(key))?;
    restrict(path, 0o600)?;
    Ok(key)
}

fn decode<const N: usize>(text: &str, source: &str) -> Result<[u8; N]> {
    let bytes = hex::decode(text)
        .map_err(|_| Error::Key(format!("{source} 中的密钥不是十六进制字符串")))?;
    bytes
        .try_into()
        .map_err(|_| Error::Key(format!("{source} 中的密钥长度应为 {N} 字节")))
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}
